"""Classifier: the right type with readable reasons, override, and speed."""

from __future__ import annotations

import pytest

from ingest.classify import DocumentClassifier
from ingest.models import Classification, Page, ParsedDocument

from conftest import SHARED

SEEDS = SHARED / "seeds"  # ../shared beside the repository

MOU = """MEMORANDUM OF UNDERSTANDING
between the Town of Harrowgate Mill (United Kingdom) and the Municipality of Sant Feliu
de Mar (Spain)

The Town of Harrowgate Mill and the Municipality of Sant Feliu de Mar, hereinafter "the Parties",
Desiring to promote friendship between their citizens,
Have agreed as follows:
Article 1 - Purpose
The Parties shall cooperate in culture, education and sport.
Article 6 - Entry into force
This Memorandum shall enter into force on the date of its signature.
Done at Harrowgate Mill on 4 May 2023 in two originals, both texts being equally authentic.
"""

CALL = """Lakeside Towns Fund - Call for Proposals LTF-2025-WATER-01
Call identifier: LTF-2025-WATER-01
Eligible applicants: municipalities and twinning committees.
Grants of EUR 10,000 to EUR 40,000 per project; co-financing rate up to 75 % of eligible costs.
Deadline: 30 April 2025 at 12:00 CET.
"""

REPORT = """Towns Beyond Borders: A Review of Municipal Networks
By Jane Example and Joe Sample
Abstract
This paper reviews twenty years of municipal networking. As Smith et al. note, cities act abroad.
1. Introduction
This report looks at city diplomacy in small places.
References
"""


def doc(text: str, name: str = "x.pdf") -> ParsedDocument:
    return ParsedDocument(source=name, fmt="pdf", pages=[Page(1, text)])


@pytest.fixture(scope="module")
def clf() -> DocumentClassifier:
    return DocumentClassifier()


@pytest.mark.parametrize(
    ("text", "expected"), [(MOU, "mou"), (CALL, "grant_call"), (REPORT, "policy_report")]
)
def test_types(clf: DocumentClassifier, text: str, expected: str) -> None:
    c = clf.run(doc(text))
    assert isinstance(c, Classification)
    assert c.doc_type == expected
    assert c.reasons and all(r.endswith(f" {expected})") for r in c.reasons)
    assert c.scores[expected] == max(c.scores.values())


def test_reason_wording(clf: DocumentClassifier) -> None:
    c = clf.run(doc(MOU))
    assert "title contains 'Memorandum of Understanding' (+5 mou)" in c.reasons


def test_other_when_nothing_matches(clf: DocumentClassifier) -> None:
    c = clf.run(doc("Minutes of the parks committee. Attendance: five members. Tea was served."))
    assert c.doc_type == "other"
    assert "classified as other" in c.reasons[-1]


def test_empty_document_is_other(clf: DocumentClassifier) -> None:
    assert (
        clf.run(ParsedDocument("e.pdf", "pdf", [Page(1, "", needs_ocr=True)])).doc_type == "other"
    )


def test_override(clf: DocumentClassifier) -> None:
    c = clf.run(doc(MOU), override="policy_report")
    assert c.doc_type == "policy_report" and c.overridden
    assert c.reasons == ["type set by the user"]
    with pytest.raises(ValueError):
        clf.run(doc(MOU), override="invoice")


def test_letter_of_intent_and_twinning_titles(clf: DocumentClassifier) -> None:
    loi = (
        "Letter of Intent on a Future Partnership between the Town of A and the Town of B\n"
        "The signatories intend to explore a friendship agreement."
    )
    assert clf.run(doc(loi)).doc_type == "mou"
    charter = (
        "Twinning Charter between Brindle Municipality and the Commune of Oria\nWe, the Mayors"
    )
    assert clf.run(doc(charter)).doc_type == "mou"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present")
def test_seed_policy_texts_are_reports(clf: DocumentClassifier) -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        c = clf.run(doc(path.read_text(encoding="utf-8"), path.name))
        assert c.doc_type == "policy_report", (path.name, c.scores, c.reasons)
