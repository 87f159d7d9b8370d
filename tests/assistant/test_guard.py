"""GroundingGuard on hand-written answers: no model, no server, milliseconds."""

from __future__ import annotations

import pytest

from assistant.guard import GroundingGuard, parse_citations
from assistant.types import Passage

GRANT = (
    "The City of Ghent awards a grant of EUR 80,000 to the Sister Cities Programme. "
    "Applications close on 31 March 2027 at 17:00 CET. Co-financing is 20%. "
    "Three partners are required and up to 12 500 participants may attend."
)
TWINNING = "The Municipality of Leuven signed a twinning agreement with Kraków in 2019."


def passage(text: str, source: str = "grant.pdf", page: int | None = 2) -> Passage:
    return Passage(
        chunk_id=f"{source}:{page}", doc_id=source, source=source, title=source,
        doc_type="call", page=page, section="", text=text,
    )


@pytest.fixture
def passages() -> list[Passage]:
    return [passage(GRANT), passage(TWINNING, "twinning.pdf", 5)]


@pytest.fixture
def guard() -> GroundingGuard:
    return GroundingGuard()


def test_hallucinated_amount_is_unsupported_and_marked(guard, passages):
    text = "The City of Ghent offers EUR 90,000 [1]."
    report = guard.run(text, passages)
    assert report.unsupported == ["EUR 90,000"]
    assert report.checked == 2  # the amount and "City of Ghent"
    assert report.supported_ratio == 0.5
    assert not report.should_fall_back  # half unsupported is not "more than half"
    marked = guard.mark(text, report)
    assert marked == (
        "The City of Ghent offers ⚠ EUR 90,000 (not found in the cited passages) [1]."
    )


@pytest.mark.parametrize("amount", [
    "EUR 80,000", "€80,000", "80 000 euros", "80.000 EUR", "EUR 80000", "€ 80,000", "80,000 euro",
])
def test_amount_forms_compare_equal(guard, passages, amount):
    report = guard.run(f"The grant is {amount} [1].", passages)
    assert report.unsupported == [], report.facts


def test_amount_in_another_currency_is_unsupported(guard, passages):
    assert guard.run("The grant is USD 80,000 [1].", passages).unsupported == ["USD 80,000"]


def test_scaled_amounts_compare_by_value(guard):
    ps = [passage("The programme budget is EUR 1,200,000 in total.")]
    assert guard.run("The budget is EUR 1.2 million [1].", ps).unsupported == []
    assert guard.run("The budget is EUR 1.5 million [1].", ps).unsupported == ["EUR 1.5 million"]


def test_amount_with_currency_written_nearby(guard):
    ps = [passage("Maximum grant (EUR): 45,000 per project.")]
    assert guard.run("Each project can get EUR 45,000 [1].", ps).unsupported == []


@pytest.mark.parametrize("date", [
    "31 March 2027", "2027-03-31", "March 31, 2027", "31.03.2027", "31st of March 2027",
])
def test_date_forms_compare_equal(guard, passages, date):
    report = guard.run(f"Applications close on {date} [1].", passages)
    assert report.unsupported == [], report.facts


def test_wrong_date_is_unsupported(guard, passages):
    report = guard.run("Applications close on 30 April 2027 [1].", passages)
    assert report.unsupported == ["30 April 2027"]


def test_month_only_date_is_supported_by_a_day_in_that_month(guard, passages):
    assert guard.run("The call closes in March 2027 [1].", passages).unsupported == []
    assert guard.run("The call closes in May 2027 [1].", passages).unsupported == ["May 2027"]


def test_percent_and_time(guard, passages):
    ok = guard.run("Co-financing is 20 per cent and the deadline is 5 pm CET [1].", passages)
    assert ok.unsupported == []
    bad = guard.run("Co-financing is 25% and the deadline is 18:00 [1].", passages)
    assert bad.unsupported == ["25%", "18:00"]


def test_bare_numbers_with_separators_and_number_words(guard, passages):
    report = guard.run("Up to 12,500 participants and 3 partners [1].", passages)
    assert report.unsupported == [], report.facts
    assert guard.run("Up to 15,000 participants [1].", passages).unsupported == ["15,000"]


def test_citation_markers_and_list_numbering_are_not_facts(guard, passages):
    text = "1. The grant is EUR 80,000 [1].\n2. The twinning dates from 2019 [2][1, 2]."
    report = guard.run(text, passages)
    kinds = [(f.kind, f.text) for f in report.facts]
    assert kinds == [("amount", "EUR 80,000"), ("number", "2019")]
    assert report.unsupported == []


def test_names(guard, passages):
    report = guard.run(
        "The Municipality of Leuven twinned with Kraków [2]. Mayor John Smith signed it [2].",
        passages,
    )
    names = {f.text: f.supported for f in report.facts if f.kind == "name"}
    assert names == {"Municipality of Leuven": True, "Mayor John Smith": False}
    # A capitalised sentence start is not a name.
    assert not [f for f in guard.run("The grant is large [1].", passages).facts]


def test_evidence_is_only_the_cited_passages(guard, passages):
    # 2019 is in passage 2, but the answer cites only passage 1.
    text = "The agreement was signed in 2019 [1]."
    report = guard.run(text, passages, cited=parse_citations(text))
    assert report.unsupported == ["2019"]
    assert report.should_fall_back
    # cited=None checks against every passage.
    assert guard.run("The agreement was signed in 2019.", passages, cited=None).unsupported == []
    # An explicit list overrides the markers.
    assert guard.run("Signed in 2019 [1].", passages, cited=[2]).unsupported == []


def test_cites_nothing_falls_back(guard, passages):
    report = guard.run("The grant is EUR 80,000.", passages, cited=[])
    assert report.cites_nothing and report.should_fall_back
    assert "cited none" in report.reason


def test_mostly_unsupported_falls_back(guard, passages):
    report = guard.run("EUR 90,000 is paid on 1 May 2027 to 4,000 people in Ghent [1].",
                       passages)
    assert report.unsupported == ["EUR 90,000", "1 May 2027", "4,000"]
    assert report.should_fall_back
    assert report.supported_ratio == 0.0
    assert "3 of 3 facts" in report.reason


def test_repeated_fact_counts_once(guard, passages):
    report = guard.run("EUR 90,000 [1]. Again: €90,000 [1]. Ghent awards EUR 80,000 [1].",
                       passages)
    assert report.checked == 2 and report.unsupported_count == 1
    assert not report.should_fall_back
    assert guard.mark("EUR 90,000 [1]. Again: €90,000 [1].", report).count("⚠") == 2


def test_invalid_citation_numbers_are_reported(guard, passages):
    report = guard.run("The grant is EUR 80,000 [1][7].", passages)
    assert report.cited == [1] and report.invalid_citations == [7]
    assert report.unsupported == []


def test_no_facts_is_fully_supported(guard, passages):
    report = guard.run("Your documents do not say; the closest passage is [2].", passages)
    assert report.checked == 0 and report.supported_ratio == 1.0
    assert not report.should_fall_back


@pytest.mark.parametrize(("text", "expected"), [
    ("a [1] b [2][1] c [3, 4] d [2-3]", [1, 2, 3, 4]),
    ("[Passage 2] and [passages 1 and 3]", [2, 1, 3]),
    ("no markers, (1) is not one", []),
])
def test_parse_citations(text, expected):
    assert parse_citations(text) == expected


def test_optional_ner_adds_single_word_places(passages):
    guard = GroundingGuard(use_ner=True)
    report = guard.run("The agreement between Leuven and Kraków was signed in Paris [2].",
                       passages)
    names = {f.text: f.supported for f in report.facts if f.kind == "name"}
    assert names.get("Leuven") is True
    assert names.get("Paris") is False


def test_align_cites_each_sentence_with_the_passage_holding_its_facts():
    passages = [
        Passage("a", "d1", "call.pdf", "Call", "grant_call", 2, "",
                "Each project receives EUR 15,000. Applications close on 31 March 2027."),
        Passage("b", "d2", "mou.pdf", "MoU", "mou", 1, "",
                "The memorandum with Porto covers culture and youth exchange."),
    ]
    text = ("Projects get EUR 15,000. The memorandum covers youth exchange. "
            "The deadline is 30 April 2027. It is a sunny day.")
    aligned = GroundingGuard().align(text, passages)
    assert aligned == ("Projects get EUR 15,000 [1]. The memorandum covers youth exchange [2]. "
                       "The deadline is 30 April 2027. It is a sunny day.")
