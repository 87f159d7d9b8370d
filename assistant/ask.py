"""Asking the library, in stages: understand -> retrieve -> select -> decide -> render.

- understand (``assistant.understand``): what the question wants, what it pins down, its
  parts, a comparison's sides, a follow-up's subject from the conversation;
- retrieve (here): hybrid search, each side of a comparison on its own; names of partners,
  countries, document types and years raise a document's rank, never filter it out;
- select, decide, render (``assistant.answer`` with ``assistant.select``): the embedded
  answerer, which always runs (it is cheap and cannot invent).
When a language model is configured its answer is used instead, unless the grounding guard
or the endpoint says otherwise, in which case the embedded answer is shown with the reason.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

from assistant.answer import EmbeddedAnswerer, merge_answers
from assistant.boosts import document_boosts
from assistant.bridge import WordBridge
from assistant.conversation import MAX_TURNS, Conversation, Draft, Turn
from assistant.editions import asks_edition, edition_documents
from assistant.facts import FactLine, fact_lines
from assistant.library import Library
from assistant.passages import completed, key_passages
from assistant.retrieve import (
    STOPWORDS,
    WORD,
    Filters,
    HybridRetriever,
    KeywordIndex,
    stem,
    terms,
    terms_and_parts,
)
from assistant.select import TRANSLATION, WEIGHTS, main_passage, root, strip_names
from assistant.soonest import soonest
from assistant.types import LEAD_CHUNKS, Answer, Citation, Passage
from assistant.understand import (
    MAX_QUESTION,
    Question,
    is_follow_up,
    names_in,
    points_back,
    understand,
)
from ingest.injection import fence_instructions
from ingest.language import detect, languages_named
from ingest.registry import DocRecord

log = logging.getLogger(__name__)
# documents whose extracted fields may answer a question: its best-ranked few
# (measured: 1 -> 3 answered "who wrote the article" from the article's authors field when
# another document ranked first; the sample corpus unchanged)
FACT_DOCS = 3

# Passages an answer is chosen from: on the real documents all of a question's key facts
# are in the top 8 passages for 53% of questions, top 12 for 60%, top 16 for 65%
# (evals/real.py); the sentence cascade keeps the cost of more passages small.
PASSAGES = 12
# Further passages of the best-ranked document, searched on its own. Fitted on dev +
# frozen-a: key facts 0.56/0.45 at 6 and 10 (mean share 0.58 and 0.60), 0.56/0.43 at 14.
WITHIN_FIRST = 10
# ... and this many more for each part of a several-part question, searched on its own
# words. 0 / 1 / 2 / 3 / 4 measured on dev + frozen-a: key facts 0.56/0.57, 0.61/0.57,
# 0.61/0.57, 0.61/0.55, 0.61/0.55: 1, the cheapest of the best.
WITHIN_PART = 1
# Documents in another language among this many best passages are searched again with the
# question's words said in their language: at most this many documents, passages each.
FOREIGN_TOP = 6
FOREIGN_DOCS = 3
FOREIGN_PASSAGES = 3
# Asked once when a server starts, answers discarded: they load what the first officer's
# answers would otherwise wait for (spaCy's entities, the country names in each language,
# the sentence splitter, the embedder's query session): about two seconds, once.
WARM_UP = ("Who signed the agreement with our partner town, and when?",
           "How much is the grant, and which countries may apply?",
           "In which languages was the memorandum signed, and for how long is it valid?")


@dataclass
class _Plan:
    query: str
    passages: list[Passage]
    embedded: Answer
    final: bool  # no language model step follows


def fence(passage: Passage) -> Passage:
    """The passage as a model sees it: text addressed to an AI is replaced by a marker, on
    top of the prompt's rule that passages are data."""
    return replace(passage, text=fence_instructions(passage.text))


class Assistant:
    def __init__(self, library: Library, retriever: HybridRetriever | None = None,
                 answerer: EmbeddedAnswerer | None = None, llm=None,  # noqa: ANN001
                 today: date | None = None) -> None:
        self.library = library
        self._today = today
        self._records: tuple[str | None, dict[str, DocRecord]] = (None, {})
        self._title_terms: dict[str, set[str]] = {}
        self.retriever = retriever or HybridRetriever(library.store, library.registry,
                                                      library.embedder)
        self.answerer = answerer or EmbeddedAnswerer(
            library.embedder.embed, self.retriever.keyword.idf,
            replace(WEIGHTS, translation=TRANSLATION.get(library.embedder.name)),
            embed_query=library.embedder.embed_query, english=library.english_embed)
        self.llm = llm
        embedder = library.embedder
        self.bridge = (WordBridge(embedder.embed, library.settings.home / "cache" /
                                  f"words-{embedder.name}.npz")
                       if embedder.multilingual else None)

    @classmethod
    def from_library(cls, library: Library) -> Assistant:
        from assistant.llm import language_model

        return cls(library, llm=language_model(library.settings))

    def warm_up(self) -> None:
        """Load what a first answer needs before any officer asks (``WARM_UP``). Embedded
        answers only: no language model is called."""
        from ingest.extract.patterns import get_nlp

        get_nlp()  # (the questions' entities may be cached already; the model is not)
        for question in WARM_UP:
            self._plan(question, None, None)

    def _sync(self, live: list[str]) -> None:
        """Bring the cached registry up to the library version ``live`` describes: read
        once per version rather than once per question (seconds at thousands of documents)."""
        version = KeywordIndex.version_of(live)
        if self._records[0] != version:
            records = {r.doc_id: r for r in self.library.registry.list()}
            self._title_terms = {d: set(terms(r.title)) for d, r in records.items()}
            self._records = (version, records)

    def records(self, doc_type: str | None = None) -> list[DocRecord]:
        if self._records[0] is None:
            self._sync(self.retriever.live_ids())
        return [r for r in self._records[1].values() if doc_type in (None, r.doc_type)]

    def _record(self, doc_id: str) -> DocRecord | None:
        if self._records[0] is None:
            self.records()
        return self._records[1].get(doc_id) or self.library.registry.get(doc_id)

    @property
    def today(self) -> date:
        """Injected in tests and evals; the wall clock only when nobody says otherwise."""
        return self._today or date.today()

    # -- understand -----------------------------------------------------------------------

    def resolve(self, question: str, conversation: Conversation | None) -> tuple[str, set[str]]:
        """The retrieval query for a turn, and the documents the conversation is about:
        a follow-up ("and when does it expire?") that names nothing of its own carries the
        previous question's names and prefers the documents its answer cited."""
        last = conversation.last if conversation else None
        if not last or names_in(question) or not is_follow_up(question):
            return question, set()
        prev_names = " ".join(names_in(last.question))
        # a decline cites only the closest thing the documents hold: not what "it" is
        docs = set() if last.answer.declined else {c.doc_id for c in last.answer.citations}
        return f"{question} {prev_names}".strip(), docs

    def about(self, question: str, convo_docs: set[str], filters: Filters | None,
              live: list[str]) -> Filters | None:
        """The filter a follow-up that points back ("and when does it expire?") is answered
        within: the conversation's documents, since "it" is what the last answer was about
        and another agreement's expiry would answer a question nobody asked. None when the
        question merely is short ("which calls close soonest?" starts another subject), or
        when a filter the officer set since says otherwise, or the documents are gone."""
        if not convo_docs or not points_back(question):
            return None
        wanted = convo_docs & set(live)
        if filters is not None:
            # (the officer's filters stay: of the documents, those they let through)
            wanted = {d for d in wanted if (r := self._record(d)) is not None
                      and filters.matches(r.to_metadata())}
        if not wanted:
            return None
        return (Filters(doc_ids=sorted(wanted)) if filters is None
                else replace(filters, doc_ids=sorted(wanted)))

    def boosts(self, question: str) -> dict[str, float]:
        """``_boosts`` on the library as it is now (another instance may have ingested)."""
        live = self.retriever.live_ids()
        self._sync(live)
        self.retriever.keyword.ensure(live)  # the title words' weights are its IDF
        return self._boosts(question)

    def _boosts(self, question: str) -> dict[str, float]:
        keyword = self.retriever.keyword
        return document_boosts(question, self.records(), self._title_terms, keyword.idf,
                               self.today, naming=keyword.naming)

    # -- retrieve -------------------------------------------------------------------------

    def retrieve(self, query: str, filters: Filters | None, boosts: dict[str, float],
                 k: int = 8, live: list[str] | None = None,
                 language: str = "") -> list[Passage]:
        """``language``: the question's (a query with names added or taken out is no
        sample to tell it from)."""
        live = self.retriever.live_ids() if live is None else live
        passages = self.retriever.run(query, filters, k=k, boost_docs=boosts, live=live,
                                      language=language)
        return self.complete_sentences(passages, live)

    def complete_sentences(self, passages: list[Passage],
                           live: list[str] | None = None) -> list[Passage]:
        """Passages completed across chunk boundaries (``assistant.passages``): a cut last
        sentence or list finished from the next chunk, a cut first sentence started from
        the previous one."""
        if not passages:
            return passages
        keyword = self.retriever.keyword
        try:
            keyword.ensure(self.retriever.live_ids() if live is None else live)
        except Exception:  # noqa: BLE001 - completing sentences is a nicety, never a failure
            log.exception("could not look up neighbouring chunks")
            return passages
        return [completed(p, keyword.chunk) for p in passages]

    def gather(self, q: Question, query: str, filters: Filters | None,
               boosts: dict[str, float], k: int, live: list[str]) -> list[Passage]:
        """The evidence: one search, one more per part of a several-part question, or one
        per side of a comparison (each side from its own documents), merged best-first."""
        lists = [self.retrieve(query, filters, boosts, k, live, q.language)]
        if q.sides:
            lists = [self.retrieve(f"{side} {query}", filters, boosts, k, live, q.language)
                     for side in q.sides]
        elif len(q.parts) > 1:
            # "When was the convention concluded, and in which languages is it authentic?":
            # a long name in the question outweighs each part's own words in one search.
            names = " ".join(q.names)
            lists += [self.retrieve(f"{part} {names}", filters, boosts, k // 2, live,
                                    q.language)
                      for part in q.parts]
        if len(lists) == 1:
            return lists[0]
        merged: list[Passage] = []
        seen: set[str] = set()
        for group in zip(*lists, strict=False):
            for p in group:
                if p.chunk_id not in seen:
                    seen.add(p.chunk_id)
                    merged.append(p)
        return merged[: k + k // 2]

    def evidence(self, q: Question, query: str, filters: Filters | None,
                 boosts: dict[str, float], k: int,
                 live: list[str]) -> tuple[Question, list[Passage]]:
        """The passages an answer is chosen from: the search (``gather``), more of the
        best-ranked document (``within_first``), and of documents in another language
        (``reach_across``, which also says the question's words in their language)."""
        passages = self.gather(q, query, filters, boosts, k, live)
        passages = self.the_edition(q, query, passages, filters, boosts, k, live)
        passages = self.within_first(q, query, passages, filters, live)
        return self.reach_across(q, passages, filters, live)

    def the_edition(self, q: Question, query: str, passages: list[Passage],
                    filters: Filters | None, boosts: dict[str, float], k: int,
                    live: list[str]) -> list[Passage]:
        """A question that names a call's edition that no passage's document is ("the CAP
        information actions 2012 call" when a 2008 Q&A ranks first): the search again,
        within the stored calls that are that edition, its passages first."""
        text = self.retriever.keyword.document_text
        if not passages or not asks_edition(q) or self.answerer.pinned_documents(
                q, passages, text)[0]:
            return passages
        calls = [r for r in self.records("grant_call")
                 if filters is None or filters.matches(r.to_metadata())]
        if not (found := edition_documents(q, calls, text, self.answerer.pinned_documents)):
            return passages
        within = Filters(doc_ids=found) if filters is None else replace(filters, doc_ids=found)
        return self.retrieve(query, within, boosts, k // 2, live, q.language) + passages

    def within_first(self, q: Question, query: str, passages: list[Passage],
                     filters: Filters | None, live: list[str]) -> list[Passage]:
        """A question is mostly about one document, and a long one holds more passages
        on it than the library-wide search returns: the best-ranked document is searched
        again on its own (without the names of its title), and its further passages added
        after the others."""
        if not passages or q.compare:
            return passages
        # ... or the best-ranked of the language version it asks about ("the Italian notice")
        # of the documents that hold what it pins down ("Protocol No. 3" is not the best-
        # ranked Protocol No. 2), when any does
        pinned, _ = self.answerer.pinned_documents(q, passages,
                                                   self.retriever.keyword.document_text)
        among = {i for i, p in enumerate(passages) if p.doc_id in pinned}
        first = passages[main_passage(q, passages, among or None)]
        doc = first.doc_id
        within = Filters(doc_ids=[doc]) if filters is None else replace(filters, doc_ids=[doc])
        have = {p.chunk_id for p in passages}
        # within the document, the names its title holds say nothing ("the European Outline
        # Convention"); the rest asks what (and "Germany" still says which row)
        title = set(terms(first.title))
        titled = [n for n in q.names if set(terms(n)) <= title]
        aspect = strip_names(query, titled)
        more = [p for p in self.retrieve(aspect, within, {}, WITHIN_FIRST, live, q.language)
                if p.chunk_id not in have]
        if len(q.parts) > 1:
            # "... and in which languages is it authentic?": each part asks its own aspect
            have |= {p.chunk_id for p in more}
            for part in q.parts:
                found = [p for p in self.retrieve(strip_names(part, titled), within, {},
                                                  WITHIN_PART, live, q.language)
                         if p.chunk_id not in have]
                have |= {p.chunk_id for p in found}
                more += found
        if q.wants == "summary":
            # what it is about: where it starts (its abstract, summary or introduction)
            have |= {p.chunk_id for p in more}
            more += self.complete_sentences(
                [p for i in range(LEAD_CHUNKS) if (p := self.retriever.keyword.chunk(doc, i))
                 and p.chunk_id not in have], live)
        return passages + more + self.field_passages(doc, have | {p.chunk_id for p in more},
                                                     live)

    def field_passages(self, doc_id: str, have: set[str], live: list[str]) -> list[Passage]:
        """The passages a document's key fields were read from (``passages.key_passages``),
        but those in ``have``, completed across chunk boundaries."""
        rec = self._record(doc_id)
        if rec is None:
            return []
        self.retriever.keyword.ensure(live)
        found = key_passages(rec, self.retriever.keyword.holding, have)
        return self.complete_sentences(found, live)

    def reach_across(self, q: Question, passages: list[Passage], filters: Filters | None,
                     live: list[str]) -> tuple[Question, list[Passage]]:
        """When the best passages include documents in another language than the question,
        the question's words said in that language (``assistant.bridge``): recorded on the
        question for sentence selection, and searched for within those documents, whose
        passages that hold the answer words alone could not find are added."""
        if self.bridge is None or not q.language:
            return q, passages
        keyword = self.retriever.keyword
        docs = {p.doc_id: p.language for p in passages[:FOREIGN_TOP]
                if p.language and q.foreign({p.language}) and keyword.words(p.language)}
        if not docs:
            return q, passages
        # each word as written, its parts ("per-person") and its singular ("ceilings")
        written = [x for w in WORD.findall(q.text.lower()) for x in (w, *w.split("-"))]
        words = list(dict.fromkeys(x for w in written for x in (w, stem(w))
                                   if w not in STOPWORDS and not w.isdigit()))
        figures = re.findall(r"\b\d[\d.,]*\b", q.text)
        across: dict[str, dict[str, list[str]]] = {}
        said: dict[str, str] = {}  # the question in each language's words, to search
        have = {p.chunk_id for p in passages}
        added: list[Passage] = []
        for doc_id, lang in list(docs.items())[:FOREIGN_DOCS]:
            if lang not in across:
                try:
                    near = self.bridge.translate(words, lang, keyword.words(lang))
                except Exception:  # noqa: BLE001 - a help to ranking, never a failed answer
                    log.exception("could not say the question's words in %s", lang)
                    near = {}
                across[lang] = {root(w): sorted({root(x) for x in xs}) for w, xs in near.items()}
                said[lang] = " ".join([x for xs in near.values() for x in xs] + figures)
            if not said[lang].strip():
                continue

            def allowed(meta: dict, doc_id: str = doc_id) -> bool:
                return meta.get("doc_id") == doc_id and (filters is None
                                                         or filters.matches(meta))

            for p in keyword.search_passages(said[lang], FOREIGN_PASSAGES, allowed,
                                             language=lang):
                if p.chunk_id not in have:
                    have.add(p.chunk_id)
                    added.append(replace(p, score=0.0))
        return replace(q, across=across), passages + self.complete_sentences(added, live)

    # -- the stages together --------------------------------------------------------------

    def _plan(self, question: str, filters: Filters | None,
              conversation: Conversation | None, k: int = PASSAGES) -> _Plan:
        """Everything before a model writes: the query, the evidence and the embedded
        answer (always computed: it is the fallback and cannot invent)."""
        # One look at the library per question: every step below reads this version.
        live = self.retriever.live_ids()
        self._sync(live)
        self.retriever.keyword.ensure(live)
        q = understand(question)
        query, convo_docs = self.resolve(question, conversation)
        if not q.language and query != question:
            # "Who signed it?" is too short to tell its language; with the names it carries
            # it may not be
            q = replace(q, language=detect(query, by_grammar=True))
        boosts = self._boosts(query)
        for d in convo_docs:
            boosts[d] = boosts.get(d, 1.0) * 2.0
        within = self.about(question, convo_docs, filters, live)
        if q.soonest and (soonest := self._soonest(q, filters, boosts, live)):
            return _Plan(query, [], soonest, final=True)
        keyword = self.retriever.keyword
        embedded, passages = None, []
        if q.sides and (compared := self.compare(q, query, filters, boosts, k, live)):
            embedded, passages = compared
        if not passages and within is not None:
            q, passages = self.evidence(q, query, within, boosts, k, live)
        if not passages:
            q, passages = self.evidence(q, query, filters, boosts, k, live)
        # a name may be written otherwise in passages of another language ("Noordrijn-
        # Westfalen"): when most of the best passages are in another language than the
        # question, a name absent from the library is no reason to decline
        top = passages[:5]
        foreign = 2 * sum(q.foreign({p.language}) for p in top if p.language) > len(top)
        # (a follow-up that points back asks about the previous question's names: "and
        # who signed it?"; a short question on another subject does not)
        named = understand(query) if query != question and points_back(question) else q
        # (a comparison answered found each side in a document of its own, by its words,
        # an edition's year included: "the 2012 CAP call" is "PAC" in the Italian notice)
        if not foreign and embedded is None and (unknown := self.unknown_names(named, live)):
            return _Plan(query, passages, self._unknown(unknown, passages), final=True)
        if embedded is None:
            # (the document the question is about: the conversation's, or the best-ranked
            # in the version it asks about, "the Italian notice")
            facts, related = self.facts_for(
                question, passages,
                convo_docs or {passages[main_passage(q, passages)].doc_id} if passages else None)
            embedded = self.answerer.run(q, passages, doc_text=keyword.document_text,
                                         facts=facts, related=related)
        return _Plan(query, passages, embedded, final=not passages or self.llm is None)

    def compare(self, q: Question, query: str, filters: Filters | None,
                boosts: dict[str, float], k: int,
                live: list[str]) -> tuple[Answer, list[Passage]] | None:
        """Each side of a comparison answered from the document that side names, then set
        side by side (with the passages both sides drew on); None when a side finds no
        document of its own or no answer."""
        assert q.sides
        keyword = self.retriever.keyword
        parts: list[Answer] = []
        evidence: list[Passage] = []
        used: set[str] = set()
        # each side's words say which document; the rest of the question asks what, and is
        # searched within each side's document
        aspect = strip_names(query, list(q.sides))  # "compare the co-financing rates"
        for side in q.sides:
            # what names this side ("the 2025 project's figures") weighs in its own search
            mine = self._boosts(side)
            side_boosts = {d: boosts.get(d, 1.0) * mine.get(d, 1.0) for d in {*boosts, *mine}}
            found = self.retrieve(f"{side} {query}", filters, side_boosts, k, live, q.language)
            # ("the 2012 CAP information actions call" when other calls' passages rank first)
            found = [p for p in self.the_edition(q.side(side), f"{side} {query}", found,
                                                 filters, side_boosts, k, live)
                     if p.doc_id not in used]
            side_terms = set(terms(side))
            texts: dict[str, str] = {}
            for p in found:
                texts[p.doc_id] = texts.get(p.doc_id, p.title + " " + p.source) + " " + p.text
            if not texts:
                return None
            # the document that names the side best (IDF of shared words, and the year the
            # side names when it is the document's: "the 2025 project"), then rank
            years = {d: str(r.year) for d in texts if (r := self._record(d)) and r.year}
            naming = {d: sum(keyword.idf(t) for t in side_terms & (
                terms_and_parts(text) | {years.get(d, "")})) - 0.01 * i
                      for i, (d, text) in enumerate(texts.items())}
            doc = max(naming, key=naming.__getitem__)
            used.add(doc)
            within = Filters(doc_ids=[doc]) if filters is None else replace(filters,
                                                                            doc_ids=[doc])
            in_doc = self.retrieve(aspect, within, {}, k, live, q.language) or [p for p in found
                                                                    if p.doc_id == doc]
            part = self.answerer.run(q.side(side), in_doc, doc_text=keyword.document_text)
            if part.declined:
                return None
            parts.append(part)
            evidence += in_doc
        return merge_answers(parts), evidence

    @staticmethod
    def _history(conversation: Conversation | None,
                 before: Turn | None = None) -> list[tuple[str, str]]:
        """The last three exchanges a model sees, up to (not including) ``before``."""
        turns = list(conversation.turns) if conversation else []
        turns = turns[:next((i for i, t in enumerate(turns) if t is before), len(turns))]
        return [(t.question, t.answer.text) for t in turns][-3:]

    def ask(self, question: str, filters: Filters | None = None,
            conversation: Conversation | None = None, k: int = PASSAGES) -> Answer:
        *_, answer = self.stream(question, filters, conversation, k)
        assert isinstance(answer, Answer)
        return answer

    def stream(self, question: str, filters: Filters | None = None,
               conversation: Conversation | None = None,
               k: int = PASSAGES) -> Iterator[str | Draft | Answer]:
        """Events as the answer takes shape, ending with the final Answer.

        With no language model: the embedded answer's words, then the Answer. With one: a
        Draft (the embedded answer, at once), the model's text deltas as they are written,
        then the final Answer, whose text replaces what was streamed (the guard may have
        marked unsupported facts, or the model may have been replaced by the draft).
        The conversation records the draft first, so a stopped answer leaves a turn that
        follow-ups can build on.
        """
        question = re.sub(r"\s+", " ", question).strip()[:MAX_QUESTION]
        if not question:
            yield Answer("Ask a question about your documents.", True, [], [])
            return
        plan = self._plan(question, filters, conversation, k)
        answer = plan.embedded
        turn = Turn(question, plan.query, answer)
        if conversation is not None:
            conversation.turns.append(turn)
            # Follow-ups look back a few turns; a long session must not grow without end.
            del conversation.turns[:-MAX_TURNS]
        if plan.final:
            yield from re.findall(r"\S+\s*", answer.text)
        else:
            from assistant.llm import LLMFallback, LLMUnavailable

            stream = None
            try:
                stream = self.llm.stream(question, [fence(p) for p in plan.passages],
                                         self._history(conversation, before=turn))
                if conversation is not None:  # before the draft shows: Stop can reach it
                    conversation.writing = stream
                yield Draft(answer)
                yield from stream
                answer = stream.result()
            except (LLMFallback, LLMUnavailable) as exc:
                log.warning("language model not used: %s", exc)
                answer.warnings.append(str(exc))
            finally:
                if conversation is not None and conversation.writing is stream:
                    conversation.writing = None  # never a newer question's stream
            turn.answer = answer
        yield answer

    # -- declines before any sentence is weighed ------------------------------------------

    def unknown_names(self, q: Question, live: list[str] | None = None) -> list[str]:
        """Names in the question that no stored document contains: their distinctive word
        appears nowhere in the library."""
        if not q.names:
            return []
        self.retriever.keyword.ensure(self.retriever.live_ids() if live is None else live)
        vocab = self.retriever.keyword.vocabulary()
        unknown = []
        # "Belgian", "Dutch": words for a people or a language describe, they name nothing
        # a document must contain (it may say "Belgische", "Nederlandse tekst").
        from ingest.extract.patterns import get_nlp

        describing = {e.text for e in get_nlp()(q.text).ents if e.label_ in ("NORP", "LANGUAGE")}
        # ... and the words of a longer name that name a language or people ("the
        # Dutch-German Anholt Agreement": CLDR's language names, in the question's language)
        lang = q.language or "en"
        describing_words = {w.lower() for d in describing for w in re.split(r"[\s-]+", d)}
        describing_words |= {n.lower() for name in q.names
                             for n in languages_named(name.replace("-", " "), lang)}
        known: list[str] = []
        # "the Chicago-Shenyang agreement", "Abu Dhabi-Houston": a hyphen between capitals
        # joins two names, each of which must be in the library
        names = [part for name in q.names if name not in describing
                 for part in re.split(r"(?<=[a-z])-(?=[A-Z][a-z])", name)]
        for name in names:
            words = [w for w in terms(name) if len(w) >= 3 and not w.isdigit()
                     and w not in describing_words]
            if not words:
                continue
            # its rarest word in the library is the one that tells it apart ("Hoshikawa
            # City", "Anholt Agreement"); a word no passage has is the rarest of all
            word = max(words, key=lambda w: (self.retriever.keyword.idf(w), len(w)))
            # "Clinton-era", "Dutch-led": a compound the library writes apart
            if word in vocab or ("-" in word and all(x in vocab for x in word.split("-") if x)):
                known.append(word)
            else:
                unknown.append(name)
        # The document another name of the question points at is in another language: the
        # missing name may be written otherwise there ("Lower Saxony", "Niedersachsen").
        keyword = self.retriever.keyword
        if unknown and any(q.foreign(keyword.languages_of(word)) for word in known):
            return []
        return unknown

    @staticmethod
    def _unknown(names: list[str], passages: list[Passage]) -> Answer:
        retrieved = list(dict.fromkeys(p.source for p in passages))
        head = f"Your documents do not mention {' or '.join(names)}."
        if not passages:
            return Answer(head, True, [], retrieved)
        p = passages[0]
        return Answer(f"{head} The closest they come is {p.title}, page {p.page}.", True,
                      [Citation(1, p.source, p.page, p.text[:300], p.doc_id, p.title,
                                                scanned=p.scanned)],
                      retrieved)

    def facts_for(self, question: str, passages: list[Passage],
                  preferred: set[str] | None = None
                  ) -> tuple[list[tuple[FactLine, Passage]], list[tuple[FactLine, Passage]]]:
        """Field statements (a status against today, a computed end of term) of the
        document the question is about (the conversation's, else the top passage's), and
        of the next best-ranked documents (``EmbeddedAnswerer.run``'s ``related``)."""
        firsts: dict[str, Passage] = {}  # each document's best-ranked passage
        for p in passages:
            firsts.setdefault(p.doc_id, p)
        ranked = list(firsts.values())
        top = next((p for p in ranked if preferred and p.doc_id in preferred),
                   ranked[0] if ranked else None)
        if top is None:
            return [], []
        others = [p for p in ranked if p is not top][:FACT_DOCS - 1]
        return self._fact_lines(question, [top]), self._fact_lines(question, others)

    def _fact_lines(self, question: str, firsts: list[Passage]
                    ) -> list[tuple[FactLine, Passage]]:
        out: list[tuple[FactLine, Passage]] = []
        for first in firsts:
            rec = self._record(first.doc_id)
            if rec is not None:
                out += [(line, first) for line in fact_lines(rec, question, self.today)]
        return out

    def _soonest(self, q: Question, filters: Filters | None, boosts: dict[str, float],
                 live: list[str]) -> Answer | None:
        """"Which of our agreements expires first?": every candidate's date, in order."""
        passages = self.retrieve(q.text, filters, boosts, 16, live, q.language)
        return soonest(q, passages, self._record, self.today)
