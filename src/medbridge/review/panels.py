"""Automatic panel assignment: every entry gets `per_entry` judges, none with a conflict of interest,
loads kept even, expertise preferred.

Conflicts (any one excludes the judge from the entry):
- same organization: the judge's organization is the entry's team organization or the outcome's owner
  (or the parent of either — an affiliated hospital and its university count as one house);
- co-inventor: the judge's name is among the outcome's inventors or the team's members;
- declared: the judge declared a conflict with the entry.

Algorithm (greedy, deterministic): entries with the fewest eligible judges go first, so scarce judges
are spent where they are needed; for each, the eligible judges are taken in order of
(current load, no expertise match, judge id). A load cap of ceil(entries × per_entry / judges) is
respected while it can be; when an entry cannot get enough eligible judges it gets what there is and
the shortfall is reported, never a conflicted judge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class JudgeInfo:
    id: int
    name: str
    organizations: frozenset[int] = frozenset()   # the judge's organization and its parent
    fields: frozenset[str] = frozenset()
    declared: frozenset[int] = frozenset()         # entry ids with a declared conflict


@dataclass(frozen=True)
class EntryInfo:
    id: int
    organizations: frozenset[int] = frozenset()    # team organization, outcome owner, and their parents
    people: frozenset[str] = frozenset()           # inventors and team members
    field: str = ""


@dataclass
class Plan:
    panels: dict[int, list[int]] = field(default_factory=dict)   # entry id → judge ids
    shortfalls: dict[int, int] = field(default_factory=dict)     # entry id → judges missing

    def load(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for judges in self.panels.values():
            for judge in judges:
                counts[judge] = counts.get(judge, 0) + 1
        return counts


def conflicts(judge: JudgeInfo, entry: EntryInfo) -> list[str]:
    """Why the judge may not score the entry (empty: no conflict)."""
    reasons = []
    if judge.organizations & entry.organizations:
        reasons.append("same_organization")
    if judge.name and judge.name in entry.people:
        reasons.append("co_inventor")
    if entry.id in judge.declared:
        reasons.append("declared")
    return reasons


def assign(entries: list[EntryInfo], judges: list[JudgeInfo], per_entry: int,
           fixed: dict[int, list[int]] | None = None) -> Plan:
    """A plan giving each entry up to `per_entry` conflict-free judges. `fixed` holds assignments the
    organiser made by hand; they are kept (if conflict-free) and count toward loads and panels."""
    plan = Plan()
    eligible = {e.id: [j for j in judges if not conflicts(j, e)] for e in entries}
    by_id = {j.id: j for j in judges}
    load = {j.id: 0 for j in judges}
    for entry in entries:
        kept = [jid for jid in (fixed or {}).get(entry.id, []) if jid in by_id and not conflicts(by_id[jid], entry)]
        plan.panels[entry.id] = kept
        for jid in kept:
            load[jid] += 1
    cap = math.ceil(len(entries) * per_entry / len(judges)) if judges else 0
    for entry in sorted(entries, key=lambda e: (len(eligible[e.id]), e.id)):
        panel = plan.panels[entry.id]
        wanted = per_entry - len(panel)
        candidates = sorted((j for j in eligible[entry.id] if j.id not in panel),
                            key=lambda j: (load[j.id] >= cap, load[j.id], entry.field not in j.fields, j.id))
        for judge in candidates[:max(wanted, 0)]:
            panel.append(judge.id)
            load[judge.id] += 1
        if len(panel) < per_entry:
            plan.shortfalls[entry.id] = per_entry - len(panel)
    return plan
