"""Command line: `medbridge search`, `match`, `index`, `eval`, `needs`, `feedback`.

Scripts read `--json`: search and match print a JSON list of {id, kind, title, score, reasons},
best first. The command line acts with the database's own authority (as an administrator).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from medbridge.accounts.policy import COMMAND_LINE
from medbridge.cli import Context, _emit, _fail, handles_domain_errors, pass_context


def search_rows(result) -> list[dict]:
    rows = []
    for hit in result.hits:
        matched = sorted(set(re.findall(r"<mark>(.*?)</mark>", hit.title_html + hit.snippet_html)))
        reasons = [f"命中 / matched: {'、'.join(matched)}"] if matched else []
        rows.append({"id": hit.id, "kind": hit.kind, "title": hit.title, "score": round(hit.score, 4),
                     "reasons": reasons, "snippet": re.sub(r"</?mark>", "", hit.snippet_html)})
    return rows


@click.command("search")
@click.argument("query")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["outcome", "organization", "need"]),
              help="Only these document kinds (repeatable).")
@click.option("--type", "sub_kind", default="", help="Outcome kind, organization kind or need kind (key).")
@click.option("--field", default="")
@click.option("--stage", default="")
@click.option("--region", default="", help="Province.")
@click.option("--page", default=1, show_default=True)
@click.option("--limit", "per_page", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def search_command(context: Context, query, kinds, sub_kind, field, stage, region, page, per_page, as_json):
    """Search outcomes, organizations and needs (Chinese, Traditional or English). 检索"""
    from medbridge.matching.search import SearchFilters, search

    filters = SearchFilters(q=query, kinds=tuple(kinds), sub_kind=sub_kind, field=field, stage=stage,
                            region=region, page=page, per_page=per_page)
    with context.database.session() as session:
        result = search(session, filters, COMMAND_LINE, with_facets=not as_json)
        rows = search_rows(result)
    lines = [f"{r['score']:>8.3f}  {r['kind']:<12} {r['id']:>6}  {r['title']}" for r in rows]
    lines.append(f"共{result.total}条 / {result.total} found"
                 + "".join(f"\n  {name}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
                           for name, counts in result.facets.items() if counts))
    _emit(as_json, rows, "\n".join(lines))


@click.group("match")
def match_group():
    """Ranked matches with reasons. 供需匹配"""


def _print_matches(matches, as_json: bool) -> None:
    rows = [m.as_dict() for m in matches]
    text = "\n".join(f"{r['score']:>6.3f}  {r['kind']:<12} {r['id']:>6}  {r['title']}\n"
                     + "".join(f"          · {reason}\n" for reason in r["reasons"]) for r in rows)
    _emit(as_json, rows, text or "没有匹配 / no matches")


@match_group.command("need")
@click.argument("ref")
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def match_need_command(context: Context, ref, limit, as_json):
    """Outcomes for a need (id or code)."""
    from medbridge.matching.match import match_need
    from medbridge.needs.service import get_need_by_ref

    with context.database.session() as session:
        _print_matches(match_need(session, get_need_by_ref(session, ref), COMMAND_LINE, limit), as_json)


@match_group.command("outcome")
@click.argument("ref")
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def match_outcome_command(context: Context, ref, limit, as_json):
    """Enterprises, investors, incubators and parks for an outcome (id or code)."""
    from medbridge.library.service import get_outcome_by_ref
    from medbridge.matching.match import match_outcome

    with context.database.session() as session:
        _print_matches(match_outcome(session, get_outcome_by_ref(session, ref), COMMAND_LINE, limit), as_json)


@click.group("index")
def index_group():
    """The search index. 检索索引"""


@index_group.command("rebuild")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def index_rebuild(context: Context, as_json):
    """Index every outcome, organization and need again."""
    import time

    from medbridge.matching.index import rebuild

    started = time.perf_counter()
    with context.database.session() as session:
        counts = rebuild(session)
    seconds = round(time.perf_counter() - started, 2)
    _emit(as_json, {**counts, "seconds": seconds},
          "已重建索引 / index rebuilt: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + f" ({seconds}s)")


@click.group("eval")
def eval_group():
    """Measure quality. 评测"""


@eval_group.command("retrieval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def eval_retrieval(path: Path, as_json):
    """nDCG@10 and recall@50 of the search engine and a bigram BM25 baseline on a judged file
    (cMedIR format: {"query", "documents": [{"title", "label"}]} per line)."""
    from medbridge.matching.evaluate import evaluate

    try:
        result = evaluate(path)
    except (ValueError, UnicodeDecodeError) as exc:
        _fail(f"无法读取 / cannot read {path}: {exc}")
    text = (f"{result['documents']} documents, {result['queries']} queries\n"
            + "\n".join(f"{name:<9} ndcg@10 {result[name]['ndcg@10']:.4f}  recall@50 {result[name]['recall@50']:.4f}"
                        for name in ("engine", "baseline")))
    _emit(as_json, result, text)


@click.command("feedback")
@click.argument("verdict", type=click.Choice(["relevant", "irrelevant", "contacted"]))
@click.option("--outcome", "outcome_id", type=int, required=True)
@click.option("--need", "need_id", type=int, default=None)
@click.option("--org", "organization_id", type=int, default=None)
@click.option("--user", "username", required=True, help="Whose verdict this is (an existing user).")
@click.option("--note", default="")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def feedback_command(context: Context, verdict, outcome_id, need_id, organization_id, username, note, as_json):
    """Record a verdict on a match (need→outcome with --need, outcome→organization with --org)."""
    from medbridge.accounts.service import get_user, viewer_for
    from medbridge.matching import feedback

    with context.database.session() as session:
        user = get_user(session, username)
        stored = feedback.record(session, viewer_for(session, user), verdict, outcome_id, need_id,
                                 organization_id, note)
        data = {"id": stored.id, "verdict": stored.verdict, "outcome_id": outcome_id, "need_id": need_id,
                "organization_id": organization_id}
    _emit(as_json, data, f"已记录 / recorded: {verdict}")


from medbridge.needs.cli import needs_group  # noqa: E402

COMMANDS = (search_command, match_group, index_group, eval_group, feedback_command, needs_group)
