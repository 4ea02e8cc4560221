"""Reading files: encodings detected, binary and undecodable files refused with a reason."""

from __future__ import annotations

import json
from datetime import date

import pytest

from medbridge.text.reading import UnreadableFile, decode, expand_paths, html_to_text, read_file

TEXT = "天坛医院与鼎业未来健康产业园签署框架协议，共建脑健康创新中心。"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk"])
def test_simplified_text_is_read_in_its_encoding(encoding):
    text, found = decode(TEXT.encode(encoding))
    assert text == TEXT
    assert found in ("utf-8", "gb18030")


def test_big5_traditional_text_is_read_as_big5():
    traditional = "天壇醫院與鼎業未來健康產業園簽署框架協議，共建腦健康創新中心。"
    text, found = decode(traditional.encode("big5"))
    assert (text, found) == (traditional, "big5")


def test_binary_data_is_refused():
    with pytest.raises(UnreadableFile, match="binary"):
        decode(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))


def test_bytes_in_no_supported_encoding_are_refused():
    with pytest.raises(UnreadableFile, match="undecodable"):
        decode(bytes([0xff, 0xfe, 0xfa, 0x81, 0x30]) * 50)


def test_html_keeps_text_and_drops_scripts_and_navigation():
    text, title = html_to_text("<html><head><title>标题</title><script>var x=1;</script></head>"
                               "<body><nav>首页 新闻</nav><p>第一段。</p><p>第二段&amp;结束。</p></body></html>")
    assert title == "标题"
    assert "var x" not in text and "首页" not in text
    assert "第一段。" in text and "第二段&结束。" in text


def test_markdown_heading_gives_the_title(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("# 丰台区发布医药健康政策\n\n丰台区正式发布[医药健康十条](http://x)，支持企业发展。", encoding="utf-8")
    article = read_file(path)[0]
    assert article.title == "丰台区发布医药健康政策"
    assert "医药健康十条" in article.text and "http" not in article.text


def test_jsonl_gives_one_article_a_line_and_skips_broken_lines(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"title": "标题", "date": "2024-05-30", "source": "某报", "text": TEXT}, ensure_ascii=False)
                    + "\n{broken\n" + json.dumps({"text": TEXT + "又一篇。"}, ensure_ascii=False) + "\n", encoding="utf-8")
    articles = read_file(path)
    assert [a.title for a in articles] == ["标题", ""]
    assert articles[0].date == date(2024, 5, 30) and articles[0].source == "某报"
    assert articles[1].origin.endswith(":3")


def test_jsonl_without_any_article_is_refused(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text("{broken\n[]\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="JSONL"):
        read_file(path)


def test_empty_files_are_refused(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="empty"):
        read_file(path)


def test_folders_expand_to_their_article_files(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "a.html", "sub/c.jsonl", "skip.pdf"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.html", "b.txt", "c.jsonl"]
