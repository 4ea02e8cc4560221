"""People named with a title (院长王拥军, 顾晓松院士), and the organization they speak for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from medbridge.extract import lexicon
from medbridge.extract.organizations import OrgMention

TITLE_PATTERN = re.compile("|".join(re.escape(t) for t in lexicon.TITLES))
TITLE_CHAIN_GAP = re.compile(r"^[、，,\s]*$")
NAME_AFTER_TITLE = re.compile(r"^[\s\u3000]*([\u4e00-\u9fff]{2,4})")
NAME_BEFORE_TITLE = re.compile(r"([\u4e00-\u9fff]{2,3})(院士|教授|研究员)")


@dataclass
class PersonMention:
    name: str
    title: str
    organization: str
    start: int
    end: int


def _name_at(text: str) -> str:
    """The 2–3 character name at the start of `text`, or ''."""
    candidate = text[:4]
    for surname_len in (2, 1):
        surname = candidate[:surname_len]
        if surname_len == 2 and surname not in lexicon.COMPOUND_SURNAMES:
            continue
        if surname_len == 1 and surname not in lexicon.SURNAMES:
            return ""
        rest = candidate[surname_len:]
        if not rest or rest[0] in lexicon.NAME_ENDERS:
            return ""
        if len(rest) >= 2 and rest[1] not in lexicon.NAME_ENDERS and not _starts_title(candidate[surname_len + 1:]):
            return surname + rest[:2]
        return surname + rest[:1]
    return ""


def _starts_title(text: str) -> bool:
    return any(text.startswith(t) for t in lexicon.TITLES) or text[:1] in lexicon.NAME_ENDERS


def find_people(text: str, org_mentions: list[OrgMention]) -> list[PersonMention]:
    people: list[PersonMention] = []
    for match in TITLE_PATTERN.finditer(text):
        after = NAME_AFTER_TITLE.match(text[match.end():])
        if not after:
            continue
        name = _name_at(after.group(1))
        if not name or any(name.startswith(t) for t in lexicon.TITLES):
            continue
        start = match.end() + after.start(1)
        chain_start = _title_chain_start(text, match.start())
        people.append(PersonMention(name, match.group(0), _affiliation(org_mentions, chain_start, text),
                                    start, start + len(name)))
    for match in NAME_BEFORE_TITLE.finditer(text):
        name = match.group(1)
        if len(name) == 3 and name[0] not in lexicon.SURNAMES:
            name = name[1:]
        start = match.end(1) - len(name)
        if name[0] not in lexicon.SURNAMES or any(p.start <= start < p.end for p in people) \
                or any(m.start < match.end(1) and start < m.end for m in org_mentions):
            continue      # 中国工程院院士: 程院 is no person
        people.append(PersonMention(name, match.group(2), _affiliation(org_mentions, start), start, match.end(1)))
    return people


def _title_chain_start(text: str, start: int) -> int:
    """首都医科大学党委常委、副校长陈瑞: walk back over the titles held at once."""
    while True:
        window = text[max(0, start - 12): start]
        previous = None
        for match in TITLE_PATTERN.finditer(window):
            if TITLE_CHAIN_GAP.match(window[match.end():]):
                previous = match
        if previous is None:
            return start
        start = start - len(window) + previous.start()


DEPARTMENT = re.compile(r"^[\u4e00-\u9fff]{1,8}(部|处|科|办|办公室|室|中心|系|所)$")
PLACE_BEFORE = re.compile(r"([\u4e00-\u9fff]{1,5}(?:省|市|区|县))$")


def _affiliation(org_mentions: list[OrgMention], chain_start: int, text: str = "") -> str:
    """The organization named right before the titles; a district stands for its government."""
    for mention in org_mentions:
        if mention.start < chain_start <= mention.end + 2:
            return mention.canonical or mention.text
        # 华西医院成果转化部部长: a department between the organization and the title
        if text and 0 < chain_start - mention.end <= 10 and DEPARTMENT.match(text[mention.end:chain_start]):
            return mention.canonical or mention.text
    place = PLACE_BEFORE.search(text[max(0, chain_start - 8): chain_start]) if text else None
    return place.group(1) if place else ""


def merge_people(mentions: list[PersonMention]) -> list[dict]:
    """One entry per person: the first title seen with an organization wins."""
    people: dict[str, dict] = {}
    for mention in mentions:
        entry = people.setdefault(mention.name, {"name": mention.name, "title": mention.title,
                                                 "organization": mention.organization})
        if not entry["organization"] and mention.organization:
            entry.update(title=mention.title, organization=mention.organization)
    return list(people.values())
