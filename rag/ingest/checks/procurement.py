"""政府采购: the total against 货物 + 工程 + 服务 where the document states the parts — in the text ('政府采购预算
总额X万元。其中：货物A万元、工程B万元、服务C万元'), in the 政府采购 table (合计 against its 一、货物 / 二、工程 /
三、服务 rows), and the text's total against the table's.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rag.ingest.checks.base import (
    ZERO,
    Collector,
    column_index,
    is_total_label,
    numbers,
    plain,
    short,
    tables,
    wan,
)
from rag.ingest.checks.text import Sentence, sentences
from rag.text.numbers import parse_decimal
from rag.types import Document, Row, Table

_NUM = r"\d[\d,]*(?:\.\d+)?"
PARTS = ("货物", "工程", "服务")
_TOTAL_RE = re.compile(
    rf"政府采购(?:支出)?(?:预算)?(?:总额|总金额|金额|合计|总计)?(?:\(以合同签订为准\))?(?:为|是|共计?)?"
    rf"(?P<num>{_NUM})万元"
)
_PART_RES = {
    part: re.compile(
        rf"(?:采购|购买|拟采购|拟购买)?{part}(?:类)?(?:采购)?(?:预算|支出|金额)?(?:为|是)?(?P<num>{_NUM})万元"
    )
    for part in PARTS
}
_CATEGORY_RE = re.compile(r"^(货物|工程|服务)[A-C]?(?:类)?$")


def check_procurement(doc: Document, out: Collector) -> None:
    stated = _text_total(doc, out)
    for table in tables(doc, "政府采购"):
        total = _table_sum(table, out)
        if stated and total:
            (text_total, text_line), (table_total, table_line) = stated, total
            out.money(
                "procurement_sum",
                text_total,
                table_total,
                f"政府采购：文中第{text_line}行总额 {wan(text_total)}，{short(table)} 合计 {wan(table_total)}",
                [text_line, table_line],
            )


def _windows(doc: Document) -> list[tuple[Sentence, Sentence | None]]:
    """Each sentence of the document's prose, with the sentence after it when that one lists the parts (其中…)."""
    found = []
    for section in doc.sections:
        if "政府采购" not in section.text:
            continue
        said = sentences(doc, section.line_start, section.line_end)
        for i, sentence in enumerate(said):
            following = said[i + 1] if i + 1 < len(said) and said[i + 1].text.startswith("其中") else None
            found.append((sentence, following))
    return found


def _parts(
    sentence: Sentence, after: int, following: Sentence | None
) -> dict[str, tuple[Decimal | None, int]]:
    """{part: (amount, line)} stated after the total, in its sentence or the 其中 sentence after it."""
    parts = {}
    for part, pattern in _PART_RES.items():
        for said, start in ((sentence, after), (following, 0)):
            if said is not None and (found := pattern.search(said.text, start)):
                parts[part] = (parse_decimal(found.group("num")), said.line_at(found.start("num")))
                break
    return parts


def _text_total(doc: Document, out: Collector) -> tuple[Decimal, int] | None:
    """Each total the text states with its parts, checked; the first (total, line) for the table comparison."""
    first = None
    for sentence, following in _windows(doc):
        match = _TOTAL_RE.search(sentence.text)
        if match is None:
            continue
        total, no = parse_decimal(match.group("num")), sentence.line_at(match.start("num"))
        parts = _parts(sentence, match.end(), following)
        if total is None or any(value is None for value, _ in parts.values()):
            continue
        first = first or (total, no)
        if len(parts) < 2:
            continue
        summed = sum((value for value, _ in parts.values()), ZERO)
        listed = " + ".join(f"{part} {wan(value)}" for part, (value, _) in parts.items())
        out.money(
            "procurement_sum",
            summed,
            total,
            f"政府采购：第{no}行 {listed} = {wan(summed)}，但总额写 {wan(total)}",
            [no, *(line for _, line in parts.values())],
        )
    return first


def _amount(row: Row, table: Table) -> Decimal | None:
    """The row's 总计 (the column so named, else its last amount: the total stands right of the sources)."""
    values = numbers(row, table.unit)
    at = column_index(table, "总计", "合计", "金额")
    if at is not None and at in values:
        return values[at]
    return values[max(values)] if values else None


def _category(row: Row) -> str | None:
    """'一、货物A' → 货物; a code column first ('A', '货物') too."""
    for cell in row.cells[:3]:
        if match := _CATEGORY_RE.match(plain(cell)):
            return match.group(1)
    return None


def _table_sum(table: Table, out: Collector) -> tuple[Decimal, int] | None:
    """合计 against the 货物 / 工程 / 服务 category rows; (合计, line)."""
    total_row = next((r for r in table.rows if is_total_label(r.label)), None)
    total = _amount(total_row, table) if total_row else None
    if total_row is None or total is None:
        return None
    amounts: list[tuple[Row, Decimal]] = []
    for row in table.rows:
        if _category(row) is None:
            continue
        amount = _amount(row, table)
        if amount is None:
            return total, total_row.line  # a category's amount slipped onto another row (PDF text): no sum
        amounts.append((row, amount))
    if len(amounts) >= 2:
        summed = sum((a for _, a in amounts), ZERO)
        listed = " + ".join(f"{_category(r)} {wan(a)}" for r, a in amounts)
        out.money(
            "procurement_sum",
            summed,
            total,
            f"政府采购：{short(table)} {listed} = {wan(summed)}，但合计为 {wan(total)}",
            [total_row.line, *(r.line for r, _ in amounts)],
        )
    return total, total_row.line
