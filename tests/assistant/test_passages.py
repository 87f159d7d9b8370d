"""Passages completed across chunk boundaries (assistant.passages), with a document's chunks
as the neighbours."""

from __future__ import annotations

from assistant.passages import completed
from assistant.types import Passage


def _chunks(*texts: str, pages: tuple[int, ...] = ()) -> list[Passage]:
    return [Passage(f"doc-{i:05d}", "doc", "doc.pdf", "Doc", "grant_call",
                    pages[i] if pages else 1, "", text) for i, text in enumerate(texts)]


def _neighbour(chunks: list[Passage]):  # noqa: ANN202
    def chunk(doc_id: str, index: int) -> Passage | None:
        return chunks[index] if doc_id == "doc" and 0 <= index < len(chunks) else None
    return chunk


def test_a_sentence_cut_at_the_end_is_finished_and_its_page_kept():
    chunks = _chunks("The grant covers travel and the ordinary running costs",
                     "of your organisation up to EUR 5,000. Reports are due in May.",
                     pages=(3, 4))
    done = completed(chunks[0], _neighbour(chunks))
    assert done.text.startswith("The grant covers travel and the ordinary running costs of "
                                "your organisation up to EUR 5,000.")
    assert "Reports are due" not in done.text
    assert done.page_of("Reports") == 3 and done.turn_page == 4


def test_a_cut_first_sentence_is_started_from_the_chunk_before():
    chunks = _chunks("Applicants must be registered. The lead applicant is a town",
                     "council or a twinning committee.")
    done = completed(chunks[1], _neighbour(chunks))
    assert done.text == "The lead applicant is a town council or a twinning committee."


def test_a_cut_list_is_finished_without_repeating_what_two_chunks_share():
    chunks = _chunks("The call funds:\n- Exchanges of pupils.\n- Joint festivals and fairs.",
                     "festivals and fairs.\n- Study visits of officials.\nThe end.")
    done = completed(chunks[0], _neighbour(chunks))
    assert done.text.count("Joint festivals and fairs.") == 1
    assert done.text.endswith("- Study visits of officials.")
    # a finished passage whose neighbour starts a new sentence is left as it is
    whole = _chunks("It is signed in two originals.", "Both texts are authentic.")
    assert completed(whole[0], _neighbour(whole)) is whole[0]


def test_a_chunk_that_opens_in_mid_list_gets_the_list_s_start_and_its_page():
    chunks = _chunks("Artikel 1\n\n1. Deze Overeenkomst is van toepassing\n\n1.in het Koninkrijk "
                     "der Nederlanden op provincies en gemeenten,\n\n2.in het Land Nedersaksen "
                     "op Gemeinden en Landkreise,",
                     "3.in het Land Noordrijn-Westfalen op Gemeinden en Kreise.\n\nArtikel 2",
                     pages=(1, 2))
    done = completed(chunks[1], _neighbour(chunks))
    assert done.text.index("Deze Overeenkomst is van toepassing") < done.text.index("3.in")
    assert "provincies en gemeenten" in done.text and "Noordrijn-Westfalen" in done.text
    assert done.page_of("provincies") == 1 and done.page_of("Noordrijn-Westfalen") == 2
    # a chunk that opens in prose, or after one that ends in prose, is left as it is
    prose = _chunks("The call funds exchanges.", "- Joint festivals.")
    assert completed(prose[1], _neighbour(prose)).text == "- Joint festivals."
    # ... nor one that opens with a clause numbered afresh after another list
    other = _chunks("Costs:\n- travel;\n- subsistence;\n- translation.",
                    "2. Applications must be submitted by 5 May 2027.", pages=(3, 4))
    done = completed(other[1], _neighbour(other))
    assert done.text == "2. Applications must be submitted by 5 May 2027." and done.page == 4
