"""Pages of competitions: the list, a competition (organiser's panels and adjustments), the judge's
page with only their own entries, the ranking and the result sheet."""

from __future__ import annotations

from datetime import date

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from medbridge.api.deps import Auth
from medbridge.errors import NotFound
from medbridge.registry.service import find_organization
from medbridge.review import panels, service
from medbridge.web.common import FormDep, PageAuthDep, SessionDep, page_router, redirect, render, text
from medbridge.web.deals import number_param, refusals_as_page

router = page_router()
entry_title = service.shown_title


@router.get("/competitions")
def competition_list(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    return render(request, "competitions/list.html", {
        "competitions": service.list_competitions(session),
        "organizations": service.organizing_organizations(session, auth.viewer), "year": date.today().year,
    })


@router.post("/competitions/new")
@refusals_as_page
def competition_create(request: Request, form: FormData = FormDep, session: Session = SessionDep,
                       auth: Auth = PageAuthDep):
    """A new competition with one round on the default rubric; awards typed as "一等奖:1, 二等奖:2"."""
    awards = []
    for part in text(form, "awards").replace("，", ",").split(","):
        name, _, count = part.strip().partition(":")
        if name.strip():
            awards.append({"name": name.strip(), "count": count.strip() or "1"})
    competition = service.create_competition(
        session, auth.viewer, text(form, "name", 200), number_param(text(form, "year")) or 0,
        organizer_id=number_param(text(form, "organizer_id")), description=text(form, "description", 5000), awards=awards,
        rounds=[{"name": text(form, "round_name", 100) or "初赛", "judges_per_entry": number_param(text(form, "judges_per_entry")) or 3}])
    return redirect(f"/competitions/{competition.id}", notice="competition_saved")


@router.get("/competitions/{competition_id:int}")
def competition_detail(request: Request, competition_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    competition = service.get_competition(session, competition_id)
    organizer = service.is_organizer(auth.viewer, competition)
    rounds = []
    for rnd in competition.rounds:
        entries = service.round_entries(session, rnd)
        by_entry: dict[int, list] = {e.id: [] for e in entries}
        if organizer:
            for a in service.assignments(session, rnd):
                by_entry.setdefault(a.entry_id, []).append(a)
        conflicted = {}
        if organizer:
            judges = [service.judge_info(session, j.expert, competition) for j in competition.judges]
            for e in entries:
                info = service.entry_info(e)
                conflicted[e.id] = {j.id: panels.conflicts(j, info) for j in judges if panels.conflicts(j, info)}
        rounds.append({"round": rnd, "entries": entries, "panels": by_entry, "conflicts": conflicted})
    mine = service.expert_for_user(session, auth.viewer)
    return render(request, "competitions/detail.html", {
        "competition": competition, "organizer": organizer, "rounds": rounds,
        "is_judge": bool(mine and any(j.expert_id == mine.id for j in competition.judges)),
        "entry_title": lambda e: entry_title(auth.viewer, e),
        "experts": service.list_experts(session, per_page=500).items if organizer else [],
    })


def _round(session: Session, competition_id: int, number: int):
    competition = service.get_competition(session, competition_id)
    return competition, service.get_round(session, competition, number)


@router.post("/competitions/{competition_id:int}/rounds/{number:int}/assign")
@refusals_as_page
def competition_assign(request: Request, competition_id: int, number: int, form: FormData = FormDep,
                       session: Session = SessionDep, auth: Auth = PageAuthDep):
    competition, rnd = _round(session, competition_id, number)
    service.auto_assign(session, auth.viewer, rnd)
    return redirect(f"/competitions/{competition_id}", notice="competition_saved")


@router.post("/competitions/{competition_id:int}/rounds/{number:int}/adjust")
@refusals_as_page
def competition_adjust(request: Request, competition_id: int, number: int, form: FormData = FormDep,
                       session: Session = SessionDep, auth: Auth = PageAuthDep):
    competition, rnd = _round(session, competition_id, number)
    service.require_organizer(auth.viewer, competition)
    service.set_assignment(session, auth.viewer, rnd, number_param(text(form, "entry_id")) or 0,
                           number_param(text(form, "expert_id")) or 0, text(form, "assigned") == "1")
    return redirect(f"/competitions/{competition_id}", notice="competition_saved")


@router.post("/competitions/{competition_id:int}/entries")
@refusals_as_page
def competition_add_entry(request: Request, competition_id: int, form: FormData = FormDep,
                          session: Session = SessionDep, auth: Auth = PageAuthDep):
    competition = service.get_competition(session, competition_id)
    service.require_organizer(auth.viewer, competition)
    org = find_organization(session, text(form, "organization")) if text(form, "organization") else None
    service.add_entry(session, auth.viewer, competition, title=text(form, "title", 300),
                      outcome_id=number_param(text(form, "outcome_id")), organization_id=org.id if org else None,
                      members=text(form, "members").replace("，", ",").split(","), field=text(form, "field", 32))
    return redirect(f"/competitions/{competition_id}", notice="competition_saved")


@router.post("/competitions/{competition_id:int}/judges")
@refusals_as_page
def competition_add_judge(request: Request, competition_id: int, form: FormData = FormDep,
                          session: Session = SessionDep, auth: Auth = PageAuthDep):
    competition = service.get_competition(session, competition_id)
    service.require_organizer(auth.viewer, competition)
    service.add_judge(session, auth.viewer, competition, number_param(text(form, "expert_id")) or 0)
    return redirect(f"/competitions/{competition_id}", notice="competition_saved")


@router.post("/competitions/{competition_id:int}/finish")
@refusals_as_page
def competition_finish(request: Request, competition_id: int, form: FormData = FormDep,
                       session: Session = SessionDep, auth: Auth = PageAuthDep):
    competition = service.get_competition(session, competition_id)
    service.finish(session, auth.viewer, competition)
    return redirect(f"/competitions/{competition_id}/ranking", notice="competition_saved")


@router.get("/competitions/{competition_id:int}/judge")
def judge_page(request: Request, competition_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    competition = service.get_competition(session, competition_id)
    mine = service.my_assignments(session, auth.viewer, competition)
    rounds = {r.id: r for r in competition.rounds}
    return render(request, "competitions/judge.html", {
        "competition": competition, "assignments": mine, "rounds": rounds, "errors": {},
        "entry_title": lambda e: entry_title(auth.viewer, e),
    })


@router.post("/competitions/{competition_id:int}/scores/{assignment_id:int}")
@refusals_as_page
def judge_score(request: Request, competition_id: int, assignment_id: int, form: FormData = FormDep,
                session: Session = SessionDep, auth: Auth = PageAuthDep):
    competition = service.get_competition(session, competition_id)
    if assignment_id not in {a.id for a in service.my_assignments(session, auth.viewer, competition)}:
        raise NotFound("assignment not found / 评审任务不存在")
    rnd = next(r for r in competition.rounds if any(a.id == assignment_id for a in service.assignments(session, r)))
    scores = {c["key"]: text(form, f"score_{c['key']}") for c in rnd.rubric["criteria"]}
    service.submit_score(session, auth.viewer, assignment_id, scores, text(form, "comment", 2000))
    # The notice goes before the fragment, or the browser would take it for part of the fragment.
    return redirect(f"/competitions/{competition_id}/judge?notice=score_saved#assignment-{assignment_id}")


@router.post("/competitions/{competition_id:int}/conflicts")
@refusals_as_page
def declare_conflict(request: Request, competition_id: int, form: FormData = FormDep, session: Session = SessionDep,
                     auth: Auth = PageAuthDep):
    """A judge declares a conflict with an entry (or the organiser records one); the pair is never assigned again."""
    competition = service.get_competition(session, competition_id)
    entry = next((e for e in competition.entries if e.id == number_param(text(form, "entry_id"))), None)
    if entry is None:
        raise NotFound("entry not found / 参赛项目不存在")
    mine = service.expert_for_user(session, auth.viewer)
    expert_id = number_param(text(form, "expert_id")) or (mine.id if mine else 0)
    service.declare_conflict(session, auth.viewer, entry, expert_id, text(form, "reason", 300))
    back = f"/competitions/{competition_id}" if service.is_organizer(auth.viewer, competition) \
        else f"/competitions/{competition_id}/judge"
    return redirect(back, notice="competition_saved")


@router.get("/competitions/{competition_id:int}/ranking")
def ranking_page(request: Request, competition_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    competition = service.get_competition(session, competition_id)
    service.require_ranking_access(auth.viewer, competition)
    number = number_param(request.query_params.get("round")) or len(competition.rounds)
    rnd = service.get_round(session, competition, number)
    entries = {e.id: e for e in competition.entries}
    return render(request, "competitions/ranking.html", {
        "competition": competition, "round": rnd, "ranking": service.ranking(session, rnd), "entries": entries,
        "entry_title": lambda e: entry_title(auth.viewer, e),
        "organizer": service.is_organizer(auth.viewer, competition),
    })


@router.get("/competitions/{competition_id:int}/results.{fmt}")
@refusals_as_page
def results_sheet(request: Request, competition_id: int, fmt: str, session: Session = SessionDep,
                  auth: Auth = PageAuthDep):
    competition = service.get_competition(session, competition_id)
    content = service.result_sheet(session, auth.viewer, competition, fmt)
    media = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="competition-{competition_id}.{fmt}"'})
