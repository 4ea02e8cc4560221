"""The classification vocabularies, held as data in taxonomy.json and read once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.json")


@dataclass(frozen=True)
class Term:
    key: str
    zh: str
    en: str

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


class Vocabulary:
    """One list of terms (fields, kinds, stages...) with lookups by key or by label."""

    def __init__(self, name: str, entries: list[dict]):
        self.name = name
        self.entries = entries
        self.terms = [Term(e["key"], e["zh"], e["en"]) for e in entries]
        self._by_key = {t.key: t for t in self.terms}
        # Spreadsheets hold labels in either language; accept any spelling of a term.
        self._by_text = {}
        for t in self.terms:
            for text in (t.key, t.zh, t.en):
                self._by_text[_fold(text)] = t.key

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.terms]

    def __contains__(self, key: str) -> bool:
        return key in self._by_key

    def label(self, key: str | None, lang: str = "zh") -> str:
        term = self._by_key.get(key or "")
        return term.label(lang) if term else (key or "")

    def resolve(self, text: str) -> str | None:
        """The key for a key or label in Chinese or English, or None if unknown."""
        return self._by_text.get(_fold(text))

    def choices(self, lang: str = "zh") -> list[tuple[str, str]]:
        return [(t.key, t.label(lang)) for t in self.terms]


def _fold(text: str) -> str:
    return "".join(str(text).split()).lower().replace("-", "_")


class Taxonomy:
    def __init__(self, data: dict):
        self.data = data
        self.fields = Vocabulary("fields", data["fields"])
        self.kinds = Vocabulary("kinds", data["kinds"])
        self.stages = Vocabulary("stages", data["stages"])
        self.segments = Vocabulary("segments", data["segments"])
        self.transfer_modes = Vocabulary("transfer_modes", data["transfer_modes"])
        self.confidentiality = Vocabulary("confidentiality", data["confidentiality"])
        self.regulatory_statuses = Vocabulary("regulatory_statuses", data["regulatory_statuses"])
        self.patent_types = Vocabulary("patent_types", data["patent_types"])
        self.patent_statuses = Vocabulary("patent_statuses", data["patent_statuses"])
        self.organization_kinds = Vocabulary("organization_kinds", data["organization_kinds"])

    def field_keywords(self) -> dict[str, dict[str, float]]:
        return {f["key"]: f["keywords"] for f in self.data["fields"]}

    def as_dict(self, lang: str = "zh") -> dict[str, list[dict]]:
        vocabularies = [v for v in vars(self).values() if isinstance(v, Vocabulary)]
        return {v.name: [{"key": t.key, "label": t.label(lang), "zh": t.zh, "en": t.en} for t in v.terms]
                for v in vocabularies}


@lru_cache(maxsize=1)
def get_taxonomy() -> Taxonomy:
    return Taxonomy(json.loads(TAXONOMY_FILE.read_text(encoding="utf-8")))
