"""What a person may do to the library: the rule and the audit entry of every action."""

import pytest

from medbridge.accounts import audit
from medbridge.accounts import service as accounts
from medbridge.accounts.policy import ANONYMOUS
from medbridge.errors import Forbidden, NotFound
from medbridge.library import actions, service
from tests.factories import make_org, outcome_data

SECRET = "只有获授权者才能读到的技术细节"


@pytest.fixture
def world(session):
    owner = make_org(session, name="京南医院")
    other = make_org(session, name="津港企业", kind="enterprise")
    outcomes = {level: service.create_outcome(session, outcome_data(owner, code=f"L-{level}", confidentiality=level,
                                                                       summary=SECRET * 3), author="seed")
                for level in ("public", "summary", "confidential")}
    roles = {"admin": "admin", "owner": f"tto:{owner.id}", "stranger": f"tto:{other.id}", "member": f"member:{other.id}"}
    people = {name: accounts.viewer_for(session, accounts.create_user(session, name, "a-long-password", roles=[role]))
              for name, role in roles.items()}
    return owner, other, outcomes, people


def test_the_owner_office_edits_and_the_edit_is_audited(session, world):
    owner, _, outcomes, people = world
    assert actions.update(session, people["owner"], outcomes["public"], {"trl": 8}, reason="注册检验")
    assert outcomes["public"].versions[-1].author == "owner"
    [event] = audit.list_events(session, action="outcome.update")[0]
    assert (event.username, event.target_id, event.detail["fields"]) == ("owner", outcomes["public"].id, ["trl"])


@pytest.mark.parametrize("who, status", [("stranger", 403), ("member", 403)])
def test_others_may_not_edit(session, world, who, status):
    _, _, outcomes, people = world
    with pytest.raises(Forbidden) as refused:
        actions.update(session, people[who], outcomes["public"], {"trl": 8})
    assert refused.value.status == status and outcomes["public"].version == 1


def test_anonymous_writes_ask_for_sign_in(session, world):
    _, _, outcomes, _ = world
    with pytest.raises(Forbidden) as refused:
        actions.delete(session, ANONYMOUS, outcomes["public"])
    assert refused.value.status == 401


def test_handing_an_outcome_to_another_organization_needs_authority_over_both(session, world):
    _, other, outcomes, people = world
    with pytest.raises(Forbidden):
        actions.update(session, people["owner"], outcomes["public"], {"owner": other.name})
    assert actions.update(session, people["admin"], outcomes["public"], {"owner": other.name})


def test_creating_for_an_organization_one_does_not_manage_is_refused(session, world):
    owner, other, _, people = world
    with pytest.raises(Forbidden):
        actions.create(session, people["owner"], outcome_data(other, code="NEW-1"))
    assert actions.create(session, people["owner"], outcome_data(owner, code="NEW-2")).owner_id == owner.id


def test_viewing_restricted_detail_is_audited_and_hidden_outcomes_do_not_exist(session, world):
    _, _, outcomes, people = world
    assert actions.view(session, people["member"], outcomes["summary"].id)[1] == "summary"
    assert actions.view(session, people["owner"], outcomes["confidential"].id)[1] == "full"
    with pytest.raises(NotFound):
        actions.view(session, people["member"], outcomes["confidential"].id)
    views = audit.list_events(session, action="outcome.view_detail")[0]
    assert [(e.username, e.target_id) for e in views] == [("owner", outcomes["confidential"].id)]


def test_history_needs_the_detail(session, world):
    _, _, outcomes, people = world
    with pytest.raises(Forbidden):
        actions.versions(session, people["member"], outcomes["summary"].id)
    assert len(actions.versions(session, people["owner"], outcomes["summary"].id)[1]) == 1


def test_lists_hide_confidential_outcomes_and_search_does_not_reach_hidden_detail(session, world):
    _, _, outcomes, people = world
    everything = service.list_outcomes(session, service.OutcomeFilters(), people["member"])
    assert {o.code for o in everything.items} == {"L-public", "L-summary"}
    by_secret = service.list_outcomes(session, service.OutcomeFilters(q=SECRET), people["member"])
    assert {o.code for o in by_secret.items} == {"L-public"}
    owner_view = service.list_outcomes(session, service.OutcomeFilters(q=SECRET), people["owner"])
    assert owner_view.total == 3


def test_export_leaves_out_hidden_outcomes_blanks_redacted_detail_and_is_audited(session, world):
    _, _, _, people = world
    text = actions.export(session, people["member"], service.OutcomeFilters(sort="code"), "csv").decode("utf-8-sig")
    assert "L-confidential" not in text and "L-summary" in text
    assert text.count(SECRET) == 3  # the public outcome's summary only
    [event] = audit.list_events(session, action="outcome.export")[0]
    assert event.username == "member"


def test_an_import_may_only_touch_outcomes_of_managed_organizations(session, world):
    owner, other, _, people = world
    sheet = ("编号,名称,所属机构,成果类型,阶段,领域\n"
             f"IMP-1,中药颗粒,{owner.name},药物,实验室研究,中药\n"
             f"IMP-2,中药方剂,{other.name},药物,实验室研究,中药\n").encode()
    report = actions.import_sheet(session, people["owner"], "a.csv", sheet, dry_run=False,
                                  max_bytes=10**6, max_rows=100)
    assert not report.ok and [e["row"] for e in report.errors] == [3]
    assert service.list_outcomes(session, service.OutcomeFilters(q="IMP-"), people["admin"]).total == 0


def test_only_admins_change_the_rubric(session, world):
    _, _, _, people = world
    data = service.current_rubric(session).data
    with pytest.raises(Forbidden):
        actions.save_rubric(session, people["owner"], data)
    rubric, regraded = actions.save_rubric(session, people["admin"], data, reason="同上")
    assert rubric.version == 2 and regraded == 3


def test_restoring_a_version_that_names_another_owner_needs_authority_over_it(session, world):
    _, other, outcomes, people = world
    outcome = outcomes["public"]
    actions.update(session, people["admin"], outcome, {"owner": other.name})   # v2 belongs to `other`
    actions.update(session, people["admin"], outcome, {"owner": "京南医院"})    # v3 is back home
    with pytest.raises(Forbidden):
        actions.restore(session, people["owner"], outcome, 2)
    assert outcome.owner.name == "京南医院" and outcome.version == 3
    assert actions.restore(session, people["owner"], outcome, 1) is False  # allowed; v1 is today's state


def test_sorting_by_trl_does_not_reveal_the_trl_of_redacted_outcomes(session, world):
    _, _, outcomes, people = world
    service.update_outcome(session, outcomes["summary"], {"trl": 9}, author="seed")
    service.update_outcome(session, outcomes["public"], {"trl": 2}, author="seed")
    by_trl = service.list_outcomes(session, service.OutcomeFilters(sort="-trl"), people["member"])
    # The summary-only outcome's TRL counts as unknown for the member: it sorts last, not first.
    assert [o.code for o in by_trl.items] == ["L-public", "L-summary"]
