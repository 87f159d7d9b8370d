"""The answerer's general mechanisms: question parts, synonyms, rule questions, rules that
span two sentences, table rows, and sentences cut at a chunk boundary."""

from __future__ import annotations

from assistant.answer import (
    EmbeddedAnswerer,
    analyse,
    concepts,
    load_synonyms,
    root,
    split_parts,
    split_sentences,
)
from assistant.types import Passage


def _passage(text: str, title: str = "Example Call for Proposals", n: int = 0) -> Passage:
    return Passage(f"doc-{n:05d}", "doc", "example.pdf", title, "grant_call", 1, "", text, 0.03)


def test_roots_ignore_endings():
    assert root("receive") == root("receiving") == root("received")
    assert root("legally") == root("legal")
    assert root("allowed") == root("allow")


def test_synonyms_load_from_the_prompts_folder():
    groups = load_synonyms()
    assert groups and all(g.asked and g.said for g in groups)


def test_question_parts_are_split_on_a_second_question_word():
    assert split_parts("When did the call open, and when is the information session?") == [
        "When did the call open", "when is the information session"]
    assert split_parts("Which areas of cooperation and culture does it cover?") == [
        "Which areas of cooperation and culture does it cover?"]


def test_each_part_of_a_two_part_question_is_answered():
    text = ("The call opened on 2 March 2026. Applications are assessed by a panel.\n\n"
            "An online information session will be held on 14 April 2026.")
    ans = EmbeddedAnswerer().run(
        "When did the call open, and when is the online information session?",
        [_passage(text)])
    assert not ans.declined
    assert "2 March 2026" in ans.text and "14 April 2026" in ans.text


def test_hear_back_finds_when_results_are_communicated():
    text = ("Projects may last 12 months. Results will be communicated to applicants by "
            "3 June 2027. Applications are submitted online.")
    ans = EmbeddedAnswerer().run("When will we hear back?", [_passage(text)])
    assert not ans.declined and "3 June 2027" in ans.text


def test_yes_no_rule_question_is_answered_by_the_rule():
    text = ("The lead applicant must be a municipality. Universities and research centres may "
            "be associated partners without receiving funding. The call budget is EUR 1,000,000.")
    q = "Can a university take part in a project and receive money?"
    assert analyse(q).kind == "eligibility"
    ans = EmbeddedAnswerer().run(q, [_passage(text)])
    assert not ans.declined and "without receiving funding" in ans.text


def test_a_country_in_the_question_is_covered_by_a_rule_about_countries():
    assert any("kenya" in c.terms for c in concepts("Our partner is a town in Kenya. Allowed?"))
    text = ("Each project needs a partner outside the United Kingdom. The partner abroad may "
            "be in any country.")
    ans = EmbeddedAnswerer().run(
        "Our partner for the project is a town in Kenya. Is that allowed?", [_passage(text)])
    assert not ans.declined and "any country" in ans.text


def test_a_rule_in_two_sentences_is_quoted_whole():
    text = ("Each project must involve at least 5 municipalities from at least 2 countries. "
            "At least two of the municipalities must be linked by a twinning agreement. "
            "The call is published by the Fund.")
    ans = EmbeddedAnswerer().run("How many municipalities must a partnership involve?",
                                 [_passage(text)])
    assert "5 municipalities" in ans.text and "twinning agreement" in ans.text


def test_synonyms_do_not_answer_what_the_documents_do_not_say():
    text = "Results will be communicated to applicants by 3 June 2027."
    ans = EmbeddedAnswerer().run("What is the page limit of the project narrative?",
                                 [_passage(text)])
    assert ans.declined


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
