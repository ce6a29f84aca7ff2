"""Read-side access to the index for answering: documents, key figures, rows, sections, glossary, targets."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cached_property

from rag.store.facts import FactStore
from rag.text.similar import similarity
from rag.tolerances import ROW_SUM_SLACK
from rag.types import Citation


class IndexView:
    """Cached, read-only views of the fact store for the answer stage."""

    def __init__(self, store: FactStore) -> None:
        self.store = store
        self._doc_lines: dict[str, list[dict]] = {}

    @cached_property
    def documents(self) -> list[dict]:
        return self.store.documents()

    def doc_lines(self, doc: str) -> list[dict]:
        """Every line of a document (no, page, text), read once per view."""
        if doc not in self._doc_lines:
            self._doc_lines[doc] = self.store.lines(doc, 1, 10**6)
        return self._doc_lines[doc]

    def doc_info(self, doc: str) -> dict:
        return next(d for d in self.documents if d["doc"] == doc)

    def docs_of(self, department: str) -> list[dict]:
        """Documents of a department, newest first."""
        return sorted((d for d in self.documents if d["department"] == department), key=lambda d: -d["year"])

    @cached_property
    def _facts_by_doc(self) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = {}
        for fact in self.store.facts():
            grouped.setdefault(fact["doc"], []).append(fact)
        return grouped

    def facts(self, doc: str) -> list[dict]:
        return self._facts_by_doc.get(doc, [])

    def named(self, doc: str, name: str) -> list[dict]:
        """Key-figure facts of one name: table facts first, in document order."""
        found = [f for f in self.facts(doc) if f["name"] == name]
        return sorted(found, key=lambda f: (f["origin"] != "table", f["id"]))

    @cached_property
    def _tables(self) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = {}
        for row in self.store.rows("tables_"):
            row["columns"] = json.loads(row["columns"])
            grouped.setdefault(row["doc"], []).append(row)
        return grouped

    def tables(self, doc: str) -> list[dict]:
        return self._tables.get(doc, [])

    def table_by_display(self, doc: str, display: str) -> dict | None:
        return next((t for t in self.tables(doc) if t["display"] == display), None)

    def table_of_key(self, doc: str, key: str) -> dict | None:
        return next((t for t in self.tables(doc) if t["key"] == key), None)

    def sections(self, doc: str) -> list[dict]:
        return self.store.rows("sections", doc)

    def glossary(self, doc: str | None = None) -> list[dict]:
        return self.store.rows("glossary", doc)

    def targets(self, doc: str) -> list[dict]:
        return self.store.rows("targets", doc)

    def indicators(self, doc: str) -> list[dict]:
        return self.store.rows("indicators", doc)

    def findings(self, doc: str) -> list[dict]:
        return self.store.findings(doc)

    def line(self, doc: str, no: int) -> str:
        rows = self.store.lines(doc, no, no)
        return rows[0]["text"] if rows else ""

    def page(self, doc: str, no: int) -> int | None:
        rows = self.store.lines(doc, no, no)
        return rows[0]["page"] if rows else None

    def sub_rows(self, doc: str, parent: dict) -> list[dict]:
        """The rows a table row is the total of: by 科目编码 (201 → 20103 …), else the rows right after it whose
        amounts add up to it (对个人和家庭的补助 → 离休费, 退休费 …)."""
        same = [
            f
            for f in self.facts(doc)
            if f["tbl"] == parent["tbl"] and f["col"] == parent["col"] and not f["name"]
        ]
        code = parent["code"] or ""
        if code:
            children = [
                f
                for f in same
                if (f["code"] or "").startswith(code) and len(f["code"] or "") == len(code) + 2
            ]
            children = list({f["line"]: f for f in children}.values())
            return self.sub_rows(doc, children[0]) or children if len(children) == 1 else children
        children: list[dict] = []
        found: list[dict] = []
        total, slack = Decimal(0), ROW_SUM_SLACK
        for fact in sorted((f for f in same if f["line"] > parent["line"]), key=lambda f: f["line"]):
            if any(c["line"] == fact["line"] for c in children):
                continue
            if total + fact["value"] > parent["value"] + slack:
                break
            children.append(fact)
            total += fact["value"]
            if abs(total - parent["value"]) <= slack:
                found = list(children)
        return found if len(found) >= 2 else []

    def function_classes(self, doc: str) -> list[dict]:
        """表3 (预算支出总表) rows of a 3-digit 科目编码 (功能分类 类), column 合计, largest first."""
        table = self.table_of_key(doc, "支出总表")
        rows: dict[str, dict] = {}
        for fact in self.facts(doc) if table else []:
            code = fact["code"] or ""
            if (
                fact["tbl"] == table["display"]
                and len(code) == 3
                and fact["col"] == "合计"
                and code not in rows
            ):
                rows[code] = fact
        if not rows:  # layouts whose 支出总表 has no 科目编码 rows: the 类 lines of 收支总表 (四、公共安全支出 16,593.12)
            overview = self.table_of_key(doc, "收支总表")
            for fact in self.facts(doc) if overview else []:
                label = fact["row"] or ""
                match = _CLASS_ROW.match(label)
                if (fact["tbl"] == overview["display"] and match and match.group(1) not in _NOT_CLASSES
                        and fact["value"] > 0 and label not in rows):  # fmt: skip
                    rows[label] = {**fact, "row": _CLASS_ROW.match(label).group(1)}
        return sorted(rows.values(), key=lambda f: f["value"], reverse=True)

    def project_rows(self, doc: str, carried: bool = False) -> list[dict]:
        """表12 (or 表13 when `carried`) project rows: one fact per project (its first amount), aggregates dropped."""
        key = "项目支出结转" if carried else "项目支出本年"
        table = self.table_of_key(doc, key)
        if table is None:
            return []
        department = self.doc_info(doc)["department"]
        rows: dict[int, dict] = {}
        for fact in self.facts(doc):
            if fact["tbl"] != table["display"] or fact["name"] or fact["line"] in rows:
                continue
            rows[fact["line"]] = fact
        projects = [f for f in rows.values() if not _is_aggregate_row(f["row"], department)]
        return projects

    @cached_property
    def project_names(self) -> tuple[str, ...]:
        """Every project name of the loaded documents (表12/表13 rows and performance sheets), longest first: the
        index's own words, which a question's words are read against before they are taken for a department."""
        names = {f["row"] for d in self.documents for f in self.project_rows(d["doc"]) + self.project_rows(d["doc"], True)}
        names |= {t["project"] for d in self.documents for t in self.targets(d["doc"])}
        return tuple(sorted((n for n in names if n and len(n) >= 4), key=len, reverse=True))

    def cite_fact(self, fact: dict) -> Citation:
        info = self.doc_info(fact["doc"])
        quote = fact.get("quote") or self.line(fact["doc"], fact["line"])
        return Citation(fact["doc"], info["department"], info["year"], fact["tbl"], fact["line"], fact["line"],
                        quote.strip(), fact.get("page"))  # fmt: skip

    def cite_lines(self, doc: str, part: str, start: int, end: int, quote: str | None = None) -> Citation:
        info = self.doc_info(doc)
        if quote is None:
            quote = "\n".join(
                r["text"].strip() for r in self.store.lines(doc, start, end) if r["text"].strip()
            )
        return Citation(doc, info["department"], info["year"], part, start, end, quote, self.page(doc, start))


_CLASS_ROW = re.compile(r"^[一二三四五六七八九十]+、\s*(\S+支出)$")
_NOT_CLASSES = {"基本支出", "项目支出", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出", "本年支出"}


def _is_aggregate_row(label: str, department: str) -> bool:
    """表12's department / unit subtotal rows and 合计 are not projects."""
    if label in {"合计", "总计", "小计", "部门合计"}:
        return True
    core = re.sub(r"（.*?）|\(.*?\)", "", department)
    bare = re.sub(r"（.*?）|\(.*?\)", "", label)
    if bare in core or department.startswith(bare):
        return True
    if _PROJECT_WORDS.search(bare.replace(core, "")):
        return False  # 山西省政务服务中心食堂运行经费 is a project of that unit, not its subtotal
    return similarity(re.sub(r"（.*?）|\(.*?\)", "", label), core) > 0.8 or label.endswith(
        ("中心", "局", "部", "委员会")
    )


_PROJECT_WORDS = re.compile(
    r"费|经费|项目|资金|建设|补助|补贴|运行|运维|服务(?!中心)|采购|购置|维修|改造|保障|工程"
)
