"""Saved HTML pages → lines; table rows become tab-separated cells, block elements become lines."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

from rag.ingest.readers.text import decode_bytes, lines_from_text
from rag.types import SourceText

_BLOCKS = {"p", "div", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "li", "table", "title", "section"}
_SKIP = {"script", "style", "head"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(" ".join(data.split()) if "\n" in data else data)


_SERVER_TAG_RE = re.compile(r"<%.*?%>", re.DOTALL)
"""JSP/ASP directives left in a saved page ('<%@ page … %>'): template code, not content."""
_BREADCRUMB_RE = re.compile(r"^\s*(?:当前位置|您的位置|你的位置|所在位置)\s*[：:]")
"""Site navigation ('当前位置：首页 > …'), which repeats the page title after the site's name."""


def html_to_text(html: str) -> str:
    """Visible text of a page, one block per line, table cells tab-separated; template code and the
    breadcrumb trail are dropped."""
    collector = _TextCollector()
    collector.feed(_SERVER_TAG_RE.sub("", html))
    lines = [line.strip(" ").lstrip("\t") if line.startswith("\t") else line.strip() for line in "".join(collector.parts).split("\n")]
    return "\n".join(line for line in lines if line and not _BREADCRUMB_RE.match(line))


class HtmlReader:
    """Budget explanation pages saved as HTML."""

    def read(self, path: Path, raw: bytes) -> SourceText:
        html, encoding = decode_bytes(path, raw)
        return SourceText(
            path=str(path),
            name=path.name,
            lines=lines_from_text(html_to_text(html)),
            sha256=hashlib.sha256(raw).hexdigest(),
            encoding=encoding,
            source_kind="html",
        )
