"""Incubation: projects and companies in an incubator's cohort, 验证 → 孵化 → 加速 → 毕业.

The incubator's operators (role operator:ORG) and administrators see and move its cohort; members
of a project's company see their own project. Phases only move forward (a project that fails
validation leaves the cohort rather than going back), one or more at a time, dated monotonically.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.policy import Viewer, detail_level, require_signed_in
from medbridge.errors import Forbidden, NotFound, ValidationError
from medbridge.library.models import Outcome
from medbridge.registry.models import Organization
from medbridge.transfer.models import INCUBATION_PHASES, IncubationMilestone, IncubationPhaseEvent, IncubationProject


def operates(viewer: Viewer, incubator_id: int) -> bool:
    return viewer.is_admin or ("operator", incubator_id) in viewer.roles


def require_operator(viewer: Viewer, incubator_id: int) -> None:
    require_signed_in(viewer)
    if not operates(viewer, incubator_id):
        raise Forbidden("只有该孵化器的运营方或管理员可以这样做 / only the incubator's operator or an administrator")


def operated_incubators(session: Session, viewer: Viewer) -> list[Organization]:
    """The incubators whose cohort this person sees (all of them for an administrator)."""
    if viewer.is_admin:
        ids = set(session.scalars(select(IncubationProject.incubator_id)))
        ids |= set(session.scalars(select(Organization.id).where(Organization.kind == "incubator")))
    else:
        ids = {org for role, org in viewer.roles if role == "operator" and org is not None}
    if not ids:
        return []
    return list(session.scalars(select(Organization).where(Organization.id.in_(ids)).order_by(Organization.name)))


def incubators_with_projects(session: Session) -> set[int]:
    return set(session.scalars(select(IncubationProject.incubator_id).distinct()))


def cohort(session: Session, viewer: Viewer, incubator_id: int, cohort_name: str = "") -> list[IncubationProject]:
    require_operator(viewer, incubator_id)
    query = select(IncubationProject).where(IncubationProject.incubator_id == incubator_id)
    if cohort_name:
        query = query.where(IncubationProject.cohort == cohort_name)
    rows = session.scalars(query.order_by(IncubationProject.cohort, IncubationProject.name))
    return sorted(rows, key=lambda p: (INCUBATION_PHASES.index(p.phase), p.name))


def get_project(session: Session, viewer: Viewer, project_id: int) -> IncubationProject:
    project = session.get(IncubationProject, project_id)
    if project is None or not (operates(viewer, project.incubator_id)
                               or (project.company_id and project.company_id in viewer.organizations)):
        raise NotFound(f"project {project_id} not found / 项目不存在")
    return project


def add_project(session: Session, viewer: Viewer, incubator_id: int, name: str, entered_on: date | None = None,
                company_id: int | None = None, outcome_id: int | None = None, cohort_name: str = "",
                is_demo: bool = False) -> IncubationProject:
    require_operator(viewer, incubator_id)
    errors = []
    incubator = session.get(Organization, incubator_id)
    if incubator is None:
        errors.append({"field": "incubator_id", "message": "孵化器不存在 / no such incubator"})
    name = (name or "").strip()[:200]
    if not name:
        errors.append({"field": "name", "message": "请填写项目名称 / a name is needed"})
    if company_id is not None and session.get(Organization, company_id) is None:
        errors.append({"field": "company_id", "message": "企业不存在 / no such company"})
    if outcome_id is not None:
        outcome = session.get(Outcome, outcome_id)
        if outcome is None or detail_level(viewer, outcome) == "hidden":
            errors.append({"field": "outcome_id", "message": "成果不存在 / no such outcome"})
    entered_on = entered_on or date.today()
    if entered_on > date.today():
        errors.append({"field": "entered_on", "message": "日期不能在未来 / the date cannot be in the future"})
    if errors:
        raise ValidationError(errors)
    project = IncubationProject(name=name, incubator_id=incubator_id, company_id=company_id, outcome_id=outcome_id,
                                cohort=cohort_name.strip()[:64], phase=INCUBATION_PHASES[0], phase_since=entered_on,
                                is_demo=is_demo)
    project.phase_events = [IncubationPhaseEvent(phase=INCUBATION_PHASES[0], happened_on=entered_on,
                                                 author=viewer.username)]
    session.add(project)
    session.flush()
    audit.record(session, viewer, "incubation.add", "incubation", project.id, incubator=incubator_id)
    return project


def advance(session: Session, viewer: Viewer, project: IncubationProject, phase: str,
            on: date | None = None) -> IncubationPhaseEvent:
    require_operator(viewer, project.incubator_id)
    on = on or date.today()
    errors = []
    if phase not in INCUBATION_PHASES:
        errors.append({"field": "phase", "message": f"未知阶段 / unknown phase; one of {', '.join(INCUBATION_PHASES)}"})
    elif INCUBATION_PHASES.index(phase) <= INCUBATION_PHASES.index(project.phase):
        errors.append({"field": "phase", "message": "孵化阶段只能前进 / phases only move forward"})
    if on < project.phase_since:
        errors.append({"field": "happened_on", "message": f"日期不能早于{project.phase_since.isoformat()} / "
                                                         "the date cannot be before the previous move"})
    if on > date.today():
        errors.append({"field": "happened_on", "message": "日期不能在未来 / the date cannot be in the future"})
    if errors:
        raise ValidationError(errors)
    event = IncubationPhaseEvent(phase=phase, happened_on=on, author=viewer.username)
    project.phase_events.append(event)
    project.phase, project.phase_since = phase, on
    session.flush()
    audit.record(session, viewer, "incubation.advance", "incubation", project.id, phase=phase)
    return event


def add_milestone(session: Session, viewer: Viewer, project: IncubationProject, title: str,
                  due_on: date | None = None, phase: str | None = None) -> IncubationMilestone:
    require_operator(viewer, project.incubator_id)
    title = (title or "").strip()[:200]
    phase = phase or project.phase
    if not title or phase not in INCUBATION_PHASES:
        raise ValidationError([{"field": "title", "message": "请填写里程碑与阶段 / a title and a phase are needed"}])
    milestone = IncubationMilestone(phase=phase, title=title, due_on=due_on)
    project.milestones.append(milestone)
    session.flush()
    return milestone


def complete_milestone(session: Session, viewer: Viewer, milestone_id: int, on: date | None = None) -> IncubationMilestone:
    milestone = session.get(IncubationMilestone, milestone_id)
    require_signed_in(viewer)
    if milestone is None or not operates(viewer, milestone.project.incubator_id):
        raise NotFound("milestone not found / 里程碑不存在")
    on = on or date.today()
    if on > date.today():
        raise ValidationError([{"field": "done_on", "message": "日期不能在未来 / the date cannot be in the future"}])
    milestone.done_on = on
    session.flush()
    audit.record(session, viewer, "incubation.milestone", "incubation", milestone.project_id, milestone=milestone.id)
    return milestone


def phase_durations(project: IncubationProject) -> dict[str, int]:
    """Days spent in each finished phase."""
    events = project.phase_events
    return {e.phase: (nxt.happened_on - e.happened_on).days for e, nxt in zip(events, events[1:])}
