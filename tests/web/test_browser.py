"""A real headless Chromium clicking through the library, against the app served by uvicorn.

Needs /usr/bin/chromium (`.ci/run` installs it); skipped with a reason when it is missing.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from datetime import date, timedelta

import pytest

from medbridge.accounts.service import create_user
from medbridge.app import create_app
from medbridge.db import Database
from medbridge.library import service
from tests.factories import make_org, outcome_data

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
FIELDS = ("ai_medicine", "tcm", "ivd")  # outcome i gets FIELDS[i % 3]: ten of each
OUTCOMES = 30
# BR-003 (of the hospital) shows only its summary to others; its detail holds this.
RESTRICTED = 3
SECRET = "多孔钛合金支架的烧结工艺参数（保密）"
PASSWORD = "browser-test-password"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("MEDBRIDGE_REQUIRE_CHROMIUM"), reason=f"Chromium is not installed at {CHROMIUM} (.ci/run installs it)"),
]


def seed(database: Database) -> None:
    with database.session() as session:
        owners = [make_org(session, name="京南医科大学附属医院（测试）", aliases=["京南医院"]),
                  make_org(session, name="海河大学（测试）", kind="university", province="天津市", city="天津市"),
                  make_org(session, name="浦西生物科技有限公司（测试）", kind="enterprise", province="上海市", city="上海市")]
        for i in range(OUTCOMES):
            restricted = {"confidentiality": "summary", "summary": SECRET} if i == RESTRICTED else {}
            service.create_outcome(session, outcome_data(
                owners[i % len(owners)], code=f"BR-{i:03d}", title=f"浏览器测试成果{i:02d}",
                field=FIELDS[i % 3], trl=1 + i % 9, market_size=5 * (i + 1), **restricted), author="种子数据")
        create_user(session, "br-admin", PASSWORD, roles=["admin"])
        create_user(session, "br-tto", PASSWORD, display_name="京南医院转化办", roles=["tto:京南医院"])
        create_user(session, "br-member", PASSWORD, display_name="浦西企业用户", roles=["member:浦西生物科技有限公司（测试）"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app on a free port, in a background thread, on a fresh migrated SQLite database."""
    import uvicorn

    database = Database(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.db'}")
    database.migrate()
    seed(database)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(database), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    database.dispose()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def rows(page):
    return page.locator("table.outcomes tbody tr")


def sign_in(page, live_server, username):
    page.goto(f"{live_server}/")
    page.click("#sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#signed-in-as")
    assert username in page.locator("#signed-in-as").inner_text()


def sign_out(page):
    page.click("#logout")
    page.wait_for_selector("#sign-in")


def test_filter_the_library_open_an_outcome_and_read_its_grade_and_history(page, live_server):
    page.goto(f"{live_server}/outcomes")
    assert page.locator("h1").inner_text() == "成果库"
    assert "共 30 项" in page.locator("#result-count").inner_text()
    assert rows(page).count() == 20  # the first page of 30

    # Choose a field and submit the filter form: the table shrinks to that field's ten.
    page.select_option("#field", "tcm")
    page.click("#apply-filters")
    page.wait_for_url(re.compile(r"field=tcm"))
    assert "共 10 项" in page.locator("#result-count").inner_text()
    assert rows(page).count() == 10
    codes = sorted(rows(page).locator("td.code").all_inner_texts())
    assert codes == [f"BR-{i:03d}" for i in range(1, OUTCOMES, 3)]

    # Narrow further by text.
    page.fill("#q", "成果04")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q="))
    assert rows(page).count() == 1
    assert rows(page).locator("td.code").inner_text() == "BR-004"

    # Open it: the grade, every criterion's reason and points, and the history.
    rows(page).locator("td.title a").click()
    page.wait_for_url(re.compile(r"/outcomes/\d+$"))
    assert page.locator("h1").inner_text().startswith("浏览器测试成果04")
    assert page.locator("#grade .grade").inner_text() in {"A", "B", "C", "D"}
    breakdown = page.locator("#breakdown tbody tr")
    assert breakdown.count() == 6
    assert "技术成熟度" in breakdown.first.inner_text()
    assert re.search(r"\d+(\.\d)? / \d+(\.\d)?", breakdown.first.locator("td.num").inner_text())
    history = page.locator("#history")
    assert "种子数据" in history.inner_text() and "初始版本" in history.inner_text()


def test_edit_in_the_browser_then_see_the_new_version_and_switch_language(page, live_server):
    sign_in(page, live_server, "br-admin")
    page.goto(f"{live_server}/outcomes?q=成果07")
    rows(page).locator("td.title a").click()
    page.get_by_role("link", name="编辑", exact=True).click()
    page.fill("#trl", "12")
    page.fill("#reason", "完成临床验证")
    page.click("#save")
    # The bad value comes back next to its field, with the rest of the form as typed.
    assert "应为1到9的整数" in page.locator("#trl-error").inner_text()
    assert page.input_value("#reason") == "完成临床验证"

    page.fill("#trl", "9")
    page.click("#save")
    page.wait_for_url(re.compile(r"notice=saved"))
    assert "已保存为新版本" in page.locator(".notice").inner_text()
    latest = page.locator("#history li.version").first
    assert "br-admin" in latest.inner_text() and "完成临床验证" in latest.inner_text()

    page.click("a.lang-switch")
    page.wait_for_load_state()
    assert page.locator("#breakdown thead").inner_text().startswith("Criterion")
    assert "Technology readiness" in page.locator("#breakdown").inner_text()


def test_a_member_requests_the_detail_the_owner_approves_and_the_member_reads_it(page, live_server):
    # An enterprise member finds the outcome: only its summary, and a way to ask for the rest.
    sign_in(page, live_server, "br-member")
    page.goto(f"{live_server}/outcomes")
    page.fill("#q", "成果03")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q="))
    assert rows(page).locator("td.code").all_inner_texts() == [f"BR-{RESTRICTED:03d}"]
    rows(page).locator("td.title a").click()
    page.wait_for_url(re.compile(r"/outcomes/\d+$"))
    outcome_url = page.url
    assert "仅摘要：详情需申请" in page.locator("#summary-only").inner_text()
    assert SECRET not in page.content()
    assert page.locator("#breakdown").count() == 0 and page.locator("#history-link").count() == 0
    page.fill("#message", "拟洽谈许可，已可签署保密协议")
    page.click("#request-access")
    page.wait_for_url(re.compile(r"notice=access_requested"))
    assert "已申请，等待审批" in page.locator("#request-pending").inner_text()
    sign_out(page)

    # The hospital's tech-transfer office approves it, with an NDA and an end date.
    sign_in(page, live_server, "br-tto")
    page.click("text=访问申请")
    page.wait_for_url(re.compile(r"/access$"))
    request = page.locator("#pending .request").first
    assert "浦西企业用户" in request.inner_text() and "拟洽谈许可" in request.inner_text()
    request.locator("input[name=nda_reference]").fill("NDA-BR-001")
    request.locator("input[name=expires]").fill((date.today() + timedelta(days=90)).isoformat())
    request.locator("button.approve").click()
    page.wait_for_url(re.compile(r"notice=access_granted"))
    assert "已授权查看详情" in page.locator(".notice").inner_text()
    sign_out(page)

    # The member now reads the detail.
    sign_in(page, live_server, "br-member")
    page.goto(outcome_url)
    assert page.locator("#summary-only").count() == 0
    assert SECRET in page.locator("section.summary").inner_text()
    assert page.locator("#breakdown tbody tr").count() == 6
