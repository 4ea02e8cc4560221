"""Segmentation and the word-frequency dictionary behind the name rules."""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from functools import lru_cache

import rjieba


@dataclass(frozen=True)
class Token:
    text: str
    pos: str
    start: int   # in the sentence
    end: int


def tag(sentence: str) -> list[Token]:
    tokens, position = [], 0
    for text, pos in rjieba.tag(sentence):
        tokens.append(Token(text, pos, position, position + len(text)))
        position += len(text)
    return tokens


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
