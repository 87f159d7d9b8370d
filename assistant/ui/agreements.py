"""The Agreements tab: the register of agreements, with those expiring soon flagged first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import gradio as gr
import pandas as pd

from assistant.library import Library
from assistant.register import AgreementRow, AgreementsRegister
from assistant.ui.common import _esc, friendly

AGREEMENT_STATUS_LABELS = {"expiring": "Expiring soon", "expired": "Expired",
                           "in_force": "In force", "renewed": "Renewed by itself",
                           "indefinite": "No end (indefinite)", "unknown": "No end date",
                           "active": "Any in force"}
AGREEMENT_STATUS_CHOICES = [("All statuses", ""),
                            *[(v, k) for k, v in AGREEMENT_STATUS_LABELS.items()]]
AGREEMENT_COLUMNS = ["Partners", "Status", "Ends", "Days left", "Countries", "Areas",
                     "Signed", "Languages", "Document"]


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
