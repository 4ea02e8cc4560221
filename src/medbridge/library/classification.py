"""Suggest an outcome's field (领域) and kind from its text, with a confidence and the
words that led there, so a person can accept or override the suggestion.

Keyword weights live in taxonomy.json beside the field labels: extending the taxonomy is
editing data, not code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medbridge.library.taxonomy import get_taxonomy

# Words that say what sort of thing an outcome is; the first kind with the most weight wins.
KIND_KEYWORDS: dict[str, dict[str, float]] = {
    "diagnostic": {"试剂盒": 3, "检测": 2, "诊断": 1, "标志物": 2, "POCT": 3},
    "software": {"软件": 3, "算法": 3, "系统": 1, "平台": 1, "模型": 2, "APP": 2, "小程序": 2},
    "drug": {"化合物": 3, "制剂": 3, "药物": 2, "抑制剂": 3, "注射液": 3, "颗粒": 2, "胶囊": 3, "疫苗": 3},
    "device": {"装置": 3, "设备": 3, "器械": 3, "仪": 2, "机器人": 3, "支架": 3, "导管": 3, "探头": 2},
    "method": {"方法": 2, "工艺": 3, "技术": 1, "方案": 2},
    "clinical_trial": {"临床研究": 3, "队列": 3, "随机对照": 4, "多中心": 2},
    "patent": {"专利": 3},
}


@dataclass
class Suggestion:
    key: str | None
    confidence: float
    evidence: list[str] = field(default_factory=list)
    alternatives: list[tuple[str, float]] = field(default_factory=list)


def _rank(text: str, keyword_table: dict[str, dict[str, float]]) -> Suggestion:
    folded = text.lower()
    scored = []
    for key, keywords in keyword_table.items():
        hits = [word for word in keywords if word.lower() in folded]
        scored.append((sum(keywords[w] for w in hits), key, hits))
    scored.sort(key=lambda item: -item[0])
    top_score, top_key, top_hits = scored[0]
    if top_score == 0:
        return Suggestion(key=None, confidence=0.0)
    second = scored[1][0] if len(scored) > 1 else 0.0
    # Confidence grows with the winning evidence and shrinks when a rival is close;
    # the constant 2 keeps a single weak keyword from claiming certainty.
    confidence = round(top_score / (top_score + second + 2), 2)
    alternatives = [(key, round(score / (top_score + second + 2), 2)) for score, key, _ in scored[1:4] if score]
    return Suggestion(key=top_key, confidence=confidence, evidence=top_hits, alternatives=alternatives)


def suggest_field(text: str) -> Suggestion:
    return _rank(text, get_taxonomy().field_keywords())


def suggest_kind(text: str) -> Suggestion:
    return _rank(text, KIND_KEYWORDS)
