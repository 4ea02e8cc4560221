"""Pages of deals, cycle time, incubation, experts and competitions, through the web app."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from medbridge.accounts.models import User

from medbridge.accounts.policy import COMMAND_LINE
from medbridge.library import service as library
from medbridge.transfer import incubation, service
from tests.factories import make_org, outcome_data
from tests.web.helpers import sign_in


@pytest.fixture
def seeded(db):
    with db.session() as s:
        hospital = make_org(s, name="页面医院")
        enterprise = make_org(s, name="页面企业", kind="enterprise")
        incubator = make_org(s, name="页面孵化器", kind="incubator")
        outcome = library.create_outcome(s, outcome_data(hospital, code="P-1", title="页面成果"), author="t")
        deal = service.create_deal(s, COMMAND_LINE, outcome.id, [enterprise.id], "license", started_on=date(2025, 1, 1))
        service.move_deal(s, COMMAND_LINE, deal, "nda", date(2025, 1, 21))
        service.move_deal(s, COMMAND_LINE, deal, "signed", date(2025, 3, 1))
        project = incubation.add_project(s, COMMAND_LINE, incubator.id, "页面孵化项目", entered_on=date(2025, 1, 1))
        return {"hospital": hospital.id, "enterprise": enterprise.id, "incubator": incubator.id,
                "outcome": outcome.id, "deal": deal.id, "project": project.id}


def test_the_owner_office_moves_a_deal_on_the_board(client, db, seeded):
    sign_in(client, db, "page-tto", f"tto:{seeded['hospital']}")
    board = client.get("/deals/board")
    assert board.status_code == 200 and "页面成果 · 页面企业" in board.text
    moved = client.post(f"/deals/{seeded['deal']}/move", data={"stage": "executing", "back": "/deals/board"},
                        follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].startswith("/deals/board")
    detail = client.get(f"/deals/{seeded['deal']}")
    assert detail.text.count("page-tto") >= 1 and "执行中" in detail.text


def test_moving_back_without_a_reason_shows_the_rule_and_changes_nothing(client, db, seeded):
    sign_in(client, db, "page-tto", f"tto:{seeded['hospital']}")
    refused = client.post(f"/deals/{seeded['deal']}/move", data={"stage": "nda"})
    assert refused.status_code == 422 and "退回到之前的阶段需说明原因" in refused.text
    with db.session() as s:
        assert service.get_deal(s, COMMAND_LINE, seeded["deal"]).stage == "signed"


def test_a_new_deal_from_the_form(client, db, seeded):
    sign_in(client, db, "page-tto", f"tto:{seeded['hospital']}")
    created = client.post("/deals/new", data={"outcome_id": str(seeded["outcome"]), "organizations": "页面企业",
                                              "mode": "equity", "value": "300"}, follow_redirects=False)
    assert created.status_code == 303
    listed = client.get("/deals?mode=equity")
    assert "作价入股" in listed.text and "共 1 项交易" in listed.text
    unknown = client.post("/deals/new", data={"outcome_id": str(seeded["outcome"]), "organizations": "不存在的公司",
                                              "mode": "license"})
    assert unknown.status_code == 422 and "不存在的公司" in unknown.text


def test_a_counterparty_member_reads_the_deal_without_move_buttons(client, db, seeded):
    sign_in(client, db, "page-member", f"member:{seeded['enterprise']}")
    detail = client.get(f"/deals/{seeded['deal']}")
    assert detail.status_code == 200 and 'id="move-form"' not in detail.text


def test_the_deal_list_exports(client, db, seeded):
    sign_in(client, db, "page-tto", f"tto:{seeded['hospital']}")
    sheet = client.get("/deals/export.csv")
    assert sheet.status_code == 200 and "页面企业" in sheet.content.decode("utf-8-sig")


def test_cycle_time_page_draws_inline_svg_charts(client, db, seeded):
    sign_in(client, db, "page-tto", f"tto:{seeded['hospital']}")
    page = client.get("/deals/cycle-time")
    assert page.status_code == 200
    assert page.text.count("<svg") == 3 + 4              # funnel, end to end, stages; four groupings
    assert "59天" in page.text                           # contacted 2025-01-01 → signed 2025-03-01
    assert "<script" not in page.text.split("<main", 1)[1]


def test_the_operator_sees_and_advances_the_cohort(client, db, seeded):
    sign_in(client, db, "page-operator", f"operator:{seeded['incubator']}")
    cohort = client.get("/incubation")
    assert "页面孵化项目" in cohort.text and "验证" in cohort.text
    client.post(f"/incubation/{seeded['project']}/advance", data={"phase": "incubation"})
    client.post(f"/incubation/{seeded['project']}/milestones", data={"title": "样机定型", "due_on": "2026-01-01"})
    cohort = client.get("/incubation")
    assert re.search(r'<span class="badge">孵化</span>', cohort.text) and "样机定型" in cohort.text
    again = client.post(f"/incubation/{seeded['project']}/advance", data={"phase": "validation"})
    assert again.status_code == 422 and "孵化阶段只能前进" in again.text


def test_someone_else_does_not_see_the_cohort(client, db, seeded):
    sign_in(client, db, "page-member", f"member:{seeded['enterprise']}")
    assert "页面孵化项目" not in client.get("/incubation").text
    assert client.post(f"/incubation/{seeded['project']}/advance", data={"phase": "incubation"}).status_code == 404


def test_experts_and_competitions_pages_have_empty_states(client):
    assert "没有符合条件的专家" in client.get("/experts").text
    assert "还没有赛事" in client.get("/competitions").text


def test_pages_in_english(client, db, seeded):
    client.cookies.set("lang", "en")
    sign_in(client, db, "page-tto", f"tto:{seeded['hospital']}")
    assert "Due diligence" in client.get("/deals/board").text


def test_the_operator_marks_a_milestone_done(client, db, seeded):
    with db.session() as s:
        project = incubation.get_project(s, COMMAND_LINE, seeded["project"])
        milestone_id = incubation.add_milestone(s, COMMAND_LINE, project, "完成概念验证", date(2025, 3, 1)).id
    sign_in(client, db, "page-operator", f"operator:{seeded['incubator']}")
    assert client.post(f"/incubation/milestones/{milestone_id}/done", data={"done_on": "2025-02-20"},
                       follow_redirects=False).status_code == 303
    assert re.search(r"✔ 完成概念验证", client.get("/incubation").text)


def test_an_office_creates_a_competition_and_a_judge_declares_a_conflict(client, db, seeded):
    from medbridge.registry.service import add_person
    from medbridge.review import service as review

    sign_in(client, db, "page-tto", f"tto:{seeded['hospital']}")
    created = client.post("/competitions/new", data={"name": "页面大赛", "year": "2025",
                                                      "organizer_id": str(seeded["hospital"]),
                                                      "awards": "一等奖:1，二等奖:2", "judges_per_entry": "1"},
                          follow_redirects=False)
    assert created.status_code == 303
    competition_id = int(re.search(r"/competitions/(\d+)", created.headers["location"]).group(1))
    client.post(f"/competitions/{competition_id}/entries", data={"title": "页面项目"})
    with db.session() as s:
        expert = review.create_expert(s, COMMAND_LINE, add_person(s, "页面评委").id)
        expert_id = expert.id
    client.post(f"/competitions/{competition_id}/judges", data={"expert_id": str(expert_id)})
    client.post(f"/competitions/{competition_id}/rounds/1/assign")
    sign_in(client, db, "page-judge", "judge")
    with db.session() as s:
        review.get_expert(s, expert_id).user_id = s.scalar(select(User.id).where(User.username == "page-judge"))
    page = client.get(f"/competitions/{competition_id}/judge")
    assert "页面项目" in page.text and "申报利益冲突" in page.text
    with db.session() as s:
        entry_id = review.get_competition(s, competition_id).entries[0].id
    client.post(f"/competitions/{competition_id}/conflicts", data={"entry_id": str(entry_id), "reason": "同一课题组"})
    assert "您在本赛事中没有评审任务" in client.get(f"/competitions/{competition_id}/judge").text


def test_the_owner_office_assigns_a_technology_manager(client, db, seeded):
    from medbridge.registry.service import add_person
    from medbridge.review import service as review

    with db.session() as s:
        expert_id = review.create_expert(s, COMMAND_LINE, add_person(s, "页面经理人").id, is_tech_manager=True).id
    sign_in(client, db, "page-tto", f"tto:{seeded['hospital']}")
    assert client.post(f"/experts/{expert_id}/outcomes", data={"outcome": "P-1"}, follow_redirects=False).status_code == 303
    listed = client.get("/experts?tech=1").text
    assert "页面经理人" in listed and ">P-1</a>" in listed
    sign_in(client, db, "page-member", f"member:{seeded['enterprise']}")
    assert client.post(f"/experts/{expert_id}/outcomes", data={"outcome": "P-1"}).status_code == 403
