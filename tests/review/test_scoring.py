"""Weighted totals, the per-judge normalization on a worked example, ranking ties and awards."""

import pytest

from medbridge.review.scoring import give_awards, normalize, rank, score_errors, weighted_total

RUBRIC = {"criteria": [{"key": "innovation", "weight": 3}, {"key": "team", "weight": 1}], "scale": [0, 10]}


def test_weighted_total_stays_on_the_scale():
    assert weighted_total(RUBRIC, {"innovation": 8, "team": 4}) == 7.0   # (3×8 + 1×4) / 4


def test_scores_outside_the_scale_or_missing_are_refused():
    assert [e["field"] for e in score_errors(RUBRIC, {"innovation": 11})] == ["innovation", "team"]


def test_normalization_worked_example():
    # Judge 1 is harsh (4, 5, 6), judge 2 lenient (7, 8, 9), on the same three entries A, B, C.
    totals = [(1, "A", 4), (1, "B", 5), (1, "C", 6), (2, "A", 7), (2, "B", 8), (2, "C", 9)]
    # Pooled: mean 6.5, population sd sqrt(17.5/6) = 1.7078. Each judge: mean 5 or 8, sd sqrt(2/3) = 0.8165.
    # Entry C from judge 1: z = (6 − 5) / 0.8165 = 1.2247 → 6.5 + 1.2247 × 1.7078 = 8.5917; the same from judge 2.
    result = normalize(totals)
    assert result[(1, "C")] == pytest.approx(8.5917, abs=1e-4)
    assert result[(2, "C")] == pytest.approx(result[(1, "C")])
    assert result[(1, "B")] == pytest.approx(6.5)
    assert result[(1, "A")] == pytest.approx(4.4083, abs=1e-4)


def test_a_harsh_judge_does_not_sink_an_entry():
    # X is scored only by the harsh judge, Y only by the lenient one; both are their judge's best.
    totals = [(1, 1, 6), (1, 2, 4), (1, 3, 5), (2, 4, 9), (2, 5, 7), (2, 6, 8)]
    rows = {r.entry_id: r for r in rank([1, 2, 3, 4, 5, 6], totals)}
    assert rows[1].normalized == rows[4].normalized and rows[1].raw < rows[4].raw
    assert rows[4].rank == 1 and rows[1].rank == 2          # equal normalized: the raw mean breaks the tie


def test_a_judge_without_spread_is_only_shifted():
    result = normalize([(1, "A", 5), (1, "B", 5), (2, "A", 9), (2, "B", 7)])
    assert result[(1, "A")] == result[(1, "B")] == pytest.approx(6.5)


def test_full_ties_share_a_rank_and_skip_the_next():
    totals = [(1, 1, 8), (1, 2, 8), (1, 3, 6), (1, 4, 4)]
    ranking = rank([1, 2, 3, 4, 5], totals)
    assert [(r.entry_id, r.rank, r.tied) for r in ranking] == [
        (1, 1, True), (2, 1, True), (3, 3, False), (4, 4, False), (5, None, False)]


def test_awards_cover_ties_at_the_cut():
    ranking = rank([1, 2, 3, 4, 5], [(1, 1, 9), (1, 2, 8), (1, 3, 7), (1, 4, 7), (1, 5, 3)])
    give_awards(ranking, [{"name": "一等奖", "count": 1}, {"name": "二等奖", "count": 2}, {"name": "三等奖", "count": 1}])
    assert {r.entry_id: r.award for r in ranking} == {1: "一等奖", 2: "二等奖", 3: "二等奖", 4: "二等奖", 5: ""}
