"""A summary question ("Give me the gist of the report") is answered from where the
document says what it is about: its abstract or introduction, whose words the question
rarely uses."""

from __future__ import annotations

import pytest

from assistant.understand import understand

ABSTRACT = ("Abstract. We surveyed 212 municipalities in four countries about how they pay "
            "for their twinning links, and found that most links survive on volunteer work "
            "and small grants from regional budgets.")
SECTIONS = [
    "Methods. The survey was sent to the twinning officers of each municipality in spring. "
    "Answers were checked against the municipal budgets where these were published.",
    "Volunteers. Twinning committees rely on a small number of volunteers, most of them "
    "retired. Their number fell in most towns during the last decade.",
    "Regional budgets. Regional governments give small grants for exchanges of pupils and "
    "for festivals. The grants rarely exceed a few thousand euro per year.",
    "Harbours. Harbour towns often meet their partners by ferry from the harbour, which "
    "makes short visits cheaper than in inland towns.",
    "Harbour festivals. A harbour festival is the most common event of a twinning link "
    "between two harbour towns.",
    "Recommendations. Towns should budget for their links over several years and share the "
    "organisation of exchanges with schools and sports clubs.",
]
REFERENCES = ("References. Smith, J. (2019). Harbour economies. Harbour Press Technical "
              "Report. Jones, K. (2021). Town twinning in Europe. Microsoft Research "
              "Technical Report.")


@pytest.mark.parametrize("question", ["Give me the gist of the coastal towns report.",
                                      "What are the report's main findings?",
                                      "What is the report on coastal towns' twinning about?",
                                      "What is Protocol No. 2 to the Convention (1998) about?"])
def test_a_summary_question_is_told_apart(question: str):
    assert understand(question).wants == "summary"


@pytest.mark.parametrize(("question", "wants"), [
    ("What is the deadline?", "date"),
    ("In brief, what is the deadline of the PRINCE call?", "date"),
    ("In a nutshell, what is the co-financing rate of the call?", "quantity"),
    ("What is the co-financing rule we talked about?", "fact"),
    ("What is the status of the partnership you told me about?", "fact"),
    ("What are the key points of contact for the call?", "fact"),
])
def test_a_question_about_one_thing_is_no_summary(question: str, wants: str):
    assert understand(question).wants == wants


def test_the_start_of_a_document_is_weighed_for_a_summary_question(answerer):
    """"Give me the gist of the Harbour Towns Study": the abstract, which shares no word with
    the question, is weighed by the embedder beside the sentences that do."""
    from assistant.select import SentenceScorer
    from assistant.types import Passage

    def passage(n: int, text: str, lead: bool = False) -> Passage:
        return Passage(f"doc-{n:05d}", "doc", "study.txt", "Harbour Towns Study",
                       "policy_report", n + 1, "", text, 0.03, language="en", lead=lead)

    harbour = [passage(n, f"{s.split('. ', 1)[1]} The harbour towns study, part {n}.")
               for n, s in enumerate(SECTIONS * 2, 1)]
    passages = [*harbour, passage(0, ABSTRACT.split(". ", 1)[1], lead=True)]
    q = understand("Give me the gist of the Harbour Towns Study.")
    cands = SentenceScorer.candidates(passages, q.wants)
    scores = answerer.scorer.score(q, q.text, cands, passages)
    lead = next(i for i, c in enumerate(cands) if c.text.startswith("We surveyed"))
    # weighed by meaning, not left below every sentence the embedder weighed
    assert scores[lead] > min(scores) + 0.5
    fact = understand("How many harbour towns took part in the Harbour Towns Study?")
    fact_scores = answerer.scorer.score(fact, fact.text, cands, passages)
    assert fact_scores[lead] < 0


def test_a_summary_question_reads_its_document_from_the_start(library, tmp_path):
    """The leading document's first chunks join the evidence of a summary question."""
    from assistant.ask import Assistant
    from assistant.types import LEAD_CHUNKS

    body = "\n\n".join([ABSTRACT] + [f"{s} The harbour towns study, part {n}. " * 4
                                     for n, s in enumerate(SECTIONS * 4)])
    path = tmp_path / "harbour-towns-study.txt"
    path.write_text("Harbour Towns Study\n\n" + body, encoding="utf-8")
    library.ingest([path], doc_type="policy_report")
    assistant = Assistant(library)
    live = assistant.retriever.live_ids()
    question = "Give me the gist of the Harbour Towns Study."
    q = understand(question)
    found = assistant.gather(q, question, None, {}, 4, live)
    more = assistant.within_first(q, question, found, None, live)
    doc = found[0].doc_id
    firsts = {f"{doc}-{i:05d}" for i in range(LEAD_CHUNKS)}
    assert firsts <= {p.chunk_id for p in more}
    assert all(p.lead for p in more if p.chunk_id in firsts)


def test_a_short_line_is_no_summary():
    """"Microsoft Research Technical Report." of a bibliography says what a work is called;
    it answers no summary question, though it may answer another."""
    from assistant.select import SentenceScorer
    from assistant.types import Passage

    text = "Microsoft Research Technical Report. " + ABSTRACT.split(". ", 1)[1]
    p = Passage("doc-00001", "doc", "study.txt", "Harbour Towns Study", "policy_report", 9,
                "", text, 0.03, language="en")
    summary = [c.text for c in SentenceScorer.candidates([p], "summary")]
    assert summary and not any(t.startswith("Microsoft") for t in summary)
    assert any(c.text.startswith("Microsoft") for c in SentenceScorer.candidates([p], "fact"))
