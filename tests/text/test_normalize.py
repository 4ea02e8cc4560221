"""Normalization: every rule on a hand-written fixture, and the way back to the original."""

from __future__ import annotations

from datetime import date

from medbridge.text.normalize import PINYIN_GLOSS, normalize


def analysed_to_original(result, word: str) -> str:
    start = result.text.index(word)
    begin, end = result.original_span(start, start + len(word))
    return result.original[begin:end]


def test_pinyin_glosses_glued_after_characters_are_removed():
    result = normalize("標題一二三四五六\n推動創(chuàng )新發(fā)展，首頁(yè)更新。")
    assert "创新发展" in result.text and "首页" in result.text
    assert "chuàng" not in result.text and "(" not in result.text


def test_real_parentheses_and_glosses_without_a_tone_mark_stay():
    text = "華融科創生物科技(天津)有限公司為CRO(醫藥研發合同外包服務機構)企業(de)"
    assert PINYIN_GLOSS.sub("", text) == text


def test_traditional_is_folded_to_simplified_with_tw2s():
    result = normalize("天壇醫院著力打造產業園，標志著新階段。")
    assert "天坛医院着力打造产业园" in result.text
    assert "标志着" in result.text


def test_every_analysed_character_maps_back_to_the_original():
    original = "首頁>> 正文\n天壇醫院(簡(jiǎn)稱(chēng)“天壇”)位於北京。\n"
    result = normalize(original)
    assert analysed_to_original(result, "天坛医院") == "天壇醫院"
    assert analysed_to_original(result, "位于北京") == "位於北京"


def test_spam_lines_with_several_bars_are_dropped():
    result = normalize("正文第一段，内容足够长。\n在线精品无码|国产视频二区|巨乳一区二区\n正文第二段。")
    assert "无码" not in result.text
    assert "正文第二段" in result.text


def test_breadcrumbs_image_names_digit_lines_and_copyright_lines_are_dropped():
    original = ("首页>地方频道>上海>要闻\n标题在这里出现了\nimage.png\n正文内容。\n833\n"
                "《某报》社有限责任公司版权所有\n京ICP备18039543号\n新闻线索提供热线:010-63074375\n收藏\n分享")
    result = normalize(original)
    for gone in ("首页", "image.png", "833", "版权所有", "ICP", "热线", "收藏", "分享"):
        assert gone not in result.text
    assert "正文内容" in result.text


def test_everything_after_a_related_news_tail_is_dropped():
    body = "这是一段足够长的正文，" * 30
    original = f"一个足够长的标题文字\n{body}\n猜你喜欢\n别的新闻标题一\n别的新闻标题二"
    result = normalize(original)
    assert "别的新闻" not in result.text and "猜你喜欢" not in result.text
    assert result.text.strip().endswith("正文，")


def test_a_tail_word_early_in_the_article_does_not_cut_the_body():
    result = normalize("免责声明：本文仅供参考\n正文从这里开始，后面还有很多内容。")
    assert "正文从这里开始" in result.text


def test_title_date_source_and_reporter_are_recovered_from_the_header():
    original = ("新华通讯社主管\n\n首页 >> 正文\n\n布局未来智慧医疗 丰台打造创新高地\n"
                "2024-05-30 记者 罗逸姝 北京报道 来源: 经济参考网\n\n  5月29日，大会在北京举办。")
    result = normalize(original)
    assert result.title == "布局未来智慧医疗 丰台打造创新高地"
    assert result.date == date(2024, 5, 30)
    assert result.source == "经济参考网"
    assert result.reporter == "罗逸姝"


def test_title_is_the_first_headline_like_line_when_there_is_no_dateline():
    result = normalize("上海\n\n普陀区举办数智健康产业创新大会\n\n  11月22日，普陀区举办大会。")
    assert result.title == "普陀区举办数智健康产业创新大会"
    assert result.date is None and result.source == ""


def test_publish_time_line_gives_date_and_source():
    result = normalize("某某大赛圆满落幕\n来源:今日热点网 发布时间:2024-08-08 17:39:09\n正文。")
    assert result.date == date(2024, 8, 8)
    assert result.source == "今日热点网"


def test_photo_credits_at_line_end_are_dropped():
    result = normalize("标题标题标题标题\n部分参展企业展示科研成果。 赵自谦 摄\n")
    assert "摄" not in result.text
