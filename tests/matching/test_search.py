"""Search over the index: ranking, filters, facets, snippets, confidentiality, and the index
staying consistent through edits and deletes (on SQLite FTS5 and PostgreSQL tsvector)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text, update

from medbridge.accounts.policy import ANONYMOUS, COMMAND_LINE, Viewer
from medbridge.errors import ValidationError
from medbridge.library import service
from medbridge.matching.index import rebuild, term_counts
from medbridge.matching.models import SearchEntry, SearchTerm
from medbridge.matching.search import SearchFilters, search
from medbridge.library.models import Outcome
from medbridge.needs import service as needs
from medbridge.needs.models import Need
from medbridge.registry.models import Organization
from tests.matching.conftest import tto


def found(session, q, viewer=COMMAND_LINE, **filters):
    result = search(session, SearchFilters(q=q, per_page=100, **filters), viewer)
    return [(hit.kind, hit.id) for hit in result.hits]


def test_best_match_first_across_kinds(session, world):
    hits = found(session, "脑机接口")
    assert hits[0] in {("outcome", world.bci.id), ("need", world.thesis.id)}
    assert {("outcome", world.bci.id), ("need", world.thesis.id), ("organization", world.investor.id)} <= set(hits)
    assert ("outcome", world.stroke.id) not in hits


def test_abbreviation_and_traditional_queries_find_the_same(session, world):
    simplified = set(found(session, "脑机接口"))
    assert ("outcome", world.bci.id) in set(found(session, "BCI"))
    assert set(found(session, "腦機接口")) == simplified


def test_part_of_a_name_finds_the_organization(session, world):
    assert ("organization", world.hospital.id) in found(session, "天坛")
    assert ("organization", world.incubator.id) in found(session, "孵化器", kinds=("organization",))


def test_filters_narrow_by_kind_field_region_and_type(session, world):
    assert found(session, "脑机接口", kinds=("need",)) == [("need", world.thesis.id)]
    assert set(found(session, "卒中", field="ai_medicine")) >= {("outcome", world.stroke.id)}
    assert ("outcome", world.bci.id) not in found(session, "卒中", field="ai_medicine")
    assert found(session, "影像", region="上海市", kinds=("organization",)) == [("organization", world.enterprise.id)]
    assert found(session, "项目", sub_kind="investment_thesis") == [("need", world.thesis.id)]


def test_facets_count_the_matches_by_kind(session, world):
    result = search(session, SearchFilters(q="脑机接口"), COMMAND_LINE)
    assert result.facets["doc_kind"]["outcome"] >= 1 and result.facets["doc_kind"]["need"] == 1
    assert result.facets["field"]["brain_science"] >= 1
    assert result.total == sum(result.facets["doc_kind"].values())


def test_snippets_mark_the_matched_words_and_escape_the_rest(session, world):
    service.update_outcome(session, world.bci, {"summary": "脑电<b>信号</b>解码"}, "t")
    hit = next(h for h in search(session, SearchFilters(q="脑电 信号"), COMMAND_LINE).hits if h.id == world.bci.id)
    assert "<mark>脑电</mark>" in hit.snippet_html and "&lt;b&gt;" in hit.snippet_html
    assert "<b>" not in hit.snippet_html


def test_summary_only_outcome_is_not_found_by_its_hidden_text(session, world):
    assert found(session, "镁合金", ANONYMOUS) == []
    assert found(session, "镁合金", tto(world.investor)) == []
    assert ("outcome", world.secret_summary.id) in found(session, "镁合金", tto(world.hospital))
    granted = Viewer(user_id=5, username="granted", granted_outcomes=frozenset({world.secret_summary.id}))
    assert ("outcome", world.secret_summary.id) in found(session, "镁合金", granted)


def test_summary_only_outcome_is_found_by_its_title_without_showing_the_detail(session, world):
    hits = search(session, SearchFilters(q="血管支架"), ANONYMOUS).hits
    hit = next(h for h in hits if h.id == world.secret_summary.id)
    assert hit.level == "summary" and hit.snippet_html == "" and "镁合金" not in hit.title_html


def test_confidential_outcome_does_not_exist_for_others(session, world):
    for viewer in (ANONYMOUS, tto(world.investor)):
        assert ("outcome", world.confidential.id) not in found(session, "抑制剂", viewer)
        assert "innovative_drug" not in search(session, SearchFilters(q="抑制剂"), viewer).facets["field"]
    assert ("outcome", world.confidential.id) in found(session, "抑制剂", tto(world.hospital))


def test_edits_are_searchable_at_once_and_old_words_are_gone(session, world):
    assert ("outcome", world.bci.id) in found(session, "侵入")   # a word only its title has
    service.update_outcome(session, world.bci, {"title": "胰腺癌早筛液体活检试剂盒"}, "t")
    assert ("outcome", world.bci.id) in found(session, "液体活检")
    assert ("outcome", world.bci.id) not in found(session, "侵入")


def test_deleted_documents_leave_the_index(session, world):
    service.delete_outcome(session, world.bci)
    needs.delete_need(session, world.thesis)
    hits = found(session, "脑机接口")
    assert ("outcome", world.bci.id) not in hits and ("need", world.thesis.id) not in hits
    assert session.scalar(select(func.count()).where(SearchEntry.doc_kind == "outcome",
                                                      SearchEntry.doc_id == world.bci.id)) == 0


def test_renaming_an_organization_reindexes_what_names_it(session, world):
    world.hospital.name = "京西示范医学中心"
    session.flush()
    assert ("outcome", world.bci.id) in found(session, "京西示范医学中心", kinds=("outcome",))
    assert ("organization", world.hospital.id) in found(session, "京西")


def test_deleting_an_organization_takes_its_needs_out_of_the_index(session, world):
    session.delete(session.get(Organization, world.enterprise.id))
    session.flush()
    assert ("need", world.need.id) not in found(session, "PACS")


@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "worker-processes"])
def test_rebuild_gives_the_same_index_as_incremental_updates(session, world, workers, monkeypatch):
    from medbridge.matching import index

    monkeypatch.setattr(index, "BATCH", 1)   # workers segment one batch while the last is written
    service.update_outcome(session, world.bci, {"keywords": ["外骨骼", "脑电"]}, "t")
    before = sorted(session.execute(select(SearchEntry.doc_kind, SearchEntry.doc_id, SearchEntry.part,
                                           SearchEntry.tokens, SearchEntry.province)).all())
    counts = rebuild(session, workers=workers)
    after = sorted(session.execute(select(SearchEntry.doc_kind, SearchEntry.doc_id, SearchEntry.part,
                                          SearchEntry.tokens, SearchEntry.province)).all())
    assert after == before
    assert counts == {"organization": 4, "outcome": 4, "need": 2}


def test_word_counts_stay_equal_to_a_recount_through_edits_and_deletes(session, world):
    def counted():
        return dict(session.execute(select(SearchTerm.term, SearchTerm.entries)).all())

    def recounted():
        return dict(term_counts(session.scalars(select(SearchEntry.tokens))))

    assert counted() == recounted() and counted()["脑机接口"] >= 2
    service.update_outcome(session, world.bci, {"title": "胰腺癌早筛液体活检试剂盒"}, "t")
    service.delete_outcome(session, world.stroke)
    needs.delete_need(session, world.thesis)
    world.hospital.name = "京西示范医学中心"
    session.flush()
    session.delete(session.get(Organization, world.enterprise.id))   # its needs go with it
    session.flush()
    assert counted() == recounted()
    assert "侵入" not in counted()   # a word no entry holds any more is gone
    rebuild(session)
    assert counted() == recounted()


def test_a_word_no_dictionary_knows_is_searched_as_a_phrase(session, world):
    together = service.create_outcome(session, {**_copy_of(world.bci), "code": "LY-1",
                                                "title": "斓翊团队研发的柔性电极"}, "seed")
    apart = service.create_outcome(session, {**_copy_of(world.bci), "code": "LY-2",
                                             "title": "翊光与斓彩两种柔性电极"}, "seed")
    hits = found(session, "斓翊")
    assert hits[0] == ("outcome", together.id)                            # the phrase first ...
    assert hits.index(("outcome", apart.id)) > 0                         # ... then its characters apart
    assert search(session, SearchFilters(q="斓翊", per_page=1), COMMAND_LINE).total == 1   # (enough for the page)
    hit = search(session, SearchFilters(q="斓翊"), COMMAND_LINE).hits[0]
    assert "<mark>斓翊</mark>" in hit.title_html


def test_rebuild_indexes_what_raw_sql_changed_and_forgets_what_it_deleted(session, world, monkeypatch):
    from medbridge.matching import index

    monkeypatch.setattr(index, "COMMIT_EVERY", 3)   # it commits as it goes
    quiet = {"synchronize_session": False}
    session.execute(update(Outcome).where(Outcome.id == world.bci.id).values(title="胰腺癌早筛液体活检试剂盒"),
                    execution_options=quiet)                               # behind the listeners' back
    session.execute(delete(Need).where(Need.id == world.need.id), execution_options=quiet)
    assert ("outcome", world.bci.id) not in found(session, "液体活检")
    rebuild(session)
    assert ("outcome", world.bci.id) in found(session, "液体活检")
    assert ("need", world.need.id) not in found(session, "PACS")
    assert dict(session.execute(select(SearchTerm.term, SearchTerm.entries)).all()) == \
        dict(term_counts(session.scalars(select(SearchEntry.tokens))))


@pytest.mark.parametrize("bad", [{"q": " "}, {"q": "x", "kinds": ("person",)}, {"q": "x", "per_page": 0}])
def test_invalid_searches_say_what_is_wrong(session, bad):
    with pytest.raises(ValidationError):
        search(session, SearchFilters(**bad), ANONYMOUS)


def test_query_syntax_characters_are_plain_words(session, world):
    for q in ['"脑机', "脑机 OR", "NEAR(a b)", "a'b", "-*:^", "(脑机接口"]:
        search(session, SearchFilters(q=q), ANONYMOUS)  # no syntax error from either database


@pytest.mark.parametrize("way", ["through the index", "through the newest entries", "walking back from the newest"])
def test_a_query_matching_more_than_the_rank_pool_ranks_its_newest_matches(session, world, monkeypatch, way):
    from medbridge.matching import search as search_module

    newer = service.create_outcome(session, {**_copy_of(world.bci), "code": "BCI-2"}, "seed")
    monkeypatch.setattr(search_module, "RANK_POOL", 2)   # the two entries of the newer outcome
    # (PostgreSQL's ways to pool)
    monkeypatch.setattr(search_module, "FETCH_TO_TEST", 10 ** 9 if way.startswith("walking") else 0)
    if way == "through the newest entries":
        _fetch_from_the_recent_tables(session, monkeypatch)
    hits = found(session, "脑机接口", kinds=("outcome",))
    assert hits == [("outcome", newer.id)]


def test_postgresql_pools_from_all_entries_when_the_recent_ones_hold_too_few_matches(session, world, monkeypatch):
    from medbridge.matching import index, search as search_module

    # (PostgreSQL: the newest entry alone is kept as recent, one match)
    monkeypatch.setattr(index, "RECENT", {"search_newest": 1, "search_recent": 1})
    newer = service.create_outcome(session, {**_copy_of(world.bci), "code": "BCI-2"}, "seed")
    monkeypatch.setattr(search_module, "RANK_POOL", 3)   # the newer outcome's two entries, the older's body
    monkeypatch.setattr(search_module, "FETCH_TO_TEST", 0)
    _fetch_from_the_recent_tables(session, monkeypatch)
    assert set(found(session, "脑机接口", kinds=("outcome",))) == {("outcome", newer.id), ("outcome", world.bci.id)}


def _fetch_from_the_recent_tables(session, monkeypatch):
    """Searches take the recent tables to be all but the oldest entry: worth fetching from."""
    from medbridge.matching import search as search_module

    session.flush()
    held = session.scalar(select(func.count()).select_from(SearchEntry)) - 1
    monkeypatch.setattr(search_module, "RECENT", {"search_newest": held, "search_recent": held})


def test_postgresql_keeps_the_newest_entries_apart_through_edits_and_deletes(session, world, monkeypatch):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite's full-text index walks its matches newest first by itself")
    from medbridge.matching import index

    monkeypatch.setattr(index, "RECENT", {"search_newest": 2, "search_recent": 4})
    newer = service.create_outcome(session, {**_copy_of(world.bci), "code": "BCI-2"}, "seed")
    service.update_outcome(session, world.stroke, {"title": "卒中康复外骨骼"}, "seed")
    session.flush()

    def recent(table):
        return session.scalars(text(f"SELECT id FROM {table} ORDER BY id")).all()

    def numbered_within(size):
        last = session.scalar(select(func.max(SearchEntry.id)))
        return session.scalars(select(SearchEntry.id).where(SearchEntry.id > last - size).order_by(SearchEntry.id)).all()

    assert recent("search_newest") == numbered_within(2) != []
    assert recent("search_recent") == numbered_within(4) != recent("search_newest")
    stroke_entries = set(session.scalars(select(SearchEntry.id).where(SearchEntry.doc_kind == "outcome",
                                                                      SearchEntry.doc_id == world.stroke.id)))
    assert stroke_entries <= set(recent("search_recent"))   # the edit made the newest entries
    session.delete(session.get(Outcome, world.stroke.id))
    session.flush()
    assert recent("search_recent") and not stroke_entries & set(recent("search_recent"))
    assert set(recent("search_recent")) <= set(session.scalars(select(SearchEntry.id)))
    rebuild(session)
    assert recent("search_newest") == numbered_within(2) != []
    assert recent("search_recent") == numbered_within(4)
    assert ("outcome", newer.id) in found(session, "脑机接口")


def test_an_any_word_query_leaves_out_its_commonest_words_past_the_rank_pool(session, world, monkeypatch):
    from medbridge.matching import search as search_module

    monkeypatch.setattr(search_module, "RANK_POOL", 3)
    # 系统 is in several entries, 镁合金 in one: the rare word alone decides, confidentiality holds.
    assert ("outcome", world.secret_summary.id) in found(session, "镁合金 系统", tto(world.hospital))
    assert ("outcome", world.secret_summary.id) not in found(session, "镁合金 系统", ANONYMOUS)


def test_past_the_counted_results_the_total_says_at_least(session, world, monkeypatch):
    from medbridge.matching import search as search_module

    monkeypatch.setattr(search_module, "MAX_RESULTS", 2)
    result = search(session, SearchFilters(q="脑机接口"), COMMAND_LINE)
    assert result.capped and result.total == 2
    assert not search(session, SearchFilters(q="镁合金"), COMMAND_LINE).capped


def _copy_of(outcome) -> dict:
    return {"title": outcome.title, "summary": outcome.summary, "owner_id": outcome.owner_id, "kind": outcome.kind,
            "field": outcome.field, "stage": outcome.stage}
