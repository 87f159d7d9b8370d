"""The funding table: one row per call, or per lot when a call has lots, with the call's
status against today."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from assistant.facts import human_date, money
from assistant.library import Library
from assistant.retrieve import terms
from assistant.sentences import CODE
from assistant.status import call_status, deadline_status, parse_deadline
from ingest.lots import LOT_FIGURES
from ingest.registry import DocRecord

ROW_FIELDS = ("title", "programme", "call_id", "funder", "themes", "amount_min", "amount_max",
              "currency", "call_budget", "cofinancing_rate", "eligible_applicants",
              "eligible_countries", "partnership_min", "duration_months", "opening_date",
              "deadline", "deadline_time", "deadline_tz")


@dataclass
class CallRow:
    source: str
    doc_id: str
    title: str
    programme: str | None
    call_id: str | None
    funder: str | None
    themes: list[str]
    amount_min: float | None
    amount_max: float | None
    currency: str | None
    call_budget: float | None
    cofinancing_rate: float | None
    eligible_applicants: list[str]
    eligible_countries: list[str]
    partnership_min: int | None
    duration_months: int | None
    opening_date: str | None
    deadline: str | None
    deadline_time: str | None
    deadline_tz: str | None
    status: str
    days_left: int | None
    status_reason: str = ""
    pages: dict[str, int | None] = field(default_factory=dict)
    lot: str | None = None  # a call divided into lots is one row per lot
    # the figures this row has from its lot: the record's evidence for them is the span
    # across lots, not this lot's, so they are not cited from it
    lot_figures: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """One row of the radar: the call, or one of its lots."""
        return f"{self.source}#{self.lot}" if self.lot else self.source

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def name(self) -> str:
        """How the officer recognises the call: programme and call id."""
        prog = self.programme or self.title
        name = f"{prog} ({self.call_id})" if self.call_id else prog
        return f"{name}, {self.lot}" if self.lot else name

    def amount_text(self) -> str:
        low, high = self.amount_min, self.amount_max
        if low is None and high is None:
            return ""
        if low is not None and (high is None or high == low):
            return money(low, self.currency) + (" (lump sum)" if high == low else "")
        if low is None:
            return f"up to {money(high, self.currency)}"
        return f"{money(low, self.currency)} to {money(high, self.currency)}"

    def deadline_text(self) -> str:
        if not self.deadline:
            return "no deadline stated"
        when = human_date(self.deadline)
        if self.deadline_time:
            when += f" at {self.deadline_time}"
        return when + (f" {self.deadline_tz}" if self.deadline_tz else "")


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def _whole(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) else None


def call_row(rec: DocRecord, today: date) -> CallRow:
    v = rec.field_value
    st = call_status(rec, today)
    _, days = deadline_status(parse_deadline(v("deadline")), today)
    return CallRow(
        source=rec.source, doc_id=rec.doc_id, title=str(v("title") or rec.title),
        programme=v("programme"), call_id=v("call_id"), funder=v("funder"),
        themes=list(v("themes") or []),
        amount_min=_num(v("amount_min")), amount_max=_num(v("amount_max")),
        currency=v("currency"), call_budget=_num(v("call_budget")),
        cofinancing_rate=_num(v("cofinancing_rate")),
        eligible_applicants=list(v("eligible_applicants") or []),
        eligible_countries=list(v("eligible_countries") or []),
        partnership_min=_whole(v("partnership_min")),
        duration_months=_whole(v("duration_months")),
        opening_date=v("opening_date"), deadline=v("deadline"),
        deadline_time=v("deadline_time"), deadline_tz=v("deadline_tz"),
        status=st.state, days_left=days, status_reason=st.reason,
        pages={n: rec.fields[n].get("page") for n in ROW_FIELDS if n in rec.fields},
    )


def lot_rows(rec: DocRecord, today: date) -> list[CallRow]:
    """The call's rows: one per lot, with the lot's own range, rate and duration (a figure
    other lots state but this one does not is left empty, never the call's span; one that
    no lot states is the call's, shared by all) and applicants, or the one row of a call
    without lots."""
    row = call_row(rec, today)
    lots = [lot for lot in rec.field_value("lots") or [] if isinstance(lot, dict)]
    if len(lots) < 2:
        return [row]
    # a figure some lot states is per lot; one no lot states is the call's, shared by all
    per_lot = {k for lot in lots for k in LOT_FIGURES if k in lot}
    # applicants stated for one lot are its own; the call's list, less those, is the others'
    owned = {a for lot in lots for a in lot.get("eligible_applicants") or []}
    general = [a for a in row.eligible_applicants if a not in owned]
    out = []
    for i, lot in enumerate(lots, 1):
        name = str(lot.get("name") or f"Lot {i}")
        own = {k: (lot.get(k) if k in per_lot else getattr(row, k)) for k in LOT_FIGURES}
        # the lot's subject is a priority of its own ("TV programmes")
        subject = name.split(":", 1)[-1].strip()
        out.append(replace(row, lot=name, themes=[*row.themes, subject],
                           eligible_applicants=list(lot.get("eligible_applicants") or general),
                           amount_min=_num(own["amount_min"]),
                           amount_max=_num(own["amount_max"]),
                           cofinancing_rate=_num(own["cofinancing_rate"]),
                           duration_months=_whole(own["duration_months"]),
                           lot_figures=tuple(sorted(per_lot))))
    return out


def title_words(title: str) -> set[str]:
    return {t for t in terms(title.replace("-", " ")) if t.isalpha() and len(t) > 3}


def same_calls(rows: list[CallRow],
               languages: dict[str, str] | None = None) -> dict[str, set[str]]:
    """Documents that publish one call: a call's guidelines in one language and its notice
    in the Official Journal in another. Two documents are one call when they state the same
    submission deadline, their titles share a name that at most half of the stored calls'
    titles hold ("PRINCE"; "call" and "proposals" are every call's), they name no two
    different call codes in their titles, and they are written in two languages or give
    the same call id: strands of one programme that close on one day ("FTF-2026-CLIMA-02",
    "FTF-2026-CULT-01") stay two calls. ``languages``: each source's main language.
    Returns, per source, the other sources of its call."""
    languages = languages or {}
    by_source: dict[str, CallRow] = {}
    for row in rows:
        by_source.setdefault(row.source, row)
    words = {s: title_words(r.title) for s, r in by_source.items()}
    spread: dict[str, int] = {}
    for ws in words.values():
        for w in ws:
            spread[w] = spread.get(w, 0) + 1
    # a word most stored calls' titles hold ("call", "proposals") names none of them
    common = max(2.0, len(by_source) / 2)
    out: dict[str, set[str]] = {s: set() for s in by_source}
    items = list(by_source.items())
    for i, (a, ra) in enumerate(items):
        for b, rb in items[i + 1:]:
            if not ra.deadline or ra.deadline != rb.deadline:
                continue
            if not any(spread[w] <= common for w in words[a] & words[b]):
                continue
            codes_a, codes_b = set(CODE.findall(ra.title)), set(CODE.findall(rb.title))
            if codes_a and codes_b and not codes_a & codes_b:
                continue
            two_languages = (languages.get(a) and languages.get(b)
                             and languages[a] != languages[b])
            if two_languages or (ra.call_id and ra.call_id == rb.call_id):
                out[a].add(b)
                out[b].add(a)
    return out


def call_rows(library: Library, today: date) -> list[CallRow]:
    """Every stored grant call (a row per lot), soonest deadline first, closed and undated
    ones last."""
    rows = [row for r in library.documents("grant_call") for row in lot_rows(r, today)]
    order = {"closing_soon": 0, "open": 1, "not_yet_open": 2, "unknown": 3, "closed": 4}
    return sorted(rows, key=lambda r: (order[r.status], r.deadline or "9999", r.source))
