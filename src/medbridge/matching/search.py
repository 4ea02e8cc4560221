"""Search over the index: outcomes, organizations and needs, ranked, filtered, with facets
and highlighted snippets, showing each viewer only what the confidentiality rules allow.

Confidentiality: an outcome's entries come in two parts. The head (title, code, owner, field,
kind) matches for anyone who may know the outcome exists (`visible_condition`); the body
(summary, keywords, inventors) only for those who may read the detail
(`full_detail_condition`). So a summary-only outcome is never found by, nor shown with, its
hidden text, and a confidential one does not exist for those without access.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field as dataclass_field
from typing import NamedTuple

from sqlalchemy import Integer, and_, or_, select, text as sql_text
from sqlalchemy.orm import Session

from medbridge.accounts.policy import Viewer, detail_level, full_detail_condition, visible_condition
from medbridge.errors import ValidationError
from medbridge.library.models import Outcome
from medbridge.matching import text
from medbridge.matching.index import load_names, term_frequencies
from medbridge.matching.ranking import BM25, ENTRIES
from medbridge.matching.models import DOC_KINDS, RECENT, SearchEntry
from medbridge.needs.models import Need
from medbridge.registry.models import Organization

# A match in the head (title, name) counts more than one in a long body.
BODY_WEIGHT = 0.6
MAX_PER_PAGE = 100
MAX_QUERY_TERMS = 32
# Results a search ranks and counts at most: facets and totals past it would cost every
# query the price of the commonest word, for pages nobody reads.
MAX_RESULTS = 1000
# Matching entries ranked at most per query (see matched_entries).
RANK_POOL = 2000
# PostgreSQL, a million outcomes, warm buffers: fetching a match through a GIN index costs
# 1.3 to 7 µs (a heap page each; more once the bitmap outgrows work_mem), testing an entry on
# the way back along the primary key 0.3 to 0.75 µs (two machines, each "2 cores").
FETCH_TO_TEST = 3
FACETS = ("doc_kind", "sub_kind", "field", "stage", "province")


@dataclass
class SearchFilters:
    q: str = ""
    kinds: tuple[str, ...] = ()      # doc kinds: outcome, organization, need
    sub_kind: str = ""               # outcome kind, organization kind or need kind
    field: str = ""
    stage: str = ""
    region: str = ""                 # province
    page: int = 1
    per_page: int = 20

    def validated(self) -> "SearchFilters":
        errors = []
        if not self.q.strip():
            errors.append({"field": "q", "message": "请输入检索词 / enter something to search for"})
        elif len(self.q) > 500:
            errors.append({"field": "q", "message": "检索词最多500字 / at most 500 characters"})
        unknown = [k for k in self.kinds if k not in DOC_KINDS]
        if unknown:
            errors.append({"field": "kinds", "message": f"未知类型 / unknown kind {', '.join(unknown)}; "
                                                        f"one of {', '.join(DOC_KINDS)}"})
        if self.page < 1:
            errors.append({"field": "page", "message": "页码从1开始 / pages start at 1"})
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            errors.append({"field": "per_page", "message": f"每页1到{MAX_PER_PAGE}条 / 1 to {MAX_PER_PAGE} per page"})
        if errors:
            raise ValidationError(errors)
        return self


@dataclass
class Hit:
    kind: str
    id: int
    score: float
    doc: object = None
    title: str = ""
    title_html: str = ""
    snippet_html: str = ""
    level: str = "full"


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]] = dataclass_field(default_factory=dict)
    terms: list[str] = dataclass_field(default_factory=list)
    capped: bool = False   # more than MAX_RESULTS matched: total and facets count the best ones

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# --- the full-text part, per database ----------------------------------------------------

def fts_query(groups: list[list[str]], every: bool = False) -> str:
    """SQLite FTS5: any alternative of any group (or, with every=True, of every group)."""
    alternatives = ["(" + " OR ".join('"' + t.replace('"', '""') + '"' for t in group) + ")" for group in groups]
    return (" AND " if every else " OR ").join(alternatives)


def ts_query(groups: list[list[str]], every: bool = False) -> str:
    """PostgreSQL tsquery literal: quoted lexemes joined by | (and groups by & with every=True);
    a spelling of several words is a phrase (<->), as a quoted one is in FTS5."""
    alternatives = ["(" + " | ".join(_ts_phrase(t) for t in group) + ")" for group in groups]
    return (" & " if every else " | ").join(alternatives)


def _ts_phrase(term: str) -> str:
    words = ["'" + word.replace("\\", "\\\\").replace("'", "''") + "'" for word in term.split()]
    return words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"


def matched_entries(session: Session, groups: list[list[str]], every: bool, frequency: dict[str, int]):
    """A subquery (id) of the index entries matching any term (with every=True: each group),
    at most RANK_POOL of them: the newest. `frequency`: the words' entry counts and the totals
    (index.term_frequencies).

    The database only finds; ranking.py ranks, at a few microseconds an entry, so a common word
    (in a tenth of a million entries) would cost every query hundreds of milliseconds if all its
    entries were ranked: whatever matches more than RANK_POOL entries is ranked over its newest
    RANK_POOL only (scored_documents first leaves out an any-word query's commonest words)."""
    sizes = [_entries(group, frequency) for group in groups]
    most = min(sizes) if every else sum(sizes)   # at most this many entries match
    if session.get_bind().dialect.name == "postgresql":
        statement = _newest_matches_postgresql(groups, every, frequency, most)
    else:
        query = fts_query(groups, every)
        statement = sql_text(
            "SELECT rowid AS id FROM search_fts WHERE search_fts MATCH :q AND rowid >= :floor"
        ).bindparams(q=query, floor=_pool_floor(session, query) if most > RANK_POOL else 0)
    # MATERIALIZED: the database finds the matches first, then joins only those.
    return statement.columns(id=Integer).cte("matched").prefix_with("MATERIALIZED")


def _newest_matches_postgresql(groups: list[list[str]], every: bool, frequency: dict[str, int], most: int):
    """The newest RANK_POOL matches, the cheapest of three ways (the counts decide, not the planner):
    - walk the primary key back from the newest entry testing each (RANK_POOL × entries /
      matches of them), for a word so common that this is cheapest;
    - fetch every match among the newest entries of a table of RECENT (a GIN index of its own),
      the smallest that may hold RANK_POOL of them, the newest matches then being all there;
      if it holds fewer, the next; if none holds enough, every match of all entries.
    A fetch costs FETCH_TO_TEST times a test. `id + 0` keeps the planner off the walk, which
    for a rare word would test every row: the walk is taken only for words surely that common
    (a phrase of common characters, or documents holding every word, may still be rare)."""
    q = ts_query(groups, every)
    surely = max((frequency.get(t, 0) for group in groups for t in group if " " not in t), default=0)
    entries = max(frequency.get(ENTRIES, 0), 1)
    # (A table holding every entry would only repeat the fetch from all of them.)
    tables = [table for table, size in RECENT.items() if size < entries and most * size >= RANK_POOL * entries]
    fetched = surely * RECENT[tables[0]] / entries if tables else surely   # what a fetch would take
    if not every and surely > RANK_POOL and FETCH_TO_TEST * fetched * surely > RANK_POOL * entries:
        return sql_text("SELECT id FROM search_entry WHERE tsv @@ CAST(:q AS tsquery) ORDER BY id DESC LIMIT :pool"
                        ).bindparams(q=q, pool=RANK_POOL)
    if not tables:
        return sql_text(_FETCH.format(table="search_entry")).bindparams(q=q, pool=RANK_POOL)
    # One statement: a table's matches are fetched only if the tables before held too few.
    fetches = ", ".join(f"{table}_matches AS MATERIALIZED ({_FETCH.format(table=table)})" for table in tables)
    too_few = [f"(SELECT count(*) FROM {table}_matches) < :pool" for table in tables]
    branches = [f"SELECT id FROM {table}_matches WHERE "
                + " AND ".join(too_few[:i] + [f"(SELECT count(*) FROM {table}_matches) = :pool"])
                for i, table in enumerate(tables)]
    branches.append(f"SELECT id FROM ({_FETCH.format(table='search_entry')}) AS every_match WHERE "
                    + " AND ".join(too_few))
    # (The outer LIMIT tells the planner how few rows come: it joins them by index, not by hash.)
    return sql_text(f"WITH {fetches} SELECT id FROM ({' UNION ALL '.join(branches)}) AS found LIMIT :pool"
                    ).bindparams(q=q, pool=RANK_POOL)


_FETCH = "SELECT id FROM {table} WHERE tsv @@ CAST(:q AS tsquery) ORDER BY id + 0 DESC LIMIT :pool"


def _rarest_groups(groups: list[list[str]], frequency: dict[str, int]) -> list[list[str]]:
    """The groups, without the commonest ones while the rest match more than RANK_POOL entries."""
    if len(groups) < 2:
        return groups
    sized = sorted(groups, key=lambda g: _entries(g, frequency))
    kept, total = [], 0
    for group in sized:
        size = _entries(group, frequency)
        if kept and total + size > RANK_POOL:
            break
        kept.append(group)
        total += size
    return [g for g in groups if g in kept]


def _entries(group: list[str], frequency: dict[str, int]) -> int:
    """At most how many entries hold one of the group's spellings (a phrase: its rarest word)."""
    return sum(min((frequency.get(word, 0) for word in t.split()), default=0) for t in group)


def _pool_floor(session: Session, query: str) -> int:
    """SQLite: the lowest entry id of the newest RANK_POOL entries matching (0 when fewer
    match). FTS5 walks its matches in id order without ranking them: cheap."""
    floor = session.execute(sql_text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q "
                                     "ORDER BY rowid DESC LIMIT 1 OFFSET :pool"),
                            {"q": query, "pool": RANK_POOL - 1}).scalar()
    return floor or 0


def permitted(viewer: Viewer):
    """SQL condition on SearchEntry joined (outer) to Outcome: the entries this viewer may match."""
    return or_(SearchEntry.doc_kind != "outcome",
               and_(visible_condition(viewer), or_(SearchEntry.part == "head", full_detail_condition(viewer))))


class ScoredDocument(NamedTuple):
    doc_kind: str
    doc_id: int
    score: float
    sub_kind: str
    field: str
    stage: str
    province: str


def scored_documents(session: Session, groups: list[list[str]], viewer: Viewer, filters: SearchFilters | None = None,
                     kinds: tuple[str, ...] = (), every: bool = False) -> list[ScoredDocument]:
    """Documents matching the terms (any of them; with every=True, an entry must hold each
    group), best first: each entry scored by BM25, a body's score weighed down, summed per
    document. Only entries this viewer may match, within the filters, count."""
    every = every and len(groups) > 1   # (one group: the same either way)
    frequency = term_frequencies(session, (word for group in groups for t in group for word in t.split()))
    if not every:
        # Common words weigh little in the rank; leaving them out while the rest still match
        # more than RANK_POOL entries keeps the pool to the telling ones.
        groups = _rarest_groups(groups, frequency)
    matched = matched_entries(session, groups, every, frequency)
    query = (select(SearchEntry.doc_kind, SearchEntry.doc_id, SearchEntry.part, SearchEntry.tokens,
                    *(getattr(SearchEntry, name) for name in FACETS if name != "doc_kind"))
             .select_from(matched).join(SearchEntry, SearchEntry.id == matched.c.id)
             .outerjoin(Outcome, and_(SearchEntry.doc_kind == "outcome", Outcome.id == SearchEntry.doc_id))
             .where(permitted(viewer)))
    kinds = kinds or (filters.kinds if filters else ())
    if kinds:
        query = query.where(SearchEntry.doc_kind.in_(kinds))
    if filters:
        for name in ("sub_kind", "field", "stage"):
            value = getattr(filters, name)
            if value:
                query = query.where(getattr(SearchEntry, name) == value)
        if filters.region:
            query = query.where(SearchEntry.province == filters.region)
    bm25 = BM25([t for group in groups for t in group], frequency)
    documents: dict[tuple[str, int], list] = {}
    for kind, doc_id, part, tokens, *facets in session.execute(query):
        score = bm25.score(tokens) * (1.0 if part == "head" else BODY_WEIGHT)
        document = documents.get((kind, doc_id))
        if document is None:
            documents[(kind, doc_id)] = [kind, doc_id, score, *facets]
        else:
            document[2] += score
    ranked = sorted(documents.values(), key=lambda d: (-d[2], d[0], d[1]))
    return [ScoredDocument(*document) for document in ranked]


def top_documents(session: Session, groups: list[list[str]], viewer: Viewer, kinds: tuple[str, ...] = (),
                  limit: int = 50, filters: SearchFilters | None = None,
                  whole: list[list[str]] | None = None) -> list[tuple[str, int, float]]:
    """The best (doc_kind, doc_id, score) for the terms, best first in each of two tiers:
    documents holding every whole word of the query (`whole`, when given), then those holding
    any word or part of one (`groups`)."""
    found: list[tuple[str, int, float]] = []
    for tier, every in _tiers(groups, whole):
        seen = {(kind, doc_id) for kind, doc_id, _ in found}
        found += [(doc.doc_kind, doc.doc_id, doc.score) for doc in scored_documents(session, tier, viewer, filters,
                                                                                 kinds, every)[:limit]
                  if (doc.doc_kind, doc.doc_id) not in seen]
        if len(found) >= limit:
            break
    return found[:limit]


def _tiers(groups: list[list[str]], whole: list[list[str]] | None) -> list[tuple[list[list[str]], bool]]:
    # (With a single group, "every" and "any" find the same: the second tier would add nothing
    # unless the parts differ.)
    tiers = [(whole, True)] if whole else []
    if not (whole and len(whole) == 1 and groups == whole):
        tiers.append((groups, False))
    return [(tier, every) for tier, every in tiers if tier]


# --- searching ---------------------------------------------------------------------------

def search(session: Session, filters: SearchFilters, viewer: Viewer, with_facets: bool = True) -> SearchResult:
    """One query: the best MAX_RESULTS documents with their facet columns; the page, the total
    and the facets are taken from them (so past MAX_RESULTS the total says "at least")."""
    filters.validated()
    load_names(session)
    groups = text.query_terms(filters.q)[:MAX_QUERY_TERMS]
    whole = text.query_terms(filters.q, parts=False)[:MAX_QUERY_TERMS]
    if not groups:
        return SearchResult([], 0, filters.page, filters.per_page)
    start = (filters.page - 1) * filters.per_page
    # Documents holding every whole word; when they do not fill the page, then those holding
    # any word or part of one.
    rows: list = []
    for tier, every in _tiers(groups, whole):
        seen = {(row.doc_kind, row.doc_id) for row in rows}
        rows += [row for row in scored_documents(session, tier, viewer, filters, every=every)[:MAX_RESULTS]
                 if (row.doc_kind, row.doc_id) not in seen]
        if len(rows) >= start + filters.per_page:
            break
    rows = rows[:MAX_RESULTS]
    page = [Hit(row.doc_kind, row.doc_id, float(row.score)) for row in rows[start:start + filters.per_page]]
    facets = _facets(rows) if with_facets else {}
    terms = text.highlight_terms(whole + groups)
    result = SearchResult(hydrate(session, page, viewer, terms), len(rows), filters.page, filters.per_page, facets, terms)
    result.capped = len(rows) >= MAX_RESULTS
    return result


def _facets(rows) -> dict[str, dict[str, int]]:
    """Counts per value of each facet column over the ranked rows (by position: Counter over
    plain tuples runs in C, attribute access per row and facet does not)."""
    columns = list(zip(*rows)) if rows else []
    facets = {}
    for name in FACETS:
        counts = Counter(columns[rows[0]._fields.index(name)]) if columns else Counter()
        counts.pop("", None)
        counts.pop(None, None)
        facets[name] = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return facets


def hydrate(session: Session, hits: list[Hit], viewer: Viewer, terms: list[str]) -> list[Hit]:
    """Load each hit's document and build its title and snippet from what the viewer may see."""
    models = {"outcome": Outcome, "organization": Organization, "need": Need}
    loaded = {}
    for kind, model in models.items():
        ids = [h.id for h in hits if h.kind == kind]
        if ids:
            loaded.update({(kind, d.id): d for d in session.scalars(select(model).where(model.id.in_(ids)))})
    result = []
    for hit in hits:
        doc = loaded.get((hit.kind, hit.id))
        if doc is None:
            continue
        hit.doc = doc
        hit.title, body = visible_text(doc, viewer)
        hit.level = detail_level(viewer, doc) if isinstance(doc, Outcome) else "full"
        hit.title_html = mark(hit.title, text.normalize(hit.title), terms)
        hit.snippet_html = snippet(body, terms) if body else ""
        result.append(hit)
    return result


def visible_text(doc, viewer: Viewer) -> tuple[str, str]:
    """(title, body) as this viewer may read them."""
    if isinstance(doc, Outcome):
        return doc.title, doc.summary if detail_level(viewer, doc) == "full" else ""
    if isinstance(doc, Organization):
        return doc.name, doc.description or ""
    return doc.title, doc.description or ""


def snippet(body: str, terms: list[str], width: int = 120) -> str:
    """HTML-escaped excerpt around the first matched term, terms wrapped in <mark>."""
    body = " ".join(body.split())
    folded = text.normalize(body)
    positions = [folded.find(t) for t in terms if t and folded.find(t) >= 0]
    start = max(0, min(positions) - width // 4) if positions else 0
    excerpt = body[start:start + width]
    folded_excerpt = folded[start:start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(body) else ""
    return prefix + mark(excerpt, folded_excerpt, terms) + suffix


def mark(original: str, folded: str, terms: list[str]) -> str:
    """Wrap the spans of `original` where `folded` (same length: normalized) holds a term."""
    if len(original) != len(folded) or not terms:
        folded = original.lower()
    spans = []
    pattern = re.compile("|".join(re.escape(t) for t in terms if t))
    for found in pattern.finditer(folded):
        spans.append((found.start(), found.end()))
    out, last = [], 0
    for begin, end in spans:
        out.append(html.escape(original[last:begin]))
        out.append("<mark>" + html.escape(original[begin:end]) + "</mark>")
        last = end
    out.append(html.escape(original[last:]))
    return "".join(out)
