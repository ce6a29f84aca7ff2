"""What the app shows, shaped from the index: key figures, chart frames, citation sources, the answer trace.

No drawing here (app.py draws) and no answering (rag.answer.answerer answers). Everything returns plain values or
pandas frames whose text cells are already escaped for Streamlit's Markdown, so app.py never renders document
text as HTML or Markdown it did not expect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rag.settings import Settings
from rag.store.view import IndexView
from rag.text.money import fmt_amount
from rag.types import Answer, Citation, IngestReport

if TYPE_CHECKING:  # pandas and the ingest pipeline load on first use: the chat page opens without them
    import pandas as pd

    from rag.ingest.build import Indexer, Progress

UPLOAD_TYPES = ("txt", "html", "htm", "pdf")

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
STATUS = {"added": "已导入", "replaced": "已更新", "unchanged": "已在库中（内容未变）", "skipped": "重复文件，已跳过",
          "error": "导入失败"}  # fmt: skip
EXAMPLES: list[tuple[str, str | None]] = [
    ("综改区政务服务中心2024年总预算是多少钱？", "山西转型综合改革示范区政务服务中心"),
    ("大同政务中心2025年招待费预算多少？", "大同市政务服务中心"),
    ("吕梁审批局有几辆公车？", "吕梁市行政审批服务管理局"),
    ("省政务中心2025年的钱主要花在哪？", "山西省政务服务中心"),
    ("什么是三公经费？", None),
]


# --- escaping ---------------------------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:=^&])")


def md_escape(text: str) -> str:
    """Text shown through st.markdown / st.table / labels: every Markdown, HTML and directive character escaped,
    line breaks kept (document quotes and answers may hold `<b>`, `$`, `1.` or `:red[...]`)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    return "  \n".join(escaped.split("\n"))


def chart_label(text: str, limit: int = 24) -> str:
    """A label for plotly (which reads <b>, <a>, <br>): angle brackets made harmless, long names cut."""
    text = str(text).replace("<", "＜").replace(">", "＞").replace("&", "＆").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def short_department(name: str) -> str:
    """The department name without its parenthesised second name (…中心（…交易中心）)."""
    return re.sub(r"（.*?）|\(.*?\)", "", name).strip() or name


def _frame(data, columns: list[str] | None = None) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(data, columns=columns)


# --- settings and ingestion ---------------------------------------------------------------------------------------
def resolve_data_dir(settings: Settings, base: Path) -> Settings:
    """A relative data_dir that does not exist from the working directory is taken relative to `base`."""
    data_dir = settings.data_dir
    if not data_dir.is_absolute() and not data_dir.exists() and (base / data_dir).exists():
        return settings.model_copy(update={"data_dir": base / data_dir})
    return settings


def open_indexer(settings: Settings) -> Indexer:
    """An Indexer that also embeds chunks when the vector stage is installed (as `budgetqa ingest` does)."""
    from rag.ingest.build import Indexer

    indexer = Indexer(settings)
    try:
        from rag.store.vectors import VectorSync
    except ImportError:
        return indexer
    indexer.vectors = VectorSync(settings)
    return indexer


def bundled_files(settings: Settings) -> list[Path]:
    """The sample documents the app ingests on its first start."""
    if not settings.data_dir.is_dir():
        return []
    return sorted(
        p
        for p in settings.data_dir.rglob("*")
        if p.is_file() and p.suffix.lower().lstrip(".") in UPLOAD_TYPES
    )


def ingest_files(
    indexer: Indexer, paths: Iterable[Path], progress: Progress | None = None
) -> list[IngestReport]:
    """Ingest file by file; an unexpected failure becomes that file's error report, the others still go in."""
    paths = list(paths)
    reports: list[IngestReport] = []
    for n, path in enumerate(paths, start=1):
        try:
            report = indexer.ingest([path])[0]
        except Exception as error:  # the edge: one bad file must not lose the rest
            report = IngestReport(str(path), "error", message=f"{path.name}: {type(error).__name__}: {error}")
        reports.append(report)
        if progress:
            progress(n, len(paths), report)
    return reports


def save_upload(settings: Settings, name: str, data: bytes) -> Path | IngestReport:
    """Keep an uploaded file in <home>/uploads (its name is the document id); too large or odd → error report."""
    clean = Path(name.replace("\\", "/")).name.strip()
    if not clean or clean.startswith(".") or clean.rsplit(".", 1)[-1].lower() not in UPLOAD_TYPES:
        return IngestReport(name, "error", message=f"{name}: 只能上传 TXT、HTML 或 PDF 文件")
    limit = settings.max_file_mb * 1024 * 1024
    if len(data) > limit:
        return IngestReport(name, "error",
                            message=f"{clean}: 文件有 {len(data) / 1048576:.1f} MB，超过上限 {settings.max_file_mb:g} MB")  # fmt: skip
    folder = settings.home / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / clean
    path.write_bytes(data)
    return path


def import_uploads(indexer: Indexer, settings: Settings, files: list[tuple[str, bytes]],
                   progress: Progress | None = None) -> list[IngestReport]:  # fmt: skip
    """Save and ingest uploaded files; returns one report per file, errors included."""
    saved = [save_upload(settings, name, data) for name, data in files]
    rejected = [s for s in saved if isinstance(s, IngestReport)]
    return rejected + ingest_files(indexer, [s for s in saved if isinstance(s, Path)], progress)


def report_rows(reports: list[IngestReport]) -> list[dict]:
    """Per-file outcome for display: file, status in words, ok flag, message."""
    rows = []
    for r in reports:
        message = "" if r.message in {r.status, "unchanged"} else _without_path(r.message, r.path)
        if r.status in {"added", "replaced"}:
            message = (
                f"找到 {r.facts} 个数字，{r.findings} 条自查提示" + (f"；{message}" if message else "")
            ).strip()
        rows.append({"file": Path(r.path).name, "status": STATUS.get(r.status, r.status), "ok": r.status != "error",
                     "message": message})  # fmt: skip
    return rows


def _without_path(message: str, path: str) -> str:
    """Reports start with the file's path ('…/notes.txt: no budget title …'); the row already names the file."""
    for prefix in (path, Path(path).name):
        if message.startswith(prefix + ": "):
            return message[len(prefix) + 2 :]
    return message


# --- chat -----------------------------------------------------------------------------------------------------------
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
    frame = _frame([[str(r["no"])] + [md_escape(c.strip()) for c in row] + [""] * (width - len(row))
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
    retrieved = _frame([{k: (str(v) if isinstance(v, list) else v) for k, v in r.items()}
                              for r in trace.get("retrieved", []) or []])  # fmt: skip
    facts = _frame(trace.get("facts_used", []) or []).rename(columns=FACT_COLUMNS)
    retrieved = retrieved.rename(columns=RETRIEVED_COLUMNS)
    checks = _frame([{"数字": n.text, "数值": str(n.value), "单位": n.unit, "已核对": "是" if n.verified else "否",
                            "来源文件": n.source_doc, "行": n.source_line or None, "方式": n.how}
                           for n in answer.numbers])  # fmt: skip
    timings = _frame([{"步骤": k.removesuffix("_ms"), "毫秒": round(float(v), 1)}
                            for k, v in (trace.get("timings_ms", {}) or {}).items()])  # fmt: skip
    extra = {EXTRA_LABELS.get(k, k): EXTRA_VALUES.get(v, v) if isinstance(v, str) else v
             for k, v in trace.items() if k not in {"query", "retrieved", "facts_used", "timings_ms"}}  # fmt: skip
    return TraceView(_frame(understood, columns=["项", "理解为"]), retrieved, facts, checks, timings, extra)


# --- department overview ------------------------------------------------------------------------------------------
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
    return _frame(rows, columns=["科目", "万元", "行"]).sort_values("万元", ascending=False, ignore_index=True)


def basic_vs_project(view: IndexView, doc: str) -> pd.DataFrame:
    rows = []
    for name in ("基本支出", "项目支出"):
        facts = view.named(doc, name)
        if facts and facts[0]["value_wan"] is not None:
            rows.append({"类别": name, "万元": facts[0]["value_wan"], "行": facts[0]["line"]})
    return _frame(rows, columns=["类别", "万元", "行"])


def largest_projects(view: IndexView, doc: str, top: int = 10) -> pd.DataFrame:
    rows = [{"项目": chart_label(f["row"], 30), "万元": f["value_wan"], "行": f["line"]}
            for f in view.project_rows(doc) if f["value_wan"] is not None]  # fmt: skip
    frame = _frame(rows, columns=["项目", "万元", "行"])
    return frame.sort_values("万元", ascending=False, ignore_index=True).head(top)


def sangong_items(view: IndexView, doc: str) -> pd.DataFrame:
    rows = []
    for name in SANGONG_ITEMS:
        facts = view.named(doc, name)
        if facts and facts[0]["value_wan"] is not None:
            rows.append({"项目": name, "万元": facts[0]["value_wan"], "行": facts[0]["line"]})
    return _frame(rows, columns=["项目", "万元", "行"])


def finding_views(view: IndexView, doc: str) -> list[FindingView]:
    """The document's self-check findings, each with the lines it points at."""
    result = []
    for f in view.findings(doc):
        lines = sorted({int(n) for n in f["lines"]})[:8]
        quotes = [{"行": str(n), "内容": md_escape(view.line(doc, n).replace("\t", "  "))} for n in lines]
        result.append(FindingView(SEVERITY.get(f["severity"], f["severity"]), f["kind"], f["message"], lines,
                                  [str(v) for v in f["values"]], _frame(quotes, columns=["行", "内容"])))  # fmt: skip
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
    return _frame(rows, columns=["部门", "年度", "万元", "类型"]).sort_values("万元", ascending=False,
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


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header escaped, for st.table (which renders Markdown)."""
    escaped = frame.map(lambda v: md_escape(v) if isinstance(v, str) else v)
    escaped.columns = [md_escape(str(c)) for c in frame.columns]
    return escaped


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
    return _frame(
        rows, columns=["部门", "年度", "类型", "格式", "页数/行数", "找到的数字", "自查提示", "文件"]
    )


def progress_text(n: int, total: int, report: IngestReport) -> str:
    return f"已处理 {n}/{total}：{Path(report.path).name}（{STATUS.get(report.status, report.status)}）"
