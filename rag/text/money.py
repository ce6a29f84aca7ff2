"""The one money formatter: amounts and percentages as answers, findings and the app write them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def fmt_amount(value: Decimal, unit: str = "万元", *, plain: bool = False) -> str:
    """An amount with its unit.

    Answers (default): 6926.05 → '6,926.05万元' (two decimals, half up, for 万元; none for whole 元 or counts).
    Findings (`plain`): '6926.05万元' (two decimals, no separators) and 元 amounts as stored ('31,080,000.00元').
    """
    if plain:
        return f"{value.quantize(CENT)}{unit}" if unit == "万元" else f"{value:,}{unit}"
    if unit == "万元":
        return f"{value.quantize(CENT, ROUND_HALF_UP):,}{unit}"
    if value == value.to_integral_value():
        return f"{int(value):,}{unit}"
    return f"{value.normalize():,}{unit}"


def percent(value: Decimal) -> Decimal:
    """A percentage to two decimals, half up."""
    return value.quantize(CENT, ROUND_HALF_UP)


def fmt_percent(value: Decimal) -> str:
    """12.345 → '12.35%'."""
    return f"{percent(value)}%"


_TO_YUAN = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
MONEY_UNITS = frozenset(_TO_YUAN)


@dataclass(frozen=True)
class Money:
    """An amount of money: normalised to 元, with the unit it was written in and the fact it came from.

    Arithmetic is only defined between Money values (adding a bare number raises TypeError), so figures of a 元
    table and a 万元 table cannot be mixed by accident; results keep the operands' unit when they agree and are
    written in 万元 when they do not.
    """

    yuan: Decimal
    unit: str = "万元"
    fact: int | None = None

    @classmethod
    def of(cls, value: Decimal | int | str, unit: str, fact: int | None = None) -> Money:
        """`value` as written in `unit` (元, 万元, 亿元)."""
        if unit not in _TO_YUAN:
            raise ValueError(f"not a money unit: {unit!r}")
        return cls(Decimal(value) * _TO_YUAN[unit], unit, fact)

    @classmethod
    def from_fact(cls, fact: dict) -> Money | None:
        """A stored fact (value as written, unit) as Money; None for counts, percentages and areas."""
        unit = fact.get("unit") or ""
        return cls.of(fact["value"], unit, fact.get("id")) if unit in _TO_YUAN else None

    def amount(self, unit: str | None = None) -> Decimal:
        """The amount in `unit` (default: the unit it was written in)."""
        return self.yuan / _TO_YUAN[unit or self.unit]

    def text(self, unit: str | None = None) -> str:
        """Formatted in `unit` (default: as written) by the one formatter."""
        return fmt_amount(self.amount(unit), unit or self.unit)

    def _unit_with(self, other: Money) -> str:
        return self.unit if self.unit == other.unit else "万元"

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.yuan + other.yuan, self._unit_with(other))

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.yuan - other.yuan, self._unit_with(other))

    def __abs__(self) -> Money:
        return Money(abs(self.yuan), self.unit, self.fact)

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.yuan < other.yuan

    def share_of(self, whole: Money) -> Decimal:
        """This amount as a percentage of `whole` (two decimals, half up)."""
        if not isinstance(whole, Money):
            raise TypeError("a share is of another Money")
        return percent(self.yuan / whole.yuan * 100)

    def is_zero(self) -> bool:
        return self.yuan == 0


def total(amounts: list[Money]) -> Money:
    """The sum of several amounts (in their common unit, else 万元)."""
    if not amounts:
        raise ValueError("no amounts to add")
    result = amounts[0]
    for amount in amounts[1:]:
        result = result + amount
    return Money(result.yuan, result.unit) if len(amounts) > 1 else result
