"""Coverage and choke-point arithmetic on the small known cluster (see conftest.py)."""

from medbridge.accounts.policy import ANONYMOUS, COMMAND_LINE, Viewer
from medbridge.chain import coverage as cov
from medbridge.chain.models import ParkTenant
from medbridge.library import service
from tests.factories import make_org, outcome_data


def device_coverage(session, cluster, scope, viewer=ANONYMOUS):
    [result] = cov.coverage(session, cluster.chains, viewer, scope, "medical_device")
    return {s.segment: s for s in result.segments}


def test_counts_statuses_and_leading_firms_in_a_city(session, cluster):
    seg = device_coverage(session, cluster, cov.Scope(region="A市"))
    assert {k: (s.count, s.status) for k, s in seg.items()} == {
        "components": (0, "missing"), "rnd": (2, "thin"), "clinical_trial": (1, "single"),
        "testing_approval": (0, "missing"), "manufacturing": (3, "covered"), "distribution": (0, "missing")}
    assert [m.name for m in seg["manufacturing"].leading] == ["器械甲", "器械乙", "器械丙"]


def test_one_firm_holding_most_of_the_output_is_single_firm_dependence(session, cluster):
    manufacturing = device_coverage(session, cluster, cov.Scope(region="A市"))["manufacturing"]
    assert manufacturing.top_share == 0.8
    assert manufacturing.dependent and manufacturing.choke


def test_choke_points_are_missing_or_dependent_segments_of_a_present_chain(session, cluster):
    seg = device_coverage(session, cluster, cov.Scope(region="A市"))
    assert sorted(k for k, s in seg.items() if s.choke) == [
        "clinical_trial", "components", "distribution", "manufacturing", "testing_approval"]
    assert not seg["rnd"].choke  # thin, but not missing or dependent


def test_a_chain_nobody_works_in_locally_is_absent_not_blocked(session, cluster):
    [tcm] = cov.coverage(session, cluster.chains, ANONYMOUS, cov.Scope(region="A市"), "tcm")
    assert not tcm.present and not any(s.choke for s in tcm.segments)


def test_suggested_and_rejected_placements_do_not_count(session, cluster):
    seg = device_coverage(session, cluster, cov.Scope(region="丙省"))
    assert seg["testing_approval"].count == 0


def test_a_park_scope_counts_its_tenants_only(session, cluster):
    park = make_org(session, name="A市医械园", kind="park", province="测试省", city="A市")
    for name in ("器械甲", "器械乙"):
        session.add(ParkTenant(organization_id=cluster.orgs[name].id, park_id=park.id))
    session.flush()
    seg = device_coverage(session, cluster, cov.Scope(park_id=park.id))
    assert (seg["manufacturing"].count, seg["rnd"].count) == (2, 0)
    assert seg["manufacturing"].top_share == 80 / 92


def test_a_corridor_spans_cities_when_no_city_covers_every_covered_segment(session, cluster):
    corridors = cov.corridors(session, cluster.chains, ANONYMOUS, ["测试省"])
    [device] = [c for c in corridors if c.chain == "medical_device"]
    assert device.legs == [("A市", ["rnd", "clinical_trial", "manufacturing"]), ("B市", ["testing_approval"])]
    assert device.missing == ["components", "distribution"]
    # Within A市 alone there is no corridor.
    assert cov.corridors(session, cluster.chains, ANONYMOUS, ["A市"]) == []


def test_outcome_counts_leave_out_what_the_viewer_may_not_know_exists(session, cluster):
    hospital = cluster.orgs["医院甲"]
    for n, level in enumerate(("public", "summary", "confidential")):
        service.create_outcome(session, outcome_data(hospital, code=f"C-{n}", field="surgical_robot", kind="device",
                                                     stage="clinical", segment="clinical_trial",
                                                     confidentiality=level), author="t")
    scope = cov.Scope(region="A市")
    assert device_coverage(session, cluster, scope, ANONYMOUS)["clinical_trial"].outcome_count == 2
    assert device_coverage(session, cluster, scope, COMMAND_LINE)["clinical_trial"].outcome_count == 3
    office = Viewer(user_id=9, username="tto", roles=frozenset({("tto", hospital.id)}))
    assert device_coverage(session, cluster, scope, office)["clinical_trial"].members[0].outcomes == 3


def test_the_heat_map_counts_distinct_organizations_per_region_and_segment(session, cluster):
    regions, keys, counts = cov.heatmap(session, cluster.chains, ANONYMOUS, "medical_device", level="city")
    assert regions == ["A市", "B市"]
    assert counts[0][keys.index("manufacturing")] == 3 and counts[1][keys.index("testing_approval")] == 1


def test_the_rules_are_stated_in_both_languages():
    assert len(cov.rule_texts("zh")) == len(cov.rule_texts("en")) >= 6
    assert any(str(cov.THIN_MAX) in text for text in cov.rule_texts("en"))


def test_a_share_among_a_few_known_outputs_does_not_make_a_crowded_segment_dependent():
    members = [cov.Member(i, f"m{i}", "enterprise", "A市", "测试省") for i in range(6)]
    members[0].output, members[1].output = 90, 10
    assert cov.dominance(members) is None            # 2 of 6 known: too few to judge
    members[2].output = 5
    assert cov.dominance(members) == 90 / 105        # 3 of 6 known: judged
