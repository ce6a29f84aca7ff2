"""Plain-text exports (UTF-8 or GB18030/GBK) → cleaned lines; numbering kept so citations match the file."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from charset_normalizer import from_bytes

from rag.errors import InputError
from rag.types import Line, SourceText

WATERMARKS = ("仅供内部审核", "内部资料", "仅供审核")
_TAG_RE = re.compile(r"</?(?:b|i|u|strong|em|span|font|br|p|div|sup|sub)\b[^>]*>", re.IGNORECASE)
_HEADING_MARK_RE = re.compile(r"^\s{0,3}#{1,6}\s+")
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
_INVISIBLE_RE = re.compile("[\u200b-\u200f\ufeff\u2060]")
_TRAILING_SPACE_RE = re.compile(r"[^\S\t]+$")
_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,3})\s*$"
)


def decode_bytes(path: Path, raw: bytes) -> tuple[str, str]:
    """Decode text bytes, trying UTF-8 first, then GB18030 (a superset of GBK), then detection."""
    if b"\x00" in raw[:8192]:
        raise InputError(
            str(path), "looks like a binary file, not text", "give a .txt, .html or .pdf budget document"
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    best = from_bytes(raw).best()
    if best is None:
        raise InputError(str(path), "cannot tell the text encoding", "save it as UTF-8")
    return str(best), best.encoding


def clean_line(text: str) -> str:
    """Strip markdown/HTML remnants; drop watermark and page-number lines (they become blank).

    Trailing tabs are kept: '二、财政专户管理资\t\t\t' is a table row whose other cells are empty, not a heading.
    """
    text = _TAG_RE.sub("", _INVISIBLE_RE.sub("", text.replace("\r", "")))
    text = _HEADING_MARK_RE.sub("", text)
    text = _BOLD_RE.sub(r"\1", text)
    stripped = text.strip()
    if not stripped or any(stripped == mark for mark in WATERMARKS) or _PAGE_NUMBER_RE.match(stripped):
        return ""
    for mark in WATERMARKS:
        text = text.replace(mark, "")
    return _TRAILING_SPACE_RE.sub("", text)


def lines_from_text(text: str, page: int | None = None, start: int = 1) -> list[Line]:
    """Number and clean every line of `text`."""
    return [Line(start + i, clean_line(raw), page) for i, raw in enumerate(text.split("\n"))]


class TextReader:
    """UTF-8 / GB18030 text files, as the seeds are."""

    def read(self, path: Path, raw: bytes) -> SourceText:
        text, encoding = decode_bytes(path, raw)
        if _looks_binary(text):
            raise InputError(
                str(path), "looks like a binary file, not text", "give a .txt, .html or .pdf budget document"
            )
        return SourceText(
            path=str(path),
            name=path.name,
            lines=lines_from_text(text.replace("\r\n", "\n")),
            sha256=hashlib.sha256(raw).hexdigest(),
            encoding=encoding,
        )


def _looks_binary(text: str) -> bool:
    """Many replacement or control characters mean the bytes were not text."""
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f"))
    return bad / len(sample) > 0.02
