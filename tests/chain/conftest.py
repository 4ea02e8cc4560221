"""A small known cluster, so that coverage, choke points, corridors and targets can be checked
by hand.

测试省 A市 (the region asked about), medical devices:
  技术研发 rnd           大学甲, 大学乙                    → 2: thin
  临床试验 clinical      医院甲                            → 1: single-firm
  生产加工 manufacturing 器械甲 (80亿), 器械乙 (12), 器械丙 (8) → 3: covered, but 器械甲 holds 80%
  检测审批, 销售流通, 核心部件                              → 0: missing
测试省 B市: 检测甲 in 检测审批 (confirmed).   丙省 C市: 远方器械 suggested for 检测审批 (0.5),
100亿 output, listed.   丙省 C市: 拒绝器械, rejected for 检测审批.
"""

from dataclasses import dataclass

import pytest

from medbridge.chain import placement, taxonomy
from medbridge.chain.models import ChainPlacement, ClusterFigure
from tests.factories import make_org


@dataclass
class Cluster:
    orgs: dict
    chains: taxonomy.ChainMap


def _org(session, name, kind, city, province="测试省"):
    return make_org(session, name=name, kind=kind, province=province, city=city)


@pytest.fixture
def cluster(session) -> Cluster:
    chains = taxonomy.current(session)
    orgs = {}
    placed = [("大学甲", "university", "A市", "rnd"), ("大学乙", "university", "A市", "rnd"),
              ("医院甲", "hospital", "A市", "clinical_trial"), ("器械甲", "enterprise", "A市", "manufacturing"),
              ("器械乙", "enterprise", "A市", "manufacturing"), ("器械丙", "enterprise", "A市", "manufacturing"),
              ("检测甲", "service_platform", "B市", "testing_approval")]
    for name, kind, city, segment in placed:
        orgs[name] = _org(session, name, kind, city)
        placement.place(session, chains, orgs[name], "medical_device", segment, "seed")
    for name, value in (("器械甲", 80), ("器械乙", 12), ("器械丙", 8)):
        session.add(ClusterFigure(organization_id=orgs[name].id, metric="output_value", value=value, unit="亿元",
                                  period="2023"))
    orgs["远方器械"] = _org(session, "远方器械", "enterprise", "C市", province="丙省")
    session.add(ChainPlacement(organization_id=orgs["远方器械"].id, chain_key="medical_device",
                               segment_key="testing_approval", status="suggested", confidence=0.5, reasons=[]))
    session.add(ClusterFigure(organization_id=orgs["远方器械"].id, metric="output_value", value=100, unit="亿元",
                              period="2023"))
    session.add(ClusterFigure(organization_id=orgs["远方器械"].id, metric="listed_count", value=1, unit="家",
                              period="2023"))
    orgs["拒绝器械"] = _org(session, "拒绝器械", "enterprise", "C市", province="丙省")
    session.add(ChainPlacement(organization_id=orgs["拒绝器械"].id, chain_key="medical_device",
                               segment_key="testing_approval", status="rejected", confidence=0.9, reasons=[]))
    session.flush()
    return Cluster(orgs, chains)
