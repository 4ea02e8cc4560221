"""`medbridge needs`: list, show, add, import, export and delete needs (需求)."""

from __future__ import annotations

from pathlib import Path

import click

from medbridge.accounts.policy import COMMAND_LINE
from medbridge.cli import Context, _emit, _fail, _import_text, handles_domain_errors, pass_context


def need_dict(need) -> dict:
    from medbridge.needs.service import NEED_FIELDS

    data = {"id": need.id, **{name: getattr(need, name) for name in NEED_FIELDS}}
    data.update(owner=need.owner.name if need.owner else "", created_by=need.created_by,
                created_at=need.created_at, updated_at=need.updated_at)
    return data


@click.group("needs")
def needs_group():
    """Needs: technology needs, clinical problems, investment theses, incubator calls. 需求"""


@needs_group.command("list")
@click.option("--q", default="")
@click.option("--kind", default="")
@click.option("--status", default="")
@click.option("--field", default="")
@click.option("--page", default=1, show_default=True)
@click.option("--per-page", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def needs_list(context: Context, q, kind, status, field, page, per_page, as_json):
    """List needs, newest first."""
    from medbridge.needs.service import NeedFilters, list_needs

    with context.database.session() as session:
        result = list_needs(session, NeedFilters(q=q, kind=kind, status=status, field=field, page=page,
                                                 per_page=per_page))
        rows = [need_dict(n) for n in result.items]
    text = "\n".join([f"{r['id']:>5}  {r['code']:<14} {r['kind']:<18} {r['title']}" for r in rows]
                     + [f"共{result.total}条 / {result.total} needs, page {result.page} of {result.pages}"])
    _emit(as_json, {"total": result.total, "page": result.page, "pages": result.pages, "items": rows}, text)


@needs_group.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def needs_show(context: Context, ref, as_json):
    """Show one need (id or code)."""
    from medbridge.needs.service import get_need_by_ref

    with context.database.session() as session:
        data = need_dict(get_need_by_ref(session, ref))
    _emit(as_json, data, "\n".join(f"{k}: {v}" for k, v in data.items()))


@needs_group.command("add")
@click.option("--kind", required=True, help="tech_need, clinical_problem, investment_thesis, incubator_call")
@click.option("--title", required=True)
@click.option("--owner", required=True, help="Organization id, name or alias.")
@click.option("--description", default="")
@click.option("--fields", default="", help="Fields, separated by ; or ,")
@click.option("--stages", default="")
@click.option("--segments", default="")
@click.option("--keywords", default="")
@click.option("--ticket-min", default=None)
@click.option("--ticket-max", default=None)
@click.option("--region", default="")
@click.option("--code", default="")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def needs_add(context: Context, as_json, owner, **values):
    """Post a need."""
    from medbridge.needs import actions

    with context.database.session() as session:
        need = actions.create(session, COMMAND_LINE, {**values, "owner": owner})
        data = need_dict(need)
    _emit(as_json, data, f"已发布 / posted: {data['code']} {data['title']}")


@needs_group.command("delete")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def needs_delete(context: Context, ref, as_json):
    """Delete a need (id or code)."""
    from medbridge.needs import actions
    from medbridge.needs.service import get_need_by_ref

    with context.database.session() as session:
        need = get_need_by_ref(session, ref)
        code = need.code
        actions.delete(session, COMMAND_LINE, need)
    _emit(as_json, {"deleted": code}, f"已删除 / deleted: {code}")


@needs_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def needs_import(context: Context, path: Path, dry_run, as_json):
    """Import needs from .xlsx or .csv (all rows or none)."""
    from medbridge.needs import actions

    with context.database.session() as session:
        report = actions.import_sheet(session, COMMAND_LINE, path.name, path.read_bytes(), dry_run,
                                      max_bytes=50_000_000, max_rows=100_000)
    _emit(as_json, report.to_dict(), _import_text(report))
    if not report.ok:
        _fail("导入失败 / import failed")


@needs_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--q", default="", help="Text in title, description or code.")
@click.option("--kind", default="", help="Need kind: key or label (技术需求, investment_thesis…).")
@click.option("--status", default="", help="open, matched, closed (or 征集中, 已对接, 已关闭).")
@click.option("--field", default="", help="Field: key or label.")
@click.option("--owner", default="", help="Posting organization id, name or alias.")
@click.option("--sort", default="-updated_at", show_default=True)
@pass_context
@handles_domain_errors
def needs_export(context: Context, path: Path, lang, as_json, **params):
    """Export needs (all, or filtered) to .csv or .xlsx; the file imports back unchanged. 导出需求"""
    from medbridge.needs import actions

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        _fail("文件名须以 .csv 或 .xlsx 结尾 / the file name must end in .csv or .xlsx")
    with context.database.session() as session:
        filters = _export_filters(session, params)
        data = actions.export(session, COMMAND_LINE, filters, fmt, lang)
    path.write_bytes(data)
    _emit(as_json, {"path": str(path), "bytes": len(data)}, f"已导出 / exported: {path}")


def _export_filters(session, params: dict):
    """NeedFilters from the options; terms may be given as keys or labels in either language."""
    from medbridge.library.taxonomy import get_taxonomy
    from medbridge.needs.service import NEED_KINDS, NEED_STATUSES, NeedFilters
    from medbridge.registry.service import find_organization

    resolved = {}
    for name, vocabulary in (("kind", NEED_KINDS), ("status", NEED_STATUSES), ("field", get_taxonomy().fields)):
        value = params[name].strip()
        resolved[name] = (vocabulary.resolve(value) or _fail(f"未知{name} / unknown {name}: {value}")) if value else ""
    owner_id = None
    if params["owner"]:
        org = find_organization(session, params["owner"])
        if org is None:
            _fail(f"机构“{params['owner']}”不存在 / organization not found")
        owner_id = org.id
    return NeedFilters(q=params["q"], owner_id=owner_id, sort=params["sort"], **resolved)
