"""Layout knowledge loaded from `layouts.json`: table kinds, header words, row-number and period markers.

The data file says what publishers print (which words name a table kind, a 行次 column, last year's column, a
决算's actual figure); the parsing code holds the mechanisms that use it. Each entry carries an example that
tests/test_layouts.py checks against the functions here.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from rag.text.numbers import normalize_text

_PATH = Path(__file__).with_name("layouts.json")


@lru_cache(maxsize=1)
def layouts() -> dict[str, Any]:
    """The parsed data file."""
    return json.loads(_PATH.read_text(encoding="utf-8"))


def _words(section: str) -> tuple[str, ...]:
    return tuple(layouts()[section]["words"])


TABLE_KEYS: list[tuple[str, tuple[tuple[str, ...], ...], tuple[str, ...]]] = [
    (entry["key"], tuple(tuple(group) for group in entry["any"]), tuple(entry["none"]))
    for entry in layouts()["table_keys"]
]
"""(key, any of these word groups (all words of a group present), none of these words) — first match wins."""
STANDARD_NUMBERS: dict[str, int] = {
    k: v for k, v in layouts()["standard_numbers"].items() if not k.startswith("_")
}
"""Shanxi's 13-table numbering, used when a table's label is not printed."""
GENERIC_HEADER_WORDS = _words("generic_header_words")
"""Header cells that qualify a column (its total, its budget or actual figure) rather than name an item."""
HEADER_WORDS = _words("header_words")
ROW_NUMBER_HEADERS = _words("row_number_headers")
INDEX_ROW_LABELS = _words("index_row_labels")
_PERIODS = layouts()["periods"]
_KINDS = layouts()["figure_kinds"]
_YEAR_RE = re.compile(r"(20\d{2})\s*年")


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", normalize_text(text))


def is_row_number_header(cell: str) -> bool:
    """'行次', '栏 次', '序号': a column of row numbers."""
    return _fold(cell) in ROW_NUMBER_HEADERS


def is_index_label(cell: str) -> bool:
    """'栏次', '**': the label of a column-number row."""
    return _fold(cell) in INDEX_ROW_LABELS


def period_of(texts: list[str] | tuple[str, ...], year: int | None) -> str | None:
    """'current', 'previous' or 'change' when the cells name a period ('2026年预算数' in a 2026 document,
    '上年', '增减变化'); None when they name none (or only a year that is neither)."""
    found: str | None = None
    for text in texts:
        folded = _fold(text)
        if not folded:
            continue
        if any(word in folded for word in _PERIODS["change"]):
            return "change"
        if any(word in folded for word in _PERIODS["previous"]):
            found = "previous"
            continue
        if any(word in folded for word in _PERIODS["current"]):
            found = found or "current"
            continue
        for match in _YEAR_RE.finditer(folded):
            number = int(match.group(1))
            if year and number == year:
                found = found or "current"
            elif year and number == year - 1:
                found = "previous"
    return found


def figure_kind(texts: list[str] | tuple[str, ...]) -> str | None:
    """'ratio' (完成率, 决算数为预算数的%), 'final' (决算数) or 'budget' (预算数, 年初预算, 调整预算) — what the
    cells say a column's (or a row's) figures are; None when they say neither."""
    kind: str | None = None
    for text in texts:
        folded = _fold(text)
        if not folded:
            continue
        if any(word in folded for word in _KINDS["ratio"]):
            return "ratio"
        if any(word in folded for word in _KINDS["final"]):
            kind = "final"
        elif kind is None and any(word in folded for word in _KINDS["budget"]):
            kind = "budget"
    return kind
