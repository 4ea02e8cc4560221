"""`medbridge`: one command for the platform, with subcommands for people and scripts.

Every subcommand that reports something takes --json for scripts, and exits non-zero when
it fails, with the reason on stderr.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from medbridge.accounts.policy import COMMAND_LINE
from medbridge.config import get_settings
from medbridge.db import Database
from medbridge.errors import NotFound, ValidationError


def _emit(as_json: bool, data, text: str | None = None) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif text is not None:
        click.echo(text)


def _fail(message: str, code: int = 1):
    click.echo(f"错误 / error: {message}", err=True)
    sys.exit(code)


def read_json_file(path: Path):
    """A JSON file given on the command line, or a clear failure if it is not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail(f"不是有效的JSON / not valid JSON: {exc}")


def handles_domain_errors(command):
    """Turn the domain's errors into a readable message and a non-zero exit."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ValidationError as exc:
            _fail("输入有误 / invalid input:\n" + "\n".join(f"  {e['field']}: {e['message']}" for e in exc.errors))
        except NotFound as exc:
            _fail(str(exc))
    return wrapper


class Context:
    def __init__(self, database_url: str | None):
        self.url = database_url or get_settings().database_url
        self._database = None

    @property
    def database(self) -> Database:
        if self._database is None:
            self._database = Database(self.url)
            self._database.migrate()
        return self._database


pass_context = click.make_pass_decorator(Context)


@click.group()
@click.option("--database", "database_url", envvar="MEDBRIDGE_DATABASE_URL",
              help="SQLAlchemy URL; default: medbridge.db in the working directory.")
@click.version_option(package_name="medbridge")
@click.pass_context
def main(ctx, database_url):
    """MedBridge 医桥: medical technology transfer platform."""
    ctx.obj = Context(database_url)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@pass_context
def init(context: Context, as_json):
    """Create or upgrade the database schema. 初始化数据库"""
    context.database
    _emit(as_json, {"database": _safe_url(context.url), "ok": True},
          f"数据库已就绪 / database ready: {_safe_url(context.url)}")


@main.command()
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if demo data is already loaded.")
@click.option("--seed", default=2024, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def demo(context: Context, if_empty, seed, as_json):
    """Load the fictional demo data set and demo accounts. 加载演示数据"""
    from medbridge.demo import create_demo_accounts, has_demo, load_demo

    with context.database.session() as session:
        if has_demo(session):
            if if_empty:
                _emit(as_json, {"loaded": False}, "演示数据已存在 / demo data already loaded")
                return
            _fail("演示数据已存在 / demo data already loaded")
        counts = load_demo(session, seed=seed)
        accounts = create_demo_accounts(session)
    _emit(as_json, {"loaded": True, **counts, "accounts": accounts},
          "已加载演示数据 / demo data loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items())
          + "".join(f"\n  演示账号 / demo account: {a['username']} ({', '.join(a['roles'])})  "
                    f"密码 / password: {a['password']}" for a in accounts))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@pass_context
def serve(context: Context, host, port):
    """Serve the web app and API. 启动网站"""
    import uvicorn

    from medbridge.app import create_app
    from medbridge.matching.text import segment

    segment("医工协同")  # load the segmentation dictionary now, not on the first visitor's search
    click.echo(f"MedBridge 医桥: http://{host}:{port}  (API: http://{host}:{port}/docs)")
    uvicorn.run(create_app(context.database), host=host, port=port)


# --- filters shared by listing and export ---------------------------------------------

FILTER_OPTIONS = [
    click.option("--q", default="", help="Text in title, summary or code."),
    click.option("--field", default=""), click.option("--kind", default=""),
    click.option("--stage", default=""), click.option("--grade", default=""),
    click.option("--owner", default="", help="Owner organization id, name or alias."),
    click.option("--region", default="", help="Province, city or district."),
    click.option("--sort", default="-updated_at", show_default=True),
]


def filter_options(command):
    for option in reversed(FILTER_OPTIONS):
        command = option(command)
    return command




@main.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--author", default="cli", show_default=True, help="Name kept in each outcome's history.")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def import_command(context: Context, path: Path, dry_run, author, as_json):
    """Import outcomes from CSV or XLSX: every row, or none. 导入成果"""
    from medbridge.library.spreadsheet import import_outcomes

    settings = get_settings()
    if path.stat().st_size > settings.max_upload_bytes:
        _fail(f"文件超过{settings.max_upload_bytes // (1024 * 1024)}MB上限 / file larger than the limit")
    with context.database.session() as session:
        report = import_outcomes(session, path.name, path.read_bytes(), author=author, dry_run=dry_run,
                                 max_bytes=settings.max_upload_bytes, max_rows=settings.max_import_rows, viewer=COMMAND_LINE)
    _emit(as_json, report.to_dict(), None if as_json else _import_text(report))
    if not report.ok:
        sys.exit(1)


def _import_text(report) -> str:
    if report.file_error:
        return f"未导入 / nothing imported: {report.file_error}"
    if not report.ok:
        lines = [f"未导入：{len(report.errors)}处错误，共{report.total_rows}行 / nothing imported: "
                 f"{len(report.errors)} problems in {report.total_rows} rows"]
        lines += [f"  第{e['row']}行 row {e['row']} [{e['column']}]: {e['message']}" for e in report.errors]
        return "\n".join(lines)
    verb = "检查通过（未写入）/ checked, nothing written" if report.dry_run else "已导入 / imported"
    return f"{verb}: 新增 created {report.created}, 更新 updated {report.updated}"


@main.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@filter_options
@click.pass_context
@handles_domain_errors
def export_command(ctx, path: Path, lang, as_json, **params):
    """Export outcomes (all, or filtered with the same options as `outcomes list`) to .csv or .xlsx. 导出"""
    from medbridge.library import actions

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        _fail("文件名须以 .csv 或 .xlsx 结尾 / the file name must end in .csv or .xlsx")
    filters = _filters_from(params)
    with ctx.find_object(Context).database.session() as session:
        data = actions.export(session, COMMAND_LINE, filters, fmt, lang)   # audited, as on the web
    path.write_bytes(data)
    _emit(as_json, {"path": str(path), "bytes": len(data)}, f"已导出 / exported: {path}")


def _filters_from(params: dict, page: int = 1, per_page: int = 20):
    from medbridge.library.service import OutcomeFilters
    from medbridge.library.taxonomy import get_taxonomy

    taxonomy = get_taxonomy()
    owner_id = None
    if params.get("owner"):
        with click.get_current_context().find_object(Context).database.session() as session:
            from medbridge.registry.service import find_organization

            org = find_organization(session, params["owner"])
            if org is None:
                _fail(f"机构“{params['owner']}”不存在 / organization not found")
            owner_id = org.id
    resolved = {}
    for name, vocabulary in (("field", taxonomy.fields), ("kind", taxonomy.kinds), ("stage", taxonomy.stages)):
        value = params.get(name) or ""
        resolved[name] = (vocabulary.resolve(value) or _fail(f"未知{name}: {value}")) if value else ""
    return OutcomeFilters(q=params.get("q", ""), grade=(params.get("grade") or "").upper(),
                          region=params.get("region", ""), owner_id=owner_id, sort=params.get("sort", "-updated_at"),
                          page=page, per_page=per_page, **resolved)


# --- outcomes --------------------------------------------------------------------------

@main.group()
def outcomes():
    """List, show and grade outcomes. 成果"""


@outcomes.command("list")
@filter_options
@click.option("--page", default=1, show_default=True)
@click.option("--per-page", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handles_domain_errors
def outcomes_list(ctx, page, per_page, as_json, **params):
    """List outcomes with filters, sorting and pages."""
    from medbridge.library import service

    filters = _filters_from(params, page, per_page)
    with ctx.find_object(Context).database.session() as session:
        result = service.list_outcomes(session, filters, COMMAND_LINE)
        rows = [_summary(o) for o in result.items]
    data = {"total": result.total, "page": result.page, "pages": result.pages, "items": rows}
    text = "\n".join([f"{r['id']:>5}  {r['code']:<16} {r['grade'] or '-'} {r['score'] or 0:>5.1f}  {r['title']}"
                      for r in rows] + [f"共{result.total}条，第{result.page}/{result.pages}页 / "
                                        f"{result.total} outcomes, page {result.page} of {result.pages}"])
    _emit(as_json, data, text)


@outcomes.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def outcomes_show(context: Context, ref, as_json):
    """Show one outcome (by id or code) with its grade breakdown and history."""
    from medbridge.library import service

    with context.database.session() as session:
        outcome = service.get_outcome_by_ref(session, ref)
        data = {**_summary(outcome), **service.snapshot(outcome), "owner": outcome.owner.name,
                "breakdown": outcome.grade_breakdown,
                "history": [{"number": v.number, "author": v.author, "reason": v.reason,
                             "created_at": v.created_at} for v in service.list_versions(session, outcome)]}
    _emit(as_json, data, _show_text(data))


def _show_text(data: dict) -> str:
    lines = [f"{data['code']}  {data['title']}", f"机构 owner: {data['owner']}",
             f"评级 grade: {data['grade']}  ({data['score']} / 100)"]
    lines += [f"  {b['zh']:<12} {b['points']:>5.1f}/{b['max_points']:<5.1f} {b['reason_zh']}" for b in data["breakdown"]]
    lines.append("历史 history:")
    lines += [f"  v{h['number']}  {h['created_at']:%Y-%m-%d %H:%M}  {h['author']}  {h['reason']}" for h in data["history"]]
    return "\n".join(lines)


@outcomes.command("grade")
@click.argument("ref", required=False)
@click.option("--all", "grade_all", is_flag=True, help="Re-grade every outcome with the rubric in force.")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def outcomes_grade(context: Context, ref, grade_all, as_json):
    """Grade one outcome (by id or code), or --all."""
    from medbridge.library import service

    if bool(ref) == grade_all:
        _fail("给出一个成果编号，或使用 --all / give one outcome, or --all")
    with context.database.session() as session:
        if grade_all:
            count = service.regrade_all(session)
            _emit(as_json, {"regraded": count}, f"已重新评级 / re-graded: {count}")
            return
        outcome = service.get_outcome_by_ref(session, ref)
        service.regrade(session, outcome)
        data = {"id": outcome.id, "code": outcome.code, "score": outcome.score, "grade": outcome.grade,
                "breakdown": outcome.grade_breakdown}
    _emit(as_json, data, f"{data['code']}: {data['grade']} ({data['score']})\n" + "\n".join(
        f"  {b['zh']}: {b['points']}/{b['max_points']} {b['reason_zh']}" for b in data["breakdown"]))


def _summary(outcome) -> dict:
    return {"id": outcome.id, "code": outcome.code, "title": outcome.title, "owner": outcome.owner.name,
            "kind": outcome.kind, "field": outcome.field, "stage": outcome.stage, "trl": outcome.trl,
            "grade": outcome.grade, "score": outcome.score, "version": outcome.version,
            "updated_at": outcome.updated_at, "is_demo": outcome.is_demo}


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# --- registry and rubric ---------------------------------------------------------------

@main.group()
def orgs():
    """List and add organizations. 机构"""


@orgs.command("list")
@click.option("--q", default="", help="Name or alias contains.")
@click.option("--kind", default="")
@click.option("--region", default="")
@click.option("--page", default=1, show_default=True)
@click.option("--per-page", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def orgs_list(context: Context, q, kind, region, page, per_page, as_json):
    """List organizations."""
    from medbridge.registry.service import list_organizations

    with context.database.session() as session:
        items, total = list_organizations(session, q=q, kind=kind, region=region, page=page, per_page=per_page)
        rows = [{"id": o.id, "name": o.name, "kind": o.kind, "aliases": o.alias_names, "region": o.region}
                for o in items]
    _emit(as_json, {"total": total, "items": rows},
          "\n".join([f"{r['id']:>5}  {r['kind']:<16} {r['name']}  {'、'.join(r['aliases'])}" for r in rows]
                    + [f"共{total}个 / {total} organizations"]))


@orgs.command("add")
@click.argument("name")
@click.option("--kind", required=True, help="hospital, university, enterprise… or a Chinese label.")
@click.option("--alias", "aliases", multiple=True, help="Another name (repeatable).")
@click.option("--parent", default=None, help="Parent organization id, name or alias.")
@click.option("--province", default="")
@click.option("--city", default="")
@click.option("--district", default="")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def orgs_add(context: Context, name, kind, aliases, parent, province, city, district, as_json):
    """Add an organization."""
    from medbridge.registry.service import create_organization

    with context.database.session() as session:
        org = create_organization(session, name=name, kind=kind, aliases=list(aliases), parent=parent,
                                  province=province, city=city, district=district)
        data = {"id": org.id, "name": org.name, "kind": org.kind, "aliases": org.alias_names}
    _emit(as_json, data, f"已添加 / added: {data['id']} {data['name']}")


@main.group()
def rubric():
    """Show or replace the grading rubric. 评分规则"""


@rubric.command("show")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def rubric_show(context: Context, as_json):
    """Print the rubric in force (JSON that `rubric set` accepts back)."""
    from medbridge.library.service import current_rubric

    with context.database.session() as session:
        current = current_rubric(session)
        data = {"version": current.version, "author": current.author, "data": current.data}
    if as_json:
        _emit(True, data)
        return
    lines = [f"评分规则 rubric v{data['version']}"]
    lines += [f"  {c['zh']} ({c['en']}): {c['weight']}" for c in data["data"]["criteria"]]
    lines += ["  " + ", ".join(f"{g['grade']} ≥ {g['min']}" for g in data["data"]["grades"])]
    _emit(False, data, "\n".join(lines))


@rubric.command("set")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--author", default="cli", show_default=True)
@click.option("--reason", default="")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def rubric_set(context: Context, path: Path, author, reason, as_json):
    """Replace the rubric with a JSON file (the `data` of `rubric show --json`); re-grades everything."""
    from medbridge.library.grading import RubricError
    from medbridge.library.service import save_rubric

    data = read_json_file(path)
    data = data.get("data", data) if isinstance(data, dict) else data
    try:
        with context.database.session() as session:
            saved, regraded = save_rubric(session, data, author=author, reason=reason)
            result = {"version": saved.version, "regraded": regraded}
    except (RubricError, AttributeError) as exc:
        _fail(f"评分规则无效 / invalid rubric: {exc}")
    _emit(as_json, result, f"评分规则 v{result['version']} 已生效，重新评级{result['regraded']}项 / "
                           f"rubric v{result['version']} in force, {result['regraded']} re-graded")


# --- users -----------------------------------------------------------------------------

@main.group()
def users():
    """Accounts and roles. 用户与角色

    Roles: admin, viewer, judge, and tto:ORG (tech-transfer office of ORG), member:ORG
    (enterprise or investor member of ORG), operator:ORG (incubator or park operator);
    ORG is an organization's id, name or alias.
    """


def _read_password(generate: bool, from_stdin: bool) -> tuple[str, bool]:
    """(password, whether it was generated and must be shown once)."""
    from medbridge.accounts.service import generate_password

    if generate:
        return generate_password(), True
    if from_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return click.prompt("密码 / password", hide_input=True, confirmation_prompt=True), False


def _user_dict(user) -> dict:
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "email": user.email,
            "active": user.is_active, "roles": [g.role + (f":{g.organization.name}" if g.organization else "")
                                                for g in user.roles],
            "last_login_at": user.last_login_at}


@users.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, help="admin, viewer, judge, tto:ORG, member:ORG, operator:ORG (repeatable).")
@click.option("--name", "display_name", default="", help="Name shown in the history.")
@click.option("--email", default="")
@click.option("--generate-password", is_flag=True, help="Make a random password and print it once.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def users_add(context: Context, username, roles, display_name, email, generate_password, password_stdin, as_json):
    """Add a user (the first admin: `medbridge users add NAME --role admin`)."""
    from medbridge.accounts.service import create_user

    password, generated = _read_password(generate_password, password_stdin)
    with context.database.session() as session:
        user = create_user(session, username, password, display_name=display_name, email=email, roles=list(roles))
        data = _user_dict(user) | ({"password": password} if generated else {})
    _emit(as_json, data, f"已添加用户 / user added: {data['username']} ({', '.join(data['roles']) or '—'})"
          + (f"\n密码 / password (shown once): {password}" if generated else ""))


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def users_list(context: Context, as_json):
    """List users with their roles."""
    from medbridge.accounts.service import list_users

    with context.database.session() as session:
        rows = [_user_dict(u) for u in list_users(session)]
    _emit(as_json, rows, "\n".join(f"{r['username']:<20} {'active' if r['active'] else 'DISABLED':<9} "
                                   f"{', '.join(r['roles'])}" for r in rows) or "没有用户 / no users")


@users.command("disable")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def users_disable(context: Context, username, as_json):
    """Disable a user: their sessions end and their API tokens stop working at once."""
    _set_active(context, username, False, as_json)


@users.command("enable")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def users_enable(context: Context, username, as_json):
    """Enable a disabled user again."""
    _set_active(context, username, True, as_json)


def _set_active(context: Context, username: str, active: bool, as_json: bool) -> None:
    from medbridge.accounts import audit
    from medbridge.accounts.service import get_user, set_active

    with context.database.session() as session:
        user = get_user(session, username)
        set_active(session, user, active)
        audit.record(session, COMMAND_LINE, "user.enable" if active else "user.disable", "user", user.id)
        data = _user_dict(user)
    _emit(as_json, data, f"{data['username']}: {'已启用 / enabled' if active else '已停用 / disabled'}")


@users.command("reset-password")
@click.argument("username")
@click.option("--generate-password", is_flag=True, help="Make a random password and print it once.")
@click.option("--password-stdin", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def users_reset_password(context: Context, username, generate_password, password_stdin, as_json):
    """Set a new password; the user's open sessions end."""
    from medbridge.accounts import audit
    from medbridge.accounts.service import get_user, reset_password

    password, generated = _read_password(generate_password, password_stdin)
    with context.database.session() as session:
        user = get_user(session, username)
        reset_password(session, user, password)
        audit.record(session, COMMAND_LINE, "user.reset_password", "user", user.id)
    _emit(as_json, {"username": username, **({"password": password} if generated else {})},
          "密码已重置 / password reset" + (f"\n密码 / password (shown once): {password}" if generated else ""))


@users.command("role")
@click.argument("username")
@click.option("--add", "to_add", multiple=True, help="Role to give (repeatable).")
@click.option("--remove", "to_remove", multiple=True, help="Role to take away (repeatable).")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def users_role(context: Context, username, to_add, to_remove, as_json):
    """Give or take away roles."""
    from medbridge.accounts import audit
    from medbridge.accounts.service import add_role, get_user, remove_role

    with context.database.session() as session:
        user = get_user(session, username)
        for text in to_add:
            add_role(session, user, text)
        for text in to_remove:
            remove_role(session, user, text)
        audit.record(session, COMMAND_LINE, "user.roles", "user", user.id, added=list(to_add), removed=list(to_remove))
        data = _user_dict(user)
    _emit(as_json, data, f"{data['username']}: {', '.join(data['roles']) or '—'}")


@users.command("token")
@click.argument("username")
@click.option("--name", default="", help="What the token is for.")
@click.option("--days", type=int, default=None, help="Expire after this many days (default: never).")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@handles_domain_errors
def users_token(context: Context, username, name, days, as_json):
    """Make an API token for scripts (send it as `Authorization: Bearer TOKEN`); shown once."""
    from medbridge.accounts import audit
    from medbridge.accounts.service import create_token, get_user

    with context.database.session() as session:
        user = get_user(session, username)
        token = create_token(session, user, name=name, days=days)
        audit.record(session, COMMAND_LINE, "token.create", "user", user.id, name=name)
    _emit(as_json, {"username": username, "token": token}, f"API token (shown once): {token}")


@main.command()
@click.option("--action", default="", help="Prefix of the action, e.g. outcome. or access.")
@click.option("--user", "username", default="")
@click.option("--limit", default=100, show_default=True)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Write CSV here.")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def audit(context: Context, action, username, limit, csv_path, as_json):
    """Show or export the audit trail. 审计日志"""
    from medbridge.accounts.audit import events_csv, list_events

    with context.database.session() as session:
        events, total = list_events(session, action=action, username=username, per_page=limit)
        rows = [{"at": e.at, "username": e.username, "action": e.action, "target_type": e.target_type,
                 "target_id": e.target_id, "detail": e.detail} for e in events]
        if csv_path:
            csv_path.write_bytes(events_csv(events))
    _emit(as_json, {"total": total, "events": rows}, "\n".join(
        f"{r['at']:%Y-%m-%d %H:%M:%S}  {r['username']:<16} {r['action']:<22} {r['target_type']} "
        f"{r['target_id'] or ''} {r['detail']}" for r in rows) or "没有记录 / no events")


from medbridge.cli_pipeline import competitions as _competitions, deals as _deals  # noqa: E402

main.add_command(_deals)
main.add_command(_competitions)
from medbridge.chain.cli import chain as _chain_commands  # noqa: E402  (the chain group imports from here)
main.add_command(_chain_commands)
from medbridge.news.cli import NEWS_COMMANDS  # noqa: E402  (news and policy intelligence, issue 4)
for _command in NEWS_COMMANDS: main.add_command(_command)  # noqa: E701
from medbridge.matching.cli import COMMANDS as MATCHING_COMMANDS  # noqa: E402  (search, match, index, eval, needs, feedback)
[main.add_command(command) for command in MATCHING_COMMANDS]
