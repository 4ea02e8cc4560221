"""Segmentation: jieba search mode with the domain dictionary, registry names, synonyms and
Traditional folded to Simplified — the same pipeline for documents and queries."""

from medbridge.matching import text


def test_search_mode_yields_the_parts_of_a_long_name():
    tokens = text.segment("中国农业发展银行")
    assert "农业" in tokens and "银行" in tokens


def test_domain_dictionary_keeps_medical_terms_whole():
    tokens = text.segment("非侵入式脑机接口与可降解血管支架及体外诊断试剂")
    for term in ("脑机接口", "可降解", "体外诊断", "体外诊断试剂"):
        assert term in tokens


def test_registry_names_become_tokens_once_added():
    name = "江北示范智能医工研究院"
    assert name not in text.segment(name)
    text.add_names([name])
    assert name in text.segment(f"{name}发布成果")


def test_traditional_text_is_folded_to_simplified():
    assert text.segment("腦機接口與醫療器械") == text.segment("脑机接口与医疗器械")
    assert text.normalize("ＡＩ醫學") == "ai医学"


def test_abbreviations_and_synonyms_expand_a_query():
    groups = text.query_terms("BCI")
    assert groups[0][0] == "bci" and "脑机接口" in groups[0]
    traditional = text.query_terms("人工智慧")
    assert any("人工智能" in group and "ai" in group for group in traditional)


def test_stopwords_and_punctuation_are_not_tokens():
    tokens = text.segment("我们的、和。AI！")
    assert tokens == ["我们", "ai"]


def test_baseline_bigrams():
    assert text.character_bigrams("脑机接口 AI") == ["脑机", "机接", "接口", "ai"]


def test_a_word_no_dictionary_knows_stays_together_as_a_phrase():
    assert text.segment("斓翊涂层") == ["斓", "翊", "涂层"]           # it falls apart in the index ...
    assert text.query_terms("斓翊涂层", parts=False) == [["斓 翊"], ["涂层"]]   # ... whole words keep it whole
    assert text.query_terms("斓翊涂层") == [["斓"], ["翊"], ["涂层"]]    # (parts: each character)
    assert text.query_terms("斓", parts=False) == [["斓"]]             # one character stays itself
    assert text.highlight_terms([["斓 翊"]]) == ["斓翊"]
