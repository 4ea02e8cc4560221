"""Matching supply and demand, each result with its score and the reasons behind it.

need → outcomes: the need's most telling words search the outcomes (only what the viewer may
search: see search.py), then each candidate is scored
    0.50 × lexical (BM25, see ranking.py; relative to the best candidate)
  + 0.25 field fit (the outcome's field is one the need names)
  + 0.15 stage fit (its stage is one the need accepts)
  + 0.05 chain-segment fit + 0.05 same region
  + feedback (see feedback.py: per pair ±0.30, per counterparty kind ±0.10).
outcome → organizations (enterprises, investors, incubators, parks): the outcome's words
search their open needs and theses and their profiles; per organization
    0.45 × best need's lexical + 0.20 × profile lexical
  + 0.20 field fit + 0.10 stage fit + 0.05 segment fit (from its open needs)
  + 0.05 same region + feedback as above.
Reasons name what scored: shared key terms, the need, field, stage, segment, region, feedback.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field as dataclass_field

from sqlalchemy import or_, select, true, union_all
from sqlalchemy.orm import Session, load_only

from medbridge.accounts.policy import Viewer, detail_level, require_visible, visible_condition
from medbridge.library.models import Outcome
from medbridge.library.taxonomy import get_taxonomy
from medbridge.matching import feedback, text
from medbridge.matching.index import load_names, outcome_texts, term_counts, term_frequencies
from medbridge.matching.models import SearchEntry
from medbridge.matching.ranking import ENTRIES
from medbridge.matching.search import top_documents
from medbridge.needs.models import Need
from medbridge.registry.models import Organization

COUNTERPARTY_KINDS = ("enterprise", "investor", "incubator", "park")
MAX_TERMS = 10
CANDIDATES = 100
FIELD_CANDIDATES = 50
# What scoring a candidate outcome reads (its JSON columns stay unloaded).
MATCH_COLUMNS = (Outcome.id, Outcome.title, Outcome.kind, Outcome.field, Outcome.stage, Outcome.segment,
                 Outcome.owner_id, Outcome.confidentiality)
# A word in more than this share of all index entries tells little about a match.
COMMON_SHARE = 0.2
MIN_FOR_COMMON = 1000


@dataclass
class Match:
    id: int
    kind: str
    title: str
    score: float
    reasons: list[str] = dataclass_field(default_factory=list)
    doc: object = None
    need_id: int | None = None        # outcome→organization: the organization's best-matching need
    feedback: dict = dataclass_field(default_factory=dict)

    def as_dict(self) -> dict:
        data = {"id": self.id, "kind": self.kind, "title": self.title, "score": round(self.score, 4),
                "reasons": self.reasons}
        if self.need_id is not None:
            data["need_id"] = self.need_id
        return data


# --- choosing words ---------------------------------------------------------------------

def telling_terms(session: Session, source: str, own: tuple[str, int] | None = None,
                  limit: int = MAX_TERMS) -> list[list[str]]:
    """The query groups of a long text, most specific first. Single characters, words found
    nowhere else than in the source document itself (`own`: its doc_kind and id) and words
    found nearly everywhere are dropped: none of them tells one match from another."""
    groups = [g for g in text.query_terms(source, parts=False) if len(g[0]) > 1 or len(g) > 1]
    if not groups:
        return []
    frequency = term_frequencies(session, {g[0] for g in groups})
    for word, count in _own_counts(session, own).items():
        if word in frequency:
            frequency[word] -= count
    # (A small index has no "common" words worth the name.)
    total = max(frequency.get(ENTRIES, 0), MIN_FOR_COMMON)
    groups = [g for g in groups if len(g) > 1 or 0 < frequency.get(g[0], 0) <= COMMON_SHARE * total]
    groups.sort(key=lambda g: frequency.get(g[0], 0))
    return groups[:limit]


def _own_counts(session: Session, own: tuple[str, int] | None) -> Counter:
    if not own:
        return Counter()
    return term_counts(session.scalars(select(SearchEntry.tokens).where(SearchEntry.doc_kind == own[0],
                                                                       SearchEntry.doc_id == own[1])))


def shared_terms(need_groups: list[list[str]], tokens: set[str], limit: int = 5) -> list[str]:
    shared = []
    for group in need_groups:
        hit = next((t for t in group if t in tokens), None)
        if hit and len(hit) > 1 and hit not in shared:
            shared.append(hit)
    # Most telling first (the groups' order); 辅助诊断 says it all: its parts 辅助, 诊断 would repeat it.
    return [t for t in shared if not any(t != other and t in other for other in shared)][:limit]


def readable_tokens(session: Session, viewer: Viewer, outcomes: list[Outcome]) -> dict[int, set[str]]:
    """Indexed words of each outcome that this viewer may read (the body only with detail access)."""
    full = {o.id for o in outcomes if detail_level(viewer, o) == "full"}
    rows = session.execute(select(SearchEntry.doc_id, SearchEntry.part, SearchEntry.tokens).where(
        SearchEntry.doc_kind == "outcome", SearchEntry.doc_id.in_([o.id for o in outcomes])))
    tokens: dict[int, set[str]] = {o.id: set() for o in outcomes}
    for doc_id, part, words in rows:
        if part == "head" or doc_id in full:
            tokens[doc_id].update(words.split())
    return tokens


# --- need → outcomes --------------------------------------------------------------------

def match_need(session: Session, need: Need, viewer: Viewer, limit: int = 20) -> list[Match]:
    load_names(session)
    tax = get_taxonomy()
    # The need's own words: not its owner's name or field labels (field fit is scored apart).
    groups = telling_terms(session, " ".join([need.title, need.description or "", " ".join(need.keywords or [])]),
                           own=("need", need.id))
    found = top_documents(session, groups, viewer, ("outcome",), CANDIDATES)
    best = max((score for _, _, score in found), default=0.0) or 1.0
    lexical = {doc_id: score / best for _, doc_id, score in found}
    # Outcomes of the fields the need names fit even without a shared word: the best graded
    # of them are candidates too (lexical score 0).
    if need.fields:
        lexical.update({doc_id: 0.0 for doc_id in session.scalars(
            best_of_fields(need.fields, viewer, exclude=list(lexical)))})
    if not lexical:
        return []
    outcomes = list(session.scalars(select(Outcome).options(load_only(*MATCH_COLUMNS)).where(Outcome.id.in_(lexical))))
    pairs = feedback.pair_adjustments(session, [(need.id, o.id, None) for o in outcomes])
    by_kind = feedback.kind_adjustments(session, "need", {"need_kind": need.kind})
    need_region = need.region or (need.owner.province if need.owner else "")
    matches = []
    for outcome in outcomes:
        score, reasons = 0.5 * lexical[outcome.id], []
        if outcome.field in (need.fields or []):
            score += 0.25
            reasons.append(f"领域一致 / same field: {tax.fields.label(outcome.field)}")
        if outcome.stage in (need.stages or []):
            score += 0.15
            reasons.append(f"阶段符合 / stage fits: {tax.stages.label(outcome.stage)}")
        if outcome.segment and outcome.segment in (need.segments or []):
            score += 0.05
            reasons.append(f"产业链环节 / chain segment: {tax.segments.label(outcome.segment)}")
        if need_region and outcome.owner and need_region in (outcome.owner.province, outcome.owner.city):
            score += 0.05
            reasons.append(f"同一地区 / same region: {need_region}")
        score += _feedback_reasons(pairs.get((need.id, outcome.id, None)), by_kind.get(outcome.kind, 0.0),
                                   tax.kinds.label(outcome.kind), reasons)
        matches.append(Match(outcome.id, "outcome", outcome.title, score, reasons, outcome))
    matches.sort(key=lambda m: (-m.score, m.id))
    top = matches[:limit]
    tokens = readable_tokens(session, viewer, [m.doc for m in top])
    for match in top:
        terms = shared_terms(groups, tokens[match.id])
        if terms:
            match.reasons.insert(0, f"共同关键词 / shared terms: {'、'.join(terms)}")
    return top


def best_of_fields(fields: list[str], viewer: Viewer, exclude: list[int], limit: int = FIELD_CANDIDATES):
    """The ids of the best graded `limit` outcomes of these fields the viewer may see. One
    bounded walk of the (field, score, id) index per field, merged: sorting every outcome of
    the fields instead would cost a tenth of the library per match."""
    per_field = [select(Outcome.id, Outcome.score)
                 .where(Outcome.field == name, visible_condition(viewer),
                        Outcome.id.not_in(exclude) if exclude else true())
                 .order_by(Outcome.score.desc(), Outcome.id).limit(limit).subquery()
                 for name in sorted(set(fields))]
    merged = union_all(*[select(part.c.id, part.c.score) for part in per_field]).subquery()
    return select(merged.c.id).order_by(merged.c.score.desc(), merged.c.id).limit(limit)


def _feedback_reasons(pair: tuple[float, Counter] | None, kind_boost: float, kind_label: str,
                      reasons: list[str]) -> float:
    boost = 0.0
    if pair and pair[1]:
        boost += pair[0]
        tally = pair[1]
        said = "，".join(f"{label}{tally[v]}次" for v, label in
                        (("relevant", "相关"), ("contacted", "已联系"), ("irrelevant", "不相关")) if tally[v])
        reasons.append(f"过往反馈 / past feedback: {said}")
    if abs(kind_boost) >= 0.01:
        boost += kind_boost
        trend = "偏好" if kind_boost > 0 else "较少选择"
        reasons.append(f"同类反馈{trend}“{kind_label}” / past feedback on this kind: {kind_boost:+.2f}")
    return boost


# --- outcome → organizations ------------------------------------------------------------

def match_outcome(session: Session, outcome: Outcome, viewer: Viewer, limit: int = 20,
                  kinds: tuple[str, ...] = COUNTERPARTY_KINDS) -> list[Match]:
    level = require_visible(viewer, outcome)
    load_names(session)
    tax = get_taxonomy()
    _, body = outcome_texts(outcome)
    # Its own words (not its owner's name nor field labels); the detail only if the viewer may read it.
    source = " ".join([outcome.title] + ([body] if level == "full" else []))
    groups = telling_terms(session, source, own=("outcome", outcome.id))
    found = top_documents(session, groups, viewer, ("need", "organization"), CANDIDATES * 2)
    best = max((score for _, _, score in found), default=0.0) or 1.0
    need_scores = {doc_id: score / best for kind, doc_id, score in found if kind == "need"}
    profile_scores = {doc_id: score / best for kind, doc_id, score in found if kind == "organization"}

    # Open needs that match by words, or by field without sharing a word.
    needs = list(session.scalars(select(Need).join(Organization, Organization.id == Need.owner_id).where(
        Need.status == "open", Organization.kind.in_(kinds),
        or_(Need.id.in_(need_scores), Need.fields.is_not(None)))))
    needs = [n for n in needs if n.id in need_scores or outcome.field in (n.fields or [])]
    orgs = {n.owner_id: n.owner for n in needs}
    for org in session.scalars(select(Organization).where(Organization.id.in_(profile_scores),
                                                          Organization.kind.in_(kinds))):
        orgs[org.id] = org
    if not orgs:
        return []
    needs_of: dict[int, list[Need]] = {}
    for need in needs:
        needs_of.setdefault(need.owner_id, []).append(need)
    pairs = feedback.pair_adjustments(session, [(None, outcome.id, org_id) for org_id in orgs])
    by_kind = feedback.kind_adjustments(session, "outcome", {"field": outcome.field})
    region = outcome.owner.province if outcome.owner else ""
    matches = []
    for org_id, org in orgs.items():
        match = _score_organization(org, needs_of.get(org_id, []), outcome, need_scores,
                                    profile_scores.get(org_id, 0.0), region, tax)
        match.score += _feedback_reasons(pairs.get((None, outcome.id, org_id)), by_kind.get(org.kind, 0.0),
                                         tax.organization_kinds.label(org.kind), match.reasons)
        matches.append(match)
    matches.sort(key=lambda m: (-m.score, m.id))
    top = matches[:limit]
    _add_shared_terms(session, groups, top)
    return top


def _score_organization(org: Organization, needs: list[Need], outcome: Outcome, need_scores: dict[int, float],
                        profile: float, region: str, tax) -> Match:
    match = Match(org.id, org.kind, org.name, 0.0, [], org)
    best_need = max(needs, key=lambda n: (need_scores.get(n.id, 0.0), outcome.field in (n.fields or []), -n.id),
                    default=None)
    if best_need is not None:
        match.need_id = best_need.id
        match.score += 0.45 * need_scores.get(best_need.id, 0.0)
        kind_label = _need_kind_label(best_need.kind)
        match.reasons.append(f"{kind_label}“{best_need.title}” / its open {best_need.kind.replace('_', ' ')}")
    if profile > 0:
        match.score += 0.20 * profile
        match.reasons.append("机构简介与成果相关 / its profile mentions the outcome's subject")
    if any(outcome.field in (n.fields or []) for n in needs):
        match.score += 0.20
        match.reasons.append(f"关注领域一致 / looks for this field: {tax.fields.label(outcome.field)}")
    if any(outcome.stage in (n.stages or []) for n in needs):
        match.score += 0.10
        match.reasons.append(f"接受该阶段 / takes this stage: {tax.stages.label(outcome.stage)}")
    if outcome.segment and any(outcome.segment in (n.segments or []) for n in needs):
        match.score += 0.05
        match.reasons.append(f"产业链环节 / chain segment: {tax.segments.label(outcome.segment)}")
    if region and region in (org.province, org.city) or any(region and n.region == region for n in needs):
        match.score += 0.05
        match.reasons.append(f"同一地区 / same region: {region}")
    return match


def _need_kind_label(kind: str) -> str:
    from medbridge.needs.service import NEED_KINDS

    return NEED_KINDS.label(kind)


def _add_shared_terms(session: Session, groups: list[list[str]], matches: list[Match]) -> None:
    """Shared words between the outcome's query and each organization's best need or profile."""
    keys = [("need", m.need_id) for m in matches if m.need_id] + [("organization", m.id) for m in matches]
    if not keys:
        return
    rows = session.execute(select(SearchEntry.doc_kind, SearchEntry.doc_id, SearchEntry.tokens).where(
        or_(*[(SearchEntry.doc_kind == kind) & (SearchEntry.doc_id == doc_id) for kind, doc_id in keys])))
    tokens: dict[tuple[str, int], set[str]] = {}
    for kind, doc_id, words in rows:
        tokens.setdefault((kind, doc_id), set()).update(words.split())
    for match in matches:
        words = tokens.get(("need", match.need_id), set()) | tokens.get(("organization", match.id), set())
        terms = shared_terms(groups, words)
        if terms:
            match.reasons.insert(0, f"共同关键词 / shared terms: {'、'.join(terms)}")
