"""BM25 over index entries, computed here rather than by the database.

Both databases only find the entries that match (see search.py); this module ranks them, the
same way for SQLite and PostgreSQL. It is FTS5's bm25 (k1 = 1.2, b = 0.75, each spelling of a
query a phrase of its own), with the document frequencies that `search_term` keeps. FTS5's
own bm25() counts each phrase's matches over the whole index before it ranks a single row:
for a common word at a million outcomes that walk cost 20 to 30 ms a query, more than all
the rest together. PostgreSQL's ts_rank is no BM25 at all: ranking here means the quality
measured on one database is the quality of both.
"""

from __future__ import annotations

import math

K1 = 1.2
B = 0.75
# Rows of `search_term` that hold totals, not words (a token never holds a space).
ENTRIES = " entries"   # index entries
TOKENS = " tokens"     # tokens in all of them


class BM25:
    """Scores the space-joined tokens of one entry against the spellings of a query."""

    def __init__(self, spellings: list[str], frequency: dict[str, int]):
        entries = max(frequency.get(ENTRIES, 0), 1)
        self.average_length = max(frequency.get(TOKENS, 0) / entries, 1.0)
        # "  a  b  " holds " a  b " once per occurrence: doubled spaces keep neighbours apart.
        self.phrases = [(f" {spelling.replace(' ', '  ')} ", _idf(entries, _matches(spelling, frequency)))
                        for spelling in dict.fromkeys(spellings)]

    def score(self, tokens: str) -> float:
        if not tokens:
            return 0.0
        padded = f" {tokens.replace(' ', '  ')} "
        damping = K1 * (1 - B + B * (tokens.count(" ") + 1) / self.average_length)
        total = 0.0
        for phrase, idf in self.phrases:
            count = padded.count(phrase)
            if count:
                total += idf * count * (K1 + 1) / (count + damping)
        return total


def _matches(spelling: str, frequency: dict[str, int]) -> int:
    """Entries holding the spelling; for a phrase, those holding its rarest word (at most)."""
    return min((frequency.get(word, 0) for word in spelling.split()), default=0)


def _idf(entries: int, matches: int) -> float:
    # As FTS5: a word in more than half the entries still counts, a little.
    idf = math.log((entries - matches + 0.5) / (matches + 0.5))
    return idf if idf > 0 else 1e-6
