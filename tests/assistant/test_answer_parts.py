"""The answerer's general mechanisms: what a question wants and pins down, its parts,
sentences that continue an answer, table rows, pins no document holds, lines that are never
answers, and sentences cut at a chunk boundary."""

from __future__ import annotations

import pytest

from assistant.answer import EmbeddedAnswerer
from assistant.facts import RULES
from assistant.pins import names_another_part
from assistant.select import load_synonyms, root
from assistant.sentences import (
    LONGEST_SENTENCE,
    holds,
    is_heading_like,
    is_metadata,
    is_reference_entry,
    split_sentences,
)
from assistant.types import Passage
from assistant.understand import split_parts, topic, understand


def _passage(text: str, title: str = "Example Call for Proposals", n: int = 0) -> Passage:
    return Passage(f"doc-{n:05d}", "doc", "example.pdf", title, "grant_call", 1, "", text, 0.03)


def test_roots_ignore_endings():
    assert root("receive") == root("receiving") == root("received")
    assert root("legally") == root("legal")
    assert root("allowed") == root("allow")


def test_synonyms_load_from_the_prompts_folder():
    groups = load_synonyms()
    assert groups and all(asked and said for asked, said in groups)


def test_question_parts_are_split_on_a_second_question_word():
    assert split_parts("When did the call open, and when is the information session?") == [
        "When did the call open", "when is the information session"]
    assert split_parts("Which areas of cooperation and culture does it cover?") == [
        "Which areas of cooperation and culture does it cover?"]
    # a part may open with a preposition; a lone question word joins the next part
    assert split_parts("Where and when was it concluded, and in which languages is it "
                       "authentic?") == ["Where and when was it concluded",
                                         "in which languages is it authentic"]
    assert split_parts("Who signed it and when?") == ["Who signed it and when?"]


def test_what_a_question_wants_and_pins_down():
    q = understand("What is the submission deadline of the PRINCE 2012 call under Lot 2?")
    assert q.editions == [("PRINCE", "2012")] and q.parts_named == [("Lot", "2")]
    assert understand("When was it signed?").wants == "date"
    assert understand("How much is the grant?").wants == "quantity"
    assert understand("Who signed it?").wants == "agent"
    assert understand("Where was it concluded?").wants == "place"
    # "our 2021 MoU" is a year the document must hold, not an edition of anything
    assert understand("When does our 2021 MoU expire?").editions == []
    assert understand("Which call has id FTF-2026-CULT-01?").codes == ["FTF-2026-CULT-01"]


def test_a_decline_names_what_is_missing_in_the_question_s_words():
    assert topic("What is the population of Glastonbury?") == "the population of Glastonbury"
    assert topic("Who signed it?") == "who signed it"
    assert topic("What does the agreement say about termination?") == (
        "an answer to “What does the agreement say about termination?”")
    assert topic("Which documents does a town need to attach?") == (
        "an answer to “Which documents does a town need to attach?”")
    assert topic("Which partners are eligible?") == "which partners are eligible"
    # a question with its verb inverted is quoted, never made a clause that reads wrong
    # ("do not give on what date did the Netherlands ratify it")
    assert topic("On what date did the Netherlands ratify it?") == (
        "an answer to “On what date did the Netherlands ratify it?”")
    assert topic("What annual membership dues does SCI charge a town?") == (
        "an answer to “What annual membership dues does SCI charge a town?”")
    assert topic("When was it signed?") == "an answer to “When was it signed?”"
    assert topic("How long is it valid?") == "an answer to “How long is it valid?”"
    assert topic("How many agreements were signed?") == "how many agreements were signed"
    # a follow-up's "And ..." is not part of what is missing
    assert topic("And when does it expire?") == "an answer to “When does it expire?”"
    assert topic("And who signed it?") == "who signed it"
    assert topic("So-called twinning: is it binding?").startswith("so-called twinning")
    assert topic("And what about Port Ashby?") == "an answer to “What about Port Ashby?”"


def test_each_part_of_a_two_part_question_is_answered(answerer):
    text = ("The call opened on 2 March 2026. Applications are assessed by a panel.\n\n"
            "An online information session will be held on 14 April 2026.")
    ans = answerer.run("When did the call open, and when is the online information session?",
                       [_passage(text)])
    assert not ans.declined
    assert "2 March 2026" in ans.text and "14 April 2026" in ans.text


def test_a_date_question_prefers_the_sentence_with_a_date(answerer):
    text = ("Projects may last 12 months. Applicants are informed of the results by "
            "3 June 2027. Applications are submitted online.")
    ans = answerer.run("When are applicants informed of the results?", [_passage(text)])
    assert not ans.declined and "3 June 2027" in ans.text


def test_a_sentence_that_continues_the_answer_is_kept(answerer):
    text = ("Applicants making false declarations may receive financial penalties of 2% to "
            "10% of the grant. This rate may be increased to 4% to 20% for a repeat offence. "
            "The call budget is EUR 1,000,000.")
    ans = answerer.run("What penalties apply to false declarations?", [_passage(text)])
    assert "2% to 10%" in ans.text and "4% to 20%" in ans.text


def test_rows_of_a_table_come_together(answerer):
    text = ("Table 20: Distribution of renewal clauses.\nBy mutual agreement 102 34.23\n"
            "No renewal clause 101 33.89\nAutomatic renewal 85 28.52\n\nOther text follows "
            "here about something else entirely.")
    ans = answerer.run("How many agreements have no renewal clause?", [_passage(text)])
    assert "33.89" in ans.text and "34.23" in ans.text and "28.52" in ans.text
    assert "Table 20" not in ans.text  # a caption names a table, it does not answer


def test_a_year_no_document_holds_is_declined_and_named(answerer):
    text = "Applications for the PRINCE 2010 call must be sent by 31 March 2011."
    ans = answerer.run("What is the deadline of the PRINCE 2012 call?",
                       [_passage(text, title="PRINCE 2010 guidelines")])
    assert ans.declined and "PRINCE 2012" in ans.text
    assert ans.citations and ans.citations[0].page == 1  # the closest passage, shown


def test_titles_headers_urls_and_metadata_are_never_answers():
    assert is_metadata("SOURCE: city-records TITLE: Sister city agreement DATE: 2001")
    assert is_metadata("https://example.org/agreements/houston.pdf")
    # an e-mail address on its own line is a contact, which may be what is asked
    assert not is_metadata("Contact: jane.doe@city.gov")
    assert is_metadata("Source: jane.doe@city.gov https://example.org/a.pdf")
    assert is_metadata("Page 3 of 12") and is_metadata("17")
    assert is_heading_like("Preston Model in microplomacy")
    assert is_heading_like("Figure 8: Most common cooperation areas mentioned in agreements")
    assert not is_heading_like("Explicitly stated 28")
    assert is_heading_like("## Europese Kaderovereenkomst inzake grensoverschrijdende "
                           "samenwerking tussen territoriale gemeenschappen of autoriteiten")
    assert is_heading_like("####Protocol No. 3 to the European Outline Convention")
    assert not is_heading_like("#1 priority is the exchange of pupils between the towns.")
    text = ("SOURCE: x.pdf TITLE: Agreement\nExample Call for Proposals\n"
            "The grant covers 80% of eligible costs.")
    assert [s for s, _ in split_sentences(text, "Example Call for Proposals")] == [
        "The grant covers 80% of eligible costs."]


def test_contents_lines_are_never_answers_and_a_preamble_is_read_recital_by_recital(answerer):
    contents = ("BACKGROUND AND CONTEXT OF THE CALL FOR PROPOSALS ....................... 3\n"
                "OBJECTIVES OF THE CALL ........................................... 4\n\n")
    ans = answerer.run("What is the background of the call?", [_passage(contents)])
    assert "......" not in ans.text
    recitals = ("The Regional District of North Caldwell and Hoshikawa Prefecture (hereinafter "
                "referred to collectively as the Participants),\n"
                + "".join(f"Noting that both regions rely on fisheries and forestry and that "
                          f"their universities run programmes in marine science number {n};\n"
                          for n in range(4))
                + "Desiring to establish a framework that complements the existing sister-city "
                  "relationship between the City of Port Ashby and Minato-Hoshikawa City;\n"
                  "Have reached the following understanding:")
    assert len(recitals) > 700  # one sentence, too long to quote whole
    ans = answerer.run("Which two cities already have a sister-city relationship?",
                       [_passage(recitals, title="Memorandum of Understanding")])
    assert not ans.declined and "Port Ashby and Minato-Hoshikawa" in ans.text
    assert "fisheries" not in ans.text


def test_sentences_in_another_language_are_weighed_by_meaning(answerer):
    # English question, Italian passage: words and figures cannot rank these sentences
    # (every one has "Commissione", "contributo" and a percentage), so the embedder weighs
    # them all; the answer is the 12th sentence, beyond the cheap cut of 8
    filler = [f"La Commissione esamina il contributo richiesto nella domanda numero {n} "
              f"entro il {n + 10} % del tempo previsto." for n in range(11)]
    text = " ".join([*filler, "Il contributo della Commissione è limitato al 50 % dei costi "
                               "totali ammissibili.", "Le domande sono valutate da un comitato."])
    passage = _passage(text, title="Invito a presentare proposte")
    passage.language = "it"
    ans = answerer.run("What share of the total eligible costs does the Commission's "
                       "contribution cover?", [passage])
    assert not ans.declined and "50 %" in ans.text


def test_a_when_or_how_many_question_is_not_answered_without_a_date_or_figure(answerer):
    text = ("Cities around the world network with each other to negotiate common goals. "
            "The C40 network brings together mayors of large cities on climate action.")
    ans = answerer.run("How many member cities does the C40 network have?", [_passage(text)])
    assert ans.declined and ans.citations  # the closest passage is still shown
    ans = answerer.run("How many member cities does the C40 network have?",
                       [_passage(text + " The C40 network has 97 member cities.")])
    assert not ans.declined and "97" in ans.text
    ans = answerer.run("When was the network founded?", [_passage(text)])
    assert ans.declined


def test_abbreviations_do_not_end_sentences():
    text = "Under Protocol No. 3 (ETS No. 106) the body may be wound up. Art. 5 applies."
    assert [s for s, _ in split_sentences(text)] == [
        "Under Protocol No. 3 (ETS No. 106) the body may be wound up.", "Art. 5 applies."]


def test_answer_types_are_read_by_the_date_and_amount_parsers():
    assert holds("Applications close on 12 November 2010.", "date")
    assert holds("The grant is at most EUR 300,000.", "quantity")
    assert holds("Projects last 18 months.", "duration")
    assert not holds("Applications are submitted online.", "date")


def test_timetable_rows_are_sentences_not_headings():
    text = "Step Date\nCall opens 1 October 2026\nOnline information session 19 January 2027\n"
    sentences = [s for s, _ in split_sentences(text)]
    assert "Online information session 19 January 2027" in sentences


def test_sentence_cut_at_a_chunk_boundary_is_completed(assistant):
    """On the corpus as chunked: a passage cut mid-sentence gets the rest of the sentence
    from the next chunk, and that chunk gets the sentence's start from this one."""
    keyword = assistant.retriever.keyword
    live = assistant.retriever.live_ids()
    keyword.ensure(live)
    cut = None
    for meta in keyword.metas:
        here = keyword.chunk(str(meta["doc_id"]), int(meta["chunk_index"]))
        after = keyword.chunk(str(meta["doc_id"]), int(meta["chunk_index"]) + 1)
        if (here and after and here.text.rstrip()[-1:].isalpha()
                and after.text[:1].islower()):
            cut = (here, after)
            break
    assert cut is not None, "the corpus should have a sentence cut between two chunks"
    here, after = cut
    done = assistant.complete_sentences([here, after], live)
    tail = after.text.split(".", 1)[0]
    assert done[0].text.startswith(here.text.rstrip())
    assert done[0].text.rstrip().endswith(tail.strip() + ".")
    assert done[1].text.endswith(after.text.strip())
    assert len(done[1].text) > len(after.text.strip())


def test_an_edition_is_the_name_with_its_year_when_the_document_writes_one():
    from assistant.pins import pin_holds

    guide = "call for proposals prince 2010 - eu27 guidelines. deadline: 31 march 2011."
    assert pin_holds("edition", ("PRINCE", "2010"), guide)
    assert not pin_holds("edition", ("PRINCE", "2011"), guide)  # its deadline's year
    # a document that never writes the name beside a year holds both anywhere; a year in
    # an id ("comm/c2/1-2010 eyv") is not an edition's
    call = "comm/c2/1-2010 eyv call. european year of volunteering 2011: the eyv flagships"
    assert pin_holds("edition", ("EYV", "2011"), call)


def test_a_name_the_question_uses_may_be_written_otherwise_in_another_language():
    q = understand("What is the deadline of the CAP information actions call?")

    def passage(doc: str, text: str, language: str) -> Passage:
        return Passage(f"{doc}-00000", doc, f"{doc}.pdf", f"Document {doc}", "grant_call", 1,
                       "", text, 0.03, language=language)

    capital = passage("capital", "The fund supports capital projects.", "en")
    faq = passage("faq", "Per un ente pubblico basta un cap itolo di bilancio.", "it")
    italian = passage("pac", "Le domande devono essere inviate entro il 30 settembre.", "it")
    english = passage("guide", "The CAP guide explains the rules.", "en")
    # "cap" in "capital" is not the name; only an Italian document writes "cap": then
    # every Italian document may name it its own way ("PAC")
    assert EmbeddedAnswerer.named_documents(q, [capital, faq, italian],
                                            {"capital", "faq", "pac"}) == {"faq", "pac"}
    # an acronym is written in capitals: "a cap of 40%" does not name it
    capped = passage("capped", "Staff costs have a cap of 40% of the budget.", "en")
    assert EmbeddedAnswerer.named_documents(q, [capped, italian],
                                            {"capped", "pac"}) == {"pac"}
    # an English document names it: the question is about that one
    assert EmbeddedAnswerer.named_documents(q, [capital, english, italian],
                                            {"capital", "guide", "pac"}) == {"guide"}
    # no document names it: one in the question's language that never writes it is
    # about something else; one that holds the name's words apart may still name it
    other = passage("prince", "The PRINCE call closes on 31 March 2011.", "en")
    assert EmbeddedAnswerer.named_documents(q, [other, italian], {"prince", "pac"}) == {"pac"}
    split = passage("split", "The Wrenfield Trust funds Cultural Bridges grants.", "en")
    wrenfield = understand("When does the Wrenfield Cultural Bridges round close?")
    assert "Wrenfield Cultural Bridges" in wrenfield.names
    assert EmbeddedAnswerer.named_documents(wrenfield, [split, other],
                                            {"split", "prince"}) == {"split"}
    # ... or spells out the short form the question uses, somewhere in the document
    wef = understand("What does the WEF article say about city diplomacy?")
    forum = passage("forum", "Cities are taking a growing role in diplomacy.", "en")
    assert EmbeddedAnswerer.named_documents(
        wef, [forum, other], {"forum", "prince"},
        lambda d: "Published by the World Economic Forum" if d == "forum" else "") == {"forum"}


def test_a_calls_edition_is_its_own_year_in_any_language(answerer):
    """"The call for the 2013 financial year" is not a call whose text names 2013 as the
    end of its actions: a call's edition is its title's year, else the year it names most
    often, and the years of a period it funds."""
    from assistant.pins import edition_years, pin_holds

    assert edition_years("INVITO A PRESENTARE PROPOSTE", "per l'esercizio 2012; entro il 2012, "
                         "tra il 1 marzo 2012 e il 28 febbraio 2013") == {2012}
    # a title that names its year names the edition, whatever period the text funds; a
    # period in the title, or in the text of an untitled call, is the call's
    assert edition_years("Domande e risposte sul bando ED 2008",
                         "centri d'informazione 2009-2012") == {2008}
    # (a year inside the notice's journal reference is the notice's, not the call's)
    assert edition_years("Invito a presentare proposte 2011/C 212/11", "per l'esercizio "
                         "2012, nel periodo 2012-2013") == {2012, 2013}
    assert edition_years("Bando centri d'informazione 2009-2012", "") == {
        2009, 2010, 2011, 2012}
    assert edition_years("Bando centri d'informazione", "centri d'informazione 2009-2012; "
                         "il bando 2009") == {2009, 2010, 2011, 2012}
    fiscal = understand("What is the deadline of the call for the 2013 financial year?")
    assert fiscal.editions == [] and fiscal.fiscal_years == ["2013"]
    # ... a call's edition only: a report may say "In 2013 the city spent ..."
    assert pin_holds("fiscal", ("2013",), "in 2013 the city spent", own_years=None)
    assert not pin_holds("fiscal", ("2013",), "esercizio 2012", own_years={2012})
    # a round asked for by its year alone, in the forms officers write
    assert understand("What did the call for proposals in 2009 fund?").editions == [("", "2009")]
    assert understand("When does the 2027 round close?").editions == [("", "2027")]
    # a programme's seven-year period is no call's edition; a sum is no year
    assert edition_years("Call", "Europe for Citizens 2014-2020: the 2016 call closes in "
                         "2016.") == {2016}
    assert edition_years("Call", "grants of 2000 EUR; 2000 EUR; the 2011 call") == {2011}

    def passage(doc: str, title: str, text: str, language: str) -> Passage:
        return Passage(f"{doc}-00000", doc, f"{doc}.pdf", title, "grant_call", 1, "", text,
                       0.03, language=language)

    cap = passage("cap", "INVITO A PRESENTARE PROPOSTE", "Azioni di informazione per "
                  "l'esercizio 2012, da realizzare tra il 1 marzo 2012 e il 28 febbraio 2013. "
                  "Le domande devono pervenire entro il 30 settembre 2011.", "it")
    prince = passage("prince", "PRINCE 2010 - EU27", "The PRINCE 2010 call for information "
                     "actions on the EU closes on 31 March 2011.", "en")
    # the English guide names "EU" but is the 2010 edition; the Italian call, which never
    # writes "EU" and which the search ranks first, is the 2012 one, not the 2013 one
    asked = "When is the deadline of the EU information actions call for the {} financial year?"
    other = answerer.run(asked.format(2013), [cap, prince])
    assert other.declined and "2013 financial year" in other.text
    this = answerer.run(asked.format(2012), [cap, prince])
    assert not this.declined and this.citations[0].source == "cap.pdf"
    # ... wherever the search ranks it: below the guide of another edition, it is still the
    # only 2012 call retrieved (a programme the question names, "PRINCE 2012", it must
    # name: tests/assistant/test_editions.py)
    below = answerer.run(asked.format(2012), [prince, cap])
    assert not below.declined and below.citations[0].source == "cap.pdf"


def test_the_document_that_holds_every_name_the_question_uses_wins():
    q = understand("What is the Preston Model that the Microplomacy paper refers to?")
    assert set(q.names) >= {"Preston Model", "Microplomacy"}

    def passage(doc: str, text: str) -> Passage:
        return Passage(f"{doc}-00000", doc, f"{doc}.txt", f"Document {doc}", "policy_report",
                       1, "", text, 0.03, language="en")

    both = passage("rural", "Microplomacy draws on the Preston Model of community wealth.")
    one = passage("models", "Microplomacy is coordinated in three models.")
    assert EmbeddedAnswerer.named_documents(q, [one, both], {"rural", "models"}) == {"rural"}
    # with no document holding both, each that holds one stays
    other = passage("preston", "The Preston Model began in the north of England.")
    assert EmbeddedAnswerer.named_documents(q, [one, other], {"models", "preston"}) == {
        "models", "preston"}


def test_a_period_beside_a_name_holds_each_of_its_years():
    from assistant.pins import pin_holds

    assert pin_holds("edition", ("Interreg Europe", "2023"), "interreg europe 2021-2027")
    assert not pin_holds("edition", ("Interreg Europe", "2028"), "interreg europe 2021-2027")
    # a date ending the line before a heading is no year of the name
    assert not pin_holds("edition", ("PRINCE", "2011"), "until 31 march 2011 prince 2010 lot 1")


def test_a_sentence_that_asks_weighs_less(answerer):
    from assistant.select import SentenceScorer

    q = understand("Can a centre charge fees for its events?")
    from dataclasses import replace

    asks = _passage("Can a centre charge fees for its events?")
    says = _passage("Centres can charge fees for events.", n=1)
    cands = SentenceScorer.candidates([asks, says])
    weighed = answerer.scorer.score(q, q.text, cands, [asks, says])
    kept = answerer.scorer.weights
    answerer.scorer.weights = replace(kept, asking=0.0)
    try:
        plain = answerer.scorer.score(q, q.text, cands, [asks, says])
    finally:
        answerer.scorer.weights = kept
    assert weighed[0] == pytest.approx(plain[0] - kept.asking, abs=1e-4)
    assert weighed[1] == pytest.approx(plain[1], abs=1e-4)


def test_a_sentence_that_asks_is_not_the_answer(answerer):
    faq = _passage("Can a centre charge fees for its events? Answer: No, events organised "
                   "by the centre must be free of charge for all participants.")
    answer = answerer.run("Can a centre charge fees for its events?", [faq])
    # a question of the document's own (a FAQ's) weighs less, and brings its answer along
    assert "free of charge" in answer.text


def test_a_figure_the_question_states_is_no_answer():
    from assistant.sentences import holds_beyond

    asked = "How many of the 298 agreements in the 2025 dataset involve Japanese prefectures?"
    assert not holds_beyond("There are 298 agreements in the dataset.", "quantity", asked)
    assert not holds_beyond("Signed at Hoshikawa City on October 7, 2025.", "quantity", asked)
    assert holds_beyond("Of the 298 agreements, 12 involve prefectures.", "quantity", asked)


def test_a_date_must_be_in_the_answer_or_what_carries_it_on(answerer):
    from assistant.select import Candidate, Selection

    q = understand("When must the final report be submitted?")

    def cand(text: str, index: int, score: float) -> Candidate:
        return Candidate(text, [], 0, index, "doc", score)

    best = cand("The final report must be submitted within the period set out below:", 0, 1.0)
    carried = cand("31 January 2027 at the latest.", 1, 0.2)
    assert answerer.decide(q, Selection([best, carried], 1.0)).answer
    # a neighbour that merely holds a date does not make an answer of the best sentence
    best = cand("The final report must be submitted with the financial statement.", 0, 1.0)
    aside = cand("The Commission met on 3 May 2024 to discuss the programme.", 1, 0.2)
    assert not answerer.decide(q, Selection([best, aside], 1.0)).answer


def test_when_as_a_conjunction_asks_for_no_date():
    from assistant.understand import answer_kind

    assert answer_kind("What did the report find when it reviewed the agreements?") == "fact"
    assert answer_kind("Tell me when it expires") == "date"
    assert answer_kind("Who signed it, and when?") == "date"
    assert answer_kind("Where and when was it concluded?") == "date"


def test_split_sentences_hands_out_copies_of_what_it_cached():
    text = "Eligible costs include:\n- travel\n- subsistence"
    first = split_sentences(text)
    first[0][1].append("a change by one caller")
    assert split_sentences(text) == [("Eligible costs include:", ["travel", "subsistence"])]


def test_a_faq_question_brings_its_whole_answer_into_the_next_chunk(answerer):
    """A FAQ's answer runs on after its question, over the chunk boundary, up to the next
    question: "each broadcast counts as a separate contribution" is its last sentence."""
    def chunk(n: int, text: str) -> Passage:
        return Passage(f"faq-{n:05d}", "faq", "faq.pdf", "Questions and answers", "grant_call",
                       1, "", text, 0.03)

    first = chunk(5, "Module 6: how are contributions to the media counted? If an "
                  "advertisement is broadcast on the radio five times a week, is it one "
                  "contribution or five? Answer: for written contributions, an article "
                  "published in several newspapers counts once.")
    second = chunk(6, "Advertisements are different, since they are paid for. In that case "
                   "each broadcast counts as a separate contribution. Can the centre hire "
                   "staff part-time? Answer: Yes, it can.")
    answer = answerer.run("How should a radio advert broadcast five times a week be counted "
                          "under module 6?", [first, second])
    assert "separate contribution" in answer.text, answer.text
    assert "part-time" not in answer.text  # the next question is another answer's


def test_a_faq_answer_never_takes_another_question_s_answer():
    """The next chunk repeats the question's last lines: the answer goes on after them,
    never from the earlier answer the overlap carries; a heading ends an answer."""
    from assistant.select import SentenceScorer, answer_after, next_passages

    def chunk(n: int, text: str) -> Passage:
        return Passage(f"faq-{n:05d}", "faq", "faq.pdf", "Questions and answers", "grant_call",
                       1, "", text, 0.03)

    passages = [chunk(5, "Can the centre hire staff? Yes, it can. Can the budget be amended?"),
                chunk(6, "Yes, it can. Can the budget be amended? Only once, in writing. "
                         "The request goes to the Commission.")]
    cands = SentenceScorer.candidates(passages)
    by_pos = {(c.passage, c.index): c for c in cands}
    question = next(c for c in cands if c.text == "Can the budget be amended?")
    got = answer_after(question, by_pos, next_passages(passages), passages)
    assert [c.text for c in got] == ["Only once, in writing.",
                                     "The request goes to the Commission."]


def test_a_question_that_names_an_applicant_is_not_asking_who_may_apply():
    from datetime import date

    from assistant.facts import fact_lines
    from ingest.registry import DocRecord

    rec = DocRecord("d1", "call.pdf", "grant_call", "Rural Media Call", "pdf", 3, 9, 1, "",
                    fields={"eligible_applicants": {"value": ["municipalities", "NGOs"],
                                                    "page": 2, "evidence": "x"}})

    def asked(question: str) -> list[str]:
        return [f.text for f in fact_lines(rec, question, date(2031, 1, 1))]

    assert asked("Who can apply to the Rural Media Call?")
    assert asked("Which applicants are eligible?")
    assert not asked("What penalties can an applicant face for false declarations?")
    assert not asked("How must applicants submit their proposals?")
    assert not asked("Which costs are eligible?")
    assert not asked("What is the eligibility period for costs?")


def test_the_grant_per_project_is_said_only_when_the_grant_is_asked_about():
    """"What is the maximum daily amount for renting a conference room?" asks a sum, not
    the grant: the call's grant range is no answer to it."""
    from datetime import date

    from assistant.facts import fact_lines
    from ingest.registry import DocRecord

    rec = DocRecord("d1", "call.pdf", "grant_call", "Rural Media Call", "pdf", 3, 9, 1, "",
                    fields={"amount_min": {"value": 100000, "page": 2, "evidence": "x"},
                            "amount_max": {"value": 300000, "page": 2, "evidence": "x"},
                            "currency": {"value": "EUR", "page": 2, "evidence": "x"}})

    def asked(question: str) -> list[str]:
        return [f.text for f in fact_lines(rec, question, date(2031, 1, 1))]

    assert asked("What is the maximum grant per project?") == [
        "Grant per project: EUR 100,000 to EUR 300,000"]
    assert asked("How much money can we ask for?")
    assert asked("What is the smallest EU contribution we can receive?")
    assert not asked("What is the maximum daily amount accepted for renting a conference room?")
    assert not asked("What minimum total score does a proposal need?")
    assert not asked("What flat amount does module M5 give a centre?")
    assert asked("How much is awarded to each selected project?")
    assert not asked("How many participants per project are allowed?")
    assert not asked("How much time do we get to submit the final report?")
    assert not asked("What is the maximum age of participants who can apply?")


def test_the_fields_said_are_those_of_the_document_the_answer_comes_from(answerer):
    """"Who wrote the Microplomacy article?": another document may rank first; the authors
    said are those of the article, whose sentence answers best. Another document's fields
    never decide that the documents answer."""
    from assistant.facts import FactLine

    def doc(doc_id: str, text: str) -> Passage:
        return Passage(f"{doc_id}-0", doc_id, f"{doc_id}.txt", doc_id.title(), "policy_report",
                       1, "", text, 0.03)

    guide = doc("guide", "Town twinning guides explain how agreements are renewed.")
    article = doc("article", "The Microplomacy article was written for rural communities "
                  "that trade with the world.")
    ans = answerer.run("Who wrote the Microplomacy article for rural communities?",
                       [guide, article], facts=[],
                       related=[(FactLine("Authors: Jonathan Davies", 1, "y"), article)])
    assert "Jonathan Davies" in ans.text
    # the question's own document's fields come first when the answer draws on it
    ans = answerer.run("Who wrote the Microplomacy article for rural communities?",
                       [article, guide],
                       facts=[(FactLine("Authors: Ann Article", 1, "x"), article)],
                       related=[(FactLine("Authors: Gus Guide", 1, "y"), guide)])
    assert "Ann Article" in ans.text and "Gus Guide" not in ans.text
    # a deadline of another document does not make a sentence without a date an answer
    a = _passage("The deadline for applications is announced on the portal.", n=1)
    b = Passage("b-0", "b", "b.pdf", "Other call", "grant_call", 1, "",
                "The other call will be published in the Official Journal.", 0.03)
    ans = answerer.run("When is the deadline for applications?", [a, b], facts=[],
                       related=[(FactLine("Deadline: 1 March 2027", 1, "z"), b)])
    assert ans.declined


def test_each_part_of_a_question_has_a_sentence_of_its_own():
    """"... and who must sign it?": when the part's best sentence is already the answer's
    best ("the two communities must sign formal documents"), the part's next best, when
    about as good, answers it ("signed by the top elected official")."""
    from dataclasses import replace as copy

    from assistant import select
    from assistant.select import WEIGHTS, Candidate, SentenceScorer, choose

    q = understand("What does the toolkit say about recognition, and who must sign it?")
    assert len(q.parts) == 2
    texts = ["The two communities must sign formal documents.",
             "Documents are signed by the top elected official.",
             "Programs promote peace."]
    # whole question, first part, second part: the second part's best is the overall best
    table = {q.text: [1.0, 0.2, 0.1], q.parts[0]: [0.9, 0.1, 0.3], q.parts[1]: [1.0, 0.85, 0.1]}

    class Scorer(SentenceScorer):
        def score(self, question, text, cands, passages):  # noqa: ANN001, ANN201
            for c, x in zip(cands, table[text], strict=True):
                if text == question.text:
                    c.score = x
            return table[text]

    def chosen(part_own: float) -> list[str]:
        select.PART_OWN = part_own
        cands = [Candidate(t, [], 0, i, "doc") for i, t in enumerate(texts)]
        scorer = Scorer(None, weights=copy(WEIGHTS, keep=0.99))
        return [c.text for c in choose(scorer, q, cands, [_passage(" ".join(texts))]).chosen]

    old = select.PART_OWN
    try:
        assert texts[1] in chosen(old)
        assert texts[1] not in chosen(1.01)  # (without it, the part keeps the answer's best)
    finally:
        select.PART_OWN = old


def test_a_sentence_that_points_back_at_its_subject_goes_on_from_the_one_before():
    from assistant.select import carries_on

    before = "Il beneficiario potrà richiedere un versamento intermedio."
    assert carries_on(before, "L'importo di tale versamento non potrà essere superiore al "
                              "30 % dell'importo totale.")
    assert carries_on("Beneficiaries may ask for an interim payment.",
                      "The amount of this payment may not exceed 30% of the grant.")
    assert not carries_on("Beneficiaries may ask for an interim payment.",
                          "The amount of the grant is set in the grant agreement.")
    assert not carries_on(before, "Le domande devono essere inviate entro il 30 settembre.")
    assert not carries_on(before, "Costs such as travel are eligible.")
    assert not carries_on(before, "Applicants to this call must be public bodies.")
    assert not carries_on(before, "The mayor said the town would apply.")


def test_the_names_a_question_uses_are_no_answer_to_who():
    from assistant.select import unnamed

    names = ["Sister Cities International"]
    assert not holds(unnamed("Sister Cities International will help with the process.", names),
                     "agent")
    assert holds(unnamed("Sister Cities International's toolkit was signed by Mayor Annise "
                         "Parker.", names), "agent")


def test_a_pages_footnote_is_told_from_its_text():
    from assistant.sentences import split_trailing_note

    body = "Applicants may receive penalties representing 2% to 10% of the value of"
    note = "1 Official Journal of the European Union L 248 of 16.9.2002, as amended."
    assert split_trailing_note(f"{body}\n\n{note}") == (body, f"\n{note}")
    assert split_trailing_note(f"{body}\n{note}") == (body, f"\n{note}")
    # a date that opens the last line, a numbered list, a finished sentence: no note
    dated = "Proposals must reach us no later than\n30 September 2011 at the"
    assert split_trailing_note(dated) == (dated, "")
    listed = "Eligible themes are\n1 Youth\n2 Culture"
    assert split_trailing_note(listed) == (listed, "")
    done = "The call closes in May.\n\n1 Official Journal of the European Union L 248."
    assert split_trailing_note(done) == (done, "")


def test_the_rest_of_a_cut_sentence_keeps_its_figures_and_what_goes_on_from_it():
    from assistant.select import continues
    from assistant.sentences import rest_of_sentence

    assert rest_of_sentence("of EUR 1.200.000 for the call. Grants are small.", continues) == [
        "of EUR 1.200.000 for the call."]
    assert rest_of_sentence("the grant being awarded. This rate may be increased to 4% to "
                            "20%.\nIt applies to repeat offences. Other rules follow.",
                            continues) == ["the grant being awarded.",
                                           "This rate may be increased to 4% to 20%.",
                                           "It applies to repeat offences."]
    assert rest_of_sentence("awarded.\n\nThis is another paragraph.", continues) == [
        "awarded."]


def test_a_wrapped_clause_ending_in_a_figure_is_not_a_table_row():
    text = ("6.12 Identification of whether the agreement refers to other legal documents.\n"
            "The Blackstone Named Entity Recognition (NER) model, pre-trained on 70,000\n"
            "UK legal documents, was implemented to detect references to legal documents.\n")
    sentences = [s for s, _ in split_sentences(text)]
    whole = ("The Blackstone Named Entity Recognition (NER) model, pre-trained on 70,000 UK "
             "legal documents, was implemented to detect references to legal documents.")
    assert whole in sentences
    rows = "Step Date\nCall opens 1 October 2026\nOnline information session 19 January 2027\n"
    assert "Call opens 1 October 2026" in [s for s, _ in split_sentences(rows)]


def test_a_country_the_question_restricts_to_must_be_in_the_answer(answerer):
    from assistant.understand import places_asked

    assert places_asked("Which organisations received grants in Belgium?") == ["BE"]
    assert places_asked("Who signed it on behalf of Luxembourg?") == ["LU"]
    # the officer's own case, a yes/no question, an adjective: no restriction
    assert places_asked("Our partner is a town in Kenya. Is that allowed?") == []
    assert places_asked("Can a town in Norway apply?") == []
    assert places_asked("What does the Italian notice say about the deadline?") == []
    # a word that names a country in another language, or a word of a longer name
    assert places_asked("Which island municipalities may apply?") == []
    assert places_asked("Whom does Jordan Smith report to?") == []
    # the officer's own case told in a clause before the question
    assert places_asked("As a town in Kenya, which programmes fit us?") == []

    call = _passage("The call funds projects of civil society organisations working on "
                    "volunteering. Grants were awarded to 12 organisations in Spain and "
                    "France. Applications were received from 27 countries.")
    elsewhere = answerer.run("Which organisations received grants in Belgium?", [call])
    assert elsewhere.declined, elsewhere.text
    here = answerer.run("Which organisations received grants in Spain?", [call])
    assert not here.declined and "Spain" in here.text
    # the adjective names it too; of two countries compared, one named will do
    belgian = _passage("Grants were awarded to three Belgian municipalities and a school.")
    assert not answerer.run("Which bodies received grants in Belgium?", [belgian]).declined
    assert not answerer.run("Which organisations received grants in Belgium and in Spain?",
                            [call]).declined
    # a country written in the document's own language counts ("Belgio" in Italian)
    italian = Passage("doc-00001", "it", "avviso.pdf", "Avviso", "grant_call", 1, "",
                      "Le sovvenzioni sono state assegnate a 4 organizzazioni in Belgio.",
                      0.03, language="it")
    assert not answerer.run("How many organisations received grants in Belgium?",
                            [italian]).declined


def test_a_figure_the_question_takes_as_known_pins_the_document():
    from assistant.pins import pin_holds

    q = understand("How many of the 298 agreements in the dataset involve Japanese cities?")
    assert q.known_counts == [("298", "agreements")]
    # the officer's own case, a year, a small number that may be written in words: no pin
    assert understand("Can a city of 150,000 inhabitants apply?").known_counts == []
    assert understand("What is the 2012 budget?").known_counts == []
    assert understand("Which of the 3 lots fits us?").known_counts == []
    assert pin_holds("count", ("1,200",), "there are 1.200 members")
    assert not pin_holds("count", ("298",), "a total of 2298 texts")

    def passage(doc: str, text: str) -> Passage:
        return Passage(f"{doc}-00000", doc, f"{doc}.pdf", doc, "policy_report", 1, "", text,
                       0.03, language="en")

    report = passage("report", "The dataset comprises 298 agreements across 50 states.")
    memo = passage("memo", "The visit of a Hoshikawa Prefecture mission in May 2024 led to 3 "
                   "projects with Japanese cities.")
    assert EmbeddedAnswerer.pinned_documents(q, [memo, report], None)[0] == {"report"}
    assert EmbeddedAnswerer.pinned_documents(q, [memo], None) == (set(), "the 298 agreements")


def test_a_document_titled_with_another_identifier_is_another_call():
    q = understand("What was the deadline of call FTF-2026-CULT-01?")

    def passage(doc: str, title: str, text: str) -> Passage:
        return Passage(f"{doc}-00000", doc, f"{doc}.pdf", title, "grant_call", 1, "", text,
                       0.03, language="en")

    second = passage("clima", "Call for Proposals FTF-2026-CLIMA-02",
                     "The first call, FTF-2026-CULT-01, is closed. Deadline: 31 March 2027.")
    first = passage("cult", "Call for Proposals FTF-2026-CULT-01", "Deadline: 1 May 2026.")
    untitled = passage("guide", "Guide for applicants", "Call FTF-2026-CULT-01 closes soon.")
    assert EmbeddedAnswerer.pinned_documents(q, [second, first, untitled], None)[0] == {
        "cult", "guide"}
    assert EmbeddedAnswerer.pinned_documents(q, [second], None) == (
        set(), "FTF-2026-CULT-01")
    # a comparison of the two calls asks about both: each is its own document
    both = understand("Compare the deadlines of FTF-2026-CULT-01 and FTF-2026-CLIMA-02.")
    first_both = passage("cult", "Call for Proposals FTF-2026-CULT-01",
                         "Deadline: 1 May 2026. The next call is FTF-2026-CLIMA-02.")
    assert EmbeddedAnswerer.pinned_documents(both, [second, first_both], None)[0] == {
        "clima", "cult"}


@pytest.mark.parametrize("question, sides", [
    ("How did the 2024 and 2025 projects differ in the model they used?",
     ("the 2024 projects", "the 2025 projects")),
    ("The 2024 and 2025 projects: how did they differ?",
     ("the 2024 projects", "the 2025 projects")),
    ("How do the Benelux and Anholt agreements differ on withdrawal?",
     ("the Benelux agreements", "the Anholt agreements")),
    ("How does the 2025 call differ from the 2024 call in its eligibility rules?",
     ("the 2025 call", "2024 call")),
    ("How do the rules for amending the 1991 Anholt agreement differ from those of the 1986 "
     "Benelux agreement?", ("amending the 1991 Anholt agreement", "1986 Benelux agreement")),
    ("Compare the co-financing rates of PRINCE 2010 and the EYV 2011 flagship call",
     ("PRINCE 2010", "EYV 2011 flagship call")),
    ("Which Dutch and German authorities does the agreement cover?", None),
    # two of one kind named side by side: each from its own document, with no word of
    # comparing
    ("Which OCR engines did the 2024 and the 2025 Warsaw agreements-mining projects use?",
     ("the 2024 Warsaw agreements-mining projects", "the 2025 Warsaw agreements-mining projects")),
    ("When was the agreement between the City of Leeds and the Town of Dortmund signed?", None),
    # ... or each with its year, anywhere in the question
    ("What share fell under the patronage in the 2024 mining report, and what did the 2025 "
     "report find?", ("the 2024 mining report", "the 2025 report")),
    ("Can a body set up under the 1986 Benelux agreement make rules, and how does the 1991 "
     "Anholt Agreement differ?", ("the 1986 Benelux agreement", "the 1991 Anholt Agreement")),
    # ... with the name written before its year
    ("Is Italian allowed under the PRINCE 2010 - EU27 call and under the 2012 CAP "
     "information actions call?", ("the PRINCE 2010 - EU27 call",
                                   "the 2012 CAP information actions call")),
    ("What did the 2024 report say about the 2025 budget?", None),
    ("What did the 2024 mining report say about the 2025 mining season?", None),
    ("How many agreements date from 1990 onwards, and how many from 2000 onwards?", None),
    ("Did the Netherlands and Belgium sign agreements on cross-border cooperation?", None),
    ("What did the Mayor and Council of Leeds discuss?", None),
])
def test_the_sides_of_a_comparison(question, sides):
    assert understand(question).sides == sides


def test_each_side_keeps_only_its_own_pins():
    """A side is answered from its own document, which names its own edition, not the
    other side's: the PRINCE guide never says "EYV 2011"."""
    q = understand("For Lot 2, compare the co-financing rates of PRINCE 2010 and the EYV 2011 "
                   "flagship call")
    prince, eyv = (q.side(s) for s in q.sides)
    assert prince.editions == [("PRINCE", "2010")] and eyv.editions == [("EYV", "2011")]
    assert prince.sides is None
    # names stay names (the other side's too: words of the question that weigh little)
    assert {"PRINCE 2010", "EYV 2011 flagship call", "PRINCE", "EYV"} <= set(prince.names)
    # what names neither side binds both
    assert prince.parts_named == eyv.parts_named == [("Lot", "2")]
    guide = _passage("Maximum co-financing: 60% of eligible costs.",
                     title="PRINCE 2010 Guidelines for grant applicants")
    assert EmbeddedAnswerer.pinned_documents(prince, [guide], None)[0] == set()  # no Lot 2
    lot = _passage("Lot 2: maximum co-financing 80%.", title="PRINCE 2010 Guidelines")
    assert EmbeddedAnswerer.pinned_documents(prince, [lot], None)[0] == {"doc"}
    assert EmbeddedAnswerer.pinned_documents(eyv, [lot], None)[0] == set()


def test_editions_of_two_things_are_each_in_a_document_of_its_own():
    """"Do the 1991 Anholt Agreement and the 1986 Benelux agreement apply there?": each
    document holds one of them; a document that holds neither holds none."""
    q = understand("Do the 1991 Anholt Agreement and the 1986 Benelux cross-border agreement "
                   "apply in the Caribbean?")
    assert {a for a, _ in q.editions} == {"Anholt Agreement", "Benelux"}
    def doc(doc_id: str, text: str, title: str) -> Passage:
        return Passage(f"{doc_id}-0", doc_id, f"{doc_id}.md", title, "mou", 1, "", text, 0.03)

    anholt = doc("anholt", "Anholt Agreement of 23 May 1991 on cross-border cooperation.",
                 "Anholt Agreement")
    benelux = doc("benelux", "Benelux convention of 12 September 1986.", "Benelux")
    other = doc("later", "Benelux convention of 12 September 1996.", "Benelux")
    ok, _ = EmbeddedAnswerer.pinned_documents(q, [anholt, benelux, other], None)
    assert ok == {"anholt", "benelux"}
    # ... but each must be in one: the Benelux agreement is no 1999 one
    wrong = understand("Do the 1991 Anholt Agreement and the 1999 Benelux agreement apply?")
    assert EmbeddedAnswerer.pinned_documents(wrong, [anholt, benelux, other], None) == (
        set(), "Benelux 1999")
    # one edition asked: the document must be that one
    one = understand("Does the 1986 Benelux agreement apply in the Caribbean?")
    assert EmbeddedAnswerer.pinned_documents(one, [anholt, benelux, other], None)[0] == {
        "benelux"}


def test_modules_listed_with_slashes_are_no_identifier():
    """"M7/M8/M9" lists three modules: no document must print it as written."""
    assert understand("Can fairs count as M7/M8/M9 events?").codes == []
    assert understand("Is FTF-2026-CULT-01 still open?").codes == ["FTF-2026-CULT-01"]
    assert understand("Where is AB-12/CD-3/EF-77 filed?").codes == ["AB-12/CD-3/EF-77"]


def test_a_numbered_row_that_ends_in_cells_is_no_heading():
    """"3. Impact and reach 18 30" is a row of an evaluation grid, not a section heading."""
    text = ("LOT 1 Selection and award criteria:\nSection Minimum threshold Maximum Score\n"
            "1. Financial and operational capacity 12 20\n2. Relevance 12 20\n\n"
            "3. Budget\nThe budget is set out below in full.")
    sentences = [s for s, _ in split_sentences(text)]
    assert "Financial and operational capacity 12 20" in sentences
    assert "Relevance 12 20" in sentences
    assert not any(s.startswith("Budget") for s in sentences)  # a heading stays one


def test_a_bibliography_is_never_an_answer(answerer):
    """A report's references match a question about the report by their titles ("data
    mining"): their entries, and the titles between them, answer nothing."""
    references = _passage(
        "Contractnli: A dataset for document-level natural language inference on contracts.\n"
        "In Proceedings of the 2021 conference on data mining, pages 54-59.\n"
        "Document mining: benchmarks, models and applications.\n"
        "arXiv preprint arXiv:2407.21783, 2024.", title="Agreements Data Mining Report", n=1)
    intro = _passage("The goal of this data mining project is to analyse 298 agreements "
                     "signed by U.S. states.", title="Agreements Data Mining Report", n=2)
    ans = answerer.run("Give me the gist of the Agreements Data Mining report.",
                       [references, intro])
    assert "298 agreements" in ans.text
    assert "Contractnli" not in ans.text and "arXiv" not in ans.text
    # one sign of a citation is prose
    for prose in ("The chairman shall take part in the proceedings of the Commission.",
                  "Proceedings of the Joint Commission shall be held in English.",
                  "The award criteria are set out on pages 10-12 of this Guide.",
                  "It is described in the Technical Report.", "Treaty Series, vol. 1155.",
                  "The report was presented at the 2019 Conference on Cities in Lisbon.",
                  "In 2019, the conference on twinning met in Rome."):
        assert not is_reference_entry(prose), prose
    assert is_reference_entry("In Proceedings of ACL 2021.")
    # a passage with a sentence or two that point to pages is no bibliography
    guide = _passage("The criteria are explained on pages 4-6 of this guide. The budget rules "
                     "are on pages 7-9. The maximum grant per project is EUR 60,000.")
    assert "EUR 60,000" in answerer.run("What is the maximum grant per project?", [guide]).text


def test_a_wrapped_list_item_goes_on_in_its_lower_case_lines():
    """PDF text wraps a bullet's item over lines; the figure of the second item ("1.68%")
    is in its second line, and an item printed whole stays whole."""
    text = ("The analysis indicates that SCI agreements constitute\n"
            "a small minority of the state-level dataset:\n"
            "• Exact Match (Baseline): Only 1.01% (3\n"
            "agreements) contained the full unmodified\nstring.\n"
            "• Regex Match (Optimized): The detection\n"
            "rate rose to 1.68% (5 agreements) when accounting\nfor variations.\n"
            "The parties agree to cooperate in:\n• Culture\n• Education;\n"
            "The committee meets twice a year.")
    assert split_sentences(text) == [
        ("The analysis indicates that SCI agreements constitute a small minority of the "
         "state-level dataset:",
         ["Exact Match (Baseline): Only 1.01% (3 agreements) contained the full unmodified "
          "string", "Regex Match (Optimized): The detection rate rose to 1.68% (5 agreements) "
          "when accounting for variations"]),
        ("The parties agree to cooperate in:", ["Culture", "Education"]),
        ("The committee meets twice a year.", [])]


def test_an_identifier_is_no_quantity():
    from assistant.sentences import holds_beyond, type_score

    assert not holds_beyond("Funding round: CBG-2027-01", "quantity", "How many grants?")
    assert type_score("Funding round: CBG-2027-01", "quantity") == 0.0
    assert holds_beyond("We expect to award 12 grants.", "quantity", "How many grants?")


def test_a_modal_opens_a_second_part():
    assert split_parts("How long may the description be, and must a municipality attach "
                       "its budget?") == ["How long may the description be",
                                          "must a municipality attach its budget"]


def test_the_items_a_chunk_opens_with_finish_a_list_cut_before_it():
    from assistant.sentences import ends_in_list, leading_items, past_overlap

    before = ("The explainer lists these areas:\n- Port Logistics: sharing berths.\n"
              "- Fisheries Management: joint quotas and data.")
    # the next chunk repeats the last words of this one before going on
    after = ("joint quotas and data.\n- Coastal Flood Defence: warnings.\n"
             "- Maritime Heritage: museums.\nPartnerships are reviewed every year.")
    assert ends_in_list(before) and not ends_in_list("A sentence.\nAnother one.")
    assert leading_items(past_overlap(before, after)) == [
        "- Coastal Flood Defence: warnings.", "- Maritime Heritage: museums."]
    assert leading_items("Partnerships are reviewed.\n- An item") == []
    assert past_overlap("no shared words here at all", "Something else.") == "Something else."


def test_an_answer_lists_its_sentences_best_first(answerer):
    p = _passage("The programme supports cultural exchanges between twinned towns. "
                 "Applications close on 12 November 2010 at noon. "
                 "Projects start in January.")
    answer = answerer.run("When do applications close?", [p])
    assert not answer.declined
    assert answer.best and "12 November 2010" in answer.best[0].quote
    assert all(b.source == p.source and b.page == p.page for b in answer.best)
    assert answerer.run("When do applications close?", [_passage(
        "Projects are run by the lead applicant with its partners.")]).best == []


def test_of_a_sentence_and_its_translation_the_question_language_is_quoted(answerer):
    from dataclasses import replace

    en = replace(_passage("The body shall be financed from the budgets of the territorial "
                          "authorities. It shall not impose levies of a fiscal nature.",
                          title="Additional Protocol"), language="en")
    nl = replace(_passage("Het lichaam wordt gefinancierd uit de begrotingen van de "
                          "territoriale autoriteiten. Het lichaam is niet bevoegd heffingen "
                          "van fiscale aard op te leggen.", title="Additional Protocol"),
                 chunk_id="doc-00001", language="nl")
    answer = answerer.run("How is the body funded, and may it impose taxes?", [en, nl])
    assert not answer.declined
    assert "fiscal nature" in answer.text and "fiscale aard" not in answer.text
    # an embedder whose threshold was not measured keeps both versions
    from dataclasses import replace as with_

    from assistant.answer import EmbeddedAnswerer
    from assistant.select import WEIGHTS

    unmeasured = EmbeddedAnswerer(answerer.scorer._embed, weights=with_(WEIGHTS, translation=None))
    both = unmeasured.run("How is the body funded, and may it impose taxes?", [en, nl])
    assert "fiscale aard" in both.text
    # a Dutch text with no English version is the answer to an English question
    other = replace(nl, doc_id="other", source="other.md")
    answer = answerer.run("How is the body financed?", [other])
    assert not answer.declined and "gefinancierd" in answer.text


def test_an_article_outweighs_a_preamble_recital_of_the_same_words(answerer, monkeypatch):
    from dataclasses import replace as replaced
    recital = Passage("doc-00000", "doc", "a.md", "Agreement between A and B", "agreement", 1,
                      "", "Considering that the exchange of pupils between the schools of "
                      "both cities is the first aim of their partnership,",
                      0.05, preamble=True)
    article = Passage("doc-00003", "doc", "a.md", "Agreement between A and B", "agreement", 2,
                      "Article 3", "Article 3 - Schools\nThe schools of the Parties exchange "
                      "twenty pupils each spring.", 0.03)
    question = "What exchange of pupils between schools does the agreement provide for?"
    ans = answerer.run(question, [recital, article])
    assert not ans.declined and ans.best[0].page == 2 and "twenty pupils" in ans.best[0].quote
    # the weight does it: without it, the recital's words win
    monkeypatch.setattr(answerer.scorer, "weights",
                        replaced(answerer.scorer.weights, preamble=0.0))
    assert answerer.run(question, [recital, article]).best[0].page == 1


def test_a_question_the_preamble_alone_answers_is_answered(answerer):
    recital = Passage("doc-00000", "doc", "a.md", "Agreement between A and B", "agreement", 1,
                      "", "The Town of Alderbrook and the Municipality of Vila Serena, "
                      "hereinafter the Parties, wishing to deepen their friendship,", 0.05,
                      preamble=True)
    # the weight ranks sentences; it does not make the documents' answer too weak to give
    ans = answerer.run("Who are the parties to the agreement?", [recital])
    assert not ans.declined and "Vila Serena" in ans.text


def test_the_language_version_a_question_asks_about_is_quoted(answerer):
    from assistant.understand import version_asked

    assert version_asked("What does the Dutch text say about its entry into force?") == "nl"
    assert version_asked("According to the Italian OJ notice, how are proposals scored?") == "it"
    assert version_asked("When was the call published in Italian?") == "it"
    assert version_asked("Can the proposal be written in Italian?") == ""
    assert version_asked("Was the report published in Chinese newspapers?") == ""
    # a country's bodies, a notice period, a service, a verb: no language version
    for other in ("Which Dutch municipalities are covered?", "What is the French notice "
                  "period?", "Do we pay for English translation services?", "What did the "
                  "Turkish delegation notice?", "Should we polish the text?", "Is there a "
                  "Japanese version of our website?"):
        assert version_asked(other) == "", other
    # a bilingual text says it twice: the version asked for is quoted, not the other
    title = "Protocol No. 3 / Protocol nr. 3"
    en = Passage("p-00004", "p", "p.md", title, "agreement", 1, "Article 16",
                 "Article 16 - Entry into force\nThis Protocol shall enter into force on the "
                 "first day of the month following three months after four member States "
                 "have expressed their consent.", 0.05, language="en")
    nl = Passage("p-00040", "p", "p.md", title, "agreement", 1, "Artikel 16",
                 "Artikel 16 - Inwerkingtreding\nDit Protocol treedt in werking op de eerste "
                 "dag van de maand na afloop van drie maanden nadat vier lidstaten hun "
                 "instemming hebben betuigd.", 0.03, language="nl")
    ans = answerer.run("What does the Dutch text say about the Protocol's entry into force?",
                       [en, nl])
    assert not ans.declined and "treedt in werking" in ans.best[0].quote
    # a version no passage is in: the question's own language is quoted, as without it
    ans = answerer.run("What does the French text say about the Protocol's entry into force?",
                       [en, nl])
    assert "shall enter into" in ans.best[0].quote
    assert [c.quote for c in ans.best if "treedt" in c.quote] == []


def test_naming_a_version_does_not_make_an_unrelated_sentence_an_answer(answerer):
    en = Passage("a-00001", "a", "a.pdf", "Choir agreement", "agreement", 1, "",
                 "The partners organise a choir exchange every summer.", 0.05, language="en")
    it = Passage("b-00001", "b", "b.pdf", "Bando gemellaggi", "grant_call", 1, "",
                 "Le domande vanno presentate entro il 30 settembre.", 0.03, language="it")
    for question in ("What does the text say about the bank guarantee for the festival?",
                     "What does the Italian text say about the bank guarantee for the "
                     "festival?"):
        assert answerer.run(question, [en, it]).declined, question


def test_a_sentence_that_restates_the_title_is_not_the_answer(answerer):
    """A closing protocol that names the agreement in full ("On signing the Agreement
    between the Kingdom of Eldmark, the Land of Westmark and ... on cross-border
    co-operation between territorial authorities ...") shares every title word with a
    question that names the agreement; the article that answers it ranks first."""
    from assistant.select import restates

    title = ("Agreement between the Kingdom of Eldmark, the Federal Republic of Ostland and "
             "the Land of Westmark on cross-border co-operation between territorial "
             "authorities")
    text = ("Article 1\n\nThis Agreement applies, in the Land of Westmark, to the districts, "
            "the rural boroughs and the Westmark water boards.\n\nFinal protocol\n\nOn "
            "signing the Agreement between the Kingdom of Eldmark, the Federal Republic of "
            "Ostland and the Land of Westmark on cross-border co-operation between "
            "territorial authorities, the Contracting Parties agreed as follows.")
    p = _passage(text, title=title)
    assert restates("On signing the Agreement between the Kingdom of Eldmark, the Federal "
                    "Republic of Ostland and the Land of Westmark on cross-border "
                    "co-operation between territorial authorities", p)
    assert not restates("This Agreement applies, in the Land of Westmark, to the districts.", p)
    ans = answerer.run("Which authorities in the Land of Westmark are covered by the "
                       "Agreement on cross-border co-operation between territorial "
                       "authorities?", [p])
    assert not ans.declined
    assert ans.text.index("water boards") < ans.text.index("On signing") if (
        "On signing" in ans.text) else "water boards" in ans.text


def test_who_the_parties_are_is_answered_by_the_sentence_that_names_them(answerer):
    title = ("Memorandum of Understanding between the City of Lyon and the City of Turin on "
             "Urban Cooperation")
    text = ("This Memorandum of Understanding is concluded between the City of Lyon, France, "
            "and the City of Turin, Italy. Both cities wish to strengthen their friendship. "
            "The Parties shall exchange delegations every year.")
    ans = answerer.run("Who are the parties to the memorandum?", [_passage(text, title=title)])
    assert not ans.declined
    assert ans.best and "City of Lyon, France" in ans.best[0].quote


def test_a_numbered_clause_left_open_carries_the_items_that_follow():
    # HTML made text: no space after the item marks; the clause has no colon
    text = ("1. Deze Overeenkomst is van toepassing\n\n"
            "1.in het Koninkrijk der Nederlanden op provincies en gemeenten,\n\n"
            "2.in het Land Nedersaksen op Gemeinden en Landkreise,\n\n"
            "3.in het Land Noordrijn-Westfalen op Gemeinden en Kreise.\n"
            "2. Openbare lichamen kunnen deelnemen aan grensoverschrijdende samenwerking.")
    assert split_sentences(text) == [
        ("Deze Overeenkomst is van toepassing",
         ["in het Koninkrijk der Nederlanden op provincies en gemeenten",
          "in het Land Nedersaksen op Gemeinden en Landkreise",
          "in het Land Noordrijn-Westfalen op Gemeinden en Kreise"]),
        ("Openbare lichamen kunnen deelnemen aan grensoverschrijdende samenwerking", [])]
    # a list whose items end in commas ends with its item that ends in a full stop
    text = ("The agreement applies to the following authorities:\n"
            "-in Belgium: provinces, municipalities;\n"
            "-in Luxembourg: municipalities.\n"
            "2. Each Party may designate other authorities after consulting the others.")
    [(intro, items), (after, more)] = split_sentences(text)
    assert items == ["in Belgium: provinces, municipalities", "in Luxembourg: municipalities"]
    assert after.startswith("Each Party may designate") and not more
    # the list being read ends with its paragraph: the next colon starts a list of its own
    [_, (intro, items)] = split_sentences(
        "The agreement applies to the following authorities:\n- in Belgium: provinces,\n"
        "- in Luxembourg: municipalities.\n\nThe following costs are eligible:\n- travel\n"
        "- staff")
    assert (intro, items) == ("The following costs are eligible:", ["travel", "staff"])
    # a clause that lost its full stop does not take the next clause as its item, nor does
    # a bullet left open the next bullet, nor a dash in prose make an item
    assert [s for s, _ in split_sentences(
        "1. The Parties shall cooperate in education and culture\n"
        "2. Each Party shall appoint a contact person for the twinning")] == [
        "The Parties shall cooperate in education and culture",
        "Each Party shall appoint a contact person for the twinning"]
    assert split_sentences("- Travel costs of the delegations\n- Staff costs of the "
                           "secretariat")[1] == ("Staff costs of the secretariat", [])
    assert split_sentences("We support projects led by the community\n-based groups in the "
                           "region, as agreed.") == [(
        "We support projects led by the community -based groups in the region, as agreed.",
        [])]


def test_a_sentence_of_another_part_than_the_one_asked_about_gives_way(answerer):
    """"LOT 1 Selection and award criteria" answers for Lot 1; a Lot 2 question takes the
    Lot 2 table's sentence, and a sentence naming both lots stays in the running."""
    assert names_another_part("LOT 1 Selection and award criteria", [("Lot", "2")])
    assert not names_another_part("Lots 1 and 2 share one deadline", [("Lot", "2")])
    assert not names_another_part("Lots 1-3 share one deadline", [("Lot", "2")])
    assert not names_another_part("Lot 2: total threshold 65", [("Lot", "2")])
    assert not names_another_part("Lot II: total threshold 65", [("Lot", "2")])
    # a plural word after the label is no part's number
    assert not names_another_part("EUR 300,000 for each of the two lots", [("Lot", "2")])
    assert not names_another_part("Actions under Articles 4 and 5", [("Article", "5")])
    q = "For Lot 2, what total score must an application reach?"
    ans = answerer.run(q, [
        _passage("LOT 1 Selection and award criteria: an application must reach a total "
                 "score of 70 points.", n=0),
        _passage("LOT 2 Selection and award criteria: an application must reach a total "
                 "score of 65 points.", n=1)])
    assert "65" in ans.text and "70" not in ans.text


def test_how_much_time_asks_for_a_time() -> None:
    assert understand("How much time was planned for that task?").wants == "duration"


def test_a_prose_line_wrapped_at_a_dash_is_no_list_item():
    assert split_sentences("The programme runs from 2014\n– 2020 and funds towns in all "
                           "Member States.") == [
        ("The programme runs from 2014 – 2020 and funds towns in all Member States.", [])]


def test_dash_and_minus_sign_marks_are_list_items():
    """EU guides mark items with en dashes and minus signs: each item is a sentence of its
    own, not one run-on line of every item (where "air-time" drowned in travel costs)."""
    text = ("The following costs are eligible:\n– travel costs, provided they do not exceed "
            "the scales;\n– broadcasting costs, with the exception of costs pertaining to "
            "air-time;\n− the purchase cost of equipment.")
    [(intro, items)] = split_sentences(text)
    assert intro.endswith(":") and items == [
        "travel costs, provided they do not exceed the scales",
        "broadcasting costs, with the exception of costs pertaining to air-time",
        "the purchase cost of equipment"]


def test_a_legal_act_s_number_is_a_code_the_document_must_print():
    q = understand("Under EU Regulation 1082/2006, members from how many Member States are "
                   "needed to set up a grouping?")
    assert q.codes == ["1082/2006"]
    assert understand("What does Regulation (EC) No 1082/2006 say?").codes == ["1082/2006"]
    # a period is no act's number
    assert understand("Which Regulation applied in 2006/2007?").codes == []


@pytest.mark.parametrize(("question", "fields"), [
    ("How much of the costs does the grant cover?", {"cofinancing_rate"}),
    ("What is the reimbursement rate?", {"cofinancing_rate"}),
    ("How much money does the call have overall?", {"call_budget"}),
    ("Does the grant cover staff costs?", set()),
    ("What co-financing rate applies?", {"cofinancing_rate"}),
    ("What share of the eligible costs does the grant cover?", {"cofinancing_rate"}),
    ("What is the total budget of the call?", {"call_budget"}),
    # "rate", "cover" and "overall" ask about something else here
    ("Which exchange rate must the partner use to convert its costs?", set()),
    ("We are drafting the founding arrangement. What must it cover?", set()),
    ("What overall score do we need?", set()),
])
def test_a_call_s_fields_are_said_only_for_what_they_answer(question: str,
                                                            fields: set[str]) -> None:
    said = {name for pattern, names in RULES["grant_call"] if pattern.search(question)
            for name in names}
    assert said & {"cofinancing_rate", "call_budget"} == fields


def test_an_item_left_open_by_a_comma_goes_on_in_the_next_line():
    text = ("This will result in the following indicative breakdown:\n• Between EUR 48,000 "
            "and EUR 60,000 for the following Member States: Austria,\nBelgium, the "
            "Netherlands and Sweden;\n• Between EUR 24,000 and EUR 30,000 for Malta.\n"
            "Next Heading\nText follows here in a paragraph.")
    [(intro, items), *rest] = split_sentences(text)
    assert items[0] == ("Between EUR 48,000 and EUR 60,000 for the following Member States: "
                        "Austria, Belgium, the Netherlands and Sweden")
    assert rest == [("Text follows here in a paragraph.", [])]


def test_a_numbered_clause_too_long_to_quote_is_read_sentence_by_sentence():
    """A short numbered clause is one quote; a long one (the 1980 Outline Convention's
    model agreements run to 900 characters) was dropped whole, and its first sentence
    answered nothing."""
    short = "1. The Commission meets once a year. Its chair rotates.\n"
    assert [s for s, _ in split_sentences(short)] == [
        "The Commission meets once a year. Its chair rotates"]
    notes = " ".join(f"Note {n} explains how the figures given here may be adapted to the "
                     f"situation of each region concerned." for n in range(12))
    long = ("2. Delegations to the Commission shall comprise not more than 8 members. "
            f"{notes}\n")
    sentences = [s for s, _ in split_sentences(long)]
    assert sentences[0] == "Delegations to the Commission shall comprise not more than 8 members."
    assert all(len(s) <= LONGEST_SENTENCE for s in sentences)
    assert len(sentences) == 13


def test_a_notice_s_journal_reference_and_date_answer_where_it_was_published():
    from datetime import date

    from assistant.facts import fact_lines
    from ingest.registry import DocRecord

    rec = DocRecord("d1", "notice.pdf", "grant_call", "Rural Media Call", "pdf", 2, 9, 1, "",
                    fields={"call_id": {"value": "2011/C 19/07", "page": 1, "evidence": "x"},
                            "published": {"value": "2011-01-20", "page": 1, "evidence": "x"},
                            "deadline": {"value": "2011-03-31", "page": 2, "evidence": "x"}})
    lines = [f.text for f in fact_lines(
        rec, "In which Official Journal notice was the call published, and on what date?",
        date(2031, 1, 1))]
    assert lines == ["Call identifier: 2011/C 19/07", "Published on 20 January 2011"]


def test_a_month_of_signing_is_said_in_that_month():
    from datetime import date

    from assistant.facts import fact_lines
    from ingest.registry import DocRecord

    rec = DocRecord("d1", "mou.pdf", "mou", "Northvale MoU", "pdf", 1, 9, 1, "",
                    fields={"signing_date": {"value": "2001-03", "page": 1, "evidence": "x"}})
    assert [f.text for f in fact_lines(rec, "When was it signed?", date(2031, 1, 1))] == [
        "Signed in March 2001"]


def test_a_table_row_is_read_and_shown_with_its_column_names(answerer):
    """"TOTAL 65 100" says nothing alone: the column names above it say the 65 is a
    minimum threshold, and they are what a question about the minimum score matches."""
    text = ("Proposals are scored by an evaluation committee on the criteria of this "
            "section.\nSection Minimum threshold Maximum Score\n"
            "1. Financial and operational capacity 12 20\n2. Relevance 12 20\n"
            "3. Impact and reach 18 30\nTOTAL 65 100\n\nThe committee meets in Brussels.")
    sentences = [s for s, _ in split_sentences(text)]
    # rows stand alone; the column names are no sentence of their own
    assert "TOTAL 65 100" in sentences and "Impact and reach 18 30" in sentences
    assert not any("Minimum threshold" in s for s in sentences)
    ans = answerer.run("What is the minimum threshold for the total score?", [_passage(text)])
    assert not ans.declined and "TOTAL 65 100" in ans.text
    # the column names come once, before the first row quoted
    assert ans.text.count("Section Minimum threshold Maximum Score |") == 1


def test_what_a_colon_introduces_on_lines_of_its_own_ends_its_sentence(answerer):
    """An address, a web address or an e-mail address set on lines of their own after "...
    to the following address:" is the sentence's end, not headings or metadata; a wrapped
    sentence after it is a sentence of its own."""
    text = ("Applications must be sent by 31 March 2011 to the following address:\n"
            "Catherine WENDT\nEuropean Commission\nRue de la Loi 170\n1049 Brussels\n"
            "The guide and the forms are available at:\n"
            "http://ec.europa.eu/enlargement/grants/index_en.htm\n"
            "An electronic copy goes by e-mail to:\nGRANTS-ONLY@ec.europa.eu\n"
            "Applicants are reminded that late applications are rejected and that the\n"
            "postmark is the proof of the date.")
    sentences = split_sentences(text)
    assert sentences[0] == ("Applications must be sent by 31 March 2011 to the following "
                            "address: Catherine WENDT, European Commission, Rue de la Loi 170, "
                            "1049 Brussels", [])
    assert ("The guide and the forms are available at: "
            "http://ec.europa.eu/enlargement/grants/index_en.htm", []) in sentences
    assert sentences[-1][0].startswith("Applicants are reminded")
    assert sentences[-2][0].endswith("to: GRANTS-ONLY@ec.europa.eu")
    ans = answerer.run("To whom must the application be sent?", [_passage(text)])
    assert "Catherine WENDT" in ans.text


def test_a_short_last_item_of_a_list_is_no_heading():
    text = ("The partnership needs one organisation from each of these categories:\n"
            "(1) public sector organizations\n(2) civil society organizations\n"
            "The project leader must be a civil society organisation.")
    first, second = split_sentences(text)
    assert first[1] == ["public sector organizations", "civil society organizations"]
    assert second[0].startswith("The project leader")


def test_prose_and_contacts_are_no_table(answerer):
    """A figure in groups of three ("2 000 000"), a telephone number and a sentence's wrapped
    end are no table's cells; a table ends at the prose after it."""
    text = ("Results are given in the table below.\nCountry Projects Partners\nItaly 12 30\n"
            "Spain 8 21\nItaly leads with 12 projects, followed by Spain with 8. The Commission "
            "allocated 2 000 000\nEUR to the programme in 2012.")
    sentences = [s for s, _ in split_sentences(text)]
    assert "Italy 12 30" in sentences and "Spain 8 21" in sentences
    assert "The Commission allocated 2 000 000 EUR to the programme in 2012." in sentences
    ans = answerer.run("How much did the Commission allocate to the programme in 2012?",
                       [_passage(text)])
    assert not ans.declined and "2 000 000 EUR" in ans.text, ans.text
    wrapped = ("Applicants from all Member States may apply and\nthe total budget available "
               "for this call is EUR 1 500 000\nin the year 2027.")
    assert [s for s, _ in split_sentences(wrapped)] == [
        "Applicants from all Member States may apply and the total budget available for this "
        "call is EUR 1 500 000 in the year 2027."]
    address = ("Send the application to the following address:\nCatherine WENDT\n"
               "European Commission\nTel +32 2 299 11 11\nRue de la Loi 170\n1049 Brussels")
    [(only, _)] = split_sentences(address)
    assert "European Commission, Tel +32 2 299 11 11, Rue de la Loi 170, 1049 Brussels" in only


def test_a_heading_after_a_colon_is_no_value_and_a_date_is_one():
    assert [s for s, _ in split_sentences(
        "The criteria are as follows:\nEligibility criteria\nApplicants must be registered in "
        "a Member State.\nThey must be non-profit.")] == [
        "The criteria are as follows:", "Applicants must be registered in a Member State.",
        "They must be non-profit."]
    assert [s for s, _ in split_sentences(
        "Send it to the following address:\nEuropean Commission\n1049 Brussels\n"
        "Late applications are rejected.")] == [
        "Send it to the following address: European Commission, 1049 Brussels",
        "Late applications are rejected."]
    assert split_sentences("The deadline for the submission of applications is:\n"
                           "31 March 2011\n\nOther text follows here.")[0][0] == (
        "The deadline for the submission of applications is: 31 March 2011")


def test_a_table_ends_the_value_a_colon_introduced():
    text = ("Send it to the following address:\nEuropean Commission\n"
            "Country Projects Partners\nItaly 12 30\nSpain 8 21\nBrussels office")
    sentences = [s for s, _ in split_sentences(text)]
    assert sentences[0] == "Send it to the following address: European Commission"
    assert "Italy 12 30" in sentences and "Spain 8 21" in sentences  # no value joined to a row
