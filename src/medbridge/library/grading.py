"""Grading (分级): a rubric held as data turns an outcome's fields into a 0–100 score,
a grade A–D and a breakdown that says why each point was given.

Each criterion has a *signal* here, in code, that reads the outcome and names the level it
reaches plus the fact it saw; the rubric (rubric.json, editable and versioned in the
database) says what each level is worth. Weights and level points are data; what a level
means is code, so an edited rubric cannot invent a level nobody computes.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from medbridge.library.taxonomy import get_taxonomy

DEFAULT_RUBRIC_FILE = Path(__file__).with_name("rubric.json")

Signal = Callable[[Mapping[str, Any]], tuple[str, str, str]]  # -> (level, fact_zh, fact_en)

STAGE_TRL = {"concept": 2, "lab": 4, "prototype": 5, "preclinical": 6, "clinical": 7,
             "registration": 8, "market": 9}


def _maturity(o: Mapping[str, Any]) -> tuple[str, str, str]:
    trl = o.get("trl")
    if trl is None and o.get("stage") in STAGE_TRL:
        trl = STAGE_TRL[o["stage"]]
        source_zh, source_en = f"由阶段推断 TRL {trl}", f"TRL {trl} inferred from stage"
    elif trl is not None:
        source_zh, source_en = f"TRL {trl}", f"TRL {trl}"
    else:
        return "unknown", "未填写", "not given"
    level = "trl_7_9" if trl >= 7 else "trl_5_6" if trl >= 5 else "trl_3_4" if trl >= 3 else "trl_1_2"
    return level, source_zh, source_en


def _ip(o: Mapping[str, Any]) -> tuple[str, str, str]:
    patents = [p for p in o.get("patents") or [] if p.get("status") != "expired"]
    granted = [p for p in patents if p.get("type") in ("invention", "pct") and p.get("status") == "granted"]
    pending = [p for p in patents if p.get("type") in ("invention", "pct") and p.get("status") == "pending"]
    minor = [p for p in patents if p.get("type") in ("utility", "design", "software_copyright")]
    fact_zh = f"授权发明{len(granted)}项，审查中{len(pending)}项，其他{len(minor)}项"
    fact_en = f"{len(granted)} granted invention, {len(pending)} pending, {len(minor)} other"
    if len(granted) >= 2:
        return "granted_inventions", fact_zh, fact_en
    if granted:
        return "granted_invention", fact_zh, fact_en
    if pending:
        return "pending_invention", fact_zh, fact_en
    if minor:
        return "minor_rights", fact_zh, fact_en
    return "none", fact_zh, fact_en


def _clinical(o: Mapping[str, Any]) -> tuple[str, str, str]:
    stage, trial = o.get("stage"), (o.get("clinical_trial_id") or "").strip()
    stages = get_taxonomy().stages
    fact_zh = f"阶段：{stages.label(stage, 'zh') or '未填'}；临床试验登记号：{trial or '无'}"
    fact_en = f"stage: {stages.label(stage, 'en') or 'none'}; trial id: {trial or 'none'}"
    if stage in ("registration", "market"):
        return "in_clinical_use", fact_zh, fact_en
    if trial:
        return "registered_trial", fact_zh, fact_en
    if stage == "clinical":
        return "clinical_stage", fact_zh, fact_en
    if stage == "preclinical":
        return "preclinical", fact_zh, fact_en
    return "none", fact_zh, fact_en


def _regulatory(o: Mapping[str, Any]) -> tuple[str, str, str]:
    status = o.get("regulatory_status") or "none"
    statuses = get_taxonomy().regulatory_statuses
    return status, f"注册状态：{statuses.label(status, 'zh')}", f"regulatory status: {statuses.label(status, 'en')}"


def _market(o: Mapping[str, Any]) -> tuple[str, str, str]:
    size = o.get("market_size")
    if size is None or size <= 0:
        return "unknown", "未填写市场规模", "no market size given"
    level = "large" if size >= 100 else "medium" if size >= 10 else "small"
    return level, f"市场规模约{size:g}亿元", f"market about {size / 10:g} bn CNY"


def _readiness(o: Mapping[str, Any]) -> tuple[str, str, str]:
    checks = {
        ("转化方式", "transfer mode"): bool(o.get("transfer_modes")),
        ("团队(≥2名发明人)", "team (≥2 inventors)"): len(o.get("inventors") or []) >= 2,
        ("联系人", "contact"): bool((o.get("contact") or "").strip()),
        ("完整描述(≥80字)", "full description (≥80 chars)"): len((o.get("summary") or "").strip()) >= 80,
    }
    have = [names for names, ok in checks.items() if ok]
    missing = [names for names, ok in checks.items() if not ok]
    level = ["not_ready", "barely", "partly", "mostly", "ready"][len(have)]
    fact_zh = "已具备：" + ("、".join(n[0] for n in have) or "无")
    fact_en = "has: " + (", ".join(n[1] for n in have) or "nothing")
    if missing:
        fact_zh += "；缺少：" + "、".join(n[0] for n in missing)
        fact_en += "; missing: " + ", ".join(n[1] for n in missing)
    return level, fact_zh, fact_en


SIGNALS: dict[str, Signal] = {
    "maturity": _maturity, "ip": _ip, "clinical": _clinical,
    "regulatory": _regulatory, "market": _market, "readiness": _readiness,
}


@dataclass
class GradeResult:
    score: float
    grade: str
    breakdown: list[dict]


class RubricError(ValueError):
    """A rubric that cannot be used; the message names what is wrong."""


def default_rubric() -> dict:
    return json.loads(DEFAULT_RUBRIC_FILE.read_text(encoding="utf-8"))


def validate_rubric(rubric: Mapping[str, Any]) -> dict:
    """Check an edited rubric completely; return a clean copy or raise RubricError."""
    problems: list[str] = []
    criteria = rubric.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        raise RubricError("rubric needs a non-empty list of criteria")
    seen = set()
    for i, criterion in enumerate(criteria, 1):
        key = criterion.get("key")
        if key not in SIGNALS:
            problems.append(f"criterion {i}: unknown key {key!r} (known: {', '.join(SIGNALS)})")
            continue
        if key in seen:
            problems.append(f"criterion {key}: listed twice")
        seen.add(key)
        weight = criterion.get("weight")
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight < 0:
            problems.append(f"criterion {key}: weight must be a number ≥ 0, got {weight!r}")
        for level in criterion.get("levels") or []:
            points = level.get("points")
            if not isinstance(points, (int, float)) or isinstance(points, bool) or not 0 <= points <= 1:
                problems.append(f"criterion {key}, level {level.get('key')}: points must be between 0 and 1")
    if not problems and sum(c["weight"] for c in criteria) <= 0:
        problems.append("the weights add up to 0: at least one criterion must count")
    grades = rubric.get("grades")
    if not isinstance(grades, list) or not grades:
        problems.append("rubric needs a list of grades with thresholds")
    else:
        minimums = [g.get("min") for g in grades]
        if any(not isinstance(m, (int, float)) or not 0 <= m <= 100 for m in minimums):
            problems.append("grade thresholds must be numbers between 0 and 100")
        elif minimums != sorted(minimums, reverse=True) or minimums[-1] != 0:
            problems.append("grade thresholds must descend and the last one must be 0")
    if problems:
        raise RubricError("; ".join(problems))
    return copy.deepcopy(dict(rubric))


def grade_outcome(outcome: Mapping[str, Any], rubric: Mapping[str, Any]) -> GradeResult:
    """Score one outcome (a mapping of its fields) against a rubric."""
    total_weight = sum(c["weight"] for c in rubric["criteria"])
    breakdown, score = [], 0.0
    for criterion in rubric["criteria"]:
        level_key, fact_zh, fact_en = SIGNALS[criterion["key"]](outcome)
        level = next((l for l in criterion["levels"] if l["key"] == level_key),
                     {"key": level_key, "points": 0.0, "zh": "规则未定义此档", "en": "level not in rubric"})
        points = 100 * criterion["weight"] * level["points"] / total_weight
        score += points
        breakdown.append({
            "criterion": criterion["key"], "zh": criterion["zh"], "en": criterion["en"],
            "weight": criterion["weight"], "level": level_key, "fraction": level["points"],
            "points": round(points, 1), "max_points": round(100 * criterion["weight"] / total_weight, 1),
            "reason_zh": f"{level['zh']}（{fact_zh}）", "reason_en": f"{level['en']} ({fact_en})",
        })
    score = round(score, 1)
    grade = next(g["grade"] for g in rubric["grades"] if score >= g["min"])
    return GradeResult(score=score, grade=grade, breakdown=breakdown)
