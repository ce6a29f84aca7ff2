"""Document + Facts → contradictions: rows that do not add up, broken identities, text vs tables, counts.

Every check reports through one `Collector`, which classifies money differences (≤ 0.02万元 is rounding),
and keeps one finding per contradiction: the same pair of figures met again in another table (表3 and 表5
repeat each other) adds its lines to the first finding instead of a second one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from rag.text.money import fmt_amount
from rag.text.numbers import normalize_text, parse_decimal
from rag.text.titles import display_title
from rag.tolerances import ROUNDING_AMOUNT, SAME_AMOUNT
from rag.types import Document, Finding, Row, Table

ZERO = Decimal(0)
CENT = Decimal("0.01")
MoneyPair = frozenset[Decimal]
TO_WAN = {"元": Decimal("0.0001"), "亿元": Decimal(10000)}
"""Tables in 元 (Shanghai) or 亿元 are compared in 万元 like the text."""


def wan(value: Decimal) -> str:
    """'3058.08万元' (always 2 decimals, as findings write them)."""
    return fmt_amount(value, "万元", plain=True)


def yuan(value: Decimal) -> str:
    """'31,080,000.00元' (as stored)."""
    return fmt_amount(value, "元", plain=True)


def money_severity(a: Decimal, b: Decimal) -> str | None:
    """None when equal at the tables' precision, else 'rounding' or 'major'."""
    diff = abs(a - b)
    if diff < SAME_AMOUNT:
        return None
    return "rounding" if diff <= ROUNDING_AMOUNT else "major"


def worst(severities: Iterable[str]) -> str:
    order = {"major": 2, "rounding": 1, "minor": 0}
    return max(severities, key=lambda s: order[s])


def pair(a: Decimal, b: Decimal) -> MoneyPair:
    return frozenset({a.quantize(CENT), b.quantize(CENT)})


@dataclass
class Collector:
    """The findings of one document, deduplicated by the pair of figures they oppose."""

    doc: Document
    findings: list[Finding] = field(default_factory=list)
    _by_pair: dict[MoneyPair, Finding] = field(default_factory=dict)

    def known(self, a: Decimal, b: Decimal) -> Finding | None:
        """The finding that already opposes these two figures, if any."""
        return self._by_pair.get(pair(a, b))

    def attach(self, finding: Finding, lines: Iterable[int]) -> None:
        """The same contradiction seen again elsewhere: add where."""
        finding.lines = sorted(set(finding.lines) | {n for n in lines if n})

    def add(
        self,
        kind: str,
        severity: str,
        message: str,
        lines: Iterable[int],
        values: list[str],
        pairs: Iterable[tuple[Decimal, Decimal]] = (),
    ) -> Finding:
        finding = Finding(self.doc.doc, severity, kind, message, sorted({n for n in lines if n}), values)
        self.findings.append(finding)
        for a, b in pairs:
            self._by_pair.setdefault(pair(a, b), finding)
        return finding

    def money(self, kind: str, a: Decimal, b: Decimal, message: str, lines: Iterable[int]) -> Finding | None:
        """One money contradiction a ≠ b (a stated or summed first); None when equal or already reported."""
        severity = money_severity(a, b)
        if severity is None:
            return None
        lines = list(lines)
        if earlier := self.known(a, b):
            self.attach(earlier, lines)
            return None
        return self.add(kind, severity, message, lines, [wan(a), wan(b)], [(a, b)])


# --- shared table helpers --------------------------------------------------------------------------------


def is_standard(table: Table) -> bool:
    """A budget table of the standard set (not a performance sheet that happens to say 支出)."""
    return table.key != "other" and "绩效" not in table.title


def tables(doc: Document, key: str) -> list[Table]:
    return [t for t in doc.tables if t.key == key and is_standard(t)]


def first(doc: Document, key: str) -> Table | None:
    found = tables(doc, key)
    return found[0] if found else None


def where(table: Table) -> str:
    """'表3 预算支出总表' for messages."""
    return display_title(table.number, table.title)


def short(table: Table) -> str:
    """'表3' (or the title when unnumbered)."""
    return f"表{table.number}" if table.number else where(table)


def numbers(row: Row, unit: str = "万元") -> dict[int, Decimal]:
    """Cell index → value in 万元 of every amount right of the row's label; `unit` is the table's.

    Numeric cells left of the label are 科目编码 and its 类/款/项 parts, not amounts.
    """
    factor = TO_WAN.get(unit, Decimal(1))
    label_at = label_index(row)
    out = {}
    for i, cell in enumerate(row.cells):
        if i < label_at or (row.code is not None and cell == row.code):
            continue
        value = parse_decimal(cell)
        if value is not None:
            out[i] = value * factor if factor != 1 else value
    return out


def label_index(row: Row) -> int:
    """Index of the row's first text cell (its label); -1 for a row of numbers only."""
    return next((i for i, c in enumerate(row.cells) if c and parse_decimal(c) is None), -1)


def plain(label: str) -> str:
    """A row label without ordinals, markers, spaces and full-width forms: '①公务用车购置费' → '公务用车购置费'."""
    text = normalize_text(label)
    text = re.sub(
        r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]|^[①②③④⑤⑥⑦⑧⑨]|^其中[:：]", "", text
    )
    return re.sub(r"\s", "", text)


def is_total_label(label: str) -> bool:
    return plain(label) in {"合计", "总计", "部门合计", "小计"}


def total_row(table: Table) -> Row | None:
    return next((r for r in table.rows if is_total_label(r.label)), None)


def column_index(table: Table, *words: str) -> int | None:
    """Index of the first column whose name contains one of `words`."""
    for i, name in enumerate(table.columns):
        if any(word in name.replace(" ", "") for word in words):
            return i
    return None


def labelled_value(table: Table, label: str) -> tuple[Decimal, int] | None:
    """(value in 万元, line) of the first amount right of a cell reading `label` (two-sided tables)."""
    for row in table.rows:
        values = numbers(row, table.unit)
        for i, cell in enumerate(row.cells):
            if plain(cell) == label:
                after = [values[j] for j in sorted(values) if j > i]
                if after:
                    return after[0], row.line
    return None


def value_at(row: Row | None, index: int | None, unit: str = "万元") -> Decimal:
    """A cell's value in 万元; an empty cell (or an empty table's missing row) is 0."""
    if row is None or index is None:
        return ZERO
    return numbers(row, unit).get(index, ZERO)
