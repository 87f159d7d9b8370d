"""The officer's browser app: Ask, Agreements, Funding, Letters and Library in one page.

Each tab calls the same functions the CLI calls; nothing here decides anything. Handlers are
module-level functions of the library (tested without a browser in tests/assistant/test_ui.py);
`build_app` only wires them to components. Every handler turns an unexpected exception into
one sentence on the page and the details into the log: no stack trace reaches an officer.
"""

from __future__ import annotations

import contextvars
import functools
import html
import logging
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import gradio as gr
import pandas as pd
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from assistant import auth
from assistant.ask import Assistant, Conversation, Draft
from assistant.funding import CallRow, FundingRadar, call_rows
from assistant.letters import Letter, LetterWriter
from assistant.library import Library
from assistant.register import AgreementRow, AgreementsRegister
from assistant.retrieve import Filters
from assistant.types import Answer, Citation
from ingest.models import DOC_TYPES
from ingest.pipeline import IngestReport, SourceItem

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

ALLOWED_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
TYPE_LABELS = {"mou": "Agreement", "grant_call": "Grant call",
               "policy_report": "Policy report", "other": "Other"}
TYPE_CHOICES = [("All documents", ""), ("Agreements", "mou"), ("Grant calls", "grant_call"),
                ("Policy reports", "policy_report"), ("Other", "other")]
UPLOAD_TYPE_CHOICES = [("Recognise automatically", ""), *[(v, k) for k, v in TYPE_LABELS.items()]]
AGREEMENT_STATUS_LABELS = {"expiring": "Expiring soon", "expired": "Expired",
                           "in_force": "In force", "renewed": "Renewed by itself",
                           "indefinite": "No end (indefinite)", "unknown": "No end date",
                           "active": "Any in force"}
AGREEMENT_STATUS_CHOICES = [("All statuses", ""),
                            *[(v, k) for k, v in AGREEMENT_STATUS_LABELS.items()]]
AGREEMENT_COLUMNS = ["Partners", "Status", "Ends", "Days left", "Countries", "Areas",
                     "Signed", "Languages", "Document"]
CALL_STATUS_LABELS = {"not_yet_open": "Not yet open", "open": "Open",
                      "closing_soon": "Closing soon", "closed": "Closed", "unknown": "No deadline"}
DOC_COLUMNS = ["Document", "Type", "Title", "Pages", "Passages", "Languages", "Read from scans",
               "Added"]
NOT_IN_DOCUMENTS = "Not in your documents"
# Under the embedded answer while a language model writes; Stop cuts the message here.
WRITING = "✍️ *Writing a fuller answer with the language model… (Stop keeps the one above)*"
STOPPED = ("_Stopped: the answer above is built from your documents' own sentences; no "
           "written answer was kept._")
EMPTY_LIBRARY = ("Your library is empty. Open the **Library** tab and add your agreements, "
                 "grant calls and reports (PDF, Word, text or Markdown), then ask again.")
_DOC_ID = re.compile(r"^[0-9a-f]{8,64}$")
# Gradio's bundled font, served by the app itself (no font service is contacted); with its
# bold cut too, so bold text is not synthesised (which garbled capitals in Chromium).
THEME = gr.themes.Default(
    primary_hue="blue",
    font=[gr.themes.LocalFont("Source Sans Pro", weights=(400, 600, 700)), "ui-sans-serif",
          "system-ui", "sans-serif"])

CSS = """
.mp-alert {border-left: 6px solid #d97706; background: #fffbeb; color: #3b2a06;
  padding: 10px 14px; border-radius: 6px; margin: 4px 0;}
.mp-ok {border-left: 6px solid #15803d; background: #f0fdf4; color: #0b3b1b;
  padding: 10px 14px; border-radius: 6px;}
.mp-note {border-left: 6px solid #64748b; background: #f8fafc; color: #1e293b;
  padding: 10px 14px; border-radius: 6px;}
.mp-alert ul, .mp-note ul {margin: 6px 0 0 18px; padding: 0;}
.mp-badge {display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 0.85em;
  font-weight: 600; white-space: nowrap;}
.mp-open {background: #dcfce7; color: #14532d;}
.mp-closing_soon {background: #ffedd5; color: #7c2d12;}
.mp-closed {background: #e5e7eb; color: #374151;}
.mp-unknown {background: #e0e7ff; color: #1e3a8a;}
.mp-table-wrap {overflow-x: auto; max-width: 100%;}
.mp-table {border-collapse: collapse; width: 100%; font-size: 0.95em; border: none !important;}
.mp-table th, .mp-table td {border: none !important; border-bottom: 1px solid #e5e7eb !important;
  padding: 6px 8px; text-align: left; vertical-align: top;}
.mp-card {border: 1px solid #e5e7eb; border-radius: 8px; padding: 10px 14px; margin: 8px 0;
  overflow-wrap: anywhere;}
.mp-card.mp-miss {border-style: dashed;}
.mp-quote {color: #374151; font-style: italic;}
/* On a phone the calls table becomes one card per call: no sideways scrolling. */
@media (max-width: 640px) {
  .mp-table thead {display: none;}
  .mp-table tr {display: block; border-bottom: 2px solid #e5e7eb; padding: 6px 0;}
  .mp-table td {display: block; border: none !important; padding: 2px 4px;}
  .mp-table td::before {content: attr(data-label) ": "; font-weight: 700; font-size: 0.9em;
    color: #4b5563;}
  .mp-table td.mp-first::before {content: "";}
}
.gradio-container {max-width: 1200px !important;}
"""


# ---------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------


def friendly(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Show one clear sentence for any unexpected error; keep the traceback in the log."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception:
                log.exception("could not %s", action)
                raise gr.Error(f"Could not {action}. The details are in the log.",
                               print_exception=False) from None

        return inner

    return wrap


def doc_link(doc_id: str, page: int | None) -> str:
    """The app's own route for a stored original, opened at the page when it is a PDF."""
    return f"/doc/{doc_id}" + (f"#page={page}" if page else "")


def doc_id_for(lib: Library, source: str) -> str:
    """Citations of the funding radar name the file only; links need its id."""
    found = lib.registry.by_source(source)
    return found[0].doc_id if found else ""


def _esc(value: object) -> str:
    return html.escape(str(value if value is not None else ""))


def _today(today: date | None) -> date:
    return today or date.today()


# ---------------------------------------------------------------------------------------
# Ask
# ---------------------------------------------------------------------------------------


def ask_filters(doc_type: str | None, partner: str | None) -> Filters | None:
    filters = Filters(doc_types=[doc_type] if doc_type else [],
                      partners=[partner] if partner else [])
    return None if filters.is_empty() else filters


def format_citation(c: Citation) -> str:
    link = (f" · [Open{' at page ' + str(c.page) if c.page else ''}]"
            f"({doc_link(c.doc_id, c.page)})") if c.doc_id else ""
    quote = " ".join(c.quote.split())[:300]
    return f"**[{c.n}]** *{c.title or c.source}* ({c.where()}){link}\n> “{quote}”"


def format_answer(answer: Answer) -> str:
    """The answer, then its sources (document, page, quoted passage, link to the page).

    A declined answer is headed so that nobody mistakes the closest passage for an answer.
    """
    lines: list[str] = []
    if answer.declined:
        lines.append(f"**{NOT_IN_DOCUMENTS}.**\n")
    lines.append(answer.text)
    if answer.citations:
        lines.append("\n**Closest passage**" if answer.declined else "\n**Sources**")
        lines.extend(format_citation(c) for c in answer.citations)
    lines.extend(f"\n_Note: {w}_" for w in answer.warnings)
    return "\n\n".join(lines)


def chat_reply(assistant: Assistant, message: str, doc_type: str,
               conversation: Conversation, partner: str = "") -> Iterator[str]:
    """The answer as it takes shape: with a language model, the embedded answer at once and
    the written one streaming beneath it under WRITING, then the final answer with its
    sources in place of both."""
    if not (message or "").strip():
        yield "Type a question about your agreements, grant calls or reports."
        return
    try:
        if assistant.library.is_empty():
            yield EMPTY_LIBRARY
            return
        head, text = "", ""
        for event in assistant.stream(message, filters=ask_filters(doc_type, partner),
                                      conversation=conversation):
            if isinstance(event, Answer):
                yield format_answer(event)
            elif isinstance(event, Draft):
                head = f"{format_answer(event.answer)}\n\n---\n{WRITING}\n\n"
                yield head
            else:
                text += event
                yield head + text
    except Exception:  # one clear sentence on the page, the details in the log
        log.exception("answering failed")
        yield "Something went wrong while answering; the details are in the log."


def _message_text(content: Any) -> str | None:
    """A chat message's text, whether Gradio hands it over as a string or as parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list | tuple) and content and all(
            isinstance(c, dict) and c.get("type") == "text" for c in content):
        return "".join(c.get("text", "") for c in content)
    return None


def keep_draft(history: list[Any]) -> list[Any]:
    """After Stop: the last answer goes back to the embedded one, without the half-written
    text under it (what stays on screen must be an answer the officer can rely on)."""
    if not history:
        return history
    last = history[-1]
    content = last.get("content") if isinstance(last, dict) else getattr(last, "content", None)
    text = _message_text(content)
    if text is None or WRITING not in text:
        return history
    kept = text[:text.index(WRITING)].rstrip().removesuffix("---").rstrip()
    kept = f"{kept}\n\n{STOPPED}"
    if isinstance(last, dict):
        return [*history[:-1], {**last, "content": kept}]
    return [*history[:-1], replace(last, content=kept)]


def partner_choices(lib: Library) -> list[tuple[str, str]]:
    partners = sorted({p for r in lib.documents() for p in r.partners}, key=str.lower)
    return [("All partners", ""), *[(p, p) for p in partners]]


# ---------------------------------------------------------------------------------------
# Agreements
# ---------------------------------------------------------------------------------------


def _matches_text(row: AgreementRow, text: str) -> bool:
    hay = " ".join([row.title, row.source, *row.partners, *row.countries]).lower()
    return all(word in hay for word in text.lower().split())


def agreement_frame(rows: Sequence[AgreementRow]) -> pd.DataFrame:
    data = [[" / ".join(r.partners) or r.title, AGREEMENT_STATUS_LABELS.get(r.status, r.status),
             r.expiry_date or "", r.days_to_expiry if r.days_to_expiry is not None else "",
             ", ".join(r.countries), ", ".join(r.areas), r.signing_date or "",
             ", ".join(r.languages), r.source]
            for r in rows]
    return pd.DataFrame(data, columns=AGREEMENT_COLUMNS)


def _agreement_items(rows: Sequence[AgreementRow]) -> str:
    return "".join(
        f"<li><b>{_esc(' / '.join(r.partners) or r.title)}</b>: "
        f"{'ends' if (r.days_to_expiry or 0) >= 0 else 'ended'} {_esc(r.expiry_date)} "
        f"({_days(r.days_to_expiry)}) — {_esc(r.source)}</li>" for r in rows)


def _days(days: int | None) -> str:
    if days is None:
        return "no date"
    return f"in {days} days" if days >= 0 else f"{-days} days ago"


def expiring_banner(rows: Sequence[AgreementRow], window_months: int) -> str:
    """Agreements expiring within the window first (renewal needs time), then expired ones."""
    if not rows:
        return ("<div class='mp-note'>No agreements in your library yet. Add your MoUs and "
                "sister-city agreements in the <b>Library</b> tab.</div>")
    alerts = [r for r in rows if r.status == "expiring"]
    expired = [r for r in rows if r.status == "expired"]
    if alerts:
        n = len(alerts)
        head = (f"<div class='mp-alert' role='alert'><b>{n} agreement{'s' if n > 1 else ''} "
                f"expiring within {window_months} months</b>: time to plan the renewal."
                f"<ul>{_agreement_items(alerts)}</ul></div>")
    else:
        head = (f"<div class='mp-ok'>No agreement expires in the next {window_months} "
                f"months.</div>")
    if expired:
        n = len(expired)
        head += (f"<div class='mp-note'>{n} agreement{'s have' if n > 1 else ' has'} expired:"
                 f"<ul>{_agreement_items(expired)}</ul></div>")
    return head


@friendly("load the agreements register")
def agreement_view(lib: Library, status: str = "", text: str = "",
                   today: date | None = None) -> tuple[str, pd.DataFrame]:
    """The expiring-agreements banner (always unfiltered) and the filtered register."""
    register = AgreementsRegister(lib, today=today)
    every = register.rows()
    rows = [r for r in every if (not status or r.status == status)
            and (not text.strip() or _matches_text(r, text))]
    return expiring_banner(every, register.window_months), agreement_frame(rows)


# ---------------------------------------------------------------------------------------
# Funding
# ---------------------------------------------------------------------------------------


def badge(status: str) -> str:
    label = CALL_STATUS_LABELS.get(status, status.replace("_", " "))
    return f"<span class='mp-badge mp-{_esc(status)}'>{_esc(label)}</span>"


def calls_table(rows: Sequence[CallRow]) -> str:
    if not rows:
        return ("<div class='mp-note'>No grant calls in your library yet. Add calls for "
                "proposals in the <b>Library</b> tab; they appear here with their deadlines."
                "</div>")
    head = "".join(f"<th>{h}</th>" for h in
                   ("Status", "Call", "Funder", "Amount per project", "Deadline", "Document"))
    body = "".join(
        f"<tr><td class='mp-first'>{badge(r.status)}</td><td data-label='Call'>"
        f"<b>{_esc(r.name)}</b></td><td data-label='Funder'>{_esc(r.funder)}</td>"
        f"<td data-label='Amount'>{_esc(r.amount_text() or 'not stated')}</td>"
        f"<td data-label='Deadline'>{_esc(r.deadline_text())}</td>"
        f"<td data-label='Document'><a href='{doc_link(r.doc_id, r.pages.get('deadline'))}'"
        f" target='_blank'>{_esc(r.source)}</a></td></tr>" for r in rows)
    return (f"<div class='mp-table-wrap'><table class='mp-table mp-calls'><thead><tr>{head}"
            f"</tr></thead><tbody>{body}</tbody></table></div>")


def calls_timeline(rows: Sequence[CallRow]) -> pd.DataFrame:
    """One point per dated call: when it closes, coloured by status."""
    data = [{"Deadline": pd.Timestamp(r.deadline),
             "Call": r.call_id or (r.programme or r.title)[:28],  # short: the axis labels
             "Status": CALL_STATUS_LABELS.get(r.status, r.status),
             "Amount": r.amount_text() or "not stated"}
            for r in rows if r.deadline and re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.deadline)]
    return pd.DataFrame(data, columns=["Deadline", "Call", "Status", "Amount"])


def timeline_limits(frame: pd.DataFrame) -> list[float] | None:
    """A month of margin each side, so the first and last calls are not cut at the edge."""
    if frame.empty:
        return None
    margin = pd.Timedelta(days=30)
    return [(frame["Deadline"].min() - margin).timestamp(),
            (frame["Deadline"].max() + margin).timestamp()]


@friendly("load the funding calls")
def funding_view(lib: Library, today: date | None = None) -> tuple[str, pd.DataFrame]:
    rows = call_rows(lib, _today(today))
    return calls_table(rows), calls_timeline(rows)


def _citation_items(lib: Library, citations: Sequence[dict[str, Any]]) -> str:
    items = []
    for c in citations:
        doc_id = doc_id_for(lib, c["source"])
        page = c.get("page")
        where = f"{_esc(c['source'])}{', page ' + str(page) if page else ''}"
        link = (f" · <a href='{doc_link(doc_id, page)}' target='_blank'>open</a>"
                if doc_id else "")
        items.append(f"<li>[{c['n']}] {where}{link}: <span class='mp-quote'>“"
                     f"{_esc(c['quote'][:300])}”</span></li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _call_card(lib: Library, entry: dict[str, Any], miss: bool,
               rows: dict[str, CallRow]) -> str:
    name = entry.get("programme") or entry["source"]
    if entry.get("call_id"):
        name += f" ({entry['call_id']})"
    if entry.get("lot"):
        name += f", {entry['lot']}"
    checks = "".join(f"<li>{_esc(c)}</li>" for c in entry.get("check", []))
    row = rows.get(entry.get("key") or entry["source"])
    deadline = row.deadline_text() if row else (entry.get("deadline") or "not stated")
    failed = ("<p><b>Does not fit because:</b> " + _esc("; ".join(entry["failed"])) + "</p>"
              if miss and entry.get("failed") else "")
    return (f"<div class='mp-card{' mp-miss' if miss else ''}'>"
            f"<div><b>{_esc(name)}</b> {badge(entry.get('status') or 'unknown')}</div>"
            f"<p><b>Amount:</b> {_esc(entry.get('amount') or 'not stated')} · "
            f"<b>Deadline:</b> {_esc(deadline)}</p>{failed}"
            f"<p><b>Why:</b> {_esc(entry.get('why'))}</p>"
            + (f"<p><b>Check:</b></p><ul>{checks}</ul>" if checks else "")
            + "<p><b>Sources:</b></p>" + _citation_items(lib, entry.get("citations", []))
            + "</div>")


@friendly("search the funding calls")
def funding_search(lib: Library, request: str, today: date | None = None) -> str:
    if not (request or "").strip():
        return ("<div class='mp-note'>Describe your project in a sentence (theme, partners "
                "and their countries, who applies), then press <b>Find funding</b>.</div>")
    result = FundingRadar(lib, today=today).run(request)
    rows = {r.key: r for r in call_rows(lib, _today(today))}
    parts = [f"<div class='mp-note'>{_esc(result.answer)}</div>"]
    if result.flagged:
        parts.append("<h3>Calls that fit</h3>")
        parts.extend(_call_card(lib, e, False, rows) for e in result.flagged)
    if result.closed_fits:
        parts.append("<h3>Fit, but closed: watch for the next round</h3>")
        parts.extend(_call_card(lib, e, False, rows) for e in result.closed_fits)
    if result.near_misses:
        parts.append("<h3>Near misses</h3>")
        parts.extend(_call_card(lib, e, True, rows) for e in result.near_misses)
    return "".join(parts)


# ---------------------------------------------------------------------------------------
# Letters
# ---------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------
# Library
# ---------------------------------------------------------------------------------------


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
    ocr = ocr_status()
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


def _threadsafe_progress(progress: Callable[..., Any] | None
                         ) -> Callable[[int, int, str], None] | None:
    """Gradio's progress bar finds its event through context variables, which the ingest
    pipeline's reader thread does not inherit: run each update in the handler's context."""
    if progress is None:
        return None
    ctx = contextvars.copy_context()
    lock = threading.Lock()

    def update(done: int, total: int, name: str) -> None:
        # OCR reports each scanned page: "file.pdf (OCR page 3/12)"
        desc = f"Reading {name}" if name else "Storing"
        with lock:
            try:
                ctx.run(progress, (done, total), desc=desc)
            except Exception:  # a progress bar must never fail an ingest
                log.debug("progress update failed", exc_info=True)

    return update


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


# ---------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------


def _ask_tab(lib: Library, assistant: Assistant) -> gr.Dropdown:
    conversation = gr.State(lambda: Conversation())  # a factory: one per browser session

    def reply(message: str, _history: list, doc_type: str, partner: str,
              convo: Conversation) -> Iterator[str]:
        yield from chat_reply(assistant, message, doc_type, convo, partner)  # streams

    gr.Markdown("Ask about your agreements, grant calls and reports. Every answer cites "
                "the document and page; click **Open** to see the page.")
    with gr.Row():
        doc_type = gr.Dropdown(TYPE_CHOICES, value="", label="Search in", min_width=160,
                               elem_id="mp-type-filter")
        partner = gr.Dropdown(partner_choices(lib), value="", label="Partner",
                              min_width=160)
    chat = gr.ChatInterface(
        fn=reply,
        additional_inputs=[doc_type, partner, conversation],
        api_name="ask",
        analytics_enabled=False,
        chatbot=gr.Chatbot(height=520, label="Answers", elem_id="mp-chat",
                           placeholder="Ask a question; answers come from your documents "
                                       "only, with the page they come from."),
        textbox=gr.Textbox(placeholder="e.g. When does our agreement with Vila Serena "
                                       "expire?", submit_btn="Ask", stop_btn="Stop",
                           elem_id="mp-question"),
    )
    gr.Examples(["When does our agreement with Vila Serena expire?",
                 "Which grant calls close this year?",
                 "Which of our agreements covers youth exchanges?"],
                inputs=chat.textbox, label="Try")
    # A cleared chat starts a new conversation: follow-ups must not reach back past it.
    chat.chatbot.clear(lambda: Conversation(), None, conversation)
    # Stop cancels the model's writing (Gradio's own handler); this one leaves the embedded
    # answer on screen instead of half a sentence. The question box is left to Gradio: the
    # cancelled chain still ends by emptying and enabling it, so enabling it here would let
    # the officer type a question that the late emptying then wipes.
    def on_stop(history: list[Any], convo: Conversation) -> list[Any]:
        convo.stop()  # the request itself, not only what the page shows
        return keep_draft(history)

    chat.textbox.stop(on_stop, [chat.chatbot, conversation], [chat.chatbot],
                      queue=False, api_visibility="undocumented")
    return partner


def _agreements_tab(lib: Library) -> tuple[Callable[..., Any], list[Any], list[Any]]:
    banner = gr.HTML(elem_id="mp-expiring")
    with gr.Row():
        status = gr.Dropdown(AGREEMENT_STATUS_CHOICES, value="", label="Status",
                             min_width=160)
        text = gr.Textbox(label="Partner or country", placeholder="e.g. Portugal",
                          min_width=160)
    table = gr.Dataframe(headers=AGREEMENT_COLUMNS, interactive=False, wrap=True,
                         show_search="search", max_height=560, elem_id="mp-agreements",
                         pinned_columns=1)

    def view(s: str, t: str) -> tuple[str, pd.DataFrame]:
        return agreement_view(lib, s or "", t or "")

    for trigger in (status.change, text.change):
        trigger(view, [status, text], [banner, table], show_progress="hidden")
    return view, [status, text], [banner, table]


def _funding_tab(lib: Library) -> tuple[Callable[..., Any], list[Any]]:
    gr.Markdown("Describe a project to find the calls that fit it, or browse every call "
                "below.")
    with gr.Row():
        request = gr.Textbox(label="Your project", scale=4, min_width=200,
                             elem_id="mp-funding-request",
                             placeholder="e.g. a youth exchange with our twin town in "
                                         "Portugal next summer")
        find = gr.Button("Find funding", variant="primary", scale=1, min_width=120)
    results = gr.HTML(elem_id="mp-funding-results")
    gr.Markdown("### All calls")
    table = gr.HTML(elem_id="mp-calls")
    gr.HTML("<p>Each dot is a call at its deadline, coloured by its status today: "
            + " ".join(badge(s) for s in ("open", "closing_soon", "closed")) + "</p>")
    timeline = gr.ScatterPlot(
        x="Deadline", y="Call", color="Status", tooltip=["Call", "Deadline", "Status", "Amount"],
        title="Calls by deadline", height=400, label="Timeline", elem_id="mp-timeline",
        color_map={"Open": "#15803d", "Closing soon": "#d97706", "Closed": "#6b7280",
                   "No deadline": "#1e3a8a"},
        colors_in_legend=[])  # Gradio's legend is clipped at this height: ours is above
    for trigger in (find.click, request.submit):
        trigger(lambda r: funding_search(lib, r), request, results)

    def view() -> tuple[str, Any]:
        table_html, frame = funding_view(lib)
        return table_html, gr.update(value=frame, x_lim=timeline_limits(frame))

    return view, [table, timeline]


def _user(request: gr.Request | None) -> str | None:
    """The signed-in officer, for the audit log (None without logins: the local user)."""
    return getattr(request, "username", None)


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


def build_app(lib: Library) -> gr.Blocks:
    assistant = Assistant.from_library(lib)
    # Uploaded copies and exported letters are officers' documents: don't keep them long.
    with gr.Blocks(title="Microplomacy", delete_cache=(1800, 3600),
                   analytics_enabled=False) as app:
        gr.Markdown("# Microplomacy\nYour agreements, grant calls and reports, answered "
                    "with the page they come from.")
        with gr.Tabs():
            with gr.Tab("Ask", id="ask") as ask_tab:
                partner = _ask_tab(lib, assistant)
            with gr.Tab("Agreements", id="agreements") as agreements_tab:
                agreements, agreement_in, agreement_out = _agreements_tab(lib)
            with gr.Tab("Funding", id="funding") as funding_tab:
                funding, funding_out = _funding_tab(lib)
            with gr.Tab("Letters", id="letters"):
                _letters_tab(lib)
            with gr.Tab("Library", id="library") as library_tab:
                documents, library_out = _library_tab(lib)
        # Each tab reads the library when it is opened, so uploads and deletions show
        # everywhere without a refresh button.
        ask_tab.select(lambda: gr.update(choices=partner_choices(lib)), None, partner)
        agreements_tab.select(agreements, agreement_in, agreement_out)
        funding_tab.select(funding, None, funding_out)
        library_tab.select(documents, None, library_out)
        app.load(agreements, agreement_in, agreement_out)
        app.load(funding, None, funding_out)
        app.load(documents, None, library_out)
    return app


# ---------------------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------------------


def _signed_in(gradio_app: Any, request: Request) -> bool:
    """Gradio's own login check (routes.py `get_current_user`): its cookie names a token it
    issued at login. Tested in tests/assistant/test_ui.py, so a Gradio upgrade that changes
    it fails a test rather than opening the documents."""
    if getattr(gradio_app, "auth", None) is None:
        return True
    cookie_id = gradio_app.cookie_id
    token = (request.cookies.get(f"access-token-{cookie_id}")
             or request.cookies.get(f"access-token-unsecure-{cookie_id}"))
    return bool(token) and token in gradio_app.tokens


def original_response(lib: Library, doc_id: str) -> Response:
    """A stored original, only from the app's own document folder, only for a stored id."""
    rec = lib.registry.get(doc_id) if _DOC_ID.match(doc_id) else None
    path = lib.original_path(doc_id) if rec else None
    root = lib.settings.files_dir.resolve()
    if rec is None or path is None or not path.resolve().is_relative_to(root):
        return HTMLResponse("<p>That document is not in your library (it may have been "
                            "removed). <a href='/'>Back to Microplomacy</a></p>",
                            status_code=404)
    media = {"pdf": "application/pdf", "txt": "text/plain; charset=utf-8",
             "md": "text/plain; charset=utf-8",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    inline = rec.fmt in ("pdf", "txt", "md")  # the browser shows these; Word downloads
    return FileResponse(path, media_type=media.get(rec.fmt, "application/octet-stream"),
                        filename=rec.source,
                        content_disposition_type="inline" if inline else "attachment",
                        headers={"X-Content-Type-Options": "nosniff",
                                 "Cache-Control": "private, no-store"})


def create_server(lib: Library, login: Callable[[str, str], bool] | None = None) -> FastAPI:
    """The Gradio app mounted at / with the /doc route beside it, behind the same login."""
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    mounted: dict[str, Any] = {}

    @server.get("/doc/{doc_id}")
    def original(doc_id: str, request: Request) -> Response:
        if not _signed_in(mounted["gradio"], request):
            return HTMLResponse("<p>Please <a href='/'>sign in</a> first.</p>",
                                status_code=401)
        return original_response(lib, doc_id)

    # Sized for 20 officers asking at once on 2 cores (`make bench-load`, evals/load_test.py):
    # up to 4 runs of each handler at once. Measured: 2 gave ~25% less throughput (a run
    # also waits on Chroma, leaving a core idle), 8 no more than 4 (the same 2 cores shared).
    # The rest wait their turn in Gradio's first-come queue. When more than 64 are waiting,
    # a new request is turned away at once ("This application is currently busy. Please try
    # again.") rather than waiting for minutes.
    blocks = build_app(lib).queue(default_concurrency_limit=4, max_size=64)
    server = gr.mount_gradio_app(
        server, blocks, path="/", auth=login,
        auth_message="Sign in with the name and password your administrator gave you.",
        show_error=False, max_file_size=lib.settings.max_bytes, css=CSS,
        footer_links=["settings"], run_history=False,
        theme=THEME)
    mounted["gradio"] = next(r.app for r in server.routes if getattr(r, "path", None) == "")
    return server


def login_check(lib: Library | None = None) -> Callable[[str, str], bool] | None:
    path = auth.users_file()
    if not path:
        return None

    def audit(name: str, accepted: bool) -> None:
        if lib is not None:
            lib.audit.record("login", user=name, accepted=accepted)

    return auth.authenticator(path, on_login=audit)


def launch(lib: Library, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve until stopped. No share links; logins when MICROPLOMACY_USERS is set."""
    import uvicorn

    try:
        login = login_check(lib)
    except (auth.UsersFileError, OSError) as exc:
        raise SystemExit(f"error: {exc}") from None
    if login is None and host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("serving on %s without logins: anyone who can reach it can read your "
                    "documents; set %s", host, auth.ENV_VAR)
    server = create_server(lib, login)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    sys.stderr.write(f"Microplomacy is running: open http://{shown}:{port} "
                     f"(Ctrl+C to stop)\n")
    # Browsers keep a heartbeat stream open: without a bound, Ctrl+C or SIGTERM would wait
    # for every open tab to close.
    uvicorn.run(server, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)
