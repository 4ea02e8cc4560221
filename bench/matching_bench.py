"""Benchmark of search and matching: quality against a baseline, and speed at scale.

Prints figures and writes bench/results/matching.json. Examples:
  .venv/bin/python bench/matching_bench.py                         # quality + speed at 10k, 100k
  .venv/bin/python bench/matching_bench.py --scales 1000000 --skip-quality --backends sqlite
  .venv/bin/python bench/matching_bench.py --scales 1000000 --skip-quality --keep /data/bench   # build once,
      time again later without building (the first run's load and build times are reported)

Quality
- own labelled set (bench/data/matching_set.json, built and described by
  bench/data/build_matching_set.py): every outcome is created through the library service (so
  indexed by the app's own listeners) in a temporary SQLite database, every need through the
  needs service; the engine is `match_need` as the app runs it. Beside it: the engine's text
  part alone (the need's words searched in the index, no field/stage fit), and the baseline,
  BM25 over character bigrams of outcome title+summary queried with the need's title+description.
- cMedIR dev (../shared/data/cmedir/dev.jsonl): `medbridge eval retrieval`'s evaluation.
Speed
- N synthetic outcomes over 500 organizations in 4 regions, bulk-inserted (a quarter
  confidential, a quarter summary-only). Vocabulary with a long tail, as real text has: each
  outcome names 2 of ~330 technology terms (the domain dictionary and the labelled set's topic
  spellings) and 1 of 40 diseases, plus 3 of 20,000 rare pseudo-words, in templated title and
  summary. The index is then built with `index.rebuild` (timed). PostgreSQL is a temporary
  server started from the installed binaries with shared_buffers=2GB (or the server named by
  MEDBRIDGE_BENCH_POSTGRES_URL); SQLite is the app's own configuration. Timed as an anonymous
  visitor (confidentiality applies), after 50 untimed searches: 200 searches (60% one technology term, 25% term +
  disease, 15% a rare word) and 50 needs' matches (need text of ~4 terms, 2 fields).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.data.build_matching_set import DISEASES, FILLERS, OBJECTS, TOPICS  # noqa: E402
from bench.library_bench import REGIONS, databases, fresh  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from medbridge.library.models import Outcome  # noqa: E402
from medbridge.library.taxonomy import get_taxonomy  # noqa: E402
from medbridge.accounts.policy import ANONYMOUS, COMMAND_LINE  # noqa: E402
from medbridge.db import Database  # noqa: E402
from medbridge.library import service  # noqa: E402
from medbridge.matching import text  # noqa: E402
from medbridge.matching.evaluate import BigramBM25, evaluate, ndcg_at, recall_at  # noqa: E402
from medbridge.matching.index import rebuild  # noqa: E402
from medbridge.matching.match import match_need  # noqa: E402
from medbridge.matching.search import SearchFilters, search, top_documents  # noqa: E402
from medbridge.needs import service as needs  # noqa: E402
from medbridge.registry.models import Organization  # noqa: E402
from medbridge.registry.service import create_organization  # noqa: E402

DATA = ROOT / "bench" / "data" / "matching_set.json"
CMEDIR = ROOT.parent / "shared" / "data" / "cmedir" / "dev.jsonl"


# --- quality ----------------------------------------------------------------------------

def quality_own_set(workdir: str) -> dict:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    db = Database(f"sqlite:///{workdir}/quality.db")
    db.migrate()
    ids, keys = {}, {}
    with db.session() as s:
        owner = create_organization(s, name="基准医院", kind="hospital", province="北京市", city="北京市")
        poster = create_organization(s, name="基准企业", kind="enterprise", province="上海市", city="上海市")
        for o in data["outcomes"]:
            made = service.create_outcome(s, {"code": o["key"], "title": o["title"], "summary": o["summary"],
                                              "owner_id": owner.id, "kind": "method", "field": o["field"],
                                              "stage": o["stage"]}, "bench")
            ids[o["key"]], keys[made.id] = made.id, o["key"]
        need_rows = [(n, needs.create_need(s, {"kind": n["kind"], "title": n["title"], "description": n["description"],
                                               "owner_id": poster.id, "fields": n["fields"], "stages": n["stages"]},
                                           "bench")) for n in data["needs"]]
        corpus = [f"{o['title']} {o['summary']}" for o in data["outcomes"]]
        order = [o["key"] for o in data["outcomes"]]
        baseline = BigramBM25(corpus)
        runs = {"engine (match_need)": {}, "engine, text only": {}, "baseline (bigram BM25)": {}}
        for spec, need in need_rows:
            runs["engine (match_need)"][spec["key"]] = [keys[m.id] for m in match_need(s, need, ANONYMOUS, limit=50)]
            groups = text.query_terms(f"{need.title} {need.description}")
            runs["engine, text only"][spec["key"]] = [keys[d] for _, d, _ in
                                                       top_documents(s, groups, ANONYMOUS, ("outcome",), 50)]
            runs["baseline (bigram BM25)"][spec["key"]] = [order[i] for i in
                                                            baseline.rank(f"{need.title} {need.description}")]
    db.dispose()
    judged = {n["key"]: n["judged"] for n in data["needs"]}
    result = {"needs": len(data["needs"]), "outcomes": len(data["outcomes"])}
    for name, run in runs.items():
        result[name] = _mean_metrics(run, judged)
        result[name]["hand-written needs only"] = _mean_metrics(
            {k: v for k, v in run.items() if k.startswith("H")}, {k: v for k, v in judged.items() if k.startswith("H")})
    return result


def _mean_metrics(run: dict, judged: dict) -> dict:
    keys = [k for k in judged if judged[k]]
    return {"ndcg@10": round(statistics.mean(ndcg_at(run.get(k, []), judged[k]) for k in keys), 4),
            "recall@50": round(statistics.mean(recall_at(run.get(k, []), judged[k]) for k in keys), 4)}


# --- speed ------------------------------------------------------------------------------

def vocabulary(rng: random.Random) -> dict:
    from medbridge.matching.text import domain_terms

    terms = sorted({w for w, _, _ in domain_terms()} | {t for topics in TOPICS.values() for group in topics
                                                        for t in group})
    diseases = DISEASES + ["高血压", "心力衰竭", "心律失常", "胃癌", "结直肠癌", "甲状腺癌", "白血病", "淋巴瘤",
                           "哮喘", "慢阻肺", "肺纤维化", "类风湿关节炎", "银屑病", "红斑狼疮", "多发性硬化",
                           "癫痫", "偏头痛", "青光眼", "黄斑变性", "白内障", "龋齿", "牙周炎", "骨质疏松",
                           "肥胖症", "痛风", "脓毒症", "败血症", "烧伤"]
    chars = "安宝博昌晨成诚达德鼎东方丰福光广国海瀚和恒弘华辉佳嘉健金锦晶景康科坤蓝雷立联林灵隆美明铭诺鹏齐启" \
            "强清庆荣瑞睿森晟盛世泰天通同威维伟文希翔新鑫信兴星旭雅扬耀益翼英盈永优宇元远源悦跃云泽展正之智中众卓"
    rare = sorted({"".join(rng.sample(chars, rng.choice((2, 3)))) for _ in range(20_000)})
    return {"terms": terms, "diseases": diseases, "rare": rare}


def populate(db: Database, count: int, rng: random.Random, words: dict) -> None:
    taxonomy = get_taxonomy()
    with db.session() as s:
        orgs = [Organization(name=f"基准机构{i}号", kind=rng.choice(["hospital", "university", "institute"]),
                             province=REGIONS[i % 4][0], city=REGIONS[i % 4][1]) for i in range(500)]
        s.add_all(orgs)
        s.flush()
        org_ids = [o.id for o in orgs]
    batch = []
    for i in range(count):
        first, second = rng.sample(words["terms"], 2)
        disease, obj = rng.choice(words["diseases"]), rng.choice(OBJECTS)
        tail = rng.sample(words["rare"], 3)
        batch.append({
            "code": f"MB-{i:07d}", "title": f"面向{disease}的{first}{obj}{tail[0]}",
            "summary": f"本成果结合{first}与{second}，用于{disease}患者的诊疗，代号{tail[1]}{tail[2]}。"
                       + rng.choice(FILLERS),
            "owner_id": rng.choice(org_ids), "inventors": [], "kind": rng.choice(taxonomy.kinds.keys),
            "field": rng.choice(taxonomy.fields.keys), "field_source": "manual", "segment": "",
            "stage": rng.choice(taxonomy.stages.keys), "patents": [], "clinical_trial_id": "",
            "regulatory_status": "none", "transfer_modes": [], "keywords": [], "contact": "", "version": 1,
            "confidentiality": rng.choice(["public", "public", "summary", "confidential"]), "is_demo": False,
            "grade_breakdown": []})
        if len(batch) == 5000 or i == count - 1:
            with db.session() as s:
                s.execute(insert(Outcome), batch)
            batch = []


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"p50_ms": round(1000 * statistics.median(ordered), 1),
            "p95_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
            "n": len(ordered)}


def build(db: Database, size: int) -> dict:
    """Load `size` generated outcomes and index them; the times each took."""
    started = time.perf_counter()
    populate(db, size, random.Random(size), vocabulary(random.Random(1)))
    load = time.perf_counter() - started
    started = time.perf_counter()
    with db.session() as s:
        counts = rebuild(s)
    built = {"bulk_load_s": round(load, 1), "index_build_s": round(time.perf_counter() - started, 1),
             "indexed": counts}
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")   # as autovacuum would, soon after a bulk load
    return built


# Searches of the same mix run untimed first, as on a server that has been answering for a
# while: the segmenter and the organization names load, statements are compiled and cached.
# (50 or 400 of them made no difference I could measure at a million outcomes.)
WARM_UP = 50


def speed(db: Database, size: int) -> dict:
    """Time searches and need matches on a built database (the needs are rolled back)."""
    words, rng = vocabulary(random.Random(1)), random.Random(-size)
    queries = []
    for _ in range(WARM_UP + 200):
        roll = rng.random()
        if roll < 0.6:
            queries.append(rng.choice(words["terms"]))
        elif roll < 0.85:
            queries.append(f"{rng.choice(words['terms'])} {rng.choice(words['diseases'])}")
        else:
            queries.append(rng.choice(words["rare"]))
    fields = get_taxonomy().fields.keys
    search_times, match_times, totals = [], [], []
    with db.session() as s:
        org_ids = [o.id for o in s.query(Organization).limit(50)]
        made = [needs.create_need(s, {"kind": "tech_need",
                                      "title": f"寻找{rng.choice(words['terms'])}用于{rng.choice(words['diseases'])}",
                                      "description": "希望结合" + "、".join(rng.sample(words["terms"], 2)) + "开展合作",
                                      "owner_id": rng.choice(org_ids), "fields": rng.sample(fields, 2),
                                      "stages": ["prototype", "clinical"]}, "bench") for _ in range(50)]
        for q in queries[:WARM_UP]:
            search(s, SearchFilters(q=q), ANONYMOUS)
        for q in queries[WARM_UP:]:
            t0 = time.perf_counter()
            totals.append(search(s, SearchFilters(q=q), ANONYMOUS).total)
            search_times.append(time.perf_counter() - t0)
        for need in made:
            t0 = time.perf_counter()
            match_need(s, need, ANONYMOUS)
            match_times.append(time.perf_counter() - t0)
        s.rollback()
    return {"search": {**percentiles(search_times), "median_results": statistics.median(totals)},
            "match_need": percentiles(match_times)}


def speed_run(backend: str, url: str, size: int, keep: Path | None) -> dict:
    """Build a database of `size` outcomes and time it. With `keep`, the database stays (SQLite:
    a file there; PostgreSQL: its database on the server) with a note of how its build went,
    and a later run with the same `keep` times it again without building."""
    note = keep / f"match_bench_{backend}_{size}.json" if keep else None
    if backend == "sqlite" and keep:
        url = f"sqlite:///{keep / f'match_bench_{size}.db'}"
    if note and note.exists():
        built = json.loads(note.read_text(encoding="utf-8"))
        db = Database(url if backend == "sqlite" else url.rsplit("/", 1)[0] + f"/match_bench_{size}")
    else:
        db = fresh(url, f"match_bench_{size}")
        built = build(db, size)
        if note:
            note.write_text(json.dumps(built), encoding="utf-8")
    try:
        return {"backend": backend, "outcomes": size, **built, **speed(db, size)}
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--cmedir", type=Path, default=CMEDIR)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "matching.json")
    parser.add_argument("--keep", type=Path, help="keep the speed databases in this folder and time them again "
                        "on later runs without building (PostgreSQL: only on MEDBRIDGE_BENCH_POSTGRES_URL's server)")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()}}
    with tempfile.TemporaryDirectory() as workdir:
        if not args.skip_quality:
            results["quality_own_set"] = quality_own_set(workdir)
            print(json.dumps({"quality_own_set": results["quality_own_set"]}, ensure_ascii=False, indent=1))
            if args.cmedir.exists():
                results["quality_cmedir"] = evaluate(args.cmedir)
                print(json.dumps({"quality_cmedir": results["quality_cmedir"]}, ensure_ascii=False, indent=1))
        if not args.skip_speed:
            results["speed"] = []
            for backend, url, server in databases(workdir):
                if backend not in args.backends:
                    if server:
                        server.stop()
                    continue
                try:
                    for size in args.scales:
                        run = speed_run(backend, url, size, None if server else args.keep)
                        results["speed"].append(run)
                        print(json.dumps(run, ensure_ascii=False))
                finally:
                    if server:
                        server.stop()
    args.out.parent.mkdir(exist_ok=True)
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    previous.update({k: v for k, v in results.items() if k != "speed"})
    if "speed" in results:  # keep runs of other scales and backends from earlier invocations
        kept = [r for r in previous.get("speed", []) if (r["backend"], r["outcomes"]) not in
                {(n["backend"], n["outcomes"]) for n in results["speed"]}]
        previous["speed"] = sorted(kept + results["speed"], key=lambda r: (r["backend"], r["outcomes"]))
    args.out.write_text(json.dumps(previous, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
