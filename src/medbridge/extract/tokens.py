"""Segmentation and the word-frequency dictionary behind the name rules."""

from __future__ import annotations

import importlib.resources
from functools import lru_cache
from typing import NamedTuple

import rjieba


class Token(NamedTuple):
    text: str
    pos: str
    start: int   # in the sentence
    end: int


def tag(sentence: str) -> list[Token]:
    tokens, position = [], 0
    for text, pos in rjieba.tag(sentence):
        if len(text) >= 3 and text[-1] in _TITLE_ENDINGS:
            for piece, piece_pos in _split_glued_title(text, pos):
                tokens.append(Token(piece, piece_pos, position, position + len(piece)))
                position += len(piece)
        else:
            end = position + len(text)
            tokens.append(Token(text, pos, position, end))
            position = end
    return tokens


def _split_glued_title(text: str, pos: str) -> list[tuple[str, str]]:
    """医院院长 is one word to jieba; the name rules need 医院 | 院长."""
    if len(text) >= 3 and text[-1] in _TITLE_ENDINGS:
        from medbridge.extract import lexicon

        for title in _GLUED_TITLES:
            if text.endswith(title) and len(text) > len(title):
                head = text[: -len(title)]
                if any(head.endswith(suffix) for suffix in lexicon.ALL_SUFFIXES):
                    return [(head, "n"), (title, "n")]
    return [(text, pos)]


_GLUED_TITLES = ("院长", "校长", "主任", "书记", "董事长", "总经理", "局长", "所长", "会长", "理事长", "主席")
_TITLE_ENDINGS = {t[-1] for t in _GLUED_TITLES}


@lru_cache(maxsize=1)
def dictionary() -> dict[str, tuple[int, str]]:
    """jieba's dictionary (word → frequency, tag), shipped inside the jieba wheel."""
    words: dict[str, tuple[int, str]] = {}
    with (importlib.resources.files("jieba") / "dict.txt").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3:
                words[parts[0]] = (int(parts[1]), parts[2])
    return words


def frequency(word: str) -> int:
    return dictionary().get(word, (0, ""))[0]
