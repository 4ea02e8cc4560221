"""`medbridge extract FILE` (no database) and `medbridge ingest PATH...` (stores and links)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from medbridge.cli import Context, _emit, _fail, pass_context
from medbridge.text.reading import UnreadableFile, expand_paths, read_file


@click.command("extract")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def extract_command(file: Path, as_json):
    """Analyse one article without storing it. 抽取一篇文章（不写库）"""
    from medbridge.extract.pipeline import extract

    if not file.exists():
        _fail(f"文件不存在 / no such file: {file}")
    try:
        articles = read_file(file)
    except UnreadableFile as exc:
        _fail(f"{file}: {exc}")
    if len(articles) != 1:
        _fail(f"{file}: 含 {len(articles)} 篇文章，请用 ingest / holds {len(articles)} articles; use ingest")
    raw = articles[0]
    result = extract(raw.text, title=raw.title, article_date=raw.date, source=raw.source).as_contract()
    _emit(as_json, result, _describe(result))


def _describe(result: dict) -> str:
    lines = [f"{result['title']}  {result['date'] or ''}  {result['source']}"]
    lines += [f"  机构 {o['name']} ({o['kind']})" + (f" = {'、'.join(o['aliases'])}" if o["aliases"] else "")
              for o in result["organizations"]]
    lines += [f"  人物 {p['name']} {p['title']} {p['organization']}" for p in result["people"]]
    lines += [f"  数额 {a['text']} = {a['value']} {a['unit']} ({a['measure']})" for a in result["amounts"]]
    lines += [f"  事件 {e['type']} {e['date'] or ''}: {'、'.join(e['participants'])}" for e in result["events"]]
    return "\n".join(lines)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.option("--demo", "is_demo", is_flag=True, help="Mark the articles as demo data.")
@pass_context
def ingest_command(context: Context, paths, as_json, is_demo):
    """Read articles (.txt .html .md .jsonl, folders), extract and link them. 导入新闻文章"""
    from medbridge.news.service import RegistryIndex, store_article

    files = expand_paths(list(paths))
    results, failures = [], 0
    with context.database.session() as session, \
            click.progressbar(files, label="导入 / ingesting", file=sys.stderr,
                              show_pos=True, item_show_func=lambda p: p.name if p else "") as bar:
        index = RegistryIndex.load(session)
        for path in bar:
            try:
                raws = read_file(path) if path.exists() else None
                if raws is None:
                    raise UnreadableFile("文件不存在 / no such file")
            except (UnreadableFile, OSError) as exc:
                failures += 1
                results.append({"path": str(path), "status": "refused", "error": str(exc)})
                continue
            for raw in raws:
                with session.begin_nested():
                    article, created = store_article(session, raw, is_demo=is_demo, index=index)
                results.append({"path": raw.origin, "status": "ingested" if created else "duplicate",
                                "article_id": article.id, **article.extraction})
    for result in results:
        if result["status"] == "refused":
            click.echo(f"拒绝 / refused {result['path']}: {result['error']}", err=True)
    summary = {status: sum(r["status"] == status for r in results) for status in ("ingested", "duplicate", "refused")}
    _emit(as_json, {"summary": summary, "articles": results},
          "\n".join(_line(r) for r in results) + "\n" + json.dumps(summary, ensure_ascii=False))
    if failures and failures == len(results):
        sys.exit(1)


def _line(result: dict) -> str:
    if result["status"] == "refused":
        return f"✗ {result['path']}: {result['error']}"
    mark = "✓" if result["status"] == "ingested" else "="
    return (f"{mark} #{result['article_id']} {result['title']} {result['date'] or ''} {result['source']} — "
            f"{len(result['organizations'])} 机构, {len(result['people'])} 人物, {len(result['events'])} 事件")


NEWS_COMMANDS = (extract_command, ingest_command)
