"""Readers turn a file into numbered lines with provenance; the parser takes it from there."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from rag.errors import InputError
from rag.types import SourceText


class Reader(Protocol):
    """Reads one file kind into lines (tables as tab-separated cells)."""

    def read(self, path: Path, raw: bytes) -> SourceText: ...


_MB = 1024 * 1024
"""Sizes are told in MiB, as BUDGETQA_MAX_FILE_MB counts them."""
SUPPORTED_SUFFIXES = {".txt", ".md", ".text", ".html", ".htm", ".pdf"}


def reader_for(path: Path, raw: bytes) -> Reader:
    """Pick the reader from the content first (a PDF named .txt is still a PDF), then the suffix."""
    if raw[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
        from rag.ingest.readers.pdf import PdfReader

        return PdfReader()
    if path.suffix.lower() in {".html", ".htm"} or raw[:200].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        from rag.ingest.readers.html import HtmlReader

        return HtmlReader()
    from rag.ingest.readers.text import TextReader

    return TextReader()


def read_source(path: Path, max_bytes: int | None = None) -> SourceText:
    """Read any supported file; raise InputError naming the file for what cannot be read. The size is checked
    on the file system before a byte is read, so a huge file costs nothing."""
    if not path.exists():
        raise InputError(str(path), "no such file")
    if path.is_dir():
        raise InputError(str(path), "is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(str(path), "the file is empty")
    if max_bytes is not None and size > max_bytes:
        raise InputError(
            str(path),
            f"the file is {size / _MB:.1f} MB, over the {max_bytes / _MB:g} MB limit (not read)",
            "raise BUDGETQA_MAX_FILE_MB to allow it",
        )
    raw = path.read_bytes()
    return reader_for(path, raw).read(path, raw)
