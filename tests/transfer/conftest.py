from __future__ import annotations

from dataclasses import dataclass

import pytest

from medbridge.accounts import service as accounts
from medbridge.accounts.policy import Viewer
from medbridge.library import service as library
from tests.factories import make_org, outcome_data


@dataclass
class DealWorld:
    hospital: object
    enterprise: object
    investor: object
    public: object
    confidential: object
    owner: Viewer        # the hospital's tech-transfer office
    member: Viewer       # a member of the enterprise
    stranger: Viewer     # a member of the investor


@pytest.fixture
def world(session) -> DealWorld:
    hospital = make_org(session, name="交易测试医院")
    enterprise = make_org(session, name="交易测试企业", kind="enterprise")
    investor = make_org(session, name="交易测试基金", kind="investor")
    public = library.create_outcome(session, outcome_data(hospital, code="D-PUB"), author="t")
    confidential = library.create_outcome(session, outcome_data(hospital, code="D-CONF", confidentiality="confidential",
                                                                title="保密成果"), author="t")

    def viewer(name, role):
        return accounts.viewer_for(session, accounts.create_user(session, name, "password-123456", roles=[role]))

    return DealWorld(hospital, enterprise, investor, public, confidential,
                     viewer("owner-tto", f"tto:{hospital.id}"), viewer("ent-member", f"member:{enterprise.id}"),
                     viewer("fund-member", f"member:{investor.id}"))
