"""Benchmark of the outcome library: list/filter latency and import throughput.

Prints figures and writes them to bench/results/library.json. Run with `make bench`
(or `.venv/bin/python bench/library_bench.py --sizes 10000 100000`).

Data: synthetic outcomes (random fields, kinds, stages, TRL, patents; titles assembled from
a medical vocabulary) spread over 200 organizations in 4 regions, inserted in bulk and graded
with the real grading code. PostgreSQL is a throwaway server started from the installed
binaries (as in the tests), or MEDBRIDGE_BENCH_POSTGRES_URL.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medbridge.accounts.policy import COMMAND_LINE  # noqa: E402
from medbridge.db import Database  # noqa: E402
from medbridge.library import service  # noqa: E402
from medbridge.library.grading import default_rubric, grade_outcome  # noqa: E402
from medbridge.library.models import Outcome  # noqa: E402
from medbridge.library.spreadsheet import import_outcomes  # noqa: E402
from medbridge.library.taxonomy import get_taxonomy  # noqa: E402
from medbridge.registry.models import Organization  # noqa: E402

REGIONS = [("北京市", "北京市"), ("天津市", "天津市"), ("河北省", "石家庄市"), ("上海市", "上海市")]
WORDS = ["脑机接口", "柔性电极", "深度学习", "影像", "CAR-T", "试剂盒", "中药颗粒", "手术机器人", "支架",
         "肿瘤", "卒中", "糖尿病", "早筛", "导航", "类器官", "纳米药物", "超声", "可穿戴", "康复", "心电"]


def synthetic_rows(count: int, org_ids: list[int], rng: random.Random) -> list[dict]:
    taxonomy, rubric = get_taxonomy(), default_rubric()
    rows = []
    for i in range(count):
        stage = rng.choice(taxonomy.stages.keys)
        row = {
            "code": f"BENCH-{i:07}", "title": "".join(rng.sample(WORDS, 3)) + f"研究{i}",
            "summary": "，".join(rng.sample(WORDS, 8)), "owner_id": rng.choice(org_ids),
            "inventors": ["甲", "乙"][: rng.randint(0, 2)], "kind": rng.choice(taxonomy.kinds.keys),
            "field": rng.choice(taxonomy.fields.keys), "field_source": "manual", "field_confidence": None,
            "segment": "", "stage": stage, "trl": rng.randint(1, 9),
            "patents": [{"number": f"CN{i}", "type": "invention", "status": rng.choice(["granted", "pending"])}],
            "clinical_trial_id": "", "regulatory_status": rng.choice(taxonomy.regulatory_statuses.keys),
            "market_size": rng.choice([None, 5.0, 50.0, 150.0]), "transfer_modes": ["license"],
            "confidentiality": rng.choice(["public", "public", "summary", "confidential"]),
            "keywords": [], "contact": "", "version": 1, "is_demo": False,
        }
        result = grade_outcome(row, rubric)
        row.update(score=result.score, grade=result.grade, grade_breakdown=result.breakdown, rubric_version=1)
        rows.append(row)
    return rows


def populate(db: Database, count: int, seed: int = 7) -> float:
    rng = random.Random(seed)
    started = time.perf_counter()
    with db.session() as s:
        service.current_rubric(s)
        orgs = [Organization(name=f"基准机构{i}", kind=rng.choice(["hospital", "university", "institute"]),
                             province=REGIONS[i % 4][0], city=REGIONS[i % 4][1]) for i in range(200)]
        s.add_all(orgs)
        s.flush()
        org_ids = [o.id for o in orgs]
    batch = 5000
    for start in range(0, count, batch):
        rows = synthetic_rows(min(batch, count - start), org_ids, rng)
        for offset, row in enumerate(rows):
            row["code"] = f"BENCH-{start + offset:07}"
        with db.session() as s:
            s.execute(insert(Outcome), rows)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return time.perf_counter() - started


QUERIES = {
    "first page, newest first": service.OutcomeFilters(),
    "field + grade filter": service.OutcomeFilters(field="brain_science", grade="B"),
    "region filter, by score": service.OutcomeFilters(region="天津市", sort="-score"),
    "text search (LIKE)": service.OutcomeFilters(q="脑机接口柔性电极"),
    "deep page (page 200)": service.OutcomeFilters(page=200, per_page=20, sort="code"),
}


def time_queries(db: Database, repeats: int) -> dict:
    figures = {}
    with db.session() as s:
        for name, filters in QUERIES.items():
            samples = []
            for _ in range(repeats):
                started = time.perf_counter()
                service.list_outcomes(s, filters, COMMAND_LINE)
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            figures[name] = {"p50_ms": round(statistics.median(samples), 2),
                             "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2)}
    return figures


def time_import(db: Database, rows: int) -> dict:
    with db.session() as s:
        owner = s.scalar(text("SELECT name FROM organization ORDER BY id LIMIT 1"))
    book = Workbook()
    book.active.append(["编号", "名称", "所属机构", "成果类型", "领域", "阶段", "技术成熟度TRL", "专利"])
    for i in range(rows):
        book.active.append([f"IMP-{i:06}", f"导入测试成果{i}", owner, "器械/设备", "高端医疗器械", "样机/原型",
                            5, f"CN2023{i:07}.1:发明专利:已授权"])
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    with db.session() as s:
        started = time.perf_counter()
        report = import_outcomes(s, "bench.xlsx", content, author="bench", dry_run=True, viewer=COMMAND_LINE)
        dry = time.perf_counter() - started
        assert report.ok, report.errors[:3]
    with db.session() as s:
        started = time.perf_counter()
        report = import_outcomes(s, "bench.xlsx", content, author="bench", viewer=COMMAND_LINE)
        real = time.perf_counter() - started
        assert report.ok and report.created == rows
    return {"rows": rows, "validate_s": round(dry, 2), "validate_rows_per_s": round(rows / dry),
            "import_s": round(real, 2), "import_rows_per_s": round(rows / real)}


def databases(workdir: str):
    yield "sqlite", f"sqlite:///{workdir}/bench.db", None
    url = os.environ.get("MEDBRIDGE_BENCH_POSTGRES_URL")
    server = None
    if not url:
        from tests.postgres_server import TemporaryPostgres, find_postgres_bin

        bin_dir = find_postgres_bin()
        if bin_dir is None:
            print("PostgreSQL not installed: skipping it")
            return
        # Buffers sized for the data, as on a server that holds a million outcomes (the
        # default 128 MB would time the operating system's page cache instead).
        server = TemporaryPostgres(bin_dir, settings={"shared_buffers": "2GB"})
        url = server.start()
    yield "postgresql", url, server


def fresh(url: str, name: str) -> Database:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        db = Database(url)
    else:
        admin = Database(url)
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        db = Database(url.rsplit("/", 1)[0] + "/" + name)
    db.migrate()
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--import-rows", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()}, "runs": []}
    with tempfile.TemporaryDirectory() as workdir:
        for backend, url, server in databases(workdir):
            try:
                for size in args.sizes:
                    db = fresh(url, f"bench_{size}")
                    load_s = populate(db, size)
                    run = {"backend": backend, "outcomes": size, "bulk_load_s": round(load_s, 1),
                           "list": time_queries(db, args.repeats)}
                    if size == args.sizes[0]:
                        run["import"] = time_import(db, args.import_rows)
                    results["runs"].append(run)
                    print(json.dumps(run, ensure_ascii=False))
                    db.dispose()
            finally:
                if server:
                    server.stop()
    out = ROOT / "bench" / "results" / "library.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written: {out}")


if __name__ == "__main__":
    main()
