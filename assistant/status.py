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

from ingest.dates import add_months, human_date
from ingest.extract.patterns import INDEFINITE_TERM
from ingest.numbers import to_int
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

# A term that continues by itself, in the languages officers meet: a renewal verb with
# "automatically", "tacitly", "unless either party gives notice" or "for successive
# periods". Renewal "by an exchange of letters" or "if the parties agree" needs an act, and
# "remains in force unless terminated" renews nothing, so neither is here.
_RENEW_VERB = re.compile(
    r"\b(?:renew|extend|prolong|rinnov|prorog|verleng|verl[äa]nger|renouvel|reconduct|"
    r"prorrog|renov)\w*", re.I)
_BY_ITSELF = re.compile(
    r"\bautomatic\w*|\btacit\w*|\bunless (?:either|one|any) (?:of the )?part(?:y|ies)\b|"
    r"\bsuccessive (?:periods|terms)\b|\bsuccessive [\w-]+[- ](?:year|month)\b|"
    r"\bautomatica\w*|\bautom[áa]tica\w*|\bt[áa]cita\w*|\btacite\w*|\bautomatiquement\b|"
    r"\bstilzwijgend\w*|\bautomatisch\w*|\bstillschweigend\w*", re.I)
# the length of a renewed term, in the languages of the cues above
_TERM = re.compile(r"(?P<n>\w+(?:-\w+)?)(?:\s*\(\d+\))?[\s-]+(?P<unit>years?|anni|anno|jaar|"
                   r"Jahre?n?|a[ñn]os?|ans?|months?|mesi|maanden|Monate?n?|meses|mois)\b", re.I)


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


def _on(iso: str) -> str:
    """'on 15 June 2027', 'in June 2027': never a day the document did not state."""
    return f"{'on' if len(iso) >= 10 else 'in'} {human_date(iso)}"


def _value(rec: DocRecord, name: str) -> object:
    return rec.field_value(name)


def _page(rec: DocRecord, name: str) -> int | None:
    f = rec.fields.get(name) or {}
    return f.get("page")


def _renewal_text(rec: DocRecord) -> str:
    f = rec.fields.get("renewal") or {}
    return f"{f.get('value') or ''} {f.get('evidence') or ''}"


def self_renewing(rec: DocRecord) -> bool:
    """Whether the renewal clause renews the term by itself (read from that clause only)."""
    text = _renewal_text(rec)
    return bool(_RENEW_VERB.search(text) and _BY_ITSELF.search(text))


def _renewal_months(rec: DocRecord) -> int | None:
    """The length of a renewed term: 'for successive periods of 5 years', else the first."""
    lang = rec.languages[0] if rec.languages else None
    for m in _TERM.finditer(_renewal_text(rec)):
        n = to_int(m.group("n"), lang) or to_int(m.group("n"), None)
        if n:
            monthly = m.group("unit").lower().startswith(("month", "mes", "maand", "monat", "mois"))
            return n if monthly else 12 * n
    duration = _value(rec, "duration_years")
    return 12 * duration if isinstance(duration, int) and duration > 0 else None


def agreement_status(rec: DocRecord, today: date,
                     window_months: int = EXPIRING_WINDOW_MONTHS) -> Status:
    expiry = _value(rec, "expiry_date")
    if not expiry:
        text = " ".join(f"{f.get('value') or ''} {f.get('evidence') or ''}"
                        for n in ("renewal", "duration_years", "term")
                        if (f := rec.fields.get(n)))
        if INDEFINITE_TERM.search(text):
            return Status("indefinite", "concluded for an indefinite period",
                          page=_page(rec, "term") or _page(rec, "renewal")
                          or _page(rec, "duration_years"))
        return Status("unknown", "the agreement states no end date")
    # a month or a year alone ends on its last day, as a deadline does
    end = parse_deadline(expiry)
    if end is None:
        log.warning("%s: unreadable expiry %r", rec.source, expiry)
        return Status("unknown", "the end date cannot be read")
    page = _page(rec, "expiry_date")
    renewed = False
    if end < today and self_renewing(rec) and (months := _renewal_months(rec)):
        while end < today:
            end = date.fromisoformat(add_months(end.isoformat(), months))
        renewed = True
    days = (end - today).days
    iso = end.isoformat() if renewed or len(str(expiry)) >= 10 else str(expiry)
    if end < today:
        return Status("expired", f"expired {_on(iso)}", iso, days, page)
    near = end <= date.fromisoformat(add_months(today.isoformat(), window_months))
    if renewed:
        reason = f"renewed automatically; the current term ends {human_date(iso)}"
        return Status("expiring" if near else "renewed", reason, iso, days,
                      _page(rec, "renewal") or page)
    if near:
        return Status("expiring", f"ends {_on(iso)}", iso, days, page)
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
    opening = str(_value(rec, "opening_date") or "")
    # a month alone opens on its first day (a deadline month closes on its last)
    opens = parse_deadline(opening if len(opening) >= 10 else f"{opening}-01"[:10]) \
        if opening else None
    if opens and opens > today and (deadline is None or deadline >= today):
        iso = opens.isoformat() if len(opening) >= 10 else opening
        return Status("not_yet_open", f"opens {_on(iso)}", iso, (opens - today).days,
                      _page(rec, "opening_date"))
    state, days = deadline_status(deadline, today)
    page = _page(rec, "deadline")
    if deadline is None:
        return Status("unknown", "the call states no deadline")
    written = str(_value(rec, "deadline"))
    iso = deadline.isoformat() if len(written) >= 10 else written
    reasons = {"closed": f"closed {_on(iso)}",
               "closing_soon": f"closes {_on(iso)}, in {days} days",
               "open": f"open until {human_date(iso)}"}
    return Status(state, reasons[state], iso, days, page)


def status_of(rec: DocRecord, today: date) -> Status | None:
    """The status of an agreement or a call; None for other documents."""
    if rec.doc_type == "mou":
        return agreement_status(rec, today)
    if rec.doc_type == "grant_call":
        return call_status(rec, today)
    return None
