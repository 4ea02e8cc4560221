"""Extraction rules, each on a hand-written sentence or two (names here are made up)."""

from __future__ import annotations

from datetime import date

from medbridge.extract.pipeline import extract
from medbridge.extract.organizations import strip_legal_form

DATED = date(2024, 5, 30)


def orgs(text: str, **kwargs) -> dict[str, dict]:
    return {o["name"]: o for o in extract(text, **kwargs).as_contract()["organizations"]}


def events(text: str, **kwargs) -> list[dict]:
    return extract(text, article_date=DATED, **kwargs).as_contract()["events"]


# --- organizations -------------------------------------------------------------------

def test_kinds_come_from_the_name_suffix():
    found = orgs("星河大学与青松市第三人民医院、启明生物科技有限公司、澄湖创新孵化器、东岭生物医药产业园、"
                 "青松市科学技术委员会、华北医疗器械创新联盟和朗川投资基金出席。")
    assert {name: o["kind"] for name, o in found.items()} == {
        "星河大学": "university", "青松市第三人民医院": "hospital", "启明生物科技有限公司": "enterprise",
        "澄湖创新孵化器": "incubator", "东岭生物医药产业园": "park", "青松市科学技术委员会": "government",
        "华北医疗器械创新联盟": "alliance", "朗川投资基金": "investor",
    }


def test_names_stop_at_verbs_prepositions_and_titles():
    found = orgs("会上，澄湖大学附属第一医院院长张明表示，将依托东岭生物医药产业园建设平台。")
    assert set(found) == {"澄湖大学附属第一医院", "东岭生物医药产业园"}


def test_generic_phrases_are_no_organizations():
    found = orgs("区内有高水平研究型医院、三甲医院和一批龙头企业，还有5个国家医学中心。")
    assert found == {}


def test_short_name_defined_in_the_text_binds_to_the_full_name():
    found = orgs("以星河医科大学附属北京松柏医院(简称“松柏医院”)为载体。松柏医院将牵头建设。")
    assert list(found) == ["星河医科大学附属北京松柏医院"]
    assert found["星河医科大学附属北京松柏医院"]["aliases"] == ["松柏医院"]
    assert found["星河医科大学附属北京松柏医院"]["mentions"] == 3


def test_a_shorter_name_of_the_same_kind_inside_a_longer_one_is_an_alias():
    found = orgs("星河医科大学附属北京松柏医院举办大会。北京松柏医院院长出席。")
    assert found["星河医科大学附属北京松柏医院"]["aliases"] == ["北京松柏医院"]


def test_items_of_a_counted_list_are_organizations():
    found = orgs("包括云帆医疗、岚石科技、澄光智影在内的3家创新企业签约入驻。")
    assert set(found) == {"云帆医疗", "岚石科技", "澄光智影"}
    assert all(o["kind"] == "enterprise" for o in found.values())


def test_brand_words_need_a_proper_name_before_them():
    found = orgs("聚焦智慧医疗、数字医疗等方向。云帆医疗与青松市签署协议。")
    assert set(found) == {"云帆医疗"}


def test_the_shipped_dictionary_finds_names_without_a_suffix():
    assert orgs("美敦力与辉瑞代表出席。")["美敦力"]["kind"] == "enterprise"


def test_registry_names_passed_in_are_recognised():
    found = orgs("青岚智造参加了会议。", registry={"青岚智造": ("青岚智造装备股份有限公司", "enterprise")})
    assert found["青岚智造装备股份有限公司"]["aliases"] == ["青岚智造"]


def test_legal_forms_are_stripped_for_comparison():
    assert strip_legal_form("华融科创生物科技(天津)有限公司") == "华融科创生物科技"
    assert strip_legal_form("启明集团") == "启明"
    assert strip_legal_form("公司") == "公司"


# --- people, places, amounts, dates ----------------------------------------------------

def test_people_with_title_and_affiliation():
    result = extract("星河医科大学党委常委、副校长陈瑞明表示支持。澄湖大学附属第一医院院长 王一舟：我们将合作。"
                     "中国工程院院士顾松年出席。").as_contract()
    people = {p["name"]: p for p in result["people"]}
    assert people["陈瑞明"] == {"name": "陈瑞明", "title": "副校长", "organization": "星河医科大学"}
    assert people["王一舟"]["organization"] == "澄湖大学附属第一医院"
    assert people["顾松年"]["title"] == "院士"


def test_a_district_official_belongs_to_the_district():
    people = extract("普宁区副区长李红出席。").as_contract()["people"]
    assert people == [{"name": "李红", "title": "副区长", "organization": "普宁区"}]


def test_places_are_listed():
    assert "北京" in extract("北京丰台区举办大会。").as_contract()["places"]


def test_money_is_converted_to_yuan_with_what_it_measures():
    amounts = extract("目前总规模约423亿元，营收达到1.25万亿元，融资5000万美元。").as_contract()["amounts"]
    assert amounts[0] == {"text": "423亿元", "value": 42_300_000_000, "unit": "CNY", "measure": "目前总规模"}
    assert amounts[1]["value"] == 1_250_000_000_000 and amounts[1]["measure"] == "营收"
    assert amounts[2]["unit"] == "USD" and amounts[2]["value"] == 50_000_000


def test_counts_are_tied_to_what_they_count():
    amounts = extract("规模以上企业达到160家，拥有22所临床医学院，集聚相关企业5300余家。").as_contract()["amounts"]
    assert [(a["value"], a["unit"], a["measure"]) for a in amounts] == [
        (160, "家", "规模以上企业"), (22, "所", "临床医学院"), (5300, "家", "集聚相关企业")]


def test_dates_are_resolved_against_the_article_date():
    found = events("5月29日，星河大学与云帆医疗签署战略合作协议。")
    assert found[0]["date"] == "2024-05-29"
    december = extract("12月30日，星河大学与云帆医疗签署合作协议。", article_date=date(2025, 1, 3))
    assert december.as_contract()["events"][0]["date"] == "2024-12-30"


def test_an_event_without_a_date_takes_the_article_date():
    assert events("星河大学与云帆医疗签署合作协议。")[0]["date"] == "2024-05-30"


# --- events -----------------------------------------------------------------------------

def test_agreement_signed_with_its_parties_and_kind():
    [event] = events("会上，云帆医疗与青松市签署战略合作协议。")
    assert event["type"] == "agreement_signed"
    assert event["participants"] == ["云帆医疗", "青松市"]
    assert event["kind"] == "战略合作"
    assert event["evidence"] == "会上，云帆医疗与青松市签署战略合作协议。"


def test_park_launched():
    [event] = events("大会现场，东岭智能医工产业园正式启动。")
    assert (event["type"], event["participants"]) == ("launch", ["东岭智能医工产业园"])


def test_a_meeting_that_starts_is_no_launch():
    assert events("论坛于上午正式启动，嘉宾发言。") == []


def test_companies_settled_in_an_incubator_named_in_the_previous_sentence():
    found = events("论坛举行了澄湖创新医疗孵化器签约仪式。包括云帆医疗、岚石科技在内的2家企业签约入驻。")
    settlement = [e for e in found if e["type"] == "settlement"]
    assert settlement and set(settlement[0]["participants"]) == {"澄湖创新医疗孵化器", "云帆医疗", "岚石科技"}


def test_alliance_joined():
    [event] = [e for e in events("青松区生命健康产业联盟纳新，云帆医疗、岚石科技等10家单位加入联盟。")
               if e["type"] == "alliance_joined"]
    assert set(event["participants"]) == {"青松区生命健康产业联盟", "云帆医疗", "岚石科技"}


def test_award():
    [event] = events("星河大学附属医院团队荣获第三届医学创新大赛一等奖。")
    assert event["type"] == "award" and event["participants"] == ["星河大学附属医院"]


def test_joint_lab_is_also_an_agreement_when_signed():
    types = {e["type"] for e in events("松柏医院与云帆医疗联合签署数智健康联合实验室协议。")}
    assert types == {"joint_lab", "agreement_signed"}


def test_expert_appointed():
    [event] = events("青松市科学技术委员会为首批专家颁发聘书。")
    assert event["type"] == "expert_appointed"


def test_policy_issued_by_a_district():
    [event] = events("普宁区正式发布数智健康产业伙伴计划，支持企业发展。")
    assert (event["type"], event["participants"]) == ("policy_issued", ["普宁区"])


def test_the_publish_time_of_a_page_is_no_policy():
    assert events("发布时间：2024-08-08，星河大学新闻网。") == []


def test_the_same_event_told_twice_is_one_event():
    assert len(events("云帆医疗与青松市签署协议。云帆医疗与青松市签署协议。")) == 1


def test_the_contract_keys_are_stable():
    result = extract("标题标题标题标题\n正文。").as_contract()
    assert {"title", "date", "source", "organizations", "people", "amounts", "events"} <= set(result)


def test_founding_an_alliance_is_a_launch():
    [event] = events("青松大学第一医院牵头成立青松省医学人工智能创新联盟。")
    assert event["type"] == "launch" and "青松省医学人工智能创新联盟" in event["participants"]


def test_winning_a_prize_with_huode_is_an_award_but_raising_money_is_not():
    assert [e["type"] for e in events("星河大学附属中山医院获得国家科技进步二等奖。")] == ["award"]
    assert events("云帆医疗有限公司今年获得融资2亿元。") == []


def test_generic_fund_words_are_no_investors():
    assert orgs("双方联合设立天使基金和产业引导基金。") == {}


def test_a_unit_of_a_named_body_is_an_organization():
    found = orgs("专家来自国家卫生健康委科学技术研究所。")
    assert found["国家卫生健康委科学技术研究所"]["kind"] == "institute"


def test_a_department_between_organization_and_title_keeps_the_affiliation():
    [person] = extract("星河大学附属医院成果转化部部长刘一鸣介绍。").as_contract()["people"]
    assert person == {"name": "刘一鸣", "title": "部长", "organization": "星河大学附属医院"}


def test_a_count_followed_by_what_it_counts_and_a_verb():
    [amount] = extract("青松市立医院等6家医院加入联盟。").as_contract()["amounts"]
    assert amount["measure"] == "医院"
