"""Pages of the industry chain: the chain map (interactive, with the coverage table and the
rules), a segment's enterprise list with attraction targets, the region × segment heat map,
cluster figures with their sources and trends, the placement review queue, the taxonomy."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from fastapi import Request
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from medbridge.accounts.policy import require_admin
from medbridge.api.chain import coverage_out
from medbridge.api.deps import Auth
from medbridge.chain import actions, figures, placement, taxonomy
from medbridge.chain import coverage as cov
from medbridge.chain.targets import rank_targets
from medbridge.errors import ValidationError
from medbridge.registry.models import Organization
from medbridge.web.common import (FormDep, PageAuthDep, SessionDep, current_lang, page_number, page_router, redirect,
                                  render, text)
from medbridge.web.i18n import translate

router = page_router()

STATUSES = cov.STATUS_ORDER


def json_script(element_id: str, data) -> Markup:
    """Data for the page's script, as a JSON block the browser does not run (CSP allows no inline code)."""
    payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/json" id="{element_id}">{payload}</script>')


def region_choices(session: Session) -> list[str]:
    names: set[str] = set()
    for row in session.execute(select(Organization.province, Organization.city, Organization.district).distinct()):
        names.update(n for n in row if n)
    return sorted(names)


def _scope(request: Request, session: Session) -> tuple[cov.Scope, str]:
    """The scope from the query string; a malformed or unknown park falls back to everywhere."""
    params = request.query_params
    region = (params.get("region") or "").strip()[:64]
    park = (params.get("park_id") or "").strip()
    park_id = int(park) if park.isdecimal() and 0 < int(park) < 2**31 else None
    if park_id is not None:
        org = session.get(Organization, park_id)
        if org is None or org.kind != "park":
            park_id = None
    return cov.Scope(region if park_id is None else "", park_id), (session.get(Organization, park_id).name
                                                                  if park_id else region)


def _chain_key(request: Request, chains: taxonomy.ChainMap, default: str = "") -> str:
    key = (request.query_params.get("chain") or "").strip()
    return key if chains.has(key) else default


def _labels(lang: str) -> dict:
    return {"status": {s: translate(f"chain_status_{s}", lang) for s in STATUSES},
            "choke": translate("chain_choke", lang), "empty": translate("chain_panel_empty", lang),
            "full_list": translate("chain_full_list", lang), "local": translate("chain_local_orgs", lang),
            "outcomes": translate("chain_outcomes", lang), "lang": lang}


def _scope_query(scope: cov.Scope, **extra) -> str:
    values = {"region": scope.region, "park_id": scope.park_id or "", **extra}
    return urlencode({k: v for k, v in values.items() if v not in ("", None)})


@router.get("/chain")
def chain_map(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    chains = taxonomy.current(session)
    scope, scope_name = _scope(request, session)
    chain_key = _chain_key(request, chains)
    report = cov.coverage(session, chains, auth.viewer, scope, chain_key or None)
    lang = current_lang(request)
    data = coverage_out(chains, report)
    provinces_known = sorted({p for p in session.scalars(select(Organization.province).distinct()) if p})
    area = [p for p in request.query_params.getlist("area") if p in provinces_known][:20]
    corridor_regions: list[str] = []
    if area:
        corridor_regions = area   # the provinces ticked under 产业廊道 (e.g. 北京市, 天津市, 河北省)
    elif scope.park_id is not None:
        corridor_regions = [session.get(Organization, scope.park_id).province or ""]
    elif scope.region:
        # A corridor runs across cities, so look at the province(s) the region belongs to.
        provinces = session.scalars(select(Organization.province).where(
            (Organization.province == scope.region) | (Organization.city == scope.region)
            | (Organization.district == scope.region)).distinct())
        corridor_regions = sorted(set(provinces)) or [scope.region]
    corridors = cov.corridors(session, chains, auth.viewer, corridor_regions)
    return render(request, "chain/map.html", {
        "chains": chains, "report": report, "scope": scope, "scope_name": scope_name, "chain_key": chain_key,
        "regions": region_choices(session), "parks": cov.parks(session), "corridors": corridors,
        "rules": cov.rule_texts(lang), "scope_query": _scope_query(scope), "leading_count": cov.LEADING_COUNT,
        "provinces": provinces_known, "area": corridor_regions,
        "chart_data": json_script("chain-data", {"chains": data, "labels": _labels(lang),
                                                 "query": _scope_query(scope)}),
        "export_query": _scope_query(scope, chain=chain_key, lang=lang),
    })


@router.get("/chain/segment")
def segment_page(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    chains = taxonomy.current(session)
    scope, scope_name = _scope(request, session)
    chain_key = _chain_key(request, chains, chains.chains[0].key)
    chain = chains.chain(chain_key)
    segment = chain.segment(request.query_params.get("segment", "")) or chain.segments[0]
    [report] = cov.coverage(session, chains, auth.viewer, scope, chain.key)
    item = report.segments[segment.order]
    targets = rank_targets(session, chains, auth.viewer, scope.region, chain.key, segment.key) if scope.region else []
    lang = current_lang(request)
    return render(request, "chain/segment.html", {
        "chains": chains, "chain": chain, "segment": segment, "item": item, "present": report.present,
        "scope": scope, "scope_name": scope_name, "targets": targets, "regions": region_choices(session),
        "export_query": _scope_query(scope, chain=chain.key, segment=segment.key, lang=lang),
        "map_query": _scope_query(scope, chain=chain.key),
    })


@router.get("/chain/heatmap")
def heatmap_page(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    chains = taxonomy.current(session)
    chain = chains.chain(_chain_key(request, chains, "medical_device" if chains.has("medical_device")
                                    else chains.chains[0].key))
    level = "city" if request.query_params.get("level") == "city" else "province"
    regions, keys, counts = cov.heatmap(session, chains, auth.viewer, chain.key, level)
    lang = current_lang(request)
    labels = [chain.segment(k).label(lang) for k in keys]
    return render(request, "chain/heatmap.html", {
        "chains": chains, "chain": chain, "level": level, "regions": regions, "keys": keys, "labels": labels,
        "counts": counts,
        "chart_data": json_script("heatmap-data", {"regions": regions, "segments": labels, "keys": keys,
                                                   "counts": counts, "chain": chain.key, "level": level}),
    })


@router.get("/chain/figures")
def figures_page(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    return _figures_page(request, session, auth, None, {})


def _figures_page(request: Request, session: Session, auth: Auth, posted: FormData | None, errors: dict):
    chains = taxonomy.current(session)
    params = request.query_params
    metric = params.get("metric", "") if params.get("metric", "") in chains.metrics else ""
    region = (params.get("region") or "").strip()[:64]
    filters = figures.FigureFilters(region=region, metric=metric, page=page_number(params), per_page=100)
    rows, total = figures.list_figures(session, filters)
    lang = current_lang(request)
    trend = {chains.metric_label(m, lang): scopes for m, scopes in figures.series(rows).items()}
    return render(request, "chain/figures.html", {
        "chains": chains, "rows": rows, "total": total, "metric": metric, "region": region,
        "regions": region_choices(session), "can_add": actions.can_enter_figures(auth.viewer),
        "posted": posted, "errors": errors,
        "chart_data": json_script("trend-data", trend),
    }, status_code=422 if errors else 200)


@router.post("/chain/figures")
def add_figure(request: Request, form: FormData = FormDep, session: Session = SessionDep, auth: Auth = PageAuthDep):
    data = {name: text(form, name) for name in ("region", "organization_id", "chain", "metric", "value", "period",
                                                 "source_kind", "article_id", "source_url", "quote", "note")}
    try:
        actions.add_figure(session, auth.viewer, data)
    except ValidationError as exc:
        return _figures_page(request, session, auth, form, {e["field"]: e["message"] for e in exc.errors})
    return redirect("/chain/figures", notice="chain_saved")


@router.post("/chain/figures/{figure_id:int}/delete")
def delete_figure(figure_id: int, form: FormData = FormDep, session: Session = SessionDep, auth: Auth = PageAuthDep):
    actions.delete_figure(session, auth.viewer, figure_id)
    return redirect("/chain/figures", notice="chain_saved")


@router.get("/chain/placements")
def placements_page(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    chains = taxonomy.current(session)
    params = request.query_params
    status = params.get("status", "suggested")
    status = status if status in ("suggested", "confirmed", "rejected", "") else "suggested"
    region = (params.get("region") or "").strip()[:64]
    filters = placement.PlacementFilters(status=status, region=region, chain=_chain_key(request, chains),
                                         page=page_number(params), per_page=50)
    rows, total = placement.list_placements(session, filters)
    allowed = {row.id: actions.can_place(session, auth.viewer, row.organization_id) for row in rows}
    pages = max(1, -(-total // filters.per_page))
    query = {"status": status, "region": region, "chain": filters.chain}
    return render(request, "chain/placements.html", {
        "chains": chains, "rows": rows, "total": total, "status": status, "region": region, "filters": filters,
        "allowed": allowed, "regions": region_choices(session), "pages": pages,
        "page_link": lambda n: "/chain/placements?" + urlencode({**{k: v for k, v in query.items() if v}, "page": n}),
        "here_query": urlencode({k: v for k, v in query.items() if v}),
    })


@router.post("/chain/placements/{placement_id:int}/decide")
def decide_placement(request: Request, placement_id: int, form: FormData = FormDep, session: Session = SessionDep,
                     auth: Auth = PageAuthDep):
    row = actions.decide(session, auth.viewer, placement_id, text(form, "confirm") == "1", text(form, "note", 500))
    if text(form, "from") == "organization":
        return redirect(f"/chain/organizations/{row.organization_id}", notice="chain_decided")
    back = text(form, "back")
    return redirect("/chain/placements" + (f"?{back}" if back and not back.startswith(("/", "\\")) else ""),
                    notice="chain_decided")


@router.post("/chain/suggestions")
def run_suggestions(request: Request, form: FormData = FormDep, session: Session = SessionDep,
                    auth: Auth = PageAuthDep):
    actions.refresh_suggestions(session, auth.viewer, None)
    return redirect("/chain/placements", notice="chain_suggested")


@router.get("/chain/taxonomy")
def taxonomy_page(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    return _taxonomy_page(request, session, auth, None, {})


def _taxonomy_page(request: Request, session: Session, auth: Auth, posted: str | None, errors: dict):
    row = taxonomy.current_version(session)
    return render(request, "chain/taxonomy.html", {
        "row": row, "chains": taxonomy.ChainMap(row.data, row.version), "versions": taxonomy.list_versions(session),
        "editable": auth.viewer.is_admin, "errors": errors,
        "text": posted if posted is not None else json.dumps(row.data, ensure_ascii=False, indent=2),
    }, status_code=422 if errors else 200)


@router.post("/chain/taxonomy")
def save_taxonomy(request: Request, form: FormData = FormDep, session: Session = SessionDep,
                  auth: Auth = PageAuthDep):
    require_admin(auth.viewer)
    posted = text(form, "data")
    try:
        data = json.loads(posted)
    except ValueError as exc:
        return _taxonomy_page(request, session, auth, posted,
                              {"data": translate("chain_taxonomy_invalid_json", current_lang(request), message=exc)})
    try:
        actions.save_taxonomy(session, auth.viewer, data, text(form, "reason", 500))
    except ValidationError as exc:
        return _taxonomy_page(request, session, auth, posted,
                              {"data": "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)})
    return redirect("/chain/taxonomy", notice="chain_saved")


# --- one organization's placements ---------------------------------------------------------

@router.get("/chain/organizations/{org_id:int}")
def organization_page(request: Request, org_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    return _organization_page(request, session, auth, org_id, {})


def _organization_page(request: Request, session: Session, auth: Auth, org_id: int, errors: dict):
    from medbridge.registry.service import get_organization

    org = get_organization(session, org_id)
    rows, _ = placement.list_placements(session, placement.PlacementFilters(organization_id=org.id, status="",
                                                                            sort="chain", per_page=200))
    return render(request, "chain/organization.html", {
        "org": org, "rows": rows, "chains": taxonomy.current(session), "park_id": actions.park_of(session, org.id),
        "parks": cov.parks(session), "allowed": actions.can_place(session, auth.viewer, org.id), "errors": errors,
        "placeable": org.kind in placement.PLACED_KINDS,
    }, status_code=422 if errors else 200)


@router.post("/chain/organizations/{org_id:int}/place")
def place_organization(request: Request, org_id: int, form: FormData = FormDep, session: Session = SessionDep,
                       auth: Auth = PageAuthDep):
    chain_key, _, segment_key = text(form, "segment").partition("/")
    try:
        actions.place(session, auth.viewer, org_id, chain_key, segment_key, text(form, "note", 500))
    except ValidationError as exc:
        return _organization_page(request, session, auth, org_id, {"segment": exc.errors[0]["message"]})
    return redirect(f"/chain/organizations/{org_id}", notice="chain_saved")


@router.post("/chain/organizations/{org_id:int}/park")
def park_organization(request: Request, org_id: int, form: FormData = FormDep, session: Session = SessionDep,
                      auth: Auth = PageAuthDep):
    value = text(form, "park_id")
    try:
        actions.set_park(session, auth.viewer, org_id, int(value) if value.isdecimal() and int(value) < 2**31 else None)
    except ValidationError as exc:
        return _organization_page(request, session, auth, org_id, {"park_id": exc.errors[0]["message"]})
    return redirect(f"/chain/organizations/{org_id}", notice="chain_saved")


@router.post("/chain/organizations/{org_id:int}/suggest")
def suggest_organization(request: Request, org_id: int, form: FormData = FormDep, session: Session = SessionDep,
                         auth: Auth = PageAuthDep):
    actions.refresh_suggestions(session, auth.viewer, [org_id])
    return redirect(f"/chain/organizations/{org_id}", notice="chain_suggested")
