"""Who sees how much of what: the level for every kind of person and outcome, and the same rule
applied in SQL to lists, counts and search."""

import pytest

from medbridge.accounts import policy
from medbridge.accounts.policy import ANONYMOUS, COMMAND_LINE, Viewer
from medbridge.errors import Forbidden, NotFound
from medbridge.library import service
from medbridge.library.service import OutcomeFilters

# person → level seen of (public, summary, confidential) outcomes of the first organization
EXPECTED = {
    "anonymous": ("full", "summary", "hidden"),
    "nobody": ("full", "summary", "hidden"),
    "reader": ("full", "summary", "hidden"),
    "member": ("full", "summary", "hidden"),
    "stranger": ("full", "summary", "hidden"),
    "tto": ("full", "full", "full"),
    "admin": ("full", "full", "full"),
}


def everyone(viewers):
    return {"anonymous": ANONYMOUS, **viewers()}


@pytest.mark.parametrize("who", EXPECTED)
def test_detail_level_for_each_kind_of_person(session, outcomes, viewers, who):
    viewer = everyone(viewers)[who]
    levels = tuple(policy.detail_level(viewer, outcomes[level]) for level in ("public", "summary", "confidential"))
    assert levels == EXPECTED[who]


def test_a_grant_opens_exactly_the_outcome_granted(outcomes):
    granted = Viewer(user_id=99, username="guest", granted_outcomes=frozenset({outcomes["confidential"].id}))
    assert policy.detail_level(granted, outcomes["confidential"]) == "full"
    assert policy.detail_level(granted, outcomes["summary"]) == "summary"


def test_the_command_line_acts_as_an_administrator(outcomes):
    assert policy.detail_level(COMMAND_LINE, outcomes["confidential"]) == "full"
    assert not COMMAND_LINE.is_anonymous


@pytest.mark.parametrize("who", EXPECTED)
def test_lists_counts_and_search_follow_the_same_rule(session, outcomes, viewers, who):
    viewer = everyone(viewers)[who]
    visible = {f"L-{level}" for level, seen in zip(("public", "summary", "confidential"), EXPECTED[who])
               if seen != "hidden"}
    page = service.list_outcomes(session, OutcomeFilters(), viewer)
    assert {o.code for o in page.items} == visible and page.total == len(visible)
    assert sum(service.facet_counts(session, OutcomeFilters(), "confidentiality", viewer).values()) == len(visible)
    assert {o.code for o in service.iter_outcomes(session, OutcomeFilters(), viewer)} == visible
    # The summary text is searched only where the detail may be read.
    readable = {f"L-{level}" for level, seen in zip(("public", "summary", "confidential"), EXPECTED[who])
                if seen == "full"}
    found = service.list_outcomes(session, OutcomeFilters(q="秘密细节"), viewer)
    assert {o.code for o in found.items} == readable
    # Title and code are summary fields: searchable wherever the outcome is visible.
    assert service.list_outcomes(session, OutcomeFilters(q="L-summary"), viewer).total == 1


def test_a_hidden_outcome_is_not_found_rather_than_forbidden(outcomes):
    with pytest.raises(NotFound):
        policy.require_visible(ANONYMOUS, outcomes["confidential"])
    assert policy.require_visible(ANONYMOUS, outcomes["summary"]) == "summary"


def test_the_gates_say_401_to_the_anonymous_and_403_to_the_rest(session, orgs, viewers):
    owner, _ = orgs
    people = viewers()
    for gate, args in ((policy.require_manage, (owner.id,)), (policy.require_admin, ()),
                       (policy.require_signed_in, ())):
        with pytest.raises(Forbidden) as anonymous:
            gate(ANONYMOUS, *args)
        assert anonymous.value.status == 401
    with pytest.raises(Forbidden) as member:
        policy.require_manage(people["member"], owner.id)
    assert member.value.status == 403
    with pytest.raises(Forbidden):
        policy.require_admin(people["tto"])
    policy.require_manage(people["tto"], owner.id)
    policy.require_manage(people["admin"], owner.id)
    policy.require_signed_in(people["nobody"])  # signed in, with no role at all
    assert policy.can_manage(people["tto"], None) is False


def test_roles_resolve_to_organizations(orgs, viewers):
    owner, other = orgs
    people = viewers()
    assert people["tto"].managed_organizations == {owner.id}
    assert people["member"].managed_organizations == frozenset() and people["member"].organizations == {other.id}
    assert people["admin"].is_admin and people["reader"].has_role("viewer")
