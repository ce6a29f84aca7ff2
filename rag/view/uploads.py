"""Files into the index from the app: the bundled documents on first start, uploads, per-file reports."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rag.ingest.build import Indexer, Progress
from rag.settings import Settings
from rag.store.vectors import VectorSync
from rag.types import IngestReport

if TYPE_CHECKING:  # pandas loads on first use: the chat page opens without it
    pass

UPLOAD_TYPES = ("txt", "html", "htm", "pdf")
STATUS = {"added": "已导入", "replaced": "已更新", "unchanged": "已在库中（内容未变）", "skipped": "重复文件，已跳过",
          "error": "导入失败"}  # fmt: skip


def resolve_data_dir(settings: Settings, base: Path) -> Settings:
    """A relative data_dir that does not exist from the working directory is taken relative to `base`."""
    data_dir = settings.data_dir
    if not data_dir.is_absolute() and not data_dir.exists() and (base / data_dir).exists():
        return settings.model_copy(update={"data_dir": base / data_dir})
    return settings


def open_indexer(settings: Settings) -> Indexer:
    """An Indexer that also embeds chunks (as `budgetqa ingest` does)."""
    indexer = Indexer(settings)
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


def progress_text(n: int, total: int, report: IngestReport) -> str:
    return f"已处理 {n}/{total}：{Path(report.path).name}（{STATUS.get(report.status, report.status)}）"

