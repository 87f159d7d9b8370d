"""A question that names a call's edition that none of the searched documents is: the calls
that are that edition are searched on their own (``assistant.editions``)."""

from __future__ import annotations

from pathlib import Path

from assistant.answer import EmbeddedAnswerer
from assistant.editions import asks_edition, edition_documents
from assistant.retrieve import Filters
from assistant.understand import understand
from ingest.registry import DocRecord

QA_2008 = ("Domande e risposte sul bando ED 2008\n\n"
           "Domanda: le spese del personale sono ammissibili per i centri d'informazione? "
           "Risposta: sono ammissibili i costi del personale addetto all'azione. I centri "
           "d'informazione sono selezionati per il periodo 2009-2012.\n")
CALL_2012 = ("INVITO A PRESENTARE PROPOSTE\n\n"
             "Sostegno a favore di azioni di informazione riguardanti la politica agricola "
             "comune per l'esercizio 2012. Le azioni si svolgono nel 2012. Il contributo per i "
             "costi del personale non supera 10 000 EUR. Le domande devono pervenire entro il "
             "30 settembre 2011.\n")
PRINCE_2010 = ("CALL FOR PROPOSALS PRINCE 2010 - EU27\n\n"
               "The PRINCE 2010 call supports information actions on EU enlargement. "
               "Applications must be submitted by 31 March 2011.\n")


def _record(doc_id: str, title: str, language: str) -> DocRecord:
    return DocRecord(doc_id, f"{doc_id}.txt", "grant_call", title, "txt", 1, 1, 1, "",
                     languages=[language])


TEXTS = {"qa": QA_2008, "cap": CALL_2012, "prince": PRINCE_2010}
RECORDS = [_record("qa", "Domande e risposte sul bando ED 2008", "it"),
           _record("cap", "INVITO A PRESENTARE PROPOSTE", "it"),
           _record("prince", "CALL FOR PROPOSALS PRINCE 2010 - EU27", "en")]


def test_the_stored_edition_is_found_by_its_year_or_its_programme():
    q = understand("Does the CAP information actions 2012 call pay towards our staff costs?")
    assert asks_edition(q)
    # the 2008 Q&A funds centres for 2009-2012, but its title names its own edition
    assert edition_documents(q, RECORDS, TEXTS.__getitem__,
                             EmbeddedAnswerer.pinned_documents) == ["cap"]
    # "PRINCE 2012": calls named PRINCE are stored, and none is the 2012 edition; a 2012
    # call of another programme in another language is not it
    prince = understand("What is the deadline of the PRINCE 2012 call?")
    assert edition_documents(prince, RECORDS, TEXTS.__getitem__,
                             EmbeddedAnswerer.pinned_documents) == []
    assert not asks_edition(understand("What costs are eligible for staff?"))


def test_only_calls_whose_record_may_be_the_edition_are_read():
    """The whole texts of a library of calls are not read for every question that names an
    edition: a call whose title, file name and dates are years away is not the edition."""
    read: list[str] = []

    def doc_text(doc_id: str) -> str:
        read.append(doc_id)
        return TEXTS.get(doc_id, "")

    def f(value: object) -> dict:
        return {"value": value, "page": 1, "evidence": "..."}

    old = _record("old", "Call for proposals 1998", "en")
    old.fields["deadline"] = f("1998-05-01")
    cap = _record("cap", "INVITO A PRESENTARE PROPOSTE", "it")
    cap.fields["deadline"] = f("2011-09-30")
    q = understand("Does the CAP information actions 2012 call pay towards our staff costs?")
    found = edition_documents(q, [old, cap], doc_text, EmbeddedAnswerer.pinned_documents)
    assert found == ["cap"] and "old" not in read and read.count("cap") == 1
    # a programme named in a record far from the year still says that the edition asked is
    # one of its calls: "PRINCE 2012" is no 2012 call of another programme
    prince = _record("prince", "CALL FOR PROPOSALS PRINCE 2005", "en")
    prince.fields["deadline"] = f("2005-03-31")
    asked = understand("What is the deadline of the PRINCE 2012 call?")
    assert edition_documents(asked, [prince, cap], doc_text,
                             EmbeddedAnswerer.pinned_documents) == []


def test_the_edition_is_searched_when_the_search_missed_it(library, tmp_path: Path):
    from assistant.ask import Assistant

    for name, text in (("qa-ed-2008", QA_2008), ("cap-2012", CALL_2012),
                       ("prince-2010", PRINCE_2010)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    library.ingest(sorted(tmp_path.glob("*.txt")), doc_type="grant_call")
    assistant = Assistant(library)
    live = assistant.retriever.live_ids()
    question = "Does the CAP information actions 2012 call pay towards our staff costs?"
    q = understand(question)
    qa = [p for p in assistant.retrieve(question, None, {}, 8, live)
          if p.source == "qa-ed-2008.txt"]
    assert qa
    found = assistant.the_edition(q, question, qa, None, {}, 8, live)
    assert found[0].source == "cap-2012.txt" and found[-len(qa):] == qa
    # a search that found the edition is left as it is
    assert assistant.the_edition(q, question, found, None, {}, 8, live) == found
    # ... and the officer's filters hold: the edition outside them is not searched
    only_qa = Filters(doc_ids=[qa[0].doc_id])
    assert assistant.the_edition(q, question, qa, only_qa, {}, 8, live) == qa


def test_the_edition_in_another_language_answers_wherever_the_search_ranks_it():
    """The English guide of another call ranks first and names the Commission; the Italian
    call of the 2012 financial year, which names no CAP ("PAC"), ranks below it: it is the
    edition asked about, and it answers. "PRINCE 2012" is not any 2012 call: one that names
    PRINCE."""
    from assistant.types import Passage

    def passage(doc: str, text: str, title: str, language: str, n: int) -> Passage:
        return Passage(f"{doc}-{n:05d}", doc, f"{doc}.pdf", title, "grant_call", 1, "", text,
                       0.03, language=language)

    prince = passage("prince", "The Commission pays up to 80% of eligible staff costs under "
                     "the PRINCE 2010 call. Applications are due by 31 March 2011.",
                     "CALL FOR PROPOSALS PRINCE 2010 - EU27", "en", 0)
    cap = passage("cap", CALL_2012, "INVITO A PRESENTARE PROPOSTE", "it", 1)
    texts = {"prince": prince.text, "cap": cap.text}
    answerer = EmbeddedAnswerer()
    ans = answerer.run("Under the 2012 call for CAP information actions, how much does the "
                       "Commission pay towards staff costs?", [prince, cap],
                       doc_text=texts.__getitem__)
    assert not ans.declined and "10 000 EUR" in ans.text, ans.text
    other = answerer.run("Under the PRINCE 2012 call, how much does the Commission pay "
                         "towards staff costs?", [prince, cap], doc_text=texts.__getitem__)
    assert other.declined and "10 000" not in other.text, other.text
    # ... however the question places the programme's name
    apart = answerer.run("Under the 2012 call of the PRINCE programme, how much does the "
                         "Commission pay towards staff costs?", [prince, cap],
                         doc_text=texts.__getitem__)
    assert apart.declined and "10 000" not in apart.text, apart.text


def test_a_comparison_of_two_editions_is_answered_from_each(library, tmp_path: Path):
    """Each side names its edition; the Italian call of the 2012 financial year never writes
    "CAP": the comparison's sides found their documents, and that the library prints no
    "CAP" is no reason to decline."""
    from assistant.ask import Assistant

    for name, text in (("qa-ed-2008", QA_2008), ("cap-2012", CALL_2012),
                       ("prince-2010", PRINCE_2010)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    library.ingest(sorted(tmp_path.glob("*.txt")), doc_type="grant_call")
    ans = Assistant(library).ask("Compare the deadlines of the 2012 CAP information actions "
                                 "call and the PRINCE 2010 call.")
    assert not ans.declined, ans.text
    assert "30 settembre 2011" in ans.text and "31 March 2011" in ans.text, ans.text
