"""Access to restricted detail: asked for, decided by the owner's office, granted, expired,
revoked; every step in the audit trail."""

from datetime import timedelta

import pytest

from medbridge.accounts import access, audit
from medbridge.accounts import service as accounts
from medbridge.accounts.policy import ANONYMOUS, detail_level
from medbridge.db.base import utcnow
from medbridge.errors import Forbidden, NotFound, ValidationError


def test_request_decide_and_see(session, outcomes, people, viewers):
    summary = outcomes["summary"]
    grant = access.request_access(session, viewers()["member"], summary, "  拟投资，需评估  ")
    assert (grant.status, grant.user_id, grant.message) == ("requested", people["member"].id, "拟投资，需评估")
    assert detail_level(viewers()["member"], summary) == "summary"  # asking is not getting
    assert access.grants_to_decide(session, viewers()["tto"]) == [grant]
    assert access.grants_to_decide(session, viewers()["stranger"]) == []
    assert access.my_requests(session, viewers()["member"]) == [grant]

    access.decide(session, viewers()["tto"], grant, approve=True, nda_reference=" NDA-7 ", note="已签协议")
    assert (grant.status, grant.nda_reference, grant.decided_by_id) == ("granted", "NDA-7", people["tto"].id)
    member = viewers()["member"]
    assert summary.id in member.granted_outcomes and detail_level(member, summary) == "full"
    assert detail_level(viewers()["reader"], summary) == "summary"  # others still do not
    events = audit.list_events(session, action="access.")[0]
    assert [(e.action, e.username) for e in events] == [("access.grant", "tto"), ("access.request", "member")]


def test_what_cannot_be_asked_for(session, outcomes, viewers):
    people = viewers()
    with pytest.raises(Forbidden) as anonymous:
        access.request_access(session, ANONYMOUS, outcomes["summary"])
    assert anonymous.value.status == 401
    with pytest.raises(NotFound):  # cannot ask for what one cannot know exists
        access.request_access(session, people["member"], outcomes["confidential"])
    with pytest.raises(ValidationError):  # public: nothing to ask for
        access.request_access(session, people["member"], outcomes["public"])
    with pytest.raises(ValidationError):  # one's own office's outcome
        access.request_access(session, people["tto"], outcomes["summary"])
    access.request_access(session, people["member"], outcomes["summary"])
    with pytest.raises(ValidationError):  # once is enough while it waits
        access.request_access(session, people["member"], outcomes["summary"])


@pytest.mark.parametrize("who, status", [("stranger", 403), ("member", 403), ("reader", 403)])
def test_only_the_owner_office_or_an_admin_decides(session, outcomes, viewers, who, status):
    grant = access.request_access(session, viewers()["member"], outcomes["summary"])
    with pytest.raises(Forbidden) as refused:
        access.decide(session, viewers()[who], grant, approve=True)
    assert refused.value.status == status and grant.status == "requested"
    with pytest.raises(Forbidden):
        access.grants_for_outcome(session, viewers()[who], outcomes["summary"])
    access.decide(session, viewers()["admin"], grant, approve=True)
    assert grant.status == "granted"


def test_a_refusal_opens_nothing_and_a_decision_is_final(session, outcomes, viewers):
    grant = access.request_access(session, viewers()["member"], outcomes["summary"])
    access.decide(session, viewers()["tto"], grant, approve=False, note="暂不开放")
    assert grant.status == "refused" and outcomes["summary"].id not in viewers()["member"].granted_outcomes
    with pytest.raises(ValidationError):
        access.decide(session, viewers()["tto"], grant, approve=True)
    with pytest.raises(ValidationError):
        access.revoke(session, viewers()["tto"], grant)
    assert audit.list_events(session, action="access.refuse")[1] == 1


def test_a_grant_ends_when_it_expires(session, outcomes, viewers):
    grant = access.request_access(session, viewers()["member"], outcomes["summary"])
    with pytest.raises(ValidationError):
        access.decide(session, viewers()["tto"], grant, approve=True, expires_at=utcnow() - timedelta(minutes=1))
    access.decide(session, viewers()["tto"], grant, approve=True, expires_at=utcnow() + timedelta(days=30))
    assert outcomes["summary"].id in viewers()["member"].granted_outcomes
    grant.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    assert outcomes["summary"].id not in viewers()["member"].granted_outcomes


def test_a_revoked_grant_opens_nothing(session, outcomes, viewers):
    grant = access.request_access(session, viewers()["member"], outcomes["summary"])
    access.decide(session, viewers()["tto"], grant, approve=True)
    with pytest.raises(Forbidden):
        access.revoke(session, viewers()["member"], grant)
    access.revoke(session, viewers()["tto"], grant)
    assert grant.status == "revoked" and outcomes["summary"].id not in viewers()["member"].granted_outcomes
    assert [e.action for e in audit.list_events(session, action="access.revoke")[0]] == ["access.revoke"]


def test_a_direct_grant_to_an_organization_reaches_all_its_people(session, orgs, outcomes, people, viewers):
    _, other = orgs
    confidential = outcomes["confidential"]
    with pytest.raises(ValidationError):
        access.grant_directly(session, viewers()["tto"], confidential)  # to whom?
    with pytest.raises(ValidationError):
        access.grant_directly(session, viewers()["tto"], confidential, user=people["reader"], organization=other)
    with pytest.raises(Forbidden):
        access.grant_directly(session, viewers()["stranger"], confidential, organization=other)
    grant = access.grant_directly(session, viewers()["tto"], confidential, organization=other, nda_reference="NDA-9")
    assert grant.status == "granted" and grant.requested_by_id is None
    now = viewers()
    assert detail_level(now["member"], confidential) == "full"      # member of the other organization
    assert detail_level(now["stranger"], confidential) == "full"    # its office too
    assert detail_level(now["reader"], confidential) == "hidden"    # not of it
    assert grant in access.my_requests(session, now["member"])
    assert access.grants_for_outcome(session, now["tto"], confidential) == [grant]
    [event] = audit.list_events(session, action="access.grant")[0]
    assert event.detail["organization"] == "津港企业"


def test_a_direct_grant_to_one_user(session, outcomes, people, viewers):
    access.grant_directly(session, viewers()["admin"], outcomes["summary"], user=people["reader"])
    assert detail_level(viewers()["reader"], outcomes["summary"]) == "full"
    assert detail_level(viewers()["nobody"], outcomes["summary"]) == "summary"


def test_grants_to_decide_by_status(session, outcomes, viewers):
    first = access.request_access(session, viewers()["member"], outcomes["summary"])
    access.decide(session, viewers()["tto"], first, approve=True)
    second = access.request_access(session, viewers()["reader"], outcomes["summary"])
    assert access.grants_to_decide(session, viewers()["tto"]) == [second]
    assert access.grants_to_decide(session, viewers()["tto"], status="granted") == [first]
    assert set(access.grants_to_decide(session, viewers()["admin"], status="")) == {first, second}
    assert access.get_grant(session, first.id) is first
    with pytest.raises(NotFound):
        access.get_grant(session, 424242)


def test_a_disabled_user_keeps_no_access(session, outcomes, people, viewers):
    access.grant_directly(session, viewers()["tto"], outcomes["summary"], user=people["reader"])
    token = accounts.create_token(session, people["reader"])
    accounts.set_active(session, people["reader"], False)
    assert accounts.user_for_token(session, token) is None
