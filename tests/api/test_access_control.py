"""Who may do what through the API: sign-in for writes, the owner's office for its outcomes,
redaction of summary-level detail, confidential outcomes that do not exist for outsiders."""

import csv
import io

import pytest

from tests.api.conftest import SECRET

DETAIL_FIELDS = ("summary", "inventors", "patents", "clinical_trial_id", "regulatory_status", "market_size",
                 "transfer_modes", "keywords", "contact", "grade_breakdown", "trl", "segment")


def new_body(owner, code="NEW-1", **extra):
    return {"code": code, "title": "可降解镁合金骨钉", "owner": str(owner), "kind": "device", "stage": "prototype",
            "field": "high_end_device", **extra}


# --- signing in ---------------------------------------------------------------------------

def test_anonymous_may_read_what_is_public(client, world):
    assert client.get("/api/outcomes").status_code == 200
    assert client.get(f"/api/outcomes/{world.ids['public']}").json()["summary"] == SECRET * 3
    assert client.get("/api/organizations").status_code == 200
    assert client.get("/api/taxonomy").status_code == 200
    assert client.post("/api/classify", json={"text": "试剂盒"}).status_code == 200


def write_requests(world):
    public = world.ids["public"]
    return [
        ("post", "/api/outcomes", {"json": new_body(world.owner_id)}),
        ("patch", f"/api/outcomes/{public}", {"json": {"trl": 8}}),
        ("delete", f"/api/outcomes/{public}", {}),
        ("post", f"/api/outcomes/{public}/restore/1", {"json": {}}),
        ("post", f"/api/outcomes/{public}/grade", {}),
        ("post", "/api/outcomes/import", {"files": {"file": ("a.csv", b"code\n", "text/csv")}}),
        ("put", "/api/rubric", {"json": {"data": {}}}),
        ("post", "/api/organizations", {"json": {"name": "新机构", "kind": "hospital"}}),
        ("post", "/api/people", {"json": {"name": "张医生"}}),
        ("post", f"/api/outcomes/{world.ids['summary']}/access-requests", {"json": {}}),
        ("post", f"/api/outcomes/{public}/grants", {"json": {"username": "investor"}}),
        ("post", "/api/access-requests/1/decision", {"json": {"approve": True}}),
        ("post", "/api/grants/1/revoke", {}),
    ]


def test_every_write_needs_a_signed_in_caller(client, world):
    for method, url, kwargs in write_requests(world):
        response = getattr(client, method)(url, **kwargs)
        assert response.status_code == 401, (method, url, response.text)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "sign in" in response.json()["detail"]
    assert client.get(f"/api/outcomes/{world.ids['public']}").json()["version"] == 1


def test_a_bad_or_revoked_token_is_401_even_for_reads(client, world, db):
    assert client.get("/api/outcomes", headers={"Authorization": "Bearer mbt_nonsense"}).status_code == 401
    from medbridge.accounts import service as accounts
    with db.session() as s:
        accounts.set_active(s, accounts.get_user(s, "owner-office"), False)
    response = client.get("/api/me", headers=world.tto)
    assert response.status_code == 401 and "token" in response.json()["detail"]


def test_me_says_who_is_asking(client, world):
    assert client.get("/api/me").json() == {"authenticated": False, "username": None, "display_name": None,
                                            "roles": [], "via": "", "csrf_token": None}
    me = client.get("/api/me", headers=world.tto).json()
    assert (me["username"], me["via"], me["csrf_token"]) == ("owner-office", "token", None)
    assert me["roles"] == [{"role": "tto", "organization": {"id": world.owner_id, "name": "京南医院",
                                                             "kind": "hospital"}}]


# --- who writes what ----------------------------------------------------------------------

@pytest.mark.parametrize("who", ["stranger", "member", "viewer"])
def test_only_the_owner_office_or_an_admin_changes_an_outcome(client, world, who):
    public = world.ids["public"]
    headers = getattr(world, who)
    assert client.patch(f"/api/outcomes/{public}", json={"trl": 8}, headers=headers).status_code == 403
    assert client.delete(f"/api/outcomes/{public}", headers=headers).status_code == 403
    assert client.post(f"/api/outcomes/{public}/grade", headers=headers).status_code == 403
    assert client.post("/api/outcomes", json=new_body(world.owner_id), headers=headers).status_code == 403
    assert client.get(f"/api/outcomes/{public}").json()["version"] == 1

    assert client.patch(f"/api/outcomes/{public}", json={"trl": 8}, headers=world.tto).json()["changed"]
    assert client.patch(f"/api/outcomes/{public}", json={"trl": 9}, headers=world.admin).json()["changed"]
    history = client.get(f"/api/outcomes/{public}/versions", headers=world.tto).json()
    assert [v["author"] for v in history] == ["root", "owner-office", "seed"]


def test_an_office_creates_outcomes_only_for_its_own_organization(client, world):
    assert client.post("/api/outcomes", json=new_body(world.other_id), headers=world.tto).status_code == 403
    created = client.post("/api/outcomes", json=new_body("京南", reason="首次登记"), headers=world.tto)
    assert created.status_code == 201 and created.json()["owner"]["id"] == world.owner_id
    history = client.get(f"/api/outcomes/{created.json()['id']}/versions", headers=world.tto).json()
    assert [(v["author"], v["reason"]) for v in history] == [("owner-office", "首次登记")]


def test_handing_an_outcome_over_needs_authority_over_both_organizations(client, world):
    public = world.ids["public"]
    move = {"owner": str(world.other_id)}
    assert client.patch(f"/api/outcomes/{public}", json=move, headers=world.tto).status_code == 403
    assert client.patch(f"/api/outcomes/{public}", json=move, headers=world.admin).json()["changed"]


def test_author_is_no_longer_taken_from_the_body(client, world):
    response = client.patch(f"/api/outcomes/{world.ids['public']}", json={"trl": 8, "author": "冒名者"},
                            headers=world.tto)
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "author"


def test_imports_write_only_rows_of_managed_organizations(client, world):
    sheet = ("编号,名称,所属机构,成果类型,阶段,领域\n"
             "IMP-1,中药颗粒,京南医院,药物,实验室研究,中药\n"
             "IMP-2,中药方剂,津港企业,药物,实验室研究,中药\n").encode()
    response = client.post("/api/outcomes/import", files={"file": ("a.csv", sheet, "text/csv")}, headers=world.tto)
    assert response.status_code == 422 and [e["row"] for e in response.json()["errors"]] == [3]
    alone = b"\n".join(sheet.split(b"\n")[:2]) + b"\n"
    response = client.post("/api/outcomes/import", files={"file": ("a.csv", alone, "text/csv")}, headers=world.tto)
    assert response.status_code == 200 and response.json()["created"] == 1
    [event] = client.get("/api/audit", params={"action": "outcome.import"}, headers=world.admin).json()["items"]
    assert event["username"] == "owner-office" and event["detail"]["created"] == 1


def test_registry_and_rubric_writes_are_for_administrators(client, world):
    org = {"name": "新机构", "kind": "hospital"}
    assert client.post("/api/organizations", json=org, headers=world.tto).status_code == 403
    assert client.post("/api/organizations", json=org, headers=world.admin).status_code == 201
    assert client.post("/api/people", json={"name": "张医生"}, headers=world.tto).status_code == 403
    assert client.post("/api/people", json={"name": "张医生"}, headers=world.admin).status_code == 201
    data = client.get("/api/rubric").json()["data"]
    assert client.put("/api/rubric", json={"data": data}, headers=world.tto).status_code == 403
    saved = client.put("/api/rubric", json={"data": data, "reason": "同上"}, headers=world.admin).json()
    assert saved["rubric"]["author"] == "root" and saved["regraded"] == 3


# --- what each sees -----------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "stranger", "member", "viewer"])
def test_a_summary_level_outcome_shows_outsiders_only_its_summary_fields(client, world, who):
    headers = {} if who == "anonymous" else getattr(world, who)
    body = client.get(f"/api/outcomes/{world.ids['summary']}", headers=headers).json()
    assert (body["detail_level"], body["detail_hidden"]) == ("summary", True)
    assert (body["code"], body["title"], body["owner"]["id"], body["grade"]) == \
        ("L-summary", "成果（summary）", world.owner_id, body["grade"])
    assert body["grade"] and body["score"] is not None and body["field"] and body["stage"]
    assert all(body[name] is None for name in DETAIL_FIELDS)
    assert SECRET not in str(body) and "张三" not in str(body)


@pytest.mark.parametrize("who", ["tto", "admin"])
def test_the_owner_office_and_admins_see_the_whole_of_it(client, world, who):
    body = client.get(f"/api/outcomes/{world.ids['summary']}", headers=getattr(world, who)).json()
    assert (body["detail_level"], body["detail_hidden"], body["summary"]) == ("full", False, SECRET * 3)
    assert body["inventors"] == ["张三", "李四"] and len(body["grade_breakdown"]) == 6


def test_reading_restricted_detail_is_audited(client, world):
    client.get(f"/api/outcomes/{world.ids['confidential']}", headers=world.tto)
    client.get(f"/api/outcomes/{world.ids['summary']}", headers=world.member)  # summary only: not audited
    client.get(f"/api/outcomes/{world.ids['public']}", headers=world.tto)  # public: not audited
    events = client.get("/api/audit", params={"action": "outcome.view_detail"}, headers=world.admin).json()
    assert [(e["username"], e["target_id"]) for e in events["items"]] == [("owner-office", world.ids["confidential"])]


def test_history_of_a_summary_level_outcome_needs_the_detail(client, world):
    summary = world.ids["summary"]
    for url in (f"/api/outcomes/{summary}/versions", f"/api/outcomes/{summary}/versions/1",
                f"/api/outcomes/{summary}/diff?a=1&b=1"):
        assert client.get(url).status_code == 401
        assert client.get(url, headers=world.member).status_code == 403
        assert client.get(url, headers=world.tto).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "stranger", "member"])
def test_a_confidential_outcome_does_not_exist_for_outsiders(client, world, who):
    headers = {} if who == "anonymous" else getattr(world, who)
    hidden = world.ids["confidential"]
    missing = 999_999
    for url in (f"/api/outcomes/{hidden}", f"/api/outcomes/{hidden}/versions"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.json() == client.get(url.replace(str(hidden), str(missing)), headers=headers).json() | \
            {"detail": response.json()["detail"]}
    if who != "anonymous":  # a refused write must not reveal it either
        assert client.patch(f"/api/outcomes/{hidden}", json={"trl": 1}, headers=headers).status_code == 404
        assert client.delete(f"/api/outcomes/{hidden}", headers=headers).status_code == 404
        assert client.post(f"/api/outcomes/{hidden}/access-requests", json={}, headers=headers).status_code == 404
    listed = client.get("/api/outcomes", headers=headers).json()
    assert listed["total"] == 2 and "L-confidential" not in {o["code"] for o in listed["items"]}
    assert client.get("/api/outcomes", params={"confidentiality": "confidential"}, headers=headers).json()["total"] == 0
    assert client.get("/api/outcomes", params={"q": "L-confidential"}, headers=headers).json()["total"] == 0


def test_lists_redact_summary_level_rows_and_search_does_not_reach_hidden_detail(client, world):
    items = {o["code"]: o for o in client.get("/api/outcomes", headers=world.member).json()["items"]}
    assert items["L-summary"]["detail_hidden"] is True and items["L-summary"]["trl"] is None
    assert items["L-public"]["detail_hidden"] is False and items["L-public"]["trl"] == 6
    found = client.get("/api/outcomes", params={"q": SECRET}, headers=world.member).json()
    assert [o["code"] for o in found["items"]] == ["L-public"]
    assert client.get("/api/outcomes", params={"q": SECRET}, headers=world.tto).json()["total"] == 3
    assert client.get("/api/outcomes", params={"q": SECRET}, headers=world.admin).json()["total"] == 3


def test_export_leaves_out_hidden_outcomes_and_blanks_redacted_detail(client, world):
    response = client.get("/api/outcomes/export", params={"format": "csv", "lang": "en", "sort": "code"},
                          headers=world.member)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_code = {row["Code"]: row for row in rows}
    assert set(by_code) == {"L-public", "L-summary"}
    assert by_code["L-public"]["Summary"] == SECRET * 3 and by_code["L-summary"]["Summary"] == ""
    assert by_code["L-summary"]["Title"] == "成果（summary）" and by_code["L-summary"]["Inventors"] == ""
    everything = client.get("/api/outcomes/export", params={"format": "csv"}, headers=world.tto)
    assert everything.content.decode("utf-8-sig").count(SECRET * 3) == 3
    events = client.get("/api/audit", params={"action": "outcome.export"}, headers=world.admin).json()["items"]
    assert [e["username"] for e in events] == ["owner-office", "investor"]
    assert events[1]["detail"]["format"] == "csv"


# --- access to the detail ---------------------------------------------------------------

def test_request_decide_and_then_read_the_detail(client, world):
    summary = world.ids["summary"]
    asked = client.post(f"/api/outcomes/{summary}/access-requests", json={"message": "拟投资，需评估"},
                        headers=world.member)
    assert asked.status_code == 201
    grant = asked.json()
    assert (grant["status"], grant["username"], grant["requested_by"]) == ("requested", "investor", "investor")
    assert grant["outcome"] == {"id": summary, "code": "L-summary", "title": "成果（summary）"}
    again = client.post(f"/api/outcomes/{summary}/access-requests", json={}, headers=world.member)
    assert again.status_code == 422

    assert client.get("/api/access-requests", headers=world.member).json()["to_decide"] == []
    waiting = client.get("/api/access-requests", headers=world.tto).json()
    assert [g["id"] for g in waiting["to_decide"]] == [grant["id"]] and waiting["mine"] == []
    assert client.get("/api/access-requests", headers=world.stranger).json()["to_decide"] == []

    decision = {"approve": True, "nda_reference": "NDA-2025-007", "expires_at": "2999-01-01T08:00:00+08:00",
                "note": "已签保密协议"}
    assert client.post(f"/api/access-requests/{grant['id']}/decision", json=decision,
                       headers=world.stranger).status_code == 403
    assert client.post(f"/api/access-requests/{grant['id']}/decision", json=decision,
                       headers=world.member).status_code == 403
    decided = client.post(f"/api/access-requests/{grant['id']}/decision", json=decision, headers=world.tto).json()
    assert (decided["status"], decided["decided_by"], decided["nda_reference"]) == \
        ("granted", "owner-office", "NDA-2025-007")
    assert decided["expires_at"] == "2999-01-01T00:00:00Z"
    assert client.post(f"/api/access-requests/{grant['id']}/decision", json=decision,
                       headers=world.tto).status_code == 422  # decided already

    body = client.get(f"/api/outcomes/{summary}", headers=world.member).json()
    assert body["detail_hidden"] is False and body["summary"] == SECRET * 3
    assert client.get(f"/api/outcomes/{summary}/versions", headers=world.member).status_code == 200
    assert client.get(f"/api/outcomes/{summary}", headers=world.viewer).json()["detail_hidden"] is True
    [mine] = client.get("/api/access-requests", headers=world.member).json()["mine"]
    assert mine["status"] == "granted"

    assert client.post(f"/api/grants/{grant['id']}/revoke", headers=world.member).status_code == 403
    assert client.post(f"/api/grants/{grant['id']}/revoke", headers=world.tto).json()["status"] == "revoked"
    assert client.get(f"/api/outcomes/{summary}", headers=world.member).json()["detail_hidden"] is True
    actions = [e["action"] for e in client.get("/api/audit", params={"action": "access."},
                                                headers=world.admin).json()["items"]]
    assert actions == ["access.revoke", "access.grant", "access.request"]


def test_a_refused_request_opens_nothing(client, world):
    summary = world.ids["summary"]
    grant = client.post(f"/api/outcomes/{summary}/access-requests", json={}, headers=world.member).json()
    refused = client.post(f"/api/access-requests/{grant['id']}/decision",
                          json={"approve": False, "note": "暂不开放"}, headers=world.tto).json()
    assert refused["status"] == "refused" and refused["decision_note"] == "暂不开放"
    assert client.get(f"/api/outcomes/{summary}", headers=world.member).json()["detail_hidden"] is True
    assert client.post(f"/api/grants/{grant['id']}/revoke", headers=world.tto).status_code == 422


def test_an_expiry_in_the_past_is_refused(client, world):
    grant = client.post(f"/api/outcomes/{world.ids['summary']}/access-requests", json={},
                        headers=world.member).json()
    for when in ("2000-01-01T00:00:00Z", "1700000000", 1700000000):
        response = client.post(f"/api/access-requests/{grant['id']}/decision",
                               json={"approve": True, "expires_at": when}, headers=world.tto)
        assert response.status_code == 422 and response.json()["detail"][0]["field"] == "expires_at"


def test_a_direct_grant_to_an_organization_opens_the_detail_to_its_members(client, world):
    confidential = world.ids["confidential"]
    assert client.get(f"/api/outcomes/{confidential}", headers=world.member).status_code == 404
    denied = client.post(f"/api/outcomes/{confidential}/grants", json={"organization": "津港企业"},
                         headers=world.stranger)
    assert denied.status_code == 404  # the stranger's office does not know it exists
    assert client.post(f"/api/outcomes/{world.ids['summary']}/grants", json={"organization": "津港企业"},
                       headers=world.stranger).status_code == 403
    bad = client.post(f"/api/outcomes/{confidential}/grants", json={"username": "nobody", "organization": "无此机构"},
                      headers=world.tto)
    assert {e["field"] for e in bad.json()["detail"]} == {"username", "organization"}
    both = client.post(f"/api/outcomes/{confidential}/grants", json={"username": "investor", "organization": "津港企业"},
                       headers=world.tto)
    assert both.status_code == 422
    granted = client.post(f"/api/outcomes/{confidential}/grants", json={"organization": "津港企业"},
                          headers=world.tto)
    assert granted.status_code == 201 and granted.json()["organization"]["name"] == "津港企业"
    assert client.get(f"/api/outcomes/{confidential}", headers=world.member).json()["summary"] == SECRET * 3
    assert client.get(f"/api/outcomes/{confidential}", headers=world.stranger).status_code == 200
    assert client.get(f"/api/outcomes/{confidential}", headers=world.viewer).status_code == 404
    listed = client.get(f"/api/outcomes/{confidential}/grants", headers=world.tto).json()
    assert [(g["status"], g["organization"]["id"]) for g in listed] == [("granted", world.other_id)]
    assert client.get(f"/api/outcomes/{confidential}/grants", headers=world.member).status_code == 403
    assert client.get(f"/api/outcomes/{confidential}/grants").status_code == 401


def test_a_direct_grant_to_a_user(client, world):
    summary = world.ids["summary"]
    granted = client.post(f"/api/outcomes/{summary}/grants", json={"username": "reader", "nda_reference": "NDA-1"},
                          headers=world.admin)
    assert granted.status_code == 201 and granted.json()["username"] == "reader"
    assert client.get(f"/api/outcomes/{summary}", headers=world.viewer).json()["detail_hidden"] is False
    assert client.get(f"/api/outcomes/{summary}", headers=world.member).json()["detail_hidden"] is True


def test_access_requests_need_a_signed_in_caller(client, world):
    assert client.get("/api/access-requests").status_code == 401
    assert client.post(f"/api/outcomes/{world.ids['public']}/access-requests", json={},
                       headers=world.member).status_code == 422  # public: nothing to ask for


# --- the audit trail ----------------------------------------------------------------------

def test_only_admins_read_the_audit_trail(client, world):
    assert client.get("/api/audit").status_code == 401
    assert client.get("/api/audit/export").status_code == 401
    for who in ("tto", "member"):
        assert client.get("/api/audit", headers=getattr(world, who)).status_code == 403
        assert client.get("/api/audit/export", headers=getattr(world, who)).status_code == 403


def test_audit_filters_and_pages(client, world):
    public = world.ids["public"]
    for trl in (7, 8, 9):
        client.patch(f"/api/outcomes/{public}", json={"trl": trl}, headers=world.tto)
    client.patch(f"/api/outcomes/{world.ids['summary']}", json={"trl": 2}, headers=world.admin)
    page = client.get("/api/audit", params={"action": "outcome.update", "per_page": 2}, headers=world.admin).json()
    assert (page["total"], page["pages"], len(page["items"])) == (4, 2, 2)
    mine = client.get("/api/audit", params={"username": "owner-office", "target_type": "outcome",
                                            "target_id": public}, headers=world.admin).json()
    assert [e["detail"]["version"] for e in mine["items"]] == [4, 3, 2]
    assert mine["items"][0]["at"].endswith("Z")
    future = client.get("/api/audit", params={"since": "2999-01-01T00:00:00"}, headers=world.admin).json()
    assert future["total"] == 0
    past = client.get("/api/audit", params={"until": "2000-01-01T00:00:00+08:00"}, headers=world.admin).json()
    assert past["total"] == 0
    assert client.get("/api/audit", params={"since": "yesterday"}, headers=world.admin).status_code == 422


def test_audit_export_is_csv_and_is_itself_audited(client, world):
    client.patch(f"/api/outcomes/{world.ids['public']}", json={"trl": 7}, headers=world.tto)
    response = client.get("/api/audit/export", params={"action": "outcome."}, headers=world.admin)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["at", "username", "action"] and [r[2] for r in rows[1:]] == ["outcome.update"]
    [event] = client.get("/api/audit", params={"action": "audit.export"}, headers=world.admin).json()["items"]
    assert event["username"] == "root" and event["detail"]["rows"] == 1


# --- browser sessions ------------------------------------------------------------------------

def sign_in(client, username="owner-office", password="a-long-password"):
    return client.post("/api/session", json={"username": username, "password": password})


def test_cookie_sessions_read_freely_but_write_only_with_the_csrf_token(client, world):
    signed_in = sign_in(client)
    assert signed_in.status_code == 200
    token = signed_in.json()["csrf_token"]
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    me = client.get("/api/me").json()
    assert (me["username"], me["via"], me["csrf_token"]) == ("owner-office", "cookie", token)
    public = world.ids["public"]
    assert client.get(f"/api/outcomes/{world.ids['confidential']}").status_code == 200

    refused = client.patch(f"/api/outcomes/{public}", json={"trl": 8})
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["detail"]
    wrong = client.patch(f"/api/outcomes/{public}", json={"trl": 8}, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    assert client.post("/api/outcomes", json=new_body(world.owner_id)).status_code == 403
    assert client.get(f"/api/outcomes/{public}").json()["version"] == 1
    done = client.patch(f"/api/outcomes/{public}", json={"trl": 8}, headers={"X-CSRF-Token": token})
    assert done.status_code == 200 and done.json()["changed"] is True

    # A bearer token needs no CSRF token, cookie or not.
    assert client.patch(f"/api/outcomes/{public}", json={"trl": 9}, headers=world.tto).status_code == 200

    assert client.delete("/api/session").status_code == 403
    assert client.delete("/api/session", headers={"X-CSRF-Token": token}).status_code == 204
    assert client.get("/api/me").json()["authenticated"] is False
    assert client.patch(f"/api/outcomes/{public}", json={"trl": 8}, headers={"X-CSRF-Token": token}).status_code == 401


def test_sign_in_failures_are_counted_limited_and_audited(client, world):
    for _ in range(5):
        refused = sign_in(client, password="wrong-password")
        assert refused.status_code == 401 and "set-cookie" not in refused.headers
    limited = sign_in(client)  # even with the right password, for a while
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert sign_in(client, username="investor").status_code == 200  # others are not locked out
    failures = client.get("/api/audit", params={"action": "login.failed"}, headers=world.admin).json()
    assert failures["total"] == 6 and failures["items"][0]["detail"]["status"] == 429
    logins = client.get("/api/audit", params={"action": "login"}, headers=world.admin).json()["items"]
    assert ("investor", "login") in {(e["username"], e["action"]) for e in logins}


def test_a_disabled_account_cannot_sign_in(client, world, db):
    from medbridge.accounts import service as accounts

    with db.session() as s:
        accounts.set_active(s, accounts.get_user(s, "investor"), False)
    assert sign_in(client, username="investor").status_code == 403
