"""Weighted totals, per-judge normalization and ranking with ties — pure functions.

Normalization (why z-scores): judges differ in severity (one gives 5–7, another 7–9) and in
spread. Each judge's totals in a round are turned into z-scores (minus the judge's mean, over the
judge's standard deviation), then rescaled onto the round's pooled raw scale (pooled mean + z ×
pooled standard deviation), so normalized scores read like ordinary scores. A harsh judge's best
entry then counts as much as a lenient judge's best. With panels of ~5 out of 10+ judges, each
judge sees enough entries for a mean and spread to mean something; pairwise models (Gavel's
Crowd-BT) need many more comparisons than a competition round gets.
Edge cases: a judge with one score, or all scores equal, has no spread; their scores are only
shifted (their mean moved onto the pooled mean), since dividing by zero spread would be meaningless.

Ranking rule: entries are ordered by normalized mean (rounded to 2 decimals, so float noise does
not break ties), then by raw mean; entries equal on both share a rank and the next rank is skipped
(standard competition ranking "1224"). Entries with no scores rank last, unranked.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass


def weighted_total(rubric: dict, scores: dict) -> float:
    """Σ weight × score over the rubric's criteria, divided by Σ weights (stays on the rubric's scale)."""
    criteria = rubric["criteria"]
    weight_sum = sum(float(c["weight"]) for c in criteria)
    return round(sum(float(c["weight"]) * float(scores[c["key"]]) for c in criteria) / weight_sum, 4)


def score_errors(rubric: dict, scores: dict) -> list[dict]:
    low, high = rubric.get("scale", [0, 10])
    errors = []
    for criterion in rubric["criteria"]:
        value = scores.get(criterion["key"])
        try:
            number = float(value)
            if not low <= number <= high:
                raise ValueError
        except (TypeError, ValueError):
            errors.append({"field": criterion["key"],
                           "message": f"“{criterion.get('label', criterion['key'])}”应为{low}–{high}之间的数 / "
                                      f"a number from {low} to {high}"})
    return errors


def normalize(totals: list[tuple[int, int, float]]) -> dict[tuple[int, int], float]:
    """(judge id, entry id, raw total) → {(judge, entry): normalized total}."""
    if not totals:
        return {}
    raw = [t for _, _, t in totals]
    pooled_mean = statistics.fmean(raw)
    pooled_sd = statistics.pstdev(raw)
    by_judge: dict[int, list[float]] = {}
    for judge, _, total in totals:
        by_judge.setdefault(judge, []).append(total)
    stats = {judge: (statistics.fmean(own), statistics.pstdev(own)) for judge, own in by_judge.items()}
    result = {}
    for judge, entry, total in totals:
        mean, sd = stats[judge]
        if sd == 0:
            result[(judge, entry)] = pooled_mean + (total - mean)
        else:
            result[(judge, entry)] = pooled_mean + (total - mean) / sd * pooled_sd
    return result


@dataclass
class Ranked:
    entry_id: int
    rank: int | None
    normalized: float | None
    raw: float | None
    judges: int
    tied: bool = False
    award: str = ""


def rank(entry_ids: list[int], totals: list[tuple[int, int, float]]) -> list[Ranked]:
    """The ranking of the entries by their judges' normalized scores (see the module's rule)."""
    normalized = normalize(totals)
    per_entry_norm: dict[int, list[float]] = {}
    per_entry_raw: dict[int, list[float]] = {}
    for (judge, entry), value in normalized.items():
        per_entry_norm.setdefault(entry, []).append(value)
    for _, entry, total in totals:
        per_entry_raw.setdefault(entry, []).append(total)
    rows = [Ranked(e, None, round(statistics.fmean(per_entry_norm[e]), 2), round(statistics.fmean(per_entry_raw[e]), 2),
                   len(per_entry_raw[e])) if e in per_entry_raw else Ranked(e, None, None, None, 0)
            for e in entry_ids]
    scored = sorted((r for r in rows if r.normalized is not None), key=lambda r: (-r.normalized, -r.raw, r.entry_id))
    for position, row in enumerate(scored, start=1):
        previous = scored[position - 2] if position > 1 else None
        if previous and (previous.normalized, previous.raw) == (row.normalized, row.raw):
            row.rank = previous.rank
            row.tied = previous.tied = True
        else:
            row.rank = position
    return scored + sorted((r for r in rows if r.normalized is None), key=lambda r: r.entry_id)


def give_awards(ranking: list[Ranked], awards: list[dict]) -> list[Ranked]:
    """Awards by rank, best first: [{"name": "一等奖", "count": 1}, …]. An entry gets the best tier
    whose cumulative count reaches its rank; so entries tied at a tier's last place all get that
    tier (nobody loses an award to a tie-break), and the positions they take are used up."""
    cutoffs, total = [], 0
    for award in awards:
        total += int(award["count"])
        cutoffs.append((total, award["name"]))
    for row in ranking:
        row.award = next((name for cutoff, name in cutoffs if row.rank is not None and row.rank <= cutoff), "")
    return ranking
