"""Signing in test clients, and what the pages' forms post."""

from __future__ import annotations

import re
import warnings

from medbridge.accounts import service as accounts
from medbridge.accounts.models import User
from medbridge.api.deps import CSRF_FIELD, SESSION_COOKIE
from medbridge.library import service
from medbridge.library.models import Outcome
from medbridge.registry.service import find_organization
from medbridge.web.forms import form_from_outcome
from tests.factories import make_org, outcome_data

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about httpx vs httpx2
    from fastapi.testclient import TestClient

PASSWORD = "correct-horse-battery"
OWNER = "北京天坛医院（测试）"


class Browser(TestClient):
    """A test client that posts the session's CSRF token with every form, as the pages' forms do
    (unless the test puts its own csrf_token, or none, in the form)."""

    csrf = ""

    def post(self, url, *args, data=None, **kwargs):
        if self.csrf and (data is None or (isinstance(data, dict) and CSRF_FIELD not in data)):
            data = {**(data or {}), CSRF_FIELD: self.csrf}
        return super().post(url, *args, data=data, **kwargs)


def make_user(db, username: str, *roles: str, password: str = PASSWORD, display_name: str = "") -> int:
    with db.session() as session:
        return accounts.create_user(session, username, password, display_name=display_name, roles=list(roles)).id


def sign_in(client: Browser, db, username: str, *roles: str) -> Browser:
    """Sign the client in as `username` (created with `roles` if new), as the login form would."""
    with db.session() as session:
        user = session.query(User).filter_by(username=username).one_or_none() \
            or accounts.create_user(session, username, PASSWORD, roles=list(roles))
        token, login = accounts.start_session(session, user)
        client.csrf = login.csrf_token
    client.cookies.delete(SESSION_COOKIE)
    client.cookies.set(SESSION_COOKIE, token)
    return client


def sign_out(client: Browser) -> Browser:
    client.cookies.delete(SESSION_COOKIE)
    client.csrf = ""
    return client


def login(client: Browser, username: str, password: str = PASSWORD, next_url: str | None = None):
    """Through the login form: open it (for its CSRF token), then post it."""
    page = client.get("/login", params={"next": next_url} if next_url else None)
    token = re.search(r'name="csrf_token" value="([^"]*)"', page.text).group(1)
    form = {"username": username, "password": password, "csrf_token": token}
    if next_url:
        form["next"] = next_url
    return client.post("/login", data=form, follow_redirects=False)


def add_outcomes(db, count=1, is_demo=False, owner=OWNER, **overrides) -> list[int]:
    """`count` outcomes of one owner; every third is TCM, the rest AI (so filters have work to do)."""
    with db.session() as session:
        org = find_organization(session, owner) or make_org(session, name=owner)
        ids = []
        for i in range(count):
            field = "tcm" if i % 3 == 0 else "ai_medicine"
            data = outcome_data(org, code=f"T-{i:03d}", title=f"成果{i:03d}号", field=field, trl=1 + i % 9)
            data.update(overrides)
            ids.append(service.create_outcome(session, data, author="alice", is_demo=is_demo).id)
        return ids


def load(db, outcome_id) -> Outcome:
    with db.session() as session:
        outcome = service.get_outcome(session, outcome_id)
        service.list_versions(session, outcome)
        return outcome


def versions(db, outcome_id) -> list:
    with db.session() as session:
        return service.list_versions(session, service.get_outcome(session, outcome_id))


def edit_form(db, outcome_id, lang="zh", **changes) -> dict:
    """What the edit form posts when someone changes only `changes`."""
    with db.session() as session:
        values = form_from_outcome(service.get_outcome(session, outcome_id), lang)
    values.update({"reason": "补充数据"}, **changes)
    return values


def codes_in(page: str) -> list[str]:
    return re.findall(r'<td class="code">([^<]+)</td>', page)
