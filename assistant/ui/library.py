"""The Library tab: what is stored, adding files, re-filing and removing a document.

Uploads are screened for type and size before anything is read, and Gradio's temporary copies
are deleted afterwards: the library keeps its own original.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.library import Library
from assistant.ui.common import TYPE_LABELS, _threadsafe_progress, _user, friendly
from ingest.models import DOC_TYPES
from ingest.pipeline import IngestReport, SourceItem

ALLOWED_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
UPLOAD_TYPE_CHOICES = [("Recognise automatically", ""), *[(v, k) for k, v in TYPE_LABELS.items()]]
DOC_COLUMNS = ["Document", "Type", "Title", "Pages", "Passages", "Languages", "Read from scans",
               "Added"]


def document_frame(lib: Library) -> pd.DataFrame:
    data = [[r.source, TYPE_LABELS.get(r.doc_type, r.doc_type), r.title, r.pages, r.chunks,
             ", ".join(r.languages), _page_list(r.scanned_pages), r.ingested_at[:10]]
            for r in lib.documents()]
    return pd.DataFrame(data, columns=DOC_COLUMNS)


def _page_list(pages: Sequence[int]) -> str:
    return ", ".join(map(str, pages[:8])) + (" ..." if len(pages) > 8 else "")


def library_summary(lib: Library) -> str:
    from ingest.ocr import ocr_status

    records = lib.documents()
    ocr = ocr_status(lib.settings.ocr_engine)
    ocr_note = "" if ocr.available else f" **{ocr.describe()}**: scanned pages are not read."
    if not records:
        return ("Your library is empty: choose your agreements, grant calls and reports "
                "above and press **Add to library**." + ocr_note)
    counts: dict[str, int] = {}
    for r in records:
        counts[r.doc_type] = counts.get(r.doc_type, 0) + 1
    parts = ", ".join(f"{n} {TYPE_LABELS.get(t, t).lower()}{'s' if n > 1 else ''}"
                      for t, n in sorted(counts.items()))
    return (f"{len(records)} document{'s' if len(records) > 1 else ''}: {parts}. Click a row "
            f"to see what was read from it." + ocr_note)


def document_choices(lib: Library) -> list[tuple[str, str]]:
    return [(f"{r.source} ({TYPE_LABELS.get(r.doc_type, r.doc_type)})", r.doc_id)
            for r in lib.documents()]


def size_text(n_bytes: int) -> str:
    return f"{n_bytes / 1048576:g} MB" if n_bytes >= 1048576 else f"{n_bytes / 1024:.0f} kB"


def screen_uploads(paths: Sequence[str], max_bytes: int
                   ) -> tuple[list[SourceItem], list[dict[str, str]]]:
    """Refuse what the library cannot take before reading it: type and size."""
    items: list[SourceItem] = []
    refused: list[dict[str, str]] = []
    for raw in paths:
        path = Path(raw)
        name = path.name
        if path.suffix.lower() not in ALLOWED_SUFFIXES:
            refused.append({"source": name, "error": "not a PDF, Word, text or Markdown file"})
        elif path.stat().st_size > max_bytes:
            refused.append({"source": name, "error": f"over the {size_text(max_bytes)} limit"})
        else:
            # The name is only the officer's label: ingest sanitises it and stores the bytes
            # under the document's hash, never under this name.
            items.append(SourceItem(name, path))
    return items, refused


def upload_report(report: IngestReport, refused: Sequence[dict[str, str]]) -> str:
    rows = [f"| {r['source']} | Added | {TYPE_LABELS.get(r['type'], r['type'])}, "
            f"{r['pages']} page{'s' if r['pages'] != 1 else ''}, {r['chunks']} passages |"
            for r in report.ingested]
    rows += [f"| {name} | Already in your library | nothing to do |"
             for name in report.unchanged]
    rows += [f"| {f['source']} | **Not added** | {f['error']} |"
             for f in [*refused, *report.failed]]
    rows += [f"| {w['source']} | Note | {w['warning']} |" for w in report.warnings]
    rows += [f"| {r['source']} | Replaced | the older version was removed |"
             for r in report.replaced]
    if not rows:
        return "Nothing was added."
    clean = [row.replace("\n", " ") for row in rows]
    return "| File | Result | Details |\n|---|---|---|\n" + "\n".join(clean)


@friendly("add the files")
def upload_files(lib: Library, paths: Sequence[str] | None, doc_type: str = "",
                 progress: Callable[..., Any] | None = None, user: str | None = None) -> str:
    if not paths:
        return ("Choose one or more files first (PDF, Word, text or Markdown), then press "
                "**Add to library**.")
    items, refused = screen_uploads(paths, lib.settings.max_bytes)
    try:
        report = (lib.ingest_items(items, doc_type=doc_type or None,
                                   progress=_threadsafe_progress(progress), user=user)
                  if items else IngestReport())
    finally:
        for raw in paths:  # Gradio's upload copies: the library keeps its own original
            Path(raw).unlink(missing_ok=True)
    return upload_report(report, refused)


@friendly("show the document")
def document_details(lib: Library, doc_id: str | None) -> dict[str, Any]:
    if not doc_id:
        return {}
    rec = lib.registry.get(doc_id)
    return rec.to_json() if rec else {}


@friendly("change the document type")
def change_type(lib: Library, doc_id: str | None, doc_type: str,
                user: str | None = None) -> str:
    """Re-read the stored original as another type; its name and id stay the same."""
    if not doc_id:
        return "Choose a document first."
    if doc_type not in DOC_TYPES:
        return "Choose the type it should be filed as."
    rec = lib.registry.get(doc_id)
    if rec is None:
        return "That document is no longer in your library."
    if rec.doc_type == doc_type:
        return f"{rec.source} is already filed as {TYPE_LABELS[doc_type]}."
    path = lib.original_path(doc_id)
    if path is None:
        return (f"The stored original of {rec.source} is missing: add the file again in "
                f"the upload box above.")
    report = lib.ingest_items([SourceItem(rec.source, path)], doc_type=doc_type, user=user)
    if report.failed:
        return f"{rec.source} could not be re-read: {report.failed[0]['error']}"
    return f"{rec.source} is now filed as {TYPE_LABELS[doc_type]} and its fields re-read."


@friendly("remove the document")
def delete_document(lib: Library, doc_id: str | None, user: str | None = None) -> str:
    if not doc_id:
        return "Choose a document first."
    removed = lib.remove(doc_id, user=user)
    if not removed:
        return "That document is no longer in your library."
    return f"Removed {removed[0].source} with its passages and stored original."


def _library_tab(lib: Library) -> tuple[Callable[..., Any], list[Any]]:
    limit = lib.settings.max_file_mb
    gr.Markdown(f"Add agreements, grant calls and reports: PDF, Word (.docx), text or "
                f"Markdown, up to {limit:g} MB each.")
    files = gr.File(file_count="multiple", file_types=list(ALLOWED_SUFFIXES), type="filepath",
                    label="Files to add", elem_id="mp-upload")
    with gr.Row():
        upload_type = gr.Dropdown(UPLOAD_TYPE_CHOICES, value="", label="Type",
                                  min_width=160)
        add = gr.Button("Add to library", variant="primary", min_width=160)
    upload_result = gr.Markdown(elem_id="mp-upload-result")
    gr.Markdown("### Your documents")
    summary = gr.Markdown(elem_id="mp-library-summary")
    table = gr.Dataframe(headers=DOC_COLUMNS, interactive=False, wrap=True,
                         show_search="search", max_height=480, elem_id="mp-docs")
    with gr.Row():
        chosen = gr.Dropdown([], label="Document (or click a row above)", min_width=200,
                             scale=3)
        new_type = gr.Dropdown([(v, k) for k, v in TYPE_LABELS.items()], label="File as",
                               min_width=140, scale=1)
    with gr.Row():
        retype = gr.Button("Re-file as this type", size="md", min_width=160)
        delete = gr.Button("Delete…", variant="stop", size="md", min_width=120)
    with gr.Row(visible=False) as confirm_row:
        gr.Markdown("Delete this document, its passages and its stored original?")
        confirm = gr.Button("Yes, delete", variant="stop", min_width=120)
        cancel = gr.Button("Cancel", min_width=100)
    action_result = gr.Markdown(elem_id="mp-library-action")
    details = gr.JSON(label="Extracted fields", elem_id="mp-doc-details")

    @friendly("list your documents")
    def refresh(selected: str | None = None) -> tuple[pd.DataFrame, Any, str]:
        choices = document_choices(lib)
        keep = selected if selected in {c[1] for c in choices} else None
        return (document_frame(lib), gr.update(choices=choices, value=keep),
                library_summary(lib))

    def on_upload(paths: list[str] | None, doc_type: str, request: gr.Request,
                  progress: gr.Progress = gr.Progress()  # noqa: B008 - Gradio's idiom
                  ) -> tuple[Any, ...]:
        return (upload_files(lib, paths, doc_type, progress, _user(request)), *refresh(),
                None)

    def on_select(evt: gr.SelectData, frame: pd.DataFrame) -> Any:
        source = str(frame.iloc[evt.index[0], 0]) if evt.index else ""
        found = lib.registry.by_source(source)
        return gr.update(value=found[0].doc_id) if found else gr.update()

    def on_chosen(doc_id: str | None) -> tuple[dict[str, Any], Any]:
        data = document_details(lib, doc_id)
        return data, gr.update(value=data.get("type"))

    def on_retype(doc_id: str | None, doc_type: str, request: gr.Request) -> tuple[Any, ...]:
        return change_type(lib, doc_id, doc_type, _user(request)), *refresh(doc_id)

    def on_delete(doc_id: str | None, request: gr.Request) -> tuple[Any, ...]:
        return (delete_document(lib, doc_id, _user(request)), *refresh(),
                gr.update(visible=False))

    listing = [table, chosen, summary]
    add.click(on_upload, [files, upload_type], [upload_result, *listing, files])
    table.select(on_select, [table], chosen)
    chosen.change(on_chosen, chosen, [details, new_type])
    retype.click(on_retype, [chosen, new_type], [action_result, *listing]).then(
        on_chosen, chosen, [details, new_type])
    delete.click(lambda d: gr.update(visible=bool(d)) if d else gr.update(),
                 chosen, confirm_row).then(
        lambda d: "" if d else "Choose a document first.", chosen, action_result)
    cancel.click(lambda: gr.update(visible=False), None, confirm_row)
    confirm.click(on_delete, chosen, [action_result, *listing, confirm_row])
    return refresh, listing
