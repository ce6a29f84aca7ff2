"""A department at a glance: key figures, chart frames, findings; the documents list; comparisons."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from rag.store.view import IndexView
from rag.text.money import fmt_amount
from rag.view.escape import chart_label, make_frame, md_escape, short_department

if TYPE_CHECKING:  # pandas loads on first use: the chat page opens without it
    import pandas as pd

KEY_FIGURES: list[tuple[str, str]] = [
    ("收入总计", "收入总计（总预算）"),
    ("本年收入合计", "本年收入（不含上年结转）"),
    ("基本支出", "基本支出（保运转）"),
    ("项目支出", "项目支出（办事业）"),
    ("三公经费", "“三公”经费合计"),
    ("因公出国（境）费", "因公出国（境）费"),
    ("公务接待费", "公务接待费（招待费）"),
    ("公务用车购置及运行费", "公务用车购置及运行费"),
    ("机关运行经费", "机关运行经费（日常办公）"),
    ("政府采购", "政府采购预算"),
    ("编制", "编制人数"),
    ("公务用车", "公务用车数量"),
]
SANGONG_ITEMS = ("因公出国（境）费", "公务接待费", "公务用车购置费", "公务用车运行维护费")
SEVERITY = {"major": "明显矛盾", "rounding": "尾数差异", "minor": "轻微差异"}


@dataclass
class KeyFigure:
    name: str
    label: str
    text: str
    """Formatted value ('6,926.05万元', '32名')."""
    value_wan: float | None
    source: str
    """Where it stands: part and line."""
    line: int
    other: str = ""
    """A different value the same document states elsewhere (text vs table), if any."""


@dataclass
class FindingView:
    severity: str
    kind: str
    message: str
    lines: list[int]
    values: list[str]
    quotes: pd.DataFrame


@dataclass
class Overview:
    doc: dict
    figures: list[KeyFigure]
    missing: list[str]
    by_function: pd.DataFrame
    basic_vs_project: pd.DataFrame
    top_projects: pd.DataFrame
    sangong: pd.DataFrame
    findings: list[FindingView]


def format_fact(fact: dict) -> str:
    unit = fact["unit"] or ""
    return fmt_amount(fact["value"], unit) if unit == "万元" else fmt_amount(Decimal(fact["value"]), unit)


def wan_text(value: float) -> str:
    """A chart frame's 万元 figure as the answers write it ('6,926.05万元')."""
    return fmt_amount(Decimal(str(value)))


def key_figure(view: IndexView, doc: str, name: str, label: str) -> KeyFigure | None:
    facts = view.named(doc, name)
    if not facts:
        return None
    first = facts[0]
    other = next((f for f in facts[1:] if _wan(f) is not None and _wan(first) is not None
                  and abs(_wan(f) - _wan(first)) > 0.005), None)  # fmt: skip
    return KeyFigure(name, label, format_fact(first), _wan(first), f"{short_part(first['tbl'])} · 第{first['line']}行",
                     first["line"], f"{other['tbl']} 写的是 {format_fact(other)}" if other else "")  # fmt: skip


def _wan(fact: dict) -> float | None:
    return fact.get("value_wan")


def department_overview(view: IndexView, doc: str, top: int = 10) -> Overview:
    figures, missing = [], []
    for name, label in KEY_FIGURES:
        figure = key_figure(view, doc, name, label)
        (figures.append(figure) if figure else missing.append(name))
    return Overview(view.doc_info(doc), figures, missing, spending_by_function(view, doc),
                    basic_vs_project(view, doc), largest_projects(view, doc, top), sangong_items(view, doc),
                    finding_views(view, doc))  # fmt: skip


def spending_by_function(view: IndexView, doc: str) -> pd.DataFrame:
    """表3 (预算支出总表) rows with a 3-digit 科目编码, column 合计: spending by function class."""
    rows = [{"科目": chart_label(f"{f['code']} {f['row']}" if f["code"] else f["row"]), "万元": f["value_wan"],
             "行": f["line"]}
            for f in view.function_classes(doc) if f["value_wan"] is not None]  # fmt: skip
    return make_frame(rows, columns=["科目", "万元", "行"]).sort_values("万元", ascending=False, ignore_index=True)


def basic_vs_project(view: IndexView, doc: str) -> pd.DataFrame:
    rows = []
    for name in ("基本支出", "项目支出"):
        facts = view.named(doc, name)
        if facts and facts[0]["value_wan"] is not None:
            rows.append({"类别": name, "万元": facts[0]["value_wan"], "行": facts[0]["line"]})
    return make_frame(rows, columns=["类别", "万元", "行"])


def largest_projects(view: IndexView, doc: str, top: int = 10) -> pd.DataFrame:
    rows = [{"项目": chart_label(f["row"], 30), "万元": f["value_wan"], "行": f["line"]}
            for f in view.project_rows(doc) if f["value_wan"] is not None]  # fmt: skip
    frame = make_frame(rows, columns=["项目", "万元", "行"])
    return frame.sort_values("万元", ascending=False, ignore_index=True).head(top)


def sangong_items(view: IndexView, doc: str) -> pd.DataFrame:
    rows = []
    for name in SANGONG_ITEMS:
        facts = view.named(doc, name)
        if facts and facts[0]["value_wan"] is not None:
            rows.append({"项目": name, "万元": facts[0]["value_wan"], "行": facts[0]["line"]})
    return make_frame(rows, columns=["项目", "万元", "行"])


def finding_views(view: IndexView, doc: str) -> list[FindingView]:
    """The document's self-check findings, each with the lines it points at."""
    result = []
    for f in view.findings(doc):
        lines = sorted({int(n) for n in f["lines"]})[:8]
        quotes = [{"行": str(n), "内容": md_escape(view.line(doc, n).replace("\t", "  "))} for n in lines]
        result.append(FindingView(SEVERITY.get(f["severity"], f["severity"]), f["kind"], f["message"], lines,
                                  [str(v) for v in f["values"]], make_frame(quotes, columns=["行", "内容"])))  # fmt: skip
    order = list(SEVERITY.values())
    return sorted(result, key=lambda v: order.index(v.severity) if v.severity in order else len(order))


def comparison_frame(view: IndexView) -> pd.DataFrame:
    """收入总计 per department-year across the loaded documents."""
    rows = []
    for d in view.documents:
        facts = view.named(d["doc"], "收入总计")
        if facts and facts[0]["value_wan"] is not None:
            rows.append({"部门": chart_label(short_department(d["department"]), 20), "年度": str(d["year"]),
                         "万元": facts[0]["value_wan"], "类型": f"{d['scope']}{d['kind']}"})  # fmt: skip
    return make_frame(rows, columns=["部门", "年度", "万元", "类型"]).sort_values("万元", ascending=False,
                                                                             ignore_index=True)  # fmt: skip


def document_labels(docs: list[dict]) -> dict[str, str]:
    """doc → '2024年 部门预算' (the file name added only where two documents would read the same)."""
    labels = {d["doc"]: f"{d['year']}年 {d['scope']}{d['kind']}" for d in docs}
    repeated = {label for label in labels.values() if list(labels.values()).count(label) > 1}
    return {doc: f"{label}（{doc}）" if label in repeated else label for doc, label in labels.items()}


def departments(view: IndexView) -> list[str]:
    return sorted({d["department"] for d in view.documents})


def short_part(part: str) -> str:
    """'第三部分 2023年度…说明 / 十一、国有资产… / 1、车辆情况：' → '情况说明 · 1、车辆情况'."""
    pieces = [p.strip().rstrip("：:") for p in part.split(" / ")]
    if len(pieces) == 1:
        return pieces[0]
    head = "情况说明" if "说明" in pieces[0] else ("概况" if "概况" in pieces[0] else pieces[0])
    return f"{head} · {pieces[-1]}"


SOURCE_KINDS = {"text": "文本", "html": "网页", "pdf": "PDF"}


# --- documents --------------------------------------------------------------------------------------------------
def documents_frame(view: IndexView) -> pd.DataFrame:
    """The loaded documents: department, year, kind, size, facts found, self-check warnings."""
    rows = []
    for d in view.documents:
        findings = view.findings(d["doc"])
        major = sum(f["severity"] == "major" for f in findings)
        rows.append({
            "部门": d["department"], "年度": d["year"], "类型": f"{d['scope']}{d['kind']}",
            "格式": SOURCE_KINDS.get(d["source_kind"] or "", d["source_kind"] or ""),
            "页数/行数": f"{d['n_pages']}页" if d["n_pages"] else f"{d['n_lines']}行",
            "找到的数字": len(view.facts(d["doc"])),
            "自查提示": (f"{len(findings)} 条" + (f"，含 {major} 处明显矛盾" if major else "")) if findings else "无",
            "文件": d["doc"],
        })  # fmt: skip
    return make_frame(
        rows, columns=["部门", "年度", "类型", "格式", "页数/行数", "找到的数字", "自查提示", "文件"]
    )
