"""Structure-aware chunking: articles stay whole, chunks fit the model, pages are exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from ingest.chunk import Chunker, chunk_body, is_heading
from ingest.embedders.minilm import MAX_TOKENS, MiniLM
from ingest.models import Page, ParsedDocument

from samples import MOU_PAGES


@pytest.fixture(scope="module")
def chunker() -> Chunker:
    return Chunker(MiniLM(Settings(home=Path(".")).embedding_model_dir).count_tokens)


def test_articles_stay_with_their_headings(chunker: Chunker):
    doc = ParsedDocument("m.pdf", "pdf", [Page(i + 1, t) for i, t in enumerate(MOU_PAGES)])
    chunks = chunker.run(doc, "d" * 32, "Sister City Agreement")

    def holding(heading: str):
        [chunk] = [c for c in chunks if heading in c.metadata["section"]]
        return chunk

    areas = holding("Article 2 - Areas of cooperation")
    assert "school exchanges" in areas.page_content and "climate adaptation" in areas.page_content
    # a numbered list item is not mistaken for a heading
    assert not any("1. school" in c.metadata["section"] for c in chunks)
    term = holding("Article 6 - Termination")
    assert term.metadata["page"] == 3
    assert term.page_content.startswith("Sister City Agreement | Article 6 - Termination")
    body = chunk_body(term.page_content, term.metadata["header_chars"])
    assert body.startswith("Article 6 - Termination\nEither Party may terminate")
    # short articles of one page share a chunk; articles of different pages never do
    assert len(chunks) < 8
    assert len({c.metadata["page"] for c in chunks}) == 3


def test_long_sections_split_within_the_model_window_and_never_cross_pages(chunker: Chunker):
    para = ("The partner municipalities shall exchange planning staff and share practice on "
            "climate adaptation, flood defences and green public spaces. ")
    pages = [Page(1, "Article 1 - Long\n" + para * 40), Page(2, para * 10)]
    chunks = chunker.run(ParsedDocument("x.txt", "txt", pages), "e" * 32, "Report")
    assert len(chunks) > 4
    assert max(chunker.count_tokens(c.page_content) for c in chunks) <= MAX_TOKENS
    on_page_2 = [c for c in chunks if c.metadata["page"] == 2]
    assert on_page_2 and on_page_2[0].metadata["section"] == "Article 1 - Long"
    assert "(continued)" in on_page_2[0].page_content.split("\n", 1)[0]
    assert [c.metadata["chunk_index"] for c in chunks] == list(range(len(chunks)))
    assert len({c.id for c in chunks}) == len(chunks)


def test_no_chunk_is_only_a_heading(chunker: Chunker):
    # an article whose first paragraph is too long to share a chunk with its heading
    para = ("Onverminderd de mogelijkheden om op basis van het privaatrecht samen te werken "
            "kunnen de genoemde territoriale samenwerkingsverbanden of autoriteiten binnen het "
            "kader van hun bevoegdheden grensoverschrijdend samenwerken. ")
    text = "### Artikel 2\n\n1. " + para * 5 + "\n\n2. " + para * 2
    chunks = chunker.run(ParsedDocument("b.md", "md", [Page(1, text)]), "f" * 32, "Overeenkomst")
    bodies = [chunk_body(c.page_content, c.metadata["header_chars"]) for c in chunks]
    assert len(bodies) >= 2 and all("Onverminderd" in b for b in bodies), bodies
    assert all(c.metadata["section"] == "Artikel 2" for c in chunks)
    # headings above a paragraph that leaves them no room: the paragraph is cut again to
    # make room, and no text is lost
    text = "## HOOFDSTUK II GEMEENSCHAPPELIJKE ORGANEN\n\n### Artikel 2\n\n1. " + para * 7
    chunks = chunker.run(ParsedDocument("b.md", "md", [Page(1, text)]), "f" * 32, "Overeenkomst")
    bodies = [chunk_body(c.page_content, c.metadata["header_chars"]) for c in chunks]
    assert "HOOFDSTUK II" in bodies[0] and "Artikel 2" in bodies[0], bodies
    assert all("Onverminderd" in b for b in bodies)
    assert max(chunker.count_tokens(c.page_content) for c in chunks) <= MAX_TOKENS
    assert " ".join(bodies).split().count("Onverminderd") >= 7  # no text lost


def test_a_long_section_is_cut_at_sentence_ends_not_at_pdf_line_breaks(chunker: Chunker):
    # a PDF's lines break mid-sentence; a chunk that ends "the contribution is" and one
    # that starts "limited to 50 %" would each answer nothing about the rate
    sentence = ("Il contributo della Commissione alle domande selezionate per l'azione numero {n}\n"
                "è limitato al {n} % dei costi totali ammissibili escluse le spese di\n"
                "personale e le spese generali. ")
    body = "".join(sentence.format(n=n) for n in range(10, 60))
    chunks = chunker.run(ParsedDocument("x.pdf", "pdf", [Page(1, body)]), "f" * 32, "Invito")
    assert len(chunks) > 3
    for c in chunks:
        text = chunk_body(c.page_content, c.metadata["header_chars"]).strip()
        assert text.startswith("Il contributo") and text.endswith("spese generali."), text


@pytest.mark.parametrize(
    ("line", "next_line", "expected"),
    [
        ("Article 4 - Financial arrangements", "", True),
        ("ARTICLE IV", "", True),
        ("## Eligible applicants", "", True),
        ("ELIGIBILITY CRITERIA", "", True),
        ("3. Funding", "The total budget is EUR 1m.", True),
        ("1. School exchanges", "2. Culture", False),
        ("The Parties agree as follows.", "", False),
    ],
)
def test_heading_detection(line: str, next_line: str, expected: bool):
    assert is_heading(line, next_line) is expected


def test_the_preamble_before_an_agreement_s_first_article_is_marked(chunker: Chunker):
    recitals = ("Considering that the towns have cooperated for twenty years in culture and "
                "in schools, and wishing to give that cooperation a formal basis, ")
    text = ("Agreement between the Town of A and the City of B\n\n" + recitals * 12
            + "\n\nhave agreed as follows:\n\n### Artikel 1\n\nDe partijen werken samen.\n\n"
            "### Artikel 2\n\nDeze overeenkomst geldt voor vijf jaar.")
    agreement = ParsedDocument("a.md", "md", [Page(1, text)])
    chunks = chunker.run(agreement, "f" * 32, "Agreement", {"doc_type": "mou"})
    flags = [bool(c.metadata.get("preamble")) for c in chunks]
    first = next(i for i, c in enumerate(chunks) if "Artikel 1" in c.page_content)
    # the title, the recitals and "have agreed as follows", and nothing from Artikel 1 on
    assert flags == [True] * first + [False] * (len(chunks) - first) and first >= 2
    # other numberings of a first article
    for first in ("Article premier", "Artículo 1º - Objeto", "Art. I", "第1条"):
        other = ParsedDocument("o.md", "md", [Page(1, text.replace("Artikel 1", first))])
        assert chunker.run(other, "e" * 32, "Agreement", {"doc_type": "mou"})[0].metadata.get(
            "preamble"), first
    # a call that cites "Article 1 of Regulation ..." on a line of its own has no preamble:
    # its opening is its content; nor has a report
    call = ParsedDocument("c.md", "md", [Page(1, recitals * 12 + "\n\nArticle 1 of Regulation "
                                               "(EU) 2021/692 applies.\n\nDeadline: 1 May.")])
    assert not any(c.metadata.get("preamble")
                   for c in chunker.run(call, "0" * 32, "Call", {"doc_type": "grant_call"}))
    assert not any(c.metadata.get("preamble") for c in chunker.run(agreement, "1" * 32, "R"))


def test_a_table_cut_between_chunks_repeats_its_column_names(chunker: Chunker):
    criteria = "".join(f"{n}. Criterion {n} 10 20\n{n}.1 Is the criterion number {n} of "
                       f"this evaluation grid met by the applicant and its partners in the "
                       f"proposal?\n5\n" for n in range(1, 13))
    page = Page(1, "8. EVALUATION GRIDS\nSection Minimum threshold Maximum Score\n"
                   + criteria + "TOTAL 65 100")
    chunks = chunker.run(ParsedDocument("g.pdf", "pdf", [page]), "a" * 32, "Guidelines")
    assert len(chunks) >= 2
    for c in chunks:
        body = chunk_body(c.page_content, c.metadata["header_chars"])
        # every chunk's rows come under the column names, and no row became a heading
        first_row = next(line for line in body.split("\n") if line.endswith((" 10 20", "65 100")))
        assert "Section Minimum threshold Maximum Score" in body.split(first_row)[0], body
        assert "TOTAL" not in c.metadata["section"] and "Criterion" not in c.metadata["section"]
    assert is_heading("3. Impact and reach 18 30", "") is False


def test_a_table_s_column_names_never_head_the_next_table(chunker: Chunker):
    from assistant.sentences import row_headers

    first = "".join(f"Country {n} {n * 3} {n * 7}\n" for n in range(1, 60))
    text = ("Results by country are given below.\nTable 4: Projects per country\n"
            "Country Projects Partners\n" + first + "\nTable 5: Budget per partner type\n"
            "Type Budget Share\nUniversities 120000 35\nNGOs 90000 25\n")
    chunks = chunker.run(ParsedDocument("t.pdf", "pdf", [Page(1, text)]), "b" * 32, "Report")
    [last] = [c for c in chunks if "Universities" in c.page_content]
    body = chunk_body(last.page_content, last.metadata["header_chars"])
    assert "Country Projects Partners" not in body
    assert row_headers(body)["Universities 120000 35"] == ("Table 5: Budget per partner type "
                                                           "Type Budget Share")
