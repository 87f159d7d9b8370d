"""Documents a question names rank higher: partners, countries, type, years, language
version and title words, each a factor, never a filter."""

from __future__ import annotations

from datetime import date

from assistant.boosts import (
    COUNTRY_BOOST,
    PARTNER_BOOST,
    TYPE_BOOST,
    VERSION_BOOST,
    document_boosts,
    question_types,
    question_years,
)
from assistant.retrieve import terms
from ingest.registry import DocRecord

TODAY = date(2026, 11, 22)


def _rec(doc_id: str, doc_type: str, title: str, **kw: object) -> DocRecord:
    return DocRecord(doc_id, f"{doc_id}.pdf", doc_type, title, "pdf", 3, 9, 1, "", **kw)


RECORDS = [
    _rec("vila", "mou", "Sister City Agreement", partners=["City of Vila Serena"],
         countries=["Portugal"], year=2019, languages=["en"]),
    _rec("youth", "grant_call", "TWINNET Youth Exchange Call", year=2026, languages=["en"]),
    _rec("notice", "grant_call", "Invito a presentare proposte", year=2011, languages=["it"]),
]
TITLE_TERMS = {r.doc_id: set(terms(r.title)) for r in RECORDS}


def _boosts(question: str) -> dict[str, float]:
    return document_boosts(question, RECORDS, TITLE_TERMS, lambda t: 1.0, TODAY)


def test_type_words_point_at_one_type_or_none() -> None:
    assert question_types("Which calls for proposals close in 2027?") == ["grant_call"]
    assert question_types("Does the agreement mention the report?") == []  # two types
    assert question_types("Who signed it?") == []


def test_years_a_question_names_a_document_by() -> None:
    assert question_years("calls closing in 2027 or next year", TODAY) == [2027, 2027]
    assert question_years("What did the 2025 project find?", TODAY) == [2025]
    assert question_years("Is anything due this year?", TODAY) == [2026]
    assert question_years("How many were signed?", TODAY) == []


def test_named_documents_rank_higher_and_nothing_is_dropped() -> None:
    boosts = _boosts("When does our agreement with Vila Serena in Portugal expire?")
    assert boosts["vila"] >= PARTNER_BOOST * COUNTRY_BOOST * TYPE_BOOST
    assert "notice" not in boosts  # no factor: ranked as it comes, never filtered
    # a partner's name inside another one names another place
    assert _boosts("Do we have an agreement with Nova-Vila Serena?").get("vila", 1.0) \
        < PARTNER_BOOST
    # the title's words name the call
    youth = _boosts("What does the youth exchange call fund?")
    assert youth["youth"] > youth.get("notice", 1.0)
    # "the Italian notice": the document written in Italian
    assert _boosts("What does the Italian notice say?")["notice"] >= VERSION_BOOST
