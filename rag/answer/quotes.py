"""The document's own words: the section that explains a figure, its sentences, a sheet's text fields, and
citations of the line that says it."""

from __future__ import annotations

import json
import re

from rag.retrieve.retriever import tokenize
from rag.store.view import IndexView
from rag.types import Citation

SECTION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "三公经费": ("三公",), "因公出国（境）费": ("三公",), "公务接待费": ("三公",), "公务用车购置及运行费": ("三公",),
    "公务用车购置费": ("三公",), "公务用车运行维护费": ("三公",), "机关运行经费": ("机关运行经费",),
    "基本支出": ("基本支出",), "人员经费": ("基本支出",), "公用经费": ("基本支出", "机关运行经费"),
    "政府采购": ("政府采购",), "编制": ("机构设置",), "内设机构": ("机构设置",), "公务用车": ("车辆", "国有资产"),
    "办公用房面积": ("房屋", "国有资产"), "项目支出": ("支出预算情况",), "一般公共预算拨款": ("一般公共预算",),
    "收入总计": ("收支数据变动", "收支预算", "变动情况"), "支出总计": ("收支数据变动", "变动情况"),
    "本年收入合计": ("收入预算",), "上年结转": ("收支数据变动", "收入预算"),
}  # fmt: skip
DEFAULT_KEYWORDS = ("收支数据变动", "变动情况")


def split_sentences(text: str) -> list[str]:
    """The sentences of a text (ending in 。 or ；), line breaks removed."""
    return [s for s in re.split(r"(?<=[。；;])", text.replace("\n", "")) if s.strip()]


def find_section(view: IndexView, doc: str, metrics: list[str]) -> dict | None:
    """The explanation section for a figure (七、“三公”经费增减变动原因说明 for 三公经费)."""
    keywords = next((SECTION_KEYWORDS[m] for m in metrics if m in SECTION_KEYWORDS), DEFAULT_KEYWORDS)
    sections = [s for s in view.sections(doc) if s["text"]]
    for keyword in keywords:
        for section in sections:
            if keyword in section["heading"]:
                return section
    return None


def cite_sentence(view: IndexView, doc: str, section: dict, sentence: str) -> Citation:
    """Cite the line of the section that holds the sentence."""
    probe = sentence.strip()[:20]
    for row in view.store.lines(doc, section["line_start"], section["line_end"]):
        if probe and probe in row["text"]:
            return view.cite_lines(doc, section_part(section), row["no"], row["no"], sentence.strip())
    return view.cite_lines(doc, section_part(section), section["line_start"], section["line_end"], sentence.strip())


def section_part(section: dict) -> str:
    """A section's place for its citation: its heading path, else its heading."""
    path = section.get("path")
    if isinstance(path, str):
        path = json.loads(path)
    return " ".join(path) if path else section["heading"]


SHEET_FIELDS = ("项目概况", "立项依据", "项目设立必要性", "项目实施计划", "总体目标", "年度目标", "年度绩效目标", "项目测算依据",
                "测算依据")


def sheet_fields(view: IndexView, doc: str, target: dict) -> dict[str, tuple[str, int]]:
    """The text fields of a performance sheet (项目概况, 立项依据, 项目设立必要性 …) with their lines."""
    fields: dict[str, tuple[str, int]] = {}
    for row in view.store.lines(doc, target["line_start"], target["line_end"]):
        cells = [c.strip() for c in row["text"].split("\t") if c.strip()]
        if len(cells) < 2:
            continue
        label = re.sub(r"\s+", "", cells[0])
        if label in SHEET_FIELDS and label not in fields and len(cells[1]) >= 4:
            fields[label] = (TAG_RE.sub("", max(cells[1:], key=len)).strip(), row["no"])
    return fields


TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")
_QUESTION_WORDS = {"为什么", "什么", "干嘛", "干什么", "用的", "是干", "项目", "资金", "经费", "费用", "主要", "用来", "做什么"}


def relevant_sentences(text: str, question: str, limit: int) -> str:
    """At most `limit` characters of `text`: all of it when short, else the sentences that share most words with
    the question (in the text's order)."""
    text = text.strip()
    if len(text) <= limit:
        return text.rstrip("。；")
    words = {w for w in tokenize(question) if len(w) >= 2} - _QUESTION_WORDS
    sentences = [x for x in re.split(r"(?<=[。；;！!])", text) if x.strip()]
    if not words:
        return shorten(text, limit).rstrip("。；")
    ranked = sorted(range(len(sentences)), key=lambda i: (-sum(w in sentences[i] for w in words), i))
    keep, used = [], 0
    for i in ranked:
        if used + len(sentences[i]) > limit and keep:
            continue
        keep.append(i)
        used += len(sentences[i])
        if used >= limit * 0.6:
            break
    picked = "".join(sentences[i].strip() for i in sorted(keep))
    return (picked[:limit] + "……" if len(picked) > limit else picked).rstrip("。；")


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut after a sentence where possible."""
    text = text.strip()
    if len(text) <= limit:
        return text if text.endswith(("。", "；")) else text + "。"
    head = text[:limit]
    cut = max(head.rfind("。"), head.rfind("；"))
    return head[: cut + 1] if cut > limit // 3 else head + "……"
