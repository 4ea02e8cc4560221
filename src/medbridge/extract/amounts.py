"""Money (423亿元 → 42,300,000,000 CNY) and counts (160家), with what they measure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from medbridge.extract import lexicon

MULTIPLIER = "|".join(sorted(lexicon.MULTIPLIERS, key=len, reverse=True))
CURRENCY = "|".join(sorted(lexicon.MONEY_UNITS, key=len, reverse=True))
MONEY = re.compile(rf"(\d+(?:\.\d+)?)\s*(余|多)?\s*({MULTIPLIER})?\s*({CURRENCY})")
COUNT = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*(余|多)?\s*(万|亿)?\s*([{lexicon.COUNT_UNITS}])(?!年|月|日|号|元)")
CLAUSE_BREAK = re.compile(r"[，,。；;：:！？、“”\"（）()\s]")
COUNTED_NOUN = re.compile(r"^([\u4e00-\u9fff]{0,6}?(?:企业|医院|单位|机构|高校|院校|项目|平台|园区|孵化器|基地|实验室|"
                          r"中心|公司|产业主体|学院|赛道|领域|专利|人次|会员|成员))")
FOLLOWING_NOUN = re.compile(r"^([\u4e00-\u9fffA-Za-z]{1,10}?)(?=[，,。；;、：:和与及等的在]|$|已|将|均|共)")
# Counts that follow these words are dates or ranks, not quantities.
NOT_A_QUANTITY = ("第", "前", "近", "每")


@dataclass
class Amount:
    text: str
    value: float
    unit: str
    measure: str
    start: int
    end: int

    def as_dict(self) -> dict:
        value = int(self.value) if float(self.value).is_integer() else self.value
        return {"text": self.text, "value": value, "unit": self.unit, "measure": self.measure}


def _number(digits: str, multiplier: str | None) -> float:
    value = float(digits) * lexicon.MULTIPLIERS.get(multiplier or "", 1)
    return round(value, 2)


def _measure_before(text: str, start: int) -> str:
    """总规模约423亿元 → 总规模: the phrase before the figure, without linking words."""
    clause = CLAUSE_BREAK.split(text[max(0, start - 24): start])[-1]
    changed = True
    while changed and clause:
        changed = False
        for link in lexicon.MEASURE_LINKS:
            if clause.endswith(link):
                clause, changed = clause[: -len(link)], True
    return clause[-10:]


def _measure_after(text: str, end: int) -> str:
    """22所临床医学院 → 临床医学院."""
    match = COUNTED_NOUN.match(text[end: end + 12]) or FOLLOWING_NOUN.match(text[end: end + 12])
    return match.group(1) if match else ""


def find_amounts(text: str) -> list[Amount]:
    amounts: list[Amount] = []
    taken: list[tuple[int, int]] = []
    for match in MONEY.finditer(text):
        value = _number(match.group(1), match.group(3))
        unit = lexicon.MONEY_UNITS[match.group(4)]
        amounts.append(Amount(match.group(0), value, unit, _measure_before(text, match.start()),
                              match.start(), match.end()))
        taken.append(match.span())
    for match in COUNT.finditer(text):
        if any(s <= match.start() < e for s, e in taken) or text[max(0, match.start() - 1): match.start()] in NOT_A_QUANTITY:
            continue
        measure = _measure_after(text, match.end()) or _measure_before(text, match.start())
        amounts.append(Amount(match.group(0), _number(match.group(1), match.group(3)), match.group(4), measure,
                              match.start(), match.end()))
    return sorted(amounts, key=lambda a: a.start)
