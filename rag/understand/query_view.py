"""A stable, read-only view of an understood question for the composers."""

from __future__ import annotations

import re
from decimal import Decimal

_TARGET_WORDS = re.compile(r"目标|指标|计划|面积|平米|平方米|人数|多少人|多少个|几个|次数|满意|完成率|及时率|合格率|多大")
_TARGET_NOUNS = re.compile(r"(面积|人数|数量|次数|满意|完成率|达标率|及时率|合格率|时效|质量|人次|话务量|话量|套数|个数)")


class QueryView:
    """Wraps rag.understand.question.Query; every composer reads the question through these properties."""

    def __init__(self, query: object, question: str) -> None:
        self.query = query
        self.question = question

    def _get(self, *names: str, default=None):
        for name in names:
            value = getattr(self.query, name, None)
            if value not in (None, "", [], ()):
                return value
        return default

    @property
    def departments(self) -> list[str]:
        found = self._get("departments", default=[])
        return [d if isinstance(d, str) else getattr(d, "department", getattr(d, "name", str(d))) for d in found]

    @property
    def unknown_department(self) -> str | None:
        return self._get("unknown_department")

    @property
    def year(self) -> int | None:
        return self._get("year")

    @property
    def metrics(self) -> list[str]:
        return list(self._get("metrics", default=[]))

    @property
    def metric_words(self) -> list[str]:
        return list(self._get("metric_words", default=[]))

    @property
    def terms(self) -> list[str]:
        return list(self._get("terms", "project_terms", default=[]))

    @property
    def intent(self) -> str:
        return self._get("intent", default="lookup")

    @property
    def change(self) -> bool:
        return bool(self._get("change", default=False))

    @property
    def premise(self) -> tuple[Decimal, str] | None:
        value = self._get("premise")
        if value is None:
            return None
        if isinstance(value, tuple):
            return Decimal(str(value[0])), value[1] or ""
        return Decimal(str(getattr(value, "value", value))), getattr(value, "unit", "") or ""

    @property
    def injection(self) -> bool:
        return bool(self._get("injection", default=False))

    @property
    def has_content(self) -> bool:
        return bool(self.departments or self.metrics or self.terms or self.intent in {"define", "explain"})

    @property
    def personal(self) -> bool:
        scope = self._get("out_of_scope")
        return bool(self._get("personal", default=False)) or scope == "personal"

    @property
    def out_of_scope(self) -> str | None:
        scope = self._get("out_of_scope")
        return None if scope == "personal" else scope

    @property
    def top_n(self) -> int | None:
        return self._get("top_n")

    @property
    def threshold(self) -> tuple[str, Decimal, str] | None:
        value = self._get("threshold")
        if value is None:
            return None
        if isinstance(value, tuple):
            comparator, amount, unit = ((*value, "万元"))[:3] if len(value) == 2 else value
            return comparator, Decimal(str(amount)), unit
        return (getattr(value, "comparator", ">"), Decimal(str(getattr(value, "value", 0))),
                getattr(value, "unit", "万元"))  # fmt: skip

    @property
    def prefix(self) -> str | None:
        return self._get("prefix", "name_prefix")

    @property
    def aggregate(self) -> str:
        """'max', 'min', 'diff', 'sum', 'share', 'rank' or ''."""
        return self._get("aggregate", "compare_op", default="") or ""

    @property
    def define_term(self) -> str:
        return self._get("define_term", "term", default="") or ""

    @property
    def wants_target(self) -> bool:
        return bool(_TARGET_WORDS.search(self.question)) and bool(self.terms)

    @property
    def target_words(self) -> list[str]:
        return _TARGET_NOUNS.findall(self.question)
