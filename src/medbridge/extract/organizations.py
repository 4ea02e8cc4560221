"""Organization names from a suffix grammar, defined short names, lists and dictionaries.

A name is found by its ending (…医院, …有限公司, …孵化器 give the kind) and grown leftwards
over the words that may sit inside a name, stopping at verbs, prepositions, punctuation and
titles. A name made only of common words (高水平研究型医院) is no name. Short names defined
in the text (简称“天坛医院”), names contained in a longer name of the same kind and the
dictionaries' aliases all resolve to one organization.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from medbridge.extract import lexicon
from medbridge.extract.tokens import Token, frequency, tag

MAX_NAME = 32
PROPER_POS = frozenset("ns nt nz j eng nrt nrfg".split())
GENERIC_MODIFIERS = frozenset(
    "高水平 研究型 三甲 优质 知名 大型 重点 附属 公立 民营 各级 相关 顶尖 一流 龙头 头部 领军 新型 国家级 省级 "
    "市级 区级 综合性 综合 专科 合作 定点 基层 社区 乡镇 县级 医疗 医学 研究 科研 国外 海外 国内 本地 各类 多家 "
    "众多 部分 其他 一批 多个 该 本 此 这些 那些 我国 全国 世界 全球 国际 高端 高校 科技型 创新型 中小 高成长型 "
    "专业 服务 机构 专业化 市场化 标杆 示范 智慧 智能 数字 未来 当地 周边 这家 一家 两家 三家 首家 首批 第二批 "
    "新 老 大 小 该院 本院 全市 全区 全省 临床 药企 国企 外企 跨国 医药 药物 生物 健康 产业 企业 公司 "
    "集团 科技 创新 转化 成果 发展 工作 专项 重大 省部 共建 协同 教育部 国家 中央 地方 区域 市 区 省 "
    "数智 互联网 人工智能 精准 医工 智造 数字化 信息化 现代 全资 子公司 控股 参股 公立医院 附属医院 "
    "教学医院 合作医院 专科医院 综合医院 民营医院 社区医院 研究机构 医疗机构 头部企业 天使基金 产业基金 "
    "引导基金 母基金 子基金 专项基金 创投基金 天使 引导 专项子基金 投资基金 股权投资基金 成果转化基金".split()
)
ENUMERATION = re.compile(
    r"((?:[\u4e00-\u9fffA-Za-z0-9（）()·]{2,16}、)+[\u4e00-\u9fffA-Za-z0-9（）()·]{2,16})"
    r"(?:在内的|等)(?:\s*(?:\d+|[一二三四五六七八九十两百]+)\s*(?:余|多)?\s*[家所个]\s*[\u4e00-\u9fff]{0,6}?|[\u4e00-\u9fff]{0,3}?)"
    r"(企业|单位|公司|机构|医院|高校|院校|医疗机构|科研院所)"
)
LIST_LEADS = ("包括", "其中", "如", "有", "与", "和", "及", "由", "为", "了", "让", "使", "将", "吸引", "引进", "集聚")
SHORT_NAME = re.compile(r"[（(]\s*(?:以下|下文)?\s*简称\s*[为:：]?\s*[“\"‘'「『]([^”\"’'」』]{2,20})[”\"’'」』]\s*[)）]")
KIND_OF_LIST_NOUN = {"医院": "hospital", "医疗机构": "hospital", "高校": "university", "院校": "university",
                     "科研院所": "institute"}


@dataclass
class Sentence:
    start: int
    text: str
    tokens: list[Token]

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class OrgMention:
    start: int             # in the analysed text
    end: int
    text: str
    kind: str
    how: str               # suffix, short_name, list, dictionary, registry
    canonical: str = ""


@dataclass
class Organization:
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[OrgMention] = field(default_factory=list)


SENTENCE_END = re.compile(r"[^。！？!?\n；;]+[。！？!?；;]?")


def split_sentences(text: str) -> list[Sentence]:
    sentences = []
    for match in SENTENCE_END.finditer(text):
        raw = match.group(0)
        stripped = raw.strip()
        if len(stripped) < 2:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        sentences.append(Sentence(start, stripped, tag(stripped)))
    return sentences


@lru_cache(maxsize=1)
def shipped_dictionary() -> list[dict]:
    """Well-known organizations (national institutions, multinationals) with kinds and aliases."""
    with resources.files("medbridge.extract").joinpath("data/organizations.json").open(encoding="utf-8") as handle:
        return json.load(handle)


SUFFIX_KINDS = {**lexicon.WEAK_SUFFIXES, **lexicon.STRONG_SUFFIXES}
SUFFIX_LENGTHS = sorted({len(s) for s in SUFFIX_KINDS}, reverse=True)
SUFFIX_LAST_CHARS = frozenset(s[-1] for s in SUFFIX_KINDS)
# For each last character, the suffix lengths worth trying, longest first.
LENGTHS_BY_LAST_CHAR = {char: sorted({len(s) for s in SUFFIX_KINDS if s[-1] == char}, reverse=True)
                        for char in SUFFIX_LAST_CHARS}


def suffix_kind(name: str, end: int | None = None) -> tuple[str, str] | None:
    """(suffix, kind) of the longest organization suffix `name[:end]` ends with."""
    end = len(name) if end is None else end
    if end <= 0 or end > len(name):
        return None
    for length in LENGTHS_BY_LAST_CHAR.get(name[end - 1], ()):
        if length <= end:
            suffix = name[end - length: end]
            kind = SUFFIX_KINDS.get(suffix)
            if kind:
                return suffix, kind
    return None


def strip_legal_form(name: str) -> str:
    """华融科创生物科技(天津)有限公司 → 华融科创生物科技: the key names are compared on."""
    key = re.sub(r"[（(][\u4e00-\u9fff]{2,4}[)）]", "", name)
    for form in lexicon.LEGAL_FORMS:
        if key.endswith(form) and len(key) > len(form) + 1:
            key = key[: -len(form)]
            break
    return key


def _is_proper(token: Token) -> bool:
    """A word that names something (鼎业, 天坛, 北京) rather than describes it (高水平)."""
    if token.text in GENERIC_MODIFIERS or token.text in lexicon.NAME_STOP_WORDS:
        return False
    if token.pos in PROPER_POS or token.text[:1].isdigit() or token.text.isascii():
        return True
    count = frequency(token.text)
    return count < 1000


# Verbs that sit inside many names (…创新孵化器, …投资基金, …成果转化中心).
NAME_VERBS = frozenset("创新 发展 转化 孵化 投资 研究 协同 服务 管理 检测 开发 制造 转移 监督 育成 加速 "
                       "创业 诊疗".split())


def _can_be_inside_name(token: Token) -> bool:
    if token.text in lexicon.NAME_STOP_WORDS or token.text in lexicon.TITLES:
        return False
    if token.text.isascii():
        return len(token.text) >= 2 and token.text.isalnum()
    if frequency(token.text) == 0 and token.text[0] in LEADING_FUNCTION_CHARS:
        return False          # an unknown word glued to a preposition (以脑)
    if token.pos in lexicon.NAME_POS or token.text in NAME_VERBS or token.text == "首都":
        return True
    if token.pos == "l" and frequency(token.text) < 50:
        return True           # a rare fixed phrase is mostly a compound noun (临床医学)
    if token.pos == "v" and frequency(token.text) < 30:
        # A rare "verb" is mostly a name jieba does not know (启明), unless a function word
        # is glued to it (投为, 创及).
        return token.text[0] not in LEADING_FUNCTION_CHARS and token.text[-1] not in LEADING_FUNCTION_CHARS
    if token.pos == "m":
        # 301医院, 第一医院, and brand words jieba takes for numerals (美年)
        return token.text[:1].isdigit() or token.text.startswith("第") or frequency(token.text) == 0
    return False


# Titles a city or district holds, not organizations (北京国际科技创新中心).
DESIGNATIONS = ("国际科技创新中心", "科技创新中心城市", "示范城市")
LEADING_FUNCTION_CHARS = set("以在与和对为将把被从向由于及或并暨")
PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,4}(省|市|区|县|州)(?!场|民|值|委员会$)")
LIST_ITEM = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9][\u4e00-\u9fffA-Za-z0-9·]*(?:[（(][\u4e00-\u9fff]{2,4}[)）][\u4e00-\u9fff]*)?$")
YEAR = re.compile(r"^(19|20)\d\d(年|年度)?$")
COUNTED = re.compile(r"(\d+|[一二三四五六七八九十两百几数多]+)\s*(个|家|所|批|项|类)$")


def _suffix_mentions(sentence: Sentence) -> list[OrgMention]:
    found, text, tokens = [], sentence.text, sentence.tokens
    for index, token in enumerate(tokens):
        if token.text[-1] not in SUFFIX_LAST_CHARS:
            continue
        hit = suffix_kind(text, token.end)
        if not hit:
            continue
        suffix, kind = hit
        suffix_start = token.end - len(suffix)
        holder = next(j for j in range(index + 1) if tokens[j].end > suffix_start)
        if tokens[holder].start < suffix_start and not _suffix_inside_word_ok(tokens[holder], suffix_start):
            continue
        first, start = _grow_left(tokens, holder)
        if first > 0 and tokens[first].text[:1] in "州市区县省" and len(tokens[first - 1].text) == 1 \
                and "\u4e00" <= tokens[first - 1].text <= "\u9fff" and tokens[first - 1].text not in LEADING_FUNCTION_CHARS \
                and tokens[first - 1].pos not in ("p", "c", "u", "uj", "d", "r"):
            first -= 1        # 临州市: jieba split an unknown place as 临 | 州市
            start = tokens[first].start
        while first < holder and (tokens[first].text in ("附属", "原", "新") or YEAR.match(tokens[first].text)):
            first += 1        # 附属北京天坛医院 in a list; 2023天津滨海高新区: the year is no part of the name
            start = tokens[first].start
        if token.end - start > MAX_NAME or COUNTED.search(text[max(0, start - 4): start]):
            continue          # 5个国家医学中心 counts a category, it names nothing
        if suffix in lexicon.WEAK_SUFFIXES and not _name_ends_here(tokens, index):
            continue
        name_tokens = tokens[first: index + 1]
        end = token.end
        if suffix == "园区" and suffix_kind(text[start: end - 2]):
            end -= 2          # 鼎业未来健康产业园园区外景: the park, then the word "park"
        if _acceptable(name_tokens, text[start: token.end], suffix, kind):
            found.append(OrgMention(sentence.start + start, sentence.start + end, text[start: end], kind, "suffix"))
    return found


def _is_brand_word(token: Token) -> bool:
    """西门子, 安纳金, 捷臻: the made-up or foreign word a company brand is built on."""
    if token.text in GENERIC_MODIFIERS or token.text in lexicon.NAME_STOP_WORDS or token.pos == "ns":
        return False
    count = frequency(token.text)
    return count == 0 or token.text.isascii() or token.pos in ("nr", "nrt", "nz", "j", "eng") and count < 600


def _suffix_inside_word_ok(token: Token, suffix_start: int) -> bool:
    """布局 ends in 局 but names nothing; 天坛医院 is one word and a name."""
    if token.text in GENERIC_MODIFIERS or token.text in lexicon.NAME_STOP_WORDS:
        return False
    return token.pos in ("nt", "ns", "nz", "j") or suffix_start - token.start >= 2


def _name_ends_here(tokens: list[Token], index: int) -> bool:
    """A brand word ends a name only when no noun follows (西门子医疗与… but not 智慧医疗产业)."""
    if index + 1 >= len(tokens):
        return True
    following = tokens[index + 1]
    return not (following.pos in lexicon.NAME_POS and following.text not in lexicon.TITLES
                and following.text not in lexicon.NAME_STOP_WORDS)


def _grow_left(tokens: list[Token], holder: int) -> tuple[int, int]:
    """(first token, first character) of the name whose suffix is in tokens[holder]."""
    first, k = holder, holder - 1
    while k >= 0 and tokens[holder].end - tokens[k].start <= MAX_NAME:
        token = tokens[k]
        if token.text in (")", "）") and k >= 2 and tokens[k - 2].text in ("(", "（") and tokens[k - 1].pos == "ns":
            first, k = k - 2, k - 3            # 华融科创生物科技(天津)有限公司
            continue
        if not _can_be_inside_name(token):
            if len(token.text) >= 3 and frequency(token.text) == 0 and token.text[0] in LEADING_FUNCTION_CHARS:
                return k, token.start + 1      # 和朗川投资基金: jieba glued 和 to the name
            break
        first, k = k, k - 1
    return first, tokens[first].start


def _acceptable(name_tokens: list[Token], name: str, suffix: str, kind: str) -> bool:
    prefix_len = len(name) - len(suffix)
    if prefix_len < 1:
        return False
    suffix_start = name_tokens[-1].end - len(suffix)
    prefix_tokens = [t for t in name_tokens if t.start < suffix_start]
    whole_word = len(name_tokens) == 1
    if suffix in lexicon.WEAK_SUFFIXES:
        # A brand needs a proper-noun word, not a place, right before the brand word.
        last = prefix_tokens[-1] if prefix_tokens else None
        return last is not None and last.end <= suffix_start and prefix_len >= 2 and _is_brand_word(last)
    if kind == "government":
        if whole_word:
            return name_tokens[0].pos == "nt" or name[:1] in "市区省县" and len(name) >= 3
        return any(t.pos == "ns" for t in name_tokens) or name[:1] in "市区省县" or PLACE_PREFIX.match(name) \
            or any(park in name[:-len(suffix)] for park in ("开发区", "高新区", "经开区", "园区", "产业园")) \
            or name.startswith(("国家", "中共", "中国", "农工党", "民盟", "民进", "九三学社", "致公党"))
    if len(suffix) == 1 or prefix_len < 2:
        return False
    origin = name_tokens[-1].end - len(name)   # where the name starts (it may start inside a word)
    for token in prefix_tokens:
        parent = suffix_kind(name, token.end - origin)
        if parent and len(parent[0]) >= 2 and parent[0] in lexicon.STRONG_SUFFIXES \
                and token.end - origin > len(parent[0]) + 1:
            return True       # a unit of a named body: 国家卫生健康委 + 科学技术研究所
    if name[:-len(suffix)] in GENERIC_MODIFIERS or name in GENERIC_MODIFIERS or name.endswith(DESIGNATIONS):
        return False
    if whole_word:
        token = name_tokens[0]
        return token.pos in ("nt", "ns", "nz", "j") or frequency(token.text) == 0
    return any(_is_proper(t) for t in prefix_tokens)


def _short_name_mentions(text: str, mentions: list[OrgMention]) -> list[OrgMention]:
    """(简称“天坛医院”) right after a name: the short name stands for that name."""
    found = []
    by_end = {m.end: m for m in mentions}
    for match in SHORT_NAME.finditer(text):
        full = by_end.get(match.start())
        short = match.group(1).strip()
        if full is None or short == full.text:
            continue
        found.append(OrgMention(match.start(1), match.end(1), short, full.kind, "short_name", canonical=full.text))
    return found


def _list_mentions(sentence: Sentence) -> list[OrgMention]:
    """捷臻医疗、脉愈医疗…在内的9家创新企业: every item of the list is an organization."""
    found = []
    for match in ENUMERATION.finditer(sentence.text):
        noun_kind = KIND_OF_LIST_NOUN.get(match.group(2), "enterprise")
        position = match.start(1)
        for item in match.group(1).split("、"):
            start = position
            position += len(item) + 1
            for lead in LIST_LEADS:
                if item.startswith(lead) and len(item) - len(lead) >= 2:
                    item, start = item[len(lead):], start + len(lead)
                    break
            for link in ("与", "和", "及", "同"):
                if link in item[1:-1]:
                    cut = item.rindex(link) + 1
                    item, start = item[cut:], start + cut
            while item[:2] in lexicon.NAME_STOP_WORDS and len(item) > 4:
                item, start = item[2:], start + 2
            if not LIST_ITEM.match(item):
                continue          # debris of a broken encoding, not a name
            item_start = sentence.text.find(item, start)
            hit = suffix_kind(item)
            kind = hit[1] if hit and hit[0] not in lexicon.WEAK_SUFFIXES else noun_kind
            found.append(OrgMention(sentence.start + item_start, sentence.start + item_start + len(item),
                                    item, kind, "list"))
    return found


def _gazetteer_mentions(text: str, gazetteer: dict[str, tuple[str, str]], how: str) -> list[OrgMention]:
    found = []
    for surface, (canonical, kind) in gazetteer.items():
        start = text.find(surface)
        while start != -1:
            found.append(OrgMention(start, start + len(surface), surface, kind, how, canonical=canonical))
            start = text.find(surface, start + len(surface))
    return found


def dictionary_gazetteer() -> dict[str, tuple[str, str]]:
    gazetteer = {}
    for entry in shipped_dictionary():
        for surface in [entry["name"], *entry.get("aliases", [])]:
            gazetteer[surface] = (entry["name"], entry["kind"])
    return gazetteer


def find_organizations(text: str, sentences: list[Sentence], registry: dict[str, tuple[str, str]] | None = None,
                       skip: list[tuple[int, int]] = ()) -> list[Organization]:
    """Organizations of the text; `skip` spans (the dateline: 来源：某某日报) are left out."""
    mentions = []
    for sentence in sentences:
        mentions.extend(_suffix_mentions(sentence))
        mentions.extend(_list_mentions(sentence))
    mentions.extend(_short_name_mentions(text, mentions))
    mentions.extend(_gazetteer_mentions(text, dictionary_gazetteer(), "dictionary"))
    if registry:
        mentions.extend(_gazetteer_mentions(text, registry, "registry"))
    mentions.extend(_repeated_short_names(text, mentions))
    mentions = [m for m in mentions if not any(start <= m.start < end for start, end in skip)]
    return _resolve(_drop_nested(mentions))


def _repeated_short_names(text: str, mentions: list[OrgMention]) -> list[OrgMention]:
    """Every later occurrence of a defined short name is a mention too."""
    found = []
    for short in {m.text: m for m in mentions if m.how == "short_name"}.values():
        start = text.find(short.text)
        while start != -1:
            if start != short.start:
                found.append(OrgMention(start, start + len(short.text), short.text, short.kind, "short_name",
                                        canonical=short.canonical))
            start = text.find(short.text, start + 1)
    return found


PRIORITY = {"registry": 0, "dictionary": 1, "short_name": 2, "list": 3, "suffix": 4}


def _drop_nested(mentions: list[OrgMention]) -> list[OrgMention]:
    """Keep the longest mention where several overlap (the full name over its parts).

    List items only fill gaps: a name the grammar or a dictionary found wins over a list
    item that swallowed a neighbouring word.
    """
    ordered = sorted(mentions, key=lambda m: (m.how == "list", -(m.end - m.start), PRIORITY[m.how], m.start))
    taken: list[OrgMention] = []
    occupied: list[tuple[int, int]] = []
    for mention in ordered:
        if any(mention.start < end and start < mention.end for start, end in occupied):
            continue
        taken.append(mention)
        occupied.append((mention.start, mention.end))
    return sorted(taken, key=lambda m: m.start)


def _resolve(mentions: list[OrgMention]) -> list[Organization]:
    """Group mentions into organizations: short names and contained names join the full name."""
    names: dict[str, Organization] = {}
    for mention in mentions:
        canonical = mention.canonical or mention.text
        org = names.setdefault(canonical, Organization(canonical, mention.kind))
        org.mentions.append(mention)
        mention.canonical = canonical
        if mention.text != canonical and mention.text not in org.aliases:
            org.aliases.append(mention.text)
    # A name contained in a longer name of the same kind is that organization
    # (天坛医院 in 首都医科大学附属北京天坛医院); a company's short name starts its full name
    # (云杉生物 → 云杉生物医药科技有限公司); government bodies go by abbreviations (通州区科委 =
    # 北京市通州区科学技术委员会).
    for short in sorted(names, key=len):
        if short not in names:
            continue
        longer = [n for n in names if n != short and names[n].kind == names[short].kind and _same_body(short, n)]
        if longer:
            _merge(names, short, min(longer, key=lambda n: names[n].mentions[0].start))
    return sorted(names.values(), key=lambda o: o.mentions[0].start)


GOVERNMENT_ABBREVIATIONS = (
    ("科学技术委员会", "科委"), ("商务委员会", "商务委"), ("卫生健康委员会", "卫健委"), ("卫生健康委", "卫健委"),
    ("经济和信息化委员会", "经信委"), ("发展和改革委员会", "发改委"), ("管理委员会", "管委会"), ("人民政府", "政府"),
    ("市委员会", "市委"), ("区委员会", "区委"), ("科学技术局", "科技局"), ("经济和信息化局", "经信局"),
)
PROVINCE_BEFORE_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{2,3}[省市](?=[\u4e00-\u9fff]{1,4}[区县市])")
OTHER_PARTIES = ("农工党", "民盟", "民进", "民建", "民革", "致公党", "九三学社", "台盟")


@lru_cache(maxsize=8192)
def comparison_key(name: str, kind: str) -> str:
    """The form two names of one body share: abbreviations expanded alike, province dropped."""
    key = name
    if kind == "government":
        for long_form, short_form in GOVERNMENT_ABBREVIATIONS:
            key = key.replace(long_form, short_form)
        key = PROVINCE_BEFORE_DISTRICT.sub("", key)
    elif kind == "alliance":
        key = key.replace("发展", "")
    return key


def _same_body(short: str, long: str) -> bool:
    if len(short) >= 2 and long.startswith(short) and lexicon.LEGAL_FORMS and any(
            long.endswith(form) for form in lexicon.LEGAL_FORMS) and long != short:
        return True
    kind = "government" if suffix_kind(long) and suffix_kind(long)[1] == "government" else ""
    short_key, long_key = comparison_key(short, kind or "alliance"), comparison_key(long, kind or "alliance")
    if short_key == long_key:
        return True
    if kind == "government":
        extra = long_key[: -len(short_key)] if long_key.endswith(short_key) else None
        return extra is not None and len(short_key) >= 4 and not any(p in extra for p in OTHER_PARTIES)
    return short in long and len(short) >= 4 and long.endswith(short[-2:])


def _merge(names: dict[str, Organization], short: str, target_name: str) -> None:
    target, moved = names[target_name], names.pop(short)
    for mention in moved.mentions:
        mention.canonical = target.name
    target.mentions.extend(moved.mentions)
    for alias in [short, *moved.aliases]:
        if alias not in target.aliases and alias != target.name:
            target.aliases.append(alias)
