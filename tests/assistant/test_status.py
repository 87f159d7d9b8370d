"""The one status model, and the agreement test: register, Ask, the radar and the letters
say the same thing about every stored document on every day."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.facts import fact_lines
from assistant.funding import call_rows
from assistant.letters import LetterWriter
from assistant.library import Library
from assistant.register import AgreementsRegister
from assistant.status import (
    agreement_status,
    call_status,
    deadline_status,
    parse_deadline,
    status_of,
)
from ingest.registry import DocRecord

TODAY = date(2026, 11, 22)
DAYS = [date(2026, 11, 22), date(2027, 1, 1), date(2028, 6, 1), date(2029, 1, 1),
        date(2034, 1, 1)]


def record(doc_type: str = "mou", **fields: object) -> DocRecord:
    return DocRecord(doc_id="d", source="x.pdf", doc_type=doc_type, title="T", fmt="pdf",
                     pages=1, chunks=1, size=1, ingested_at="now",
                     fields={k: {"value": v, "page": 2, "evidence": str(v)}
                             for k, v in fields.items()})


def test_deadline_edge_cases() -> None:
    assert deadline_status(None, TODAY) == ("unknown", None)
    assert deadline_status(date(2026, 12, 22), TODAY) == ("closing_soon", 30)
    assert deadline_status(date(2026, 12, 23), TODAY) == ("open", 31)
    assert deadline_status(date(2026, 11, 22), TODAY) == ("closing_soon", 0)
    assert deadline_status(date(2026, 11, 21), TODAY) == ("closed", -1)
    assert parse_deadline("2027-02") == date(2027, 2, 28)
    assert parse_deadline("2027") == date(2027, 12, 31)
    assert parse_deadline("soon") is None


@pytest.mark.parametrize(("renewal", "state"), [
    ("automatically renewed for successive periods of four years", "renewed"),
    ("renewed for successive ten-year periods unless either party gives notice", "renewed"),
    ("si rinnova tacitamente per periodi di cinque anni", "renewed"),
    ("wordt stilzwijgend verlengd met vijf jaar", "renewed"),
    ("may be renewed for a further period of five years by an exchange of letters", "expired"),
    ("may be extended by written agreement of the Parties", "expired"),
    ("shall remain in force for five years unless either Party terminates it", "expired"),
    ("This Agreement shall continue in force until 15 June 2020.", "expired"),
    ("shall be renewed by exchange of letters", "expired"),
])
def test_a_self_renewing_term_is_renewed_not_expired(renewal: str, state: str) -> None:
    rec = record(expiry_date="2020-06-15", duration_years=5, renewal=renewal)
    st = agreement_status(rec, TODAY)
    assert st.state == state, st
    if state == "renewed":
        assert st.until is not None and st.until >= TODAY.isoformat()
        assert "renewed" in st.reason
    else:
        assert st.until == "2020-06-15" and "15 June 2020" in st.reason


def test_agreement_states_by_day() -> None:
    rec = record(expiry_date="2027-09-01", duration_years=5)
    assert agreement_status(rec, TODAY).state == "in_force"
    assert agreement_status(rec, date(2027, 4, 1)).state == "expiring"
    assert agreement_status(rec, date(2027, 9, 1)).state == "expiring"
    assert agreement_status(rec, date(2027, 9, 2)).state == "expired"
    assert agreement_status(record(), TODAY).state == "unknown"
    indefinite = record(renewal="This Agreement is concluded for an indefinite period.")
    assert agreement_status(indefinite, TODAY).state == "indefinite"
    assert agreement_status(indefinite, TODAY).in_force


def test_call_states() -> None:
    call = record("grant_call", opening_date="2027-01-10", deadline="2027-03-31")
    st = call_status(call, TODAY)
    assert st.state == "not_yet_open" and "10 January 2027" in st.reason
    assert call_status(call, date(2027, 2, 1)).state == "open"
    assert call_status(call, date(2027, 3, 15)).state == "closing_soon"
    closed = call_status(call, date(2027, 4, 1))
    assert closed.state == "closed" and "31 March 2027" in closed.reason
    assert call_status(record("grant_call"), TODAY).state == "unknown"
    assert status_of(record("policy_report"), TODAY) is None


@pytest.fixture(scope="module")
def library(corpus_settings) -> Library:
    return Library(corpus_settings)


@pytest.mark.parametrize("today", DAYS)
def test_register_ask_radar_and_letters_agree(library: Library, today: date) -> None:
    """On every stored agreement and call: one status, whichever tab asks."""
    register = {r.source: r for r in AgreementsRegister(library, today=today).rows()}
    writer = LetterWriter(library, today=today)
    for rec in library.documents("mou"):
        st = agreement_status(rec, today)
        assert register[rec.source].status == st.state, rec.source
        assert register[rec.source].status_note == st.reason
        assert (writer._expired(rec) is not None) == (st.state == "expired"), rec.source
        expiry = [f for f in fact_lines(rec, "when does the agreement expire?", today)
                  if "runs until" in f.text.lower()]
        if rec.field_value("expiry_date"):
            assert expiry and st.label in expiry[0].text, (rec.source, st, expiry)
    radar = {r.source: r for r in call_rows(library, today)}
    for rec in library.documents("grant_call"):
        st = call_status(rec, today)
        assert radar[rec.source].status == st.state, rec.source
        deadline = [f for f in fact_lines(rec, "what is the deadline?", today)
                    if f.text.startswith("Deadline")]
        if rec.field_value("deadline"):
            assert deadline and st.label in deadline[0].text, (rec.source, deadline)


def test_a_renewed_agreement_is_never_called_expired_in_a_letter(library: Library) -> None:
    # Falkenwiese: first term ends 3 March 2028, renewed automatically every four years.
    today = date(2029, 1, 1)
    rec = next(r for r in library.documents("mou") if "falkenwiese" in r.source)
    assert agreement_status(rec, today).state == "renewed"
    letter = LetterWriter(library, today=today).run(
        "letter from our Mayor to the Mayor of Falkenwiese proposing a joint concert of our "
        "choirs in both towns")
    assert not letter.refused
    assert "expired" not in letter.to_markdown().lower()
    # Port Ashby - San Jacinto: ended 1 September 2026, renewal needs a written agreement.
    port = next(r for r in library.documents("mou") if "port-ashby" in r.source)
    assert agreement_status(port, today).state == "expired"
    old = LetterWriter(library, today=today).run(
        "letter from the Mayor of Port Ashby to the Mayor of San Jacinto de las Flores proposing "
        "our cooperation")
    assert "expired" in old.to_markdown().lower()


def test_renewed_terms_and_month_only_dates() -> None:
    two = record(expiry_date="2020-06-15", duration_years=5,
                 renewal="si rinnova tacitamente per periodi di due anni")
    assert agreement_status(two, TODAY).until == "2028-06-15"
    month = agreement_status(record(expiry_date="2027-06"), date(2027, 6, 15))
    assert month.state == "expiring" and month.reason == "ends in June 2027"
    assert agreement_status(record(expiry_date="2027-06"), date(2027, 7, 1)).state == "expired"
    opening = call_status(record("grant_call", opening_date="2027-01", deadline="2027-03"),
                          date(2026, 12, 15))
    assert opening.state == "not_yet_open" and opening.reason == "opens in January 2027"
    assert agreement_status(record(termination="Confidentiality obligations continue "
                                               "indefinitely"), TODAY).state == "unknown"
