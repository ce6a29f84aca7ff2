"""The chat: example questions, the figure badge, citation sources, the answer trace."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rag.store.view import IndexView
from rag.types import Answer, Citation
from rag.view.escape import make_frame, md_escape, short_department

if TYPE_CHECKING:  # pandas loads on first use: the chat page opens without it
    import pandas as pd

EXAMPLES: list[tuple[str, str | None]] = [
    ("综改区政务服务中心2024年总预算是多少钱？", "山西转型综合改革示范区政务服务中心"),
    ("大同政务中心2025年招待费预算多少？", "大同市政务服务中心"),
    ("吕梁审批局有几辆公车？", "吕梁市行政审批服务管理局"),
    ("省政务中心2025年的钱主要花在哪？", "山西省政务服务中心"),
    ("什么是三公经费？", None),
]


def example_questions(documents: list[dict], limit: int = 4) -> list[str]:
    """Questions a first-time visitor can click: the curated ones whose department is loaded, one built from the
    catalog for each other loaded department, and a definition last."""
    loaded = [d["department"] for d in documents]
    curated = [(q, dept) for q, dept in EXAMPLES if dept and any(dept in name for name in loaded)]
    covered = {dept for _, dept in curated}
    built = [f"{short_department(d['department'])}{d['year']}年总预算是多少？" for d in documents
             if not any(dept in d["department"] for dept in covered)]  # fmt: skip
    definitions = [q for q, dept in EXAMPLES if dept is None]
    return ([q for q, _ in curated] + built)[: limit - 1] + definitions[:1]


def numbers_verified(answer: Answer) -> bool | None:
    """True when every number in the answer was checked against the documents; None when it states none."""
    if not answer.numbers:
        return None
    return all(n.verified for n in answer.numbers)


def figure_label(answer: Answer) -> str:
    """Caption over the headline figure: department, year and the figure asked for."""
    query = answer.trace.get("query", {}) if answer.trace else {}
    departments = query.get("departments") or []
    if isinstance(departments, str):
        departments = [departments]
    parts = [short_department(str(departments[0]))] if len(departments) == 1 else []
    if query.get("year"):
        parts.append(f"{query['year']}年")
    metrics = query.get("metrics") or []
    if isinstance(metrics, list) and len(metrics) == 1:
        parts.append(str(metrics[0]))
    return " ".join(parts) or "答案"


def citation_title(citation: Citation, number: int) -> str:
    """Expander label of one source (escaped)."""
    span = line_span(citation.line_start, citation.line_end)
    page = f" · 第{citation.page}页" if citation.page else ""
    return md_escape(
        f"来源{number}：{short_department(citation.department)} {citation.year}年 · {citation.part} · {span}{page}"
    )


def line_span(start: int, end: int) -> str:
    return f"第{start}行" if start == end else f"第{start}–{end}行"


@dataclass
class SourceView:
    """The table or passage a citation points into, as rows ready for st.table."""

    title: str
    frame: pd.DataFrame
    highlight: list[int]
    """Positions (0-based) of the cited rows in `frame`."""
    caption: str


def citation_source(view: IndexView, citation: Citation, max_rows: int = 80) -> SourceView:
    """The whole table holding the cited line (or the paragraph around it), cited rows marked."""
    table = next((t for t in view.tables(citation.doc) if t["line_start"] <= citation.line_start <= t["line_end"]),
                 None)  # fmt: skip
    if table is not None:
        start, end, title = table["line_start"], table["line_end"], table["display"] or table["title"]
    else:
        sections = [
            s for s in view.sections(citation.doc) if s["line_start"] <= citation.line_start <= s["line_end"]
        ]
        section = min(sections, key=lambda s: s["line_end"] - s["line_start"], default=None)
        start = section["line_start"] if section else citation.line_start - 2
        end = section["line_end"] if section else citation.line_end + 2
        title = section["heading"] if section else citation.part
    if end - start + 1 > max_rows:  # a long table or section: the rows around the cited ones
        start = max(start, citation.line_start - max_rows // 2)
        end = min(end, max(citation.line_end, start + max_rows))
    lines = [r for r in view.store.lines(citation.doc, max(start, 1), end) if r["text"].strip()]
    cells = [r["text"].split("\t") if table is not None else [r["text"]] for r in lines]
    width = max((len(c) for c in cells), default=1)
    names = _column_names(table["columns"] if table is not None else ["内容"], width)
    frame = make_frame([[str(r["no"])] + [md_escape(c.strip()) for c in row] + [""] * (width - len(row))
                          for r, row in zip(lines, cells, strict=True)], columns=["行", *names])  # fmt: skip
    highlight = [i for i, r in enumerate(lines) if citation.line_start <= r["no"] <= citation.line_end]
    pages = sorted({r["page"] for r in lines if r["page"]})
    page = f" · 第{pages[0]}页" if len(pages) == 1 else (f" · 第{pages[0]}–{pages[-1]}页" if pages else "")
    info = view.doc_info(citation.doc)
    caption = md_escape(f"文件 {citation.doc}（{info['department']} {info['year']}年{info['scope']}{info['kind']}）"
                        f" · {citation.part} · {line_span(citation.line_start, citation.line_end)}{page}")  # fmt: skip
    return SourceView(md_escape(title), frame, highlight, caption)


def _column_names(columns: list[str], width: int) -> list[str]:
    """Unique, escaped column headers for `width` cells (st.table needs unique names)."""
    names: list[str] = []
    for i in range(width):
        base = md_escape(columns[i]) if i < len(columns) and columns[i] else f"列{i + 1}"
        name, k = base, 1
        while name in names:
            k += 1
            name = f"{base}（{k}）"
        names.append(name)
    return names


# --- the trace ("why this answer") ------------------------------------------------------------------------------
QUERY_LABELS = {"question": "原问题", "text": "整理后的问题", "years": "涉及年度", "latest_year": "最新年度",
                "kind": "文件类型", "departments": "部门", "unknown_department": "未收录的部门", "year": "年度", "metrics": "数字项",
                "terms": "项目/名词", "intent": "问题类型", "change": "问变化", "premise": "问题里给出的数字",
                "injection": "含指令", "out_of_scope": "超出范围"}  # fmt: skip
FACT_COLUMNS = {"doc": "文件", "tbl": "表/段落", "row": "行名", "col": "列", "value": "数值", "unit": "单位",
                "line": "行号", "name": "数字项", "origin": "出自"}  # fmt: skip
RETRIEVED_COLUMNS = {"doc": "文件", "part": "位置", "lines": "行", "score": "分数", "error": "错误"}
EXTRA_LABELS = {"writer": "回答的写法"}
EXTRA_VALUES = {"builtin": "内置模板（不经大模型）", "llm": "大模型改写，数字已复核"}
INTENTS = {"lookup": "查数字", "compare": "比较", "list": "列出", "explain": "解释原因", "define": "名词解释"}


@dataclass
class TraceView:
    """The trace of one answer as small tables for an operator."""

    understood: pd.DataFrame
    retrieved: pd.DataFrame
    facts: pd.DataFrame
    checks: pd.DataFrame
    timings: pd.DataFrame
    extra: dict = field(default_factory=dict)


def trace_view(answer: Answer) -> TraceView:
    trace = answer.trace or {}
    query = trace.get("query", {}) or {}
    understood = []
    for key, value in query.items():
        if value in (None, "", [], False) and key not in {"year", "intent"}:
            continue
        shown = INTENTS.get(value, value) if key == "intent" else value
        if isinstance(shown, list):
            shown = "、".join(map(str, shown))
        understood.append(
            {"项": QUERY_LABELS.get(key, key), "理解为": "（未指明）" if shown in (None, "") else str(shown)}
        )
    retrieved = make_frame([{k: (str(v) if isinstance(v, list) else v) for k, v in r.items()}
                              for r in trace.get("retrieved", []) or []])  # fmt: skip
    facts = make_frame(trace.get("facts_used", []) or []).rename(columns=FACT_COLUMNS)
    retrieved = retrieved.rename(columns=RETRIEVED_COLUMNS)
    checks = make_frame([{"数字": n.text, "数值": str(n.value), "单位": n.unit, "已核对": "是" if n.verified else "否",
                            "来源文件": n.source_doc, "行": n.source_line or None, "方式": n.how}
                           for n in answer.numbers])  # fmt: skip
    timings = make_frame([{"步骤": k.removesuffix("_ms"), "毫秒": round(float(v), 1)}
                            for k, v in (trace.get("timings_ms", {}) or {}).items()])  # fmt: skip
    extra = {EXTRA_LABELS.get(k, k): EXTRA_VALUES.get(v, v) if isinstance(v, str) else v
             for k, v in trace.items() if k not in {"query", "retrieved", "facts_used", "timings_ms"}}  # fmt: skip
    return TraceView(make_frame(understood, columns=["项", "理解为"]), retrieved, facts, checks, timings, extra)
