"""Reading article files: encodings (UTF-8, GB18030/GBK, Big5), HTML, Markdown, JSONL.

A file that is binary or decodes in no supported encoding is refused with a reason
(`UnreadableFile`); callers go on with the rest of their batch.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from medbridge.text.normalize import to_simplified

SUFFIXES = (".txt", ".html", ".htm", ".md", ".markdown", ".jsonl")
MAX_BYTES = 20 * 1024 * 1024
MIN_CHARS = 20


class UnreadableFile(Exception):
    """The file is binary, too large or in no encoding we read; the message says which."""


@dataclass
class RawArticle:
    text: str
    origin: str
    encoding: str = "utf-8"
    title: str = ""
    date: date | None = None
    source: str = ""


@lru_cache(maxsize=1)
def _common_characters() -> frozenset[str]:
    """The ~4,000 most frequent Han characters (from jieba's dictionary) for judging a decoding."""
    from medbridge.extract.tokens import dictionary

    counts: dict[str, int] = {}
    for word, (frequency, _) in dictionary().items():
        for char in word:
            counts[char] = counts.get(char, 0) + frequency
    return frozenset(sorted(counts, key=counts.get, reverse=True)[:4000])


def _plausibility(text: str) -> float:
    """Share of Han characters that are common ones once folded to Simplified."""
    han = [c for c in to_simplified(text[:4000]) if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return 0.0
    common = _common_characters()
    return sum(c in common for c in han) / len(han)


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if not head:
        return False
    controls = sum(b < 9 or 13 < b < 32 for b in head)
    return b"\x00" in head or controls / len(head) > 0.01


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of an article file, or UnreadableFile."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8"
    if _looks_binary(data):
        raise UnreadableFile("二进制文件，不是文本 / binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), encoding, text))
    if not candidates or max(candidates)[0] < 0.5:
        raise UnreadableFile("无法识别编码（支持 UTF-8、GB18030/GBK、Big5）/ undecodable: not UTF-8, GB18030/GBK or Big5")
    score, encoding, text = max(candidates)
    return text, encoding


class _TextOfHtml(HTMLParser):
    SKIP = {"script", "style", "noscript", "nav", "footer", "header", "aside", "form", "iframe", "svg"}
    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "td"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag == "title":
            self._in_title = False
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple[str, str]:
    """(text, title) of an HTML page: scripts, navigation and footers left out."""
    parser = _TextOfHtml()
    parser.feed(markup)
    text = re.sub(r"[ \t\u00a0]+\n", "\n", "".join(parser.parts))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return html.unescape(text), parser.title.strip()


def markdown_to_text(markdown: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)             # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)              # links keep their words
    text = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+])\s+", "", text, flags=re.M)
    return re.sub(r"(\*\*|__|`)", "", text)


def parse_date(value) -> date | None:
    if not value:
        return None
    match = re.search(r"((?:19|20)\d\d)\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})", str(value))
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def read_file(path: Path) -> list[RawArticle]:
    """The article(s) in one file. JSONL lines that are not articles raise UnreadableFile
    only when no line is readable; otherwise they are skipped (see read_jsonl)."""
    if path.stat().st_size > MAX_BYTES:
        raise UnreadableFile(f"文件过大（>{MAX_BYTES // 1024 // 1024} MB）/ file too large")
    text, encoding = decode(path.read_bytes())
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return read_jsonl(text, str(path), encoding)
    title = ""
    if suffix in (".html", ".htm"):
        text, title = html_to_text(text)
    elif suffix in (".md", ".markdown"):
        heading = re.search(r"^#\s+(.+)$", text, flags=re.M)
        title = heading.group(1).strip() if heading else ""
        text = markdown_to_text(text)
    if len(text.strip()) < MIN_CHARS:
        raise UnreadableFile("文件为空或过短，不像文章 / empty or too short to be an article")
    return [RawArticle(text, str(path), encoding, title=title)]


def read_jsonl(content: str, origin: str, encoding: str = "utf-8") -> list[RawArticle]:
    articles, problems = [], []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: {exc.msg}")
            continue
        if not isinstance(record, dict) or not str(record.get("text") or "").strip():
            problems.append(f"line {number}: 缺少 text / no text")
            continue
        articles.append(RawArticle(str(record["text"]), f"{origin}:{number}", encoding,
                                   title=str(record.get("title") or ""), date=parse_date(record.get("date")),
                                   source=str(record.get("source") or "")))
    if not articles:
        raise UnreadableFile("JSONL 中没有可读的文章 / no readable article in JSONL" +
                             (f" ({'; '.join(problems[:3])})" if problems else ""))
    return articles


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files named, and the article files inside folders named (sorted, recursive)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            files.append(path)
    return files
