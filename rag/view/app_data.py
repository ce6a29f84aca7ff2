"""What the app shows, shaped from the index: key figures, chart frames, citation sources, the answer trace.

No drawing here (app.py draws) and no answering (rag.answer.answerer answers). Everything returns plain values or
pandas frames whose text cells are already escaped for Streamlit's Markdown, so app.py never renders document
text as HTML or Markdown it did not expect. This module is the app's one entry: it gathers the view modules
(escape, uploads, chat, overview).
"""

from __future__ import annotations

from rag.view.chat import (
    SourceView,
    citation_source,
    citation_title,
    example_questions,
    figure_label,
    numbers_verified,
    trace_view,
)
from rag.view.escape import chart_label, escape_frame, md_escape, short_department
from rag.view.overview import (
    comparison_frame,
    department_overview,
    departments,
    document_labels,
    documents_frame,
    largest_projects,
    spending_by_function,
    wan_text,
)
from rag.view.uploads import (
    UPLOAD_TYPES,
    bundled_files,
    import_uploads,
    ingest_files,
    open_indexer,
    progress_text,
    report_rows,
    resolve_data_dir,
    save_upload,
)

__all__ = [
    "UPLOAD_TYPES",
    "SourceView",
    "bundled_files",
    "chart_label",
    "citation_source",
    "citation_title",
    "comparison_frame",
    "department_overview",
    "departments",
    "document_labels",
    "documents_frame",
    "escape_frame",
    "example_questions",
    "figure_label",
    "import_uploads",
    "ingest_files",
    "largest_projects",
    "md_escape",
    "numbers_verified",
    "open_indexer",
    "progress_text",
    "report_rows",
    "resolve_data_dir",
    "save_upload",
    "short_department",
    "spending_by_function",
    "trace_view",
    "wan_text",
]
