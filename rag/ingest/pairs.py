"""Narrative and tables published as two files (X_wenjian + X_biao, X_shuoming + X_biao, X_text + X_tables…):
pairing them, checking they belong together, and merging them into one source with each part's line span.

The file-name suffixes that mark a half are data (`PART_SUFFIXES`); halves whose names do not pair are joined
by content when stored (same department, year, kind and scope; one tables-only, one narrative-only: `half_of`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from rag.ingest.parse.meta import DEPT_CELL_RE, YEAR_ONLY_RE, cut_at_label
from rag.types import Line, SourceText

PART_SUFFIXES: dict[str, tuple[str, ...]] = {
    "narrative": ("wenjian", "shuoming", "wenzi", "wenzibufen", "wenben", "text", "narrative", "说明", "文字", "文本"),
    "tables": ("biao", "biaoge", "baobiao", "tables", "table", "表", "表格", "报表"),
}
"""The suffixes (after '_' or '-', any case) that name the narrative and the tables half of one disclosure."""
_ROLES = {suffix.lower(): role for role, suffixes in PART_SUFFIXES.items() for suffix in suffixes}
_PART_RE = re.compile(
    r"^(?P<base>.+?)[_\-](?P<role>" + "|".join(sorted(map(re.escape, _ROLES), key=len, reverse=True)) + r")$",
    re.IGNORECASE,
)
_YEAR_TITLE_RE = re.compile(r"(20\d{2})\s*年度?")
_DEPT_RE = re.compile(r"(?:部\s*门|单位名称|部门名称)\s*[：:]\s*([^\s\t：:]{3,40}?)(?=\s|单\s*位|$)")


def part_of(path: Path) -> tuple[str, str] | None:
    """'x/jiangsu_zhengxie_2019_yusuan_biao.pdf' → ('jiangsu_zhengxie_2019_yusuan', 'tables')."""
    match = _PART_RE.match(Path(path).stem)
    return (match.group("base"), _ROLES[match.group("role").lower()]) if match else None


def partner_on_disk(path: Path) -> Path | None:
    """The other half of a pair, next to this file."""
    part = part_of(path)
    if part is None:
        return None
    base, role = part
    for candidate in sorted(Path(path).parent.glob(f"{glob_escape(base)}[_-]*")):
        if candidate != Path(path) and candidate.is_file() and part_of(candidate) == (base, "tables" if role == "narrative" else "narrative"):
            return candidate
    return None


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def pair_parts(files: list[Path]) -> list[tuple[Path, ...]]:
    """Group X_wenjian + X_biao of one batch (narrative first); every other file stands alone, in order."""
    by_base: dict[tuple[str, str], dict[str, Path]] = {}
    for path in files:
        part = part_of(path)
        if part:
            by_base.setdefault((str(Path(path).parent), part[0]), {})[part[1]] = path
    units: list[tuple[Path, ...]] = []
    done: set[Path] = set()
    for path in files:
        if path in done:
            continue
        part = part_of(path)
        halves = by_base.get((str(Path(path).parent), part[0]), {}) if part else {}
        if len(halves) == 2:
            units.append((halves["narrative"], halves["tables"]))
            done.update(halves.values())
        else:
            units.append((path,))
            done.add(path)
    return units


def merge_sources(narrative: SourceText, tables: SourceText, name: str) -> tuple[SourceText, list[dict]]:
    """One source: the narrative's lines as numbered, a blank line, a marker naming the tables file, then the
    tables file's lines numbered on. Lines keep the page of their own file. Returns the parts' line spans."""
    lines = list(narrative.lines)
    kind = "PDF" if tables.source_kind == "pdf" else "文件"
    lines.append(Line(len(lines) + 1, "", None))
    lines.append(Line(len(lines) + 1, f"===== 附件（原为单独{kind}：{tables.name}）=====", None))
    offset = len(lines)
    lines += [Line(offset + i, line.text, line.page) for i, line in enumerate(tables.lines, start=1)]
    parts = [
        {"name": narrative.name, "path": narrative.path, "sha256": narrative.sha256, "first": 1,
         "last": len(narrative.lines)},
        {"name": tables.name, "path": tables.path, "sha256": tables.sha256, "first": offset + 1,
         "last": offset + len(tables.lines)},
    ]  # fmt: skip
    sha = hashlib.sha256(f"{narrative.sha256}+{tables.sha256}".encode()).hexdigest()
    kinds = {narrative.source_kind, tables.source_kind}
    source = SourceText(path=f"{narrative.path} + {tables.path}", name=name, lines=lines, sha256=sha,
                        encoding="merged", source_kind=kinds.pop() if len(kinds) == 1 else "pdf")  # fmt: skip
    return source, parts


def fold_department(name: str) -> str:
    name = re.sub(r"\s", "", name).replace("中国共产党", "中共").replace("委员会", "委")
    return name.removeprefix("中共")


def parts_disagree(narrative: SourceText, tables: SourceText) -> str:
    """Why two halves do not belong together ('' when they do): the tables name another department, or
    their titles name years and not the narrative's."""
    text = "\n".join(line.text for line in narrative.lines)
    years = Counter(int(y) for y in re.findall(r"(20\d{2})\s*年度?(?:部门|单位)?(?:预算|决算)", text.replace(" ", "")))
    table_years = {int(m) for line in tables.lines if "\t" not in line.text for m in _YEAR_TITLE_RE.findall(line.text)}
    table_years |= {int(m.group(1)) for line in tables.lines  # '（2026年度）' below a title
                    if (m := YEAR_ONLY_RE.match(line.text.split("\t")[0].strip())) and line.text.startswith(("（", "("))}
    if years and table_years and years.most_common(1)[0][0] not in table_years:
        return f"the narrative is for {years.most_common(1)[0][0]}, the tables for {sorted(table_years)}"
    departments = Counter(m for line in tables.lines for m in _DEPT_RE.findall(line.text.replace("\t", " ")))
    departments.update(cut_at_label(m.group(1)) for line in tables.lines if (m := DEPT_CELL_RE.match(line.text)))
    if departments:
        department = departments.most_common(1)[0][0]
        if fold_department(department) not in fold_department(text):
            return f"the tables are for {department}, not named in the narrative"
    return ""


def half_of(tables: list, section_texts: list[str], has_values: bool | None = None) -> str | None:
    """'tables' for a document of tables only, 'narrative' for one of text only, None otherwise."""
    prose = sum(len(text or "") for text in section_texts)
    if has_values is None:
        has_values = any(row.values for table in tables for row in table.rows)
    if tables and has_values and prose < 300:
        return "tables"
    if not has_values and prose >= 300:
        return "narrative"
    return None


def common_name(first: str, second: str) -> str:
    stem_a, stem_b = Path(first).stem, Path(second).stem
    common = ""
    for a, b in zip(stem_a, stem_b, strict=False):
        if a != b:
            break
        common += a
    common = common.rstrip("_- .")
    return common if len(common) >= 4 else f"{stem_a}+{stem_b}"
