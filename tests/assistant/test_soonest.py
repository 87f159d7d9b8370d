""""Which expires first?": an ordering of the retrieved documents by their extracted dates."""

from __future__ import annotations

import re
from datetime import date

from assistant.soonest import soonest
from assistant.types import Passage
from assistant.understand import understand
from ingest.registry import DocRecord

TODAY = date(2026, 11, 22)


def _mou(doc_id: str, partner: str, expiry: str) -> DocRecord:
    def f(value: object) -> dict:
        return {"value": value, "page": 2, "evidence": f"This agreement expires on {value}."}

    return DocRecord(doc_id, f"{doc_id}.pdf", "mou", f"MoU with {partner}", "pdf", 2, 4, 1, "",
                     partners=[partner], fields={"expiry_date": f(expiry)})


def _passage(rec: DocRecord) -> Passage:
    return Passage(f"{rec.doc_id}-00000", rec.doc_id, rec.source, rec.title, "mou", 2, "",
                   f"This agreement expires on {rec.field_value('expiry_date')}.", 0.03)


def test_upcoming_dates_come_in_order_past_ones_are_left_out():
    records = {r.doc_id: r for r in (_mou("a", "Lyon", "2029-06-30"),
                                     _mou("b", "Porto", "2027-01-31"),
                                     _mou("c", "Gdansk", "2020-03-01"))}
    passages = [_passage(r) for r in records.values()]
    answer = soonest(understand("Which of our agreements expires first?"), passages,
                     records.get, TODAY)
    assert answer is not None and answer.text.startswith("In date order: ")
    assert answer.text.index("2027") < answer.text.index("2029")
    assert "2020" not in answer.text
    assert {c.source for c in answer.citations} == {"b.pdf", "a.pdf"}


def test_an_ordering_needs_two_dated_documents_named_as_asked():
    records = {r.doc_id: r for r in (_mou("a", "Lyon", "2029-06-30"),
                                     _mou("b", "Porto", "2027-01-31"))}
    passages = [_passage(r) for r in records.values()]
    assert soonest(understand("Which expires first?"), passages[:1], records.get, TODAY) is None
    # "which Lyon agreement expires first?": only Lyon's documents count, and one is no order
    assert soonest(understand("Which Lyon agreement expires first?"), passages, records.get,
                   TODAY) is None


def test_the_assistant_orders_the_sample_agreements(assistant):
    answer = assistant.ask("Which of our agreements expires first?")
    assert answer.text.startswith("In date order: "), answer.text
    # each agreement's end of term, as the answer states them, in date order
    ends = [date.fromisoformat(f"{y}-{_MONTHS.index(m) + 1:02d}-{int(d):02d}") for d, m, y in
            re.findall(r"[Rr]uns until (\d{1,2}) (\w+) (\d{4})", answer.text)]
    assert len(ends) >= 2 and ends == sorted(ends), answer.text


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
