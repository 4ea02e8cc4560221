"""The chain taxonomy as data: chains → segments (and the metrics cluster figures use).

Version 1 is the packaged seed (seed.json); every edit is stored as a new version with its
author, time and reason, like the grading rubric. Segment stages are the outcome library's own
segments (library/taxonomy.json), so an outcome's segment lands on a chain segment directly.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medbridge.chain.models import ChainPlacement, ChainTaxonomy
from medbridge.errors import NotFound, ValidationError
from medbridge.library.taxonomy import get_taxonomy

SEED_FILE = Path(__file__).with_name("seed.json")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
POSITIONS = ("upstream", "midstream", "downstream")
MAX_CHAINS = 40
MAX_SEGMENTS = 20


@lru_cache(maxsize=1)
def _seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


def seed_data() -> dict:
    data = json.loads(_seed_text())
    data.pop("_comment", None)
    return data


@dataclass(frozen=True)
class Segment:
    chain: str
    key: str
    zh: str
    en: str
    position: str
    stage: str
    keywords: tuple[str, ...]
    order: int

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Chain:
    key: str
    zh: str
    en: str
    fields: tuple[str, ...]
    keywords: tuple[str, ...]
    segments: tuple[Segment, ...]

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def segment(self, key: str) -> Segment | None:
        return next((s for s in self.segments if s.key == key), None)


class ChainMap:
    """The taxonomy in force, with look-ups; built from one stored version."""

    def __init__(self, data: Mapping[str, Any], version: int = 0):
        self.data = data
        self.version = version
        self.chains = tuple(
            Chain(c["key"], c["zh"], c["en"], tuple(c.get("fields", ())), tuple(c.get("keywords", ())),
                  tuple(Segment(c["key"], s["key"], s["zh"], s["en"], s["position"], s.get("stage", ""),
                                tuple(s.get("keywords", ())), i) for i, s in enumerate(c["segments"])))
            for c in data["chains"])
        self._chains = {c.key: c for c in self.chains}
        self._pairs = {(c.key, seg.key) for c in self.chains for seg in c.segments}
        self.metrics = {m["key"]: m for m in data.get("metrics", ())}
        self.positions = {p["key"]: p for p in data.get("positions", ())}

    def chain(self, key: str) -> Chain:
        chain = self._chains.get(key)
        if chain is None:
            raise NotFound(f"chain {key!r} not found / 产业链不存在")
        return chain

    def has(self, chain_key: str, segment_key: str | None = None) -> bool:
        if segment_key is None:
            return chain_key in self._chains
        return (chain_key, segment_key) in self._pairs

    def segment(self, chain_key: str, segment_key: str) -> Segment:
        segment = self.chain(chain_key).segment(segment_key)
        if segment is None:
            raise NotFound(f"segment {chain_key}/{segment_key} not found / 环节不存在")
        return segment

    def segments(self) -> list[Segment]:
        return [s for c in self.chains for s in c.segments]

    def chains_for_field(self, field: str) -> list[Chain]:
        return [c for c in self.chains if field in c.fields]

    def metric_label(self, key: str, lang: str = "zh") -> str:
        metric = self.metrics.get(key)
        return (metric["en"] if lang == "en" else metric["zh"]) if metric else key

    def position_label(self, key: str, lang: str = "zh") -> str:
        position = self.positions.get(key)
        return (position["en"] if lang == "en" else position["zh"]) if position else key


# --- validation -------------------------------------------------------------------------

def validate_taxonomy(data: Any) -> dict:
    """A clean copy of an edited taxonomy, or ValidationError naming every problem."""
    errors: list[dict] = []

    def problem(where: str, message: str) -> None:
        errors.append({"field": where, "message": message})

    if not isinstance(data, Mapping):
        raise ValidationError([{"field": "data", "message": "应为 JSON 对象 / must be a JSON object"}])
    clean = copy.deepcopy(dict(data))
    clean.pop("_comment", None)
    chains = clean.get("chains")
    if not isinstance(chains, list) or not chains:
        problem("chains", "至少一条产业链 / at least one chain")
        raise ValidationError(errors)
    if len(chains) > MAX_CHAINS:
        problem("chains", f"最多 {MAX_CHAINS} 条 / at most {MAX_CHAINS} chains")
    stages = set(get_taxonomy().segments.keys)
    fields = set(get_taxonomy().fields.keys)
    seen_chains: set[str] = set()
    for i, chain in enumerate(chains):
        where = f"chains[{i}]"
        if not isinstance(chain, Mapping):
            problem(where, "应为对象 / must be an object")
            continue
        _check_term(chain, where, seen_chains, problem)
        for field in chain.get("fields", []) or []:
            if field not in fields:
                problem(f"{where}.fields", f"未知领域“{field}” / unknown field; one of {', '.join(sorted(fields))}")
        _check_words(chain.get("keywords", []), f"{where}.keywords", problem)
        segments = chain.get("segments")
        if not isinstance(segments, list) or not segments:
            problem(f"{where}.segments", "至少一个环节 / at least one segment")
            continue
        if len(segments) > MAX_SEGMENTS:
            problem(f"{where}.segments", f"最多 {MAX_SEGMENTS} 个 / at most {MAX_SEGMENTS} segments")
        seen_segments: set[str] = set()
        for j, segment in enumerate(segments):
            at = f"{where}.segments[{j}]"
            if not isinstance(segment, Mapping):
                problem(at, "应为对象 / must be an object")
                continue
            _check_term(segment, at, seen_segments, problem)
            if segment.get("position") not in POSITIONS:
                problem(f"{at}.position", f"应为 {' / '.join(POSITIONS)} / must be one of {', '.join(POSITIONS)}")
            if segment.get("stage", "") not in stages:
                problem(f"{at}.stage", f"未知阶段“{segment.get('stage')}” / unknown stage; one of "
                                       f"{', '.join(sorted(stages))} (library/taxonomy.json segments)")
            _check_words(segment.get("keywords", []), f"{at}.keywords", problem)
    metrics = clean.setdefault("metrics", seed_data()["metrics"])
    seen_metrics: set[str] = set()
    for i, metric in enumerate(metrics if isinstance(metrics, list) else [None]):
        if not isinstance(metric, Mapping):
            problem(f"metrics[{i}]", "应为对象 / must be an object")
            continue
        _check_term(metric, f"metrics[{i}]", seen_metrics, problem)
    clean.setdefault("positions", seed_data()["positions"])
    if errors:
        raise ValidationError(errors)
    return clean


def _check_term(term: Mapping, where: str, seen: set[str], problem) -> None:
    key = term.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        problem(f"{where}.key", "键应为小写字母开头的字母、数字、下划线 / key: lowercase letters, digits, _")
    elif key in seen:
        problem(f"{where}.key", f"重复的键“{key}” / duplicate key")
    else:
        seen.add(key)
    for lang in ("zh", "en"):
        label = term.get(lang)
        if not isinstance(label, str) or not label.strip() or len(label) > 60:
            problem(f"{where}.{lang}", "名称必填，最多60字 / label required, at most 60 characters")


def _check_words(words: Any, where: str, problem) -> None:
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() and len(w) <= 30 for w in words):
        problem(where, "应为词语列表 / must be a list of words (at most 30 characters each)")


# --- versions ---------------------------------------------------------------------------

def current_version(session: Session) -> ChainTaxonomy:
    """The taxonomy in force; the packaged seed is stored as version 1 on first use."""
    row = session.scalar(select(ChainTaxonomy).order_by(ChainTaxonomy.version.desc()).limit(1))
    if row is None:
        row = ChainTaxonomy(version=1, data=seed_data(), author="system", reason="初始产业链图谱 / seed taxonomy")
        session.add(row)
        session.flush()
    return row


def current(session: Session) -> ChainMap:
    row = current_version(session)
    return ChainMap(row.data, row.version)


def save(session: Session, data: Any, author: str, reason: str = "") -> ChainTaxonomy:
    """Store an edited taxonomy as a new version. A chain or segment that organizations are
    confirmed in cannot disappear: move or reject those placements first."""
    clean = validate_taxonomy(data)
    kept = ChainMap(clean)
    in_use = session.execute(select(ChainPlacement.chain_key, ChainPlacement.segment_key, func.count())
                             .where(ChainPlacement.status == "confirmed")
                             .group_by(ChainPlacement.chain_key, ChainPlacement.segment_key))
    missing = [{"field": "chains", "message": f"{chain}/{segment} 仍有 {count} 个已确认的机构 / still has {count} "
                                              "confirmed organizations: move or reject them first"}
               for chain, segment, count in in_use if not kept.has(chain, segment)]
    if missing:
        raise ValidationError(missing)
    row = ChainTaxonomy(version=current_version(session).version + 1, data=clean, author=author,
                        reason=(reason or "")[:500])
    session.add(row)
    session.flush()
    return row


def list_versions(session: Session) -> list[ChainTaxonomy]:
    current_version(session)
    return list(session.scalars(select(ChainTaxonomy).order_by(ChainTaxonomy.version.desc())))


def get_version(session: Session, number: int) -> ChainTaxonomy:
    row = session.scalar(select(ChainTaxonomy).where(ChainTaxonomy.version == number))
    if row is None:
        raise NotFound(f"chain taxonomy version {number} not found / 版本不存在")
    return row
