"""`medbridge deals …` and `medbridge competitions …`: the transfer pipeline and competitions from
the command line (run with the database's own authority, as an administrator)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from medbridge.accounts.policy import COMMAND_LINE
from medbridge.cli import Context, _emit, _fail, handles_domain_errors, pass_context
from medbridge.transfer.models import ALL_DEAL_STAGES, DEAL_MODES


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"日期格式应为 YYYY-MM-DD / a date as YYYY-MM-DD: {value}")


@click.group()
def deals():
    """Deals: list, start, move through stages, cycle time. 交易"""


@deals.command("list")
@click.option("--stage", type=click.Choice(ALL_DEAL_STAGES))
@click.option("--mode", type=click.Choice(DEAL_MODES))
@click.option("--year", type=int)
@click.option("--q", default="")
@click.option("--page", default=1, show_default=True)
@click.option("--per-page", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def deals_list(context: Context, stage, mode, year, q, page, per_page, as_json):
    """List deals with filters."""
    from medbridge.transfer import service

    filters = service.DealFilters(q=q, stage=stage or "", mode=mode or "", year=year, page=page, per_page=per_page)
    with context.database.session() as session:
        result = service.list_deals(session, COMMAND_LINE, filters)
        rows = [service.deal_dict(d, COMMAND_LINE) for d in result.items]
    text = "\n".join([f"{r['id']:>5}  {r['stage']:<14} {r['stage_since']}  {r['mode']:<14} {r['title']}" for r in rows]
                     + [f"共{result.total}项 / {result.total} deals, page {result.page} of {result.pages}"])
    _emit(as_json, {"total": result.total, "page": result.page, "pages": result.pages, "items": rows}, text)


@deals.command("show")
@click.argument("deal_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def deals_show(context: Context, deal_id, as_json):
    """One deal with its stage history."""
    from medbridge.transfer import service

    with context.database.session() as session:
        data = service.deal_dict(service.get_deal(session, COMMAND_LINE, deal_id), COMMAND_LINE)
    lines = [f"{data['title']}  [{data['stage']}]", f"成果 outcome: {data['outcome']['code']} {data['outcome']['title']}",
             "对方 counterparties: " + "、".join(c["name"] for c in data["counterparties"])]
    lines += [f"  {e['happened_on']}  {e['from_stage'] or '-':>14} → {e['to_stage']:<14} {e['author']}  {e['reason']}"
              for e in data["events"]]
    _emit(as_json, data, "\n".join(lines))


@deals.command("new")
@click.option("--outcome", "outcome_ref", required=True, help="outcome id or code")
@click.option("--counterparty", "counterparties", multiple=True, required=True, help="organization id, name or alias")
@click.option("--mode", type=click.Choice(DEAL_MODES), required=True)
@click.option("--value", type=float)
@click.option("--terms", default="")
@click.option("--document", "documents", multiple=True)
@click.option("--started-on")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def deals_new(context: Context, outcome_ref, counterparties, mode, value, terms, documents, started_on, as_json):
    """Start a deal at 'contacted'."""
    from medbridge.library.service import get_outcome_by_ref
    from medbridge.registry.service import find_organization
    from medbridge.transfer import service

    with context.database.session() as session:
        outcome = get_outcome_by_ref(session, outcome_ref)
        ids = []
        for ref in counterparties:
            org = find_organization(session, ref)
            if org is None:
                _fail(f"机构不存在 / organization not found: {ref}")
            ids.append(org.id)
        deal = service.create_deal(session, COMMAND_LINE, outcome.id, ids, mode, started_on=_day(started_on),
                                   value=value, terms=terms, documents=documents)
        data = service.deal_dict(deal, COMMAND_LINE)
    _emit(as_json, data, f"已新建交易 / deal created: {data['id']} {data['title']}")


@deals.command("move")
@click.argument("deal_id", type=int)
@click.argument("stage", type=click.Choice(ALL_DEAL_STAGES))
@click.option("--on", "happened_on", help="YYYY-MM-DD, default today")
@click.option("--reason", default="")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def deals_move(context: Context, deal_id, stage, happened_on, reason, as_json):
    """Move a deal to a stage (a reason is needed to move back or to mark it lost)."""
    from medbridge.transfer import service

    with context.database.session() as session:
        deal = service.get_deal(session, COMMAND_LINE, deal_id)
        service.move_deal(session, COMMAND_LINE, deal, stage, _day(happened_on), reason)
        data = service.deal_dict(deal, COMMAND_LINE)
    _emit(as_json, data, f"{data['id']}: {data['stage']} ({data['stage_since']})")


@deals.command("cycle-time")
@click.option("--mode", type=click.Choice(DEAL_MODES))
@click.option("--year", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def deals_cycle_time(context: Context, mode, year, as_json):
    """Median and quartiles of days per stage and end to end; the funnel."""
    from medbridge.transfer import analytics, service

    with context.database.session() as session:
        data = analytics.report(session, COMMAND_LINE, service.DealFilters(mode=mode or "", year=year))

    def line(name, s):
        return f"  {name:<16} " + (f"median {s['median']:>7}  q1 {s['q1']:>7}  q3 {s['q3']:>7}  n={s['count']}" if s else "—")

    lines = [f"交易 deals: {data['deals']}", "各阶段天数 days per stage:"]
    lines += [line(stage, s) for stage, s in data["stages"].items()]
    lines += [line("contacted→signed", data["end_to_end"]), "漏斗 funnel:"]
    lines += [f"  {stage:<16} {count}" for stage, count in data["funnel"]]
    _emit(as_json, data, "\n".join(lines))


@deals.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def deals_export(context: Context, path: Path, as_json):
    """Export every deal to PATH (.csv or .xlsx)."""
    from medbridge.transfer import service

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        _fail("文件名应以 .csv 或 .xlsx 结尾 / the file must end in .csv or .xlsx")
    with context.database.session() as session:
        content = service.export_deals(session, COMMAND_LINE, service.DealFilters(), fmt)
    path.write_bytes(content)
    _emit(as_json, {"path": str(path), "bytes": len(content)}, f"已导出 / exported: {path}")


# --- competitions ----------------------------------------------------------------------------

@click.group()
def competitions():
    """Competitions: panels, rankings, awards, result sheets. 赛事"""


@competitions.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def competitions_list(context: Context, as_json):
    """Every competition."""
    from medbridge.review import service

    with context.database.session() as session:
        rows = [{"id": c.id, "name": c.name, "year": c.year, "status": c.status, "entries": len(c.entries),
                 "judges": len(c.judges)} for c in service.list_competitions(session)]
    _emit(as_json, rows, "\n".join(f"{r['id']:>4}  {r['year']}  {r['status']:<9} {r['name']}  "
                                   f"({r['entries']} entries, {r['judges']} judges)" for r in rows)
          or "没有赛事 / no competitions")


@competitions.command("new")
@click.option("--name", required=True)
@click.option("--year", type=int, required=True)
@click.option("--organizer", help="organization id, name or alias")
@click.option("--rounds", "rounds_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSON: [{"name": "初赛", "judges_per_entry": 3, "advancing": 6, "rubric": {"criteria": '
                   '[{"key": "innovation", "label": "创新性", "weight": 0.3}, …], "scale": [0, 10]}}, …]')
@click.option("--award", "awards", multiple=True, help="NAME:COUNT, best first, e.g. --award 一等奖:1")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def competitions_new(context: Context, name, year, organizer, rounds_file, awards, as_json):
    """Create a competition (one round on the default rubric unless --rounds gives them)."""
    import json

    from medbridge.registry.service import find_organization
    from medbridge.review import service

    try:
        rounds = json.loads(rounds_file.read_text(encoding="utf-8")) if rounds_file else []
    except ValueError as exc:
        _fail(f"轮次文件不是有效的JSON / the rounds file is not valid JSON: {exc}")
    prizes = [{"name": a.partition(":")[0], "count": a.partition(":")[2] or 1} for a in awards]
    with context.database.session() as session:
        org = find_organization(session, organizer) if organizer else None
        if organizer and org is None:
            _fail(f"机构不存在 / organization not found: {organizer}")
        competition = service.create_competition(session, COMMAND_LINE, name, year, organizer_id=org.id if org else None,
                                                 awards=prizes, rounds=rounds)
        data = {"id": competition.id, "name": competition.name, "rounds": len(competition.rounds)}
    _emit(as_json, data, f"已新建赛事 / competition created: {data['id']} {data['name']}")


@competitions.command("assign")
@click.argument("competition_id", type=int)
@click.option("--round", "number", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def competitions_assign(context: Context, competition_id, number, as_json):
    """Assign the round's panels automatically, without conflicts of interest."""
    from medbridge.review import service

    with context.database.session() as session:
        competition = service.get_competition(session, competition_id)
        plan = service.auto_assign(session, COMMAND_LINE, service.get_round(session, competition, number))
        data = {"panels": plan.panels, "shortfalls": plan.shortfalls, "load": plan.load()}
    _emit(as_json, data, f"已分配 / assigned: {sum(len(v) for v in plan.panels.values())} assignments, "
                         f"{len(plan.shortfalls)} entries short of judges")


@competitions.command("ranking")
@click.argument("competition_id", type=int)
@click.option("--round", "number", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def competitions_ranking(context: Context, competition_id, number, as_json):
    """The normalized ranking of a round (default: the last)."""
    from medbridge.review import service

    with context.database.session() as session:
        competition = service.get_competition(session, competition_id)
        rnd = service.get_round(session, competition, number or len(competition.rounds))
        titles = {e.id: e.title for e in competition.entries}
        rows = [{"rank": r.rank, "tied": r.tied, "entry_id": r.entry_id, "title": titles[r.entry_id],
                 "normalized": r.normalized, "raw": r.raw, "judges": r.judges, "award": r.award}
                for r in service.ranking(session, rnd)]
    _emit(as_json, rows, "\n".join(f"{r['rank'] or '-':>3}{'=' if r['tied'] else ' '} {r['normalized'] or '-':>6} "
                                   f"{r['raw'] or '-':>6}  {r['award']:<6} {r['title']}" for r in rows))


@competitions.command("finish")
@click.argument("competition_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def competitions_finish(context: Context, competition_id, as_json):
    """Close every round and give the awards by the final ranking."""
    from medbridge.review import service

    with context.database.session() as session:
        ranked = service.finish(session, COMMAND_LINE, service.get_competition(session, competition_id))
        rows = [{"entry_id": r.entry_id, "rank": r.rank, "award": r.award} for r in ranked if r.award]
    _emit(as_json, rows, "\n".join(f"{r['rank']:>3} {r['award']} #{r['entry_id']}" for r in rows) or "没有奖项 / no awards")


@competitions.command("results")
@click.argument("competition_id", type=int)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def competitions_results(context: Context, competition_id, path: Path, as_json):
    """Write the result sheet to PATH (.csv or .xlsx)."""
    from medbridge.review import service

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        _fail("文件名应以 .csv 或 .xlsx 结尾 / the file must end in .csv or .xlsx")
    with context.database.session() as session:
        content = service.result_sheet(session, COMMAND_LINE, service.get_competition(session, competition_id), fmt)
    path.write_bytes(content)
    _emit(as_json, {"path": str(path), "bytes": len(content)}, f"已导出 / exported: {path}")
