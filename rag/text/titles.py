"""Table titles and labels: their printed numbers (表十二, 公开03表, 一、) and the name citations use."""

from __future__ import annotations

import re

from rag.text.numbers import cn_number as _cn_decimal
from rag.text.numbers import normalize_text

_CN_NUMBER = "[一二三四五六七八九十]+"
_TITLE_NUMBER_RE = re.compile(
    rf"^(?:表\s*({_CN_NUMBER}|\d+)|({_CN_NUMBER}|\d{{1,2}})\s*[.．、]|(?:预算|部门|单位)?公开\s*0?(\d+)\s*表|"
    rf"(?:预算|部门|单位)?公开表\s*({_CN_NUMBER}|\d+))\s*[：:]?\s*"
)
LABEL_RE = re.compile(
    rf"^(?:(?:预算|部门|单位)?公开表\s*({_CN_NUMBER}|\d+)|(?:预算|部门|单位)?公开\s*0?(\d+)\s*表|"
    rf"表\s*({_CN_NUMBER}|\d+))\s*$"
)


def cn_number(text: str) -> int | None:
    """'十二' → 12, '3' → 3 (the one Chinese-numeral reader of rag.text.numbers)."""
    value = _cn_decimal(text)
    return int(value) if value is not None else None


def label_number(label: str) -> int | None:
    """'预算公开表10' → 10, '公开03表' → 3, '公开表十一' → 11."""
    match = LABEL_RE.match(normalize_text(label).strip())
    if not match:
        return None
    return cn_number(next(group for group in match.groups() if group))


def title_number(title: str) -> int | None:
    """The number printed in front of a title: '表十二…' → 12, '一、收支预算总表' → 1, '4．2025年…' → 4."""
    match = _TITLE_NUMBER_RE.match(normalize_text(title).strip())
    if not match:
        return None
    return cn_number(next(group for group in match.groups() if group))


def clean_title(title: str) -> str:
    """Drop a leading '表一' / '5．' / '公开01表：' numbering, TOC dots and trailing empty cells."""
    title = re.sub(r"[.…·]{2,}.*$", "", title.strip().strip("\t")).strip()
    return _TITLE_NUMBER_RE.sub("", title).strip()


def display_title(number: int | None, title: str) -> str:
    """'表1 预算收支总表' — the name citations use (a leading year in the title dropped)."""
    name = re.sub(r"^\d{4}\s*年度?", "", clean_title(title))
    return f"表{number} {name}" if number else name
