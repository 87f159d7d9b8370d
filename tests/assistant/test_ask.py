"""Grounded answers on the real sample corpus: citations, declines, lists, comparisons,
follow-ups and filters."""

from __future__ import annotations

import re

import pytest

from assistant.boosts import question_years
from assistant.conversation import Conversation
from assistant.retrieve import Filters, HybridRetriever

VILA = "alderbrook-vila-serena-sister-city-agreement.pdf"
TWINNET = "twinnet-youth-exchange-call-2026-round.pdf"
FTF = "friendship-towns-fund-climate-adaptation-call-ftf-2026-clima-02.pdf"


def test_answer_cites_document_and_page_with_a_verbatim_quote(assistant):
    ans = assistant.ask("When does our agreement with Vila Serena expire?")
    assert not ans.declined
    assert "15 June 2027" in ans.text
    assert ans.citations and ans.citations[0].source == VILA and ans.citations[0].page == 2
    assert "five (5) years" in ans.citations[0].quote
    assert re.search(r"\[1\]", ans.text)
    assert ans.retrieved[0] == VILA


def test_every_citation_quote_is_in_the_document(assistant):
    lib = assistant.library
    for q in ("What is the co-financing rate of the youth exchange call?",
              "Who signed the sister city agreement with Vila Serena?",
              "Which areas of cooperation does our agreement with Vila Serena cover?"):
        ans = assistant.ask(q)
        for c in ans.citations:
            text = " ".join(lib.store.chunks.get(where={"source": c.source},
                                                 include=["documents"])["documents"])
            flat = re.sub(r"\s+", " ", text)
            # A quote may join verbatim pieces (sentences, list items) with "…", ";" or ":".
            for piece in re.split(r"\s*…\s*|; |: ", c.quote):
                piece = re.sub(r"\s+", " ", piece.strip(" ."))
                assert len(piece) < 3 or piece in flat, (q, piece)


def test_list_question_gets_the_list(assistant):
    ans = assistant.ask("Which areas of cooperation does the agreement with Vila Serena cover?")
    for item in ("school exchanges", "youth mobility", "climate adaptation"):
        assert item in ans.text


def test_declines_a_round_that_is_not_stored_and_names_the_closest(assistant):
    ans = assistant.ask("What's the deadline for the 2027 round of the TWINNET youth call?")
    assert ans.declined
    assert ans.text.startswith("Your documents do not mention the 2027 round")
    assert ans.citations and ans.citations[0].source == TWINNET


def test_declines_a_partner_we_have_no_agreement_with(assistant):
    ans = assistant.ask("When does our sister city agreement with Oakhaven expire?")
    assert ans.declined and "Oakhaven" in ans.text


def test_declines_a_call_id_that_is_not_stored(assistant):
    ans = assistant.ask("What was the deadline of call FTF-2026-CULT-01?")
    assert ans.declined


def test_comparison_cites_both_documents(assistant):
    ans = assistant.ask("Compare the co-financing rates of the youth exchange call and the "
                        "climate adaptation call.")
    assert not ans.declined
    assert {c.source for c in ans.citations} >= {TWINNET, FTF}
    assert "90%" in ans.text and "80%" in ans.text


def test_follow_up_is_resolved_against_the_conversation(assistant):
    convo = Conversation()
    first = assistant.ask("What did Alderbrook agree with Vila Serena about school exchanges?",
                          conversation=convo)
    assert first.citations[0].source == VILA
    follow = assistant.ask("And when does it expire?", conversation=convo)
    assert "15 June 2027" in follow.text
    assert len(convo.turns) == 2 and convo.turns[1].answer is follow
    # "it" is the agreement the conversation is about: never another agreement's clause
    assert {c.source for c in follow.citations} == {VILA}


def test_a_follow_up_is_answered_from_the_conversation_s_documents_only(assistant):
    convo = Conversation()
    first = assistant.ask("What areas of cooperation are covered by our sister city "
                          "agreement with Vila Serena?", conversation=convo)
    cited = {c.source for c in first.citations}
    assert cited == {VILA}
    follow = assistant.ask("And when does it expire?", conversation=convo)
    assert not follow.declined and "15 June 2027" in follow.text
    assert {c.source for c in follow.citations} <= cited


def test_a_short_question_on_another_subject_is_not_held_to_the_last_answer(assistant):
    convo = Conversation()
    first = assistant.ask("When does our agreement with Vila Serena expire?",
                          conversation=convo)
    assert {c.source for c in first.citations} == {VILA}
    other = assistant.ask("Which grant calls close soonest?", conversation=convo)
    assert not other.declined and VILA not in {c.source for c in other.citations}


def test_a_decline_s_closest_passage_is_not_what_a_follow_up_is_about(assistant):
    convo = Conversation()
    first = assistant.ask("When does our sister city agreement with Oakhaven expire?",
                          conversation=convo)
    assert first.declined and first.citations  # the closest passage, another agreement
    # "it" is the agreement with Oakhaven, which no document mentions
    follow = assistant.ask("And who signed it?", conversation=convo)
    assert follow.declined and "Oakhaven" in follow.text, follow.text


def test_a_short_new_question_after_a_decline_is_not_about_its_names(assistant):
    convo = Conversation()
    assistant.ask("When does our sister city agreement with Oakhaven expire?",
                  conversation=convo)
    other = assistant.ask("What is the co-financing rate?", conversation=convo)
    assert "Oakhaven" not in other.text


def test_a_follow_up_keeps_to_its_document_under_a_type_filter(assistant):
    convo = Conversation()
    mous = Filters(doc_types=["mou"])
    first = assistant.ask("What areas of cooperation are covered by our sister city "
                          "agreement with Vila Serena?", mous, conversation=convo)
    assert {c.source for c in first.citations} == {VILA}
    follow = assistant.ask("And when does it expire?", mous, conversation=convo)
    assert "15 June 2027" in follow.text and {c.source for c in follow.citations} == {VILA}


def test_a_follow_up_on_a_document_removed_since_is_still_answered(assistant):
    from assistant.conversation import Turn
    from assistant.types import Answer, Citation

    convo = Conversation()
    gone = Answer("The agreement runs until 2030. [1]", False,
                  [Citation(1, "removed.pdf", 1, "runs until 2030", "0" * 32)], ["removed.pdf"])
    convo.turns.append(Turn("When does the Vila Serena agreement expire?", "", gone))
    # (this raised: a filter on no live document is a where clause Chroma refuses)
    follow = assistant.ask("And when does it expire?", conversation=convo)
    assert follow.text and "removed.pdf" not in {c.source for c in follow.citations}


def test_status_is_computed_against_the_injected_today(assistant):
    ans = assistant.ask("Is our MoU with San Jacinto de las Flores still in force?")
    assert "expired" in ans.text and "1 September 2026" in ans.text


def test_explicit_filters_restrict_retrieval(assistant):
    lib = assistant.library
    retriever = HybridRetriever(lib.store, lib.registry, lib.embedder)
    only_calls = retriever.run("climate adaptation", Filters(doc_types=["grant_call"]))
    assert only_calls and {p.doc_type for p in only_calls} == {"grant_call"}
    portugal = retriever.run("school exchanges", Filters(countries=["Portugal"],
                                                         doc_types=["mou"]))
    assert portugal and {p.source for p in portugal} == {VILA}


def test_dense_bm25_and_hybrid_modes_all_retrieve(assistant):
    lib = assistant.library
    for mode in ("dense", "bm25", "hybrid"):
        r = HybridRetriever(lib.store, lib.registry, lib.embedder, mode=mode)
        assert r.run("TWINNET youth exchange lump sum")[0].source == TWINNET, mode


def test_keyword_index_follows_removals(assistant, tmp_path):
    from assistant.library import Library

    from conftest import make_settings

    lib = Library(make_settings(tmp_path / "h"))
    (tmp_path / "a.txt").write_text("The Quillback Accord covers bee-keeping exchanges.")
    lib.ingest([tmp_path / "a.txt"])
    retriever = HybridRetriever(lib.store, lib.registry, lib.embedder, mode="bm25")
    assert retriever.run("Quillback bee-keeping")
    lib.remove("a.txt")
    assert retriever.run("Quillback bee-keeping") == []


def test_llm_endpoint_down_falls_back_to_the_embedded_answer(corpus_settings):
    from dataclasses import replace

    from assistant.ask import Assistant
    from assistant.library import Library

    from conftest import free_port

    settings = replace(corpus_settings, openai_base_url=f"http://127.0.0.1:{free_port()}/v1")
    assistant = Assistant.from_library(Library(settings))
    ans = assistant.ask("When does our agreement with Vila Serena expire?")
    assert ans.mode == "embedded" and not ans.declined
    assert "15 June 2027" in ans.text
    assert any("refused" in w for w in ans.warnings)


def test_stream_yields_text_then_the_answer(assistant):
    events = list(assistant.stream("What is the co-financing rate of the youth exchange call?"))
    *deltas, final = events
    assert len(deltas) > 3 and all(isinstance(d, str) for d in deltas)
    assert final.text == "".join(deltas).strip()
    assert final.citations and final.citations[0].source == TWINNET


def test_stream_with_the_llm_down_ends_with_the_embedded_answer(corpus_settings):
    from dataclasses import replace

    from assistant.ask import Assistant
    from assistant.conversation import Conversation, Draft
    from assistant.library import Library

    from conftest import free_port

    settings = replace(corpus_settings, openai_base_url=f"http://127.0.0.1:{free_port()}/v1")
    convo = Conversation()
    first, *_, final = Assistant.from_library(Library(settings)).stream(
        "When is the deadline of the Smart Sister Cities Challenge?", conversation=convo)
    # the embedded answer comes first, before the model is even reached
    assert isinstance(first, Draft) and first.answer is final
    assert final.mode == "embedded" and "5 March 2027" in final.text
    assert final.warnings and convo.turns[0].answer is final
    assert convo.writing is None and not convo.stop()


def test_question_years_and_type_words_rank_never_filter(assistant):
    """"calls ... this year" ranks the calls closing this year first; a document of another
    type or year can still answer (a single word is a boost, never a hard filter)."""
    ans = assistant.ask("Which grant calls close this year?")
    this_year = {TWINNET, "citizens-across-borders-civil-society-call-2026.pdf"}
    assert ans.retrieved and ans.retrieved[0] in this_year
    # "next year" is the injected today's next year (assistant.boosts.question_years)
    assert question_years("calls closing in 2027 or next year", assistant.today) == [2027, 2027]
    study = assistant.ask("What does the study say about the sister city agreement with "
                          "Vila Serena's areas of cooperation?")
    assert VILA in study.retrieved[:3]


def test_a_long_conversation_keeps_only_its_recent_turns(assistant):
    from assistant.conversation import MAX_TURNS, Conversation

    convo = Conversation()
    for i in range(MAX_TURNS + 3):
        assistant.ask(f"Question {i}: when does our agreement with Vila Serena expire?",
                      conversation=convo)
    assert len(convo.turns) == MAX_TURNS
    assert convo.turns[-1].question.startswith(f"Question {MAX_TURNS + 2}:")


def test_names_joined_by_a_hyphen_or_a_language_word_are_each_looked_for(assistant):
    from assistant.understand import understand

    # "Portuguese-English" describes the agreement's texts; "Alderbrook" names it
    q = understand("When was the Portuguese-English Alderbrook agreement signed?")
    assert q.names and not assistant.unknown_names(q)
    q = understand("When was the Alderbrook-Oakhaven agreement signed?")
    assert assistant.unknown_names(q) == ["Oakhaven"]  # in no document


def test_a_compound_the_library_writes_apart_is_known(assistant):
    """"a Clinton-era State Department office": the library says "Clinton" and "era"."""
    from assistant.understand import understand

    vocab = assistant.retriever.keyword.vocabulary()
    assert "alderbrook" in vocab and "based" in vocab and "alderbrook-based" not in vocab
    q = understand("Which Alderbrook-based Youth Office runs the exchange?")
    assert not assistant.unknown_names(q)
    q = understand("Which Oakhaven-based Youth Office runs the exchange?")
    assert assistant.unknown_names(q) == ["Oakhaven-based Youth Office"]


def test_a_name_is_told_apart_by_its_rarest_word(assistant):
    """"Oakhaven Municipal Council": the stored words "municipal" and "council" say nothing
    about whether Oakhaven is in the library."""
    from assistant.understand import understand

    q = understand("What did the Oakhaven Municipal Council decide about the twinning?")
    assert assistant.unknown_names(q) == ["Oakhaven Municipal Council"]
    q = understand("What did the Falkenwiese Municipal Council decide about the twinning?")
    assert not assistant.unknown_names(q)


def test_the_best_ranked_document_is_searched_again_on_its_own(assistant):
    from assistant.understand import understand

    live = assistant.retriever.live_ids()
    question = "What costs are eligible under the Friendship Towns Fund climate call?"
    q = understand(question)
    found = assistant.gather(q, question, None, {}, 4, live)
    more = assistant.within_first(q, question, found, None, live)
    assert more[: len(found)] == found  # what the search found keeps its rank
    added = more[len(found):]
    assert added and {p.doc_id for p in added} == {found[0].doc_id}
    assert len({p.chunk_id for p in more}) == len(more)


def _spy_on_searches(assistant, monkeypatch) -> list:  # noqa: ANN001
    """The (query, filters) of every search the assistant makes from now on."""
    seen = []
    search = assistant.retrieve

    def spy(query, filters, boosts, k=8, live=None, language=""):  # noqa: ANN001, ANN202
        seen.append((query, filters))
        return search(query, filters, boosts, k, live, language)

    monkeypatch.setattr(assistant, "retrieve", spy)
    return seen


def test_the_leading_document_is_searched_without_the_names_its_title_holds(assistant,
                                                                            monkeypatch):
    from assistant.understand import understand

    live = assistant.retriever.live_ids()
    question = "What costs are eligible under the Friendship Towns Fund climate call?"
    q = understand(question)
    found = assistant.gather(q, question, None, {}, 4, live)
    assert "Friendship Towns Fund" in found[0].title
    seen = _spy_on_searches(assistant, monkeypatch)
    assistant.within_first(q, question, found, None, live)
    query, filters = seen[-1]
    assert "Friendship Towns Fund" not in query and "costs" in query
    assert filters.doc_ids == [found[0].doc_id]


def test_each_part_of_a_several_part_question_is_searched_within_the_leading_document(
        assistant, monkeypatch):
    from assistant.understand import understand

    live = assistant.retriever.live_ids()
    question = ("What costs are eligible under the Friendship Towns Fund climate call, and "
                "when is the deadline?")
    q = understand(question)
    assert len(q.parts) == 2
    found = assistant.gather(q, question, None, {}, 4, live)
    seen = _spy_on_searches(assistant, monkeypatch)
    more = assistant.within_first(q, question, found, None, live)
    parts = [query for query, filters in seen[1:]]
    assert parts == ["What costs are eligible under the climate call",
                     "when is the deadline"]
    assert all(f.doc_ids == [found[0].doc_id] for _, f in seen)
    assert len({p.chunk_id for p in more}) == len(more)


def test_a_sentence_cut_by_a_page_and_its_footnote_is_read_whole(embedded_settings, make_pdf,
                                                                 tmp_path):
    """A sentence that runs from the foot of one page, past that page's footnote, onto the
    next one is read whole, with the sentence after it that goes on from it."""
    from assistant.ask import Assistant
    from assistant.library import Library

    first = ("Guidelines for Applicants: Rural Media Call 2031\n\n"
             "Applicants will be excluded from all grants financed from the programme budget "
             "for a maximum of five years from the date on which the infringement is "
             "established. Applicants who are guilty of making false declarations may also "
             "receive financial penalties representing 2% to 10% of the value of\n\n"
             "1 Official Journal of the European Union L 248 of 16.9.2002, as amended.")
    second = ("the grant being awarded. This rate may be increased to 4% to 20% in the event "
              "of a repeat offence within five years of the first infringement.\n\n"
              "Applications are submitted in English or French by the lead applicant.")
    library = Library(embedded_settings)
    report = library.ingest([make_pdf(tmp_path / "rural-media-call-2031.pdf", [first, second])])
    assert not report.failed
    answer = Assistant.from_library(library).ask(
        "What financial penalties can applicants to the Rural Media Call face for false "
        "declarations?")
    assert not answer.declined
    assert "2% to 10% of the value of the grant being awarded" in answer.text
    assert "4% to 20%" in answer.text
    assert "Official Journal" not in answer.text
    # each sentence cited with the page it is on: the one cut at the foot of page 1 there,
    # the one that goes on from it on page 2
    pages = {c.page for c in answer.citations}
    assert re.search(r"4% to 20%[^[]*\[(\d+)\]", answer.text)
    n = int(re.search(r"4% to 20%[^[]*\[(\d+)\]", answer.text).group(1))
    assert answer.citations[n - 1].page == 2 and 1 in pages


def test_a_list_cut_by_a_page_is_read_whole(embedded_settings, make_pdf, tmp_path):
    """The items of a list that runs on past the foot of a page are part of the answer."""
    from assistant.ask import Assistant
    from assistant.library import Library

    first = ("Harbour Towns Cooperation Explainer\n\n"
             "Harbour towns cooperate across borders in many ways. Their partnerships grow "
             "from shared ports, fisheries and trade.\n\n"
             "The explainer lists these areas of engagement:\n"
             "- Port Logistics: sharing berths and customs practice.\n"
             "- Fisheries Management: joint quotas and data.")
    second = ("- Coastal Flood Defence: common warning systems.\n"
              "- Maritime Heritage: museums, festivals and tall ships.\n\n"
              "Partnerships are reviewed every three years by both councils.")
    library = Library(embedded_settings)
    report = library.ingest([make_pdf(tmp_path / "harbour-towns-explainer.pdf",
                                      [first, second])])
    assert not report.failed
    answer = Assistant.from_library(library).ask(
        "Which areas of engagement does the harbour towns explainer list?")
    assert not answer.declined
    for item in ("Port Logistics", "Fisheries Management", "Coastal Flood Defence",
                 "Maritime Heritage"):
        assert item in answer.text, answer.text


def test_the_language_version_asked_about_is_quoted(assistant):
    # the bilingual Vila Serena agreement says its duration in English (p. 2) and Portuguese
    ans = assistant.ask("What does the Portuguese text of the Vila Serena agreement say "
                        "about its duration?")
    assert not ans.declined
    assert "vigora por um período de cinco (5) anos" in ans.text
    assert any(c.source == VILA and c.page == 4 and "vigora" in c.quote for c in ans.citations)


def test_the_passages_a_documents_fields_were_read_from_are_evidence(assistant):
    """A document's key sentences (where its signing date, term or deadline was read) join
    the evidence of a question about it, whatever words the question uses."""
    from assistant.passages import KEY_FIELDS

    live = assistant.retriever.live_ids()
    checked = 0
    for rec in assistant.records("mou"):
        quotes = [str(rec.fields[n]["evidence"]) for n in KEY_FIELDS
                  if rec.fields.get(n, {}).get("evidence")
                  and not str(rec.fields[n]["evidence"]).startswith("computed")]
        if not quotes:
            continue
        found = assistant.field_passages(rec.doc_id, set(), live)
        assert found and all(p.doc_id == rec.doc_id for p in found)
        flat = " ".join(re.sub(r"\s+", " ", p.text) for p in found)
        start = " ".join([w for i, w in enumerate(quotes[0].split())
                          if i or not w.startswith(("…", "..."))][:8])
        assert start in flat, (rec.source, start)
        # the chunks the evidence already holds are not added twice
        have = {p.chunk_id for p in found}
        assert not have & {p.chunk_id for p in assistant.field_passages(rec.doc_id, have, live)}
        checked += 1
    assert checked >= 3  # the sample agreements' signing clauses
    holding = assistant.retriever.keyword.holding
    assert holding(assistant.records("mou")[0].doc_id, "words no agreement holds xyzzy") is None


def test_the_leading_document_is_the_best_ranked_that_holds_what_the_question_pins(
        assistant, monkeypatch):
    """"Protocol No. 3" is not the best-ranked Protocol No. 2: the document searched again
    is the best-ranked of those that hold the question's call id, lot or edition."""
    from assistant.understand import understand

    live = assistant.retriever.live_ids()
    question = "What costs are eligible under call FTF-2026-CLIMA-02?"
    q = understand(question)
    found = assistant.gather(q, question, None, {}, 6, live)
    pinned = [p for p in found if "FTF-2026-CLIMA-02" in p.title]
    others = [p for p in found if p.doc_id not in {x.doc_id for x in pinned}]
    assert pinned and others
    seen = _spy_on_searches(assistant, monkeypatch)
    assistant.within_first(q, question, others[:1] + pinned, None, live)
    assert seen[-1][1].doc_ids == [pinned[0].doc_id]


def test_warm_up_loads_what_a_first_answer_needs_without_calling_a_model(corpus_settings):
    """A server warms up at start: spaCy is loaded, and the language model configured is
    never called (nothing connects to its endpoint)."""
    import socket
    import threading
    from dataclasses import replace

    from assistant.ask import Assistant
    from assistant.library import Library
    from ingest.extract import patterns

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    connections: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connections.append(listener.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    port = listener.getsockname()[1]
    settings = replace(corpus_settings, openai_base_url=f"http://127.0.0.1:{port}/v1")
    assistant = Assistant.from_library(Library(settings))
    assert assistant.llm is not None
    patterns._NLP = None  # (the fixture's ingest loaded it: the warm-up must load it again)
    assistant.warm_up()
    stop.set()
    listener.close()
    assert patterns._NLP is not None
    assert connections == []


def test_a_failed_warm_up_is_logged_and_the_server_goes_on(caplog):
    from assistant.ui.app import _warm_up

    class Broken:
        def warm_up(self) -> None:
            raise RuntimeError("no spaCy model")

    _warm_up(Broken())  # type: ignore[arg-type]
    assert "warm-up failed" in caplog.text


def test_the_version_asked_about_gives_the_facts(library, tmp_path):
    """"When was it published in Italian?": the Italian notice's journal reference and
    issue date, not the English guidelines' fields, though the English ranks first."""
    from assistant.ask import Assistant

    (tmp_path / "rural-media-guidelines.txt").write_text(
        "CALL FOR PROPOSALS RURAL MEDIA 2010\n\nGuidelines for grant applicants\n\n"
        "Call identifier: RURAL-MEDIA-2010. The call for proposals is published in all "
        "official languages in the Official Journal. Applications must be submitted by "
        "31 March 2011.\n", encoding="utf-8")
    (tmp_path / "rural-media-notice-it.txt").write_text(
        "IT C 19/6 Gazzetta ufficiale dell\u2019Unione europea 20.1.2011\n\n"
        "RURAL MEDIA 2010 \u2014 Invito a presentare proposte\n\n(2011/C 19/07)\n\n"
        "Il presente invito sostiene programmi televisivi sulle zone rurali. Le richieste "
        "devono essere inviate entro e non oltre il 31 marzo 2011.\n", encoding="utf-8")
    library.ingest(sorted(tmp_path.glob("*.txt")), doc_type="grant_call")
    assistant = Assistant(library)
    ans = assistant.ask("Under which reference was the Rural Media 2010 call published in "
                        "Italian, and on what date?")
    assert not ans.declined
    assert "2011/C 19/07" in ans.text and "20 January 2011" in ans.text, ans.text
    assert "RURAL-MEDIA-2010" not in ans.text.split("[")[0], ans.text
    # the journal's running header is neither the notice's title nor a sentence of an answer
    assert ans.text.startswith("RURAL MEDIA 2010"), ans.text
    assert "Gazzetta" not in ans.text, ans.text
    # a sentence that says what a field statement says is not said twice
    ans = assistant.ask("What is the call identifier of the Rural Media 2010 call?")
    assert ans.text.count("RURAL-MEDIA-2010") == 1, ans.text


@pytest.mark.slow
def test_the_version_s_facts_answer_on_the_real_notice(real_home):
    """On the real PRINCE 2010 guidelines and their Italian notice: "when was it published
    in Italian?" is answered with the notice's reference and issue date, though the English
    guidelines' sentences are the ones chosen."""
    from dataclasses import replace

    from assistant.ask import Assistant
    from assistant.config import Settings
    from assistant.library import Library

    assistant = Assistant(Library(replace(Settings.from_env(), home=real_home)))
    ans = assistant.ask("When was the PRINCE 2010 call published in Italian?")
    assert not ans.declined, ans.text
    assert "2011/C 19/07" in ans.text and "20 January 2011" in ans.text, ans.text
