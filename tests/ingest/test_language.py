"""Which language a text is in: fastText's identifier, and a question's grammar."""

from __future__ import annotations

import pytest

from ingest.language import UNKNOWN, detect

QUOTING = ("Under the Anholt Agreement, how many representatives may each Dutch gemeente "
           "send to the general board (algemeen bestuur) of a cross-border public body?")


def test_a_question_quoting_dutch_terms_is_english_by_its_grammar() -> None:
    # fastText alone is swayed by the quoted terms; the function words are English
    assert detect(QUOTING) == "nl"
    assert detect(QUOTING, by_grammar=True) == "en"


@pytest.mark.parametrize(("text", "lang"), [
    ("Hoeveel vertegenwoordigers mag elke gemeente naar het algemeen bestuur sturen?", "nl"),
    ("Qual è il termine per la presentazione delle proposte del bando?", "it"),
    ("¿Cuál es el plazo para presentar la solicitud de la convocatoria?", "es"),
    ("姉妹都市協定はいつ署名されましたか？協定の期間も教えてください。", "ja"),
    ("When was the sister city agreement with Vila Serena signed?", "en"),
])
def test_a_question_in_one_language_keeps_it(text: str, lang: str) -> None:
    assert detect(text, by_grammar=True) == lang == detect(text)


def test_too_short_to_tell() -> None:
    assert detect("Art. 3", by_grammar=True) == UNKNOWN


@pytest.mark.parametrize("text", ["Wanneer is die ooreenkoms met die stad onderteken?",
                                  "Når vart avtalen underteikna med byen?"])
def test_a_language_without_function_words_of_ours_is_never_outvoted(text: str) -> None:
    # (Afrikaans and Nynorsk share words with Dutch and Danish, whose lists we hold)
    assert detect(text, by_grammar=True) == detect(text)
