"""Grading: a worked example, and what each criterion rewards."""

import copy

import pytest

from medbridge.library.grading import RubricError, default_rubric, grade_outcome, validate_rubric

STRONG = {
    "trl": 8, "stage": "registration",
    "patents": [{"number": "CN1", "type": "invention", "status": "granted"},
                {"number": "CN2", "type": "invention", "status": "granted"}],
    "clinical_trial_id": "NCT01234567", "regulatory_status": "in_review", "market_size": 120,
    "transfer_modes": ["license"], "inventors": ["甲", "乙"], "contact": "转化办",
    "summary": "说明" * 50,
}


def test_worked_example_with_the_default_rubric():
    # maturity 25×1.0 + ip 20×1.0 + clinical 15×1.0 + regulatory 10×0.8 + market 15×1.0 + readiness 15×1.0 = 98
    result = grade_outcome(STRONG, default_rubric())
    assert result.score == 98.0 and result.grade == "A"
    points = {item["criterion"]: item["points"] for item in result.breakdown}
    assert points == {"maturity": 25.0, "ip": 20.0, "clinical": 15.0, "regulatory": 8.0, "market": 15.0,
                      "readiness": 15.0}


def test_an_empty_outcome_is_grade_d_and_every_reason_says_what_is_missing():
    result = grade_outcome({}, default_rubric())
    assert result.grade == "D"
    # Clinical "no data yet" still earns its 0.1 of 15 points: 1.5 in all.
    assert result.score == 1.5
    readiness = next(item for item in result.breakdown if item["criterion"] == "readiness")
    assert "缺少" in readiness["reason_zh"] and "missing" in readiness["reason_en"]


@pytest.mark.parametrize("trl, level", [(9, "trl_7_9"), (7, "trl_7_9"), (6, "trl_5_6"), (3, "trl_3_4"), (1, "trl_1_2")])
def test_maturity_follows_trl(trl, level):
    [maturity] = [i for i in grade_outcome({"trl": trl}, default_rubric()).breakdown if i["criterion"] == "maturity"]
    assert maturity["level"] == level


def test_trl_is_inferred_from_stage_when_missing_and_the_reason_says_so():
    [maturity] = [i for i in grade_outcome({"stage": "clinical"}, default_rubric()).breakdown
                  if i["criterion"] == "maturity"]
    assert maturity["level"] == "trl_7_9" and "推断" in maturity["reason_zh"]


def test_lapsed_patents_do_not_count():
    outcome = {"patents": [{"number": "CN1", "type": "invention", "status": "expired"}]}
    [ip] = [i for i in grade_outcome(outcome, default_rubric()).breakdown if i["criterion"] == "ip"]
    assert ip["level"] == "none" and ip["points"] == 0


def test_weights_are_relative_so_scores_stay_within_100():
    rubric = default_rubric()
    for criterion in rubric["criteria"]:
        criterion["weight"] *= 3
    assert grade_outcome(STRONG, rubric).score == 98.0


def test_grade_thresholds_come_from_the_rubric():
    rubric = default_rubric()
    rubric["grades"] = [{"grade": "A", "min": 99}, {"grade": "B", "min": 50}, {"grade": "C", "min": 10},
                        {"grade": "D", "min": 0}]
    assert grade_outcome(STRONG, rubric).grade == "B"


@pytest.mark.parametrize("breakage, message", [
    (lambda r: r["criteria"].append({"key": "astrology", "weight": 5, "levels": []}), "unknown key"),
    (lambda r: r["criteria"][0].update(weight=-2), "weight"),
    (lambda r: r["criteria"][0]["levels"][0].update(points=1.5), "between 0 and 1"),
    (lambda r: [c.update(weight=0) for c in r["criteria"]], "add up to 0"),
    (lambda r: r["grades"].reverse(), "descend"),
    (lambda r: r.update(criteria=[]), "non-empty"),
])
def test_a_broken_rubric_is_refused_with_the_reason(breakage, message):
    rubric = copy.deepcopy(default_rubric())
    breakage(rubric)
    with pytest.raises(RubricError, match=message):
        validate_rubric(rubric)
