"""Shapes of the JSON the API speaks; OpenAPI at /docs is generated from these."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field


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


class OrganizationIn(BaseModel):
    name: str
    kind: str = Field(description="hospital, university, institute, enterprise, investor, incubator, park, "
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


class PersonIn(BaseModel):
    name: str
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
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    title: str
    owner: OrganizationRef
    kind: str
    field: str
    stage: str
    trl: Optional[int]
    grade: Optional[str]
    score: Optional[float]
    confidentiality: str
    version: int
    updated_at: datetime
    is_demo: bool


class OutcomeOut(OutcomeSummary):
    summary: str
    inventors: list[str]
    field_source: str
    field_confidence: Optional[float]
    segment: str
    patents: list[Patent]
    clinical_trial_id: str
    regulatory_status: str
    market_size: Optional[float]
    transfer_modes: list[str]
    keywords: list[str]
    contact: str
    grade_breakdown: list[BreakdownItem]
    rubric_version: Optional[int]
    created_at: datetime


class OutcomeIn(BaseModel):
    """Field values may be keys (software) or labels in Chinese or English (软件/算法)."""

    code: str
    title: str
    owner: str = Field(description="owner organization id, name or alias")
    kind: str
    stage: str
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
    author: str = Field("api", description="who makes the change (kept in the history)")
    reason: str = ""


class OutcomePatch(BaseModel):
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
    author: str = "api"
    reason: str = ""


class ChangeResult(BaseModel):
    changed: bool
    outcome: OutcomeOut


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    number: int
    author: str
    reason: str
    created_at: datetime


class VersionDetail(VersionOut):
    snapshot: dict[str, Any]


class DiffItem(BaseModel):
    field: str
    before: Any
    after: Any


class RestoreIn(BaseModel):
    author: str = "api"
    reason: str = ""


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


class SuggestIn(BaseModel):
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
    created_at: datetime


class RubricIn(BaseModel):
    data: dict[str, Any]
    author: str = "api"
    reason: str = ""


class RubricSaved(BaseModel):
    rubric: RubricOut
    regraded: int


class GradeOut(BaseModel):
    id: int
    code: str
    score: float
    grade: str
    breakdown: list[BreakdownItem]
