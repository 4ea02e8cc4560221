"""In a real headless Chromium: a judge signs in, scores an entry on their page, and the organiser
sees the normalized ranking move. Needs /usr/bin/chromium (skipped with a reason when missing)."""

from __future__ import annotations

import threading
import time

import pytest

from medbridge.accounts.policy import COMMAND_LINE
from medbridge.accounts.service import create_user
from medbridge.app import create_app
from medbridge.db import Database
from medbridge.registry.service import add_person
from medbridge.review import service
from tests.factories import make_org
from tests.web.test_browser import PASSWORD, browser, free_port, page, pytestmark, sign_in  # noqa: F401

RUBRIC = {"criteria": [{"key": "innovation", "label": "创新性", "weight": 1}], "scale": [0, 10]}
# The other judge scored every entry; our judge scored A and C and still has B to do.
OTHER = {"A": 8, "B": 6, "C": 7}
MINE = {"A": 5, "C": 6}


def seed(database: Database) -> int:
    with database.session() as session:
        hospital = make_org(session, name="京南医院（评审测试）")
        create_user(session, "br-organiser", PASSWORD, roles=[f"tto:{hospital.id}"])
        create_user(session, "br-judge", PASSWORD, display_name="评委甲", roles=["judge"])
        competition = service.create_competition(session, COMMAND_LINE, "浏览器测试大赛", 2025, organizer_id=hospital.id,
                                                 rounds=[{"name": "决赛", "rubric": RUBRIC, "judges_per_entry": 2}])
        entries = {name: service.add_entry(session, COMMAND_LINE, competition, title=f"项目{name}") for name in "ABC"}
        mine = service.create_expert(session, COMMAND_LINE, add_person(session, "评委甲").id, username="br-judge")
        other = service.create_expert(session, COMMAND_LINE, add_person(session, "评委乙").id)
        for expert in (mine, other):
            service.add_judge(session, COMMAND_LINE, competition, expert.id)
        rnd = competition.rounds[0]
        service.auto_assign(session, COMMAND_LINE, rnd)
        for assignment in service.assignments(session, rnd):
            name = assignment.entry.title[-1]
            score = OTHER[name] if assignment.expert_id == other.id else MINE.get(name)
            if score is not None:
                assignment.scores, assignment.total = {"innovation": score}, float(score)
        return competition.id


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    import uvicorn

    database = Database(f"sqlite:///{tmp_path_factory.mktemp('judging') / 'judging.db'}")
    database.migrate()
    competition_id = seed(database)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(database), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", competition_id
    server.should_exit = True
    thread.join(timeout=10)
    database.dispose()


def rank_of(page, title: str) -> str:
    row = page.locator("#ranking tbody tr", has=page.locator("td.entry-title", has_text=title))
    return row.locator("td").first.inner_text().split()[0]


def test_a_judge_scores_an_entry_and_the_organiser_sees_the_ranking_move(browser, served):  # noqa: F811
    base, competition_id = served
    organiser = browser.new_context(locale="zh-CN").new_page()
    sign_in(organiser, base, "br-organiser")
    organiser.goto(f"{base}/competitions/{competition_id}/ranking")
    assert rank_of(organiser, "项目B") == "3"          # only the other judge's 6 so far

    judge = browser.new_context(locale="zh-CN").new_page()
    sign_in(judge, base, "br-judge")
    judge.goto(f"{base}/competitions/{competition_id}")
    judge.click("#judge-link")
    cards = judge.locator("section.assignment")
    assert cards.count() == 3                           # only their own entries
    card = judge.locator("section.assignment", has_text="项目B")
    card.locator("input[name=score_innovation]").fill("10")
    card.locator("form.score-form button[type=submit]").click()
    judge.wait_for_selector("p.notice")
    assert "已评分" in judge.locator("section.assignment", has_text="项目B").inner_text()

    organiser.reload()
    assert rank_of(organiser, "项目B") == "2"          # normalized: this judge's best entry now counts
    assert rank_of(organiser, "项目A") == "1"
