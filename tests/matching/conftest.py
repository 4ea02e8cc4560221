"""A small world for search and matching: a hospital with outcomes at each confidentiality
level, an investor with a thesis, an enterprise with a need, an incubator, in two regions."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from medbridge.accounts.policy import ANONYMOUS, Viewer
from medbridge.library import service
from medbridge.needs import service as needs
from tests.factories import make_org, outcome_data


@dataclass
class World:
    hospital: object
    investor: object
    enterprise: object
    incubator: object
    bci: object          # public, brain-computer interface
    stroke: object       # public, stroke imaging AI (outcome_data's default)
    secret_summary: object   # summary-only: its summary must stay hidden
    confidential: object     # confidential
    thesis: object
    need: object


def tto(org) -> Viewer:
    return Viewer(user_id=900 + org.id, username=f"tto-{org.id}", roles=frozenset({("tto", org.id)}))


def member(org) -> Viewer:
    return Viewer(user_id=800 + org.id, username=f"member-{org.id}", roles=frozenset({("member", org.id)}))


@pytest.fixture
def world(session) -> World:
    hospital = make_org(session, name="首都医科大学附属北京天坛医院", aliases=["天坛医院"])
    investor = make_org(session, name="北辰脑科学创业投资基金", kind="investor",
                        description="专注脑机接口、神经调控等早期硬科技项目")
    enterprise = make_org(session, name="沪上影像智能科技有限公司", kind="enterprise", province="上海市", city="上海市")
    incubator = make_org(session, name="中关村医疗器械孵化器", kind="incubator", description="医疗器械早期项目孵化")
    bci = service.create_outcome(session, outcome_data(
        hospital, code="BCI-1", title="非侵入式脑机接口康复训练系统", field="brain_science", stage="prototype",
        kind="device", segment="rnd",
        summary="基于脑电信号解码运动意图，驱动外骨骼辅助卒中患者上肢康复训练。", keywords=["脑机接口", "康复"]), "seed")
    stroke = service.create_outcome(session, outcome_data(hospital, code="AI-1"), "seed")
    secret_summary = service.create_outcome(session, outcome_data(
        hospital, code="SUM-1", title="一种可降解血管支架", field="high_end_device", kind="device", stage="preclinical",
        confidentiality="summary", summary="采用镁合金钇涂层的秘密工艺配方"), "seed")
    confidential = service.create_outcome(session, outcome_data(
        hospital, code="CON-1", title="保密的靶向小分子抑制剂", field="innovative_drug", kind="drug", stage="lab",
        confidentiality="confidential", summary="靶点为某激酶"), "seed")
    thesis = needs.create_need(session, {
        "kind": "investment_thesis", "title": "投资脑机接口与神经康复早期项目", "owner_id": investor.id,
        "description": "关注BCI、康复机器人、神经调控；单笔500-3000万元", "fields": ["brain_science"],
        "stages": ["prototype", "preclinical"], "ticket_min": 500, "ticket_max": 3000, "region": "北京市"}, "seed")
    need = needs.create_need(session, {
        "kind": "tech_need", "title": "寻找脑卒中CT影像人工智能辅助诊断算法", "owner_id": enterprise.id,
        "description": "用于急诊卒中中心，要求可对接PACS", "fields": ["ai_medicine"], "stages": ["clinical", "registration"]},
        "seed")
    session.commit()  # so that the CLI and the pages, with their own sessions, see it too
    return World(hospital, investor, enterprise, incubator, bci, stroke, secret_summary, confidential, thesis, need)


__all__ = ["ANONYMOUS", "World", "member", "tto"]


def person(session, username: str, role: str = "viewer") -> Viewer:
    """A real account (feedback names its author), as the viewer it signs in as."""
    from medbridge.accounts import service as accounts

    user = accounts.create_user(session, username, "long-enough-password-1", roles=[role])
    return accounts.viewer_for(session, user)
