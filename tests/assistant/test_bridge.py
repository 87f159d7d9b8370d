"""A question's words said in another language's words by the store's multilingual
embedder (assistant.bridge), and an English question answered from an Italian call."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from assistant.bridge import WordBridge

ITALIAN_CALL = """\
INVITO A PRESENTARE PROPOSTE - Azioni di informazione sulla politica agricola comune

1. Obiettivi. Il presente invito è inteso a sollecitare la presentazione di azioni di
informazione rivolte al grande pubblico e agli agricoltori.

2. Richiedenti ammissibili. Possono presentare domanda le persone giuridiche costituite
da almeno due anni in uno Stato membro, che abbiano realizzato almeno un progetto di
informazione negli ultimi due anni.

3. Dotazione finanziaria. Il bilancio totale è di 3 000 000 EUR. La sovvenzione non può
superare il 50 % dei costi ammissibili.

4. Termine. Le domande devono essere inviate entro il 30 settembre 2011 per posta
raccomandata con avviso di ricevimento.

5. Pasti. Solo durante l'esecuzione dell'azione, entro il limite di un massimale (IVA
esclusa) di 5 EUR a persona per le pause caffè, 25 EUR a persona per il pranzo e 40 EUR a
persona per la cena. Il ristorante emette una fattura globale.

6. Alloggio. Le spese di albergo sono rimborsate nel limite di un massimale per notte
stabilito per paese.

7. Interpretazione. I lavoratori autonomi sono pagati nel limite di 600 EUR al giorno.

8. Pagamenti. Non è previsto alcun prefinanziamento. Il beneficiario può chiedere un
versamento intermedio pari al massimo al 30 % della sovvenzione, dopo la relazione
intermedia.

9. Valutazione. Le proposte sono valutate su base 100 punti; sono escluse quelle con meno
di 60 punti.
"""


@pytest.fixture(scope="module")
def embedder():  # noqa: ANN201
    from assistant.config import Settings
    from assistant.library import shared_embedder

    found = shared_embedder(Settings.from_env())
    if not found.multilingual:
        pytest.skip(f"the configured embedder ({found.name}) is English-only: no bridge")
    return found


def test_words_find_their_translations_in_the_library_s_vocabulary(embedder,
                                                                   tmp_path: Path) -> None:
    calls: list[int] = []

    def embed(texts: list[str]) -> list[list[float]]:
        calls.append(len(texts))
        return embedder.embed(texts)

    vocabulary = ["pagamento", "pranzo", "albergo", "notte", "caffè", "domande", "bilancio",
                  "valutazione", "agricoltori", "persona", "giuridiche"]
    cache = tmp_path / "cache" / "words.npz"
    bridge = WordBridge(embed, cache)
    near = bridge.translate(["payment", "lunch", "hotel", "giraffe"], "it", vocabulary)
    assert near["payment"][0] == "pagamento"
    assert near["lunch"][0] == "pranzo"
    assert near["hotel"][0] == "albergo"
    assert "giraffe" not in near  # no word of the library is close enough: none stands in
    assert cache.exists()
    import numpy as np

    with np.load(cache) as data:  # the library's words, never the officer's question
        assert set(data["words"]) == set(vocabulary)
    # a second bridge on the same cache embeds only the question's word
    calls.clear()
    again = WordBridge(embed, cache).translate(["payment"], "it", vocabulary)
    assert again["payment"][0] == "pagamento" and calls == [1]


@pytest.mark.parametrize("damage", [b"not a numpy archive", b"PK\x03\x04truncated"])
def test_a_damaged_word_cache_is_rebuilt(embedder, tmp_path: Path, damage: bytes) -> None:
    import numpy as np

    cache = tmp_path / "words.npz"
    cache.write_bytes(damage)
    near = WordBridge(embedder.embed, cache).translate(["payment"], "it", ["pagamento"])
    assert near == {"payment": ["pagamento"]}
    with np.load(cache) as data:  # written again, whole
        assert list(data["words"]) == ["pagamento"]


def test_a_cache_that_cannot_be_written_costs_no_answer(embedder, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    bridge = WordBridge(embedder.embed, blocked / "cache" / "words.npz")
    assert bridge.translate(["payment"], "it", ["pagamento"]) == {"payment": ["pagamento"]}


def test_an_english_question_is_answered_from_an_italian_call(embedder,
                                                              embedded_settings) -> None:
    from assistant.ask import Assistant
    from assistant.library import Library

    src = embedded_settings.home.parent / "invito-azioni-informazione.txt"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(ITALIAN_CALL, encoding="utf-8")
    library = Library(embedded_settings)
    assert not library.ingest([src]).failed
    assistant = Assistant(library, today=datetime.date(2011, 6, 1))
    answer = assistant.ask("What per-person meal ceilings apply during an information action?")
    assert not answer.declined
    assert "25 EUR a persona per il pranzo" in answer.text
    # the question's words were said in Italian, and are what found the passage's words
    live = assistant.retriever.live_ids()
    from assistant.select import root
    from assistant.understand import understand

    q, _ = assistant.reach_across(understand("What interim payment can we ask for?"),
                                  assistant.retrieve("interim payment", None, {}, 4, live),
                                  None, live)
    assert root("pagamento") in q.across["it"][root("payment")]
    answer = assistant.ask("What interim payment can a beneficiary ask for?")
    assert "30 %" in answer.text and not answer.declined


def test_a_changed_vocabulary_of_the_same_size_is_used(embedder, tmp_path: Path) -> None:
    bridge = WordBridge(embedder.embed, tmp_path / "words.npz")
    assert "lunch" not in bridge.translate(["lunch"], "it", ["pagamento", "albergo"])
    assert bridge.translate(["lunch"], "it", ["pranzo", "albergo"])["lunch"] == ["pranzo"]
