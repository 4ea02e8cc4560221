"""The registry: one organization per real body, found by any of its names."""

import pytest

from medbridge.errors import ValidationError
from medbridge.registry import service


def test_an_organization_is_found_by_id_name_or_alias(session):
    org = service.create_organization(session, "首都医科大学附属北京天坛医院", "hospital", aliases=["天坛医院", "北京天坛医院"])
    assert service.find_organization(session, org.id) is org
    assert service.find_organization(session, "首都医科大学附属北京天坛医院") is org
    assert service.find_organization(session, "天坛医院") is org
    assert service.find_organization(session, "天坛") is None


def test_kind_may_be_a_key_or_a_label_in_either_language(session):
    assert service.create_organization(session, "甲", "孵化器").kind == "incubator"
    assert service.create_organization(session, "乙", "Service platform").kind == "service_platform"


def test_an_affiliated_hospital_has_its_university_as_parent(session):
    university = service.create_organization(session, "首都医科大学", "university")
    hospital = service.create_organization(session, "附属医院", "hospital", parent="首都医科大学",
                                           province="北京市", city="北京市", district="丰台区")
    assert hospital.parent is university and hospital.region == "北京市丰台区"


def test_every_problem_with_a_new_organization_is_reported(session):
    service.create_organization(session, "甲医院", "hospital", aliases=["甲院"])
    with pytest.raises(ValidationError) as caught:
        service.create_organization(session, "甲医院", "spaceship", aliases=["甲院"], parent="无")
    assert {e["field"] for e in caught.value.errors} == {"name", "kind", "aliases", "parent"}


def test_listing_filters_by_text_kind_and_region(session):
    service.create_organization(session, "京南医院", "hospital", aliases=["南院"], province="北京市", city="北京市")
    service.create_organization(session, "津港产业园", "park", province="天津市", city="天津市")
    assert [o.name for o in service.list_organizations(session, q="南院")[0]] == ["京南医院"]
    assert [o.name for o in service.list_organizations(session, kind="park")[0]] == ["津港产业园"]
    assert service.list_organizations(session, region="天津市")[1] == 1
    assert service.regions(session) == ["北京市", "天津市"]


def test_people_hold_titles_at_organizations(session):
    service.create_organization(session, "京南医院", "hospital")
    person = service.add_person(session, "王医生", expertise=["神经外科", " "], titles=[("京南医院", "主任医师")])
    assert person.expertise == ["神经外科"]
    assert [(t.organization.name, t.title) for t in person.titles] == [("京南医院", "主任医师")]
    with pytest.raises(ValidationError):
        service.add_person(session, "李", email="not-an-email")
