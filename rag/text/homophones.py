"""Typed-by-sound typos: characters that an input method confuses (招代费 → 招待费, 平审 → 评审, 中兴 → 中心).

Two characters sound alike when their toneless pinyin is equal after the usual fuzzy-sound rules
(zh/z, ch/c, sh/s, n/l, ing/in, eng/en, ang/an).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_FUZZY_RULES = [(re.compile(r"^([zcs])h"), r"\1"), (re.compile(r"^n"), "l"), (re.compile(r"(i|e|a)ng$"), r"\1n")]


@lru_cache(maxsize=20000)
def sound(char: str) -> str:
    """The fuzzy toneless pinyin of one character (the character itself when it is not a Han character)."""
    if not "\u4e00" <= char <= "\u9fff":
        return char
    key = lazy_pinyin(char, style=Style.NORMAL)[0]
    for pattern, repl in _FUZZY_RULES:
        key = pattern.sub(repl, key)
    return key


def same_char(a: str, b: str) -> bool:
    """Equal, or Han characters that sound alike."""
    return a == b or sound(a) == sound(b)


def sounds_like(typed: str, word: str, max_changes: int = 1) -> bool:
    """`typed` is `word` (of 3 or more characters) with at most `max_changes` characters replaced by ones that
    sound alike."""
    if len(typed) != len(word) or typed == word or len(word) < 3:
        return False
    changes = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    return len(changes) <= max_changes and all(same_char(typed[i], word[i]) for i in changes)
