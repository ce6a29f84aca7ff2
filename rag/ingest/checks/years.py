"""One budget year throughout: the year of the title (cover) against the years the table titles, the part
headings and the explanation text give this budget ('2025年度部门预算' with a table titled 2024年…, a 第三部分
that opens '2024年度本部门预算收入…').

A year the text compares with or looks back on (比2024年预算减少…, 纳入2018年预算管理的…) is not this budget's year.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rag.ingest.checks.base import Collector, short
from rag.ingest.checks.text import explanation_sentences
from rag.text.numbers import normalize_text
from rag.types import Document, Table

_YEAR_RE = re.compile(r"(20\d\d)\s*年")
_THIS_BUDGET_RE = re.compile(
    r"(?:^|(?<=[，,；;：:)）])|(?<=情况|说明))(20\d\d)年度?(?P<between>[^,，。;；:：()（）]{0,40}?)(?:预算|决算)"
)
"""A year opening a clause (or following the heading the sentence starts with) and naming the budget:
'2025年度本部门预算收入…'; '纳入2018年预算管理的…' and '比2024年预算减少…' look back."""
_LOOKS_BACK = re.compile(r"比|较|与|同比|上年|以前|相比|末|执行|调整|变动")


def _title_line(doc: Document, table: Table) -> int:
    """The line the table's title is printed on (the label may come first)."""
    head = re.sub(r"\s", "", normalize_text(table.title))[:12]
    for no in range(table.line_start, min(table.line_start + 5, table.line_end + 1)):
        if head and head in re.sub(r"\s", "", normalize_text(doc.line_text(no))):
            return no
    return table.line_start


def _cover_line(doc: Document) -> int:
    for line in doc.lines[:40]:
        text = re.sub(r"\s", "", normalize_text(line.text))
        if f"{doc.year}年" in text and re.search(r"预算|决算", text):
            return line.no
    return 0


def _claims(doc: Document) -> list[tuple[int, str, int]]:
    """(year, what, line) for each place that names this budget's year."""
    claims: list[tuple[int, str, int]] = []
    for table in doc.tables:
        years = {int(y) for y in _YEAR_RE.findall(normalize_text(table.title))}
        if years and doc.year not in years:
            claims.append((min(years), f"{short(table)}标题「{table.title}」", _title_line(doc, table)))
    for section in doc.sections:
        years = {int(y) for y in _YEAR_RE.findall(normalize_text(section.heading))}
        if section.level == 0 and years and doc.year not in years:
            claims.append((min(years), f"「{section.heading.strip()}」", section.line_start))
    for sentence in explanation_sentences(doc):
        for match in _THIS_BUDGET_RE.finditer(sentence.text):
            year = int(match.group(1))
            if year != doc.year and not _LOOKS_BACK.search(match.group("between")):
                said = sentence.text[match.start() : match.end()]
                claims.append((year, f"第三部分「{said}」", sentence.line_at(match.start())))
    return claims


def check_years(doc: Document, out: Collector) -> None:
    """One finding per other year the document gives itself, with every place it does."""
    by_year: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for year, what, line in _claims(doc):
        by_year[year].append((what, line))
    cover = _cover_line(doc)
    for year, places in sorted(by_year.items()):
        listed = "；".join(f"{what}（第{line}行）" for what, line in places)
        at = f"（第{cover}行）" if cover else ""
        out.add(
            "year_mismatch",
            "minor",
            f"标题「{doc.title}」{at}为{doc.year}年，但{listed} 写作{year}年",
            [cover, *(line for _, line in places)],
            [f"{doc.year}年", f"{year}年"],
        )
