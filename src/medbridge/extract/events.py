"""Events from trigger words: who signed, launched, settled, joined, won, was appointed, issued.

A trigger word counts only with its context (a 启动 needs a park or platform nearby, a 签署
an agreement word after it); the participants are the organizations of the sentence, plus
the places that act as a party (丰台区与首都医科大学签署…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from medbridge.extract import lexicon
from medbridge.extract.dates import DateMention, date_for
from medbridge.extract.organizations import OrgMention, Sentence

HOST_KINDS = ("incubator", "park")
LAUNCHED_KINDS = ("park", "incubator", "institute", "service_platform", "alliance", "investor")
AGREEMENT_KIND = re.compile(r"(?:签署|签订|签约|达成|缔结)了?([\u4e00-\u9fff]{0,8}?)(?:协议|合同|备忘录|意向书)")
NEEDS_TWO = ("agreement_signed", "joint_lab", "settlement")


@dataclass
class Event:
    type: str
    participants: list[str]
    date: date | None
    evidence: str
    start: int                # evidence sentence, in the analysed text
    end: int
    trigger: str
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = {"type": self.type, "participants": self.participants,
                "date": self.date.isoformat() if self.date else None, "evidence": self.evidence}
        data.update(self.detail)
        return data


TRIGGER_PATTERNS = {kind: re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
                    for kind, words in lexicon.EVENT_TRIGGERS.items()}


def _first_trigger(sentence: str, kind: str) -> re.Match | None:
    return TRIGGER_PATTERNS[kind].search(sentence)


def _context_ok(kind: str, sentence: str, trigger: re.Match, orgs: list[OrgMention], offset: int) -> bool:
    after = sentence[trigger.end(): trigger.end() + 20]
    before = sentence[max(0, trigger.start() - 20): trigger.start()]
    kinds = {m.kind for m in orgs}
    if kind == "settlement":
        if after.startswith(("企业", "项目", "单位", "机构", "率", "条件", "门槛", "服务")):
            return False      # 入驻企业, 入园企业: the companies already there, not an event
        return bool(kinds & set(HOST_KINDS)) or any(h in sentence for h in lexicon.SETTLEMENT_HOSTS)
    if kind == "agreement_signed":
        if trigger.group(0) == "签约" and after.startswith(("入驻", "落地", "仪式")) and "协议" not in after:
            return False
        return trigger.group(0).startswith("达成") or any(o in after for o in lexicon.AGREEMENT_OBJECTS)
    if kind == "launch":
        launched = [m for m in orgs if m.kind in LAUNCHED_KINDS and (m.end - offset <= trigger.end() + 4
                                                                   or m.start - offset <= trigger.end() + 2)]
        return bool(launched) or any(o in before for o in lexicon.LAUNCH_OBJECTS)
    if kind == "alliance_joined":
        return "alliance" in kinds or any(w in sentence for w in ("联盟", "协会", "学会", "商会"))
    if kind == "award":
        return any(w in sentence for w in lexicon.AWARD_CONTEXT)
    if kind == "expert_appointed":
        return any(w in sentence for w in lexicon.APPOINT_CONTEXT)
    if kind == "policy_issued":
        return not after.startswith(("时间", "会", "仪式")) and any(o in after for o in lexicon.POLICY_OBJECTS)
    return True


PARTY_LINKS = ("与", "和", "同", "、", "携手", "联合")


PLACE_PARTY = re.compile(r"(?:^|(?<=[与和同、，,：:]))([\u4e00-\u9fff]{2,5}?(?:省|市|区|县|州))"
                         r"(?=[与和同、]|签|携手|联合|共同|达成|正式|发布|出台|印发|$)")


def _party_places(sentence: Sentence, orgs: list[OrgMention], anywhere: bool) -> list[str]:
    """Places acting as a party: 丰台区与首都医科大学…, …与丰台区签署 (or any place, for issuers)."""
    tokens, places = sentence.tokens, []
    for match in PLACE_PARTY.finditer(sentence.text):
        position = sentence.start + match.start(1)
        if not any(m.start <= position < m.end for m in orgs) and match.group(1) not in places:
            places.append(match.group(1))
    for index, token in enumerate(tokens):
        if token.pos != "ns" or len(token.text) < 2:
            continue
        position = sentence.start + token.start
        if any(m.start <= position < m.end for m in orgs):
            continue
        neighbours = {tokens[index - 1].text if index else "", tokens[index + 1].text if index + 1 < len(tokens) else ""}
        if anywhere or neighbours & set(PARTY_LINKS):
            places.append(token.text)
    return places


SUBJECT_FILLERS = ("正式", "重磅", "近日", "日前", "率先", "首次", "再次", "今年", "同时", "共同", "联合", "还", "也", "已",
                   "将", "已经", "今天", "昨天", "专门", "研究", "制定", "编制", "先后", "陆续", "日")
CLAUSE_START = re.compile(r"[，,。；;：:！？“”\"（）()、\s]")
PLACE_SUBJECT = re.compile(r"^[\u4e00-\u9fff]{2,12}$")


def _subject_before(text: str, trigger_at: int) -> str:
    """此外，北京城市副中心重磅出台…: the place (or body) the clause begins with."""
    clause = CLAUSE_START.split(text[:trigger_at])[-1]
    changed = True
    while changed:
        changed = False
        for filler in SUBJECT_FILLERS:
            if clause.endswith(filler):
                clause, changed = clause[: -len(filler)], True
    clause = re.sub(r"^\d+月\d+日", "", clause)
    if PLACE_SUBJECT.match(clause) and (clause.endswith(lexicon.PLACE_SUFFIXES) or clause[:2] in _PLACE_STARTS
                                        or "副中心" in clause or "新区" in clause):
        return clause
    return ""


_PLACE_STARTS = ("北京", "上海", "天津", "重庆")


def _participants(kind: str, sentence: Sentence, orgs: list[OrgMention], trigger_at: int = 0) -> list[str]:
    names: list[str] = []
    for mention in orgs:
        name = mention.canonical or mention.text
        if name not in names:
            names.append(name)
    if kind in ("agreement_signed", "joint_lab") and len(names) < 2:
        names += [p for p in _party_places(sentence, orgs, anywhere=False) if p not in names]
    if not names and kind not in NEEDS_TWO and kind != "award":
        names += [_subject_before(sentence.text, trigger_at)] if _subject_before(sentence.text, trigger_at) else \
            _party_places(sentence, orgs, anywhere=True)[:1]
    return names


def find_events(sentences: list[Sentence], mentions: list[OrgMention], dates: list[DateMention],
                article_date: date | None) -> list[Event]:
    events: list[Event] = []
    seen: set[tuple] = set()
    from bisect import bisect_left

    starts = [m.start for m in mentions]       # mentions come sorted by start
    previous_hosts: dict[str, list[OrgMention]] = {"settlement": [], "alliance_joined": []}
    for sentence in sentences:
        orgs = mentions[bisect_left(starts, sentence.start): bisect_left(starts, sentence.end)]
        with_host = {}
        for kind, host_kinds in (("settlement", HOST_KINDS), ("alliance_joined", ("alliance",))):
            hosts = [m for m in orgs if m.kind in host_kinds]
            # …孵化器签约仪式。9家企业签约入驻。: the host was named in an earlier sentence.
            with_host[kind] = previous_hosts[kind][-1:] + orgs if not hosts and previous_hosts[kind] else orgs
            previous_hosts[kind] = hosts or previous_hosts[kind]
        for kind in lexicon.EVENT_TRIGGERS:
            trigger = _first_trigger(sentence.text, kind)
            in_play = with_host.get(kind, orgs)
            if not trigger or not _context_ok(kind, sentence.text, trigger, in_play, sentence.start):
                continue
            participants = _participants(kind, sentence, in_play, trigger.start())
            if len(participants) < (2 if kind in NEEDS_TWO else 1):
                continue
            key = (kind, frozenset(participants))
            if key in seen:
                continue
            seen.add(key)
            detail = {}
            if kind == "agreement_signed" and (m := AGREEMENT_KIND.search(sentence.text)):
                detail["kind"] = m.group(1) or "协议"
            events.append(Event(kind, participants,
                                date_for(sentence.start, dates, sentence.start, sentence.end, article_date),
                                sentence.text, sentence.start, sentence.end, trigger.group(0), detail))
    return _drop_subsumed(events)


def _drop_subsumed(events: list[Event]) -> list[Event]:
    """The headline tells the event the body tells in full: keep the fuller one.

    An event is dropped when another of its type names every one of its participants
    (or a longer name containing it: 远川大学 in 远川大学生物医学工程学院).
    """
    def weight(event: Event) -> tuple:
        return (len(event.participants), sum(map(len, event.participants)), -event.start)

    def covered(small: Event, big: Event) -> bool:
        return small is not big and small.type == big.type and len(big.participants) >= len(small.participants) \
            and all(any(p in q for q in big.participants) for p in small.participants) and weight(big) > weight(small)
    return [e for e in events if not any(covered(e, other) for other in events)]
