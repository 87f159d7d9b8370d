"""Asking the library: question -> retrieval -> answer, with conversation and filters.

The embedded answerer always runs (it is cheap and cannot invent); when a language model is
configured its answer is used instead, unless the grounding guard or the endpoint says
otherwise, in which case the embedded answer is shown with the reason.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from assistant.answer import EmbeddedAnswerer, QuestionInfo, analyse
from assistant.facts import FactLine, fact_lines
from assistant.library import Library
from assistant.retrieve import Filters, HybridRetriever, KeywordIndex, terms
from assistant.types import Answer, Citation, Passage
from ingest.injection import fence_instructions
from ingest.registry import DocRecord

log = logging.getLogger(__name__)

_PLACE_PREFIX = re.compile(
    r"^(?:the\s+)?(?:town|city|municipality|region|county|prefecture|commune|village|"
    r"district|province|state|borough|metropolitan area)\s+of\s+", re.IGNORECASE)
_TYPE_CUES = {
    "grant_call": re.compile(r"\b(?:grant|funding)\s+calls?\b|\bcalls?\s+for\s+proposals\b|"
                             r"\bcalls?\b|\bschemes?\b", re.IGNORECASE),
    "mou": re.compile(r"\bagreements?\b|\bmous?\b|\bmemorand\w*|\btwinning charter\b|"
                      r"\bletters? of intent\b", re.IGNORECASE),
    "policy_report": re.compile(r"\breports?\b|\bguide\b|\bstudy\b|\bpaper\b", re.IGNORECASE),
}
_AGREEMENT_WITH = re.compile(
    r"\b(?:agreement|mou|memorandum|charter|twinning|partnership|letter of intent|sister[- ]city"
    r"(?: agreement)?|friendship)\b[^?]*?\bwith\s+(?:the\s+)?(?:(?:town|city|municipality|"
    r"region|county|prefecture|commune) of\s+)?(?-i:([A-ZÀ-Þ][\w'-]+(?:\s+(?:de|do|da|del|la|"
    r"[A-ZÀ-Þ][\w'-]+))*))", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;\"'\u201d]\s*$")
# The rest of a sentence cut at a chunk boundary: up to its full stop, within one paragraph.
_FIRST_SENTENCE = re.compile(r"[^\n]{0,400}?[.!?](?=\s|$)")
# The start of a sentence cut at a chunk boundary: after the last full stop or blank line.
_LAST_SENTENCE_START = re.compile(r"(?:[.!?]\s+|\n\s*\n|^)([A-Z][^.!?]{0,400})\s*$")
_SOONEST = re.compile(
    r"\b(?:expires?|ends?|runs? out|closes?|deadline)\b.*\b(?:first|soonest|next|earliest)\b|"
    r"\b(?:first|soonest|next|earliest)\b.*\b(?:expir\w*|clos\w*|deadline)\b", re.IGNORECASE)
_FOLLOW_UP = re.compile(r"^(?:and|also|what about|how about|and what about)\b|"
                        r"\b(?:it|its|they|them|their|that one|this one|the same)\b",
                        re.IGNORECASE)
_COMPARE = [
    re.compile(r"\bbetween\s+(?:the\s+)?(.+?)\s+and\s+(?:the\s+)?(.+?)[?.]?$", re.I),
    re.compile(r"\bcompare\s+(.+?)\s+(?:and|with|to|versus|vs\.?)\s+(?:the\s+)?(.+?)[?.]?$",
               re.I),
    re.compile(r"^(.+?)\s+compared?\s+(?:with|to)\s+(?:the\s+)?(.+?)[?.]?$", re.I),
    re.compile(r"[,:]\s*(?:the\s+)?(.+?)\s+or\s+(?:the\s+)?(.+?)[?.]?$", re.I),
]


def compare_sides(question: str) -> tuple[str, str] | None:
    """The two things a comparison question sets side by side, if it names two."""
    for pattern in _COMPARE:
        if m := pattern.search(question):
            return m.group(1).strip(), m.group(2).strip()
    return None


@dataclass
class Turn:
    question: str
    query: str
    answer: Answer


@dataclass
class _Plan:
    query: str
    passages: list[Passage]
    embedded: Answer
    final: bool  # no language model step follows


MAX_TURNS = 20


@dataclass
class Conversation:
    """One officer's session: each turn's question, how it was resolved, and the answer."""

    turns: list[Turn] = field(default_factory=list)

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None


def fence(passage: Passage) -> Passage:
    """The passage as a model sees it: text addressed to an AI is replaced by a marker, on
    top of the prompt's rule that passages are data."""
    return replace(passage, text=fence_instructions(passage.text))


def distinctive(place: str) -> str:
    return _PLACE_PREFIX.sub("", place).strip()


class Assistant:
    def __init__(self, library: Library, retriever: HybridRetriever | None = None,
                 answerer: EmbeddedAnswerer | None = None, llm=None,  # noqa: ANN001
                 today: date | None = None) -> None:
        self.library = library
        self._today = today
        self._records: tuple[str | None, dict[str, DocRecord]] = (None, {})
        self.retriever = retriever or HybridRetriever(library.store, library.registry,
                                                      library.embedder)
        self.answerer = answerer or EmbeddedAnswerer()
        self.llm = llm

    @classmethod
    def from_library(cls, library: Library) -> Assistant:
        llm = None
        if library.settings.llm_enabled:
            from assistant.llm import LLMAnswerer

            llm = LLMAnswerer(library.settings)
        return cls(library, llm=llm)

    def _sync(self, live: list[str]) -> None:
        """Bring the cached registry up to the library version ``live`` describes: read
        once per version rather than once per question (seconds at thousands of documents)."""
        version = KeywordIndex.version_of(live)
        if self._records[0] != version:
            self._records = (version, {r.doc_id: r for r in self.library.registry.list()})

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

    # -- question understanding ----------------------------------------------------------

    def _boosts(self, question: str) -> dict[str, float]:
        """Documents whose partner or country the question names rank higher."""
        low = question.lower()
        boosts: dict[str, float] = {}
        for rec in self.records():
            factor = 1.0
            if any(distinctive(p).lower() in low for p in rec.partners if distinctive(p)):
                factor *= 1.6
            if any(c.lower() in low for c in rec.countries):
                factor *= 1.2
            if factor > 1.0:
                boosts[rec.doc_id] = factor
        return boosts

    @staticmethod
    def _types(question: str) -> list[str]:
        found = [t for t, cue in _TYPE_CUES.items() if cue.search(question)]
        return found if len(found) == 1 else []

    def _years(self, question: str) -> list[int]:
        low = question.lower()
        years = [int(y) for y in re.findall(r"\b(?:in|during|for|of)\s+(20\d\d)\b", low)]
        if "this year" in low:
            years.append(self.today.year)
        if "next year" in low:
            years.append(self.today.year + 1)
        return years

    def resolve(self, question: str, conversation: Conversation | None) -> tuple[str, set[str]]:
        """The retrieval query for a turn, and the documents the conversation is about."""
        last = conversation.last if conversation else None
        info = analyse(question)
        short = len(question.split()) <= 8
        if not last or info.names or not (_FOLLOW_UP.search(question) or short):
            return question, set()
        prev_names = " ".join(analyse(last.question).names)
        docs = {c.doc_id for c in last.answer.citations}
        return f"{question} {prev_names}".strip(), docs

    # -- answering ------------------------------------------------------------------------

    def retrieve(self, query: str, filters: Filters | None, boosts: dict[str, float],
                 k: int = 8, live: list[str] | None = None) -> list[Passage]:
        live = self.retriever.live_ids() if live is None else live
        passages = self.retriever.run(query, filters, k=k, boost_docs=boosts, live=live)
        return self.complete_sentences(passages, live)

    def complete_sentences(self, passages: list[Passage],
                           live: list[str] | None = None) -> list[Passage]:
        """Chunks are cut by length, sometimes mid-sentence ("We cannot pay for the ordinary
        running costs" | "of your organisation, ..."): finish a passage's last sentence
        from the next chunk of its document, and start its first from the previous one."""
        if not passages:
            return passages
        keyword = self.retriever.keyword
        try:
            keyword.ensure(self.retriever.live_ids() if live is None else live)
        except Exception:  # noqa: BLE001 - completing sentences is a nicety, never a failure
            log.exception("could not look up neighbouring chunks")
            return passages
        out: list[Passage] = []
        for p in passages:
            index = int(p.chunk_id.rsplit("-", 1)[-1]) if p.chunk_id[-5:].isdigit() else -1
            text = p.text
            body = text.rstrip()
            if index >= 0 and body and not _SENTENCE_END.search(body):
                following = keyword.chunk(p.doc_id, index + 1)
                if following is not None:
                    nxt = following.text
                    # Only a chunk that starts mid-sentence (in lower case) continues one.
                    if nxt[:1].islower() and (m := _FIRST_SENTENCE.match(nxt)):
                        text = body + " " + m.group(0).strip()
            head = text.lstrip()
            if index > 0 and head[:1].islower():
                preceding = keyword.chunk(p.doc_id, index - 1)
                if preceding is not None and (m := _LAST_SENTENCE_START.search(preceding.text)):
                    text = m.group(1).strip() + " " + head
            out.append(p if text == p.text else replace(p, text=text))
        return out

    def _plan(self, question: str, filters: Filters | None,
              conversation: Conversation | None, k: int = 8) -> _Plan:
        """Everything before the answer is written: query, filters, evidence, and the
        embedded answer (always computed: it is the fallback and cannot invent)."""
        # One look at the library per question: every step below reads this version.
        live = self.retriever.live_ids()
        self._sync(live)
        query, convo_docs = self.resolve(question, conversation)
        boosts = self._boosts(query)
        for d in convo_docs:
            boosts[d] = boosts.get(d, 1.0) * 2.0
        explicit = filters or Filters()
        if explicit.is_empty() and (types := self._types(question)):
            # A year means the deadline's year for calls, the signing year for agreements,
            # the publication year for reports: only meaningful once the type is known.
            inferred = Filters(doc_types=types, years=self._years(question))
        else:
            inferred = explicit
        info = analyse(question)
        sides = compare_sides(question) if info.kind == "compare" else None
        if _SOONEST.search(question) and (soonest := self._soonest(question, inferred, boosts,
                                                                    info, live)):
            return _Plan(query, [], soonest, final=True)
        if sides:
            return _Plan(query, [], self._compare(question, sides[0], sides[1], inferred,
                                                  boosts, info, live), final=True)
        passages = self.retrieve(query, inferred, boosts, k, live)
        if not passages and inferred.years:
            inferred = Filters(doc_types=inferred.doc_types)
            passages = self.retrieve(query, inferred, boosts, k, live)
        if not passages and inferred is not explicit:
            passages = self.retrieve(query, explicit, boosts, k, live)
        if decline := self._decline_early(question, passages, info, convo_docs, live):
            return _Plan(query, passages, decline, final=True)
        facts = self.facts_for(question, passages, convo_docs)
        embedded = self.answerer.run(question, passages, info, facts=facts)
        return _Plan(query, passages, embedded, final=not passages or self.llm is None)

    def _history(self, conversation: Conversation | None) -> list[tuple[str, str]]:
        return [(t.question, t.answer.text) for t in (conversation.turns if conversation
                                                      else [])][-3:]

    def ask(self, question: str, filters: Filters | None = None,
            conversation: Conversation | None = None, k: int = 8) -> Answer:
        *_, answer = self.stream(question, filters, conversation, k)
        assert isinstance(answer, Answer)
        return answer

    def stream(self, question: str, filters: Filters | None = None,
               conversation: Conversation | None = None, k: int = 8) -> Iterator[str | Answer]:
        """Text deltas as they are generated, then the final Answer.

        The final Answer's text replaces what was streamed: the guard may have marked
        unsupported facts, or the model may have been replaced by the embedded answer.
        """
        question = question.strip()
        if not question:
            yield Answer("Ask a question about your documents.", True, [], [])
            return
        plan = self._plan(question, filters, conversation, k)
        answer = plan.embedded
        if plan.final:
            yield from re.findall(r"\S+\s*", answer.text)
        else:
            from assistant.llm import LLMFallback, LLMUnavailable

            try:
                stream = self.llm.stream(question, [fence(p) for p in plan.passages],
                                         self._history(conversation))
                yield from stream
                answer = stream.result()
            except (LLMFallback, LLMUnavailable) as exc:
                log.warning("language model not used: %s", exc)
                answer.warnings.append(str(exc))
        if conversation is not None:
            conversation.turns.append(Turn(question, plan.query, answer))
            # Follow-ups look back a few turns; a long session must not grow without end.
            del conversation.turns[:-MAX_TURNS]
        yield answer

    def unknown_names(self, info: QuestionInfo, live: list[str] | None = None) -> list[str]:
        """Names in the question that no stored document contains at all."""
        self.retriever.keyword.ensure(self.retriever.live_ids() if live is None else live)
        vocab = self.retriever.keyword.vocabulary()
        unknown = []
        for name in info.names:
            words = [w for w in terms(name) if len(w) >= 3]
            if words and any(w not in vocab for w in words):
                unknown.append(name)
        return unknown

    def missing_partner(self, question: str, passages: list[Passage],
                        preferred: set[str] | None) -> str | None:
        """"Our agreement with X": X must be a party to an agreement the answer draws on."""
        m = _AGREEMENT_WITH.search(question)
        if not m or not passages:
            return None
        name = m.group(1)
        words = [w for w in terms(name) if len(w) >= 3]
        for rec in self.records("mou"):
            hay = set(terms(rec.title + " " + " ".join(rec.partners)))
            if words and all(w in hay for w in words):
                return None
        return name

    def facts_for(self, question: str, passages: list[Passage],
                  preferred: set[str] | None = None) -> list[tuple[FactLine, Passage]]:
        """Field statements from the document the question is about (the top passage's)."""
        if not passages:
            return []
        top = next((p for p in passages if preferred and p.doc_id in preferred), passages[0])
        rec = self._record(top.doc_id)
        if rec is None:
            return []
        return [(line, top) for line in fact_lines(rec, question, self.today)]

    def _decline_early(self, question: str, passages: list[Passage], info: QuestionInfo,
                       preferred: set[str], live: list[str]) -> Answer | None:
        """Questions about things the library does not hold at all are declined before any
        answer is composed, by either answerer."""
        retrieved = list(dict.fromkeys(p.source for p in passages))
        if unknown := self.unknown_names(info, live):
            head = f"Your documents do not mention {' or '.join(unknown)}."
            if not passages:
                return Answer(head, True, [], retrieved)
            p = passages[0]
            return Answer(f"{head} The closest they come is {p.title}, page {p.page}.", True,
                          [Citation(1, p.source, p.page, p.text[:300], p.doc_id, p.title)],
                          retrieved)
        if partner := self.missing_partner(question, passages, preferred):
            p = passages[0]
            return Answer(f"Your documents do not contain an agreement with {partner}. The "
                          f"closest they come is {p.title}, page {p.page}.", True,
                          [Citation(1, p.source, p.page, p.text[:300], p.doc_id, p.title)],
                          retrieved)
        return None

    def _soonest(self, question: str, filters: Filters, boosts: dict[str, float],
                 info: QuestionInfo, live: list[str]) -> Answer | None:
        """"Which of our agreements expires first?": every candidate's date, in order."""
        passages = self.retrieve(question, filters, boosts, 16, live)
        words = [w for n in info.names for w in terms(n) if len(w) >= 3]
        dated: list[tuple[str, object, Passage]] = []
        for doc_id in dict.fromkeys(p.doc_id for p in passages):
            rec = self._record(doc_id)
            if rec is None or (words and not all(
                    w in set(terms(rec.title + " " + " ".join(rec.partners))) for w in words)):
                continue
            name = "expiry_date" if rec.doc_type == "mou" else "deadline"
            value = rec.field_value(name)
            if value:
                first = next(p for p in passages if p.doc_id == doc_id)
                dated.append((str(value), rec, first))
        if len(dated) < 2:
            return None
        today = self.today.isoformat()
        upcoming = sorted(d for d in dated if d[0] >= today) or sorted(dated)
        facts: list[tuple[FactLine, Passage]] = []
        for _value, rec, passage in upcoming[:4]:
            name = "expiry_date" if rec.doc_type == "mou" else "deadline"
            facts += [(line, passage) for line in fact_lines(rec, name.replace("_date", ""),
                                                             self.today)[:1]]
        answer = self.answerer.run(question, [f[1] for f in facts], info, facts=facts)
        answer.text = "In date order: " + answer.text
        return answer

    def _compare(self, question: str, side_a: str, side_b: str, filters: Filters,
                 boosts: dict[str, float], info: QuestionInfo, live: list[str]) -> Answer:
        """Answer each side from its own document, each side cited."""
        parts: list[Answer] = []
        used: set[str] = set()
        for side in (side_a, side_b):
            passages = [p for p in self.retrieve(f"{side} {question}", filters, boosts, 12, live)
                        if p.doc_id not in used]
            side_boost = {p.doc_id: 1.0 for p in passages}
            side_terms = set(re.findall(r"[a-z]{4,}", side.lower()))
            for p in passages:
                overlap = len(side_terms & set(re.findall(r"[a-z]{4,}", p.title.lower())))
                side_boost[p.doc_id] = 1.0 + overlap
            best_doc = max(passages, key=lambda p: side_boost[p.doc_id] + p.score,
                           default=None)
            if best_doc is None:
                continue
            doc_passages = [p for p in passages if p.doc_id == best_doc.doc_id]
            part = self.answerer.run(question, doc_passages,
                                     QuestionInfo(question, info.kind, info.terms,
                                                  clauses=info.clauses),
                                     facts=self.facts_for(question, doc_passages))
            used.add(best_doc.doc_id)
            parts.append(part)
        if len(parts) < 2 or any(p.declined for p in parts):
            passages = self.retrieve(question, filters, boosts, live=live)
            return self.answerer.run(question, passages, info)
        text_parts: list[str] = []
        citations: list[Citation] = []
        for part in parts:
            text = part.text
            for c in part.citations:
                n = len(citations) + 1
                text = text.replace(f"[{c.n}]", f"[#{n}]")
                citations.append(Citation(n, c.source, c.page, c.quote, c.doc_id, c.title))
            title = part.citations[0].title if part.citations else ""
            text = text.replace("[#", "[")
            text_parts.append(text if text.startswith(title) else f"{title}: {text}")
        retrieved = list(dict.fromkeys(s for p in parts for s in p.retrieved))
        return Answer("\n".join(text_parts), False, citations, retrieved)
