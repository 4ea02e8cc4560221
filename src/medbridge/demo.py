"""Demo data: a fictional but realistic medical-innovation cluster, for trying MedBridge out.

EVERYTHING HERE IS FICTIONAL (演示数据，全部虚构). The organizations (京南医科大学附属第一医院,
津港生物医药产业园, 沪西数字健康孵化器 ...) are invented names placed in real districts
(北京丰台/通州/海淀/昌平, 天津滨海新区, 河北石家庄/沧州, 上海普陀 ...); the people are random
name combinations; the outcomes, patent numbers and trial ids are generated from templates.
Every row is written with ``is_demo=True`` and every outcome code starts with ``DEMO-``.

Public API
----------
- ``load_demo(session, seed=2024) -> dict``: write the demo set through the real services
  (so grades and versions are computed as for any user's data) and return counts. If the
  database already holds demo rows it **raises** ``DemoDataExists`` and writes nothing:
  loading twice never duplicates. Use ``remove_demo`` first to reload.
- ``has_demo(session) -> bool``: whether any demo organization, person or outcome exists.
- ``remove_demo(session) -> dict``: delete every demo row (outcomes and their versions,
  people, organizations); refuses if a non-demo outcome is owned by a demo organization.
- ``build_plan(seed) -> DemoPlan``: the whole data set as plain dicts, without a database.
  The same seed always gives the same plan; only timestamps are anchored to load time.

The data lives in ``demo_data/*.json`` (organizations, outcome templates per field, name
pools); this module only combines it. Completeness is varied on purpose (rich / typical /
sparse records) so that grades spread over A–D, and about a fifth of the outcomes get one
to three follow-up edits (TRL raised, patent granted, stage advanced ...) by other people,
spread over the past two years, so history and diff pages have something to show.
"""

from __future__ import annotations

import copy
import json
import math
import random
from dataclasses import dataclass, field as dataclass_field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from medbridge.chain.demo import load_chain_demo, remove_chain_demo
from medbridge.db.base import utcnow
from medbridge.library import service as library
from medbridge.library.models import Outcome, OutcomeVersion
from medbridge.library.taxonomy import get_taxonomy
from medbridge.matching.index import remove_entries
from medbridge.news.service import load_news_demo, remove_news_demo
from medbridge.needs.demo import load_demo_needs
from medbridge.needs.models import Need
from medbridge.registry.models import Organization, OrganizationAlias, Person, PersonTitle
from medbridge.registry.service import add_person, create_organization
from medbridge.transfer.demo import link_demo_judge, load_pipeline_demo, pipeline_demo_accounts, remove_pipeline_demo

DATA_DIR = Path(__file__).with_name("demo_data")
DEFAULT_SEED = 2024
OUTCOME_COUNT = 240
EDITED_SHARE = 0.24
CREATED_REASON = "演示数据：首次登记 / demo data: first registration"

REGION_CODES = {"北京市": "BJ", "天津市": "TJ", "河北省": "HE", "上海市": "SH"}
STAGES = ("concept", "lab", "prototype", "preclinical", "clinical", "registration", "market")
# The path an outcome of each kind walks through; "advance" edits follow it.
STAGE_PATHS = {
    "patent": ("concept", "lab", "prototype", "preclinical"),  # a patent's own stage ends before the clinic
    "device": STAGES,
    "drug": ("concept", "lab", "preclinical", "clinical", "registration", "market"),
    "diagnostic": ("lab", "prototype", "preclinical", "clinical", "registration", "market"),
    "software": ("concept", "lab", "prototype", "clinical", "registration", "market"),
    "method": ("concept", "lab", "preclinical", "clinical", "market"),
    "clinical_trial": ("clinical", "registration", "market"),
}
STAGE_WEIGHTS = {"concept": 10, "lab": 20, "prototype": 14, "preclinical": 18, "clinical": 18,
                 "registration": 9, "market": 11}
# Later-stage projects tend to be documented better: (rich, typical, sparse) by stage.
PROFILE_WEIGHTS = {"concept": (15, 40, 45), "lab": (20, 45, 35), "prototype": (25, 50, 25),
                   "preclinical": (30, 50, 20), "clinical": (40, 45, 15), "registration": (50, 40, 10),
                   "market": (50, 40, 10)}
OWNER_KIND_WEIGHTS = {"hospital": 45, "university": 22, "institute": 20, "enterprise": 13}
# The clusters in the samples lean to 智能医工: brain science, robots, devices, AI.
FIELD_WEIGHTS = {"brain_science": 1.4, "surgical_robot": 1.6, "high_end_device": 1.3, "ai_medicine": 1.3,
                 "cell_gene_therapy": 1.1, "innovative_drug": 1.0, "ivd": 1.0, "tcm": 0.55}
CONFIDENTIALITY_WEIGHTS = {"public": 76, "summary": 17, "confidential": 7}
SEGMENT_BY_STAGE = {"concept": "rnd", "lab": "rnd", "prototype": "rnd", "preclinical": "rnd",
                    "clinical": "clinical_trial", "registration": "testing_approval", "market": "manufacturing"}
TRIAL_STAGES = ("clinical", "registration", "market")

ORG_DESCRIPTIONS = {
    "hospital": "的三级甲等医院，设有临床研究中心和成果转化办公室",
    "university": "的高等院校，设有技术转移中心和医工交叉学科平台",
    "institute": "的新型研发机构，承担医学前沿技术攻关",
    "enterprise": "的医药健康企业，从事产品研发、注册和生产",
    "investor": "的医疗健康产业投资机构，关注早期和成长期项目",
    "incubator": "的医药健康孵化载体，提供概念验证、中试和投融资服务",
    "park": "的医药健康特色产业园区，提供研发、中试和生产空间",
    "government": "的园区管理和产业促进机构，负责政策落实与招商服务",
    "alliance": "的产学研医协同组织，组织对接、评审和标准工作",
    "media": "的医药健康产业媒体，报道园区、企业和成果转化动态",
    "service_platform": "的专业服务平台，提供注册检验、临床研究、知识产权或技术经理人服务",
}

# Molecules (drugs, cells, herbal formulas) have no "prototype" stage.
MOLECULAR_FIELDS = ("innovative_drug", "cell_gene_therapy", "tcm")
FIELD_GROUPS = {"innovative_drug": "molecular", "cell_gene_therapy": "molecular", "tcm": "molecular",
                "high_end_device": "device", "surgical_robot": "device", "brain_science": "device",
                "ai_medicine": "digital", "ivd": "diagnostic"}
KIND_GROUPS = {"drug": "molecular", "device": "device", "software": "digital", "diagnostic": "diagnostic",
               "method": "method", "clinical_trial": "study"}
# What has been shown so far, by stage and then by the most specific of kind group / field group.
STAGE_EVIDENCE = {
    "concept": {"any": ["目前已完成原理论证和初步可行性分析。", "已完成概念验证方案设计，正在申请概念验证资金支持。"]},
    "lab": {"molecular": ["已在细胞和动物模型中完成药效验证。"],
            "device": ["已完成关键部件实验室测试，指标达到设计要求。"],
            "digital": ["已在单中心回顾性数据上完成算法验证。"],
            "diagnostic": ["已完成方法学建立和实验室性能验证。"],
            "any": ["已完成实验室验证，关键指标达到设计要求。"]},
    "prototype": {"digital": ["已完成系统原型开发，在合作医院试运行。"],
                  "diagnostic": ["已完成试剂盒原型和配套仪器样机。"],
                  "any": ["已完成工程样机研制并通过内部性能测试。", "原型已迭代至第三版，正在进行注册检验。"]},
    "preclinical": {"molecular": ["已完成药效学研究和GLP毒理评价。", "已完成CMC工艺开发和非临床安全性评价。"],
                    "device": ["已完成大动物实验和注册检验。"],
                    "digital": ["已完成多中心回顾性验证。"],
                    "diagnostic": ["已完成分析性能评估和临床样本预实验。"],
                    "any": ["已完成临床前验证。"]},
    "clinical": {"any": ["目前正在{centers}家中心开展临床试验，已入组{patients}例受试者。",
                         "已完成首例受试者入组，计划在{centers}家中心入组{patients}例。"]},
    "registration": {"molecular": ["临床试验已完成，已向国家药品监督管理局提交上市申请，目前处于技术审评阶段。"],
                     "study": ["研究已完成主要终点分析，相关产品注册申报资料已受理。"],
                     "any": ["注册检验和临床评价已完成，注册申报资料已受理。"]},
    "market": {"molecular": ["已获批上市，累计惠及患者超过{served}人。"],
               "method": ["已在{centers}家医疗机构推广应用，形成技术规范。"],
               "study": ["研究已完成，结果已写入{centers}项临床指南或专家共识。"],
               "any": ["已获得医疗器械注册证，在{centers}家医疗机构推广应用。"]},
}
APPROACH = {
    "device": "项目研制的{title}，{highlight}，已形成完整的设计文档和工艺路线。",
    "drug": "团队获得了具有自主知识产权的候选药物，{highlight}，成药性良好。",
    "diagnostic": "本产品{highlight}，适用于医院检验科和基层医疗机构。",
    "software": "系统基于多中心真实世界数据开发，{highlight}。",
    "method": "该方法已形成标准操作规程，重复性好，可嵌入现有临床和生产流程直接应用。",
    "patent": "本发明{highlight}，结构和工艺简单，易于产业化。",
    "clinical_trial": "研究采用前瞻性多中心设计，计划入组{patients}例患者，前期探索性数据显示{highlight}。",
}
TRANSFER_SENTENCE = "拟通过{modes}方式转化，寻求具备{partners}能力的企业或投资机构合作。"
ADVANCE_REASONS = {
    "lab": "完成概念验证，进入实验室研究阶段",
    "prototype": "完成原型样机研制",
    "preclinical": "完成实验室研究，进入临床前研究阶段",
    "clinical": "获得伦理批件并完成临床试验登记，进入临床试验阶段",
    "registration": "临床试验完成，已提交注册申请",
    "market": "获得注册证，产品上市",
}
TRL_REASONS = {
    "concept": ["完成原理验证实验"], "lab": ["完成关键实验验证", "完成小动物模型验证"],
    "prototype": ["样机通过第三方性能测试", "完成原型迭代和可靠性测试"],
    "preclinical": ["完成大动物实验", "完成GLP安全性评价"],
    "clinical": ["完成首批受试者随访", "完成期中分析"],
    "registration": ["完成注册检验和中试放大", "完成生产质量体系核查"],
    "market": ["完成规模化生产验证"],
}


class DemoDataExists(RuntimeError):
    """The database already holds demo data; loading again would duplicate it."""


class DemoDataInUse(RuntimeError):
    """Demo rows are referenced by real (non-demo) data, so they cannot be removed."""


@dataclass
class DemoPlan:
    """The whole demo set as plain data: what load_demo writes, in order."""

    seed: int
    organizations: list[dict] = dataclass_field(default_factory=list)
    people: list[dict] = dataclass_field(default_factory=list)
    outcomes: list[dict] = dataclass_field(default_factory=list)

    @property
    def titles(self) -> list[str]:
        return [item["data"]["title"] for item in self.outcomes]


def stage_path(kind: str, field_key: str) -> tuple[str, ...]:
    """The stages an outcome of this kind and field can pass through, in order."""
    path = STAGE_PATHS[kind]
    if field_key in MOLECULAR_FIELDS:
        path = tuple(s for s in path if s != "prototype")
    return path


def _evidence(rng: random.Random, stage: str, kind: str, field_key: str) -> str:
    options = STAGE_EVIDENCE[stage]
    # A patent or a method is as far as the product it serves; other kinds speak for themselves.
    groups = [KIND_GROUPS.get(kind), FIELD_GROUPS[field_key] if kind in ("patent", "method") else None, "any"]
    for group in groups:
        if group in options:
            return rng.choice(options[group])
    raise KeyError(stage)


def _load(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def short_name(org: dict) -> str:
    return org["aliases"][0] if org["aliases"] else org["name"]


# --- building the plan (no database) ----------------------------------------------------

def build_plan(seed: int = DEFAULT_SEED) -> DemoPlan:
    """The demo data set for a seed, as plain dicts; deterministic for a given seed."""
    rng = random.Random(seed)
    plan = DemoPlan(seed=seed)
    plan.organizations = _plan_organizations(rng)
    names = _NameMaker(rng)
    plan.people = _plan_people(rng, plan.organizations, names)
    plan.outcomes = _plan_outcomes(rng, plan.organizations, plan.people, names)
    return plan


class _NameMaker:
    """Random, plausible and clearly invented Chinese names; never a name from the samples."""

    def __init__(self, rng: random.Random):
        pools = _load("people.json")
        self.rng = rng
        self.surnames, self.given = pools["surnames"], pools["given"]
        self.excluded = set(pools["excluded_names"])

    def make(self, taken: set[str] | None = None) -> str:
        taken = taken if taken is not None else set()
        while True:
            name = self.rng.choice(self.surnames) + self.rng.choice(self.given)
            if name not in taken and name not in self.excluded:
                taken.add(name)
                return name


def _plan_organizations(rng: random.Random) -> list[dict]:
    labels = get_taxonomy().fields
    organizations = []
    for org in _load("organizations.json")["organizations"]:
        province, city, district = org["region"]
        place = "".join(dict.fromkeys(p for p in (province, city, district) if p))
        description = f"【演示数据·虚构机构】位于{place}{ORG_DESCRIPTIONS[org['kind']]}。"
        if org["focus"]:
            description += "重点方向：" + "、".join(labels.label(f) for f in org["focus"]) + "。"
        organizations.append({
            **org, "province": province, "city": city, "district": district, "description": description,
            "website": f"https://{org['slug']}.example" if org["slug"] else "",
            "age_days": round(rng.uniform(745, 800), 3),
        })
    return organizations


def _plan_people(rng: random.Random, organizations: list[dict], names: _NameMaker) -> list[dict]:
    pools = _load("people.json")
    field_labels = get_taxonomy().fields
    templates = _load("outcomes.json")["fields"]
    taken: set[str] = set()
    people = []
    children = {}
    for org in organizations:
        if org["parent"] and org["kind"] in ("hospital", "institute"):
            children.setdefault(org["parent"], []).append(org)
    alliances = [o for o in organizations if o["kind"] == "alliance"]
    hospitals = [o for o in organizations if o["kind"] == "hospital"]
    for org in organizations:
        low, high = pools["people_per_org"][org["kind"]]
        roles = pools["roles"][org["kind"]]
        for index in range(rng.randint(low, high)):
            title, category = roles[index % len(roles)]
            focus = org["focus"] or [rng.choice(list(templates))]
            main_field = rng.choice(focus)
            title = title.format(dept=rng.choice(pools["departments"][main_field]))
            if category == "research":
                expertise = [field_labels.label(f) for f in focus[:2]]
                expertise += rng.sample(templates[main_field]["keywords"], 2)
                if rng.random() < 0.4:
                    expertise.append("评审专家")
            elif category == "investor":
                expertise = [f"{field_labels.label(f)}投资" for f in rng.sample(list(templates), 2)]
                expertise += rng.sample(pools["expertise"]["investor"], 2)
            else:
                expertise = rng.sample(pools["expertise"][category], min(3, len(pools["expertise"][category])))
            name = names.make(taken)
            titles = [{"organization": org["name"], "title": title, "start": _start_date(rng), "end": None}]
            affiliated = children.get(org["name"]) if org["kind"] == "university" else None
            if category == "research" and affiliated and rng.random() < 0.5:
                titles.append({"organization": rng.choice(affiliated)["name"], "title": "学科带头人",
                               "start": _start_date(rng), "end": None})
            if category == "research" and rng.random() < 0.2:
                titles.append({"organization": rng.choice(alliances)["name"], "title": "专家委员会委员",
                               "start": _start_date(rng, 2019), "end": None})
            if org["kind"] == "enterprise" and category == "business" and rng.random() < 0.5:
                # A spin-off founder who left a hospital post: titles over time.
                start = _start_date(rng, 2008, 2014)
                titles.append({"organization": rng.choice(hospitals)["name"], "title": "副主任医师",
                               "start": start, "end": _start_date(rng, 2016, 2020)})
            email = f"demo.{len(people) + 1:03d}@{org['slug']}.example" if org["slug"] and rng.random() < 0.7 else ""
            people.append({"name": name, "expertise": list(dict.fromkeys(expertise)), "email": email,
                           "titles": titles, "category": category, "organization": org["name"],
                           "age_days": round(rng.uniform(700, 760), 3)})
    return people


def _start_date(rng: random.Random, first: int = 2008, last: int = 2023) -> str:
    return date(rng.randint(first, last), rng.randint(1, 12), 1).isoformat()


def _plan_outcomes(rng: random.Random, organizations: list[dict], people: list[dict],
                   names: _NameMaker) -> list[dict]:
    templates = _load("outcomes.json")["fields"]
    owners_by_kind = {kind: [o for o in organizations if o["kind"] == kind] for kind in OWNER_KIND_WEIGHTS}
    people_at: dict[str, list[dict]] = {}
    for person in people:
        people_at.setdefault(person["organization"], []).append(person)
    shorts = {o["name"]: short_name(o) for o in organizations}
    province_of = {o["name"]: o["province"] for o in organizations}
    parent_of = {o["name"]: o["parent"] for o in organizations}
    # Technology managers of service platforms, who help owners keep records up to date.
    managers: dict[str, list[dict]] = {}
    for person in people:
        if person["category"] == "tto" and person["organization"] in shorts:
            org_kind = next(o["kind"] for o in organizations if o["name"] == person["organization"])
            if org_kind == "service_platform":
                managers.setdefault(province_of[person["organization"]], []).append(person)
    serials = dict.fromkeys(REGION_CODES.values(), 0)
    used_titles: set[str] = set()
    outcomes = []
    for _ in range(OUTCOME_COUNT):
        owners = owners_by_kind[_weighted(rng, OWNER_KIND_WEIGHTS)]
        owner = rng.choices(owners, weights=[_field_weight(o["focus"]) for o in owners])[0]
        if owner["focus"] and rng.random() < 0.75:
            field_key = _weighted(rng, {f: FIELD_WEIGHTS[f] for f in owner["focus"]})
        else:
            field_key = _weighted(rng, FIELD_WEIGHTS)
        spec = templates[field_key]
        kind = _weighted(rng, spec["kinds"])
        path = stage_path(kind, field_key)
        stage = _weighted(rng, {s: STAGE_WEIGHTS[s] for s in path})
        profile = rng.choices(("rich", "typical", "sparse"), weights=PROFILE_WEIGHTS[stage])[0]
        slots, title = _title(rng, spec, kind, used_titles)
        region = REGION_CODES[owner["province"]]
        serials[region] += 1
        staff = people_at.get(owner["name"], [])
        data = {
            "code": f"DEMO-{region}-{serials[region]:04d}",
            "title": title,
            "owner": owner["name"],
            "kind": kind,
            "field": field_key,
            "stage": stage,
        }
        data.update(_details(rng, spec, slots, title, kind, field_key, stage, profile, owner, staff, names))
        registrar = next((p for p in staff if p["category"] == "tto"), staff[0] if staff else None)
        author = f"{registrar['name']}（{short_name(owner)}）" if registrar else f"{short_name(owner)}成果转化办公室"
        edited = rng.random() < EDITED_SHARE
        age = round(rng.uniform(150, 730) if edited else rng.uniform(10, 730), 3)
        item = {"data": data, "profile": profile, "author": author, "age_days": age, "edits": []}
        if edited:
            helpers = staff + people_at.get(parent_of[owner["name"]] or "", [])
            helpers += managers.get(owner["province"]) or [p for group in managers.values() for p in group]
            editors = list(dict.fromkeys(f"{p['name']}（{shorts[p['organization']]}）" for p in helpers))
            context = {"spec": spec, "slots": slots, "owner": owner}
            item["edits"] = _plan_edits(rng, data, context, editors, author, age)
        outcomes.append(item)
    return outcomes


def _field_weight(focus: list[str]) -> float:
    return sum(FIELD_WEIGHTS[f] for f in focus) / len(focus) if focus else 1.0


def _title(rng: random.Random, spec: dict, kind: str, used: set[str]) -> tuple[dict, str]:
    """One case (values that must agree) plus free slots, and a title not used before if possible."""
    for _ in range(50):
        slots = dict(rng.choice(spec["cases"]))
        slots.update({name: rng.choice(values) for name, values in spec.get("slots", {}).items()})
        title = rng.choice(spec["titles"][kind]).format(**slots)
        if title not in used:
            break
    used.add(title)
    return slots, title


def _details(rng: random.Random, spec: dict, slots: dict, title: str, kind: str, field_key: str,
             stage: str, profile: str, owner: dict, staff: list[dict], names: _NameMaker) -> dict:
    """Every optional field, filled more or less completely according to the profile."""
    rich, sparse = profile == "rich", profile == "sparse"
    lo, hi = get_taxonomy().data["stages"][STAGES.index(stage)]["trl"]
    numbers = {"centers": rng.randint(3, 24), "patients": rng.choice([60, 120, 200, 240, 360, 500, 1200]),
               "served": rng.choice([2000, 5000, 12000, 30000, 80000])}
    modes = _transfer_modes(rng, owner) if rich or (profile == "typical" and rng.random() < 0.7) or (
        sparse and rng.random() < 0.2) else []

    # Summary: problem → approach → evidence → transfer, shortened for thinner records.
    text = {**slots, **numbers, "highlight": rng.choice(spec["highlights"])}
    problem = rng.choice(spec["problems"]).format(**text)
    approach = APPROACH[kind].format(title=title, **text)
    evidence = _evidence(rng, stage, kind, field_key).format(**numbers)
    modes_zh = "、".join(get_taxonomy().transfer_modes.label(m) for m in modes) or "许可或合作开发"
    transfer = TRANSFER_SENTENCE.format(modes=modes_zh, partners=spec["partners"])
    if rich:
        summary = problem + approach + evidence + transfer
    elif not sparse:
        summary = problem + approach + evidence
    else:
        summary = rng.choices([approach.split("，")[0] + "。", "", "详细资料待补充。"], weights=(5, 3, 2))[0]

    inventors = []
    leads = [p["name"] for p in staff if p["category"] == "research"]
    if not sparse or rng.random() < 0.4:
        team_size = rng.randint(3, 6) if rich else rng.randint(2, 4) if not sparse else 1
        taken: set[str] = set()
        if leads:
            inventors.append(rng.choice(leads))
            taken.add(inventors[0])
        while len(inventors) < team_size:
            inventors.append(names.make(taken))

    trial = ""
    if stage in TRIAL_STAGES and kind != "patent":
        if rng.random() < {"rich": 0.9, "typical": 0.6, "sparse": 0.15}[profile]:
            trial = _trial_id(rng, kind)

    keywords = list(dict.fromkeys(rng.sample(spec["keywords"], 2) + list(slots.values())[:2]))
    keywords = keywords[: rng.randint(4, 6) if rich else 3 if not sparse else rng.randint(0, 2)]

    has_market = rich or (profile == "typical" and rng.random() < 0.7) or (sparse and rng.random() < 0.15)
    contact = ""
    if rich or (profile == "typical" and rng.random() < 0.75) or (sparse and rng.random() < 0.2):
        person = next((p["name"] for p in staff if p["category"] == "tto"), None) or f"{rng.choice(names.surnames)}老师"
        mail = f"tto@{owner['slug']}.example" if owner["slug"] else "tto@demo.example"
        contact = f"{person}，{short_name(owner)}成果转化办公室，{mail}"

    return {
        "summary": summary,
        "inventors": inventors,
        "segment": "" if sparse and rng.random() < 0.5 else _segment(rng, stage),
        "trl": rng.randint(lo, hi) if not sparse or rng.random() < 0.4 else None,
        "patents": _patents(rng, kind, profile),
        "clinical_trial_id": trial,
        "regulatory_status": _regulatory(rng, kind, stage, profile),
        "market_size": _market_size(rng, spec) if has_market else None,
        "transfer_modes": modes,
        "confidentiality": _weighted(rng, CONFIDENTIALITY_WEIGHTS),
        "keywords": keywords,
        "contact": contact,
    }


def _segment(rng: random.Random, stage: str) -> str:
    if stage == "market":
        return rng.choice(["manufacturing", "distribution"])
    return SEGMENT_BY_STAGE[stage]


def _transfer_modes(rng: random.Random, owner: dict) -> list[str]:
    if owner["kind"] == "enterprise":
        options = {"co_development": 5, "license": 3, "equity": 1}
    else:
        options = {"license": 5, "assignment": 3, "equity": 3, "co_development": 4}
    modes = [_weighted(rng, options)]
    if rng.random() < 0.4:
        modes.append(_weighted(rng, options))
    return list(dict.fromkeys(modes))


def _check_digit(body: str) -> str:
    """The check digit of a 12-digit CNIPA application number: weights 2–9 then 2–5, sum mod 11."""
    total = sum(int(d) * w for d, w in zip(body, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)))
    return "X" if total % 11 == 10 else str(total % 11)


def _patent(rng: random.Random, kind: str, status: str) -> dict:
    if kind == "software_copyright":
        return {"number": f"{rng.randint(2019, 2024)}SR{rng.randint(100000, 1999999):07d}",
                "type": kind, "status": "granted"}
    if kind == "pct":
        return {"number": f"PCT/CN{rng.randint(2021, 2024)}/{rng.randint(10000, 150000):06d}",
                "type": kind, "status": "pending"}
    year = rng.randint(2016, 2021) if status in ("granted", "expired") else rng.randint(2021, 2024)
    body = f"{year}{'1' if kind == 'invention' else '2' if kind == 'utility' else '3'}{rng.randint(0, 9999999):07d}"
    prefix = "CN" if status == "pending" else "ZL"
    return {"number": f"{prefix}{body}.{_check_digit(body)}", "type": kind, "status": status}


def _patents(rng: random.Random, kind: str, profile: str) -> list[dict]:
    minor = "utility"
    if kind == "software":
        minor = "software_copyright"
    elif kind == "device" and rng.random() < 0.2:
        minor = "design"
    level = {
        "rich": {"two_granted": 5, "one_granted": 5},
        "typical": {"one_granted": 3, "pending": 5, "minor": 2},
        "sparse": {"none": 6, "minor": 2.5, "pending": 1.5},
    }[profile]
    if kind == "clinical_trial":
        level = {**level, "none": level.get("none", 0) + 3}
    choice = _weighted(rng, level)
    patents = []
    if choice == "two_granted":
        patents += [_patent(rng, "invention", "granted") for _ in range(rng.randint(2, 3))]
    elif choice == "one_granted":
        patents.append(_patent(rng, "invention", "granted"))
        if rng.random() < 0.5:
            patents.append(_patent(rng, "invention", "pending"))
    elif choice == "pending":
        patents.append(_patent(rng, "invention", "pending"))
    if choice != "none" and (choice == "minor" or rng.random() < 0.4):
        patents.append(_patent(rng, minor, "expired" if rng.random() < 0.1 else "granted"))
    if choice in ("two_granted", "one_granted") and kind in ("drug", "device") and rng.random() < 0.3:
        patents.append(_patent(rng, "pct", "pending"))
    return patents


def _trial_id(rng: random.Random, kind: str) -> str:
    if kind in ("drug", "clinical_trial") and rng.random() < 0.5:
        return f"NCT0{rng.randint(4000000, 6599999)}"
    return f"ChiCTR{rng.randint(19, 24)}{rng.randint(10000, 99999):08d}"


def _regulatory(rng: random.Random, kind: str, stage: str, profile: str) -> str:
    if kind == "method" and rng.random() < 0.4:
        return "not_required"
    if stage == "market":
        return "not_required" if kind == "software" and rng.random() < 0.3 else "approved"
    if stage == "registration":
        return "in_review"
    if profile == "sparse" and rng.random() < 0.6:
        return "none"
    planned_share = {"concept": 0.3, "lab": 0.5, "prototype": 0.6, "preclinical": 0.8, "clinical": 0.9}[stage]
    return "planned" if rng.random() < planned_share else "none"


def _market_size(rng: random.Random, spec: dict) -> float:
    lo, hi = spec["market"]
    value = math.exp(rng.uniform(math.log(lo), math.log(hi)))
    return float(round(value)) if value >= 10 else round(value, 1)


# --- follow-up edits ------------------------------------------------------------------------

def _plan_edits(rng: random.Random, data: dict, context: dict, editors: list[str],
                creator: str, age: float) -> list[dict]:
    """One to three later edits, each a real change to the state left by the one before.

    `context` holds what the builders need beyond the outcome: its template `spec`, the
    `slots` its title was made from and its `owner`.
    """
    state = copy.deepcopy(data)
    edits, done, last_author = [], set(), creator
    for _ in range(rng.choices((1, 2, 3), weights=(5, 3, 2))[0]):
        options = {name: weight for name, weight in EDIT_WEIGHTS.items()
                   if name not in done and EDIT_BUILDERS[name](rng, state, context, check=True)}
        if not options:
            break
        name = _weighted(rng, options)
        changes, reason = EDIT_BUILDERS[name](rng, state, context)
        done.add(name)
        age = round(age - rng.uniform(8, min(150, max(9, age * 0.6))), 3)
        if age < 1:
            break
        authors = [e for e in editors if e != last_author] or [f"{creator}（复核）"]
        last_author = rng.choice(authors)
        edits.append({"changes": changes, "reason": reason, "author": last_author, "age_days": age})
        state.update(copy.deepcopy(changes))
    return edits


def _trl_range(stage: str) -> tuple[int, int]:
    low, high = get_taxonomy().data["stages"][STAGES.index(stage)]["trl"]
    return low, high


def _edit_trl(rng, state, context, check=False):
    trl, stage = state.get("trl"), state["stage"]
    low, high = _trl_range(stage)
    if check:
        return trl is None or trl < high
    if trl is None:
        return {"trl": low}, f"补充技术成熟度评估：TRL {low}"
    return {"trl": trl + 1}, f"{rng.choice(TRL_REASONS[stage])}，技术成熟度由TRL {trl}提升至TRL {trl + 1}"


def _edit_grant(rng, state, context, check=False):
    pending = [i for i, p in enumerate(state.get("patents") or [])
               if p["type"] == "invention" and p["status"] == "pending"]
    if check:
        return bool(pending)
    patents = copy.deepcopy(state["patents"])
    patent = patents[pending[0]]
    patent["status"] = "granted"
    patent["number"] = "ZL" + patent["number"].removeprefix("CN")
    return {"patents": patents}, f"发明专利{patent['number']}获得授权"


def _edit_advance(rng, state, context, check=False):
    path = stage_path(state["kind"], state["field"])
    position = path.index(state["stage"])
    if check:
        return position + 1 < len(path)
    stage = path[position + 1]
    changes: dict[str, Any] = {"stage": stage, "segment": _segment(rng, stage)}
    if state.get("trl") is not None:
        changes["trl"] = max(_trl_range(stage)[0], state["trl"])
    if stage == "clinical" and not state.get("clinical_trial_id"):
        changes["clinical_trial_id"] = _trial_id(rng, state["kind"])
    status = state.get("regulatory_status") or "none"
    if stage == "registration":
        changes["regulatory_status"] = "in_review"
    elif stage == "market" and status != "not_required":
        changes["regulatory_status"] = "approved"
    elif stage in ("preclinical", "clinical") and status == "none":
        changes["regulatory_status"] = "planned"
    return changes, ADVANCE_REASONS[stage]


def _edit_complete(rng, state, context, check=False):
    missing = [name for name in ("market_size", "transfer_modes", "contact", "keywords")
               if not state.get(name)]
    if check:
        return bool(missing)
    spec, slots, owner = context["spec"], context["slots"], context["owner"]
    changes: dict[str, Any] = {}
    for name in rng.sample(missing, rng.randint(1, len(missing))):
        if name == "market_size":
            changes[name] = _market_size(rng, spec)
        elif name == "transfer_modes":
            changes[name] = [rng.choice(["license", "co_development", "equity"])]
        elif name == "contact":
            mail = f"tto@{owner['slug']}.example" if owner["slug"] else "tto@demo.example"
            changes[name] = f"{short_name(owner)}成果转化办公室，{mail}"
        else:
            changes[name] = rng.sample(spec["keywords"], 2) + list(slots.values())[:1]
    labels = {"market_size": "市场规模", "transfer_modes": "转化方式", "contact": "联系人", "keywords": "关键词"}
    return changes, "技术经理人访谈后补充" + "、".join(labels[n] for n in changes)


def _edit_summary(rng, state, context, check=False):
    summary = state.get("summary") or ""
    fresh = [h for h in context["spec"]["highlights"] if h not in summary]
    if check:
        return len(summary) < 400 and bool(fresh)
    if not summary:
        summary = rng.choice(context["spec"]["problems"]).format(**context["slots"])
    return {"summary": f"{summary}最新进展：{rng.choice(fresh)}。"}, "根据专家评审意见完善成果简介"


def _edit_confidentiality(rng, state, context, check=False):
    if check:
        return state.get("confidentiality", "public") == "public"
    return {"confidentiality": "summary"}, "与意向企业进入许可谈判，技术细节改为仅公开摘要"


EDIT_BUILDERS = {"advance": _edit_advance, "trl": _edit_trl, "grant": _edit_grant,
                 "complete": _edit_complete, "summary": _edit_summary,
                 "confidentiality": _edit_confidentiality}
EDIT_WEIGHTS = {"advance": 3, "trl": 2, "grant": 3, "complete": 3, "summary": 1.5, "confidentiality": 0.7}


# --- writing ---------------------------------------------------------------------------------

def has_demo(session: Session) -> bool:
    """Whether the database holds any demo organization, person or outcome."""
    return any(session.scalar(select(model.id).where(model.is_demo.is_(True)).limit(1)) is not None
               for model in (Organization, Person, Outcome))


def load_demo(session: Session, seed: int = DEFAULT_SEED) -> dict:
    """Write the fictional demo data set and return counts of what was written.

    Raises DemoDataExists (and writes nothing) if demo data is already present, so calling
    it twice never duplicates. Everything goes through the registry and library services:
    outcomes are validated, graded and versioned exactly like user data. Version times are
    then moved back over the past two years so the history looks lived-in.
    """
    if has_demo(session):
        raise DemoDataExists("演示数据已存在，未重复导入；如需重建请先删除演示数据 / "
                             "demo data is already loaded: nothing was added (remove it first to reload)")
    plan = build_plan(seed)
    now = utcnow()
    org_ids: dict[str, int] = {}
    # The session's identity map holds objects weakly: keeping them here lets the services'
    # look-ups by id hit memory instead of reloading each organization.
    keep: list[object] = []
    for item in plan.organizations:
        org = create_organization(
            session, name=item["name"], kind=item["kind"], aliases=item["aliases"],
            parent=org_ids[item["parent"]] if item["parent"] else None, province=item["province"],
            city=item["city"], district=item["district"], website=item["website"],
            description=item["description"], is_demo=True)
        org.created_at = now - timedelta(days=item["age_days"])
        org_ids[item["name"]] = org.id
        keep.append(org)

    titles = 0
    for item in plan.people:
        current = [(org_ids[t["organization"]], t["title"]) for t in item["titles"] if t["end"] is None]
        person = add_person(session, item["name"], expertise=item["expertise"], email=item["email"],
                            titles=current, is_demo=True)
        person.created_at = now - timedelta(days=item["age_days"])
        dated = [t for t in item["titles"] if t["end"] is None]
        for title, spec in zip(person.titles, dated):
            title.start_date = date.fromisoformat(spec["start"])
        for spec in item["titles"]:
            if spec["end"] is not None:
                person.titles.append(PersonTitle(
                    organization_id=org_ids[spec["organization"]], title=spec["title"],
                    start_date=date.fromisoformat(spec["start"]), end_date=date.fromisoformat(spec["end"])))
        titles += len(item["titles"])

    times: dict[tuple[int, int], datetime] = {}
    edited = 0
    for item in plan.outcomes:
        data = dict(item["data"])
        data["owner_id"] = org_ids[data.pop("owner")]
        outcome = library.create_outcome(session, data, author=item["author"], reason=CREATED_REASON,
                                         is_demo=True)
        created = now - timedelta(days=item["age_days"])
        outcome.created_at = outcome.updated_at = created
        keep.append(outcome)
        times[(outcome.id, 1)] = created
        for edit in item["edits"]:
            if library.update_outcome(session, outcome, edit["changes"], author=edit["author"],
                                      reason=edit["reason"]):
                outcome.updated_at = now - timedelta(days=edit["age_days"])
                times[(outcome.id, outcome.version)] = outcome.updated_at
        edited += bool(item["edits"])
    session.flush()

    demo_versions = select(OutcomeVersion).join(Outcome).where(Outcome.is_demo.is_(True))
    versions = 0
    for version in session.scalars(demo_versions):
        version.created_at = times.get((version.outcome_id, version.number), version.created_at)
        versions += 1
    session.flush()
    pipeline = load_pipeline_demo(session, seed)
    return {
        **pipeline,
        **load_news_demo(session),
        "organizations": len(plan.organizations),
        "aliases": sum(len(o["aliases"]) for o in plan.organizations),
        "people": len(plan.people),
        "titles": titles,
        "outcomes": len(plan.outcomes),
        "versions": versions,
        "edited_outcomes": edited,
        **load_chain_demo(session),
        "needs": load_demo_needs(session),
    }


def remove_demo(session: Session) -> dict:
    """Delete every demo row; returns how many outcomes, people and organizations went.

    Refuses (DemoDataInUse) if a real outcome is owned by a demo organization. Real people's
    titles at demo organizations go with those organizations; real child organizations lose
    their demo parent.
    """
    demo_orgs = select(Organization.id).where(Organization.is_demo.is_(True))
    blocking = session.scalar(select(func.count()).select_from(Outcome).where(
        Outcome.is_demo.is_(False), Outcome.owner_id.in_(demo_orgs)))
    if blocking:
        raise DemoDataInUse(f"{blocking}项非演示成果属于演示机构，未删除任何数据 / "
                            f"{blocking} real outcomes are owned by demo organizations: nothing was removed")
    remove_pipeline_demo(session)
    counts = {
        "outcomes": session.scalar(select(func.count()).select_from(Outcome).where(Outcome.is_demo.is_(True))),
        "people": session.scalar(select(func.count()).select_from(Person).where(Person.is_demo.is_(True))),
        "organizations": session.scalar(select(func.count()).select_from(Organization).where(
            Organization.is_demo.is_(True))),
    }
    counts["news_articles"] = remove_news_demo(session)
    quiet = {"synchronize_session": False}
    remove_chain_demo(session)
    demo_outcomes = select(Outcome.id).where(Outcome.is_demo.is_(True))
    demo_people = select(Person.id).where(Person.is_demo.is_(True))
    # The bulk deletes below pass the search index's session listeners by: its entries go here.
    remove_entries(session.connection(),
                   [("outcome", i) for i in session.scalars(demo_outcomes)]
                   + [("need", i) for i in session.scalars(select(Need.id).where(Need.owner_id.in_(demo_orgs)))]
                   + [("organization", i) for i in session.scalars(demo_orgs)])
    session.execute(delete(OutcomeVersion).where(OutcomeVersion.outcome_id.in_(demo_outcomes)),
                    execution_options=quiet)
    session.execute(delete(Outcome).where(Outcome.is_demo.is_(True)), execution_options=quiet)
    session.execute(delete(PersonTitle).where(
        PersonTitle.person_id.in_(demo_people) | PersonTitle.organization_id.in_(demo_orgs)), execution_options=quiet)
    session.execute(delete(Person).where(Person.is_demo.is_(True)), execution_options=quiet)
    session.execute(delete(OrganizationAlias).where(OrganizationAlias.organization_id.in_(demo_orgs)),
                    execution_options=quiet)
    session.execute(update(Organization).where(Organization.parent_id.in_(demo_orgs)).values(parent_id=None),
                    execution_options=quiet)
    session.execute(delete(Organization).where(Organization.is_demo.is_(True)), execution_options=quiet)
    session.expire_all()
    return counts


DEMO_ACCOUNT_PREFIX = "demo-"


def create_demo_accounts(session: Session) -> list[dict]:
    """Three accounts to try the roles with, each with a fresh random password (shown once).

    demo-admin (administrator), demo-tto (the tech-transfer office of the demo hospital with the
    most restricted outcomes) and demo-member (a member of a demo enterprise). Existing demo
    accounts are left alone: reset their passwords with `medbridge users reset-password`.
    """
    from medbridge.accounts.models import User
    from medbridge.accounts.service import create_user, generate_password

    restricted = session.execute(
        select(Outcome.owner_id, func.count()).where(Outcome.is_demo.is_(True), Outcome.confidentiality != "public")
        .group_by(Outcome.owner_id).order_by(func.count().desc(), Outcome.owner_id).limit(1)).first()
    hospital = session.get(Organization, restricted[0]) if restricted else None
    enterprise = session.scalar(select(Organization).where(
        Organization.is_demo.is_(True), Organization.kind == "enterprise").order_by(Organization.id).limit(1))
    wanted = [("demo-admin", "演示管理员", ["admin"]),
              ("demo-tto", "演示成果转化办", [f"tto:{hospital.name}"] if hospital else []),
              ("demo-member", "演示企业用户", [f"member:{enterprise.name}"] if enterprise else []),
              *pipeline_demo_accounts(session)]
    accounts = []
    for username, display_name, roles in wanted:
        if session.scalar(select(User.id).where(User.username == username)) or not roles:
            continue
        password = generate_password()
        user = create_user(session, username, password, display_name=display_name, roles=roles)
        accounts.append({"username": user.username, "roles": roles, "password": password})
        link_demo_judge(session, user)
    return accounts
