"""Demo data for the pipeline (演示数据，全部虚构): deals spread over three years with realistic stage
durations, one incubator cohort, the expert think-tank with technology managers, and one finished
competition with judges of different severity (so normalization has something to correct).

Built on the demo organizations, people and outcomes `medbridge.demo.load_demo` has just written;
deterministic for a seed, dates anchored to today. Every row is marked is_demo.
"""

from __future__ import annotations

import json
import math
import random
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from medbridge.accounts.policy import Viewer
from medbridge.library.models import Outcome
from medbridge.registry.models import Organization, Person
from medbridge.review import scoring
from medbridge.review import service as review
from medbridge.review.models import Competition, Expert
from medbridge.transfer import incubation, service
from medbridge.transfer.models import DEAL_STAGES, INCUBATION_PHASES, Deal, IncubationProject

DATA = Path(__file__).resolve().parent.parent / "demo_data" / "pipeline.json"
# The loader acts as an administrator named "demo", so the history says who wrote these rows.
DEMO_AUTHOR = Viewer(user_id=None, username="demo", roles=frozenset({("admin", None)}))


def _days(rng: random.Random, median: float) -> int:
    """A stage duration: log-normal around the median (long right tail, as real negotiations)."""
    return max(1, round(median * math.exp(rng.gauss(0, 0.55))))


def load_pipeline_demo(session: Session, seed: int = 2024, today: date | None = None) -> dict:
    spec = json.loads(DATA.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    today = today or date.today()
    orgs = list(session.scalars(select(Organization).where(Organization.is_demo.is_(True)).order_by(Organization.id)))
    outcomes = list(session.scalars(select(Outcome).where(Outcome.is_demo.is_(True), Outcome.confidentiality != "confidential")
                                    .order_by(Outcome.id)))
    if not outcomes:
        return {}
    counts = {"deals": _deals(session, spec, rng, today, orgs, outcomes)}
    experts = _experts(session, spec, rng, outcomes)
    counts["experts"] = len(experts)
    counts["incubation_projects"] = _incubation(session, spec, rng, today, orgs, outcomes)
    counts["competition_entries"] = _competition(session, spec, rng, orgs, outcomes, experts)
    return counts


def _deals(session, spec, rng, today, orgs, outcomes) -> int:
    buyers = [o for o in orgs if o.kind in ("enterprise", "investor")]
    modes, weights = zip(*spec["mode_weights"].items())
    made = 0
    for _ in range(spec["deal_count"]):
        outcome = rng.choice(outcomes)
        parties = [rng.choice(buyers).id]
        if rng.random() < 0.15:
            parties.append(rng.choice([b for b in buyers if b.id != parties[0]]).id)
        # More recent starts than old ones, so that every stage of the board has open deals.
        start = today - timedelta(days=10 + int(365 * spec["years_back"] * rng.random() ** 1.5))
        mode = rng.choices(modes, weights)[0]
        deal = service.create_deal(session, DEMO_AUTHOR, outcome.id, parties, mode,
                                   started_on=start, value=round(rng.uniform(20, 2000), 1) if rng.random() < 0.8 else None,
                                   terms=spec["terms"][mode], documents=[f"DEMO-NDA-{start.year}-{made + 1:03d}"],
                                   is_demo=True, today=today)
        _walk(session, deal, spec, rng, start, today)
        made += 1
    return made


def _walk(session, deal: Deal, spec, rng, day: date, today: date) -> None:
    """Move the deal along its stages until it is lost, closed, or the next move would be in the future."""
    stage = DEAL_STAGES[0]
    while stage != "closed":
        day = day + timedelta(days=_days(rng, spec["stage_median_days"][stage]))
        if day > today:
            return
        if stage not in ("signed", "executing") and rng.random() < spec["lost_share_per_stage"]:
            service.move_deal(session, DEMO_AUTHOR, deal, "lost", day, rng.choice(spec["lost_reasons"]), today=today)
            return
        following = DEAL_STAGES[DEAL_STAGES.index(stage) + 1]
        if following == "nda" and rng.random() < spec["skip_nda_share"]:
            following = "due_diligence"
        service.move_deal(session, DEMO_AUTHOR, deal, following, day, today=today)
        stage = following


def _experts(session, spec, rng, outcomes) -> list[Expert]:
    from medbridge.library.taxonomy import get_taxonomy

    fields = get_taxonomy().fields.keys
    people = list(session.scalars(select(Person).where(Person.is_demo.is_(True)).order_by(Person.id)))
    chosen = rng.sample(people, min(spec["expert_count"], len(people)))
    experts = []
    for i, person in enumerate(chosen):
        current = next((t for t in reversed(person.titles) if t.end_date is None), None)
        history = "；".join(f"{t.organization.name} {t.title}（{t.start_date or ''}–{t.end_date or '至今'}）" for t in person.titles)
        expert = review.create_expert(session, DEMO_AUTHOR, person.id,
                                      organization_id=current.organization_id if current else None,
                                      fields=rng.sample(fields, 2), title=current.title if current else "",
                                      history=history, is_tech_manager=i < spec["tech_manager_count"], is_demo=True)
        experts.append(expert)
    for expert in experts[:spec["tech_manager_count"]]:
        for outcome in rng.sample(outcomes, 3):
            review.assign_tech_manager(session, DEMO_AUTHOR, outcome.id, expert.id)
    return experts


def _incubation(session, spec, rng, today, orgs, outcomes) -> int:
    incubator = next((o for o in orgs if o.kind == "incubator"), None)
    companies = [o for o in orgs if o.kind == "enterprise"]
    if incubator is None:
        return 0
    for name in spec["incubator_projects"]:
        entered = today - timedelta(days=rng.randrange(200, 900))
        project = incubation.add_project(session, DEMO_AUTHOR, incubator.id, name, entered_on=entered,
                                         company_id=rng.choice(companies).id if rng.random() < 0.7 else None,
                                         outcome_id=rng.choice(outcomes).id, cohort_name=spec["cohort"], is_demo=True)
        day = entered
        for phase in INCUBATION_PHASES[:-1]:
            for k, title in enumerate(spec["milestones"][phase]):
                due = day + timedelta(days=60 * (k + 1))
                milestone = incubation.add_milestone(session, DEMO_AUTHOR, project, title, due, phase)
                if due <= today and rng.random() < 0.8:
                    milestone.done_on = due - timedelta(days=rng.randrange(0, 20))
            day = day + timedelta(days=_days(rng, spec["phase_median_days"][phase]))
            if day > today:
                break
            incubation.advance(session, DEMO_AUTHOR, project, INCUBATION_PHASES[INCUBATION_PHASES.index(phase) + 1], day)
    return len(spec["incubator_projects"])


def _competition(session, spec, rng, orgs, outcomes, experts) -> int:
    c = spec["competition"]
    organizer = next((o for o in orgs if o.kind in ("park", "government")), None)
    competition = review.create_competition(session, DEMO_AUTHOR, c["name"], c["year"],
                                            organizer_id=organizer.id if organizer else None,
                                            description=c["description"], awards=c["awards"], rounds=c["rounds"],
                                            is_demo=True)
    quality = {}
    for outcome in rng.sample(outcomes, c["entries"]):
        entry = review.add_entry(session, DEMO_AUTHOR, competition, outcome_id=outcome.id)
        quality[entry.id] = rng.uniform(5, 9)
    judges = experts[-c["judges"]:]
    severity = {e.id: rng.choice((-1.5, -0.8, 0, 0, 0.6, 1.2)) for e in judges}
    for judge in judges:
        review.add_judge(session, DEMO_AUTHOR, competition, judge.id)
    for rnd in competition.rounds:
        review.auto_assign(session, DEMO_AUTHOR, rnd)
        for assignment in review.assignments(session, rnd):
            base = quality[assignment.entry_id] + severity[assignment.expert_id]
            scores = {k["key"]: min(10.0, max(0.0, round(base + rng.gauss(0, 0.7)) * 1.0)) for k in rnd.rubric["criteria"]}
            assignment.scores = scores
            assignment.total = scoring.weighted_total(rnd.rubric, scores)
            assignment.comment = "演示评语 / demo comment"
        session.flush()
    review.finish(session, DEMO_AUTHOR, competition)
    return len(quality)


def remove_pipeline_demo(session: Session) -> None:
    """Delete the pipeline's demo rows (called before the demo outcomes and organizations go)."""
    for model in (Deal, IncubationProject, Competition, Expert):
        for row in session.scalars(select(model).where(model.is_demo.is_(True))):
            session.delete(row)
    session.flush()


DEMO_JUDGE = "demo-judge"


def pipeline_demo_accounts(session: Session) -> list[tuple[str, str, list[str]]]:
    """(username, display name, roles) of the pipeline's demo accounts: the operator of the demo
    incubator (sees its cohort) and a judge of the demo competition (sees their own entries)."""
    incubator = session.scalar(select(Organization.name).join(IncubationProject, IncubationProject.incubator_id == Organization.id)
                               .where(IncubationProject.is_demo.is_(True)).limit(1))
    wanted = [(DEMO_JUDGE, "演示评委", ["judge"])]
    if incubator:
        wanted.insert(0, ("demo-operator", "演示孵化器运营", [f"operator:{incubator}"]))
    return wanted


def link_demo_judge(session: Session, user) -> None:
    """Give the demo judge account the first judge of the demo competition, so its judge page has entries."""
    if user.username != DEMO_JUDGE:
        return
    from medbridge.review.models import CompetitionJudge

    judge = session.scalar(select(CompetitionJudge).join(Competition).where(Competition.is_demo.is_(True))
                           .order_by(CompetitionJudge.id).limit(1))
    if judge is not None and judge.expert.user_id is None:
        judge.expert.user_id = user.id
        session.flush()
