"""Derived figures with their derivation: the operation, the operand facts and the result, recomputable.

A composer that computes a figure (a sum, a difference, a share, a count, last year's figure from this year's
stated change, a 元 amount restated in 万元) builds it here, from store facts, as a `Derivation`; the result is
computed once, on `Money` for amounts. The verifier (`recompute`) re-reads every operand from the store by its
fact id (or, for a number the text states, from the stored line) and recomputes the result, independently of the
composer; a derivation that does not recompute is not evidence. `Derivation.to_json()` is
`numbers[].derivation` in `ask --json`: `{op, value, unit, operands: [{fact, doc, line, value, unit}]}`.

Operations: `sum` (a + b + …), `difference` (a − b), `gap` (|a − b|), `share` (a ÷ b × 100, in %), `count`
(how many operands), `convert` (the same amount in another unit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from rag.text.money import MONEY_UNITS, Money, fmt_amount, fmt_percent, percent
from rag.text.numbers import find_numbers, to_wan
from rag.tolerances import SAME_AMOUNT, SAME_PERCENT

OPS = ("sum", "difference", "gap", "share", "count", "convert")


@dataclass(frozen=True)
class Operand:
    """One input of a derivation: a stored fact (by id), or a number a stored line states (fact None)."""

    fact: int | None
    doc: str
    line: int
    value: Decimal
    unit: str

    @classmethod
    def of_fact(cls, fact: dict) -> Operand:
        """A fact row of the store (id, doc, line, value, unit)."""
        return cls(fact.get("id"), fact["doc"], int(fact["line"] or 0), Decimal(fact["value"]), fact["unit"] or "")

    def money(self) -> Money | None:
        return Money.of(self.value, self.unit, self.fact) if self.unit in MONEY_UNITS else None

    def to_json(self) -> dict:
        return {"fact": self.fact, "doc": self.doc, "line": self.line, "value": float(self.value), "unit": self.unit}


@dataclass(frozen=True)
class Derivation:
    """A computed figure: `op` over `operands` gives `value` in `unit`."""

    op: str
    operands: tuple[Operand, ...]
    value: Decimal
    unit: str

    @property
    def doc(self) -> str:
        return self.operands[0].doc if self.operands else ""

    @property
    def line(self) -> int:
        return self.operands[0].line if self.operands else 0

    def text(self) -> str:
        """The result as the answer writes it."""
        return fmt_percent(self.value) if self.unit == "%" else fmt_amount(self.value, self.unit)

    def to_json(self) -> dict:
        return {"op": self.op, "value": float(self.value), "unit": self.unit,
                "operands": [o.to_json() for o in self.operands]}  # fmt: skip


def _apply(op: str, operands: Sequence[Operand], unit: str | None) -> tuple[Decimal, str]:
    """The result of `op` over the operands, and its unit (amounts on Money; counts on bare values)."""
    if op == "count":
        return Decimal(len(operands)), unit or "个"
    amounts = [o.money() for o in operands]
    if any(a is None for a in amounts):
        if len({o.unit for o in operands}) != 1 or op in {"share", "convert"}:
            raise ValueError(f"{op} over operands of different kinds: {[o.unit for o in operands]}")
        values = [o.value for o in operands]
        result = {"sum": lambda: sum(values, Decimal(0)), "difference": lambda: values[0] - values[1],
                  "gap": lambda: abs(values[0] - values[1])}[op]()  # fmt: skip
        return result, operands[0].unit
    money = [a for a in amounts if a is not None]
    if op == "share":
        if money[1].is_zero():
            raise ValueError("a share of zero")
        return money[0].share_of(money[1]), "%"
    if op == "convert":
        return money[0].amount(unit), unit or money[0].unit
    result = money[0]
    if op == "sum":
        for amount in money[1:]:
            result = result + amount
    elif op in {"difference", "gap"}:
        result = money[0] - money[1]
        result = abs(result) if op == "gap" else result
    else:
        raise ValueError(f"unknown operation {op!r}")
    return result.amount(unit), unit or result.unit


def derive(op: str, operands: Sequence[Operand | dict], unit: str | None = None) -> Derivation:
    """Compute `op` over facts (store rows) or operands; `unit` forces the result's unit (e.g. 万元)."""
    if op not in OPS:
        raise ValueError(f"unknown operation {op!r}")
    ops = tuple(o if isinstance(o, Operand) else Operand.of_fact(o) for o in operands)
    value, result_unit = _apply(op, ops, unit)
    return Derivation(op, ops, value, result_unit)


def stated(doc: str, line: int, value: Decimal, unit: str) -> Operand:
    """A number a line of the document states (a change the 说明 gives), checked against that line's text."""
    return Operand(None, doc, line, value, unit)


def _same(a: Decimal, unit_a: str, b: Decimal, unit_b: str) -> bool:
    if unit_a in MONEY_UNITS and unit_b in MONEY_UNITS:
        wan_a, wan_b = to_wan(a, unit_a), to_wan(b, unit_b)
        return wan_a is not None and wan_b is not None and abs(wan_a - wan_b) < SAME_AMOUNT
    if unit_a == unit_b == "%":
        return abs(a - b) < SAME_PERCENT
    return unit_a == unit_b and a == b


def _operand_holds(operand: Operand, fact_of: Callable[[int], dict | None],
                   line_of: Callable[[str, int], str]) -> bool:  # fmt: skip
    """The operand is what the store holds: its fact's value and unit, or a number its line states."""
    if operand.fact is not None:
        fact = fact_of(operand.fact)
        return bool(fact) and fact["doc"] == operand.doc and _same(
            Decimal(fact["value"]), fact["unit"] or "", operand.value, operand.unit)
    text = "".join(line_of(operand.doc, operand.line + k) for k in range(_STATED_LINES)).replace(" ", "")
    return any(m.value == operand.value for m in find_numbers(text))


_STATED_LINES = 3
"""A stated number may wrap: it is looked for on its line and the two after it."""


def recompute(derivation: Derivation, fact_of: Callable[[int], dict | None],
              line_of: Callable[[str, int], str]) -> str:  # fmt: skip
    """'' when every operand is what the store holds and the operation gives the stated value; else why not."""
    for operand in derivation.operands:
        if not _operand_holds(operand, fact_of, line_of):
            return f"operand {operand.value}{operand.unit} (doc {operand.doc}, line {operand.line}) is not in the store"
    try:
        value, unit = _apply(derivation.op, derivation.operands, derivation.unit)
    except (ValueError, ZeroDivisionError, IndexError, KeyError) as error:
        return f"does not recompute: {error}"
    if derivation.unit == "%":
        value = percent(value)
    if not _same(value, unit, derivation.value, derivation.unit):
        return f"recomputes to {value}{unit}, not {derivation.value}{derivation.unit}"
    return ""
