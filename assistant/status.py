"""Where an agreement or a call stands on a given day: the one status model.

The register, the answers (facts), the funding radar and the letters all ask this module,
so no two tabs can disagree about one document. Each status carries its reason in plain
words and the page it rests on.

Agreements: in force, expiring (its term ends within the window), expired, renewed (a
term that renews by itself, automatically or tacitly, "unless either party gives notice",
rolled forward to the current term), indefinite (concluded for an indefinite period), or
unknown (no end stated). Calls: not yet open, open, closing soon, closed, or unknown.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from ingest.dates import add_months, add_years, human_date
from ingest.registry import DocRecord

log = logging.getLogger(__name__)

CLOSING_SOON_DAYS = 30
EXPIRING_WINDOW_MONTHS = 6

AGREEMENT_STATES = ("in_force", "expiring", "renewed", "indefinite", "expired", "unknown")
CALL_STATES = ("not_yet_open", "open", "closing_soon", "closed", "unknown")
LABELS = {"in_force": "in force", "expiring": "expiring", "renewed": "renewed",
          "indefinite": "in force (no end date)", "expired": "expired",
          "unknown": "no end date stated", "not_yet_open": "not yet open", "open": "open",
          "closing_soon": "closing soon", "closed": "closed"}

# A term that continues by itself, in the languages officers meet. Renewal "by an exchange
# of letters" or "if the parties agree" needs an act, so it is not here.
_SELF_RENEWING = re.compile(
    r"automatic|tacit|unless (?:either|one|any) (?:of the )?part(?:y|ies)|"
    r"unless (?:it is |terminated|denounced)|shall (?:thereafter )?(?:be |remain )?"
    r"(?:extended|renewed|continue)|successive periods|"
    r"tacitamente|automaticamente|automáticamente|tácitamente|tacitement|automatiquement|"
    r"stilzwijgend|automatisch|stillschweigend", re.I)
_INDEFINITE = re.compile(
    r"indefinite|unlimited (?:duration|period)|no (?:fixed )?(?:end|expiry)|"
    r"tempo indeterminato|durata illimitata|onbepaalde tijd|unbestimmte Zeit|"
    r"duración indefinida|durée (?:illimitée|indéterminée)", re.I)


@dataclass(frozen=True)
class Status:
    state: str
    reason: str  # plain words, dates written out
    until: str | None = None  # ISO: end of the current term, the deadline, or the opening
    days: int | None = None  # from today to ``until``
    page: int | None = None

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def in_force(self) -> bool:
        return self.state in ("in_force", "expiring", "renewed", "indefinite")


def _value(rec: DocRecord, name: str) -> object:
    return rec.field_value(name)


def _page(rec: DocRecord, name: str) -> int | None:
    f = rec.fields.get(name) or {}
    return f.get("page")


def self_renewing(rec: DocRecord) -> bool:
    text = " ".join(str(_value(rec, n) or "") + " " + str((rec.fields.get(n) or {})
                                                           .get("evidence", ""))
                    for n in ("renewal", "duration_years", "expiry_date"))
    return bool(_SELF_RENEWING.search(text))


def _renewal_years(rec: DocRecord) -> int | None:
    """The length of a renewed term: 'for successive periods of 5 years', else the first."""
    text = str(_value(rec, "renewal") or "")
    from ingest.numbers import NUM_TOKEN, to_int

    m = re.search(rf"(?P<n>{NUM_TOKEN})(?:\s*\(\d+\))?[\s-]+years?", text, re.I)
    if m and (n := to_int(m.group("n"))):
        return n
    duration = _value(rec, "duration_years")
    return duration if isinstance(duration, int) and duration > 0 else None


def agreement_status(rec: DocRecord, today: date,
                     window_months: int = EXPIRING_WINDOW_MONTHS) -> Status:
    expiry = _value(rec, "expiry_date")
    if not expiry:
        text = " ".join(str(_value(rec, n) or "") for n in ("renewal", "duration_years"))
        evidence = " ".join(str((rec.fields.get(n) or {}).get("evidence", ""))
                            for n in ("renewal", "duration_years", "termination"))
        if _INDEFINITE.search(text + " " + evidence):
            return Status("indefinite", "concluded for an indefinite period",
                          page=_page(rec, "renewal") or _page(rec, "duration_years"))
        return Status("unknown", "the agreement states no end date")
    try:
        end = date.fromisoformat(str(expiry)[:10]) if len(str(expiry)) >= 10 else \
            date.fromisoformat(f"{expiry}-01" if len(str(expiry)) == 7 else f"{expiry}-12-31")
    except ValueError:
        log.warning("%s: unreadable expiry %r", rec.source, expiry)
        return Status("unknown", "the end date cannot be read")
    page = _page(rec, "expiry_date")
    renewed = False
    if end < today and self_renewing(rec) and (years := _renewal_years(rec)):
        while end < today:
            end = date.fromisoformat(add_years(end.isoformat(), years))
        renewed = True
    days = (end - today).days
    iso = end.isoformat()
    if end < today:
        return Status("expired", f"expired on {human_date(iso)}", iso, days, page)
    near = end <= date.fromisoformat(add_months(today.isoformat(), window_months))
    if renewed:
        reason = f"renewed automatically; the current term ends {human_date(iso)}"
        return Status("expiring" if near else "renewed", reason, iso, days,
                      _page(rec, "renewal") or page)
    if near:
        return Status("expiring", f"ends on {human_date(iso)}", iso, days, page)
    return Status("in_force", f"in force until {human_date(iso)}", iso, days, page)


def parse_deadline(value: object) -> date | None:
    """An ISO date; a month or a year alone counts as its last day (the latest reading)."""
    text = str(value or "")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = int(text[:4]), int(text[5:])
            nxt = date(year + month // 12, month % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        if re.fullmatch(r"\d{4}", text):
            return date(int(text), 12, 31)
    except ValueError:
        log.warning("unreadable deadline %r", text)
    return None


def deadline_status(deadline: date | None, today: date) -> tuple[str, int | None]:
    """(state, days left). The deadline day itself still counts: calls close at a time."""
    if deadline is None:
        return "unknown", None
    days = (deadline - today).days
    if days < 0:
        return "closed", days
    return ("closing_soon" if days <= CLOSING_SOON_DAYS else "open"), days


def call_status(rec: DocRecord, today: date) -> Status:
    deadline = parse_deadline(_value(rec, "deadline"))
    opens = parse_deadline(_value(rec, "opening_date"))
    if opens and opens > today and (deadline is None or deadline >= today):
        iso = opens.isoformat()
        return Status("not_yet_open", f"opens on {human_date(iso)}", iso, (opens - today).days,
                      _page(rec, "opening_date"))
    state, days = deadline_status(deadline, today)
    page = _page(rec, "deadline")
    if deadline is None:
        return Status("unknown", "the call states no deadline")
    iso = deadline.isoformat()
    reasons = {"closed": f"closed on {human_date(iso)}",
               "closing_soon": f"closes on {human_date(iso)}, in {days} days",
               "open": f"open until {human_date(iso)}"}
    return Status(state, reasons[state], iso, days, page)


def status_of(rec: DocRecord, today: date) -> Status | None:
    """The status of an agreement or a call; None for other documents."""
    if rec.doc_type == "mou":
        return agreement_status(rec, today)
    if rec.doc_type == "grant_call":
        return call_status(rec, today)
    return None
