"""The app's armour: body limits, security headers, errors that say what is wrong but never how
the server is built, and input PostgreSQL could not store."""

import asyncio
import json

import pytest
from fastapi.testclient import TestClient

from medbridge.api.security import BODY_OVERHEAD, BodyLimitMiddleware
from medbridge.app import create_app

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def small_limit(client, limit=1000):
    settings = client.app.state.settings
    client.app.state.settings = type(settings)(database_url="", max_upload_bytes=limit)
    return limit + BODY_OVERHEAD


# --- request bodies -------------------------------------------------------------------------

def test_a_body_declared_too_large_is_refused_before_it_is_read(client, admin):
    limit = small_limit(client)
    response = client.post("/api/classify", content=b"x" * (limit + 1),
                           headers={**admin, "Content-Type": "application/json"})
    assert response.status_code == 413 and "limit" in response.json()["detail"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.post("/api/classify", json={"text": "x" * 100}).status_code == 200
    page = client.post("/import", content=b"x" * (limit + 1), headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert "上限" in page.text and "</html>" in page.text   # the site's error page, saying why


def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(client, admin):
    limit = small_limit(client)

    def chunks():
        for _ in range(limit // 1000 + 2):
            yield b"x" * 1000

    response = client.post("/api/outcomes/import", content=chunks(),
                           headers={**admin, "Content-Type": "multipart/form-data; boundary=x"})
    assert response.status_code == 413 and "limit" in response.json()["detail"]


def test_the_middleware_counts_chunks_and_stops_reading():
    """Straight at the ASGI level: three 40-byte chunks against a 100-byte limit."""
    received, sent = [], []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            received.append(message)
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    chunks = [{"type": "http.request", "body": b"x" * 40, "more_body": True} for _ in range(3)]

    async def receive():
        return chunks.pop(0)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/x", "headers": [(b"transfer-encoding", b"chunked")]}
    asyncio.run(BodyLimitMiddleware(app, limit=lambda: 100)(scope, receive, send))
    assert len(received) == 2  # the third chunk passed the limit and was never handed on
    assert sent[0]["status"] == 413 and b"limit" in sent[1]["body"]


def test_an_upload_over_the_upload_limit_but_within_the_body_limit_is_refused_by_the_import(client, admin):
    small_limit(client)
    response = client.post("/api/outcomes/import", files={"file": ("big.csv", b"x" * 5000, "text/csv")},
                           headers=admin)
    assert response.status_code == 413 and "MB" in response.json()["detail"]


# --- errors ---------------------------------------------------------------------------------

@pytest.fixture
def fragile_client(db):
    """The app with one more route, which fails the way a bug would."""
    app = create_app(db)

    @app.get("/api/test-failure")
    def fail():
        raise RuntimeError("secret connection string postgresql://admin:hunter2@db")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_an_unexpected_error_is_a_json_500_without_a_trace(fragile_client, caplog):
    response = fragile_client.get("/api/test-failure")
    assert response.status_code == 500
    assert response.json() == {"detail": "服务器内部错误 / internal server error"}
    assert "hunter2" not in response.text and "Traceback" not in response.text
    assert response.headers["X-Frame-Options"] == "DENY"
    # The trace is in the server's log instead.
    assert any("hunter2" in str(record.exc_info[1]) for record in caplog.records if record.exc_info)


def test_domain_and_input_errors_are_uniform_json(client, admin):
    bad_query = client.get("/api/outcomes", params={"per_page": 0})
    assert bad_query.status_code == 422
    assert bad_query.json() == {"detail": [{"field": "per_page", "message": bad_query.json()["detail"][0]["message"]}]}
    bad_body = client.post("/api/classify", json={"txt": "x"})
    assert {e["field"] for e in bad_body.json()["detail"]} == {"text", "txt"}
    unreadable = client.post("/api/classify", content=b"\xff\xfe{", headers={"Content-Type": "application/json"})
    assert unreadable.status_code in (400, 422) and "detail" in unreadable.json()
    assert client.get("/api/outcomes/123456").json() == {"detail": "outcome 123456 not found / 成果不存在"}
    assert client.get("/api/outcomes/99999999999999999999999").status_code == 422
    assert client.get("/api/no-such-thing").json() == {"detail": "Not Found"}


def test_a_405_lists_every_method_of_the_path(client):
    response = client.put("/api/outcomes/1")
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET, PATCH"
    assert client.options("/api/rubric").headers["Allow"] == "GET, PUT"
    # /api/outcomes/export is its own path, not an outcome called "export".
    assert client.patch("/api/outcomes/export").headers["Allow"] == "GET"


def test_nul_characters_are_refused_before_they_reach_the_database(client, admin, db):
    from tests.factories import make_org

    with db.session() as s:
        make_org(s, name="京南医院")
    body = {"code": "N-1", "title": "a\x00b", "owner": "京南医院", "kind": "device", "stage": "lab"}
    response = client.post("/api/outcomes", json=body, headers=admin)
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "title"
    assert client.post("/api/outcomes", json={**body, "title": "t", "keywords": ["x\x00"]},
                       headers=admin).status_code == 422
    assert client.get("/api/outcomes", params={"q": "a\x00"}).status_code == 422
    assert client.get("/api/organizations", params={"q": "a\x00"}).status_code == 422


def test_organization_references_that_cannot_be_ids_are_simply_not_found(client, admin):
    for ref in ("¹", "9" * 30):
        body = {"code": "N-1", "title": "t", "owner": ref, "kind": "device", "stage": "lab", "field": "ivd"}
        response = client.post("/api/outcomes", json=body, headers=admin)
        assert response.status_code == 422 and "owner_id" in {e["field"] for e in response.json()["detail"]}


# --- security headers -----------------------------------------------------------------------

def csp(response) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in response.headers["Content-Security-Policy"].split(";")}


@pytest.mark.parametrize("path", ["/api/outcomes", "/api/outcomes/424242", "/openapi.json", "/docs", "/",
                                  "/static/style.css", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # only when served over HTTPS


def test_the_pages_may_run_only_their_own_scripts_and_styles(client):
    policy = csp(client.get("/"))
    assert policy["script-src"] == "script-src 'self'"
    assert policy["style-src"] == "style-src 'self'"
    assert "unsafe-inline" not in policy["script-src"] and "object-src 'none'" in policy.values()


def test_json_loads_nothing_and_the_api_docs_get_their_cdn(client):
    assert csp(client.get("/api/taxonomy"))["default-src"] == "default-src 'none'"
    docs = client.get("/docs")
    assert docs.status_code == 200 and "https://cdn.jsdelivr.net" in csp(docs)["script-src"]


def test_behind_https_browsers_are_told_to_stay_on_it(client):
    settings = client.app.state.settings
    client.app.state.settings = type(settings)(database_url="", secure_cookies=True)
    assert client.get("/api/taxonomy").headers["Strict-Transport-Security"].startswith("max-age=")
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_secure_cookies_setting_is_read_from_the_environment(monkeypatch):
    from medbridge.config import get_settings

    monkeypatch.setenv("MEDBRIDGE_SECURE_COOKIES", "1")
    assert get_settings().secure_cookies is True
    monkeypatch.setenv("MEDBRIDGE_SECURE_COOKIES", "")
    assert get_settings().secure_cookies is False


def test_the_session_cookie_is_secure_when_configured(client, db):
    from medbridge.accounts import service as accounts

    with db.session() as s:
        accounts.create_user(s, "nurse", "a-long-password")
    settings = client.app.state.settings
    client.app.state.settings = type(settings)(database_url="", secure_cookies=True)
    response = client.post("/api/session", json={"username": "nurse", "password": "a-long-password"})
    assert response.status_code == 200 and "secure" in response.headers["set-cookie"].lower()
    assert json.loads(response.text)["csrf_token"]
