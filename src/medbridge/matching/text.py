"""Chinese text into search tokens: the one pipeline that indexing, queries and evaluation share.

Steps: fold Traditional to Simplified (OpenCC `tw2s`, which keeps vocabulary as written), fold
full-width forms and case (NFKC, lower), segment with jieba in search mode (a long word also
yields its dictionary sub-words, so 农业 finds 中国农业发展银行) over jieba's dictionary plus
the domain dictionary shipped beside this file and the organization names of the registry.
Queries are expanded with the synonym groups in data/synonyms.json (脑机接口 = BCI).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterable

DATA_DIR = Path(__file__).with_name("data")
DOMAIN_DICT = DATA_DIR / "domain_dict.txt"
SYNONYMS = DATA_DIR / "synonyms.json"

# Whole tokens worth indexing: CJK runs, Latin words and numbers (with inner - . +).
_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:[-.+][a-z0-9]+)*")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Function words that match everything and so rank nothing.
STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 是 为 对 把 被 等 中 上 下 个 之 其 也 而 并 从 以 于 就 都 将 由 向 用 有 无 "
    "这 那 我 你 他 她 它 们 吗 呢 吧 啊 哪 什么 怎么 如何 怎样 为什么 可以 能 会 要 又 很 不 没 "
    "a an the of and or in on for to with by is are be".split())

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("tw2s")


def normalize(text: str) -> str:
    """Simplified, half-width, lower-case text."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    if _has_cjk(text):
        text = _converter().convert(text)
    return text.lower()


def _has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word, freq, tag in domain_terms():
        tokenizer.add_word(word, freq, tag)
    for group in synonym_groups():
        for spelling in group:
            if _has_cjk(spelling) and " " not in spelling:
                tokenizer.add_word(spelling, 500)
    return tokenizer


def domain_terms() -> list[tuple[str, int | None, str | None]]:
    terms = []
    for line in DOMAIN_DICT.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        terms.append((normalize(parts[0]), freq, parts[2] if len(parts) > 2 else None))
    return terms


@lru_cache(maxsize=1)
def synonym_groups() -> list[list[str]]:
    data = json.loads(SYNONYMS.read_text(encoding="utf-8"))
    return [[normalize(s) for s in group] for group in data["groups"]]


@lru_cache(maxsize=1)
def _synonym_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for group in synonym_groups():
        for spelling in group:
            index[spelling] = group
    return index


_known_names: set[str] = set()


def add_names(names: Iterable[str]) -> None:
    """Teach the segmenter whole names (organizations), so a name is also one token."""
    tokenizer = _tokenizer()
    with _lock:
        for name in names:
            name = normalize(name).strip()
            if len(name) >= 2 and name not in _known_names and " " not in name:
                tokenizer.add_word(name, 1000, "nt")
                _known_names.add(name)
                _search_mode.cache_clear()


def segment(text: str, parts: bool = True) -> list[str]:
    """Search-mode words of normalized text, in order, without punctuation or stopwords
    (with parts=False: only the whole words, not the dictionary words inside them)."""
    text = normalize(text)
    if not text:
        return []
    tokens = []
    for run in _WORD.findall(text):
        if _has_cjk(run[0]):
            # jieba's HMM guesses new words differently in different contexts; without it a
            # word unknown to the dictionaries falls apart the same way in query and document.
            words = list(_search_mode(run)) if parts else _tokenizer().lcut(run, HMM=False)
        else:
            words = [run]
        tokens.extend(w for w in words if w not in STOPWORDS and w.strip())
    return tokens


@lru_cache(maxsize=200_000)
def _search_mode(run: str) -> tuple[str, ...]:
    """jieba's search mode, but with dictionary words of every length inside a long word
    (jieba's own looks at 2 and 3 characters only, so 体外诊断试剂 would hide 体外诊断).
    Cached: indexing repeats the same runs (owner names, labels, set phrases) across many
    documents; add_names clears the cache when the dictionary changes."""
    tokenizer = _tokenizer()
    words = []
    for word in tokenizer.lcut(run, HMM=False):
        for size in range(2, len(word)):
            words.extend(word[i:i + size] for i in range(len(word) - size + 1)
                         if tokenizer.FREQ.get(word[i:i + size]))
        words.append(word)
    return tuple(words)


def index_tokens(text: str) -> list[str]:
    """The tokens stored in the index for a text."""
    return segment(text)


def query_terms(text: str, parts: bool = True) -> list[list[str]]:
    """A query as groups of alternatives: each word with its synonyms. Spellings of several
    words (brain-computer interface) are matched as wholes first, so they expand too. With
    parts=False only whole words count (康复机器人, not also 康复, 机器, 机器人): the index holds
    every dictionary word whole, so that finds the same documents with far fewer terms.
    A word no dictionary knows falls apart into characters, in the query as in the index; among
    whole words its characters stay together as one phrase ("方 荣": 方 then 荣), so 方荣 finds
    方荣 first and not everything holding 方 and 荣 (with parts, each character is its own group)."""
    text = normalize(text)
    groups: list[list[str]] = []
    seen: set[str] = set()
    for phrase, group in _synonym_index().items():
        if " " in phrase and phrase in text:
            text = text.replace(phrase, " ")
            _add_group(groups, seen, phrase, group)
    tokens = segment(text, parts)
    for token in tokens if parts else _phrases(tokens):
        _add_group(groups, seen, token, _synonym_index().get(token))
    return groups


def _phrases(tokens: list[str]) -> list[str]:
    """Runs of two or more single CJK characters joined into one space-separated phrase."""
    out: list[str] = []
    run: list[str] = []
    for token in tokens + [""]:
        if len(token) == 1 and _has_cjk(token):
            run.append(token)
            continue
        out += [" ".join(run)] if len(run) > 1 else run
        run = []
        if token:
            out.append(token)
    return out


def _add_group(groups: list[list[str]], seen: set[str], token: str, synonyms: list[str] | None) -> None:
    if token in seen:
        return
    alternatives = [token]
    for spelling in synonyms or ():
        # Only spellings that are one index token can stand in for the word; a spelling of
        # several words (ct影像) adds nothing the group's other spellings do not cover.
        # (Search mode indexes a dictionary word whole, beside its parts.)
        if _WORD.fullmatch(spelling) and spelling not in STOPWORDS and spelling not in alternatives:
            alternatives.append(spelling)
    seen.update(alternatives)
    groups.append(alternatives)


def character_bigrams(text: str) -> list[str]:
    """The baseline's tokens: overlapping character pairs of CJK runs, whole Latin words."""
    tokens = []
    for run in _WORD.findall(normalize(text)):
        if _has_cjk(run[0]):
            tokens.extend(run[i:i + 2] for i in range(max(1, len(run) - 1)))
        else:
            tokens.append(run)
    return tokens


def highlight_terms(groups: list[list[str]]) -> list[str]:
    """Every spelling a snippet should mark, longest first (so 脑机接口 wins over 脑机); a
    phrase of characters as the text writes it (方荣)."""
    terms = {t.replace(" ", "") if _has_cjk(t) else t for group in groups for t in group if t}
    return sorted(terms, key=len, reverse=True)
