"""Outcome values as people read them: labels instead of keys, names instead of ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from medbridge.library.fields import FIELD_LABELS
from medbridge.library.taxonomy import get_taxonomy
from medbridge.web.i18n import translate

# Which vocabulary labels each single-term field.
TERM_FIELDS = {"kind": "kinds", "field": "fields", "segment": "segments", "stage": "stages",
               "regulatory_status": "regulatory_statuses", "confidentiality": "confidentiality"}
LIST_SEPARATOR = {"zh": "、", "en": ", "}
EMPTY = "—"

# Fields shown on the detail page, in order (title, grade and field have their own places).
DETAIL_FIELDS = ("code", "owner_id", "kind", "segment", "stage", "trl", "inventors", "patents",
                 "clinical_trial_id", "regulatory_status", "market_size", "transfer_modes",
                 "confidentiality", "keywords", "contact")


def field_label(name: str, lang: str) -> str:
    if name == "field_source":
        return translate("field_source", lang)
    zh, en = FIELD_LABELS.get(name, (name, name))
    return en if lang == "en" else zh


def show(name: str, value: Any, lang: str, org_names: Mapping[int, str] | None = None) -> str:
    """One field's value as text for a page or a diff."""
    if value is None or value == "" or value == []:
        return EMPTY
    taxonomy = get_taxonomy()
    separator = LIST_SEPARATOR.get(lang, "、")
    if name in TERM_FIELDS:
        return getattr(taxonomy, TERM_FIELDS[name]).label(value, lang)
    if name == "owner_id":
        return (org_names or {}).get(value, f"#{value}")
    if name == "transfer_modes":
        return separator.join(taxonomy.transfer_modes.label(key, lang) for key in value)
    if name == "patents":
        return "; ".join(
            f"{p.get('number')} ({taxonomy.patent_types.label(p.get('type'), lang)}, "
            f"{taxonomy.patent_statuses.label(p.get('status'), lang)})" for p in value)
    if name == "field_source":
        return translate("field_manual", lang) if value == "manual" else translate("field_suggested", lang, confidence="—")
    if name == "market_size":
        return f"{value:g}"
    if isinstance(value, list):
        return separator.join(str(item) for item in value)
    return str(value)


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else EMPTY


def field_provenance(outcome, lang: str) -> str:
    """Where the outcome's field came from: a person, or the classifier with its confidence."""
    if outcome.field_source == "suggested":
        confidence = f"{outcome.field_confidence:.0%}" if outcome.field_confidence is not None else "—"
        return translate("field_suggested", lang, confidence=confidence)
    return translate("field_manual", lang)


class SummaryOnly:
    """An outcome as someone without access to its detail sees it: the summary fields, and
    nothing else (every other attribute reads as empty), so no template can show the detail."""

    def __init__(self, outcome):
        self._outcome = outcome

    def __getattr__(self, name: str):
        from medbridge.accounts.policy import SUMMARY_FIELDS

        return getattr(self._outcome, name) if name in SUMMARY_FIELDS else None


def as_seen(outcome, level: str):
    """The outcome itself at level "full"; its summary only otherwise."""
    return outcome if level == "full" else SummaryOnly(outcome)
