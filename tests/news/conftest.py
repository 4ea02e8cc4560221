from __future__ import annotations

import pytest

# A made-up article in the style of the real ones: Traditional with a pinyin gloss, a spam
# line, a dateline, a defined short name and a tail of related news.
ARTICLE = (
    "在线精品无码|国产视频二区|巨乳一区二区\n"
    "首頁>> 正文\n"
    "青松市打造智能醫工創(chuàng )新高地\n"
    "2024-06-12 記者 林小雨 青松報道 來源: 青松日報\n"
    "  6月11日，星河醫科大學附屬青松松柏醫院(簡稱“松柏醫院”)與雲帆醫療有限公司簽署戰略合作協議。"
    "松柏醫院院長王一舟表示，雙方將共建聯合實驗室。東嶺智能醫工產業園正式啟動，總投資約12億元。\n"
    "猜你喜歡\n別的新聞標題\n"
)


@pytest.fixture
def article_text() -> str:
    return ARTICLE
