"""The key figures checks compare: the 合计 rows of the spending tables and of 表6, and the tables' key facts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rag.ingest.checks.base import column_index, first, total_row, value_at
from rag.types import Document, Fact, Row, Table


@dataclass
class Spend:
    """The 合计 row of a 科目编码 spending table (表3 含上年结转, 表5 本年)."""

    table: Table
    line: int
    total: Decimal
    basic: Decimal
    project: Decimal


@dataclass
class Econ:
    """The 合计 row of 表6 (基本支出分经济科目)."""

    table: Table
    line: int
    total: Decimal
    staff: Decimal
    office: Decimal


def _total_figures(
    table: Table | None, words: tuple[str, str, str]
) -> tuple[Row | None, list[Decimal]] | None:
    """The 合计 row's figures under three columns; None when the table lacks one (not the Shanxi layout)."""
    row = total_row(table) if table else None
    columns = [column_index(table, word) for word in words] if table else []
    if table is None or (row is None and not table.empty) or None in columns:
        return None
    return row, [value_at(row, at, table.unit) for at in columns]


def spending(doc: Document, key: str) -> Spend | None:
    table = first(doc, key)
    found = _total_figures(table, ("合计", "基本支出", "项目支出"))
    if table is None or found is None:
        return None
    row, figures = found
    return Spend(table, row.line if row else table.line_start, *figures)


def economic(doc: Document) -> Econ | None:
    table = first(doc, "基本支出经济分类")
    found = _total_figures(table, ("合计", "人员经费", "公用经费"))
    if table is None or found is None:
        return None
    row, figures = found
    return Econ(table, row.line if row else table.line_start, *figures)


@dataclass
class Figure:
    """A key figure of the tables (收入总计, 上年结转 …) in 万元."""

    value: Decimal
    line: int
    row: str


def key_fact(facts: list[Fact], name: str) -> Figure | None:
    fact = next((f for f in facts if f.name == name and f.origin == "table"), None)
    if fact is None:
        return None
    value = fact.value_wan if fact.value_wan is not None else fact.value
    return Figure(value, fact.line, fact.row)
