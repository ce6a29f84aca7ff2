"""Template residue left in a published document: XX / ×× / xxx, 待填写 / 待补充, an empty 【】, a
'（单位名称）' where the name should stand.

Minor where it stands in words; major where it stands for a figure (a table cell among amounts, 'XX万元' or
'××%' in the text): the document does not say the amount at all.
"""

from __future__ import annotations

import re

from rag.ingest.checks.base import Collector, label_index
from rag.text.numbers import normalize_text
from rag.types import Document, Row

_MARK = r"[XxＸｘ×]"
_PLACEHOLDER_RE = re.compile(
    rf"(?<![A-Za-z0-9]){_MARK}{{2,}}(?![A-Za-z])"  # XX, xxx, ××
    r"|待填写|待填报|待填列|待补充|待补全"
    r"|【\s*】"
    r"|[（(]\s*(?:请?填写|此处填写|填列)[^）)]{0,20}[）)]"
    r"|[（(](?:单位|部门|项目|机构|预算单位)名称[）)]"
)
_FIGURE_RE = re.compile(
    rf"(?<![A-Za-z0-9]){_MARK}+(?:\.{_MARK}+)?\s*(?:万元|亿元|元|%|个|名|辆|人|台|套|平方米)"
    r"|(?:待填写|待补充)\s*(?:万元|元|%)"
)
"""A placeholder standing for a figure in the text ('增加XX万元', 'X.XX%'); a lone X only before a unit."""


def _row_cells(doc: Document) -> dict[int, Row]:
    """Line → the table row printed on it."""
    return {row.line: row for table in doc.tables for row in table.rows}


def _fills_amount_cell(row: Row) -> bool:
    """A cell right of the row's label that holds nothing but a placeholder (a label 'XX' is a name, minor)."""
    at = label_index(row)
    return any(
        i > at and _PLACEHOLDER_RE.fullmatch(normalize_text(c).strip()) for i, c in enumerate(row.cells)
    )


def check_placeholders(doc: Document, out: Collector) -> None:
    """One finding per line that carries template residue."""
    rows = _row_cells(doc)
    for line in doc.lines:
        text = normalize_text(line.text)
        found = [m.group(0) for m in _PLACEHOLDER_RE.finditer(text)]
        figures = [m.group(0) for m in _FIGURE_RE.finditer(text)]
        if not found and not figures:
            continue
        row = rows.get(line.no)
        major = bool(figures) or (row is not None and _fills_amount_cell(row))
        shown = list(dict.fromkeys(figures + found))
        where = "表中" if row is not None else "文中"
        what = "应填数字处" if major else "文字中"
        out.add(
            "placeholder",
            "major" if major else "minor",
            f"第{line.no}行{where}留有模板占位符（{what}）：{'、'.join(shown)}——「{line.text.strip()[:60]}」",
            [line.no],
            shown,
        )
