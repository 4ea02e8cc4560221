"""Ranking: BM25 over index entries, as FTS5 ranks, with the word counts kept beside the index."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from medbridge.matching.index import term_frequencies
from medbridge.matching.models import SearchEntry
from medbridge.matching.ranking import BM25, ENTRIES, TOKENS

COUNTS = {ENTRIES: 100, TOKENS: 1000, "脑机": 5, "接口": 40, "电极": 5}


def test_a_rarer_word_weighs_more_and_a_repeated_word_counts_again():
    bm25 = BM25(["脑机", "接口"], COUNTS)
    assert bm25.score("脑机 甲 乙") > bm25.score("接口 甲 乙") > 0
    assert bm25.score("脑机 脑机 乙") > bm25.score("脑机 甲 乙")     # neighbours are two occurrences
    assert bm25.score("甲 乙 丙") == bm25.score("") == 0


def test_a_longer_entry_scores_its_match_lower():
    bm25 = BM25(["电极"], COUNTS)
    assert bm25.score("电极 甲") > bm25.score("电极 " + " ".join("甲" * 30))


def test_a_phrase_counts_only_where_its_words_stand_together():
    bm25 = BM25(["脑机 接口"], COUNTS)
    assert bm25.score("柔性 脑机 接口 电极") > 0
    assert bm25.score("接口 柔性 脑机") == 0


def test_a_word_found_nowhere_still_scores_where_it_occurs():
    assert BM25(["新词"], COUNTS).score("新词") > 0


@pytest.mark.parametrize("word", ["脑机接口", "医院", "卒中"])
def test_scores_equal_those_of_sqlite_fts5_bm25(session, world, word):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("FTS5 is SQLite's")
    expected = dict(session.execute(text("SELECT rowid, -bm25(search_fts) FROM search_fts WHERE search_fts MATCH :q"),
                                    {"q": f'"{word}"'}).all())
    bm25 = BM25([word], term_frequencies(session, [word]))
    tokens = dict(session.execute(select(SearchEntry.id, SearchEntry.tokens).where(SearchEntry.id.in_(expected))).all())
    assert expected and {row: bm25.score(tokens[row]) for row in expected} == pytest.approx(expected, rel=1e-9)
