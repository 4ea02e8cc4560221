"""Experts, technology managers and competitions: checked and audited operations.

Who may do what:
- experts: administrators create and edit profiles; everyone signed in reads them;
- technology managers: the outcome owner's office (or an admin) assigns them;
- a competition's organiser is an administrator, or a tech-transfer office or operator of the
  organizing organization; they add rounds, entries and judges, run and adjust the panel
  assignment, and finish the competition;
- a judge (an expert linked to the signed-in user) sees and scores only their own assignments;
- rankings are the organiser's until the competition is finished, then public.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Iterable, Mapping

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.models import User
from medbridge.accounts.policy import (
    Viewer, detail_level, require_admin, require_manage, require_signed_in, require_visible,
)
from medbridge.db.base import utcnow
from medbridge.errors import Forbidden, NotFound, ValidationError
from medbridge.library import service as library
from medbridge.library.models import Outcome
from medbridge.library.service import Page
from medbridge.registry.models import Organization, Person
from medbridge.review import panels, scoring
from medbridge.review.models import (
    Competition, CompetitionEntry, CompetitionJudge, CompetitionRound, DeclaredConflict, Expert,
    PanelAssignment, TechManagerAssignment,
)

ORGANIZER_ROLES = ("tto", "operator")
DEFAULT_RUBRIC = {"criteria": [{"key": "innovation", "label": "创新性 Innovation", "weight": 0.3},
                               {"key": "clinical_value", "label": "临床价值 Clinical value", "weight": 0.3},
                               {"key": "feasibility", "label": "可行性 Feasibility", "weight": 0.2},
                               {"key": "team", "label": "团队 Team", "weight": 0.2}],
                  "scale": [0, 10]}
KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


# --- experts and technology managers -----------------------------------------------------

def get_expert(session: Session, expert_id: int) -> Expert:
    expert = session.get(Expert, expert_id)
    if expert is None:
        raise NotFound(f"expert {expert_id} not found / 专家不存在")
    return expert


def expert_for_user(session: Session, viewer: Viewer) -> Expert | None:
    if viewer.user_id is None:
        return None
    return session.scalar(select(Expert).where(Expert.user_id == viewer.user_id))


def create_expert(session: Session, viewer: Viewer, person_id: int, organization_id: int | None = None,
                  fields: Iterable[str] = (), title: str = "", bio: str = "", history: str = "",
                  username: str = "", is_tech_manager: bool = False, is_demo: bool = False) -> Expert:
    require_admin(viewer)
    errors = []
    person = session.get(Person, person_id)
    if person is None:
        errors.append({"field": "person_id", "message": "人员不存在 / no such person"})
    elif session.scalar(select(Expert.id).where(Expert.person_id == person_id)):
        errors.append({"field": "person_id", "message": "已是专家 / already an expert"})
    if organization_id is not None and session.get(Organization, organization_id) is None:
        errors.append({"field": "organization_id", "message": "机构不存在 / no such organization"})
    known = set(library_fields())
    unknown = [f for f in fields if f not in known]
    if unknown:
        errors.append({"field": "fields", "message": f"未知领域 / unknown fields: {unknown}"})
    user = None
    if username:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            errors.append({"field": "username", "message": "用户不存在 / no such user"})
        elif session.scalar(select(Expert.id).where(Expert.user_id == user.id)):
            errors.append({"field": "username", "message": "该用户已关联专家 / already linked to an expert"})
    if errors:
        raise ValidationError(errors)
    if organization_id is None and person.titles:
        organization_id = person.titles[-1].organization_id
    expert = Expert(person=person, organization_id=organization_id, fields=list(dict.fromkeys(fields)),
                    title=title.strip()[:100], bio=bio.strip(), history=history.strip(), user=user,
                    is_tech_manager=is_tech_manager, is_demo=is_demo)
    session.add(expert)
    session.flush()
    audit.record(session, viewer, "expert.create", "expert", expert.id, person=person.name)
    return expert


def library_fields() -> list[str]:
    from medbridge.library.taxonomy import get_taxonomy

    return get_taxonomy().fields.keys


def list_experts(session: Session, q: str = "", field: str = "", tech_managers: bool = False,
                 page: int = 1, per_page: int = 50) -> Page:
    query = select(Expert).join(Person, Expert.person_id == Person.id)
    if q:
        query = query.where(or_(Person.name.ilike(f"%{q}%"), Expert.title.ilike(f"%{q}%"), Expert.bio.ilike(f"%{q}%")))
    if tech_managers:
        query = query.where(Expert.is_tech_manager.is_(True))
    experts = list(session.scalars(query.order_by(Person.name, Expert.id)))
    if field:  # JSON containment differs between SQLite and PostgreSQL; the think-tank is small
        experts = [e for e in experts if field in (e.fields or [])]
    start = (page - 1) * per_page
    return Page(items=experts[start:start + per_page], total=len(experts), page=page, per_page=per_page)


def assign_tech_manager(session: Session, viewer: Viewer, outcome_id: int, expert_id: int,
                        on: date | None = None) -> TechManagerAssignment:
    outcome = library.get_outcome(session, outcome_id)
    require_visible(viewer, outcome)
    require_manage(viewer, outcome.owner_id)
    expert = get_expert(session, expert_id)
    if not expert.is_tech_manager:
        raise ValidationError([{"field": "expert_id", "message": "该专家不是技术经理人 / not a technology manager"}])
    existing = session.scalar(select(TechManagerAssignment).where(TechManagerAssignment.outcome_id == outcome_id,
                                                                 TechManagerAssignment.expert_id == expert_id))
    if existing:
        return existing
    row = TechManagerAssignment(outcome_id=outcome_id, expert=expert, assigned_on=on or date.today(),
                                author=viewer.username)
    session.add(row)
    session.flush()
    audit.record(session, viewer, "outcome.tech_manager", "outcome", outcome_id, expert_id=expert_id)
    return row


def tech_managers(session: Session, outcome_id: int) -> list[TechManagerAssignment]:
    return list(session.scalars(select(TechManagerAssignment).where(TechManagerAssignment.outcome_id == outcome_id)
                                .order_by(TechManagerAssignment.id)))


def expert_outcomes(session: Session, viewer: Viewer, expert: Expert) -> list[Outcome]:
    """The outcomes this technology manager looks after, as far as the viewer may know them."""
    rows = session.scalars(select(TechManagerAssignment).where(TechManagerAssignment.expert_id == expert.id))
    return [r.outcome for r in rows if detail_level(viewer, r.outcome) != "hidden"]


# --- competitions ------------------------------------------------------------------------

def is_organizer(viewer: Viewer, competition: Competition) -> bool:
    return viewer.is_admin or any(role in ORGANIZER_ROLES and org == competition.organizer_id
                                  for role, org in viewer.roles if org is not None)


def require_organizer(viewer: Viewer, competition: Competition) -> None:
    require_signed_in(viewer)
    if not is_organizer(viewer, competition):
        raise Forbidden("只有赛事主办方或管理员可以这样做 / only the organiser or an administrator may do this")


def organizing_organizations(session: Session, viewer: Viewer) -> list[Organization]:
    """The organizations this person may organise competitions for (every one for an administrator)."""
    if viewer.is_anonymous:
        return []
    query = select(Organization).order_by(Organization.name)
    if not viewer.is_admin:
        ids = {org for role, org in viewer.roles if role in ORGANIZER_ROLES and org is not None}
        if not ids:
            return []
        query = query.where(Organization.id.in_(ids))
    return list(session.scalars(query.limit(500)))


def get_competition(session: Session, competition_id: int) -> Competition:
    competition = session.get(Competition, competition_id)
    if competition is None:
        raise NotFound(f"competition {competition_id} not found / 赛事不存在")
    return competition


def list_competitions(session: Session) -> list[Competition]:
    return list(session.scalars(select(Competition).order_by(Competition.year.desc(), Competition.id.desc())))


def check_rubric(rubric: Mapping[str, Any]) -> dict:
    """A rubric: criteria with unique keys and positive weights, and a scale [low, high]."""
    errors = []
    criteria = rubric.get("criteria") if isinstance(rubric, Mapping) else None
    if not isinstance(criteria, list) or not criteria:
        return _raise([{"field": "rubric.criteria", "message": "至少一项评分标准 / at least one criterion"}])
    clean, keys = [], set()
    for i, c in enumerate(criteria):
        key = str((c or {}).get("key", "")).strip()
        try:
            weight = float(c.get("weight"))
        except (TypeError, ValueError, AttributeError):
            weight = -1
        if not KEY.match(key) or key in keys:
            errors.append({"field": f"rubric.criteria.{i}.key", "message": "小写英文标识且不重复 / a unique lowercase key"})
        if not 0 < weight <= 100:
            errors.append({"field": f"rubric.criteria.{i}.weight", "message": "权重应为正数 / a positive weight"})
        keys.add(key)
        clean.append({"key": key, "label": str(c.get("label") or key)[:100], "weight": weight})
    scale = rubric.get("scale", [0, 10])
    try:
        low, high = float(scale[0]), float(scale[1])
        if not low < high:
            raise ValueError
    except (TypeError, ValueError, IndexError, KeyError):
        errors.append({"field": "rubric.scale", "message": "分值范围如 [0, 10] / a range such as [0, 10]"})
        low, high = 0, 10
    if errors:
        _raise(errors)
    return {"criteria": clean, "scale": [low, high]}


def _raise(errors: list[dict]):
    raise ValidationError(errors)


def check_awards(awards: Any) -> list[dict]:
    clean = []
    for i, a in enumerate(awards or []):
        try:
            name, count = str(a["name"]).strip()[:64], int(a["count"])
            if not name or not 1 <= count <= 1000:
                raise ValueError
        except (TypeError, ValueError, KeyError):
            _raise([{"field": f"awards.{i}", "message": "奖项需名称与名额 / an award needs a name and a count ≥ 1"}])
        clean.append({"name": name, "count": count})
    return clean


def create_competition(session: Session, viewer: Viewer, name: str, year: int, organizer_id: int | None = None,
                       description: str = "", awards: Any = (), rounds: Iterable[Mapping[str, Any]] = (),
                       is_demo: bool = False) -> Competition:
    require_signed_in(viewer)
    name = (name or "").strip()[:200]
    errors = []
    if not name:
        errors.append({"field": "name", "message": "请填写赛事名称 / a name is needed"})
    elif session.scalar(select(Competition.id).where(Competition.name == name)):
        errors.append({"field": "name", "message": "同名赛事已存在 / a competition with this name exists"})
    if not 2000 <= int(year) <= 2100:
        errors.append({"field": "year", "message": "年份 2000–2100 / a year from 2000 to 2100"})
    if organizer_id is not None and session.get(Organization, organizer_id) is None:
        errors.append({"field": "organizer_id", "message": "机构不存在 / no such organization"})
    if errors:
        raise ValidationError(errors)
    competition = Competition(name=name, year=int(year), organizer_id=organizer_id, description=description.strip(),
                              awards=check_awards(awards), is_demo=is_demo)
    require_organizer(viewer, competition)
    for number, spec in enumerate(rounds or [{"name": "初赛 Preliminary"}], start=1):
        competition.rounds.append(_new_round(number, spec))
    session.add(competition)
    session.flush()
    audit.record(session, viewer, "competition.create", "competition", competition.id, name=name)
    return competition


def _new_round(number: int, spec: Mapping[str, Any]) -> CompetitionRound:
    per_entry = int(spec.get("judges_per_entry") or 3)
    if not 1 <= per_entry <= 20:
        _raise([{"field": "judges_per_entry", "message": "每个项目1–20位评委 / 1 to 20 judges per entry"}])
    advancing = spec.get("advancing")
    return CompetitionRound(number=number, name=str(spec.get("name") or f"第{number}轮")[:100],
                            rubric=check_rubric(spec.get("rubric") or DEFAULT_RUBRIC), judges_per_entry=per_entry,
                            advancing=int(advancing) if advancing else None)


def add_round(session: Session, viewer: Viewer, competition: Competition, spec: Mapping[str, Any]) -> CompetitionRound:
    require_organizer(viewer, competition)
    new = _new_round(len(competition.rounds) + 1, spec)
    competition.rounds.append(new)
    session.flush()
    audit.record(session, viewer, "competition.round", "competition", competition.id, round=new.number)
    return new


def get_round(session: Session, competition: Competition, number: int) -> CompetitionRound:
    for r in competition.rounds:
        if r.number == number:
            return r
    raise NotFound(f"round {number} not found / 轮次不存在")


def add_entry(session: Session, viewer: Viewer, competition: Competition, title: str = "",
              outcome_id: int | None = None, organization_id: int | None = None, members: Iterable[str] = (),
              field: str = "") -> CompetitionEntry:
    """An entry: an outcome of the library (which the organiser must be able to see), or a team."""
    require_organizer(viewer, competition)
    errors, outcome = [], None
    if outcome_id is not None:
        outcome = session.get(Outcome, outcome_id)
        if outcome is None or detail_level(viewer, outcome) == "hidden":
            errors.append({"field": "outcome_id", "message": "成果不存在 / no such outcome"})
    if organization_id is not None and session.get(Organization, organization_id) is None:
        errors.append({"field": "organization_id", "message": "机构不存在 / no such organization"})
    title = (title or (outcome.title if outcome else "")).strip()[:300]
    if not title:
        errors.append({"field": "title", "message": "请填写项目名称或选择成果 / a title or an outcome is needed"})
    if errors:
        raise ValidationError(errors)
    entry = CompetitionEntry(competition=competition, title=title, outcome=outcome,
                             organization_id=organization_id or (outcome.owner_id if outcome else None),
                             members=[m.strip() for m in members if m.strip()],
                             field=field or (outcome.field if outcome else ""))
    session.add(entry)
    session.flush()
    audit.record(session, viewer, "competition.entry", "competition", competition.id, entry=entry.id)
    return entry


def add_judge(session: Session, viewer: Viewer, competition: Competition, expert_id: int) -> CompetitionJudge:
    require_organizer(viewer, competition)
    expert = get_expert(session, expert_id)
    existing = next((j for j in competition.judges if j.expert_id == expert_id), None)
    if existing:
        return existing
    judge = CompetitionJudge(competition=competition, expert=expert)
    session.add(judge)
    session.flush()
    audit.record(session, viewer, "competition.judge", "competition", competition.id, expert=expert_id)
    return judge


def declare_conflict(session: Session, viewer: Viewer, entry: CompetitionEntry, expert_id: int,
                     reason: str = "") -> DeclaredConflict:
    """Declared by the organiser, or by the judge themself; any unscored assignment of the pair goes."""
    require_signed_in(viewer)
    mine = expert_for_user(session, viewer)
    if not (mine and mine.id == expert_id and viewer.has_role("judge")):
        require_organizer(viewer, entry.competition)
    if expert_id not in {j.expert_id for j in entry.competition.judges}:
        _raise([{"field": "expert_id", "message": "不是本赛事的评委 / not a judge of this competition"}])
    row = session.scalar(select(DeclaredConflict).where(DeclaredConflict.entry_id == entry.id,
                                                        DeclaredConflict.expert_id == expert_id))
    if row is None:
        row = DeclaredConflict(entry_id=entry.id, expert_id=expert_id, reason=reason.strip()[:300])
        session.add(row)
    for a in session.scalars(select(PanelAssignment).where(PanelAssignment.entry_id == entry.id,
                                                           PanelAssignment.expert_id == expert_id)):
        session.delete(a)
    session.flush()
    audit.record(session, viewer, "competition.conflict", "competition", entry.competition_id, entry=entry.id,
                 expert=expert_id)
    return row


# --- panels ------------------------------------------------------------------------------

def _with_parent(org: Organization | None) -> set[int]:
    return {org.id, *([org.parent_id] if org.parent_id else [])} if org else set()


def judge_info(session: Session, expert: Expert, competition: Competition) -> panels.JudgeInfo:
    declared = session.scalars(select(DeclaredConflict.entry_id).where(DeclaredConflict.expert_id == expert.id))
    return panels.JudgeInfo(id=expert.id, name=expert.person.name,
                            organizations=frozenset(_with_parent(expert.organization)),
                            fields=frozenset(expert.fields or []), declared=frozenset(declared))


def entry_info(entry: CompetitionEntry) -> panels.EntryInfo:
    orgs = _with_parent(entry.organization)
    people = set(entry.members or [])
    if entry.outcome is not None:
        orgs |= _with_parent(entry.outcome.owner)
        people |= set(entry.outcome.inventors or [])
    return panels.EntryInfo(id=entry.id, organizations=frozenset(orgs), people=frozenset(people), field=entry.field)


def round_entries(session: Session, rnd: CompetitionRound) -> list[CompetitionEntry]:
    """The entries in a round: all of them in the first; after that, those the previous round advanced."""
    entries = list(rnd.competition.entries)
    if rnd.number == 1:
        return entries
    previous = get_round(session, rnd.competition, rnd.number - 1)
    if not previous.advancing:
        return entries
    ranked = ranking(session, previous)
    cut = [r for r in ranked if r.rank is not None and r.rank <= previous.advancing]
    ids = {r.entry_id for r in cut}
    return [e for e in entries if e.id in ids]


def assignments(session: Session, rnd: CompetitionRound) -> list[PanelAssignment]:
    return list(session.scalars(select(PanelAssignment).where(PanelAssignment.round_id == rnd.id)
                                .order_by(PanelAssignment.entry_id, PanelAssignment.id)))


def auto_assign(session: Session, viewer: Viewer, rnd: CompetitionRound) -> panels.Plan:
    """(Re)build the round's panels: assignments placed by hand or already scored are kept, the
    rest are planned again (see review.panels)."""
    competition = rnd.competition
    require_organizer(viewer, competition)
    if rnd.status == "finished":
        _raise([{"field": "round", "message": "该轮已结束 / the round is finished"}])
    entries = round_entries(session, rnd)
    judges = [judge_info(session, j.expert, competition) for j in competition.judges]
    if not judges:
        _raise([{"field": "judges", "message": "请先添加评委 / add judges first"}])
    kept: dict[int, list[int]] = {}
    for a in assignments(session, rnd):
        if a.manual or a.scores is not None:
            kept.setdefault(a.entry_id, []).append(a.expert_id)
        else:
            session.delete(a)
    session.flush()
    plan = panels.assign([entry_info(e) for e in entries], judges, rnd.judges_per_entry, fixed=kept)
    for entry_id, judge_ids in plan.panels.items():
        for judge_id in judge_ids:
            if judge_id not in kept.get(entry_id, []):
                session.add(PanelAssignment(round_id=rnd.id, entry_id=entry_id, expert_id=judge_id))
    if rnd.status == "open":
        rnd.status = "judging"
        competition.status = "judging"
    session.flush()
    audit.record(session, viewer, "competition.assign", "competition", competition.id, round=rnd.number,
                 assignments=sum(len(v) for v in plan.panels.values()), shortfalls=len(plan.shortfalls))
    return plan


def set_assignment(session: Session, viewer: Viewer, rnd: CompetitionRound, entry_id: int, expert_id: int,
                   assigned: bool) -> None:
    """The organiser adds a judge to an entry's panel, or takes one off; a conflicted judge is refused."""
    competition = rnd.competition
    require_organizer(viewer, competition)
    entry = session.get(CompetitionEntry, entry_id)
    if entry is None or entry.competition_id != competition.id:
        raise NotFound("entry not found / 参赛项目不存在")
    if expert_id not in {j.expert_id for j in competition.judges}:
        _raise([{"field": "expert_id", "message": "不是本赛事的评委 / not a judge of this competition"}])
    existing = session.scalar(select(PanelAssignment).where(PanelAssignment.round_id == rnd.id,
                                                            PanelAssignment.entry_id == entry_id,
                                                            PanelAssignment.expert_id == expert_id))
    if assigned:
        reasons = panels.conflicts(judge_info(session, get_expert(session, expert_id), competition), entry_info(entry))
        if reasons:
            _raise([{"field": "expert_id", "message": "利益冲突，不能分配 / conflict of interest: " + ", ".join(reasons)}])
        if existing is None:
            session.add(PanelAssignment(round_id=rnd.id, entry_id=entry_id, expert_id=expert_id, manual=True))
    elif existing is not None:
        if existing.scores is not None:
            _raise([{"field": "expert_id", "message": "该评委已打分，不能移除 / already scored"}])
        session.delete(existing)
    session.flush()
    audit.record(session, viewer, "competition.adjust", "competition", competition.id, round=rnd.number,
                 entry=entry_id, expert=expert_id, assigned=assigned)


# --- judging -----------------------------------------------------------------------------

def my_assignments(session: Session, viewer: Viewer, competition: Competition) -> list[PanelAssignment]:
    """The signed-in judge's own assignments in the competition's rounds (nobody else's)."""
    require_signed_in(viewer)
    expert = expert_for_user(session, viewer)
    if expert is None or not viewer.has_role("judge"):
        raise Forbidden("您不是评委 / you are not a judge")
    round_ids = [r.id for r in competition.rounds]
    return list(session.scalars(select(PanelAssignment).where(PanelAssignment.expert_id == expert.id,
                                                              PanelAssignment.round_id.in_(round_ids))
                                .order_by(PanelAssignment.round_id, PanelAssignment.entry_id)))


def submit_score(session: Session, viewer: Viewer, assignment_id: int, scores: Mapping[str, Any],
                 comment: str = "") -> PanelAssignment:
    """A judge scores one of their own assignments (again, to correct it, while the round is open)."""
    require_signed_in(viewer)
    assignment = session.get(PanelAssignment, assignment_id)
    expert = expert_for_user(session, viewer)
    if assignment is None or expert is None or assignment.expert_id != expert.id or not viewer.has_role("judge"):
        raise NotFound("assignment not found / 评审任务不存在")
    rnd = session.get(CompetitionRound, assignment.round_id)
    if rnd.status == "finished":
        _raise([{"field": "round", "message": "该轮已结束，不能再打分 / the round is finished"}])
    errors = scoring.score_errors(rnd.rubric, scores)
    if errors:
        raise ValidationError(errors)
    assignment.scores = {c["key"]: float(scores[c["key"]]) for c in rnd.rubric["criteria"]}
    assignment.total = scoring.weighted_total(rnd.rubric, assignment.scores)
    assignment.comment = (comment or "").strip()[:2000]
    assignment.scored_at = utcnow()
    session.flush()
    audit.record(session, viewer, "competition.score", "competition", rnd.competition_id, round=rnd.number,
                 entry=assignment.entry_id)
    return assignment


# --- ranking, awards, results ------------------------------------------------------------

def ranking(session: Session, rnd: CompetitionRound) -> list[scoring.Ranked]:
    entries = round_entries(session, rnd)
    totals = [(a.expert_id, a.entry_id, a.total) for a in assignments(session, rnd) if a.total is not None]
    ranked = scoring.rank([e.id for e in entries], totals)
    if rnd.number == len(rnd.competition.rounds):
        awards = {e.id: e.award for e in entries}
        for row in ranked:
            row.award = awards.get(row.entry_id, "")
    return ranked


def require_ranking_access(viewer: Viewer, competition: Competition) -> None:
    if competition.status != "finished":
        require_organizer(viewer, competition)


def finish(session: Session, viewer: Viewer, competition: Competition) -> list[scoring.Ranked]:
    """Close every round, give the awards by the final round's ranking and mark the competition finished."""
    require_organizer(viewer, competition)
    if not competition.rounds:
        _raise([{"field": "rounds", "message": "没有轮次 / no rounds"}])
    final = competition.rounds[-1]
    ranked = scoring.give_awards(ranking(session, final), competition.awards or [])
    by_id = {e.id: e for e in competition.entries}
    for row in ranked:
        by_id[row.entry_id].award = row.award
    for rnd in competition.rounds:
        rnd.status = "finished"
    competition.status = "finished"
    session.flush()
    audit.record(session, viewer, "competition.finish", "competition", competition.id,
                 awarded=sum(1 for r in ranked if r.award))
    return ranked


def shown_title(viewer: Viewer, entry: CompetitionEntry) -> str:
    """An entry built on an outcome the viewer may not know of does not show its title."""
    if entry.outcome is not None and detail_level(viewer, entry.outcome) == "hidden":
        return "保密项目 / confidential entry"
    return entry.title


RESULT_COLUMNS = ("rank", "tied", "entry", "organization", "field", "normalized", "raw", "judges", "award")


def result_rows(session: Session, viewer: Viewer, competition: Competition,
                rnd: CompetitionRound | None = None) -> list[list]:
    require_ranking_access(viewer, competition)
    rnd = rnd or competition.rounds[-1]
    entries = {e.id: e for e in competition.entries}
    return [[r.rank if r.rank is not None else "", "=" if r.tied else "", shown_title(viewer, entries[r.entry_id]),
             entries[r.entry_id].organization.name if entries[r.entry_id].organization else "",
             entries[r.entry_id].field, "" if r.normalized is None else r.normalized, "" if r.raw is None else r.raw,
             r.judges, r.award] for r in ranking(session, rnd)]


def result_sheet(session: Session, viewer: Viewer, competition: Competition, fmt: str) -> bytes:
    from medbridge.library.spreadsheet import _csv_bytes, _xlsx_bytes

    if fmt not in ("csv", "xlsx"):
        _raise([{"field": "format", "message": "csv 或 xlsx / csv or xlsx"}])
    rows = result_rows(session, viewer, competition)
    audit.record(session, viewer, "competition.export", "competition", competition.id, format=fmt)
    headers = list(RESULT_COLUMNS)
    return _csv_bytes(headers, rows) if fmt == "csv" else _xlsx_bytes([("Results", headers, rows)])
