"""Coverage and choke points of a region or a park, corridors across cities, heat maps.

The rules, in plain words (the chain map page shows them too):

- Only confirmed placements count: a suggestion is not yet a fact.
- A segment's local coverage is the number of distinct organizations placed in it:
  0 → 缺失 missing; 1 → 单一依赖 single-firm; up to THIN_MAX → 薄弱 thin; more → 覆盖 covered.
- Single-firm dependence (单一依赖): one organization only, or, with several, one firm holds at
  least DOMINANCE_SHARE of the segment's known output value (only firms with an output figure
  count, and only when at least two have one and they are DOMINANCE_MIN_KNOWN of the segment).
- A choke point (卡点) is a missing or single-firm-dependent segment of a chain that is present
  locally (at least one of its other segments has an organization): the chain is there but
  blocked at this step. A chain with nobody at all locally is "absent", not blocked.
- Leading firms (龙头) are the LEADING_COUNT organizations with the largest output value, then
  the most outcomes, then the most placements in the chain.
- A corridor (产业廊道) is a chain whose covered segments, within the area asked about, sit in
  at least two cities, with no single city covering them all.
- Outcome counts include only outcomes the person asking may know exist.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from medbridge.accounts.policy import Viewer, visible_condition
from medbridge.chain.models import ChainPlacement, ClusterFigure, ParkTenant
from medbridge.chain.taxonomy import Chain, ChainMap
from medbridge.errors import NotFound, ValidationError
from medbridge.library.models import Outcome
from medbridge.registry.models import Organization

THIN_MAX = 2
DOMINANCE_SHARE = 0.6
# Output figures are often known for a few firms only; a share among them says something about
# the segment only when they are at least this part of its organizations.
DOMINANCE_MIN_KNOWN = 0.5
LEADING_COUNT = 3
SIZE_METRICS = ("output_value", "revenue")
STATUS_ORDER = ("missing", "single", "thin", "covered")

# The rules above, as the chain map page and the gap report state them (zh, en).
RULE_TEXTS = (
    ("只统计已确认的定位；规则给出的建议须经人确认后才计入。",
     "Only confirmed placements count; the rules' suggestions count once a person confirms them."),
    (f"环节覆盖度 = 本地在该环节的机构数：0 家为缺失，1 家为单一依赖，2–{THIN_MAX} 家为薄弱，更多为覆盖。",
     f"A segment's coverage is the number of local organizations in it: 0 missing, 1 single-firm, "
     f"2–{THIN_MAX} thin, more covered."),
    (f"单一依赖：只有 1 家，或龙头企业占该环节已知产值的 {round(DOMINANCE_SHARE * 100)}% 及以上"
     f"（至少 2 家、且不少于该环节机构的 {round(DOMINANCE_MIN_KNOWN * 100)}% 有产值数据）。",
     f"Single-firm dependence: one organization only, or the top firm holds {round(DOMINANCE_SHARE * 100)}% or "
     f"more of the segment's known output (at least two firms, and {round(DOMINANCE_MIN_KNOWN * 100)}% of the "
     "segment's organizations, with output figures)."),
    ("卡点：本地已有该链的其他环节，而此环节缺失或单一依赖；本地完全没有的链记为“未布局”，不算卡点。",
     "Choke point: the chain is present locally (another of its segments has someone) but this segment is "
     "missing or single-firm dependent; a chain with nobody locally is 'absent', not blocked."),
    (f"龙头企业：按产值（或营收）、可见成果数、在本链的环节数排序的前 {LEADING_COUNT} 家。",
     f"Leading firms: the top {LEADING_COUNT} by output value (or revenue), then visible outcomes, then "
     "segments held in the chain."),
    ("产业廊道：在所选地区内，一条链已覆盖的环节分布在至少两个城市，且没有一个城市覆盖全部。",
     "Corridor: within the regions chosen, a chain's covered segments sit in at least two cities and no "
     "single city covers them all."),
    ("成果数只计入当前用户有权知道其存在的成果（保密成果对无权者不计）。",
     "Outcome counts include only outcomes the person asking may know exist (confidential ones are left out "
     "for others)."),
)


def rule_texts(lang: str = "zh") -> list[str]:
    return [en if lang == "en" else zh for zh, en in RULE_TEXTS]


@dataclass(frozen=True)
class Scope:
    """Where to look: a region (province, city or district name) or a park (its tenants)."""

    region: str = ""
    park_id: int | None = None

    @property
    def is_everywhere(self) -> bool:
        return not self.region and self.park_id is None


@dataclass
class Member:
    """One organization, as the arithmetic sees it."""

    id: int
    name: str
    kind: str
    city: str
    province: str
    output: float | None = None       # latest output value or revenue, 亿元
    outcomes: int = 0                  # outcomes the viewer may see
    is_demo: bool = False


@dataclass
class SegmentCoverage:
    chain: str
    segment: str
    members: list[Member] = field(default_factory=list)
    status: str = "missing"
    dependent: bool = False
    top_share: float | None = None
    choke: bool = False
    outcome_count: int = 0

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def leading(self) -> list[Member]:
        return self.members[:LEADING_COUNT]

    @property
    def is_gap(self) -> bool:
        return self.status != "covered" or self.dependent


@dataclass
class ChainCoverage:
    chain: str
    segments: list[SegmentCoverage]

    @property
    def present(self) -> bool:
        return any(s.count for s in self.segments)

    @property
    def organizations(self) -> int:
        return len({m.id for s in self.segments for m in s.members})


# --- the arithmetic (no database) --------------------------------------------------------

def segment_status(count: int) -> str:
    if count == 0:
        return "missing"
    if count == 1:
        return "single"
    return "thin" if count <= THIN_MAX else "covered"


def dominance(members: list[Member]) -> float | None:
    """The largest firm's share of the segment's known output; None when fewer than two firms, or
    fewer than DOMINANCE_MIN_KNOWN of the segment's organizations, have an output figure."""
    known = [m.output for m in members if m.output is not None and m.output > 0]
    if len(known) < 2 or len(known) < DOMINANCE_MIN_KNOWN * len(members):
        return None
    return max(known) / sum(known)


def leading_order(member: Member, breadth: Counter) -> tuple:
    return (-(member.output or 0), -member.outcomes, -breadth[member.id], member.name)


def chain_coverage(chain: Chain, placed: dict[str, list[Member]], outcomes: dict[str, int] | None = None) -> ChainCoverage:
    """Coverage of one chain from who is placed in which of its segments."""
    breadth = Counter(m.id for members in placed.values() for m in members)
    segments = []
    for segment in chain.segments:
        members = sorted({m.id: m for m in placed.get(segment.key, [])}.values(),
                         key=lambda m: leading_order(m, breadth))
        coverage = SegmentCoverage(chain.key, segment.key, members, segment_status(len(members)),
                                   outcome_count=(outcomes or {}).get(segment.key, 0))
        coverage.top_share = dominance(members)
        coverage.dependent = coverage.status == "single" or (
            coverage.top_share is not None and coverage.top_share >= DOMINANCE_SHARE)
        segments.append(coverage)
    result = ChainCoverage(chain.key, segments)
    if result.present:
        for coverage in segments:
            coverage.choke = coverage.status == "missing" or coverage.dependent
    return result


@dataclass
class Corridor:
    chain: str
    legs: list[tuple[str, list[str]]]     # (city, segment keys there), in chain order
    missing: list[str]                    # segments nobody covers in the whole area

    @property
    def cities(self) -> list[str]:
        return [city for city, _ in self.legs]


def corridor_of(chain: Chain, placed: dict[str, list[Member]]) -> Corridor | None:
    """The chain's corridor across cities, or None if its covered segments share one city."""
    cities_by_segment = {key: {m.city for m in members} for key, members in placed.items() if members}
    covered = [s.key for s in chain.segments if cities_by_segment.get(s.key)]
    cities = {city for key in covered for city in cities_by_segment[key]}
    if len(cities) < 2 or any(all(city in cities_by_segment[key] for key in covered) for city in cities):
        return None
    order = {s.key: s.order for s in chain.segments}
    legs = defaultdict(list)
    for key in covered:
        for city in sorted(cities_by_segment[key]):
            legs[city].append(key)
    ordered = sorted(legs.items(), key=lambda item: (min(order[k] for k in item[1]), item[0]))
    return Corridor(chain.key, ordered, [s.key for s in chain.segments if s.key not in cities_by_segment])


# --- reading the database ----------------------------------------------------------------

def scope_condition(session: Session, scope: Scope):
    if scope.park_id is not None:
        park = session.get(Organization, scope.park_id)
        if park is None or park.kind != "park":
            raise NotFound(f"park {scope.park_id} not found / 园区不存在")
        return Organization.id.in_(select(ParkTenant.organization_id).where(ParkTenant.park_id == scope.park_id))
    if scope.region:
        region = scope.region.strip()
        return or_(Organization.province == region, Organization.city == region, Organization.district == region)
    return None


def output_values(session: Session, org_ids: list[int]) -> dict[int, float]:
    """Each organization's latest output value (or revenue when no output value is known)."""
    latest: dict[int, tuple] = {}
    if not org_ids:
        return {}
    rows = [row for start in range(0, len(org_ids), 1000) for row in session.execute(
        select(ClusterFigure.organization_id, ClusterFigure.metric, ClusterFigure.period, ClusterFigure.value)
        .where(ClusterFigure.organization_id.in_(org_ids[start:start + 1000]), ClusterFigure.metric.in_(SIZE_METRICS)))]
    for org_id, metric, period, value in rows:
        rank = (SIZE_METRICS.index(metric) == 0, period)
        if org_id not in latest or rank > latest[org_id][0]:
            latest[org_id] = (rank, value)
    return {org_id: value for org_id, (_, value) in latest.items()}


def outcome_counts(session: Session, viewer: Viewer, org_ids: list[int]) -> dict[int, Counter]:
    """(field, segment) counts of the outcomes each organization owns, that the viewer may see."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for start in range(0, len(org_ids), 500):
        rows = session.execute(select(Outcome.owner_id, Outcome.field, Outcome.segment, func.count())
                               .where(Outcome.owner_id.in_(org_ids[start:start + 500]), visible_condition(viewer))
                               .group_by(Outcome.owner_id, Outcome.field, Outcome.segment))
        for owner, field_key, segment, count in rows:
            counts[owner][(field_key, segment)] += count
    return counts


def placed_members(session: Session, chains: ChainMap, viewer: Viewer, scope: Scope = Scope(),
                   chain_key: str | None = None) -> dict[str, dict[str, list[Member]]]:
    """chain → segment → members, from confirmed placements of organizations in the scope."""
    # Plain columns, not Organization objects: a province can hold thousands of placements.
    query = (select(ChainPlacement.chain_key, ChainPlacement.segment_key, Organization.id, Organization.name,
                    Organization.kind, Organization.city, Organization.province, Organization.is_demo)
             .join(Organization, Organization.id == ChainPlacement.organization_id)
             .where(ChainPlacement.status == "confirmed"))
    condition = scope_condition(session, scope)
    if condition is not None:
        query = query.where(condition)
    if chain_key:
        query = query.where(ChainPlacement.chain_key == chain_key)
    rows = [row for row in session.execute(query) if chains.has(row[0], row[1])]
    org_ids = sorted({row[2] for row in rows})
    outputs = output_values(session, org_ids)
    outcomes = outcome_counts(session, viewer, org_ids)
    members: dict[int, Member] = {}
    placed: dict[str, dict[str, list[Member]]] = defaultdict(lambda: defaultdict(list))
    for c, s, org_id, name, kind, city, province, is_demo in rows:
        if org_id not in members:
            members[org_id] = Member(org_id, name, kind, city or province or "—", province, outputs.get(org_id),
                                     sum(outcomes[org_id].values()), is_demo)
        placed[c][s].append(members[org_id])
    return placed


def coverage(session: Session, chains: ChainMap, viewer: Viewer, scope: Scope = Scope(),
             chain_key: str | None = None) -> list[ChainCoverage]:
    """Coverage of every chain (or one) in the scope."""
    selected = [chains.chain(chain_key)] if chain_key else list(chains.chains)
    placed = placed_members(session, chains, viewer, scope, chain_key)
    outcome_totals = _segment_outcomes(session, chains, viewer, scope)
    return [chain_coverage(chain, placed.get(chain.key, {}), outcome_totals.get(chain.key)) for chain in selected]


def _segment_outcomes(session: Session, chains: ChainMap, viewer: Viewer, scope: Scope) -> dict[str, dict[str, int]]:
    """Outcomes owned in the scope, by chain (through their field) and segment: visible ones only."""
    query = (select(Outcome.field, Outcome.segment, func.count()).join(Organization, Organization.id == Outcome.owner_id)
             .where(visible_condition(viewer)).group_by(Outcome.field, Outcome.segment))
    condition = scope_condition(session, scope)
    if condition is not None:
        query = query.where(condition)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for field_key, segment, count in session.execute(query):
        for chain in chains.chains_for_field(field_key):
            if segment and chain.segment(segment):
                totals[chain.key][segment] += count
    return totals


def corridors(session: Session, chains: ChainMap, viewer: Viewer, regions: list[str]) -> list[Corridor]:
    """Corridors of every chain within these regions together (all regions when none)."""
    if len(regions) > 20:
        raise ValidationError([{"field": "regions", "message": "最多20个地区 / at most 20 regions"}])
    placed: dict[str, dict[str, list[Member]]] = defaultdict(lambda: defaultdict(list))
    for region in regions or [""]:
        for chain_key, segments in placed_members(session, chains, viewer, Scope(region=region)).items():
            for segment, members in segments.items():
                placed[chain_key][segment].extend(members)
    found = [corridor_of(chain, placed.get(chain.key, {})) for chain in chains.chains]
    return [c for c in found if c is not None]


def heatmap(session: Session, chains: ChainMap, viewer: Viewer, chain_key: str,
            level: str = "province") -> tuple[list[str], list[str], list[list[int]]]:
    """(regions, segment keys, counts[region][segment]) of distinct organizations in a chain."""
    if level not in ("province", "city"):
        raise ValidationError([{"field": "level", "message": "应为 province 或 city / province or city"}])
    chain = chains.chain(chain_key)
    placed = placed_members(session, chains, viewer, Scope(), chain_key).get(chain_key, {})
    cells: dict[str, Counter] = defaultdict(Counter)
    for segment, members in placed.items():
        for member in {m.id: m for m in members}.values():
            cells[member.province if level == "province" else member.city][segment] += 1
    regions = sorted(cells, key=lambda r: (-sum(cells[r].values()), r))
    keys = [s.key for s in chain.segments]
    return regions, keys, [[cells[r][k] for k in keys] for r in regions]


def parks(session: Session) -> list[Organization]:
    return list(session.scalars(select(Organization).where(Organization.kind == "park").order_by(Organization.name)))
