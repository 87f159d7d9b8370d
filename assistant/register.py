"""The agreements register: every stored agreement as a row, with its status against today.

Each value keeps the page it came from, so the UI can open the agreement where it says so.
Statuses come from ``assistant.status`` (the one model the answers, radar and letters use):
an agreement that renews by itself is "renewed", never "expired", when its first term ends.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from assistant.library import Library
from assistant.retrieve import Filters, HybridRetriever, terms
from assistant.status import AGREEMENT_STATES, agreement_status
from ingest.registry import DocRecord

log = logging.getLogger(__name__)

# "active": every agreement still in force, whichever way (a filter, not a state)
STATUSES = (*AGREEMENT_STATES, "active")
ROW_FIELDS = ("kind", "parties", "countries", "signing_date", "signing_place", "signatories",
              "areas", "implementing_body", "duration_years", "expiry_date", "renewal",
              "termination", "languages")


@dataclass
class AgreementRow:
    source: str
    doc_id: str
    title: str
    kind: str | None
    partners: list[str]
    countries: list[str]
    signing_date: str | None
    areas: list[str]
    implementing_body: str | None
    duration_years: int | None
    expiry_date: str | None  # end of the current term
    renewal: str | None
    status: str
    status_note: str
    days_to_expiry: int | None
    pages: dict[str, int | None] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)  # of its text: a bilingual one has two

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def agreement_row(rec: DocRecord, today: date, window_months: int = 6) -> AgreementRow:
    st = agreement_status(rec, today, window_months)
    status, note, end = st.state, st.reason, st.until
    value = rec.field_value
    pages = {n: rec.fields[n].get("page") for n in ROW_FIELDS if n in rec.fields}
    evidence = {n: rec.fields[n].get("evidence", "") for n in ROW_FIELDS if n in rec.fields}
    return AgreementRow(
        source=rec.source, doc_id=rec.doc_id, title=rec.title, kind=value("kind"),
        partners=list(value("parties") or rec.partners), countries=list(value("countries") or []),
        signing_date=value("signing_date"), areas=list(value("areas") or []),
        implementing_body=value("implementing_body"), duration_years=value("duration_years"),
        expiry_date=end, renewal=value("renewal"), status=status, status_note=note,
        days_to_expiry=(date.fromisoformat(end) - today).days if end else None,
        pages=pages, evidence=evidence, languages=list(rec.languages),
    )


class AgreementsRegister:
    def __init__(self, library: Library, today: date | None = None,
                 window_months: int = 6) -> None:
        self.library = library
        self._today = today
        self.window_months = window_months

    @property
    def today(self) -> date:
        return self._today or date.today()

    def rows(self, status: str | None = None, partner: str | None = None,
             country: str | None = None, area: str | None = None,
             query: str | None = None) -> list[AgreementRow]:
        """Filtered rows: expiring first, then by end date; by meaning when ``query`` is set."""
        if status and status not in STATUSES:
            raise ValueError(f"unknown status {status!r}: use one of {', '.join(STATUSES)}")
        rows = [agreement_row(r, self.today, self.window_months)
                for r in self.library.agreements()]
        if status == "active":
            rows = [r for r in rows if r.status in ("in_force", "expiring", "renewed",
                                                    "indefinite")]
        elif status:
            rows = [r for r in rows if r.status == status]
        if partner:
            rows = [r for r in rows if any(partner.lower() in p.lower() for p in r.partners)
                    or partner.lower() in r.title.lower()]
        if country:
            rows = [r for r in rows if any(country.lower() == c.lower() for c in r.countries)]
        if area:
            rows = [r for r in rows if any(area.lower() in a.lower() for a in r.areas)]
        if query:
            return self._by_meaning(rows, query)
        order = {"expiring": 0, "expired": 1, "renewed": 2, "in_force": 3, "indefinite": 4,
                 "unknown": 5}
        return sorted(rows, key=lambda r: (order[r.status], r.expiry_date or "9999"))

    def _by_meaning(self, rows: list[AgreementRow], query: str) -> list[AgreementRow]:
        """Rank by the agreements' passages (hybrid search), areas of cooperation first."""
        if not rows:
            return []
        retriever = HybridRetriever(self.library.store, self.library.registry,
                                    self.library.embedder)
        passages = retriever.run(query, Filters(doc_ids=[r.doc_id for r in rows]), k=20)
        rank = {d: i for i, d in enumerate(dict.fromkeys(p.doc_id for p in passages))}
        q = set(terms(query))

        def key(r: AgreementRow) -> tuple[int, int]:
            in_areas = any(q & set(terms(a)) for a in r.areas)
            return (0 if in_areas else 1, rank.get(r.doc_id, len(rank)))

        return sorted(rows, key=key)

    def alerts(self) -> list[AgreementRow]:
        return self.rows(status="expiring")
