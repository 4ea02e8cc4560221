"""Benchmark of the industry chain: placement rules, coverage, corridors, heat map, targets
and the gap report, on a synthetic cluster.

Prints figures and writes them to bench/results/chain.json. Run with `make bench` (or
`.venv/bin/python bench/chain_bench.py --organizations 2000 10000`).

Data: synthetic organizations (80 % enterprises, the rest hospitals, universities, institutes
and service platforms) spread over 4 provinces and 16 cities, named from chain keywords so the
rules find something; each owns 0–3 outcomes; the rules run over all of them, two thirds of
the suggestions are confirmed, half of the enterprises get an output figure. SQLite file.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medbridge.accounts.policy import ANONYMOUS  # noqa: E402
from medbridge.chain import coverage as cov  # noqa: E402
from medbridge.chain import exports, placement, taxonomy  # noqa: E402
from medbridge.chain.models import ChainPlacement, ClusterFigure  # noqa: E402
from medbridge.chain.targets import rank_targets  # noqa: E402
from medbridge.db import Database  # noqa: E402
from medbridge.library.models import Outcome  # noqa: E402
from medbridge.registry.models import Organization  # noqa: E402

PROVINCES = {"北京市": ["北京市"], "天津市": ["天津市"], "河北省": ["石家庄市", "沧州市", "保定市", "廊坊市"],
             "上海市": ["上海市"], "江苏省": ["苏州市", "南京市", "泰州市", "无锡市"],
             "浙江省": ["杭州市", "宁波市", "湖州市", "嘉兴市", "台州市"]}
NAME_WORDS = ["药业", "制药", "生物", "细胞", "基因", "医疗器械", "机器人", "诊断", "智能", "数字", "中药", "本草",
              "原料药", "材料", "CRO", "检验", "医药商业", "影像", "康复", "介入"]
KINDS = ["enterprise"] * 16 + ["hospital", "university", "institute", "service_platform"]
FIELDS = ["innovative_drug", "high_end_device", "ai_medicine", "brain_science", "cell_gene_therapy",
          "surgical_robot", "ivd", "tcm"]
SEGMENTS = ["rnd", "clinical_trial", "testing_approval", "manufacturing", "distribution"]


def build(database: Database, count: int, rng: random.Random) -> None:
    cities = [(p, c) for p, cs in PROVINCES.items() for c in cs]
    with database.session() as s:
        rows = []
        for i in range(count):
            province, city = rng.choice(cities)
            words = "".join(rng.sample(NAME_WORDS, 2))
            rows.append({"name": f"合成{words}{i:06d}有限公司", "kind": rng.choice(KINDS), "province": province,
                         "city": city, "district": "", "website": "", "description": "", "is_demo": False})
        s.execute(insert(Organization), rows)
        ids = list(s.scalars(select(Organization.id)))
        outcomes = []
        for n, owner in enumerate(ids):
            for k in range(rng.choice([0, 0, 1, 2, 3])):
                outcomes.append({"code": f"B-{n}-{k}", "title": "合成成果", "summary": "", "owner_id": owner,
                                 "inventors": [], "kind": "device", "field": rng.choice(FIELDS),
                                 "field_source": "manual", "segment": rng.choice(SEGMENTS), "stage": "lab",
                                 "patents": [], "clinical_trial_id": "", "regulatory_status": "none",
                                 "transfer_modes": [], "keywords": [], "contact": "", "grade_breakdown": [],
                                 "confidentiality": rng.choice(["public", "public", "summary", "confidential"]),
                                 "grade": rng.choice(["A", "B", "C", "D"]), "version": 1, "is_demo": False})
        for start in range(0, len(outcomes), 5000):
            s.execute(insert(Outcome), outcomes[start:start + 5000])
        s.execute(insert(ClusterFigure), [
            {"organization_id": oid, "region": "", "chain_key": "", "metric": "output_value",
             "value": round(rng.lognormvariate(1.5, 1.2), 2), "unit": "亿元", "period": "2024", "source_kind": "manual",
             "source_url": "", "quote": "", "note": "", "author": "bench", "is_demo": False}
            for oid in ids if rng.random() < 0.4])


def timed(function, repeat: int = 5) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def run(count: int) -> dict:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{tmp}/bench.db")
        database.migrate()
        start = time.perf_counter()
        build(database, count, rng)
        build_s = time.perf_counter() - start
        with database.session() as s:
            chains = taxonomy.current(s)
            orgs = list(s.scalars(select(Organization)))
            start = time.perf_counter()
            counts = placement.refresh_suggestions(s, chains, orgs)
            suggest_ms = (time.perf_counter() - start) * 1000
            ids = list(s.scalars(select(ChainPlacement.id)))
            confirmed = [i for i in ids if rng.random() < 2 / 3]
            for begin in range(0, len(confirmed), 5000):
                s.execute(update(ChainPlacement).where(ChainPlacement.id.in_(confirmed[begin:begin + 5000]))
                          .values(status="confirmed"))
        with database.session() as s:
            chains = taxonomy.current(s)
            figures = {
                "coverage_province_ms": timed(lambda: cov.coverage(s, chains, ANONYMOUS, cov.Scope(region="河北省")))[0],
                "coverage_everywhere_ms": timed(lambda: cov.coverage(s, chains, ANONYMOUS, cov.Scope()), 3)[0],
                "corridors_3_provinces_ms": timed(lambda: cov.corridors(
                    s, chains, ANONYMOUS, ["北京市", "天津市", "河北省"]), 3)[0],
                "heatmap_city_ms": timed(lambda: cov.heatmap(s, chains, ANONYMOUS, "medical_device", "city"))[0],
                "targets_ms": timed(lambda: rank_targets(s, chains, ANONYMOUS, "北京市", "medical_device",
                                                         "manufacturing"))[0],
                "gap_report_province_ms": timed(lambda: exports.gap_report(
                    s, chains, ANONYMOUS, cov.Scope(region="河北省")), 3)[0],
            }
        database.dispose()
    return {"organizations": count, "build_s": round(build_s, 2), "suggest_all_ms": round(suggest_ms, 1),
            "suggestions": counts["added"], "confirmed": len(confirmed),
            **{k: round(v, 1) for k, v in figures.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, nargs="+", default=[2000, 10000])
    args = parser.parse_args()
    results = []
    for count in args.organizations:
        result = run(count)
        results.append(result)
        print(json.dumps(result, ensure_ascii=False))
    out = {"machine": {"python": platform.python_version(), "platform": platform.platform()},
           "database": "sqlite", "results": results}
    path = ROOT / "bench" / "results" / "chain.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written: {path}")


if __name__ == "__main__":
    main()
