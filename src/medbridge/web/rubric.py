"""The grading rubric: see criteria, weights and levels; edit the numbers, which re-grades all."""

from __future__ import annotations

import copy

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from medbridge.accounts.policy import require_admin
from medbridge.api.deps import Auth
from medbridge.library import actions, service
from medbridge.library.grading import RubricError
from medbridge.web.common import (FormDep, PageAuthDep, SessionDep, current_lang, page_router, reason_of, redirect,
                                  render)
from medbridge.web.i18n import translate

router = page_router()


def weight_input(criterion: dict) -> str:
    return f"weight.{criterion['key']}"


def points_input(criterion: dict, level: dict) -> str:
    return f"points.{criterion['key']}.{level['key']}"


def min_input(grade: dict) -> str:
    return f"min.{grade['grade']}"


@router.get("/rubric")
def rubric_page(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    """Everyone may read the rubric; only administrators get a form to change it."""
    return _page(request, service.current_rubric(session), None, {}, "", editable=auth.viewer.is_admin)


@router.post("/rubric")
def save_rubric(request: Request, form: FormData = FormDep, session: Session = SessionDep,
                auth: Auth = PageAuthDep):
    require_admin(auth.viewer)
    lang = current_lang(request)
    rubric = service.current_rubric(session)
    reason, errors = reason_of(form, lang)
    data, number_errors = edited_rubric(rubric.data, form, lang)
    errors.update(number_errors)
    problem = ""
    if not errors:
        try:
            saved, regraded = actions.save_rubric(session, auth.viewer, data, reason)
        except RubricError as exc:
            problem = str(exc)
    if errors or problem:
        return _page(request, rubric, form, errors, problem)
    return redirect("/rubric", notice="rubric_saved", version=saved.version, count=regraded)


def edited_rubric(current: dict, form: FormData, lang: str) -> tuple[dict, dict[str, str]]:
    """The rubric with the posted numbers put in; inputs that are not numbers are errors.
    Range and consistency are the grading module's to check (validate_rubric)."""
    data, errors = copy.deepcopy(current), {}

    def number(name: str, old):
        text = str(form.get(name, "")).strip().replace("，", ".")
        try:
            value = float(text)
        except ValueError:
            errors[name] = translate("not_a_number", lang)
            return old
        return int(value) if value.is_integer() and name.split(".")[0] != "points" else value

    for criterion in data["criteria"]:
        criterion["weight"] = number(weight_input(criterion), criterion["weight"])
        for level in criterion["levels"]:
            level["points"] = number(points_input(criterion, level), level["points"])
    for grade in data["grades"]:
        grade["min"] = number(min_input(grade), grade["min"])
    return data, errors


def _page(request: Request, rubric, posted: FormData | None, errors: dict[str, str], problem: str,
          editable: bool = True):
    total_weight = sum(c["weight"] for c in rubric.data["criteria"]) or 1
    return render(request, "rubric.html", {
        "rubric": rubric, "posted": posted, "errors": errors, "problem": problem, "editable": editable,
        "total_weight": total_weight, "weight_input": weight_input, "points_input": points_input,
        "min_input": min_input,
    }, status_code=422 if errors or problem else 200)
