"""Lossless normalization of noisy Chinese news text.

The analysed text is Simplified, free of pinyin glosses, spam lines, site boilerplate and
"related news" tails; every analysed character keeps the offset of the character it came
from in the original, so a mention found in the analysed text can be highlighted in the
original (`NormalizedText.original_span`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import opencc

TONE_LETTERS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A gloss sits right after a Han character and holds at least one tone letter: real
# parentheses such as (天津) or (CRO) are left alone.
PINYIN_GLOSS = re.compile(
    r"(?<=[\u3400-\u9fff])[(（][a-zü" + TONE_LETTERS + r" ]{0,7}[" + TONE_LETTERS + r"][a-zü" + TONE_LETTERS + r" ]{0,7}[)）]"
)

# Lines that are never article text (checked on the Simplified text).
SPAM_WORDS = ("无码", "毛片", "人妻", "自拍", "偷拍", "av在线", "a片", "三级", "激情", "成人", "精品久久", "东京热", "欧美", "乳")
BOILERPLATE_PATTERNS = [re.compile(p) for p in (
    r"^(首页|当前位置|您的位置|位置)\s*[>＞»]",     # breadcrumbs
    r"[>＞»]{1,2}\s*(正文|要闻|新闻|详情)\s*$",
    r"\.(png|jpe?g|gif|webp)$",                   # image file names
    r"^[\d\s\-.,:：/]+$",                         # digit-only lines
    r"ICP|备案号|公网安备",
    r"版权所有|版权归|copyright|©|all rights reserved",
    r"(热线|电话|传真|联系电话|广告合作)[:：]?\s*[\d\-（）() ]{7,}",
    r"^(收藏|分享|打印|关闭|点赞|评论|返回顶部|上一篇|下一篇|标签[:：]?|责任编辑|编辑[:：]|扫一扫)",
    r"^(新华通讯社主管|主管单位|主办单位)",
    r"^\(上接\d+版\)|^（上接\d+版）|^\(下转\d+版\)|^（下转\d+版）",
)]
# Markers after which only site furniture follows ("related news", disclaimers…).
TAIL_MARKERS = (
    "猜你喜欢", "相关知识", "相关新闻", "相关阅读", "相关推荐", "推荐资讯", "推荐阅读", "热门推荐", "延伸阅读",
    "免责声明", "声明：", "声明:", "凡标注来源为", "网址：", "网址:", "原标题", "本文来源", "更多精彩",
)
PHOTO_CREDIT = re.compile(r"\s+[\u4e00-\u9fff]{2,4}\s*摄\s*$")

DATE_PATTERN = re.compile(r"(20\d\d|19\d\d)\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?")
SOURCE_PATTERN = re.compile(r"来源\s*[:：]\s*([^\s|｜，,]{2,30})")
REPORTER_PATTERN = re.compile(r"(?:记者|作者|文|通讯员)\s*[:：]?\s*([\u4e00-\u9fff]{2,3})(?=\s|$|[，,）)|/])")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    # tw2s converts 著力→着力 that plain t2s leaves alone, without rewriting vocabulary.
    return opencc.OpenCC("tw2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


@dataclass
class OffsetText:
    """Text whose every character remembers its offset in the original."""

    text: str
    offsets: list[int]

    @classmethod
    def of(cls, original: str) -> "OffsetText":
        return cls(original, list(range(len(original))))

    def delete(self, spans: list[tuple[int, int]]) -> "OffsetText":
        if not spans:
            return self
        kept_text, kept_offsets, position = [], [], 0
        for start, end in sorted(spans):
            if start > position:
                kept_text.append(self.text[position:start])
                kept_offsets.extend(self.offsets[position:start])
            position = max(position, end)
        kept_text.append(self.text[position:])
        kept_offsets.extend(self.offsets[position:])
        return OffsetText("".join(kept_text), kept_offsets)

    def delete_matches(self, pattern: re.Pattern) -> "OffsetText":
        return self.delete([m.span() for m in pattern.finditer(self.text)])

    def convert(self, function) -> "OffsetText":
        """Apply a character conversion; offsets survive length changes (realigned per line)."""
        whole = function(self.text)
        if len(whole) == len(self.text):
            return OffsetText(whole, self.offsets)      # the usual case: one character for one
        lines = self.text.split("\n")
        converted_lines, offsets, position = [], [], 0
        for line in lines:
            converted = function(line) if line else line
            line_offsets = self.offsets[position:position + len(line)]
            if len(converted) == len(line):
                offsets.extend(line_offsets)
            else:
                offsets.extend(_realign(line, converted, line_offsets))
            converted_lines.append(converted)
            position += len(line)
            if position < len(self.text):
                offsets.append(self.offsets[position])  # the newline
                position += 1
        return OffsetText("\n".join(converted_lines), offsets)


def _realign(before: str, after: str, offsets: list[int]) -> list[int]:
    """Offsets for `after` when a phrase conversion changed the length of `before`."""
    from difflib import SequenceMatcher

    result = [0] * len(after)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        for j in range(j1, j2):
            i = i1 + min(j - j1, max(i2 - i1 - 1, 0))
            result[j] = offsets[min(i, len(offsets) - 1)] if offsets else 0
    return result


@dataclass
class NormalizedText:
    original: str
    text: str                    # analysed: Simplified, cleaned
    offsets: list[int]           # analysed index → original index
    title: str = ""
    date: date | None = None
    source: str = ""
    reporter: str = ""
    dropped_lines: list[str] = field(default_factory=list)
    meta_spans: list[tuple[int, int]] = field(default_factory=list)   # dateline/byline, in `text`

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Where analysed text[start:end] lies in the original."""
        if start >= end or not self.offsets:
            return (0, 0)
        return (self.offsets[start], self.offsets[end - 1] + 1)


def is_spam_line(line: str) -> bool:
    if line.count("|") + line.count("｜") >= 2:
        return True
    lowered = line.lower()
    return sum(word in lowered for word in SPAM_WORDS) >= 2


def is_boilerplate_line(line: str) -> bool:
    stripped = line.strip()
    return any(p.search(stripped) for p in BOILERPLATE_PATTERNS)


def is_tail_marker(line: str) -> bool:
    stripped = line.strip().lstrip("-·•* ")
    return stripped.startswith(TAIL_MARKERS)


def normalize(original: str) -> NormalizedText:
    """Clean `original` for analysis and recover its title, date, source and reporter."""
    work = OffsetText.of(original)
    work = work.delete_matches(re.compile(r"\r|\ufeff|\u200b"))
    work = work.delete_matches(PINYIN_GLOSS)
    work = work.convert(to_simplified)
    work, dropped = _drop_noise_lines(work)
    work = work.delete_matches(PHOTO_CREDIT_ANYWHERE)
    result = NormalizedText(original=original, text=work.text, offsets=work.offsets, dropped_lines=dropped)
    _recover_header(result)
    return result


PHOTO_CREDIT_ANYWHERE = re.compile(r"[ \u3000]+[\u4e00-\u9fff]{2,4}\s*摄(?=\s*$)", re.M)


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for part in text.split("\n"):
        spans.append((start, start + len(part)))
        start += len(part) + 1
    return spans


def _drop_noise_lines(work: OffsetText) -> tuple[OffsetText, list[str]]:
    drop, dropped, body_chars = [], [], 0
    spans = _line_spans(work.text)
    for index, (start, end) in enumerate(spans):
        line = work.text[start:end]
        stripped = line.strip()
        # A tail marker ends the article once some body was read; a bare heading such as
        # 猜你喜欢 on its own line counts after any body, a sentence starting 声明： only later.
        if is_tail_marker(stripped) and (body_chars > 200 or (body_chars and len(stripped) <= 12)):
            # Everything from here on is site furniture.
            drop.append((start, len(work.text)))
            dropped.extend(l for l in work.text[start:].split("\n") if l.strip())
            break
        if stripped and (is_spam_line(stripped) or is_boilerplate_line(stripped)):
            drop.append((start, min(end + 1, len(work.text))))
            dropped.append(stripped)
            continue
        if len(stripped) > 40:
            body_chars += len(stripped)
    return work.delete(drop), dropped


HEADER_LINES = 8


def _recover_header(result: NormalizedText) -> None:
    spans = [(s, e) for s, e in _line_spans(result.text) if result.text[s:e].strip()][:HEADER_LINES]
    header = [result.text[s:e].strip() for s, e in spans]
    meta_index = None
    for index, line in enumerate(header):
        found = False
        if not result.date and (m := DATE_PATTERN.search(line)) and _is_meta_line(line):
            result.date = _safe_date(m)
            found = True
        if not result.source and (m := SOURCE_PATTERN.search(line)):
            result.source = m.group(1).strip()
            found = True
        if not result.reporter and _is_meta_line(line) and (m := REPORTER_PATTERN.search(line)):
            result.reporter = m.group(1)
            found = True
        if found:
            result.meta_spans.append(spans[index])
            meta_index = index if meta_index is None else meta_index
    result.title = _pick_title(header, meta_index)


def _is_meta_line(line: str) -> bool:
    """A dateline/byline rather than a sentence of the article."""
    return len(line) <= 80 and not line.endswith(("。", "！", "？")) and "，" not in line[:20]


def _safe_date(match: re.Match) -> date | None:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _looks_like_title(line: str) -> bool:
    return 6 <= len(line) <= 60 and not line.endswith(("。", "：", ":")) and not DATE_PATTERN.match(line) \
        and not SOURCE_PATTERN.search(line) and line.count("，") <= 2


def _pick_title(header: list[str], meta_index: int | None) -> str:
    # The title sits right above the dateline when there is one, else it is the first
    # line that reads like a headline.
    if meta_index:
        for line in reversed(header[:meta_index]):
            if _looks_like_title(line):
                return line
    for line in header:
        if _looks_like_title(line):
            return line
    return header[0][:60] if header else ""
