"""What a figure question counts or measures, read from its words."""

from __future__ import annotations

import pytest

from assistant.measures import measured
from assistant.types import Passage


@pytest.mark.parametrize(("question", "words"), [
    ("What is the population of San Pablo de Manta?", ["population"]),
    ("What population figures did the Commission use?", ["population"]),
    ("What F1 score did the extraction model achieve?", ["F1", "score"]),
    ("What character error rate did the OCR reach?", ["character", "error"]),
    # a figure's kind alone, or a count, measures nothing in particular
    ("What is the maximum?", []),
    ("What ceilings apply to freelance interpreters?", []),
    ("How many partners must a project have?", []),
    ("What share of the agreements contain a review clause?", []),
])
def test_the_noun_a_figure_measures(question: str, words: list[str]) -> None:
    assert measured(question) == words


def _passage(text: str, language: str = "en") -> Passage:
    return Passage("doc-00001", "r", "report.pdf", "Report", "policy_report", 3, "", text,
                   0.03, language=language)


def test_a_figure_of_something_else_does_not_answer(answerer) -> None:  # noqa: ANN001
    asked = "What is the population of Vila Serena?"
    budget = _passage("Vila Serena is a coastal town in Portugal. Its annual budget for "
                      "twinning is EUR 12,000.")
    assert answerer.run(asked, [budget]).declined
    people = _passage("Vila Serena is a coastal town in Portugal with a population of "
                      "14,200.")
    answer = answerer.run(asked, [people])
    assert not answer.declined and "14,200" in answer.text
    # in another language, a sentence with no word we can tell for it may name it
    italian = _passage("Vila Serena conta 14.200 abitanti ed è gemellata dal 1998.", "it")
    assert not answerer.run(asked, [italian]).declined
