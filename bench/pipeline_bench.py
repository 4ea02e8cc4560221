"""Benchmark of the pipeline: cycle-time report and deal list over many deals (SQLite), panel
assignment and normalized ranking at competition scale.

Prints figures and writes bench/results/pipeline.json. Run with `make bench`
(or `.venv/bin/python bench/pipeline_bench.py --deals 2000 20000`).

Data: synthetic deals on 200 outcomes of 20 organizations, each walked through the stages with
log-normal durations (as the demo data), inserted with the ORM in one transaction; synthetic
judges and entries with random organizations, fields and declared conflicts.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medbridge.accounts.policy import COMMAND_LINE, Viewer  # noqa: E402
from medbridge.db import Database  # noqa: E402
from medbridge.library import service as library  # noqa: E402
from medbridge.review import panels, scoring  # noqa: E402
from medbridge.transfer import analytics, service  # noqa: E402
from medbridge.transfer.models import DEAL_STAGES, Deal, DealEvent, DealParty  # noqa: E402
from tests.factories import make_org, outcome_data  # noqa: E402

MEDIANS = {"contacted": 24, "nda": 16, "due_diligence": 48, "negotiation": 42, "signed": 21, "executing": 200}


def timed(function, repeat: int = 5) -> float:
    """Median wall time in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def seed_deals(database: Database, count: int, rng: random.Random) -> Viewer:
    with database.session() as s:
        orgs = [make_org(s, name=f"基准机构{i}", kind="hospital" if i < 10 else "enterprise") for i in range(20)]
        outcomes = [library.create_outcome(s, outcome_data(orgs[i % 10], code=f"BENCH-{i}",
                                                           field=rng.choice(["ivd", "tcm", "ai_medicine"])),
                                           author="bench") for i in range(200)]
        today = date.today()
        for i in range(count):
            start = today - timedelta(days=rng.randrange(10, 1500))
            deal = Deal(title=f"基准交易{i}", outcome_id=rng.choice(outcomes).id, mode=rng.choice(["license", "equity"]),
                        stage="contacted", started_on=start, stage_since=start)
            deal.parties = [DealParty(organization_id=rng.choice(orgs[10:]).id)]
            events, day, stage = [DealEvent(to_stage="contacted", happened_on=start, author="bench")], start, "contacted"
            while stage != "closed":
                day += timedelta(days=max(1, round(MEDIANS[stage] * math.exp(rng.gauss(0, 0.55)))))
                if day > today:
                    break
                following = DEAL_STAGES[DEAL_STAGES.index(stage) + 1]
                events.append(DealEvent(from_stage=stage, to_stage=following, happened_on=day, author="bench"))
                stage = following
            deal.events, deal.stage, deal.stage_since = events, stage, day if day <= today else events[-1].happened_on
            s.add(deal)
        owner_office = Viewer(user_id=1, username="bench-tto", roles=frozenset({("tto", orgs[0].id)}))
    return owner_office


def bench_deals(count: int, rng: random.Random) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.db")
        database.migrate()
        started = time.perf_counter()
        office = seed_deals(database, count, rng)
        seeded = round(time.perf_counter() - started, 1)
        with database.session() as s:
            report_admin = timed(lambda: analytics.report(s, COMMAND_LINE), repeat=3)
            report_office = timed(lambda: analytics.report(s, office), repeat=3)
            list_page = timed(lambda: service.list_deals(s, office, service.DealFilters(stage="negotiation")))
        database.dispose()
    return {"deals": count, "seed_seconds": seeded, "cycle_time_report_admin_ms": report_admin,
            "cycle_time_report_one_office_ms": report_office, "deal_list_page_ms": list_page}


def bench_panels(entries: int, judges: int, per_entry: int, rng: random.Random) -> dict:
    judge_infos = [panels.JudgeInfo(i, f"评委{i}", organizations=frozenset({rng.randrange(40)}),
                                    fields=frozenset(rng.sample("abcdefgh", 2)),
                                    declared=frozenset(rng.sample(range(entries), 2))) for i in range(judges)]
    entry_infos = [panels.EntryInfo(k, organizations=frozenset({rng.randrange(40)}),
                                    people=frozenset({f"评委{rng.randrange(judges)}"}), field=rng.choice("abcdefgh"))
                   for k in range(entries)]
    plan = panels.assign(entry_infos, judge_infos, per_entry)
    loads = plan.load().values()
    totals = [(j, e, rng.uniform(3, 10)) for e, js in plan.panels.items() for j in js]
    return {"entries": entries, "judges": judges, "per_entry": per_entry,
            "assign_ms": timed(lambda: panels.assign(entry_infos, judge_infos, per_entry)),
            "rank_ms": timed(lambda: scoring.rank(list(range(entries)), totals)),
            "load_min": min(loads), "load_max": max(loads), "shortfalls": len(plan.shortfalls)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, nargs="+", default=[2000, 10000])
    args = parser.parse_args()
    rng = random.Random(7)
    results = {"machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
               "deals": [bench_deals(n, rng) for n in args.deals],
               "panels": [bench_panels(40, 12, 5, rng), bench_panels(1000, 100, 5, rng)]}
    for row in results["deals"]:
        print(f"{row['deals']:>6} deals: cycle-time report {row['cycle_time_report_admin_ms']} ms (admin), "
              f"{row['cycle_time_report_one_office_ms']} ms (one office); list page {row['deal_list_page_ms']} ms")
    for row in results["panels"]:
        print(f"{row['entries']:>5} entries × {row['judges']} judges × {row['per_entry']}: assign {row['assign_ms']} ms, "
              f"rank {row['rank_ms']} ms, load {row['load_min']}–{row['load_max']}, shortfalls {row['shortfalls']}")
    out = ROOT / "bench" / "results" / "pipeline.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
