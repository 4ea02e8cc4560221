"""Keeping the search index in step with outcomes, organizations and needs.

Every flush of a session that creates, changes or deletes one of them rewrites that
document's entries in the same transaction (SQLAlchemy session events), so no write path —
pages, API, CLI, imports, demo data — can leave the index stale. `rebuild` redoes it all.

Beside the entries, `search_term` counts the entries holding each token (document
frequency), changed by the same statements that change the entries: both databases can then
tell a telling word from a common one with an index lookup (SQLite's fts5vocab walks the
word's whole posting list; PostgreSQL has nothing of the kind).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterable, Iterator

from sqlalchemy import delete, event, func, insert, inspect, select, text as sql_text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from medbridge.library.models import Outcome
from medbridge.library.taxonomy import get_taxonomy
from medbridge.matching import text
from medbridge.matching.models import RECENT, SearchEntry, SearchTerm
from medbridge.matching.ranking import ENTRIES, TOKENS
from medbridge.needs.models import Need
from medbridge.registry.models import Organization, OrganizationAlias

# Attributes whose change alters what a document's entries hold.
INDEXED = {
    Outcome: ("code", "title", "summary", "keywords", "inventors", "kind", "field", "stage", "owner_id"),
    Organization: ("name", "kind", "province", "city", "district", "description"),
    Need: ("code", "title", "description", "keywords", "kind", "fields", "stages", "region", "owner_id",
           "status"),
}
DOC_KIND = {Outcome: "outcome", Organization: "organization", Need: "need"}
BATCH = 1000
COMMIT_EVERY = 20_000   # documents per transaction in a rebuild (see rebuild)
PARALLEL_FROM = 5_000   # documents from which a rebuild segments in worker processes


@dataclass
class EntryRow:
    doc_kind: str
    doc_id: int
    part: str
    tokens: str
    sub_kind: str = ""
    field: str = ""
    stage: str = ""
    province: str = ""
    owner_id: int | None = None


# --- what each document says -------------------------------------------------------------

def outcome_texts(outcome: Outcome) -> tuple[str, str]:
    """(head, body): the head is what a summary-only reader sees, the body the detail."""
    tax = get_taxonomy()
    head = " ".join([outcome.title, outcome.code, outcome.owner.name if outcome.owner else "",
                     tax.fields.label(outcome.field), tax.kinds.label(outcome.kind)])
    body = " ".join([outcome.summary or "", " ".join(map(str, outcome.keywords or [])),
                     " ".join(map(str, outcome.inventors or []))])
    return head, body


def organization_text(org: Organization) -> str:
    return " ".join([org.name, *org.alias_names, get_taxonomy().organization_kinds.label(org.kind),
                     org.province, org.city, org.district, org.description or ""])


def need_text(need: Need) -> str:
    tax = get_taxonomy()
    return " ".join([need.title, need.code, need.description or "", " ".join(map(str, need.keywords or [])),
                     " ".join(tax.fields.label(f) for f in need.fields or []),
                     need.owner.name if need.owner else "", need.region or ""])


def entries_for(doc) -> list[EntryRow]:
    """The document's index entries, their text segmented."""
    return [replace(row, tokens=_joined(row.tokens)) for row in entry_texts(doc)]


def entry_texts(doc) -> list[EntryRow]:
    """The document's index entries with their text as written (`tokens` not yet segmented)."""
    if isinstance(doc, Outcome):
        head, body = outcome_texts(doc)
        common = dict(sub_kind=doc.kind, field=doc.field or "", stage=doc.stage or "",
                      province=doc.owner.province if doc.owner else "", owner_id=doc.owner_id)
        return [EntryRow("outcome", doc.id, "head", head, **common),
                EntryRow("outcome", doc.id, "body", body, **common)]
    if isinstance(doc, Organization):
        text.add_names([doc.name, *doc.alias_names])
        return [EntryRow("organization", doc.id, "head", organization_text(doc), sub_kind=doc.kind,
                         province=doc.province or "", owner_id=doc.id)]
    if isinstance(doc, Need):
        fields = doc.fields or []
        return [EntryRow("need", doc.id, "head", need_text(doc), sub_kind=doc.kind,
                         field=fields[0] if len(fields) == 1 else "",
                         province=doc.owner.province if doc.owner else "", owner_id=doc.owner_id)]
    raise TypeError(f"not an indexed document: {doc!r}")


def _joined(value: str) -> str:
    return " ".join(text.index_tokens(value))


# --- writing -----------------------------------------------------------------------------

def write_entries(connection, docs: Iterable, counts: Counter | None = None) -> int:
    """Replace the entries of these documents (already flushed, with ids). Their term counts
    change with them, at once or, given `counts`, added there for the caller to write."""
    docs = list(docs)
    return replace_entries(connection, [(DOC_KIND[type(d)], d.id) for d in docs],
                           [vars(row) for doc in docs for row in entries_for(doc)], counts)


def replace_entries(connection, keys: list[tuple[str, int]], rows: list[dict], counts: Counter | None = None) -> int:
    """Replace the entries of these (doc_kind, doc_id) by these rows (dicts of SearchEntry columns)."""
    if not keys:
        return 0
    delta = remove_entries(connection, keys, apply_counts=False)
    delta.update(insert_entries(connection, rows, apply_counts=False))
    if counts is None:
        adjust_term_counts(connection, delta)
    else:
        counts.update(delta)
    return len(rows)


def insert_entries(connection, rows: list[dict], apply_counts: bool = True) -> Counter:
    """Add index entries (dicts of SearchEntry columns); returns the term counts they add."""
    if rows:
        connection.execute(insert(SearchEntry), rows)
        if connection.dialect.name == "postgresql":
            # (Relative to its own newest, not the sequence: an entry of a transaction not yet
            # committed is newer than everything the threshold takes.)
            for table, entries in RECENT.items():
                connection.execute(sql_text(f"DELETE FROM {table} WHERE id <= (SELECT max(id) FROM {table}) - :keep"),
                                   {"keep": entries})
    delta = term_counts(row["tokens"] for row in rows)
    if apply_counts:
        adjust_term_counts(connection, delta)
    return delta


def remove_entries(connection, keys: list[tuple[str, int]], apply_counts: bool = True) -> Counter:
    """Delete the entries of these (doc_kind, doc_id); returns the (negative) term counts."""
    delta: Counter = Counter()
    ids_by_kind: dict[str, list[int]] = {}
    for kind, doc_id in keys:
        ids_by_kind.setdefault(kind, []).append(doc_id)
    # One kind and a list of ids, not (kind, id) pairs: SQLite does not use the index for a
    # list of pairs and scanned every entry, for each edit and each batch of a rebuild.
    for kind, ids in sorted(ids_by_kind.items()):
        for start in range(0, len(ids), 500):
            delta.update(delete_entries(connection, (SearchEntry.doc_kind == kind)
                                        & SearchEntry.doc_id.in_(ids[start:start + 500])))
    if apply_counts:
        adjust_term_counts(connection, delta)
    return delta


def delete_entries(connection, condition) -> Counter:
    """Delete the entries matching a condition; returns the term counts that takes away (negative)."""
    held = term_counts(connection.scalars(select(SearchEntry.tokens).where(condition)))
    connection.execute(delete(SearchEntry).where(condition))
    return Counter({term: -n for term, n in held.items()})


def term_counts(token_lists: Iterable[str]) -> Counter:
    """Entries per token, over space-joined token lists (a token counts once per entry), and
    the totals ranking needs: entries, and tokens in them (see ranking.py)."""
    counts: Counter = Counter()
    entries = tokens_in_all = 0
    for tokens in token_lists:
        words = tokens.split()
        counts.update(set(words))
        entries += 1
        tokens_in_all += len(words)
    counts[ENTRIES] += entries
    counts[TOKENS] += tokens_in_all
    return counts


def adjust_term_counts(connection, delta: Counter) -> None:
    """Add a delta to `search_term`, dropping words no entry holds any more. In sorted order,
    so two writers lock shared rows in the same order (PostgreSQL) and cannot deadlock."""
    changes = sorted((term, n) for term, n in delta.items() if n)
    if not changes:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(SearchTerm)
    upsert = upsert.on_conflict_do_update(index_elements=[SearchTerm.term],
                                          set_={"entries": SearchTerm.entries + upsert.excluded.entries})
    connection.execute(upsert, [{"term": term, "entries": n} for term, n in changes])
    gone = [term for term, n in changes if n < 0]
    for start in range(0, len(gone), 500):
        connection.execute(delete(SearchTerm).where(SearchTerm.term.in_(gone[start:start + 500]),
                                                    SearchTerm.entries <= 0))


def term_frequencies(session: Session, words: Iterable[str]) -> dict[str, int]:
    """Index entries holding each of these words (absent: none), and the index's totals
    (ranking.ENTRIES, ranking.TOKENS)."""
    words = sorted({*words, ENTRIES, TOKENS})
    return dict(session.execute(select(SearchTerm.term, SearchTerm.entries).where(SearchTerm.term.in_(words))).all())


def load_names(session: Session) -> None:
    """Teach the segmenter every organization name and alias (once per process and database)."""
    marker = ("names-loaded", str(session.get_bind().url))
    if marker in _loaded:
        return
    names = list(session.scalars(select(Organization.name)))
    names += list(session.scalars(select(OrganizationAlias.alias)))
    text.add_names(names)
    _loaded.add(marker)


_loaded: set = set()


def rebuild(session: Session, workers: int | None = None) -> dict[str, int]:
    """Index every document again; returns documents indexed per kind.

    Each batch replaces its documents' entries (and their word counts), and entries of
    documents that no longer exist go at the end, so search keeps working meanwhile. It
    commits every COMMIT_EVERY documents: in one transaction, a million outcomes grow SQLite's
    write-ahead log past half a gigabyte, which every read must then search (the build slowed
    tenfold).

    Segmenting is a large part of the work (jieba is pure Python): with more than one
    processor, `workers` processes (default: one per processor) segment a batch while this one
    writes the one before (a hundred thousand outcomes on 2 cores: 66–70 s, against 81–96 s in
    one process)."""
    load_names(session)
    counts, delta, written = {}, Counter(), 0
    if workers is None:   # forking is not worth it for a few batches
        documents = session.scalar(select(func.count(Outcome.id))) + session.scalar(select(func.count(Need.id)))
        workers = (os.cpu_count() or 1) if documents > PARALLEL_FROM else 1
    with _segmenters(workers, session.get_bind()) as segment:
        for model, options in ((Organization, [selectinload(Organization.aliases)]), (Outcome, []), (Need, [])):
            counts[DOC_KIND[model]] = 0
            # Organizations teach the segmenter their names as they go: in this process.
            batches = _segmented(session, model, options, segment if model is not Organization else None)
            for keys, rows in batches:
                replace_entries(session.connection(), keys, rows, delta)
                counts[DOC_KIND[model]] += len(keys)
                written += len(keys)
                if written >= COMMIT_EVERY:
                    adjust_term_counts(session.connection(), delta)
                    session.commit()
                    delta, written = Counter(), 0
    connection = session.connection()
    adjust_term_counts(connection, delta)
    for model, kind in DOC_KIND.items():
        # NOT EXISTS, not NOT IN: PostgreSQL compares each entry with every id once the ids
        # outgrow work_mem (hours at a million outcomes); this is an anti-join on both.
        gone = ~select(model.id).where(model.id == SearchEntry.doc_id).exists()
        adjust_term_counts(connection, delete_entries(connection, (SearchEntry.doc_kind == kind) & gone))
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    else:
        refill_recent(connection)
    return counts


def refill_recent(connection) -> None:
    """PostgreSQL: the recent tables (models.RECENT) afresh. A rebuild passes every entry
    through them, and until vacuumed the dead rows it leaves there cost searches (a million
    outcomes, 2 cores: p95 57 ms, 48 ms refilled; the refill takes 13 s, and searches wait for
    it: TRUNCATE locks the tables until the rebuild commits)."""
    for table, entries in RECENT.items():
        # (Indexing the rows afterwards, at once, is several times faster than row by row.)
        connection.exec_driver_sql(f"TRUNCATE {table}")
        connection.exec_driver_sql(f"DROP INDEX ix_{table}_tsv")
        connection.execute(sql_text(f"INSERT INTO {table} (id, tsv) SELECT id, tsv FROM search_entry "
                                    "WHERE id > (SELECT max(id) FROM search_entry) - :keep"), {"keep": entries})
        connection.exec_driver_sql(f"CREATE INDEX ix_{table}_tsv ON {table} USING gin (tsv)")


@contextmanager
def _segmenters(workers: int, engine):
    """A function segmenting a list of texts (lazily: an iterator), in `workers` processes when
    more than one. They are forked: they start with this process's segmenter, organization
    names included, and leave the database connections they inherit alone."""
    if workers < 2:
        yield lambda texts: map(_joined, texts)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=engine.dispose, initargs=(False,)) as pool:
        yield lambda texts: pool.map(_joined, texts, chunksize=100)


def _segmented(session: Session, model, options, segment) -> Iterator[tuple[list[tuple[str, int]], list[dict]]]:
    """(keys, entry rows) per batch of documents. With `segment`, a batch is handed to it before
    the one before is yielded, so the caller writes while the workers segment."""
    waiting = None
    for batch in _batches(session, model, options):
        keys = [(DOC_KIND[model], doc.id) for doc in batch]
        if segment is None:
            yield keys, [vars(row) for doc in batch for row in entries_for(doc)]
        else:
            rows = [vars(row) for doc in batch for row in entry_texts(doc)]
            tokens = segment([row["tokens"] for row in rows])   # the workers start on it now
            if waiting:
                yield _with_tokens(*waiting)
            waiting = keys, rows, tokens
        session.expunge_all()
    if waiting:
        yield _with_tokens(*waiting)


def _with_tokens(keys, rows, tokens) -> tuple[list[tuple[str, int]], list[dict]]:
    for row, joined in zip(rows, tokens):
        row["tokens"] = joined
    return keys, rows


def _batches(session: Session, model, options) -> Iterator[list]:
    last = 0
    while True:
        batch = list(session.scalars(select(model).options(*options).where(model.id > last)
                                     .order_by(model.id).limit(BATCH)))
        if not batch:
            return
        yield batch
        last = batch[-1].id


# --- keeping current ---------------------------------------------------------------------

def _pending(session: Session) -> dict:
    return session.info.setdefault("search_index", {"write": {}, "remove": set()})


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context, _instances) -> None:
    pending = _pending(session)
    for obj in session.new:
        if type(obj) in DOC_KIND:
            pending["write"][id(obj)] = obj
        elif isinstance(obj, OrganizationAlias):
            _note_alias(pending, obj)
    for obj in session.dirty:
        if type(obj) in DOC_KIND and _indexed_change(obj):
            pending["write"][id(obj)] = obj
            if isinstance(obj, Organization):
                pending.setdefault("orgs", set()).add(obj.id)  # its outcomes and needs name it
    for obj in session.deleted:
        if type(obj) in DOC_KIND:
            pending["write"].pop(id(obj), None)
            pending["remove"].add((DOC_KIND[type(obj)], obj.id))
        elif isinstance(obj, OrganizationAlias):
            _note_alias(pending, obj)


def _note_alias(pending: dict, alias: OrganizationAlias) -> None:
    org = alias.organization
    if org is not None:
        pending["write"][id(org)] = org


def _indexed_change(obj) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in INDEXED[type(obj)])


@event.listens_for(Session, "after_flush_postexec")
def _write_changes(session: Session, _context) -> None:
    pending = session.info.pop("search_index", None)
    if not pending or not (pending["write"] or pending["remove"] or pending.get("orgs")):
        return
    connection = session.connection()
    with session.no_autoflush:
        docs = [d for d in pending["write"].values() if d.id is not None and inspect(d).persistent]
        for org_id in pending.get("orgs", ()):
            docs += session.scalars(select(Outcome).where(Outcome.owner_id == org_id)).all()
            docs += session.scalars(select(Need).where(Need.owner_id == org_id)).all()
        unique = {(DOC_KIND[type(d)], d.id): d for d in docs}
        if pending["remove"]:
            remove_entries(connection, sorted(pending["remove"] - set(unique)))
            # The database deletes an organization's needs with it (ON DELETE CASCADE).
            gone_orgs = [doc_id for kind, doc_id in pending["remove"] if kind == "organization"]
            if gone_orgs:
                adjust_term_counts(connection, delete_entries(connection, (SearchEntry.doc_kind == "need")
                                                              & SearchEntry.owner_id.in_(gone_orgs)))
        write_entries(connection, unique.values())
