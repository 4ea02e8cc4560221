"""The authorization matrix: every route × every role × each confidentiality level.

Each route of the app (API and pages) has a rule in RULES; a route without one fails
`test_every_route_has_a_rule`, so a new route cannot be added without deciding who may use it.
For every rule the expected answer per role and level is stated once, in `expected`, and
checked against a real request: allowed, forbidden (401/403, or the sign-in redirect for
pages), hidden (404: the outcome does not exist for this person), full detail or redacted.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from openpyxl import Workbook

from medbridge.accounts import access
from medbridge.accounts import service as accounts
from medbridge.app import create_app
from medbridge.db import Database
from medbridge.library import service
from tests.factories import make_org, outcome_data
from tests.transfer.matrix import PIPELINE_PREFIXES, pipeline_form, pipeline_json, pipeline_url, seed_pipeline

ROLES = ("anonymous", "viewer", "judge", "member", "operator", "other_tto", "owner_tto", "admin")
LEVELS = ("public", "summary", "confidential")
MANAGERS = {"owner_tto", "admin"}
PASSWORD = "matrix-password-1"

# Rule of each route. Outcome routes ("read", "detail", "owner_write", "request") are checked
# at each confidentiality level; the others once.
RULES = {
    ("GET", "/api/me"): "open",
    ("POST", "/api/session"): "open",
    ("DELETE", "/api/session"): "open",
    ("GET", "/api/outcomes"): "list",
    ("POST", "/api/outcomes"): "owner_create",
    ("GET", "/api/outcomes/export"): "list",
    ("GET", "/api/outcomes/import-template"): "open",
    ("POST", "/api/outcomes/import"): "office",
    ("GET", "/api/outcomes/{outcome_id:int}"): "read",
    ("PATCH", "/api/outcomes/{outcome_id:int}"): "owner_write",
    ("DELETE", "/api/outcomes/{outcome_id:int}"): "owner_write",
    ("GET", "/api/outcomes/{outcome_id:int}/versions"): "detail",
    ("GET", "/api/outcomes/{outcome_id:int}/versions/{number:int}"): "detail",
    ("GET", "/api/outcomes/{outcome_id:int}/diff"): "detail",
    ("POST", "/api/outcomes/{outcome_id:int}/restore/{number:int}"): "owner_write",
    ("POST", "/api/outcomes/{outcome_id:int}/grade"): "owner_write",
    ("POST", "/api/outcomes/{outcome_id:int}/access-requests"): "request",
    ("GET", "/api/access-requests"): "signed_in",
    ("POST", "/api/access-requests/{grant_id:int}/decision"): "owner_grant",
    ("GET", "/api/outcomes/{outcome_id:int}/grants"): "owner_write",
    ("POST", "/api/outcomes/{outcome_id:int}/grants"): "owner_write",
    ("POST", "/api/grants/{grant_id:int}/revoke"): "owner_grant",
    ("GET", "/api/organizations"): "open",
    ("POST", "/api/organizations"): "admin",
    ("GET", "/api/organizations/{org_id:int}"): "open",
    ("GET", "/api/people"): "open",
    ("POST", "/api/people"): "admin",
    ("GET", "/api/taxonomy"): "open",
    ("POST", "/api/classify"): "open",
    ("GET", "/api/rubric"): "open",
    ("PUT", "/api/rubric"): "admin",
    ("GET", "/api/audit"): "admin",
    ("GET", "/api/audit/export"): "admin",
    ("GET", "/"): "list",
    ("GET", "/outcomes"): "list",
    ("GET", "/outcomes/new"): "office",
    ("POST", "/outcomes/new"): "owner_create",
    ("GET", "/outcomes/{outcome_id:int}"): "read",
    ("GET", "/outcomes/{outcome_id:int}/edit"): "owner_write",
    ("POST", "/outcomes/{outcome_id:int}/edit"): "owner_write",
    ("POST", "/outcomes/{outcome_id:int}/delete"): "owner_write",
    ("GET", "/outcomes/{outcome_id:int}/history"): "detail",
    ("GET", "/outcomes/{outcome_id:int}/diff"): "detail",
    ("GET", "/outcomes/{outcome_id:int}/restore/{number:int}"): "owner_write",
    ("POST", "/outcomes/{outcome_id:int}/restore/{number:int}"): "owner_write",
    ("GET", "/access"): "signed_in",
    ("POST", "/outcomes/{outcome_id:int}/access"): "request",
    ("POST", "/access/{grant_id:int}/decide"): "owner_grant",
    ("POST", "/access/{grant_id:int}/revoke"): "owner_grant",
    ("POST", "/outcomes/{outcome_id:int}/grants"): "owner_write",
    ("GET", "/export.{fmt}"): "list",
    ("GET", "/import/template.{fmt}"): "open",
    ("GET", "/import"): "office",
    ("POST", "/import"): "office",
    ("GET", "/organizations"): "open",
    ("GET", "/organizations/{org_id:int}"): "list",
    ("GET", "/rubric"): "open",
    ("POST", "/rubric"): "admin",
    ("GET", "/login"): "open",
    ("POST", "/login"): "open",
    ("POST", "/logout"): "signed_in",
    ("GET", "/audit"): "admin",
    ("GET", "/audit.csv"): "admin",
    ("GET", "/lang/{code}"): "open",
    # industry chain: reads open; placing needs the organization's office or an admin ("placer")
    **{("GET", f"/api/chain/{p}"): "open" for p in (
        "taxonomy", "taxonomy/versions", "placements", "coverage", "corridors", "heatmap", "targets", "figures",
        "export/enterprises", "export/gaps")},
    ("PUT", "/api/chain/taxonomy"): "admin",
    ("POST", "/api/chain/placements"): "placer",
    ("POST", "/api/chain/placements/{placement_id:int}/decision"): "placer",
    ("POST", "/api/chain/suggestions"): "placer",
    ("PUT", "/api/chain/organizations/{org_id:int}/park"): "placer",
    ("POST", "/api/chain/figures"): "figures",
    ("DELETE", "/api/chain/figures/{figure_id:int}"): "admin",
    **{("GET", p): "open" for p in ("/chain", "/chain/segment", "/chain/heatmap", "/chain/figures",
                                    "/chain/placements", "/chain/taxonomy")},
    ("POST", "/chain/figures"): "figures",
    ("POST", "/chain/figures/{figure_id:int}/delete"): "admin",
    ("POST", "/chain/placements/{placement_id:int}/decide"): "placer",
    ("POST", "/chain/suggestions"): "admin",
    ("POST", "/chain/taxonomy"): "admin",
    ("GET", "/chain/organizations/{org_id:int}"): "open",
    **{("POST", f"/chain/organizations/{{org_id:int}}/{a}"): "placer" for a in ("place", "park", "suggest")},
    # transfer pipeline, incubation, experts, competitions (tests/transfer/matrix.py seeds them)
    ("GET", "/api/deals"): "signed_in",
    ("POST", "/api/deals"): "owner_create",
    ("GET", "/api/deals/export"): "signed_in",
    ("GET", "/api/deals/cycle-time"): "signed_in",
    ("GET", "/api/deals/{deal_id:int}"): "deal_read",
    ("PATCH", "/api/deals/{deal_id:int}"): "deal_write",
    ("POST", "/api/deals/{deal_id:int}/moves"): "deal_write",
    ("GET", "/api/incubators/{incubator_id:int}/cohort"): "operator",
    ("POST", "/api/incubation/{project_id:int}/advance"): "operator_item",
    ("GET", "/api/experts"): "open",
    ("POST", "/api/experts"): "admin",
    ("POST", "/api/outcomes/{outcome_id:int}/tech-managers"): "owner_write",
    ("GET", "/api/competitions"): "open",
    ("POST", "/api/competitions"): "organizer",
    ("GET", "/api/competitions/{competition_id:int}"): "open",
    ("POST", "/api/competitions/{competition_id:int}/entries"): "organizer",
    ("POST", "/api/competitions/{competition_id:int}/judges"): "organizer",
    ("POST", "/api/competitions/{competition_id:int}/rounds/{number:int}/assign"): "organizer",
    ("POST", "/api/competitions/{competition_id:int}/rounds/{number:int}/assignments"): "organizer",
    ("GET", "/api/competitions/{competition_id:int}/my-assignments"): "judge_only",
    ("PUT", "/api/assignments/{assignment_id:int}/score"): "judge_item",
    ("GET", "/api/competitions/{competition_id:int}/ranking"): "organizer",
    ("POST", "/api/competitions/{competition_id:int}/finish"): "organizer",
    ("GET", "/api/competitions/{competition_id:int}/results"): "organizer",
    ("GET", "/deals"): "signed_in",
    ("GET", "/deals/board"): "signed_in",
    ("GET", "/deals/cycle-time"): "signed_in",
    ("GET", "/deals/export.{fmt}"): "signed_in",
    ("GET", "/deals/new"): "office",
    ("POST", "/deals/new"): "owner_create",
    ("GET", "/deals/{deal_id:int}"): "deal_read",
    ("POST", "/deals/{deal_id:int}/move"): "deal_write",
    ("POST", "/deals/{deal_id:int}/edit"): "deal_write",
    ("GET", "/incubation"): "signed_in",
    ("POST", "/incubation/new"): "operator",
    ("POST", "/incubation/{project_id:int}/advance"): "operator_item",
    ("POST", "/incubation/{project_id:int}/milestones"): "operator_item",
    ("POST", "/incubation/milestones/{milestone_id:int}/done"): "operator_item",
    ("POST", "/competitions/new"): "organizer",
    ("POST", "/competitions/{competition_id:int}/conflicts"): "organizer_or_judge",
    ("POST", "/api/competitions/{competition_id:int}/conflicts"): "organizer_or_judge",
    ("GET", "/experts"): "open",
    ("POST", "/experts/{expert_id:int}/outcomes"): "owner_create",
    ("GET", "/competitions"): "open",
    ("GET", "/competitions/{competition_id:int}"): "open",
    ("POST", "/competitions/{competition_id:int}/entries"): "organizer",
    ("POST", "/competitions/{competition_id:int}/judges"): "organizer",
    ("POST", "/competitions/{competition_id:int}/rounds/{number:int}/assign"): "organizer",
    ("POST", "/competitions/{competition_id:int}/rounds/{number:int}/adjust"): "organizer",
    ("POST", "/competitions/{competition_id:int}/finish"): "organizer",
    ("GET", "/competitions/{competition_id:int}/judge"): "judge_only",
    ("POST", "/competitions/{competition_id:int}/scores/{assignment_id:int}"): "judge_only",
    ("GET", "/competitions/{competition_id:int}/ranking"): "organizer",
    ("GET", "/competitions/{competition_id:int}/results.{fmt}"): "organizer",
    # news intelligence (issue 4): analysts and admins only; the analyst role is exercised in
    # tests/api/test_news.py, here every other role must be refused.
    ("GET", "/api/news/articles"): "analyst", ("POST", "/api/news/articles"): "analyst",
    ("GET", "/api/news/articles/{article_id}"): "analyst",
    ("POST", "/api/news/mentions/{mention_id}/review"): "analyst",
    ("POST", "/api/news/events/{event_id}/review"): "analyst",
    ("GET", "/api/news/organizations/{organization_id}/provenance"): "analyst",
    ("GET", "/news"): "analyst", ("GET", "/news/{article_id:int}"): "analyst",
    ("POST", "/news/mentions/{mention_id:int}/review"): "analyst",
    ("POST", "/news/events/{event_id:int}/review"): "analyst",
    # search, needs, matches (matching issue): see seed_matching and matching_request below
    ("GET", "/api/search"): "list", ("GET", "/search"): "list",
    ("GET", "/api/needs"): "open", ("POST", "/api/needs"): "need_post", ("POST", "/api/needs/import"): "has_org",
    ("GET", "/api/needs/{need_id:int}"): "open", ("PATCH", "/api/needs/{need_id:int}"): "need_post",
    ("DELETE", "/api/needs/{need_id:int}"): "need_post", ("GET", "/api/needs/{need_id:int}/matches"): "open",
    ("GET", "/api/outcomes/{outcome_id:int}/matches"): "visible", ("POST", "/api/match-feedback"): "signed_in",
    ("GET", "/needs"): "open", ("GET", "/needs/new"): "has_org", ("POST", "/needs/new"): "need_post",
    ("GET", "/needs/{need_id:int}"): "open", ("GET", "/needs/{need_id:int}/edit"): "need_post",
    ("POST", "/needs/{need_id:int}/edit"): "need_post", ("POST", "/needs/{need_id:int}/delete"): "need_post",
    ("GET", "/outcomes/{outcome_id:int}/matches"): "visible", ("POST", "/match-feedback"): "signed_in",
    ("GET", "/api/needs/export"): "open", ("GET", "/api/needs/import-template"): "open",
    ("GET", "/needs/export.{fmt}"): "open", ("GET", "/needs/import/template.{fmt}"): "open",
    ("GET", "/needs/import"): "has_org", ("POST", "/needs/import"): "has_org",
}
PER_LEVEL = {"read", "detail", "owner_write", "request", "visible"}
OWNER_ONLY = "只有该机构的成果转化办公室或管理员可以这样做"


def expected(rule: str, role: str, level: str | None) -> str:
    """What `role` should get from a route with `rule` on an outcome at `level`."""
    manager = role in MANAGERS
    if rule == "open":
        return "allowed"
    if rule == "list":
        return "sees_all" if manager else "sees_public_part"
    if rule == "read":
        if manager or level == "public":
            return "full"
        return "redacted" if level == "summary" else "hidden"
    if rule == "detail":
        if manager or level == "public":
            return "allowed"
        return "hidden" if level == "confidential" else "forbidden"
    if rule in ("owner_write", "owner_grant"):
        if manager:
            return "allowed"
        if level == "confidential":
            # Anonymous callers may be sent to sign in first, or told there is no such outcome.
            return "hidden_or_signed_out" if role == "anonymous" else "hidden"
        return "forbidden"
    if rule == "owner_create":
        return "allowed" if manager else "forbidden"
    if rule == "office":  # pages for people who manage outcomes somewhere (new, import)
        return "allowed" if manager or role == "other_tto" else "forbidden"
    if rule == "request":
        if role == "anonymous":
            return "forbidden"
        return "hidden" if level == "confidential" and not manager else "allowed"
    if rule == "signed_in":
        return "forbidden" if role == "anonymous" else "allowed"
    if rule in ("admin", "analyst"):
        return "allowed" if role == "admin" else "forbidden"
    if rule == "placer":  # the organization's own office (the hospital's) or an administrator
        return "allowed" if manager else "forbidden"
    if rule == "figures":  # administrators and park operators
        return "allowed" if role in ("admin", "operator") else "forbidden"
    # The pipeline: a deal is the owner's office's (writes) and its counterparty's (reads: the
    # enterprise's member and tech-transfer office); hidden from everyone else.
    if rule in ("deal_read", "deal_write"):
        if manager or (rule == "deal_read" and role in ("member", "other_tto")):
            return "allowed"
        if role == "anonymous" or role in ("member", "other_tto"):
            return "forbidden"
        return "hidden"
    if rule == "organizer":  # the competition is organised by the owner's hospital
        return "allowed" if manager else "forbidden"
    if rule == "organizer_or_judge":  # a judge declares their own conflict
        return "allowed" if manager or role == "judge" else "forbidden"
    if rule in ("operator", "operator_item"):
        if role in ("operator", "admin"):
            return "allowed"
        return "hidden" if rule == "operator_item" and role != "anonymous" else "forbidden"
    if rule in ("judge_only", "judge_item"):
        if role == "judge":
            return "allowed"
        return "hidden" if rule == "judge_item" and role != "anonymous" else "forbidden"
    if rule == "visible":  # an outcome's matches: for whoever may know the outcome exists
        return "hidden" if level == "confidential" and not manager else "allowed"
    if rule == "need_post":  # the need belongs to 矩阵企业: its member and office, and admins
        return "allowed" if role in ("member", "other_tto", "admin") else "forbidden"
    if rule == "has_org":  # people who speak for some organization (may post needs somewhere)
        return "allowed" if role in ("member", "operator", "other_tto", "owner_tto", "admin") else "forbidden"
    raise AssertionError(f"no expectation for rule {rule}")


# --- the seeded world --------------------------------------------------------------------

@dataclass
class World:
    path: str
    outcome_ids: dict
    org_id: int
    pending_grant: int
    live_grant: int
    tokens: dict
    cookies: dict
    csrf: dict
    pipeline: dict | None = None
    news: dict | None = None
    matching: dict = None


def secret(level: str) -> str:
    return f"SECRET{level.upper()}DETAIL"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    path = tmp_path_factory.mktemp("matrix") / "world.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    with database.session() as s:
        hospital = make_org(s, name="矩阵医院")
        enterprise = make_org(s, name="矩阵企业", kind="enterprise")
        incubator = make_org(s, name="矩阵孵化器", kind="incubator")
        seed_chain(s, hospital)
        outcome_ids = {}
        for level in LEVELS:
            outcome = service.create_outcome(s, outcome_data(hospital, code=f"MATRIX-{level}", confidentiality=level,
                                                             summary=secret(level)), author="seed")
            service.update_outcome(s, outcome, {"trl": 7}, author="seed")
            outcome_ids[level] = outcome.id
        roles = {"viewer": "viewer", "judge": "judge", "member": f"member:{enterprise.id}",
                 "operator": f"operator:{incubator.id}", "other_tto": f"tto:{enterprise.id}",
                 "owner_tto": f"tto:{hospital.id}", "admin": "admin"}
        users = {role: accounts.create_user(s, role.replace("_", "-"), PASSWORD, roles=[text])
                 for role, text in roles.items()}
        tokens = {role: accounts.create_token(s, user) for role, user in users.items()}
        sessions = {role: accounts.start_session(s, user) for role, user in users.items()}
        member = accounts.viewer_for(s, users["member"])
        summary = service.get_outcome(s, outcome_ids["summary"])
        pending = access.request_access(s, member, summary, "matrix")
        owner = accounts.viewer_for(s, users["owner_tto"])
        grantee = accounts.create_user(s, "grantee", PASSWORD, roles=["viewer"])
        live = access.grant_directly(s, owner, summary, user=grantee)
        world = World(str(path), outcome_ids, hospital.id, pending.id, live.id, tokens,
                      {role: cookie for role, (cookie, _) in sessions.items()},
                      {role: row.csrf_token for role, (_, row) in sessions.items()},
                      seed_pipeline(s, hospital, enterprise, incubator, outcome_ids, users["judge"].username),
                      seed_news(s, hospital.id))
        world.matching = seed_matching(s, enterprise)
    database.dispose()
    return world


def seed_chain(s, hospital) -> None:
    """A suggested placement of the hospital (id 1) and a figure an administrator entered (id 1)."""
    from medbridge.chain.models import ChainPlacement, ClusterFigure

    s.add(ChainPlacement(id=1, organization_id=hospital.id, chain_key="medical_device", segment_key="clinical_trial",
                         status="suggested", confidence=0.5, reasons=[]))
    s.add(ClusterFigure(id=1, region="矩阵区", metric="output_value", value=1, unit="亿元", period="2024", author="admin"))
    s.flush()


def chain_request(method: str, path: str, url: str, world) -> tuple[str, dict | None]:
    """The chain routes' path ids and API bodies (the placement and figure seed_chain made)."""
    from medbridge.chain.taxonomy import seed_data

    url = url.replace("{placement_id:int}", "1").replace("{figure_id:int}", "1")
    if path == "/api/chain/targets":
        url += "?region=北京市&chain=medical_device&segment=rnd"
    if path == "/api/chain/heatmap":
        url += "?chain=medical_device"
    bodies = {"/api/chain/taxonomy": {"data": seed_data()},
              "/api/chain/placements": {"organization_id": world.org_id, "chain": "medical_device", "segment": "rnd"},
              "/api/chain/placements/{placement_id:int}/decision": {"confirm": True},
              "/api/chain/suggestions": {"organization_ids": [world.org_id]},
              "/api/chain/organizations/{org_id:int}/park": {"park_id": None},
              "/api/chain/figures": {"region": "矩阵区", "metric": "output_value", "value": 2, "period": "2024"}}
    return url, bodies.get(path) if method in ("POST", "PUT") else None


def seed_news(s, organization_id: int) -> dict:
    """An ingested article with an organization mention and an event (news intelligence)."""
    from medbridge.news.service import store_article
    from medbridge.text.reading import RawArticle

    article, _ = store_article(s, RawArticle("矩阵医院与云帆医疗有限公司签署战略合作协议，东岭智能医工产业园正式启动。", "m"))
    s.flush()
    mention = next(m for m in article.mentions if m.kind == "organization")
    return {"{article_id}": article.id, "{mention_id}": mention.id, "{event_id}": article.events[0].id,
            "{organization_id}": organization_id}


def all_routes(app) -> list[tuple[str, str]]:
    def walk(routes, prefix=""):
        for route in routes:
            if isinstance(route, APIRoute):
                for method in route.methods - {"HEAD"}:
                    yield method, prefix + route.path
            elif hasattr(route, "original_router"):  # an included router
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)
    return sorted(set(walk(app.routes)))


def test_every_route_has_a_rule(tmp_path):
    app = create_app(Database(f"sqlite:///{tmp_path / 'x.db'}"))
    missing = [route for route in all_routes(app) if route not in RULES]
    assert not missing, f"routes without an access rule (add them to RULES): {missing}"
    stale = [route for route in RULES if route not in set(all_routes(app))]
    assert not stale, f"rules for routes that no longer exist: {stale}"


# --- making the request -------------------------------------------------------------------

def sheet() -> bytes:
    book = Workbook()
    book.active.append(["code", "title", "owner", "kind", "stage", "field"])
    book.active.append(["MATRIX-NEW", "中药颗粒", "矩阵医院", "drug", "lab", "tcm"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def build_request(method: str, path: str, world: World, level: str | None, role: str) -> dict:
    outcome_id = world.outcome_ids[level or "summary"]
    grant = world.live_grant if path.endswith("/revoke") else world.pending_grant
    url = (path.replace("{outcome_id:int}", str(outcome_id)).replace("{number:int}", "1")
           .replace("{grant_id:int}", str(grant)).replace("{org_id:int}", str(world.org_id))
           .replace("{fmt}", "csv").replace("{code}", "en"))
    url = pipeline_url(url, world.pipeline)
    for placeholder, value in (world.news or {}).items():
        url = url.replace(placeholder, str(value)).replace(placeholder[:-1] + ":int}", str(value))
    request: dict = {"method": method, "url": url, "params": {}}
    if path in ("/api/outcomes/{outcome_id:int}/diff", "/outcomes/{outcome_id:int}/diff"):
        request["params"] = {"a": 1, "b": 2}
    if path in ("/api/outcomes", "/outcomes", "/export.{fmt}", "/api/outcomes/export") and method == "GET":
        request["params"] = {"q": "SECRET", "per_page": 50} if "export" not in path else {"q": "SECRET"}
        if path == "/api/outcomes/export":
            request["params"]["format"] = "csv"
    url, chain_json = chain_request(method, path, url, world)
    request["url"] = url
    api = url.startswith("/api/")
    if api:
        request["json"] = {
            "/api/session": {"username": "viewer", "password": PASSWORD},
            "/api/outcomes": {"code": "MATRIX-NEW", "title": "中药颗粒", "owner": "矩阵医院", "kind": "drug",
                              "stage": "lab", "field": "tcm"},
            "/api/organizations": {"name": "矩阵新机构", "kind": "hospital"},
            "/api/people": {"name": "矩阵某人"},
            "/api/classify": {"text": "中药"},
            "/api/rubric": {"data": {"criteria": []}},
            "/api/access-requests/{grant_id:int}/decision": {"approve": True},
            "/api/outcomes/{outcome_id:int}/grants": {"username": "judge"},
            "/api/outcomes/{outcome_id:int}/access-requests": {"message": "matrix"},
            "/api/outcomes/{outcome_id:int}/restore/{number:int}": {},
            "/api/outcomes/{outcome_id:int}": {"reason": "matrix"},
            "/api/news/articles": {"text": "矩阵新闻：星河大学与云帆医疗签署合作协议，共建联合实验室。"},
            "/api/news/mentions/{mention_id}/review": {"action": "reject"},
            "/api/news/events/{event_id}/review": {"action": "reject"},
        }.get(path) if method in ("POST", "PUT", "PATCH") else None
        request["json"] = chain_json if chain_json is not None else request["json"]
        if path.startswith(PIPELINE_PREFIXES) or path.endswith("/tech-managers"):
            request["json"] = pipeline_json(path, world.pipeline) if method in ("POST", "PUT", "PATCH") else None
        if path == "/api/outcomes/import":
            request.pop("json")
            request["files"] = {"file": ("m.xlsx", sheet(), "application/octet-stream")}
        if role != "anonymous":
            request["headers"] = {"Authorization": f"Bearer {world.tokens[role]}"}
    elif method == "POST":
        request["data"] = {"csrf_token": world.csrf.get(role, ""), "username": "viewer", "password": PASSWORD,
                           "message": "matrix", "approve": "1", "grantee": "judge", "code": "MATRIX-NEW",
                           "title": "中药颗粒", "owner": "矩阵医院", "kind": "drug", "stage": "lab", "field": "tcm",
                           "action": "reject"}
        if path.startswith(PIPELINE_PREFIXES):
            request["data"].update(pipeline_form(world.pipeline, path))
        if path == "/import":
            request["files"] = {"file": ("m.xlsx", sheet(), "application/octet-stream")}
    return matching_request(request, method, path, world)


def seed_matching(session, enterprise) -> dict:
    """A need posted by 矩阵企业, for the needs and matches routes."""
    from medbridge.needs.service import create_need

    need = create_need(session, {"kind": "tech_need", "title": "矩阵需求：中药颗粒", "owner_id": enterprise.id,
                                 "fields": ["tcm"]}, author="seed")
    return {"need_id": need.id, "enterprise": enterprise.id}


def matching_request(request: dict, method: str, path: str, world: World) -> dict:
    """Queries and bodies of the search, needs and matches routes."""
    request["url"] = request["url"].replace("{need_id:int}", str(world.matching["need_id"]))
    if path in ("/api/search", "/search"):  # (the page repeats its query: no secret in it there)
        request["params"] = {"q": "矩阵医院" + (" SECRETSUMMARYDETAIL" if path == "/api/search" else ""), "per_page": 50}
    need = {"kind": "tech_need", "title": "矩阵新需求", "owner": str(world.matching["enterprise"])}
    if path == "/api/needs" and method == "POST" or path == "/api/needs/{need_id:int}" and method == "PATCH":
        request["json"] = need
    if path == "/api/match-feedback":
        request["json"] = {"verdict": "relevant", "outcome_id": world.outcome_ids["public"],
                           "need_id": world.matching["need_id"]}
    if path in ("/api/needs/import", "/needs/import") and method == "POST":
        request.pop("json", None)
        request["files"] = {"file": ("n.csv", "标题,需求类型,发布机构\n矩阵导入需求,技术需求,矩阵企业\n".encode(), "text/csv")}
    if method == "POST" and path in ("/needs/new", "/needs/{need_id:int}/edit"):
        request["data"] = {**request["data"], **need}
    if method == "POST" and path == "/match-feedback":
        request["data"] = {**request["data"], "verdict": "relevant", "outcome_id": str(world.outcome_ids["public"]),
                           "need_id": str(world.matching["need_id"])}
    return request


def check(answer: str, response, level: str | None, api: bool) -> None:
    status, body = response.status_code, response.text
    signed_out = status == 401 or (not api and status in (302, 303, 307) and
                                   "/login" in response.headers.get("location", ""))
    # A form shows a refusal next to its field (and writes nothing) rather than on an error page.
    refused_in_form = not api and status == 422 and OWNER_ONLY in body
    if answer == "forbidden":
        assert status == 403 or signed_out or refused_in_form, f"expected forbidden, got {status}"
    elif answer == "hidden":
        assert status == 404, f"expected 404, got {status}"
    elif answer == "hidden_or_signed_out":
        assert status == 404 or signed_out, f"expected 404 or sign-in, got {status}"
    else:
        assert status < 500 and status not in (401, 403, 404) and not signed_out, f"expected allowed, got {status}"
    if answer == "full":
        assert secret(level) in body
    if answer == "redacted":
        assert status == 200 and "MATRIX-summary" in body and secret(level) not in body
    if answer == "sees_all":
        assert "MATRIX-confidential" in body
    if answer == "sees_public_part":
        assert "MATRIX-confidential" not in body and secret("confidential") not in body
        assert secret("summary") not in body


CASES = [(method, path, role, level)
         for (method, path), rule in RULES.items() for role in ROLES
         for level in (LEVELS if rule in PER_LEVEL else (None,))]


@pytest.fixture(scope="module")
def app(world):
    # One app for every case; each case points it at its own copy of the seeded database.
    return create_app(Database(f"sqlite:///{world.path}"))


@pytest.mark.parametrize("method, path, role, level", CASES,
                         ids=[f"{m} {p} {r} {l or '-'}" for m, p, r, l in CASES])
def test_route_answers_each_role_as_its_rule_says(world, app, tmp_path, method, path, role, level):
    copy = tmp_path / "world.db"
    shutil.copy(world.path, copy)
    database = app.state.database = Database(f"sqlite:///{copy}")
    with TestClient(app, follow_redirects=False) as client:
        request = build_request(method, path, world, level, role)
        if role != "anonymous" and not request["url"].startswith("/api/"):
            client.cookies.set("medbridge_session", world.cookies[role])
        if (method, path) == ("POST", "/login") and role == "anonymous":
            client.get("/login")  # the sign-in form's own CSRF token comes with the form
            request["data"]["csrf_token"] = client.cookies.get("medbridge_login_csrf")
        response = client.request(**request)
    database.dispose()
    check(expected(RULES[(method, path)], role, level), response, level, request["url"].startswith("/api/"))
