"""The Letters tab: a letter drafted from the agreements, edited by the officer, exported to Word.

An edited draft is checked against the same facts before export: the .docx holds exactly what
the officer typed, and any date or amount the documents do not support is listed beside it.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.letters import Letter, LetterWriter
from assistant.library import Library
from assistant.ui.common import _user, doc_link, friendly


def letter_sources(letter: Letter) -> str:
    if not letter.citations:
        return "_No sources: the letter states nothing from your documents._"
    lines = ["**Sources**"]
    shown = ""
    for c in letter.citations:
        if c.source != shown:  # the document once, then its passages
            lines.append(f"\n*{c.title or c.source}* ({c.source})\n")
            shown = c.source
        page = f"page {c.page}" if c.page else "the document"
        link = f"[{page}]({doc_link(c.doc_id, c.page)})" if c.doc_id else page
        lines.append(f"- [{c.n}] {link}: “{' '.join(c.quote.split())[:240]}”")
    return "\n".join(lines)


def letter_warnings(warnings: Sequence[str]) -> str:
    if not warnings:
        return "**Check before sending**\n\nNothing to flag."
    return "**Check before sending**\n\n" + "\n".join(f"- {w}" for w in warnings)


@friendly("draft the letter")
def draft_letter(writer: LetterWriter, lock: threading.Lock, request: str, sender: str,
                 recipient: str, user: str | None = None
                 ) -> tuple[str, str, str, Letter | None]:
    """(draft, sources, warnings, letter). A refused letter leaves the draft empty."""
    if not (request or "").strip():
        return ("", "", "Describe the letter first: who writes to whom, and what it "
                "proposes (for example: *letter from our Mayor to the Mayor of Vila Serena "
                "proposing a youth exchange*).", None)
    with lock:  # the writer keeps its last draft for `revise`: one officer at a time
        letter = writer.run(request, sender.strip() or None, recipient.strip() or None)
    writer.library.audit_letter(letter, request, user)
    if letter.refused:
        return "", "", f"**No letter drafted.** {letter.text}", None
    return letter.text, letter_sources(letter), letter_warnings(letter.warnings), letter


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "letter"


@friendly("export the letter")
def export_letter(writer: LetterWriter, lock: threading.Lock, letter: Letter | None,
                  request: str, sender: str, recipient: str,
                  text: str) -> tuple[str | None, str]:
    """(path of the .docx, warnings). The export is exactly the text in the box; edits are
    checked against the same facts first, so an unsupported date or amount is flagged."""
    if letter is None:
        return None, "Draft a letter first, then export it."
    if not (text or "").strip():
        return None, "The letter is empty: draft it again or type it in the box."
    warnings = list(letter.warnings)
    citations = letter.citations
    if text.strip() != letter.text.strip():
        with lock:
            revised = writer.revise(request, text, sender.strip() or None,
                                    recipient.strip() or None)
        if revised.mode == "llm":  # accepted as a letter: its warnings are the checks
            warnings, citations = revised.warnings, revised.citations or citations
        else:
            warnings = ["Your edited text could not be checked fact by fact (it no longer "
                        "reads as a letter referring to the agreement, e.g. the salutation "
                        "or the signing date is missing). It is exported as you wrote it."]
    final = replace(letter, text=text.strip(), citations=citations, warnings=warnings)
    out = Path(tempfile.mkdtemp(prefix="microplomacy-letter-"))
    path = final.to_docx(out / f"letter-{_slug(letter.recipient or 'draft')}.docx")
    return str(path), letter_warnings(warnings)


def _letters_tab(lib: Library) -> None:
    writer = LetterWriter(lib)
    lock = threading.Lock()
    letter = gr.State(None)
    request = gr.Textbox(label="What should the letter say?", lines=3,
                         placeholder="e.g. letter from our Mayor to the Mayor of Vila Serena "
                                     "proposing a youth exchange next summer")
    with gr.Row():
        sender = gr.Textbox(label="From (optional)", placeholder="e.g. Town of Alderbrook",
                            min_width=160)
        recipient = gr.Textbox(label="To (optional)", placeholder="e.g. Town of Vila Serena",
                               min_width=160)
    draft_btn = gr.Button("Draft letter", variant="primary")
    with gr.Row():
        with gr.Column(scale=3, min_width=280):
            draft = gr.Textbox(label="Draft (edit it here)", lines=18, max_lines=40,
                               interactive=True, elem_id="mp-draft")
            with gr.Row():
                export_btn = gr.Button("Check and export to Word (.docx)", min_width=160)
            docx = gr.File(label="Word file", interactive=False, visible=False, height=90,
                           elem_id="mp-docx")
        with gr.Column(scale=2, min_width=240):
            warnings = gr.Markdown("Draft a letter to see its sources and what to check "
                                   "before sending.", elem_id="mp-letter-warnings")
            sources = gr.Markdown(elem_id="mp-letter-sources")

    def on_draft(r: str, s: str, t: str, request: gr.Request
                 ) -> tuple[str, str, str, Letter | None, Any]:
        return (*draft_letter(writer, lock, r, s, t, _user(request)),
                gr.update(value=None, visible=False))

    def on_export(lt: Letter | None, r: str, s: str, t: str, text: str
                  ) -> tuple[Any, str]:
        path, notes = export_letter(writer, lock, lt, r, s, t, text)
        return gr.update(value=path, visible=path is not None), notes

    draft_btn.click(on_draft, [request, sender, recipient],
                    [draft, sources, warnings, letter, docx])
    export_btn.click(on_export, [letter, request, sender, recipient, draft], [docx, warnings])
