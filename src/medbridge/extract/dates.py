"""Dates in the text, resolved against the article's own date (5月29日 → 2024-05-29)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

FULL = re.compile(r"((?:19|20)\d\d)\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*[日号]?")
MONTH_DAY = re.compile(r"(?<![\d年\-/.])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
RELATIVE = {"今天": 0, "今日": 0, "当天": 0, "当日": 0, "昨天": -1, "昨日": -1, "前天": -2, "前日": -2}
RELATIVE_PATTERN = re.compile("|".join(RELATIVE))


@dataclass
class DateMention:
    value: date
    start: int
    end: int


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, article_date: date | None) -> list[DateMention]:
    found: list[DateMention] = []
    for match in FULL.finditer(text):
        if value := _make(int(match.group(1)), int(match.group(2)), int(match.group(3))):
            found.append(DateMention(value, match.start(), match.end()))
    if article_date:
        for match in MONTH_DAY.finditer(text):
            value = _make(article_date.year, int(match.group(1)), int(match.group(2)))
            if value and value > article_date + timedelta(days=31):
                value = _make(article_date.year - 1, value.month, value.day)   # December news read in January
            if value:
                found.append(DateMention(value, match.start(), match.end()))
        for match in RELATIVE_PATTERN.finditer(text):
            found.append(DateMention(article_date + timedelta(days=RELATIVE[match.group(0)]), match.start(), match.end()))
    return sorted(found, key=lambda d: d.start)


def date_for(position: int, dates: list[DateMention], sentence_start: int, sentence_end: int,
             article_date: date | None) -> date | None:
    """The date in the sentence, else the last one stated before it, else the article's."""
    inside = [d for d in dates if sentence_start <= d.start < sentence_end]
    if inside:
        return inside[0].value
    before = [d for d in dates if d.start < sentence_start and sentence_start - d.start < 600]
    return before[-1].value if before else article_date
