"""The outcome form: what its inputs hold, how a posted form becomes service input, and
which input each service error belongs to."""

from __future__ import annotations

from typing import Any, Mapping

from starlette.datastructures import FormData

from medbridge.library.classification import Suggestion, suggest_field
from medbridge.library.service import AUTO_FIELD_CONFIDENCE
from medbridge.library.taxonomy import get_taxonomy

# Inputs with one value each (text boxes and selects); transfer_modes is the one multi-valued input.
SINGLE_VALUE_INPUTS = ("code", "title", "summary", "owner", "inventors", "kind", "field", "segment", "stage", "trl",
               "patents", "clinical_trial_id", "regulatory_status", "market_size", "confidentiality",
               "keywords", "contact")
LIST_JOIN = "；"


def blank_form() -> dict[str, Any]:
    values: dict[str, Any] = {name: "" for name in SINGLE_VALUE_INPUTS}
    values.update(transfer_modes=[], regulatory_status="none", confidentiality="public")
    return values


def form_from_outcome(outcome, lang: str) -> dict[str, Any]:
    """The form's inputs filled from an outcome, so that saving them unchanged changes nothing."""
    taxonomy = get_taxonomy()
    patents = "\n".join(
        f"{p['number']}:{taxonomy.patent_types.label(p['type'], lang)}:"
        f"{taxonomy.patent_statuses.label(p['status'], lang)}" for p in outcome.patents or [])
    return {
        "code": outcome.code, "title": outcome.title, "summary": outcome.summary or "",
        "owner": outcome.owner.name if outcome.owner else "",
        "inventors": LIST_JOIN.join(outcome.inventors or []), "kind": outcome.kind, "field": outcome.field,
        "segment": outcome.segment or "", "stage": outcome.stage,
        "trl": "" if outcome.trl is None else str(outcome.trl), "patents": patents,
        "clinical_trial_id": outcome.clinical_trial_id or "", "regulatory_status": outcome.regulatory_status,
        "market_size": "" if outcome.market_size is None else f"{outcome.market_size:g}",
        "transfer_modes": list(outcome.transfer_modes or []), "confidentiality": outcome.confidentiality,
        "keywords": LIST_JOIN.join(outcome.keywords or []), "contact": outcome.contact or "",
    }


def form_from_post(form: FormData) -> dict[str, Any]:
    """The posted inputs as they were typed (to show them again after an error)."""
    # Browsers send textarea line breaks as CRLF; stored text uses LF.
    values = {name: str(form.get(name) or "").replace("\r\n", "\n") for name in SINGLE_VALUE_INPUTS}
    values["transfer_modes"] = [str(v) for v in form.getlist("transfer_modes")]
    return values


def outcome_input(values: Mapping[str, Any]) -> dict[str, Any]:
    """Posted form values → the mapping the library service cleans and validates."""
    data = {name: values[name] for name in SINGLE_VALUE_INPUTS if name != "owner"}
    data["transfer_modes"] = values["transfer_modes"]
    owner = values["owner"].strip()
    if owner:
        data["owner"] = owner
    else:
        data["owner_id"] = ""  # so an emptied owner is reported as required
    return data


def errors_by_input(errors: list[dict]) -> dict[str, str]:
    """Service errors keyed by the form input they belong to (owner_id is typed as "owner")."""
    by_input: dict[str, str] = {}
    for error in errors:
        name = "owner" if error["field"] == "owner_id" else error["field"]
        by_input[name] = f"{by_input[name]}; {error['message']}" if name in by_input else error["message"]
    return by_input


def field_suggestion(values: Mapping[str, Any]) -> Suggestion:
    return suggest_field(f"{values.get('title', '')} {values.get('summary', '')} {values.get('keywords', '')}")


def keep_suggested_provenance(values: Mapping[str, Any], data: dict, suggested: str) -> dict:
    """If the person kept the field the helper suggested, let the service choose it again, so the
    outcome records it as "suggested" with its confidence rather than as a manual choice.

    Only when the service would really choose it: same text, confident enough."""
    if not suggested or data.get("field") != suggested:
        return data
    suggestion = field_suggestion(values)
    if suggestion.key == suggested and suggestion.confidence >= AUTO_FIELD_CONFIDENCE:
        return {**data, "field": ""}
    return data
