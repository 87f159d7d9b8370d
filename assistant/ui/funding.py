"""The Funding tab: every grant call with its deadline, and the calls that fit a project.

The radar's citations name a file, not a stored id, so the links to the originals are
resolved here against the library.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import gradio as gr
import pandas as pd

from assistant.funding import CallRow, FundingRadar, call_rows
from assistant.library import Library
from assistant.ui.common import _esc, _today, doc_link, friendly

CALL_STATUS_LABELS = {"not_yet_open": "Not yet open", "open": "Open",
                      "closing_soon": "Closing soon", "closed": "Closed", "unknown": "No deadline"}


def doc_id_for(lib: Library, source: str) -> str:
    """Citations of the funding radar name the file only; links need its id."""
    found = lib.registry.by_source(source)
    return found[0].doc_id if found else ""


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
