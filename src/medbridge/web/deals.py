"""Pages of the transfer pipeline: deals (board, list, detail, new), cycle-time charts,
the incubation cohort and the expert think-tank."""

from __future__ import annotations

import functools
from datetime import date
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from medbridge.accounts.policy import can_manage, detail_level, manages_any, require_signed_in, require_some_office
from medbridge.api.deps import Auth
from medbridge.errors import ValidationError
from medbridge.library.models import Outcome
from medbridge.registry.service import find_organization
from medbridge.review import service as review
from medbridge.transfer import analytics, incubation, service
from medbridge.transfer.models import ALL_DEAL_STAGES, DEAL_MODES, DEAL_STAGES, INCUBATION_PHASES
from medbridge.transfer.service import DealFilters
from medbridge.web import charts
from medbridge.web.common import (FormDep, PageAuthDep, SessionDep, current_lang, page_numbers, page_router, redirect,
                                  render, text)
from medbridge.web.i18n import translate

router = page_router()


def number_param(value) -> int | None:
    """A positive whole number from a query string or form, or None (a bad value falls back, never fails)."""
    value = str(value or "").strip()
    return int(value) if value.isdecimal() and value.isascii() and len(value) < 10 else None


def deal_filters(params) -> DealFilters:
    """Filters from a query string; anything malformed falls back to its default."""
    stage, mode = params.get("stage", ""), params.get("mode", "")
    sort = params.get("sort", "-updated_at")
    return DealFilters(q=(params.get("q") or "").strip()[:200], stage=stage if stage in ALL_DEAL_STAGES else "",
                       mode=mode if mode in DEAL_MODES else "", field=(params.get("field") or "")[:32],
                       owner_id=number_param(params.get("owner_id")), organization_id=number_param(params.get("organization_id")),
                       year=number_param(params.get("year")) if 1900 < (number_param(params.get("year")) or 0) < 2200 else None,
                       sort=sort if sort.lstrip("-") in service.DEAL_SORTS else "-updated_at",
                       page=max(1, number_param(params.get("page")) or 1), per_page=50)


def _query(filters: DealFilters, **overrides) -> str:
    values = {k: v for k, v in vars(filters).items() if k not in ("per_page",)}
    values.update(overrides)
    return urlencode({k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)
                      and not (k == "sort" and v == "-updated_at")})


def invalid_page(request: Request, exc: ValidationError):
    """A refused form: the problems, each with its field, and a way back (status 422)."""
    return render(request, "pipeline_invalid.html", {"problems": exc.errors}, status_code=422)


def refusals_as_page(handler):
    """A page handler whose ValidationError becomes the 422 page listing the problems (nothing is saved)."""
    @functools.wraps(handler)
    def guarded(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except ValidationError as exc:
            kwargs["session"].rollback()
            return invalid_page(kwargs["request"], exc)
    return guarded


def _day(form: FormData, name: str) -> date | None:
    value = text(form, name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError([{"field": name, "message": "日期格式应为 YYYY-MM-DD / a date as YYYY-MM-DD"}]) from None


# --- deals ---------------------------------------------------------------------------------

@router.get("/deals")
def deal_list(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    require_signed_in(auth.viewer)
    filters = deal_filters(request.query_params)
    page = service.list_deals(session, auth.viewer, filters)
    return render(request, "deals/list.html", {
        "page": page, "filters": filters, "page_numbers": page_numbers(page), "stages": ALL_DEAL_STAGES,
        "modes": DEAL_MODES, "query": lambda **o: _query(filters, **o), "export_query": _query(filters, page=1),
        "filtered": any(getattr(filters, k) for k in ("q", "stage", "mode", "field", "owner_id", "organization_id", "year")),
    })


@router.get("/deals/board")
def deal_board(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    require_signed_in(auth.viewer)
    filters = deal_filters(request.query_params)
    columns = service.board(session, auth.viewer, filters)
    return render(request, "deals/board.html", {
        "columns": columns, "filters": filters, "modes": DEAL_MODES, "next_stage": _next_stage,
        "can_manage": lambda deal: can_manage(auth.viewer, deal.outcome.owner_id), "today": date.today().isoformat(),
    })


def _next_stage(stage: str) -> str | None:
    if stage not in DEAL_STAGES or stage == DEAL_STAGES[-1]:
        return None
    return DEAL_STAGES[DEAL_STAGES.index(stage) + 1]


@router.get("/deals/export.{fmt}")
def deal_export(request: Request, fmt: str, session: Session = SessionDep, auth: Auth = PageAuthDep):
    require_signed_in(auth.viewer)
    lang = current_lang(request)
    content = service.export_deals(session, auth.viewer, deal_filters(request.query_params), fmt,
                                   label=lambda vocabulary, key: translate(f"{vocabulary}_{key}", lang))
    media = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="deals.{fmt}"'})


@router.get("/deals/new")
def deal_new_form(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    require_some_office(auth.viewer)
    outcome_id = number_param(request.query_params.get("outcome_id"))
    return render(request, "deals/new.html", {"modes": DEAL_MODES, "posted": {"outcome_id": outcome_id or ""},
                                              "errors": {}, "today": date.today().isoformat()})


@router.post("/deals/new")
def deal_create(request: Request, form: FormData = FormDep, session: Session = SessionDep, auth: Auth = PageAuthDep):
    posted = {name: text(form, name) for name in ("outcome_id", "organizations", "mode", "value", "terms",
                                                   "documents", "title", "started_on")}
    errors: dict[str, str] = {}
    organization_ids = []
    for name in [line.strip() for line in posted["organizations"].splitlines() if line.strip()]:
        org = find_organization(session, name)
        if org is None:
            errors["organization_ids"] = f"机构“{name}”不存在 / organization not found"
        else:
            organization_ids.append(org.id)
    outcome_id = number_param(posted["outcome_id"])
    if outcome_id is None or session.get(Outcome, outcome_id) is None:
        errors["outcome_id"] = "成果不存在 / no such outcome"
    if not errors:
        try:
            deal = service.create_deal(session, auth.viewer, outcome_id, organization_ids, posted["mode"],
                                       started_on=_day(form, "started_on"), value=posted["value"] or None,
                                       terms=posted["terms"], documents=posted["documents"].splitlines(),
                                       title=posted["title"])
            return redirect(f"/deals/{deal.id}", notice="deal_created")
        except ValidationError as exc:
            errors = {e["field"]: e["message"] for e in exc.errors}
    return render(request, "deals/new.html", {"modes": DEAL_MODES, "posted": posted, "errors": errors,
                                              "today": date.today().isoformat()}, status_code=422)


@router.get("/deals/{deal_id:int}")
def deal_detail(request: Request, deal_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    return _detail_page(request, deal_id, session, auth)


def _detail_page(request: Request, deal_id: int, session: Session, auth: Auth, errors: dict | None = None,
                 status_code: int = 200):
    require_signed_in(auth.viewer)
    deal = service.get_deal(session, auth.viewer, deal_id)
    return render(request, "deals/detail.html", {
        "deal": deal, "level": detail_level(auth.viewer, deal.outcome), "stages": ALL_DEAL_STAGES, "modes": DEAL_MODES,
        "manage": can_manage(auth.viewer, deal.outcome.owner_id), "errors": errors or {},
        "today": date.today().isoformat(), "next_stage": _next_stage(deal.stage),
    }, status_code=status_code)


@router.post("/deals/{deal_id:int}/move")
def deal_move(request: Request, deal_id: int, form: FormData = FormDep, session: Session = SessionDep,
              auth: Auth = PageAuthDep):
    deal = service.get_deal(session, auth.viewer, deal_id)
    try:
        service.move_deal(session, auth.viewer, deal, text(form, "stage"), _day(form, "happened_on"),
                          text(form, "reason", 500))
    except ValidationError as exc:
        session.rollback()
        return _detail_page(request, deal_id, session, auth, {e["field"]: e["message"] for e in exc.errors}, 422)
    back = text(form, "back")
    return redirect(back if back == "/deals/board" else f"/deals/{deal_id}", notice="deal_moved")


@router.post("/deals/{deal_id:int}/edit")
def deal_edit(request: Request, deal_id: int, form: FormData = FormDep, session: Session = SessionDep,
              auth: Auth = PageAuthDep):
    deal = service.get_deal(session, auth.viewer, deal_id)
    changes = {"mode": text(form, "mode") or deal.mode, "value": text(form, "value") or None,
               "terms": text(form, "terms"), "documents": text(form, "documents").splitlines()}
    try:
        service.update_deal(session, auth.viewer, deal, changes)
    except ValidationError as exc:
        session.rollback()
        return _detail_page(request, deal_id, session, auth, {e["field"]: e["message"] for e in exc.errors}, 422)
    return redirect(f"/deals/{deal_id}", notice="deal_saved")


# --- cycle time ----------------------------------------------------------------------------

@router.get("/deals/cycle-time")
def cycle_time(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    require_signed_in(auth.viewer)
    lang = current_lang(request)
    t = lambda key, **v: translate(key, lang, **v)  # noqa: E731
    filters = deal_filters(request.query_params)
    data = analytics.report(session, auth.viewer, DealFilters(**{**vars(filters), "page": 1}))
    from medbridge.library.taxonomy import get_taxonomy

    taxonomy = get_taxonomy()
    group_label = {"field": lambda k: taxonomy.fields.label(k, lang), "owner": str,
                   "mode": lambda k: t(f"deal_modes_{k}"), "year": str}
    figures = {
        "stages": charts.boxes(t("cycle_by_stage"), [(t(f"deal_stages_{s}"), data["stages"].get(s))
                                                     for s in DEAL_STAGES[:-1]], t("days")),
        "end_to_end": charts.boxes(t("cycle_end_to_end"), [(t("cycle_end_to_end"), data["end_to_end"])], t("days")),
        "funnel": charts.funnel(t("cycle_funnel"), [(t(f"deal_stages_{s}"), n) for s, n in data["funnel"]]),
        "by": {g: charts.boxes(t("cycle_by", group=t(f"cycle_group_{g}")),
                               [(group_label[g](k), v) for k, v in list(data["by"][g].items())[:15]], t("days"))
               for g in analytics.GROUPINGS},
    }
    return render(request, "deals/cycle_time.html", {"data": data, "figures": figures, "filters": filters,
                                                      "modes": DEAL_MODES, "groupings": analytics.GROUPINGS})


# --- incubation ----------------------------------------------------------------------------

@router.get("/incubation")
def incubation_cohort(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    require_signed_in(auth.viewer)
    incubators = incubation.operated_incubators(session, auth.viewer)
    chosen = number_param(request.query_params.get("incubator_id"))
    with_projects = incubation.incubators_with_projects(session)
    default = next((i for i in incubators if i.id in with_projects), incubators[0] if incubators else None)
    current = next((i for i in incubators if i.id == chosen), default)
    projects = incubation.cohort(session, auth.viewer, current.id) if current else []
    counts = {phase: sum(1 for p in projects if p.phase == phase) for phase in INCUBATION_PHASES}
    return render(request, "incubation/cohort.html", {
        "incubators": incubators, "current": current, "projects": projects, "phases": INCUBATION_PHASES,
        "next_phase": lambda p: INCUBATION_PHASES[INCUBATION_PHASES.index(p) + 1] if p != INCUBATION_PHASES[-1] else None,
        "chart": charts.bars(translate("incubation_title", current_lang(request)),
                             [(translate(f"phases_{p}", current_lang(request)), n) for p, n in counts.items()]),
        "today": date.today().isoformat(), "durations": incubation.phase_durations,
    })


@router.post("/incubation/new")
@refusals_as_page
def incubation_add(request: Request, form: FormData = FormDep, session: Session = SessionDep, auth: Auth = PageAuthDep):
    incubator_id = number_param(text(form, "incubator_id"))
    company = find_organization(session, text(form, "company")) if text(form, "company") else None
    incubation.add_project(session, auth.viewer, incubator_id or 0, text(form, "name", 200),
                           entered_on=_day(form, "entered_on"), company_id=company.id if company else None,
                           cohort_name=text(form, "cohort", 64))
    return redirect(f"/incubation?incubator_id={incubator_id}", notice="incubation_saved")


@router.post("/incubation/{project_id:int}/advance")
@refusals_as_page
def incubation_advance(request: Request, project_id: int, form: FormData = FormDep, session: Session = SessionDep,
                       auth: Auth = PageAuthDep):
    project = incubation.get_project(session, auth.viewer, project_id)
    incubation.advance(session, auth.viewer, project, text(form, "phase"), _day(form, "happened_on"))
    return redirect(f"/incubation?incubator_id={project.incubator_id}", notice="incubation_saved")


@router.post("/incubation/{project_id:int}/milestones")
@refusals_as_page
def incubation_milestone(request: Request, project_id: int, form: FormData = FormDep, session: Session = SessionDep,
                         auth: Auth = PageAuthDep):
    project = incubation.get_project(session, auth.viewer, project_id)
    incubation.add_milestone(session, auth.viewer, project, text(form, "title", 200), _day(form, "due_on"))
    return redirect(f"/incubation?incubator_id={project.incubator_id}", notice="incubation_saved")


@router.post("/incubation/milestones/{milestone_id:int}/done")
@refusals_as_page
def incubation_milestone_done(request: Request, milestone_id: int, form: FormData = FormDep,
                              session: Session = SessionDep, auth: Auth = PageAuthDep):
    milestone = incubation.complete_milestone(session, auth.viewer, milestone_id, _day(form, "done_on"))
    return redirect(f"/incubation?incubator_id={milestone.project.incubator_id}", notice="incubation_saved")


# --- experts -------------------------------------------------------------------------------

@router.get("/experts")
def expert_list(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    params = request.query_params
    q, field = (params.get("q") or "").strip()[:100], (params.get("field") or "")[:32]
    tech = params.get("tech") == "1"
    number = max(1, number_param(params.get("page")) or 1)
    page = review.list_experts(session, q=q, field=field, tech_managers=tech, page=number)
    return render(request, "experts/list.html", {
        "page": page, "q": q, "field": field, "tech": tech, "page_numbers": page_numbers(page),
        "query": lambda **o: urlencode({k: v for k, v in {"q": q, "field": field, "tech": "1" if tech else "", **o}.items() if v}),
        "outcomes_of": lambda e: review.expert_outcomes(session, auth.viewer, e) if e.is_tech_manager else [],
        "may_assign": manages_any(auth.viewer),
    })


@router.post("/experts/{expert_id:int}/outcomes")
@refusals_as_page
def expert_assign_outcome(request: Request, expert_id: int, form: FormData = FormDep, session: Session = SessionDep,
                          auth: Auth = PageAuthDep):
    """The owner's office makes a technology manager responsible for one of its outcomes (by id or code)."""
    from medbridge.library.service import get_outcome_by_ref

    outcome = get_outcome_by_ref(session, text(form, "outcome", 64) or "0")
    review.assign_tech_manager(session, auth.viewer, outcome.id, expert_id)
    return redirect("/experts?tech=1", notice="deal_saved")
