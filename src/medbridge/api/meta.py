"""/api/taxonomy, /api/classify and /api/rubric: the vocabularies, suggestions and grading rules."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from sqlalchemy.orm import Session

from medbridge.api import schemas
from medbridge.api.deps import Auth, SessionDep, WriterDep
from medbridge.api.params import QueryChecks
from medbridge.api.schemas import INVALID_INPUT
from medbridge.errors import ValidationError
from medbridge.library import actions, classification, service
from medbridge.library.grading import RubricError
from medbridge.library.taxonomy import get_taxonomy

router = APIRouter(prefix="/api", tags=["taxonomy and grading 分类与分级"], responses=INVALID_INPUT, dependencies=QueryChecks)


@router.get("/taxonomy", summary="Fields, kinds, stages, segments… with labels 分类体系")
def taxonomy(lang: Literal["zh", "en"] = "zh") -> dict:
    return get_taxonomy().as_dict(lang)


@router.post("/classify", response_model=schemas.ClassificationOut, summary="Suggest field and kind from text 分类建议")
def classify(body: schemas.SuggestIn, lang: Literal["zh", "en"] = "zh"):
    taxonomy = get_taxonomy()
    field, kind = classification.suggest_field(body.text), classification.suggest_kind(body.text)
    return {"field": {**vars(field), "label": taxonomy.fields.label(field.key, lang)},
            "kind": {**vars(kind), "label": taxonomy.kinds.label(kind.key, lang)}}


@router.get("/rubric", response_model=schemas.RubricOut, summary="The grading rubric in force 评分规则")
def get_rubric(session: Session = SessionDep):
    return service.current_rubric(session)


@router.put("/rubric", response_model=schemas.RubricSaved,
            summary="Save an edited rubric; re-grades all 修改评分规则 (admin)",
            responses={401: {"model": schemas.ErrorResponse, "description": "not signed in"},
                       403: {"model": schemas.ErrorResponse, "description": "administrators only"},
                       422: {"model": schemas.ErrorResponse}})
def save_rubric(body: schemas.RubricIn, session: Session = SessionDep, auth: Auth = WriterDep):
    try:
        rubric, regraded = actions.save_rubric(session, auth.viewer, body.data, reason=body.reason)
    except RubricError as exc:
        raise ValidationError([{"field": "rubric", "message": str(exc)}]) from None
    return {"rubric": rubric, "regraded": regraded}
