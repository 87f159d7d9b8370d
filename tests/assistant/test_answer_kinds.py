"""The kinds of answer a question asks for (a date, a figure, a count, a time or a length,
a frequency, an address) and what the answerer does when the passages hold none."""

from __future__ import annotations

import pytest

from assistant.pins import hard_pins
from assistant.sentences import holds
from assistant.types import Passage
from assistant.understand import asking_sentences, names_in, own_case, topic, understand
from tests.assistant.test_answer_parts import _passage


def _declines_without_answers_with(answerer, question: str, without: str,  # noqa: ANN001
                                   given: str, expected: str) -> None:
    assert answerer.run(question, [_passage(without)]).declined
    answer = answerer.run(question, [_passage(given)])
    assert not answer.declined and expected in answer.text, answer.text


def test_an_address_question_wants_an_address(answerer):
    assert understand("What is the e-mail address of the helpdesk?").wants == "contact"
    assert understand("How must applications be sent by email?").wants != "contact"
    # a short line that gives the address is a contact, not a document's metadata
    _declines_without_answers_with(
        answerer, "What is the e-mail address of the helpdesk?",
        "For questions, contact the Helpdesk at the secretariat. The helpdesk answers "
        "questions up to five working days before the deadline.",
        "For questions, contact the Helpdesk at the secretariat.\n"
        "Helpdesk: helpdesk@twinnet.example.org", "helpdesk@twinnet.example.org")


def test_an_address_is_an_e_mail_a_web_address_or_a_telephone_number():
    for text in ("Tel: 020 7946 0000", "Telefono: 06 1234 5678", "Call +44 20 7946 0000",
                 "Write to helpdesk@example.org", "See www.example.org"):
        assert holds(text, "contact"), text
    for text in ("Grants of EUR 1 000 000 000 in total", "Deadline 31.3.2027",
                 "EUR 2.000.000 are available"):
        assert not holds(text, "contact"), text


def test_how_long_asks_for_a_time_or_a_length(answerer):
    assert understand("How long may the description be?").wants == "duration"
    length = _passage("The description of the applicant's financial resources may not "
                      "exceed 3 pages. It is signed by the legal representative.")
    answer = answerer.run("How long may the description of the financial resources be?",
                          [length])
    assert not answer.declined and "3 pages" in answer.text
    time = _passage("Projects may run for at most 18 months from the signature.")
    assert not answerer.run("How long may a project run?", [time]).declined
    undated = _passage("Projects are run by the lead applicant with its partners.")
    assert answerer.run("How long may a project run?", [undated]).declined
    # a figure with no unit of time or length is no answer; a unit in the passage's
    # language, in words, is
    article = _passage("Projects may run as set out in Article 5 of the grant agreement.")
    assert answerer.run("How long may a project run?", [article]).declined
    italian = Passage("doc-00001", "it", "avviso.pdf", "Avviso", "grant_call", 1, "",
                      "La durata massima dei progetti è di dodici mesi.", 0.03, language="it")
    assert not answerer.run("How long may a project run?", [italian]).declined
    # "the length of" asks as "how long" does; "the maximum length" still a text's length
    assert understand("What does the toolkit say about the length of an agreement?"
                      ).wants == "duration"
    assert understand("What is the maximum length of the description?").wants == "length"
    assert understand("Who decides the length of the exchange visits?").wants == "agent"
    assert understand("Is the length of the agreement fixed?").wants == "yesno"
    asked = "What is the recommended length of a partnership agreement?"
    one_page = _passage("Keep it to one page. Ceremonial documents work best if they can be "
                        "posted whole.")
    answer = answerer.run(asked, [one_page])
    assert not answer.declined and "one page" in answer.text
    assert answerer.run(asked, [_passage("Partnership agreements are signed by both mayors "
                                         "in a public ceremony.")]).declined


def test_how_many_wants_a_count_of_what_it_asks_about(answerer):
    from assistant.measures import counted

    assert counted("How many Europe Direct information centres were selected?") == "centres"
    assert counted("How many of the 298 agreements in the dataset involve Japan?") == (
        "agreements")
    assert counted("How many Council of Europe states have ratified it?") == "states"
    assert counted("How much is the grant?") == ""
    # a count of something else, an amount of money, a year: no answer to "how many grants"
    _declines_without_answers_with(
        answerer, "How many grants does the Trust expect to award?",
        "The Trust is a grant-making charity founded in 1962. Grants are worth GBP 5,000 to "
        "GBP 25,000. Only one application per organisation is accepted. The agreement is "
        "signed in two originals.",
        "The Trust expects to award 12 grants in this round. Grants are worth GBP 5,000 to "
        "GBP 25,000.", "12 grants")


def test_how_often_asks_for_a_frequency_in_any_language(answerer):
    assert understand("How often does the joint group meet?").wants == "frequency"
    assert understand("How frequently are reports due?").wants == "frequency"
    for text in ("The Group shall be convened twice a year.", "It meets every two years.",
                 "Reports are submitted annually.", "Si riunisce due volte l'anno.",
                 "De groep komt twee keer per jaar bijeen.", "Se reúne dos veces al año.",
                 "Il se réunit deux fois par an.", "Die Gruppe tagt zweimal im Jahr.",
                 "Coordination clauses appear in 9.1% of the agreements."):
        assert holds(text, "frequency"), text
    for text in ("The Group shall draw up its own rules of procedure.",
                 "Notice is given at least 15 days in advance.", "It was signed a year ago.",
                 "Once three months have elapsed, the balance is paid.",
                 "A penalty is due for each day of delay.", "The annual budget is fixed.",
                 "A daily allowance is paid."):
        assert not holds(text, "frequency"), text
    rules = _passage("The Group shall draw up its own rules of procedure for its meetings. "
                     "The Group shall, as a general rule, be convened twice a year. Notice "
                     "of the meeting must be given at least 15 days in advance.")
    answer = answerer.run("How often does the group meet?", [rules])
    assert not answer.declined and "twice a year" in answer.text
    assert "twice a year" in answer.best[0].quote  # the best sentence first


def test_a_length_in_words_of_the_passage_language_is_weighed_as_a_length(answerer):
    """The type signal that ranks sentences reads "tre pagine" as "3 pagine", as the
    decision does."""
    from dataclasses import replace

    from assistant.select import SentenceScorer

    p = replace(_passage("La descrizione delle risorse va presentata in tre pagine. "
                         "La descrizione delle risorse va presentata in poche pagine."),
                language="it")
    q = understand("How long may the description of the resources be?")
    cands = SentenceScorer.candidates([p], q.wants)
    three, few = answerer.scorer.score(q, q.text, cands, [p])
    assert three - few > 0.2  # the answer type's weight, not the words' small difference


def test_a_page_or_word_limit_asks_for_a_length_never_a_time(answerer):
    assert understand("What is the page limit for the project description?").wants == "length"
    assert understand("What is the word limit for the summary?").wants == "length"
    assert holds("The description may not exceed 3 pages.", "length")
    assert holds("La descrizione non supera 2.000 parole.", "length")
    assert not holds("Projects must be completed within 12 months.", "length")
    timed = _passage("Your project must be completed within 12 months of our grant offer. "
                     "Applications are made online.")
    assert answerer.run("What is the page limit for the project description?",
                        [timed]).declined
    paged = _passage("The project description may not exceed 4 pages. Applications are "
                     "made online.")
    answer = answerer.run("What is the page limit for the project description?", [paged])
    assert not answer.declined and "4 pages" in answer.text


@pytest.mark.parametrize("question", [
    "How large are the delegations to the joint commission?",
    "How big did the network become?", "How high is the co-financing rate?"])
def test_how_large_big_or_high_asks_for_a_quantity(question: str) -> None:
    assert understand(question).wants == "quantity"


@pytest.mark.parametrize(("question", "measure"), [
    ("What percentage of agreements include an evaluation?", "percent"),
    ("What share of the budget goes to Lot 2?", "percent"),
    ("How much is the annual membership fee?", "money"),
    ("What annual budget does the office have?", "money"),
    ("What is the maximum grant per project?", "money"),
    ("How many grants are awarded?", ""),
    ("What is the number of partners needed?", ""),
    # the money word is not what is asked about
    ("What is the maximum duration of a grant?", ""),
    ("What minimum evaluation score must a proposal reach to be proposed for a grant?", ""),
])
def test_a_figure_asked_for_says_what_it_measures(question: str, measure: str) -> None:
    assert understand(question).wants == "quantity"
    assert understand(question).measure == measure


@pytest.mark.parametrize("question", ["What costs are eligible?", "Which fees apply?"])
def test_a_plural_noun_after_what_asks_for_a_list(question: str) -> None:
    assert understand(question).wants == "list" and not understand(question).measure


def test_a_count_does_not_answer_what_share_or_how_much(answerer):
    _declines_without_answers_with(
        answerer, "What percentage of the agreements include an evaluation?",
        "6.11 Indication of whether the agreement includes an evaluation of its "
        "implementation.",
        "An evaluation of the implementation is included in 38% of the agreements.", "38%")
    _declines_without_answers_with(
        answerer, "How much is the membership fee a city pays to have its partnership "
                  "recognised?",
        "For the partnership to be recognised, the two communities must sign formal "
        "documents that endorse the membership.",
        "The annual membership fee a city pays to have its partnership recognised is "
        "USD 1,200.", "1,200")
    # "third countries" is no share
    assert answerer.run("What percentage of the eligible costs does the grant cover?", [
        _passage("Organisations from third countries may take part in the projects as "
                 "partners covering eligible costs.")]).declined
    # half of a cost is a sum in words
    assert not answerer.run(
        "How much of the costs does the grant cover?",
        [_passage("The grant covers half of the eligible costs of the project.")]).declined


def test_a_reference_or_a_list_number_is_no_quantity(answerer):
    question = "How many municipalities have set up a joint body under the agreement?"
    for text in ("Municipalities may set up a joint body as set out in Article 3, "
                 "paragraph 1, of the agreement.",
                 "1. municipalities may set up a joint body under the agreement,"):
        assert answerer.run(question, [_passage(text)]).declined, text
    assert not answerer.run(question, [_passage(
        "So far 14 municipalities have set up a joint body under the agreement.")]).declined


def test_english_number_words_are_no_numbers_in_another_language(answerer):
    dutch = Passage("doc-00001", "nl", "verdrag.pdf", "Verdrag", "agreement", 1, "",
                    "Derden behouden ten behoeve van de gemeenten hun rechtsvorderingen "
                    "jegens het openbaar lichaam.", 0.03, language="nl")
    assert answerer.run("How many municipalities have set up a public body?",
                        [dutch]).declined
    counted = Passage("doc-00001", "nl", "verdrag.pdf", "Verdrag", "agreement", 1, "",
                      "Tot nu toe hebben 14 gemeenten een openbaar lichaam ingesteld.", 0.03,
                      language="nl")
    assert not answerer.run("How many municipalities have set up a public body?",
                            [counted]).declined


def test_the_date_may_follow_the_sentence_that_names_the_event(answerer):
    # the signing formula: the sentence that says it was signed, then where and when
    protocol = Passage(
        "doc-00001", "p3", "protocol.md", "Protocol No. 3", "agreement", 1, "",
        "Each Party may denounce this Protocol by a notification to the Secretary General. "
        "IN WITNESS WHEREOF the undersigned, being duly authorised thereto, have signed this "
        "Protocol. DONE at Utrecht, on the 16th day of November 2009, in English and "
        "French, both texts being equally authentic.", 0.03)
    answer = answerer.run("Where and when was Protocol No. 3 signed?", [protocol])
    assert not answer.declined and "16th day of November 2009" in answer.text, answer.text
    # ... but a date in a sentence after it that bears on something else does not answer
    portal = _passage("Applications must be submitted through the online portal. The "
                      "portal was launched on 1 March 2024.")
    assert answerer.run("When is the deadline for applications?", [portal]).declined


def test_a_question_that_names_a_way_to_reach_someone_wants_that_one(answerer):
    """"What telephone number should we call?" is not answered by an e-mail address."""
    assert understand("What telephone number should we call?").measure == "phone"
    assert understand("What is the e-mail address for questions?").measure == "email"
    assert understand("What email or phone number can we use?").measure == ""
    text = ("Questions about the call may be sent to the Commission.\nThe call team's email: "
            "CALLS@example.eu")
    ans = answerer.run("What telephone number should we call with questions about the call?",
                       [_passage(text)])
    assert ans.declined
    ans = answerer.run("What e-mail address should we write to with questions about the call?",
                       [_passage(text)])
    assert not ans.declined and "CALLS@example.eu" in ans.text


@pytest.mark.parametrize(("question", "wants"), [
    # the officer's case told first says what it is about, not what it wants
    ("We're a broadcaster applying under PRINCE 2010 Lot 1. Can we charge the cost of the "
     "air-time for our programme to the grant?", "yesno"),
    ("Our Module 1 costs are almost all contributed in kind. Could we count events held "
     "outside the office?", "yesno"),
    # an abbreviation's full stop ends no sentence
    ("In which year did Congress create the U.S. Advisory Commission on Public Diplomacy?",
     "date"),
    # with no question mark, the whole text asks
    ("Tell me the co-financing rate of the call", "quantity"),
    # a closing question to the reader asks nothing of the documents; a request asks too
    ("I need the deadline of the 2008 call. Can you help?", "date"),
    ("Give me the deadline of the call. Can it be extended?", "date"),
    # an abbreviation's full stop ends no sentence
    ("When did the St. Petersburg Declaration enter into force?", "date"),
])
def test_the_sentences_that_ask_say_what_is_wanted(question: str, wants: str) -> None:
    assert understand(question).wants == wants


def test_the_officer_s_case_is_told_in_the_first_person() -> None:
    q = ("Our state has signed the 1980 Outline Convention. The 1998 Protocol is new. "
         "Can it ratify Protocol No. 2 now?")
    assert asking_sentences(q) == ["Can it ratify Protocol No. 2 now?"]
    assert own_case(q) == "Our state has signed the 1980 Outline Convention."


def test_a_name_ends_before_the_sentence_s_full_stop_not_an_abbreviation_s() -> None:
    assert "Anholt Agreement" in names_in("We act under the Anholt Agreement. What must "
                                          "it cover?")
    assert "Protocol No." in names_in("How is it wound up under Protocol No. 3?")


def test_an_edition_the_question_points_back_at_stays_a_pin() -> None:
    for q in ("We applied to the 2008 call. What was its deadline?",
              "I need the deadline and the budget of the 2008 call. Can you help?",
              "The US office asked about the 2008 call. What was the deadline?",
              "Annex I of the 2008 call is missing. Where is it?"):
        assert [p for p in hard_pins(understand(q)) if p[0] == "edition"], q


def test_an_edition_told_in_the_officer_s_case_is_no_pin() -> None:
    told = understand("Our state has signed but not yet ratified the 1980 Outline "
                      "Convention. Can it ratify Protocol No. 2 now?")
    assert told.editions and not [p for p in hard_pins(told) if p[0] == "edition"]
    # ... but one the question asks about, or that a sentence not of the case names, is
    asked = understand("Can a state ratify Protocol No. 2 without the 1980 Outline "
                       "Convention?")
    assert [p for p in hard_pins(asked) if p[0] == "edition"]
    subject = understand("The two Europe Direct 2008 Q&A documents differ on in-kind "
                         "contributions. What does each say?")
    assert [p for p in hard_pins(subject) if p[0] == "edition"]


def test_a_decline_after_the_officer_s_case_quotes_the_whole_question() -> None:
    q = "We act under the Anholt Agreement. What must the arrangement cover?"
    assert topic(q) == f"an answer to “{q}”"
    assert topic("What is the population of Glastonbury?") == "the population of Glastonbury"


@pytest.mark.parametrize(("question", "noun"), [
    ("What is the minimum number of volunteers a flagship project must involve?",
     "volunteers"),
    ("What is the number of partner organisations that must sign?", "organisations"),
    ("How many of the agreements analysed in the 2024 report came from California?",
     "agreements"),
    ("How many Europe Direct information centres were selected?", "centres"),
    # an identifier's number counts nothing
    ("What is the reference number of the Wrenfield Trust's funding round?", ""),
])
def test_what_a_count_counts_is_the_noun_asked_about(question: str, noun: str) -> None:
    assert understand(question).counted == noun


def test_a_number_of_other_things_does_not_answer_a_count(answerer):
    q = "What is the minimum number of volunteers a flagship project must involve?"
    ans = answerer.run(q, [_passage("In order to be eligible, the project must involve a "
                                    "partnership of at least four partners established in "
                                    "the Member States.")])
    assert ans.declined
    ans = answerer.run(q, [_passage("Each flagship project must involve at least 50 "
                                    "volunteers from two Member States.")])
    assert not ans.declined and "50 volunteers" in ans.text


def test_a_count_stands_beside_the_noun_it_counts(answerer):
    """"over 6,000 local officials ... of many cities" names cities and a figure, but the
    figure counts officials; "one another" counts nothing."""
    q = "How many member cities does the network have?"
    for text in ("The network grew to over 6,000 local officials engaged in the diplomacy "
                 "of many cities.",
                 "Member cities around the world network with one another on climate."):
        ans = answerer.run(q, [_passage(text, title="City Networks")])
        assert ans.declined, ans.text
    for text in ("The network now counts 97 member cities on six continents.",
                 "The alliance brings together 100+ member cities.",
                 "Its member cities, at the last count, number ninety-seven."):
        ans = answerer.run(q, [_passage(text, title="City Networks")])
        assert not ans.declined, ans.text


def test_notice_is_given_as_a_time(answerer):
    for q in ("How much notice must a member give to leave?",
              "What notice period applies to a withdrawal?",
              "Under the 1986 agreement, what notice period applies to a withdrawal?"):
        assert understand(q).wants == "duration", q
    assert understand("In which Official Journal notice was the call published?"
                      ).wants != "duration"
    # a notice period named in another question asks nothing of it
    assert understand("Who must be informed during the notice period?").wants == "agent"
    assert understand("Does the notice period apply to the Benelux agreement?"
                      ).wants == "yesno"
    assert understand("How is the notice period calculated?").wants == "fact"
    # the period in the document's own words answers it; a sentence about notice without
    # one does not
    dutch = Passage("doc-00001", "nl", "overeenkomst.md", "Overeenkomst", "mou", 1, "",
                    "Ieder van de Staten kan deze Overeenkomst schriftelijk opzeggen; de "
                    "opzegtermijn bedraagt twee jaar.", 0.03, language="nl")
    assert not answerer.run("How much notice must a State give to withdraw?", [dutch]).declined
    _declines_without_answers_with(
        answerer, "How much notice must a party give to end the agreement?",
        "Either party may end the agreement by written notice to the other party.",
        "Either party may end the agreement by written notice to the other party, given "
        "six months in advance.", "six months")


def test_a_score_is_a_figure(answerer):
    assert understand("What F1 score did the model achieve?").wants == "quantity"
    assert understand("What is the minimum score for an award?").wants == "quantity"
    _declines_without_answers_with(
        answerer, "What F1 score did the extraction model achieve?",
        "We prompted the extraction model to return a strict JSON object of the parties.",
        "The extraction model achieved an F1 score of 0.87 on the expert annotations.", "0.87")


def test_which_things_are_a_list_with_words_before_the_noun():
    for q in ("Which Dutch and German local and regional authorities are covered?",
              "Which supporting documents do public bodies not have to provide?",
              "What kinds of organisations can apply?"):
        assert understand(q).wants == "list", q
    # a single thing is no list, nor a figure's noun, nor a plural after the question's
    # own verb or a clause ("What role do the partners have?")
    assert understand("Which Dutch authority is covered?").wants != "list"
    assert understand("What population figures did the Commission use?").wants == "quantity"
    for q in ("What happens if partners do not report on time?",
              "What is required if the documents are missing?",
              "What role do the partners have?", "What status do the agreements have?",
              "Which is the lead partner when several municipalities are involved?",
              "What was the outcome after the projects were evaluated?"):
        assert understand(q).wants != "list", q


def test_a_population_is_a_figure(answerer):
    assert understand("What is the population of Vila Serena?").wants == "quantity"
    assert understand("What is the town's population?").wants == "quantity"
    # whatever the text calls the people counted
    _declines_without_answers_with(
        answerer, "What is the population of Vila Serena?",
        "Vila Serena is a coastal town in Portugal, twinned with Alderbrook.",
        "Vila Serena is a coastal town in Portugal with 14,200 inhabitants.", "14,200")


def _report(text: str, n: int, title: str = "Mining International Agreements") -> Passage:
    return Passage(f"doc-00009-{n}", "doc-00009", "report.pdf", title, "policy_report", n,
                   "", text, 0.03, language="en")


_COVER = ("Mining International Agreements. A project report, Warsaw University of "
          "Technology, 2024.\n" + "The agreements were collected from state archives. " * 80)
_LEGNER = ("The LegNER model achieves F1 scores over 99% on the legal entities of the "
           "agreements.")
_BART = ("Agreement types were classified with BART (bart-large-mnli) in a zero-shot "
         "setting.")


def test_a_value_of_another_thing_named_elsewhere_in_the_document_is_declined(answerer):
    """"What F1 score did they achieve with BART?": the report gives LegNER's F1 score, and
    names BART on another page; no passage ties a score to BART."""
    passages = [_report(_LEGNER, 1), _report(_BART, 2)]
    whole = "\n".join([_COVER, _LEGNER, _BART])
    question = "What F1 score did the project achieve with BART?"
    answer = answerer.run(question, passages, doc_text=lambda _doc: whole)
    assert answer.declined, answer.text
    # the passage that ties the score to BART answers
    tied = _report("With BART the classification of agreement types reached an F1 score "
                   "of 0.82.", 3)
    answer = answerer.run(question, [*passages, tied], doc_text=lambda _doc: whole + tied.text)
    assert not answer.declined and "0.82" in answer.text, answer.text


def test_names_are_not_judged_when_no_sentence_scores_above_nothing():
    from assistant.answer import EmbeddedAnswerer
    from assistant.select import Candidate, Selection

    low = Candidate(_LEGNER, [], 0, 0, "doc-00009")
    low.score = -0.2
    q = understand("What F1 score did the project achieve with BART?")
    assert EmbeddedAnswerer.unanchored(q, Selection([low], -0.2, [low]),
                                       [_report(_LEGNER, 1)]) == ""


def test_a_part_s_label_is_no_name_the_value_must_stand_beside(answerer):
    """"the deadline for Lot 2": a deadline of the whole call answers it, though the guide
    names "Lot" on other pages only."""
    guide = Passage("doc-00010-1", "doc-00010", "guide.pdf", "Call for proposals",
                    "grant_call", 5, "", "Deadline for submission of proposals: 31 March 2011 "
                    "at 17:00.", 0.03, language="en")
    whole = _COVER + "\nLOT 1 TV programmes. LOT 2 Awareness-raising actions.\n" + guide.text
    answer = answerer.run("What is the deadline for Lot 2 of the call?", [guide],
                          doc_text=lambda _doc: whole)
    assert not answer.declined and "31 March 2011" in answer.text, answer.text


def test_a_name_that_says_which_document_need_not_be_beside_the_value(answerer):
    """"the 2024 Warsaw report": its cover names Warsaw, the page with the figure need not;
    nor need a page name a name its document never writes (another version's)."""
    passage = _report(_LEGNER, 1)
    whole = "\n".join([_COVER, _LEGNER])
    answer = answerer.run("What F1 score did the LegNER model of the Warsaw report reach?",
                          [passage], doc_text=lambda _doc: whole)
    assert not answer.declined and "99%" in answer.text, answer.text
    answer = answerer.run("What F1 score did the LegNER model of the Varsovia report reach?",
                          [passage], doc_text=lambda _doc: whole)
    assert not answer.declined and "99%" in answer.text, answer.text
