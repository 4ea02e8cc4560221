"""`medbridge chain …`: the industry chain from the command line (taxonomy, placements,
coverage, corridors, targets, figures, exports). Runs with the database's own authority, as
an administrator; --author names who a change is recorded as."""

from __future__ import annotations

from pathlib import Path

import click

from medbridge.accounts.policy import COMMAND_LINE, Viewer
from medbridge.cli import Context, _emit, _fail, handles_domain_errors, pass_context, read_json_file


def _as(author: str) -> Viewer:
    return Viewer(user_id=None, username=author or "cli", roles=COMMAND_LINE.roles)


def _org_id(session, ref: str) -> int:
    from medbridge.registry.service import find_organization

    org = find_organization(session, ref)
    if org is None:
        _fail(f"机构不存在 / no such organization: {ref}")
    return org.id


def _scope(session, region: str, park: str | None):
    from medbridge.chain.coverage import Scope

    return Scope(region=region or "", park_id=_org_id(session, park) if park else None)


@click.group()
def chain():
    """Industry chain: taxonomy, placements, coverage, targets, figures. 产业链"""


@chain.group()
def taxonomy():
    """Show, replace or list versions of the chain taxonomy. 产业链分类"""


@taxonomy.command("show")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def taxonomy_show(context: Context, as_json):
    """Print the taxonomy in force (`--json` gives what `taxonomy set` accepts back)."""
    from medbridge.chain.taxonomy import current_version

    with context.database.session() as session:
        row = current_version(session)
        data = {"version": row.version, "author": row.author, "data": row.data}
    lines = [f"产业链分类 chain taxonomy v{data['version']} ({data['author']})"]
    for c in data["data"]["chains"]:
        lines.append(f"  {c['zh']} [{c['key']}]: " + " — ".join(s["zh"] for s in c["segments"]))
    _emit(as_json, data, "\n".join(lines))


@taxonomy.command("set")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--author", default="cli", show_default=True)
@click.option("--reason", default="")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def taxonomy_set(context: Context, path: Path, author, reason, as_json):
    """Save a JSON file as a new version of the taxonomy."""
    from medbridge.chain import actions

    data = read_json_file(path)
    data = data.get("data", data) if isinstance(data, dict) and "chains" not in data else data
    with context.database.session() as session:
        row = actions.save_taxonomy(session, _as(author), data, reason)
        result = {"version": row.version}
    _emit(as_json, result, f"产业链分类 v{result['version']} 已生效 / chain taxonomy v{result['version']} in force")


@taxonomy.command("versions")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def taxonomy_versions(context: Context, as_json):
    """List every version, newest first."""
    from medbridge.chain.taxonomy import list_versions

    with context.database.session() as session:
        rows = [{"version": v.version, "author": v.author, "reason": v.reason, "created_at": v.created_at}
                for v in list_versions(session)]
    _emit(as_json, rows, "\n".join(f"v{r['version']}  {r['created_at']:%Y-%m-%d %H:%M}  {r['author']}  {r['reason']}"
                                   for r in rows))


@chain.command("suggest")
@click.option("--org", "orgs", multiple=True, help="organization name, alias or id (repeatable); default: all")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def suggest(context: Context, orgs, as_json):
    """Run the placement rules: store suggestions, never touching decisions people made."""
    from medbridge.chain import actions

    with context.database.session() as session:
        ids = [_org_id(session, ref) for ref in orgs] or None
        counts = actions.refresh_suggestions(session, _as("cli"), ids)
    _emit(as_json, counts, f"新增 added {counts['added']}, 保留 kept {counts['kept']}, 移除 dropped {counts['dropped']}")


@chain.command("placements")
@click.option("--status", type=click.Choice(["", "suggested", "confirmed", "rejected"]), default="")
@click.option("--region", default="")
@click.option("--chain", "chain_key", default="")
@click.option("--org", default=None)
@click.option("--page", default=1, type=click.IntRange(1))
@click.option("--per-page", default=50, type=click.IntRange(1, 200))
@click.option("--json", "as_json", is_flag=True)
@pass_context
def placements(context: Context, status, region, chain_key, org, page, per_page, as_json):
    """List placements (suggested ones with their confidence and reasons)."""
    from medbridge.chain.placement import PlacementFilters, list_placements

    with context.database.session() as session:
        filters = PlacementFilters(organization_id=_org_id(session, org) if org else None, chain=chain_key,
                                   status=status, region=region, page=page, per_page=per_page)
        rows, total = list_placements(session, filters)
        items = [{"id": p.id, "organization": p.organization.name, "chain": p.chain_key, "segment": p.segment_key,
                  "status": p.status, "confidence": p.confidence, "reasons": p.reasons, "decided_by": p.decided_by}
                 for p in rows]
    _emit(as_json, {"total": total, "items": items}, "\n".join(
        f"#{i['id']:<5} {i['status']:<9} {i['confidence'] if i['confidence'] is not None else '—':<5} "
        f"{i['chain']}/{i['segment']:<18} {i['organization']}" for i in items) or "没有记录 / nothing found")


@chain.command("place")
@click.argument("org")
@click.argument("chain_key", metavar="CHAIN")
@click.argument("segment")
@click.option("--note", default="")
@click.option("--author", default="cli", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def place(context: Context, org, chain_key, segment, note, author, as_json):
    """Place an organization in a segment (confirmed)."""
    from medbridge.chain import actions

    with context.database.session() as session:
        row = actions.place(session, _as(author), _org_id(session, org), chain_key, segment, note)
        result = {"id": row.id, "status": row.status}
    _emit(as_json, result, f"已确认 / confirmed #{result['id']}")


def _decide(context: Context, placement_id: int, confirm: bool, note: str, author: str, as_json: bool) -> None:
    from medbridge.chain import actions

    with context.database.session() as session:
        row = actions.decide(session, _as(author), placement_id, confirm, note)
        result = {"id": row.id, "status": row.status}
    _emit(as_json, result, f"#{result['id']}: {result['status']}")


@chain.command("confirm")
@click.argument("placement_id", type=click.IntRange(1))
@click.option("--note", default="")
@click.option("--author", default="cli", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def confirm(context: Context, placement_id, note, author, as_json):
    """Confirm a suggested placement."""
    _decide(context, placement_id, True, note, author, as_json)


@chain.command("reject")
@click.argument("placement_id", type=click.IntRange(1))
@click.option("--note", default="")
@click.option("--author", default="cli", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def reject(context: Context, placement_id, note, author, as_json):
    """Reject a suggested placement (the rules will not suggest it again)."""
    _decide(context, placement_id, False, note, author, as_json)


@chain.command("park")
@click.argument("org")
@click.argument("park", required=False)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def park(context: Context, org, park, as_json):
    """Attach ORG to the PARK it sits in (no PARK: detach)."""
    from medbridge.chain import actions

    with context.database.session() as session:
        tenancy = actions.set_park(session, _as("cli"), _org_id(session, org), _org_id(session, park) if park else None)
        result = {"organization": org, "park_id": tenancy.park_id if tenancy else None}
    _emit(as_json, result, f"{org}: {park or '—'}")


@chain.command("coverage")
@click.option("--region", default="")
@click.option("--park", default=None, help="a park's name or id: its tenants")
@click.option("--chain", "chain_key", default="")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def coverage(context: Context, region, park, chain_key, as_json):
    """Coverage and choke points of a region or park."""
    from medbridge.api.chain import coverage_out
    from medbridge.chain import coverage as cov
    from medbridge.chain import taxonomy as tax

    with context.database.session() as session:
        chains = tax.current(session)
        report = coverage_out(chains, cov.coverage(session, chains, COMMAND_LINE, _scope(session, region, park),
                                                   chain_key or None))
    lines = []
    for c in report:
        lines.append(f"{c['zh']} ({c['organizations']})")
        for s in c["segments"]:
            flag = " 卡点/choke" if s["choke"] else ""
            leading = "、".join(m["name"] for m in s["leading"])
            lines.append(f"  {s['zh']:<12} {s['count']:>3}  {s['status']:<8}{flag}  {leading}")
    _emit(as_json, report, "\n".join(lines))


@chain.command("corridors")
@click.argument("regions", nargs=-1)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def corridors(context: Context, regions, as_json):
    """Chains whose segments sit in different cities within REGIONS (all when none)."""
    from medbridge.chain import coverage as cov
    from medbridge.chain import taxonomy as tax

    with context.database.session() as session:
        found = cov.corridors(session, tax.current(session), COMMAND_LINE, list(regions))
        rows = [{"chain": c.chain, "legs": c.legs, "missing": c.missing} for c in found]
    _emit(as_json, rows, "\n".join(
        f"{r['chain']}: " + " — ".join(f"{city}({','.join(keys)})" for city, keys in r["legs"]) for r in rows)
        or "没有产业廊道 / no corridors")


@chain.command("targets")
@click.argument("region")
@click.argument("chain_key", metavar="CHAIN")
@click.argument("segment")
@click.option("--limit", default=20, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def targets(context: Context, region, chain_key, segment, limit, as_json):
    """Organizations outside REGION that would fill its CHAIN/SEGMENT, ranked with reasons."""
    from medbridge.chain import taxonomy as tax
    from medbridge.chain.targets import rank_targets

    with context.database.session() as session:
        found = rank_targets(session, tax.current(session), COMMAND_LINE, region, chain_key, segment, limit)
        rows = [{"organization": t.organization.name, "region": t.organization.region, "score": t.score,
                 "reasons": t.reasons} for t in found]
    _emit(as_json, rows, "\n".join(f"{r['score']:>6}  {r['organization']} ({r['region']})\n        "
                                   + "；".join(r["reasons"]) for r in rows) or "暂无候选 / no candidates")


@chain.group()
def figures():
    """Cluster figures with their sources. 产业数据"""


@figures.command("list")
@click.option("--region", default="")
@click.option("--metric", default="")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def figures_list(context: Context, region, metric, as_json):
    from medbridge.chain.figures import FigureFilters, list_figures

    with context.database.session() as session:
        rows, total = list_figures(session, FigureFilters(region=region, metric=metric, per_page=200))
        items = [{"id": f.id, "region": f.region, "organization": f.organization.name if f.organization else "",
                  "metric": f.metric, "value": f.value, "unit": f.unit, "period": f.period,
                  "source_kind": f.source_kind, "article_id": f.article_id, "source_url": f.source_url,
                  "quote": f.quote} for f in rows]
    _emit(as_json, {"total": total, "items": items}, "\n".join(
        f"#{i['id']:<5} {i['organization'] or i['region']:<20} {i['metric']:<18} {i['value']:g}{i['unit']} "
        f"{i['period']}  {i['source_url'] or i['source_kind']}" for i in items) or "没有数据 / no figures")


@figures.command("add")
@click.option("--region", default="")
@click.option("--org", default=None)
@click.option("--chain", "chain_key", default="")
@click.option("--metric", required=True)
@click.option("--value", required=True)
@click.option("--period", required=True, help="2023 or 2024-06")
@click.option("--article-id", default=None)
@click.option("--source-url", default="")
@click.option("--quote", default="")
@click.option("--note", default="")
@click.option("--author", default="cli", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def figures_add(context: Context, region, org, chain_key, metric, value, period, article_id, source_url, quote, note,
                author, as_json):
    """Record a figure; with --source-url or --article-id it is an article figure and needs --quote."""
    from medbridge.chain import actions

    with context.database.session() as session:
        data = {"region": region, "organization_id": _org_id(session, org) if org else None, "chain": chain_key,
                "metric": metric, "value": value, "period": period, "article_id": article_id,
                "source_url": source_url, "quote": quote, "note": note,
                "source_kind": "article" if (source_url or article_id) else "manual"}
        figure = actions.add_figure(session, _as(author), data)
        result = {"id": figure.id}
    _emit(as_json, result, f"已录入 / recorded #{result['id']}")


@chain.command("export")
@click.argument("kind", type=click.Choice(["enterprises", "gaps"]))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--region", default="")
@click.option("--park", default=None)
@click.option("--chain", "chain_key", default="")
@click.option("--segment", default="")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def export(context: Context, kind, path: Path, region, park, chain_key, segment, lang, as_json):
    """Write the enterprise list or the gap report (coverage, choke points, targets) as XLSX."""
    from medbridge.chain import exports
    from medbridge.chain import taxonomy as tax

    with context.database.session() as session:
        chains = tax.current(session)
        if chain_key:
            chains.chain(chain_key)
        scope = _scope(session, region, park)
        content = (exports.enterprise_list(session, chains, COMMAND_LINE, scope, chain_key or None, segment or None, lang)
                   if kind == "enterprises" else exports.gap_report(session, chains, COMMAND_LINE, scope,
                                                                    chain_key or None, lang))
    path.write_bytes(content)
    _emit(as_json, {"path": str(path), "bytes": len(content)}, f"已写入 / written: {path}")
