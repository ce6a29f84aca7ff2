"""The 目录 against the tables: as many tables present as the table of contents lists under the 报表 part.

A TOC entry is a table when it reads like a table title (…预算表, …决算总表, …表（不含上年结转）); the group
heading '五、部门预算表' is not one. Entries are matched with the tables' titles without numbering or year; a
listed title the parser did not take as a table but that stands in the body still counts as present. Only a
different count is reported (wording that drifts between the TOC and the titles is not a missing table); a
narrative without any table (its tables published apart) is not checked.
"""

from __future__ import annotations

import re

from rag.ingest.checks.base import Collector, short
from rag.ingest.parse.meta import PART_RE, squeeze, title_key, toc_span
from rag.text.numbers import normalize_text
from rag.types import Document, Table

_TAIL_RE = re.compile(r"(\.{3,}|…{2,}|·{3,}|-{4,})\s*\d*\s*$|\t\s*\d{1,3}\s*$|\s+\d{1,3}\s*$")
_TABLE_END_RE = re.compile(r"表(?:[（(][^）)]{0,24}[）)])?$")
_TABLE_WORDS = ("预算", "决算", "收支", "支出", "收入", "经费", "采购")
_GROUP_RE = re.compile(r"^(?:本?部门|本?单位)?(?:预算|决算)(?:报)?表$")
_ORDINAL_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}\s*[、.．])"
)


def _entry(text: str) -> str:
    return normalize_text(squeeze(re.sub(r"<[^>]+>", "", _TAIL_RE.sub("", text.rstrip()))))


def toc_tables(doc: Document) -> list[tuple[str, int]]:
    """(title key, line) of each table the 目录 lists."""
    span = toc_span(doc.lines)
    if span is None:
        return []
    lines = doc.lines[span[0] + 1 : span[1]]
    texts = [(_entry(line.text), line.no) for line in lines]
    listed = []
    for i, (text, no) in enumerate(texts):
        if not text:
            continue
        if not _TABLE_END_RE.search(text):
            following = texts[i + 1][0] if i + 1 < len(texts) else ""
            if not (0 < len(following) <= 10 and _TABLE_END_RE.search(following)) or _ORDINAL_RE.match(
                following
            ):
                continue
            text += following
        name = re.sub(r"^20\d{2}年度?", "", _ORDINAL_RE.sub("", text))
        if (
            PART_RE.match(text)
            or _GROUP_RE.match(name)
            or "绩效" in text
            or not any(word in text for word in _TABLE_WORDS)
        ):
            continue
        listed.append((title_key(text), no))
    return listed


def _match(listed: list[tuple[str, int]], present: list[Table]) -> tuple[list[int], list[Table]]:
    """(indexes of the entries without a table, tables without an entry): closest titles first."""
    pairs = []
    for i, (key, _) in enumerate(listed):
        for j, table in enumerate(present):
            other = title_key(table.title)
            if key and other and (key == other or key.endswith(other) or other.endswith(key)):
                pairs.append((abs(len(key) - len(other)), i, j))
    used_entries: set[int] = set()
    used_tables: set[int] = set()
    for _, i, j in sorted(pairs):
        if i not in used_entries and j not in used_tables:
            used_entries.add(i)
            used_tables.add(j)
    return (
        [i for i in range(len(listed)) if i not in used_entries],
        [t for j, t in enumerate(present) if j not in used_tables],
    )


def _in_body(doc: Document, key: str, after: int) -> bool:
    """A listed title printed in the body as a line of its own (a table the parser did not take as one)."""
    return any(
        line.no > after and key and title_key(line.text).endswith(key)
        for line in doc.lines
        if len(line.text) < 90
    )


def check_toc(doc: Document, out: Collector) -> None:
    listed = toc_tables(doc)
    present: list[Table] = []
    for table in doc.tables:
        continued = any(
            title_key(t.title) == title_key(table.title)
            or (table.number is not None and (t.number, t.key) == (table.number, table.key))
            for t in present
        )  # a table split over pages (or sideways) is one table
        if "绩效" not in table.title and not continued:
            present.append(table)
    if len(listed) < 3 or not present:
        return
    unmatched, extra = _match(listed, present)
    toc_end = max(no for _, no in listed)
    absent = [i for i in unmatched if not _in_body(doc, listed[i][0], toc_end)]
    count = len(present) + len(unmatched) - len(absent)
    if len(listed) == count:
        return
    said = []
    if absent:
        said.append(
            "目录列出而正文没有：" + "、".join(f"{listed[i][0]}（第{listed[i][1]}行）" for i in absent)
        )
    if extra:
        said.append("正文有而目录未列：" + "、".join(f"{short(t)}（第{t.line_start}行）" for t in extra))
    out.add(
        "toc_tables",
        "minor",
        f"目录列出{len(listed)}张表，正文有{count}张" + (f"：{'；'.join(said)}" if said else ""),
        [*(listed[i][1] for i in absent), *(t.line_start for t in extra)] or [toc_end],
        [f"{len(listed)}张", f"{count}张"],
    )
