"""What every tab shares: the page's look, links to stored originals, and one way to fail.

The error decorator, HTML escaping, the document-type vocabulary shown to officers and the
theme live here once, so each tab's module depends on this one and never on another tab.
"""

from __future__ import annotations

import contextvars
import functools
import html
import logging
import threading
from collections.abc import Callable
from datetime import date
from typing import Any, ParamSpec, TypeVar

import gradio as gr

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

TYPE_LABELS = {"mou": "Agreement", "grant_call": "Grant call",
               "policy_report": "Policy report", "other": "Other"}
TYPE_CHOICES = [("All documents", ""), ("Agreements", "mou"), ("Grant calls", "grant_call"),
                ("Policy reports", "policy_report"), ("Other", "other")]

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


def _esc(value: object) -> str:
    return html.escape(str(value if value is not None else ""))


def _today(today: date | None) -> date:
    return today or date.today()


def _user(request: gr.Request | None) -> str | None:
    """The signed-in officer, for the audit log (None without logins: the local user)."""
    return getattr(request, "username", None)


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
