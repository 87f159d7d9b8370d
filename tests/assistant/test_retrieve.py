"""What the retriever's caches are keyed on: any change to the library, including a
document committed again under the same id with another type, from any instance."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assistant.ask import Assistant
from assistant.library import Library
from assistant.retrieve import Filters
from ingest.pipeline import SourceItem

from samples import CALL_TEXT


def _one_call(library: Library, tmp_path: Path) -> tuple[Path, dict, Assistant]:
    """A library holding one grant call, and an assistant over it."""
    call = tmp_path / "call.txt"
    call.write_text(CALL_TEXT)
    [rec] = library.ingest([call]).ingested
    return call, rec, Assistant(library, today=date(2026, 11, 22))


def test_a_type_change_reaches_the_keyword_index_and_the_records(library: Library,
                                                                  tmp_path: Path):
    call, rec, assistant = _one_call(library, tmp_path)
    question = "co-financing rate of the Green Towns Cooperation Fund"
    before = assistant.retriever.live_ids()
    assert [r.doc_id for r in assistant.records("grant_call")] == [rec["doc_id"]]
    assert assistant.retriever.run(question, Filters(doc_types=["grant_call"]))

    # what the Library tab's "change type" does: the same file, the same id, another type
    library.pipeline.run([SourceItem("call.txt", call)], doc_type="policy_report")

    after = assistant.retriever.live_ids()
    assert list(after) == list(before) and after.revision != before.revision
    assistant.ask(question)  # each question brings the records up to date
    assert assistant.records("grant_call") == []
    assert [r.doc_id for r in assistant.records("policy_report")] == [rec["doc_id"]]
    for mode in ("bm25", "dense", "hybrid"):
        assistant.retriever.mode = mode
        assert assistant.retriever.run(question, Filters(doc_types=["grant_call"])) == [], mode
        found = assistant.retriever.run(question, Filters(doc_types=["policy_report"]))
        assert found and found[0].doc_type == "policy_report", mode


def test_removal_changes_the_revision(library: Library, tmp_path: Path):
    call = tmp_path / "call.txt"
    call.write_text(CALL_TEXT)
    library.ingest([call])
    first = library.registry.revision()
    library.remove("call.txt")
    assert library.registry.revision() not in ("", first)


def test_initialisms_of_names_a_document_spells_out() -> None:
    from assistant.retrieve import initialisms

    found = initialisms("The views are not those of the World Economic Forum and the Council "
                        "of Europe. Sister Cities International recognises it.")
    assert {"wef", "sci"} <= found
    assert "wefce" in found  # names run together: every stretch of them counts
    assert not any(len(x) < 3 for x in found)


BILINGUAL = """# Agreement on the Cross-Border Co-operation of the Towns of Aldmoor and Veldhoven

## Article 1

The towns of Aldmoor and Veldhoven shall co-operate in culture, schools and the
protection of the river that joins them.

## Article 2

This Agreement shall come into force three months after the date on which both towns
have expressed their consent to be bound by it.

## Artikel 1

De gemeenten Aldmoor en Veldhoven werken samen op het gebied van cultuur, scholen en de
bescherming van de rivier die hen verbindt.

## Artikel 2

Deze Overeenkomst treedt in werking drie maanden na de datum waarop beide gemeenten hun
instemming hebben betuigd om door de Overeenkomst te worden gebonden.
"""


def test_an_english_question_finds_the_english_half_of_a_bilingual_text(
        embedded_settings, tmp_path: Path) -> None:
    """Each Dutch chunk carries the English title as its header, whose "the" and "to" are
    no stop words in Dutch: an English question's stop words must not rank that half
    first."""
    doc = tmp_path / "aldmoor-veldhoven-agreement-en-nl.md"
    doc.write_text(BILINGUAL, encoding="utf-8")
    library = Library(embedded_settings)
    library.ingest([doc])
    retriever = Assistant(library, today=date(2026, 11, 22)).retriever
    assert {p.language for p in retriever.run("Artikel Overeenkomst gemeenten", k=8)} >= {
        "en", "nl"}, "the test needs a text indexed in both languages"
    retriever.mode = "bm25"
    found = retriever.run("When is it that the agreement is to come into force, and what "
                          "is needed for it to do so?", k=3)
    assert found[0].language == "en" and "come into force" in found[0].text


def _library_of(texts: dict[str, str], settings, tmp_path: Path  # noqa: ANN001
                ) -> tuple[Assistant, dict[str, str]]:
    """An assistant over a library of ``texts`` (file name -> text), and each file's id."""
    paths = []
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    Library(settings).ingest(paths)
    assistant = Assistant(Library(settings), today=date(2026, 11, 22))
    return assistant, {r.source: r.doc_id for r in assistant.records()}


def test_a_title_that_names_no_more_than_the_question_ranks_first(
        embedded_settings, tmp_path: Path) -> None:
    """Of two titles with every word of the name a question uses, the one with fewer
    others; and a document named by its year ("the 1995 Protocol") is that year's."""
    def treaty(title: str, place: str, day: str, body: str) -> str:
        return (f"# {title}\n\nThe member States of the Council of Europe, signatories "
                f"hereto, have agreed as follows.\n\n## Article 1\n\n{body}\n\nIn witness "
                f"whereof the undersigned have signed this instrument. Done at {place}, this "
                f"{day}, in English and French.\n")

    texts = {
        "outline.md": treaty("European Outline Agreement on Town Twinning", "Madrid",
                             "21st day of May 1980", "The parties shall encourage twinning."),
        "protocol.md": treaty("Additional Protocol to the European Outline Agreement on Town "
                              "Twinning", "Strasbourg", "9th day of November 1995",
                              "Twinning bodies may be set up under this Protocol."),
        "protocol2.md": treaty("Protocol No. 2 to the European Outline Agreement on Town "
                               "Twinning", "Strasbourg", "5th day of May 1998",
                               "Towns that are not neighbours may be twinned."),
    }
    assistant, by_source = _library_of(texts, embedded_settings, tmp_path)
    boosts = assistant._boosts("When was the European Outline Agreement on Town Twinning "
                               "concluded?")
    assert boosts[by_source["outline.md"]] > boosts[by_source["protocol.md"]]
    boosts = assistant._boosts("What may be set up under the 1995 Protocol to the Outline "
                               "Agreement?")
    assert boosts[by_source["protocol.md"]] > boosts[by_source["protocol2.md"]]


def test_a_passage_in_another_language_is_not_sunk_by_keyword_hits(
        embedded_settings, tmp_path: Path) -> None:
    """Keywords cannot find an Italian answer to an English question; the embedder can,
    and fusion must not push what it ranks near the top below every English passage that
    merely shares the question's words."""
    italian = tmp_path / "faq-bando-it.md"
    italian.write_text(
        "# Domande e risposte sul bando\n\nDomanda: quanto può essere lunga la descrizione "
        "delle risorse finanziarie del candidato?\n\nRisposta: la descrizione non deve "
        "superare tre pagine; non occorre allegare il bilancio completo del Comune.\n",
        encoding="utf-8")
    paths = [italian]
    for i, topic in enumerate(["parking", "libraries", "street lighting", "school meals",
                               "waste collection", "bus timetables"]):
        doc = tmp_path / f"note-{i}.md"
        doc.write_text(f"# Note on {topic}\n\nThe description of the application for "
                       f"{topic} lists the financial resources of the applicant and how long "
                       f"the {topic} service may run.\n", encoding="utf-8")
        paths.append(doc)
    library = Library(embedded_settings)
    library.ingest(paths)
    retriever = Assistant(library, today=date(2026, 11, 22)).retriever
    question = ("How long may the description of the applicant's financial resources be, "
                "and must a town attach its full budget?")
    retriever.mode = "dense"
    dense = [p.source for p in retriever.run(question, k=3)]
    assert italian.name in dense, "the test needs the embedder to find the Italian answer"
    retriever.mode = "hybrid"
    assert italian.name in [p.source for p in retriever.run(question, k=3, language="en")]


def test_each_side_of_a_comparison_named_by_its_year_comes_from_its_document(
        embedded_settings, tmp_path: Path) -> None:
    """Two papers of one project under one title, told apart only by the year in their
    file names: "the 2024 project" and "the 2025 project's figures" are each answered from
    their own."""
    for year, share, method in [("2024", "17%", "a zero-shot classifier"),
                                ("2025", "1.68%", "an exact string search and a regex")]:
        (tmp_path / f"report_agreements-mining-{year}.md").write_text(
            "# International Agreements Data Base Mining\n\n## Patronage\n\nUsing "
            f"{method}, we found that {share} of the agreements were concluded under the "
            "patronage of Sister Cities International.\n\n## Data\n\nThe agreements come "
            "from the archives of several states.\n", encoding="utf-8")
    # a guide that says more of the patronage than either paper, in the question's words
    (tmp_path / "sci-toolkit.md").write_text(
        "# Partnership Agreement Toolkit\n\n## Patronage\n\nThe share of agreements under "
        "Sister Cities International patronage grows each year: our figures show how many "
        "projects and agreements are reported under the patronage of Sister Cities "
        "International, and how their share compares across projects.\n", encoding="utf-8")
    library = Library(embedded_settings)
    library.ingest(sorted(tmp_path.glob("*.md")))
    assistant = Assistant(library, today=date(2026, 11, 22))
    assert sorted(r.year for r in assistant.records() if r.year) == [2024, 2025]
    answer = assistant.ask("How does the share of agreements under Sister Cities "
                           "International patronage reported by the 2024 project compare "
                           "with the 2025 project's figures?")
    assert {c.source for c in answer.citations} == {"report_agreements-mining-2024.md",
                                                    "report_agreements-mining-2025.md"}
    assert "17%" in answer.text and "1.68%" in answer.text


def test_a_comparison_of_two_editions_takes_each_side_from_its_own_document(
        embedded_settings, tmp_path: Path) -> None:
    """"How do the rules of the 1991 Anholt agreement differ from those of the 1986 Benelux
    agreement?": neither treaty names the other's year, so neither may be asked to (it was
    declined as "Your documents do not mention Benelux 1986"); and a treaty that writes its
    name only inside a compound ("Done at Isselburg-Anholt") is still the Anholt side."""
    (tmp_path / "treaty-cross-border-nl-de.md").write_text(
        "# Agreement on cross-border cooperation between territorial authorities\n\n"
        "## Article 14\n\nThis Agreement may be amended only by a protocol signed by all "
        "four Contracting States.\n\n## Final provisions\n\nDone at Isselburg-Anholt on 23 "
        "May 1991 in four originals.\n", encoding="utf-8")
    (tmp_path / "benelux-convention.md").write_text(
        "# Benelux Convention on cross-border cooperation\n\n## Article 9\n\nAmendments to "
        "this Convention enter into force once the Committee of Ministers approves them by a "
        "two-thirds majority.\n\n## Final provisions\n\nDone at Brussels on 12 September "
        "1986.\n", encoding="utf-8")
    (tmp_path / "guide.md").write_text(
        "# Guide to cross-border agreements\n\n## Amendments\n\nMost cross-border agreements "
        "may be amended by the parties; read each agreement's final articles.\n",
        encoding="utf-8")
    library = Library(embedded_settings)
    library.ingest(sorted(tmp_path.glob("*.md")))
    assistant = Assistant(library, today=date(2026, 11, 22))
    answer = assistant.ask("How do the rules for amending the 1991 Anholt agreement differ "
                           "from those of the 1986 Benelux agreement?")
    assert not answer.declined, answer.text
    assert {c.source for c in answer.citations} == {"treaty-cross-border-nl-de.md",
                                                    "benelux-convention.md"}
    assert "protocol signed by all four" in answer.text and "two-thirds" in answer.text
    answer = assistant.ask("How do the Benelux and Anholt agreements differ on amendments?")
    assert {c.source for c in answer.citations} == {"treaty-cross-border-nl-de.md",
                                                    "benelux-convention.md"}, answer.text
    # the naming the side's document is told apart by: a compound's parts, a file's words
    from assistant.retrieve import terms_and_parts
    assert {"anholt", "isselburg-anholt"} <= terms_and_parts("Done at Isselburg-Anholt")
    assert "anholt" in terms_and_parts("mou_anholt-agreement-1991.md")


def test_a_name_one_document_alone_prints_names_it_whatever_its_title(
        embedded_settings, tmp_path: Path) -> None:
    """"The Anholt Agreement" is titled "Overeenkomst tussen ..." in Dutch; only its last
    line, "Gedaan te Isselburg-Anholt", names the place. A name two documents print ("the
    Official Journal") singles out neither."""
    texts = {
        "anholt.md": "# Overeenkomst tussen het Koninkrijk der Nederlanden en de "
                     "Bondsrepubliek Duitsland inzake grensoverschrijdende samenwerking\n\n"
                     "De gemeenten kunnen een gemeenschappelijke regeling treffen. De "
                     "regeling bevat bepalingen over de taal van de notulen. Zie het "
                     "Official Journal.\n\nGedaan te Isselburg-Anholt, op 23 mei 1991.\n",
        "vila.md": "# Sister City Agreement between Alder and Vila\n\nThe two towns shall "
                   "cooperate in culture and trade. Published in the Official Journal.\n",
        "fund.md": "# Green Towns Fund call for proposals\n\nGrants of EUR 20,000 support "
                   "joint climate projects of partner towns.\n",
    }
    assistant, by_source = _library_of(texts, embedded_settings, tmp_path)
    assistant.retriever.keyword.ensure(assistant.retriever.live_ids())
    assert assistant.retriever.keyword.naming("Anholt") == {by_source["anholt.md"]}
    boosts = assistant._boosts("We're drafting the founding arrangement for a joint body "
                               "under the Anholt Agreement. What must it cover?")
    assert boosts.get(by_source["anholt.md"], 1.0) > boosts.get(by_source["vila.md"], 1.0)
    journal = assistant._boosts("Where was the rule published in the Official Journal?")
    assert journal.get(by_source["anholt.md"], 1.0) == 1.0
    assert journal.get(by_source["vila.md"], 1.0) == 1.0
    # ... nor does a name with a word no document prints ("the Isselburg Trust")
    trust = assistant._boosts("When does the Isselburg Trust's funding round close?")
    assert trust.get(by_source["anholt.md"], 1.0) == 1.0


def test_a_documents_whole_text_is_kept_joined_until_the_library_changes(library: Library,
                                                                         tmp_path: Path):
    from assistant import retrieve

    call, rec, assistant = _one_call(library, tmp_path)
    keyword = assistant.retriever.keyword
    keyword.ensure(assistant.retriever.live_ids())
    text = keyword.document_text(rec["doc_id"])
    assert "GREEN TOWNS COOPERATION FUND" in text
    assert keyword.document_text(rec["doc_id"]) is text  # read once, kept
    # the library changes: the text is read again from the rebuilt index
    call.write_text(CALL_TEXT.replace("GREEN TOWNS", "BLUE RIVERS"))
    library.ingest([call])
    keyword.ensure(assistant.retriever.live_ids())
    again = keyword.document_text(library.registry.resolve("call.txt")[0].doc_id)
    assert "BLUE RIVERS" in again and "GREEN TOWNS" not in again
    # ... and only the last ones read are kept
    for n in range(retrieve.DOCUMENT_TEXTS + 5):
        keyword.document_text(f"unknown-{n}")
    assert len(keyword._docs[2]) == retrieve.DOCUMENT_TEXTS
