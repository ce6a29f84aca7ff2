"""An empty table (本表无数据 / 本单位无政府性基金…支出) against a non-zero figure the document states elsewhere
for the same funds: the explanation text ('政府性基金预算拨款收入50.00万元') or a row of the 收支总表 /
财政拨款收支总表 ('二、政府性基金预算  50.00').

三公经费 and 机关运行经费 are the text check's (an empty table is 0 there); these are the funds it does not name.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rag.ingest.checks.base import ZERO, Collector, first, numbers, plain, short, tables, wan
from rag.ingest.checks.text import explanation_sentences
from rag.text.numbers import parse_decimal
from rag.types import Document, Table

_NUM = r"\d[\d,]*(?:\.\d+)?"
FUNDS: dict[str, tuple[str, ...]] = {
    "政府性基金": ("政府性基金收入", "政府性基金支出"),
    "国有资本经营": ("国有资本经营",),
}
"""The funds → the keys of their own tables."""
_SAID_RES = {
    fund: re.compile(
        rf"{fund}(?:预算)?(?:财政)?(?:拨款)?(?:收入|支出)?(?:预算)?(?:为|共|安排|合计|是)?(?P<num>{_NUM})万元"
    )
    for fund in FUNDS
}


def _stated(doc: Document, fund: str) -> list[tuple[Decimal, int, str]]:
    """(value, line, where) of each non-zero figure the document gives the fund outside its own tables."""
    found = []
    for sentence in explanation_sentences(doc):
        for match in _SAID_RES[fund].finditer(sentence.text):
            value = parse_decimal(match.group("num"))
            if value:
                no = sentence.line_at(match.start("num"))
                found.append((value, no, f"第三部分第{no}行「{match.group(0)}」"))
    for key in ("收支总表", "财政拨款收支总表"):
        table = first(doc, key)
        for row in table.rows if table else []:
            values = numbers(row, table.unit)
            for i, cell in enumerate(row.cells):
                label = plain(cell)
                at = _amount_after(table, i)
                if label.startswith(fund) and "支出" not in label and values.get(at):
                    found.append((values[at], row.line, f"{short(table)}「{label}」（第{row.line}行）"))
    return found


_ROW_NUMBERS = ("行次", "栏次", "序号")


def _amount_after(table: Table, label_at: int) -> int:
    """The cell holding a label's amount: the next one, past a 行次 column of row numbers (决算 tables)."""
    at = label_at + 1
    while at < len(table.columns) and any(word in table.columns[at] for word in _ROW_NUMBERS):
        at += 1
    return at


def _empty_tables(doc: Document, fund: str) -> list[Table]:
    return [t for key in FUNDS[fund] for t in tables(doc, key) if t.empty]


def check_empty_notes(doc: Document, out: Collector) -> None:
    for fund in FUNDS:
        empty = _empty_tables(doc, fund)
        if not empty:
            continue
        for value, line, where in _stated(doc, fund):
            names = "、".join(short(t) for t in empty)
            out.money(
                "empty_note",
                value,
                ZERO,
                f"{fund}：{names} 为空（本表无数据），但{where} 为 {wan(value)}",
                [line, *(t.line_start for t in empty)],
            )
