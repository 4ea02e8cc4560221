"""Placing organizations in chain segments.

The rules that suggest a placement, in plain words (each one adds to the confidence, and each
one that fires is written into the suggestion's reasons):

1. Only organizations that do chain work are placed: hospitals, universities, institutes,
   enterprises and service platforms. Parks, incubators, investors, governments, alliances
   and media carry a cluster but are not a segment of it (parks are attached as the place
   where their tenants sit).
2. Which chain: a chain keyword in the name, an alias or the description (名称含“药业” →
   化学药) adds CHAIN_KEYWORD; the description naming one of the chain's fields adds
   CHAIN_FOCUS; the share of the organization's outcomes in the chain's fields adds up to
   CHAIN_OUTCOMES. Chain evidence is capped at CHAIN_CAP.
3. Which segment: the kind gives the usual segment (hospital → 临床试验, university and
   institute → 技术研发, enterprise → 生产加工, service platform → 检测审批 of 医药服务)
   with KIND_WEIGHT; a segment keyword in the name adds SEGMENT_KEYWORD; the share of the
   organization's outcomes of that chain whose own segment is this one adds up to
   SEGMENT_OUTCOMES. Segment evidence is capped at SEGMENT_CAP.
4. A suggestion needs evidence for both the chain and the segment; its confidence is their
   sum, kept only at SUGGEST_THRESHOLD or above, never above MAX_CONFIDENCE: a person
   confirms or rejects it.

Outcomes count as signals only when everyone may know they exist (not confidential), because
stored suggestions and their reasons are shown to everyone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from medbridge.accounts.policy import ANONYMOUS, Viewer, visible_condition
from medbridge.chain.models import ChainPlacement, ParkTenant
from medbridge.chain.taxonomy import ChainMap, Segment
from medbridge.db.base import utcnow
from medbridge.errors import ValidationError
from medbridge.library.models import Outcome
from medbridge.library.taxonomy import get_taxonomy
from medbridge.registry.models import Organization

PLACED_KINDS = ("hospital", "university", "institute", "enterprise", "service_platform")
# The segment an organization of each kind usually occupies (chain None = every chain it fits).
KIND_SEGMENTS = {
    "hospital": (None, "clinical_trial"),
    "university": (None, "rnd"),
    "institute": (None, "rnd"),
    "enterprise": (None, "manufacturing"),
    "service_platform": ("pharma_services", "testing_approval"),
}
CHAIN_KEYWORD = 0.30
CHAIN_FOCUS = 0.20
CHAIN_OUTCOMES = 0.40
CHAIN_CAP = 0.50
KIND_WEIGHT = 0.30
SEGMENT_KEYWORD = 0.20
SEGMENT_OUTCOMES = 0.25
SEGMENT_CAP = 0.45
SUGGEST_THRESHOLD = 0.40
MAX_CONFIDENCE = 0.95


@dataclass
class Suggestion:
    chain: str
    segment: str
    confidence: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class Profile:
    """What the rules read about one organization."""

    org: Organization
    texts: list[str]
    outcome_fields: Counter
    outcome_segments: dict[str, Counter]   # field → Counter of outcome segments
    outcome_total: int


def profiles(session: Session, orgs: list[Organization], viewer: Viewer = ANONYMOUS) -> list[Profile]:
    ids = [o.id for o in orgs]
    fields: dict[int, Counter] = defaultdict(Counter)
    segments: dict[int, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for start in range(0, len(ids), 500):
        rows = session.execute(select(Outcome.owner_id, Outcome.field, Outcome.segment).where(
            Outcome.owner_id.in_(ids[start:start + 500]), visible_condition(viewer)))
        for owner, field_key, segment in rows:
            fields[owner][field_key] += 1
            if segment:
                segments[owner][field_key][segment] += 1
    return [Profile(o, [o.name, *o.alias_names, o.description or ""], fields[o.id], segments[o.id],
                    sum(fields[o.id].values())) for o in orgs]


def suggest(profile: Profile, chains: ChainMap) -> list[Suggestion]:
    """The placements the rules suggest for one organization, best first."""
    org = profile.org
    if org.kind not in PLACED_KINDS:
        return []
    kind_chain, kind_segment = KIND_SEGMENTS[org.kind]
    labels = get_taxonomy().fields
    names = " ".join(profile.texts[:-1])
    description = profile.texts[-1]
    suggestions = []
    for chain in chains.chains:
        chain_score, chain_reasons = 0.0, []
        word = next((w for w in chain.keywords if w.lower() in names.lower()), None)
        if word:
            chain_score += CHAIN_KEYWORD
            chain_reasons.append(f"名称含“{word}” / name contains “{word}”")
        focus = next((f for f in chain.fields if labels.label(f) in description), None)
        if focus:
            chain_score += CHAIN_FOCUS
            chain_reasons.append(f"简介提到“{labels.label(focus)}” / description names {labels.label(focus, 'en')}")
        in_chain = sum(profile.outcome_fields[f] for f in chain.fields)
        if in_chain:
            chain_score += CHAIN_OUTCOMES * in_chain / profile.outcome_total
            chain_reasons.append(f"{in_chain}/{profile.outcome_total} 项成果属于本链领域 / "
                                 f"{in_chain} of {profile.outcome_total} outcomes in the chain's fields")
        if kind_chain == chain.key:
            chain_score += CHAIN_KEYWORD
            chain_reasons.append(f"机构类型为服务平台 / a {org.kind.replace('_', ' ')}")
        chain_score = min(chain_score, CHAIN_CAP)
        if chain_score <= 0:
            continue
        segment_counts = Counter()
        for f in chain.fields:
            segment_counts.update(profile.outcome_segments.get(f, {}))
        for segment in chain.segments:
            segment_score, reasons = _segment_evidence(segment, org, names, kind_segment, segment_counts)
            confidence = round(min(chain_score + segment_score, MAX_CONFIDENCE), 2)
            if segment_score > 0 and confidence >= SUGGEST_THRESHOLD:
                suggestions.append(Suggestion(chain.key, segment.key, confidence, chain_reasons + reasons))
    return sorted(suggestions, key=lambda s: (-s.confidence, s.chain, s.segment))


def _segment_evidence(segment: Segment, org: Organization, names: str, kind_segment: str,
                      outcome_segments: Counter) -> tuple[float, list[str]]:
    score, reasons = 0.0, []
    if segment.key == kind_segment:
        score += KIND_WEIGHT
        reasons.append(f"机构类型通常位于“{segment.zh}” / its kind usually sits in {segment.en}")
    word = next((w for w in segment.keywords if w.lower() in names.lower()), None)
    if word:
        score += SEGMENT_KEYWORD
        reasons.append(f"名称含环节词“{word}” / name contains the segment word “{word}”")
    total = sum(outcome_segments.values())
    here = outcome_segments.get(segment.key, 0)
    if here:
        score += SEGMENT_OUTCOMES * here / total
        reasons.append(f"{here}/{total} 项本链成果处于该环节 / {here} of {total} outcomes of this chain are at this segment")
    return min(score, SEGMENT_CAP), reasons


# --- stored placements ------------------------------------------------------------------

def refresh_suggestions(session: Session, chains: ChainMap, orgs: list[Organization],
                        is_demo: bool = False) -> dict[str, int]:
    """Store the rules' suggestions for these organizations. Decisions people made (confirmed,
    rejected, placed by hand) are never touched; suggestions the rules no longer make are dropped."""
    existing = defaultdict(dict)
    for placement in session.scalars(select(ChainPlacement).where(
            ChainPlacement.organization_id.in_([o.id for o in orgs]))):
        existing[placement.organization_id][(placement.chain_key, placement.segment_key)] = placement
    counts = Counter()
    for profile in profiles(session, orgs):
        current = existing[profile.org.id]
        wanted = {(s.chain, s.segment): s for s in suggest(profile, chains)}
        for key, suggestion in wanted.items():
            placement = current.get(key)
            if placement is None:
                session.add(ChainPlacement(organization_id=profile.org.id, chain_key=suggestion.chain,
                                           segment_key=suggestion.segment, status="suggested", source="rules",
                                           confidence=suggestion.confidence, reasons=suggestion.reasons,
                                           is_demo=is_demo or profile.org.is_demo))
                counts["added"] += 1
            elif placement.status == "suggested":
                placement.confidence, placement.reasons = suggestion.confidence, suggestion.reasons
                counts["kept"] += 1
        for key, placement in current.items():
            if placement.status == "suggested" and placement.source == "rules" and key not in wanted:
                session.delete(placement)
                counts["dropped"] += 1
    session.flush()
    return {"added": counts["added"], "kept": counts["kept"], "dropped": counts["dropped"]}


def place(session: Session, chains: ChainMap, org: Organization, chain_key: str, segment_key: str,
          author: str, note: str = "") -> ChainPlacement:
    """A person places an organization in a segment: confirmed at once."""
    check_segment(chains, chain_key, segment_key)
    placement = session.scalar(select(ChainPlacement).where(
        ChainPlacement.organization_id == org.id, ChainPlacement.chain_key == chain_key,
        ChainPlacement.segment_key == segment_key))
    if placement is None:
        placement = ChainPlacement(organization_id=org.id, chain_key=chain_key, segment_key=segment_key,
                                   source="manual", reasons=[], is_demo=org.is_demo)
        session.add(placement)
    _decide(placement, "confirmed", author, note)
    session.flush()
    return placement


def decide(session: Session, placement: ChainPlacement, confirm: bool, author: str, note: str = "") -> ChainPlacement:
    _decide(placement, "confirmed" if confirm else "rejected", author, note)
    session.flush()
    return placement


def _decide(placement: ChainPlacement, status: str, author: str, note: str) -> None:
    if len(note or "") > 500:
        raise ValidationError([{"field": "note", "message": "最多500字 / at most 500 characters"}])
    placement.status = status
    placement.decided_by = author
    placement.decided_at = utcnow()
    placement.note = note or ""


def check_segment(chains: ChainMap, chain_key: str, segment_key: str) -> None:
    if not chains.has(chain_key):
        raise ValidationError([{"field": "chain", "message": f"未知产业链“{chain_key}” / unknown chain; one of "
                                                             f"{', '.join(c.key for c in chains.chains)}"}])
    if not chains.has(chain_key, segment_key):
        keys = ", ".join(s.key for s in chains.chain(chain_key).segments)
        raise ValidationError([{"field": "segment", "message": f"该链无环节“{segment_key}” / unknown segment; one of {keys}"}])


# --- listing ----------------------------------------------------------------------------

@dataclass
class PlacementFilters:
    organization_id: int | None = None
    chain: str = ""
    segment: str = ""
    status: str = ""
    region: str = ""
    park_id: int | None = None
    min_confidence: float | None = None
    sort: str = "-confidence"
    page: int = 1
    per_page: int = 50


PLACEMENT_SORTS = {"confidence": ChainPlacement.confidence, "created_at": ChainPlacement.created_at,
                   "organization": Organization.name, "chain": ChainPlacement.chain_key}
MAX_PER_PAGE = 200


def list_placements(session: Session, filters: PlacementFilters) -> tuple[list[ChainPlacement], int]:
    query = select(ChainPlacement).join(Organization, Organization.id == ChainPlacement.organization_id)
    if filters.organization_id:
        query = query.where(ChainPlacement.organization_id == filters.organization_id)
    if filters.chain:
        query = query.where(ChainPlacement.chain_key == filters.chain)
    if filters.segment:
        query = query.where(ChainPlacement.segment_key == filters.segment)
    if filters.status:
        query = query.where(ChainPlacement.status == filters.status)
    if filters.region:
        query = query.where(or_(Organization.province == filters.region, Organization.city == filters.region,
                                Organization.district == filters.region))
    if filters.park_id:
        query = query.where(ChainPlacement.organization_id.in_(
            select(ParkTenant.organization_id).where(ParkTenant.park_id == filters.park_id)))
    if filters.min_confidence is not None:
        query = query.where(ChainPlacement.confidence >= filters.min_confidence)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    column = PLACEMENT_SORTS.get(filters.sort.lstrip("-"), ChainPlacement.confidence)
    order = column.desc().nulls_last() if filters.sort.startswith("-") else column.asc().nulls_last()
    per_page = max(1, min(filters.per_page, MAX_PER_PAGE))
    rows = session.scalars(query.order_by(order, Organization.name, ChainPlacement.id)
                           .offset((max(1, filters.page) - 1) * per_page).limit(per_page))
    return list(rows), total
