"""Retrieval quality: nDCG@10 and recall@50 of the engine against a plain baseline.

The input is a JSON-lines file like cMedIR's dev split: {"query": ..., "documents": [{"title":
..., "label": "0".."4"}, ...]}. Every title is pooled into one corpus (identical titles are one
document), judgments of repeated queries are merged (highest label wins), and each query
searches the whole pool. The label is the gain in nDCG; a title counts as relevant for recall
when its label is at least 1.

The engine path is the app's own: titles are segmented by `matching.text`, written to the
`search_entry` table of a freshly migrated temporary SQLite database (so into its FTS5 index),
and queried with the same query expansion and ranking SQL as `medbridge search`. The baseline
is Okapi BM25 (k1=1.2, b=0.75) over character bigrams, computed in memory.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from medbridge.accounts.policy import COMMAND_LINE
from medbridge.matching import text
from medbridge.matching.index import insert_entries

RELEVANT_LABEL = 1
DOC_KIND = "document"


@dataclass
class Judged:
    titles: list[str]
    qrels: dict[str, dict[int, int]]   # query → {title index: label}


def read_judgments(path: Path) -> Judged:
    titles: dict[str, int] = {}
    qrels: dict[str, dict[int, int]] = defaultdict(dict)
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                query, documents = record["query"], record["documents"]
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"line {number}: not a judged query ({exc})") from None
            for document in documents:
                title = str(document.get("title", "")).strip()
                if not title:
                    continue
                doc = titles.setdefault(title, len(titles))
                label = int(document.get("label", 0))
                qrels[query][doc] = max(label, qrels[query].get(doc, 0))
    return Judged(list(titles), dict(qrels))


# --- metrics ----------------------------------------------------------------------------

def ndcg_at(ranked: list[int], judged: dict[int, int], k: int = 10) -> float:
    dcg = sum((2 ** judged.get(doc, 0) - 1) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k]))
    ideal = sorted(judged.values(), reverse=True)[:k]
    best = sum((2 ** label - 1) / math.log2(rank + 2) for rank, label in enumerate(ideal))
    return dcg / best if best > 0 else 0.0


def recall_at(ranked: list[int], judged: dict[int, int], k: int = 50) -> float:
    relevant = {doc for doc, label in judged.items() if label >= RELEVANT_LABEL}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def summarize(runs: dict[str, list[int]], qrels: dict[str, dict[int, int]]) -> dict:
    """Mean metrics over the queries that have something relevant to find."""
    queries = [q for q, judged in qrels.items() if any(label >= RELEVANT_LABEL for label in judged.values())]
    if not queries:
        return {"ndcg@10": 0.0, "recall@50": 0.0, "queries": 0}
    return {"ndcg@10": round(sum(ndcg_at(runs.get(q, []), qrels[q]) for q in queries) / len(queries), 4),
            "recall@50": round(sum(recall_at(runs.get(q, []), qrels[q]) for q in queries) / len(queries), 4),
            "queries": len(queries)}


# --- the baseline -----------------------------------------------------------------------

class BigramBM25:
    """Okapi BM25 over character bigrams: the plain method the engine must beat."""

    def __init__(self, documents: list[str], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths = []
        for doc, document in enumerate(documents):
            counts = Counter(text.character_bigrams(document))
            self.lengths.append(sum(counts.values()))
            for token, count in counts.items():
                self.postings[token].append((doc, count))
        self.average = sum(self.lengths) / max(1, len(self.lengths))
        self.total = len(documents)

    def rank(self, query: str, limit: int = 50) -> list[int]:
        scores: dict[int, float] = defaultdict(float)
        for token in set(text.character_bigrams(query)):
            postings = self.postings.get(token, ())
            if not postings:
                continue
            idf = math.log(1 + (self.total - len(postings) + 0.5) / (len(postings) + 0.5))
            for doc, count in postings:
                norm = self.k1 * (1 - self.b + self.b * self.lengths[doc] / self.average)
                scores[doc] += idf * count * (self.k1 + 1) / (count + norm)
        return [doc for doc, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]]


# --- the engine -------------------------------------------------------------------------

def engine_runs(titles: list[str], queries: list[str], limit: int = 50) -> tuple[dict[str, list[int]], dict]:
    """Index the titles in a temporary database with the app's pipeline and run every query."""
    from medbridge.db import Database
    from medbridge.matching.search import top_documents

    with tempfile.TemporaryDirectory() as directory:
        database = Database(f"sqlite:///{Path(directory) / 'eval.db'}")
        try:
            database.migrate()
            started = time.perf_counter()
            with database.session() as session:
                rows = [{"doc_kind": DOC_KIND, "doc_id": doc, "part": "head",
                         "tokens": " ".join(text.index_tokens(title)), "sub_kind": "", "field": "", "stage": "",
                         "province": "", "owner_id": None} for doc, title in enumerate(titles)]
                insert_entries(session.connection(), rows)
            indexed = time.perf_counter() - started
            runs, started = {}, time.perf_counter()
            with database.session() as session:
                for query in queries:
                    ranked = top_documents(session, text.query_terms(query), COMMAND_LINE, (DOC_KIND,), limit,
                                           whole=text.query_terms(query, parts=False))
                    runs[query] = [doc_id for _, doc_id, _ in ranked]
            timing = {"index_seconds": round(indexed, 2),
                      "query_ms_mean": round(1000 * (time.perf_counter() - started) / max(1, len(queries)), 2)}
        finally:
            database.dispose()
    return runs, timing


def evaluate(path: Path) -> dict:
    judged = read_judgments(path)
    queries = list(judged.qrels)
    engine, timing = engine_runs(judged.titles, queries)
    started = time.perf_counter()
    baseline_index = BigramBM25(judged.titles)
    baseline = {q: baseline_index.rank(q) for q in queries}
    baseline_seconds = time.perf_counter() - started
    return {"file": str(path), "documents": len(judged.titles), "queries": len(queries),
            "relevant_min_label": RELEVANT_LABEL,
            "engine": {**summarize(engine, judged.qrels), **timing},
            "baseline": {**summarize(baseline, judged.qrels), "method": "BM25 over character bigrams",
                         "seconds": round(baseline_seconds, 2)}}
