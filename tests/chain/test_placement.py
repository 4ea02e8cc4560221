"""Placement rules: suggestions from an organization's kind, names and outcomes, with a
confidence and reasons; decisions by people are never overwritten by the rules."""

from medbridge.chain import placement, taxonomy
from medbridge.chain.models import ChainPlacement
from medbridge.library import service
from tests.factories import make_org, outcome_data

CHAINS = taxonomy.ChainMap(taxonomy.seed_data())


def suggestions_for(session, org):
    return placement.suggest(placement.profiles(session, [org])[0], CHAINS)


def test_an_enterprise_named_as_a_drug_maker_is_suggested_for_drug_manufacturing(session):
    org = make_org(session, name="岚石药业（石家庄）股份有限公司", kind="enterprise", aliases=["岚石药业"])
    best = suggestions_for(session, org)[0]
    assert (best.chain, best.segment) == ("chemical_drug", "manufacturing")
    assert 0.4 <= best.confidence <= placement.MAX_CONFIDENCE
    assert any("药业" in r for r in best.reasons) and any("生产加工" in r or "制剂" in r for r in best.reasons)


def test_a_hospital_is_suggested_for_clinical_trials_of_the_chains_its_outcomes_are_in(session):
    hospital = make_org(session, name="京南医院", kind="hospital")
    for n in range(3):
        service.create_outcome(session, outcome_data(hospital, code=f"H-{n}", field="surgical_robot",
                                                     kind="device", stage="clinical"), author="t")
    found = {(s.chain, s.segment): s for s in suggestions_for(session, hospital)}
    assert ("medical_device", "clinical_trial") in found
    assert any("3/3" in r for r in found[("medical_device", "clinical_trial")].reasons)
    # No evidence for chemical drugs at all: no suggestion there.
    assert not any(chain == "chemical_drug" for chain, _ in found)


def test_confidential_outcomes_are_not_used_as_signals(session):
    hospital = make_org(session, name="保密医院", kind="hospital")
    service.create_outcome(session, outcome_data(hospital, code="S-1", field="tcm", confidentiality="confidential"),
                           author="t")
    assert suggestions_for(session, hospital) == []


def test_carriers_such_as_parks_and_investors_are_not_placed(session):
    park = make_org(session, name="生物医药产业园", kind="park")
    investor = make_org(session, name="医疗器械投资基金", kind="investor")
    assert suggestions_for(session, park) == [] and suggestions_for(session, investor) == []


def test_refresh_keeps_decisions_and_drops_stale_suggestions(session):
    org = make_org(session, name="恒溯医疗器械（天津）有限公司", kind="enterprise")
    counts = placement.refresh_suggestions(session, CHAINS, [org])
    assert counts["added"] >= 1
    rows = {(p.chain_key, p.segment_key): p for p in session.query(ChainPlacement)}
    kept = rows[("medical_device", "manufacturing")]
    placement.decide(session, kept, confirm=False, author="alice", note="只做研发")
    stale = ChainPlacement(organization_id=org.id, chain_key="tcm", segment_key="rnd", status="suggested",
                           source="rules", confidence=0.5, reasons=[])
    session.add(stale)
    session.flush()
    counts = placement.refresh_suggestions(session, CHAINS, [org])
    assert counts["dropped"] == 1
    session.refresh(kept)
    assert (kept.status, kept.decided_by, kept.note) == ("rejected", "alice", "只做研发")


def test_placing_by_hand_confirms_and_checks_the_segment(session):
    import pytest
    from medbridge.errors import ValidationError

    org = make_org(session, name="某企业", kind="enterprise")
    row = placement.place(session, CHAINS, org, "tcm", "herb_cultivation", "bob")
    assert (row.status, row.source, row.decided_by) == ("confirmed", "manual", "bob")
    with pytest.raises(ValidationError):
        placement.place(session, CHAINS, org, "tcm", "nowhere", "bob")
