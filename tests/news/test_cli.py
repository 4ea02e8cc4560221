"""`medbridge extract` prints the contract without a database; `ingest` reads a batch and goes on past bad files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from medbridge.cli import main

# The five real sample articles, as copied into the labelled development set.
DEV_SET = Path(__file__).resolve().parents[2] / "bench" / "data" / "news_dev"


def test_extract_prints_the_contract(tmp_path, article_text):
    path = tmp_path / "a.txt"
    path.write_text(article_text, encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == "青松市打造智能医工创新高地" and data["date"] == "2024-06-12" and data["source"] == "青松日报"
    assert {"name": "星河医科大学附属青松松柏医院", "kind": "hospital", "aliases": ["松柏医院"]}.items() <= \
        next(o for o in data["organizations"] if o["kind"] == "hospital").items()
    assert all(set(e) >= {"type", "participants", "date", "evidence"} for e in data["events"])
    assert all(set(a) >= {"text", "value", "unit", "measure"} for a in data["amounts"])
    assert all(set(p) >= {"name", "title", "organization"} for p in data["people"])


def test_extract_refuses_a_binary_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\x00\x01\x02" * 100)
    result = CliRunner().invoke(main, ["extract", str(path), "--json"])
    assert result.exit_code != 0 and "binary" in result.output


def test_ingest_goes_on_past_bad_files_and_is_idempotent(run, tmp_path, article_text):
    (tmp_path / "good.txt").write_text(article_text, encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes("星河大学与云帆医疗签署战略合作协议，共建联合实验室。".encode("gbk"))
    (tmp_path / "bad.txt").write_bytes(b"\x00\xff" * 64)
    result = run("ingest", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"] == {"ingested": 2, "duplicate": 0, "refused": 1}
    refused = next(a for a in data["articles"] if a["status"] == "refused")
    assert refused["path"].endswith("bad.txt") and "binary" in refused["error"]
    again = json.loads(run("ingest", str(tmp_path), "--json").stdout)
    assert again["summary"] == {"ingested": 0, "duplicate": 2, "refused": 1}


def test_ingest_fails_when_nothing_could_be_read(run, tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\x00" * 10)
    assert run("ingest", str(tmp_path / "bad.txt")).exit_code == 1


def test_ingest_the_real_samples(run, tmp_path):
    for sample in DEV_SET.glob("article-*.txt"):
        shutil.copy(sample, tmp_path / sample.name)
    data = json.loads(run("ingest", str(tmp_path), "--json").stdout)
    assert data["summary"]["ingested"] == 5
    first = next(a for a in data["articles"] if a["path"].endswith("article-0.txt"))
    assert first["title"] == "布局未来智慧医疗 丰台打造智能医工领域创新高地" and first["date"] == "2024-05-30"
    hospital = next(o for o in first["organizations"] if o["name"] == "首都医科大学附属北京天坛医院")
    assert (hospital["kind"], hospital["aliases"]) == ("hospital", ["天坛医院"]) and hospital["mentions"] > 5
    assert {"text": "423亿元", "value": 42300000000, "unit": "CNY", "measure": "目前总规模"} in first["amounts"]
