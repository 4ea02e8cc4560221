"""The chain taxonomy: seeded as version 1, edited as new versions, validated, reconciled with
the outcome library's segments."""

import copy

import pytest

from medbridge.chain import placement, taxonomy
from medbridge.errors import ValidationError
from medbridge.library.taxonomy import get_taxonomy
from tests.factories import make_org


def test_the_seed_has_the_six_chains_and_the_five_stages():
    chains = taxonomy.ChainMap(taxonomy.seed_data())
    assert [c.zh for c in chains.chains] == ["化学药", "中药", "生物药", "医疗器械", "医药服务", "BT+IT"]
    stages = [s.key for s in get_taxonomy().segments.terms]
    for chain in chains.chains:
        # Every chain walks 技术研发—临床试验—检测审批—生产加工—销售流通, keyed like the library's segments.
        assert [s.key for s in chain.segments if s.key in stages] == stages
        assert all(s.position in taxonomy.POSITIONS for s in chain.segments)
    assert chains.segment("tcm", "herb_cultivation").position == "upstream"


def test_every_library_field_belongs_to_some_chain():
    chains = taxonomy.ChainMap(taxonomy.seed_data())
    for field in get_taxonomy().fields.keys:
        assert chains.chains_for_field(field), field


def test_first_use_stores_the_seed_as_version_one_and_edits_make_new_versions(session):
    first = taxonomy.current_version(session)
    assert (first.version, first.author) == (1, "system")
    data = copy.deepcopy(first.data)
    data["chains"][0]["segments"].append({"key": "packaging", "zh": "包装材料", "en": "Packaging",
                                          "position": "upstream", "stage": "manufacturing"})
    saved = taxonomy.save(session, data, author="alice", reason="加包装环节")
    assert (saved.version, saved.author, saved.reason) == (2, "alice", "加包装环节")
    assert taxonomy.current(session).has("chemical_drug", "packaging")
    assert [v.version for v in taxonomy.list_versions(session)] == [2, 1]


def test_an_invalid_taxonomy_names_each_problem():
    data = taxonomy.seed_data()
    data["chains"][1]["key"] = data["chains"][0]["key"]
    data["chains"][2]["segments"][0]["position"] = "sideways"
    data["chains"][3]["segments"][0]["stage"] = "marketing"
    data["chains"][4]["fields"] = ["astrology"]
    with pytest.raises(ValidationError) as caught:
        taxonomy.validate_taxonomy(data)
    fields = {e["field"] for e in caught.value.errors}
    assert {"chains[1].key", "chains[2].segments[0].position", "chains[3].segments[0].stage",
            "chains[4].fields"} <= fields


def test_a_segment_with_confirmed_organizations_cannot_be_removed(session):
    org = make_org(session, name="测试药业有限公司", kind="enterprise")
    chains = taxonomy.current(session)
    placement.place(session, chains, org, "chemical_drug", "distribution", "alice")
    data = copy.deepcopy(taxonomy.current_version(session).data)
    data["chains"][0]["segments"] = [s for s in data["chains"][0]["segments"] if s["key"] != "distribution"]
    with pytest.raises(ValidationError, match="confirmed"):
        taxonomy.save(session, data, author="alice")
