"""Shapes of the JSON the API speaks; OpenAPI at /docs is generated from these."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


# Times are stored as naive UTC; they leave as RFC 3339 with the offset said (…+00:00).
UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _iso_only(value: Any) -> Any:
    """A time must be written as one (2025-03-01T09:00:00+08:00), not as a number of seconds."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_TIME.match(value.strip()):
        raise ValueError("expected an ISO 8601 date and time, e.g. 2025-03-01T09:00:00+08:00")
    return value


# A time given by a caller: ISO 8601, UTC when no offset is given.
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_only)]
# A required text that must not be blank.
Text = Annotated[str, Field(min_length=1, pattern=r"\S")]


def has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_nul(v) for v in value)
    if isinstance(value, BaseModel):
        return any(has_nul(getattr(value, name)) for name in type(value).model_fields)
    return False


NUL_MESSAGE = "不能包含NUL字符 / must not contain NUL characters"


class Input(BaseModel):
    """A request body: unknown fields are refused (a misspelt field is not silently dropped), and
    so is the NUL character, which PostgreSQL cannot store in text."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise ValueError(NUL_MESSAGE)
        return value


class ErrorItem(BaseModel):
    field: str
    message: str


class ErrorResponse(BaseModel):
    detail: list[ErrorItem] | str


class OrganizationRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    kind: str


class OrganizationOut(OrganizationRef):
    aliases: list[str] = Field(validation_alias="alias_names")
    parent: Optional[OrganizationRef] = None
    province: str
    city: str
    district: str
    website: str
    description: str
    is_demo: bool


class OrganizationIn(Input):
    name: Text
    kind: Text = Field(description="hospital, university, institute, enterprise, investor, incubator, park, "
                                  "government, alliance, media, service_platform (or a Chinese label)")
    aliases: list[str] = []
    parent: Optional[str] = Field(None, description="parent organization id, name or alias")
    province: str = ""
    city: str = ""
    district: str = ""
    website: str = ""
    description: str = ""


class TitleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    organization: OrganizationRef
    title: str


class PersonOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    expertise: list[str]
    email: str
    titles: list[TitleOut]


class PersonIn(Input):
    name: Text
    expertise: list[str] = []
    email: str = ""
    titles: list[tuple[str, str]] = Field([], description="[[organization id, name or alias, title], …]")


class Patent(BaseModel):
    number: str
    type: str
    status: str


class BreakdownItem(BaseModel):
    criterion: str
    zh: str
    en: str
    weight: float
    level: str
    fraction: float
    points: float
    max_points: float
    reason_zh: str
    reason_en: str


class OutcomeSummary(BaseModel):
    """One outcome in a list. `detail_hidden` is true when the caller sees only the summary
    fields of a summary-level outcome: then `trl` (part of the detail) is null."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    title: str
    owner: OrganizationRef
    kind: str
    field: str
    stage: str
    trl: Optional[int] = None
    grade: Optional[str]
    score: Optional[float]
    confidentiality: str
    version: int
    updated_at: UtcDateTime
    is_demo: bool
    detail_level: Literal["full", "summary"] = "full"
    detail_hidden: bool = False


class OutcomeOut(OutcomeSummary):
    """One outcome. With `detail_level` "summary" (and `detail_hidden` true) only the summary
    fields are filled and every detail field is null: ask the owner for access to see them."""

    summary: Optional[str] = None
    inventors: Optional[list[str]] = None
    field_source: Optional[str] = None
    field_confidence: Optional[float] = None
    segment: Optional[str] = None
    patents: Optional[list[Patent]] = None
    clinical_trial_id: Optional[str] = None
    regulatory_status: Optional[str] = None
    market_size: Optional[float] = None
    transfer_modes: Optional[list[str]] = None
    keywords: Optional[list[str]] = None
    contact: Optional[str] = None
    grade_breakdown: Optional[list[BreakdownItem]] = None
    rubric_version: Optional[int] = None
    created_at: UtcDateTime


class OutcomeIn(Input):
    """Field values may be keys (software) or labels in Chinese or English (软件/算法)."""

    code: Text
    title: Text
    owner: Text = Field(description="owner organization id, name or alias")
    kind: Text
    stage: Text
    field: str = Field("", description="left blank, it is suggested from the text when the classifier is sure")
    summary: str = ""
    inventors: list[str] = []
    segment: str = ""
    trl: Optional[int] = None
    patents: list[Patent] = []
    clinical_trial_id: str = ""
    regulatory_status: str = "none"
    market_size: Optional[float] = Field(None, description="亿元 (100 million CNY)")
    transfer_modes: list[str] = []
    confidentiality: str = "public"
    keywords: list[str] = []
    contact: str = ""
    reason: str = Field("", max_length=500, description="why (kept in the history; the author is the signed-in user)")


class OutcomePatch(Input):
    """Only the fields given change; the change becomes a new version."""

    code: Optional[str] = None
    title: Optional[str] = None
    owner: Optional[str] = None
    kind: Optional[str] = None
    stage: Optional[str] = None
    field: Optional[str] = None
    summary: Optional[str] = None
    inventors: Optional[list[str]] = None
    segment: Optional[str] = None
    trl: Optional[int] = None
    patents: Optional[list[Patent]] = None
    clinical_trial_id: Optional[str] = None
    regulatory_status: Optional[str] = None
    market_size: Optional[float] = None
    transfer_modes: Optional[list[str]] = None
    confidentiality: Optional[str] = None
    keywords: Optional[list[str]] = None
    contact: Optional[str] = None
    reason: str = Field("", max_length=500, description="why (kept in the history)")


class ChangeResult(BaseModel):
    changed: bool
    outcome: OutcomeOut


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    number: int
    author: str
    reason: str
    created_at: UtcDateTime


class VersionDetail(VersionOut):
    snapshot: dict[str, Any]


class DiffItem(BaseModel):
    field: str
    before: Any
    after: Any


class RestoreIn(Input):
    reason: str = Field("", max_length=500)


class Page(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int


class OutcomePage(Page):
    items: list[OutcomeSummary]


class OrganizationPage(Page):
    items: list[OrganizationOut]


class PersonPage(Page):
    items: list[PersonOut]


class SuggestIn(Input):
    text: str = Field(max_length=20_000)


class SuggestionOut(BaseModel):
    key: Optional[str]
    label: str
    confidence: float
    evidence: list[str]
    alternatives: list[tuple[str, float]]


class ClassificationOut(BaseModel):
    field: SuggestionOut
    kind: SuggestionOut


class RubricOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    version: int
    data: dict[str, Any]
    author: str
    reason: str
    created_at: UtcDateTime


class RubricIn(Input):
    data: dict[str, Any]
    reason: str = Field("", max_length=500)


class RubricSaved(BaseModel):
    rubric: RubricOut
    regraded: int


class GradeOut(BaseModel):
    id: int
    code: str
    score: float
    grade: str
    breakdown: list[BreakdownItem]


# --- who is asking --------------------------------------------------------------------------

class RoleOut(BaseModel):
    role: str
    organization: Optional[OrganizationRef] = None


class MeOut(BaseModel):
    authenticated: bool
    username: Optional[str] = None
    display_name: Optional[str] = None
    roles: list[RoleOut] = []
    via: Literal["token", "cookie", ""] = Field("", description="how the caller proved who they are")
    csrf_token: Optional[str] = Field(None, description="for cookie sessions: send it as X-CSRF-Token on writes")


class LoginIn(Input):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class LoginOut(BaseModel):
    username: str
    csrf_token: str = Field(description="send it as X-CSRF-Token with every write made with the cookie")
    expires_at: UtcDateTime


# --- access to restricted detail ------------------------------------------------------------

class AccessRequestIn(Input):
    message: str = Field("", max_length=2000, description="why you need the detail, who you are")


class DecisionIn(Input):
    approve: bool
    nda_reference: str = Field("", max_length=200, description="the NDA signed, if any")
    expires_at: Optional[IsoDateTime] = Field(None, description="when the access ends (UTC if no offset is given)")
    note: str = Field("", max_length=2000)


class GrantIn(Input):
    """Open the detail directly to one user or one organization (every member of it)."""

    username: Optional[str] = Field(None, max_length=64)
    organization: Optional[str] = Field(None, max_length=300, description="organization id, name or alias")
    nda_reference: str = Field("", max_length=200)
    expires_at: Optional[IsoDateTime] = Field(None, description="when the access ends (UTC if no offset is given)")
    note: str = Field("", max_length=2000)


class OutcomeRef(BaseModel):
    id: int
    code: Optional[str] = None
    title: Optional[str] = None


class GrantOut(BaseModel):
    id: int
    outcome: OutcomeRef
    status: Literal["requested", "granted", "refused", "revoked"]
    username: Optional[str] = Field(None, description="the user the access is for")
    organization: Optional[OrganizationRef] = Field(None, description="or the organization")
    message: str
    nda_reference: str
    expires_at: Optional[UtcDateTime]
    requested_by: Optional[str]
    decided_by: Optional[str]
    decision_note: str
    created_at: UtcDateTime
    decided_at: Optional[UtcDateTime]


class AccessRequestsOut(BaseModel):
    mine: list[GrantOut] = Field(description="requests I made and access granted to me or my organizations")
    to_decide: list[GrantOut] = Field(description="requests on outcomes my office manages")


# --- audit trail ----------------------------------------------------------------------------

class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: UtcDateTime
    username: str
    action: str
    target_type: str
    target_id: Optional[int]
    detail: dict[str, Any]
    client: str


class AuditPage(Page):
    items: list[AuditEventOut]


# What any route may answer: every router documents these. FastAPI's own input checks are
# reported in the same {field, message} shape as the domain's (see routes._request_validation_error),
# and a bearer token that is wrong is refused on every route, reads included.
INVALID_INPUT = {400: {"model": ErrorResponse, "description": "a body that cannot be read (not UTF-8, not JSON)"},
                 401: {"model": ErrorResponse, "description": "an invalid or expired API token"},
                 422: {"model": ErrorResponse, "description": "invalid input: every problem, by field"}}


class ImportProblem(BaseModel):
    row: Optional[int] = Field(None, description="the row as Excel numbers it")
    column: Optional[str] = Field(None, description="the column's header as written")
    field: Optional[str] = None
    message: str


class ImportReportOut(BaseModel):
    """What an import did or, as a dry run, would do; or why it did nothing (then `ok` is false)."""

    ok: bool
    dry_run: bool
    total_rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[ImportProblem]
    file_error: Optional[str]
    ignored_columns: list[str]
