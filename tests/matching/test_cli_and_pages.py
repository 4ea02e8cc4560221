"""The scripts' contract (search, match, index, eval as JSON) and the pages around matching."""

from __future__ import annotations

import json

from click.testing import CliRunner

from medbridge.cli import main


def run(db, *args):
    result = CliRunner().invoke(main, ["--database", db.url, *args])
    return result


def test_search_prints_a_ranked_json_list(db, world):
    result = run(db, "search", "腦機介面", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and set(rows[0]) >= {"id", "kind", "title", "score", "reasons"}
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert {"kind": "outcome", "id": world.bci.id} in [{"kind": r["kind"], "id": r["id"]} for r in rows]


def test_match_commands_print_matches_with_reasons(db, world):
    need = json.loads(run(db, "match", "need", world.need.code, "--json").output)
    assert need[0]["id"] == world.stroke.id and need[0]["kind"] == "outcome" and need[0]["reasons"]
    outcome = json.loads(run(db, "match", "outcome", "BCI-1", "--json").output)
    assert outcome[0] == {**outcome[0], "id": world.investor.id, "kind": "investor"}
    assert run(db, "match", "outcome", "NOPE", "--json").exit_code != 0


def test_index_rebuild_reports_counts(db, world):
    result = json.loads(run(db, "index", "rebuild", "--json").output)
    assert (result["outcome"], result["organization"], result["need"]) == (4, 4, 2)


def test_eval_retrieval_scores_engine_and_baseline(tmp_path):
    judged = tmp_path / "dev.jsonl"
    lines = [{"query": "脑机接口康复", "documents": [{"title": "脑机接口用于卒中康复", "label": "2"},
                                                   {"title": "糖尿病饮食指南", "label": "0"}]},
             {"query": "糖尿病 饮食", "documents": [{"title": "糖尿病饮食指南", "label": "2"}]}]
    judged.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "retrieval", str(judged), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["documents"] == 2 and data["queries"] == 2
    assert data["engine"]["ndcg@10"] == 1.0 and data["engine"]["recall@50"] == 1.0
    assert set(data["baseline"]) >= {"ndcg@10", "recall@50"}
    broken = tmp_path / "broken.jsonl"
    broken.write_text("not json\n")
    assert CliRunner().invoke(main, ["eval", "retrieval", str(broken), "--json"]).exit_code != 0


def test_pages_show_search_results_needs_and_matches(client, world):
    page = client.get("/search", params={"q": "BCI"})
    assert page.status_code == 200 and "<mark>脑机接口</mark>" in page.text and "facet" in page.text
    assert "镁合金" not in client.get("/search", params={"q": "支架"}).text
    need = client.get(f"/needs/{world.thesis.id}")
    assert need.status_code == 200 and "非侵入式脑机接口康复训练系统" in need.text and "共同关键词" in need.text
    matches = client.get(f"/outcomes/{world.bci.id}/matches")
    assert matches.status_code == 200 and "北辰脑科学创业投资基金" in matches.text
    assert client.get(f"/outcomes/{world.confidential.id}/matches").status_code == 404
    assert "需求" in client.get("/needs").text and client.get("/needs?lang=en").status_code == 200
