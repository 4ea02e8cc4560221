"""Signing in, CSRF, who may change what, redaction of restricted outcomes, access requests and
the audit log, through the pages as a browser uses them. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import date, timedelta

import pytest

from medbridge.accounts import audit
from medbridge.accounts import service as accounts
from medbridge.accounts.models import AccessGrant, LoginSession
from medbridge.api.deps import SESSION_COOKIE
from medbridge.library import service
from tests.factories import make_org, outcome_data
from tests.web.helpers import PASSWORD, codes_in, edit_form, load, login, make_user, sign_in, sign_out

SECRET = "只有获授权者才能读到的技术细节：钛合金多孔支架的烧结温度曲线"
PATENT = "CN202399998888.1"
REASON_TEXT = "已授权发明专利"  # how a breakdown reason talks about a granted invention patent


@pytest.fixture
def world(db):
    """A hospital (owner) with a public, a summary-only and a confidential outcome; an enterprise
    (with a member) and a university (with its own tech-transfer office)."""
    with db.session() as session:
        owner = make_org(session, name="京南医院")
        make_org(session, name="津港医疗器械有限公司", kind="enterprise")
        make_org(session, name="海河大学", kind="university")
        ids = {}
        for level in ("public", "summary", "confidential"):
            data = outcome_data(owner, code=f"L-{level}", title=f"{level}级成果", confidentiality=level,
                                summary=f"{SECRET}（{level}）", patents=[{"number": PATENT, "type": "invention",
                                                                       "status": "granted"}])
            ids[level] = service.create_outcome(session, data, author="seed").id
    make_user(db, "owner", "tto:京南医院")
    make_user(db, "member", "member:津港医疗器械有限公司")
    make_user(db, "stranger", "tto:海河大学")
    make_user(db, "root", "admin")
    return ids


def events(db, action: str) -> list:
    with db.session() as session:
        return audit.list_events(session, action=action)[0]


# --- signing in and out -----------------------------------------------------------------

def test_signing_in_sets_a_safe_cookie_goes_on_and_shows_who_is_signed_in(client, db, world):
    response = login(client, "owner", next_url=f"/outcomes/{world['public']}")
    assert response.status_code == 303 and response.headers["location"] == f"/outcomes/{world['public']}"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Max-Age=43200" in cookie
    assert "Secure" not in cookie  # plain http in the tests
    page = client.get(f"/outcomes/{world['public']}").text
    assert 'id="signed-in-as"' in page and "owner" in page and "成果转化办 · 京南医院" in page
    assert 'action="/logout"' in page and 'id="sign-in"' not in page
    [event] = events(db, "login")
    assert (event.username, event.action) == ("owner", "login")


def test_cookies_are_secure_over_https_or_when_asked(client, db, world):
    client.base_url = "https://testserver"
    assert "Secure" in login(client, "owner").headers["set-cookie"]
    client.base_url = "http://testserver"
    # behind a proxy that ends TLS: MEDBRIDGE_SECURE_COOKIES=1
    client.app.state.settings = dataclasses.replace(client.app.state.settings, secure_cookies=True)
    assert "Secure" in client.get("/login").headers["set-cookie"]


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "/login"])
def test_after_signing_in_only_pages_of_this_site_are_gone_to(client, db, world, target):
    assert login(client, "owner", next_url=target).headers["location"] in ("/", "/?notice=signed_in")


def test_a_wrong_password_is_refused_on_the_form_and_audited(client, db, world):
    refused = login(client, "owner", "wrong-password-here")
    assert refused.status_code == 401
    assert "用户名或密码不正确" in refused.text and 'value="owner"' in refused.text
    assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")
    assert 'id="signed-in-as"' not in client.get("/").text
    [event] = events(db, "login.failed")
    assert event.detail["username"] == "owner" and event.detail["status"] == 401


def test_too_many_failures_lock_the_name_for_a_while(client, db, world):
    for _ in range(accounts.MAX_FAILURES):
        assert login(client, "owner", "wrong-password-here").status_code == 401
    locked = login(client, "owner")  # even the right password, for now
    assert locked.status_code == 429 and "登录失败次数过多，请15分钟后再试" in locked.text
    client.cookies.set("lang", "en")
    assert "Too many failed sign-ins" in login(client, "owner").text


def test_a_disabled_account_cannot_sign_in(client, db, world):
    with db.session() as session:
        accounts.set_active(session, accounts.get_user(session, "member"), False)
    refused = login(client, "member")
    assert refused.status_code == 403 and "该账号已停用" in refused.text


def test_the_login_form_needs_its_csrf_token(client, db, world):
    client.get("/login")
    forged = client.post("/login", data={"username": "owner", "password": PASSWORD, "csrf_token": "forged"},
                         follow_redirects=False)
    assert forged.status_code == 403 and SESSION_COOKIE not in forged.headers.get("set-cookie", "")


def test_signing_out_ends_the_session(client, db, world):
    login(client, "owner")
    token = client.cookies.get(SESSION_COOKIE)
    page = client.get("/").text
    csrf = re.search(r'action="/logout".*?name="csrf_token" value="([^"]+)"', page, re.S).group(1)
    refused = client.post("/logout", data={"csrf_token": "not-it"})
    assert refused.status_code == 403 and "表单已过期" in refused.text
    done = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/?notice=signed_out"
    with db.session() as session:
        assert accounts.find_session(session, token) is None
    assert 'id="sign-in"' in client.get("/").text
    assert [e.username for e in events(db, "logout")] == ["owner"]


# --- CSRF and who may write -------------------------------------------------------------

@pytest.mark.parametrize("token", ["", "wrong-token"])
def test_a_form_without_the_right_csrf_token_is_refused_and_writes_nothing(client, db, world, token):
    sign_in(client, db, "owner")
    posted = edit_form(db, world["public"], title="伪造的修改", csrf_token=token)
    refused = client.post(f"/outcomes/{world['public']}/edit", data=posted)
    assert refused.status_code == 403 and "表单已过期或来源不明" in refused.text
    assert "Traceback" not in refused.text
    assert load(db, world["public"]).version == 1 and not events(db, "outcome.update")


def test_every_form_of_the_pages_carries_the_csrf_token(client, db, world):
    sign_in(client, db, "root")
    for url in ("/outcomes/new", f"/outcomes/{world['summary']}/edit", f"/outcomes/{world['summary']}",
                "/import", "/rubric", "/access"):
        page = client.get(url).text
        for form in re.findall(r'<form method="post".*?</form>', page, re.S):
            assert f'name="csrf_token" value="{client.csrf}"' in form, (url, form[:120])


def test_anonymous_visitors_are_sent_to_sign_in_before_any_write(client, db, world):
    outcome_id = world["public"]
    for url in (f"/outcomes/{outcome_id}/edit", "/outcomes/new", "/import", f"/outcomes/{outcome_id}/restore/1"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    response = client.post(f"/outcomes/{outcome_id}/edit", data=edit_form(db, outcome_id, title="匿名修改"),
                           headers={"referer": f"http://testserver/outcomes/{outcome_id}/edit"},
                           follow_redirects=False)
    assert response.headers["location"] == f"/login?next=%2Foutcomes%2F{outcome_id}%2Fedit"
    assert load(db, outcome_id).version == 1
    # and back where they were going, once signed in
    assert login(client, "owner", next_url=f"/outcomes/{outcome_id}/edit").headers["location"] == \
        f"/outcomes/{outcome_id}/edit"


def test_another_organizations_office_gets_a_clear_403(client, db, world):
    sign_in(client, db, "stranger")
    outcome_id = world["public"]
    page = client.get(f"/outcomes/{outcome_id}/edit")
    assert page.status_code == 403 and "无权访问" in page.text and "只有该机构的成果转化办公室或管理员" in page.text
    posted = client.post(f"/outcomes/{outcome_id}/edit", data=edit_form(db, outcome_id, title="越权修改"))
    assert posted.status_code == 403
    assert client.post(f"/outcomes/{outcome_id}/delete").status_code == 403
    assert client.post(f"/outcomes/{outcome_id}/restore/1").status_code == 403
    assert load(db, outcome_id).version == 1
    assert 'id="edit-link"' not in client.get(f"/outcomes/{outcome_id}").text
    # ... nor create one for the hospital: the form says so next to the owner
    form = {"code": "X-1", "title": "越权新建", "owner": "京南医院", "kind": "software", "field": "ai_medicine",
            "stage": "lab"}
    refused = client.post("/outcomes/new", data=form)
    assert refused.status_code == 422 and 'id="owner-error">只有该机构的成果转化办公室' in refused.text


def test_members_neither_create_nor_import_and_only_admins_edit_the_rubric(client, db, world):
    sign_in(client, db, "member")
    assert client.get("/outcomes/new").status_code == 403
    assert client.get("/import").status_code == 403
    assert 'href="/outcomes/new"' not in client.get("/outcomes").text
    rubric = client.get("/rubric").text
    assert 'id="save-rubric"' not in rubric and "只有管理员可以修改评分规则" in rubric
    sign_in(client, db, "owner")
    assert client.post("/rubric", data={"weight.ip": "50"}).status_code == 403


def test_the_owner_office_deletes_its_outcome(client, db, world):
    sign_in(client, db, "owner")
    done = client.post(f"/outcomes/{world['public']}/delete", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/outcomes?notice=deleted"
    assert client.get(f"/outcomes/{world['public']}").status_code == 404
    assert [e.detail["code"] for e in events(db, "outcome.delete")] == ["L-public"]


# --- what each person sees --------------------------------------------------------------

def test_a_summary_only_outcome_is_redacted_for_an_enterprise_member(client, db, world):
    sign_in(client, db, "member")
    outcome_id = world["summary"]
    page = client.get(f"/outcomes/{outcome_id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "summary级成果" in text and "L-summary" in text and "京南医院" in text  # the summary fields
    assert 'id="summary-only"' in text and "仅摘要：详情需申请 / Summary only: request access to see the detail" in text
    for detail in (SECRET, PATENT, REASON_TEXT, "张三", "成果转化办公室 010-00000000", 'id="breakdown"'):
        assert detail not in text, detail
    assert f"/outcomes/{outcome_id}/history" not in text and 'id="history"' not in text
    assert 'id="request-access"' in text
    assert client.get(f"/outcomes/{outcome_id}/history").status_code == 403
    assert client.get(f"/outcomes/{outcome_id}/diff?a=1&b=1").status_code == 403
    # Its summary text cannot be found by searching for it either.
    assert codes_in(client.get("/outcomes", params={"q": "烧结温度曲线"}).text) == ["L-public"]
    exported = client.get("/export.csv").content.decode("utf-8-sig")
    assert "L-summary" in exported and SECRET + "（summary）" not in exported


def test_anonymous_visitors_see_the_summary_and_a_sign_in_link(client, db, world):
    page = client.get(f"/outcomes/{world['summary']}").text
    assert SECRET not in page and 'id="sign-in-to-request"' in page and 'id="request-access"' not in page
    history = client.get(f"/outcomes/{world['summary']}/history", follow_redirects=False)
    assert history.status_code == 303 and history.headers["location"].startswith("/login?next=")


def test_the_owner_office_sees_and_finds_everything(client, db, world):
    sign_in(client, db, "owner")
    for level in ("summary", "confidential"):
        page = html.unescape(client.get(f"/outcomes/{world[level]}").text)
        assert SECRET in page and PATENT in page and 'id="breakdown"' in page and 'id="history-link"' in page
    assert sorted(codes_in(client.get("/outcomes", params={"q": "烧结温度曲线"}).text)) == \
        ["L-confidential", "L-public", "L-summary"]


def test_a_confidential_outcome_does_not_exist_for_others(client, db, world):
    hospital = f"/organizations/{_org_id(db, '京南医院')}"
    for who in (None, "member", "stranger"):
        if who:
            sign_in(client, db, who)
        assert client.get(f"/outcomes/{world['confidential']}").status_code == 404
        assert client.get(f"/outcomes/{world['confidential']}/history").status_code == 404
        listed = client.get("/outcomes").text
        assert sorted(codes_in(listed)) == ["L-public", "L-summary"] and "共 2 项" in listed
        overview = client.get("/").text
        assert re.search(r'<span class="number">2</span><span>成果总数', overview)
        assert "L-confidential" not in client.get(hospital).text and "该机构的成果 (2)" in client.get(hospital).text
        assert "confidential级成果" not in client.get("/export.csv").content.decode("utf-8-sig")
        assert re.search(r'href="/outcomes\?owner_id=\d+">2</a>', client.get("/organizations").text)
    sign_in(client, db, "owner")
    assert client.get(f"/outcomes/{world['confidential']}").status_code == 200
    assert "共 3 项" in client.get("/outcomes").text and "L-confidential" in client.get(hospital).text
    assert re.search(r'<span class="number">3</span><span>成果总数', client.get("/").text)


def _org_id(db, name):
    from medbridge.registry.service import find_organization

    with db.session() as session:
        return find_organization(session, name).id


# --- asking for the detail, deciding, revoking ------------------------------------------

def _grant_id(db) -> int:
    with db.session() as session:
        return session.query(AccessGrant).order_by(AccessGrant.id.desc()).first().id


def test_request_approve_with_an_nda_and_expiry_then_revoke(client, db, world):
    outcome_id = world["summary"]
    sign_in(client, db, "member")
    asked = client.post(f"/outcomes/{outcome_id}/access", data={"message": "拟洽谈独占许可"}, follow_redirects=False)
    assert asked.status_code == 303 and asked.headers["location"].endswith("notice=access_requested")
    page = client.get(f"/outcomes/{outcome_id}").text
    assert "已申请，等待审批" in page and 'id="request-access"' not in page and SECRET not in page
    again = client.post(f"/outcomes/{outcome_id}/access", data={"message": "再申请一次"})
    assert again.status_code == 422 and "申请已提交，等待审批" in again.text
    mine = client.get("/access").text
    assert "summary级成果" in mine and "待审批" in mine and 'id="pending"' not in mine  # members decide nothing

    sign_in(client, db, "owner")
    inbox = client.get("/access").text
    grant_id = _grant_id(db)
    assert f'id="request-{grant_id}"' in inbox and "拟洽谈独占许可" in inbox and "member" in inbox
    until = (date.today() + timedelta(days=30)).isoformat()
    decided = client.post(f"/access/{grant_id}/decide", data={"decision": "approve", "nda_reference": "NDA-2024-07",
                                                              "expires": until}, follow_redirects=False)
    assert decided.status_code == 303 and decided.headers["location"] == "/access?notice=access_granted"
    grants = client.get(f"/outcomes/{outcome_id}").text
    assert "NDA-2024-07" in grants and f"{until} 23:59" in grants and "已授权" in grants

    sign_in(client, db, "member")
    page = html.unescape(client.get(f"/outcomes/{outcome_id}").text)
    assert SECRET in page and PATENT in page and 'id="summary-only"' not in page
    assert client.get(f"/outcomes/{outcome_id}/history").status_code == 200
    assert "已授权" in client.get("/access").text

    sign_in(client, db, "owner")
    revoked = client.post(f"/access/{grant_id}/revoke", follow_redirects=False)
    assert revoked.headers["location"] == f"/outcomes/{outcome_id}?notice=access_revoked"
    sign_in(client, db, "member")
    assert SECRET not in client.get(f"/outcomes/{outcome_id}").text
    assert client.get(f"/outcomes/{outcome_id}/history").status_code == 403
    actions = [e.action for e in reversed(events(db, "access."))]
    assert actions == ["access.request", "access.grant", "access.revoke"]


def test_a_refusal_is_shown_to_the_requester_who_may_ask_again(client, db, world):
    sign_in(client, db, "member")
    client.post(f"/outcomes/{world['summary']}/access", data={"message": ""})
    sign_in(client, db, "stranger")
    assert client.post(f"/access/{_grant_id(db)}/decide", data={"decision": "approve"}).status_code == 403
    sign_in(client, db, "owner")
    bad = client.post(f"/access/{_grant_id(db)}/decide", data={"decision": "approve", "expires": "2001-01-01"})
    assert bad.status_code == 422 and "到期时间须在将来" in bad.text
    client.post(f"/access/{_grant_id(db)}/decide", data={"decision": "refuse", "note": "请先签署保密协议"})
    sign_in(client, db, "member")
    page = client.get(f"/outcomes/{world['summary']}").text
    assert "您的申请未获批准：请先签署保密协议" in page and 'id="request-access"' in page


def test_the_owner_grants_a_whole_organization_directly(client, db, world):
    sign_in(client, db, "owner")
    missing = client.post(f"/outcomes/{world['confidential']}/grants",
                          data={"grantee_type": "organization", "grantee": "不存在的公司"})
    assert missing.status_code == 422 and "机构“不存在的公司”不存在" in missing.text
    done = client.post(f"/outcomes/{world['confidential']}/grants",
                       data={"grantee_type": "organization", "grantee": "津港医疗器械有限公司",
                             "nda_reference": "NDA-9"}, follow_redirects=False)
    assert done.status_code == 303
    sign_in(client, db, "member")
    assert SECRET in client.get(f"/outcomes/{world['confidential']}").text
    assert "L-confidential" in codes_in(client.get("/outcomes").text)


def test_a_grant_that_has_expired_hides_the_detail_again(client, db, world):
    sign_in(client, db, "owner")
    client.post(f"/outcomes/{world['confidential']}/grants", data={"grantee_type": "user", "grantee": "member",
                                                                  "expires": date.today().isoformat()})
    sign_in(client, db, "member")
    assert client.get(f"/outcomes/{world['confidential']}").status_code == 200
    with db.session() as session:
        grant = session.get(AccessGrant, _grant_id(db))
        grant.expires_at = grant.expires_at - timedelta(days=2)
    assert client.get(f"/outcomes/{world['confidential']}").status_code == 404


# --- the audit log ----------------------------------------------------------------------

def test_the_audit_log_is_for_administrators_and_lists_views_and_exports(client, db, world):
    sign_in(client, db, "owner")
    client.get(f"/outcomes/{world['confidential']}")
    client.get("/export.xlsx")
    assert client.get("/audit").status_code == 403
    sign_out(client)
    assert client.get("/audit", follow_redirects=False).headers["location"] == "/login?next=%2Faudit"

    sign_in(client, db, "root")
    page = client.get("/audit").text
    assert "outcome.view_detail" in page and f"outcome #{world['confidential']}" in page
    assert "outcome.export" in page and "format=xlsx" in page
    only_views = client.get("/audit", params={"action": "outcome.view", "username": "owner"}).text
    assert "outcome.view_detail" in only_views and "outcome.export" not in only_views
    today = date.today().isoformat()
    assert "outcome.export" in client.get("/audit", params={"since": today, "until": today}).text
    assert "没有符合条件的记录" in client.get("/audit", params={"since": "2999-01-01"}).text

    csv = client.get("/audit.csv", params={"username": "owner"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "outcome.view_detail" in text and "outcome.export" in text
    assert [e.username for e in events(db, "audit.export")] == ["root"]  # exporting the log is audited too


def test_the_audit_log_pages_through(client, db, world):
    with db.session() as session:
        viewer = accounts.viewer_for(session, accounts.get_user(session, "root"))
        for i in range(60):
            audit.record(session, viewer, "test.event", "outcome", i)
    sign_in(client, db, "root")
    first = client.get("/audit", params={"action": "test."}).text
    assert "共 60 条，第 1/2 页" in first and "action=test.&amp;page=2" in first
    assert first.count("<td class=\"action\">test.event</td>") == 50
    assert client.get("/audit", params={"action": "test.", "page": 2}).text.count("test.event</td>") == 10


# --- error pages ------------------------------------------------------------------------

def test_an_unexpected_error_is_a_plain_500_page(client, db, world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database exploded with a secret")

    monkeypatch.setattr(service, "list_outcomes", broken)
    page = client.get("/outcomes")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "出错了" in page.text and "secret" not in page.text and "Traceback" not in page.text


def test_sessions_are_stored_only_as_hashes(client, db, world):
    login(client, "owner")
    token = client.cookies.get(SESSION_COOKIE)
    with db.session() as session:
        assert all(token not in row.token_hash for row in session.query(LoginSession))


def test_deciding_twice_says_it_was_already_decided(client, db, world):
    sign_in(client, db, "member")
    client.post(f"/outcomes/{world['summary']}/access", data={"message": ""})
    sign_in(client, db, "owner")
    client.post(f"/access/{_grant_id(db)}/decide", data={"decision": "refuse"})
    again = client.post(f"/access/{_grant_id(db)}/decide", data={"decision": "approve"})
    assert again.status_code == 422 and "该申请已处理" in again.text
