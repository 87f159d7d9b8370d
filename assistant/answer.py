"""The embedded answerer: extractive, deterministic, and unable to invent.

Three stages over the retrieved passages: select (``assistant.select``: sentences scored by
meaning, words and answer type), decide (answer, or decline from evidence: the best
support is too weak, or what the question pins down, ``assistant.pins``, is in none of the
documents the answer would come from), render (sentences in their documents' order, each
cited with its document and page; a decline names what is missing in the question's own
words and shows the closest passage).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.facts import FactLine
from assistant.pins import (
    EDITION_PINS,
    edition_years,
    flat_text,
    hard_pins,
    names_another_part,
    naming,
    pin_holds,
    writes_otherwise,
)
from assistant.select import (
    WEIGHTS,
    Candidate,
    Selection,
    SentenceScorer,
    Weights,
    carries_on,
    choose,
    leans_on,
    root,
    roots,
)
from assistant.sentences import (
    CODE,
    WORD_EDGE,
    as_figures,
    holds_beyond,
    holds_count,
    is_figure,
    is_figure_line,
)
from assistant.types import Answer, Citation, Passage
from assistant.understand import (
    Question,
    topic,
    understand,
)
from ingest.countries import find_countries
from ingest.language import language_name

DocText = Callable[[str], str]
# What the supporting text itself must hold (not just somewhere in the document): a call id.
# "The first call (FTF-2026-CULT-01) is closed" in another call's guide does not make that
# guide the source of CULT-01's deadline.
SUPPORT_PINS = ("code",)
# The sentences within this share of the best one's score are the answer proper: one of them
# must hold the date or figure a "when" or "how much" asks for. Measured at 0.6 / 0.7 / 0.75
# / 0.8 / 0.9: real dev key facts 0.61 / 0.61 / 0.61 / 0.56 / 0.56 (a sentence with the
# figure often ranks just below one that only names the subject), frozen-a and its declines
# unchanged, but the sample corpus's unanswerable questions declined 0.39 / 0.39 / 0.44 /
# 0.50 / 0.50: one real answer against one sample decline, so 0.8 stays.
CORE = 0.8
# The sentence right after a best one may hold what the question asks when it bears on the
# question itself: its own meaning and words (``Candidate.bearing``, without its passage's
# rank or the date it holds) at this share of the best one's ("... have signed this
# Protocol." | "DONE at Utrecht, on the 16th day of November 2009": 0.28); one that merely
# holds a date does not ("Applications must be submitted through the portal." | "The portal
# was launched on 1 March 2024.": 0.08). Measured at 0.2 on dev, frozen-a to d: the same
# answers as with any next sentence.
NEXT = 0.2
# Questions after one value (a date, a figure, a body, a place): the names they tie it to
# must be named where the answer's best sentences are (``EmbeddedAnswerer.unanchored``).
ANCHORED = ("date", "quantity", "duration", "length", "agent", "place")
# characters of a document that open it: its cover or first page
OPENING = 3000
# Words before and after the noun a "how many" question counts within which its figure
# stands ("at least 50 volunteers", "the cities taking part number 97").
COUNT_BEFORE, COUNT_AFTER = 4, 6
log = logging.getLogger(__name__)
# a programme's name in capitals ("PRINCE", "CAP", "EYV")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{2,}")


def counts(text: str, q: Question, language: str = "") -> bool:
    """Whether a sentence names what a "how many" question counts, or may: a table's row
    ("No renewal clause 101 33.89") has its noun in the header; a sentence in another
    language names it in that language's words (``Question.across``), or, when none was
    found for it, may name it in a word we cannot tell."""
    if is_figure_line(text):
        return True
    asked = root(q.counted.lower())
    if language and q.foreign({language}):
        said = set(q.across.get(language, {}).get(asked, []))
        return not said or bool(said & set(roots(text)))
    # ... with a figure beside it ("97 member cities", "the cities number 97"): "a network
    # of over 6,000 local officials engaged on every city diplomacy issue" counts officials
    words = text.split()
    return any(root(w.strip(WORD_EDGE).lower()) == asked
               and any(is_figure(words[k], words[k + 1] if k + 1 < len(words) else "")
                       for k in range(max(0, j - COUNT_BEFORE),
                                      min(len(words), j + 1 + COUNT_AFTER)))
               for j, w in enumerate(words))


@dataclass
class Decision:
    answer: bool
    closest: Candidate | None = None


class EmbeddedAnswerer:
    """Question + passages -> a short extractive answer with citations, or a decline."""

    def __init__(self, embed: Callable[[list[str]], list[list[float]]] | None = None,
                 idf: Callable[[str], float] | None = None,
                 weights: Weights = WEIGHTS,
                 embed_query: Callable[[list[str]], list[list[float]]] | None = None,
                 english: Callable[[list[str]], list[list[float]]] | None = None) -> None:
        self.scorer = SentenceScorer(embed, idf, weights, embed_query=embed_query,
                                     english=english)

    @property
    def weights(self) -> Weights:
        return self.scorer.weights

    # -- decide -------------------------------------------------------------------------

    @staticmethod
    def pinned_documents(q: Question, passages: list[Passage],
                         doc_text: DocText | None) -> tuple[set[str], str]:
        """The retrieved documents that hold everything the question pins down, and, when
        none does, what the best-ranked one lacks."""
        pins = hard_pins(q)
        docs = list(dict.fromkeys(p.doc_id for p in passages))
        if not pins:
            return set(docs), ""
        texts: dict[str, str] = {}
        languages: dict[str, set[str]] = {}
        for p in passages:
            texts[p.doc_id] = texts.get(p.doc_id, p.title) + "\n" + p.text
            languages.setdefault(p.doc_id, set()).update([p.language] if p.language else [])
        titles = {p.doc_id: p.title for p in passages}
        types = {p.doc_id: p.doc_type for p in passages}
        dated = any(kind in EDITION_PINS for kind, _, _ in pins)
        # editions of two different things ("the 1991 Anholt Agreement and the 1986 Benelux
        # agreement") are each in a document of its own: one of them will do
        named_editions = {value[0].lower(): shown for kind, value, shown in pins
                          if kind == "edition" and value[0]}
        editions = set(named_editions.values()) if len(named_editions) > 1 else set()
        held: set[str] = set()
        asked_codes = {flat_text(c) for c in q.codes}
        ok: set[str] = set()
        first_missing = ""
        for d in docs:
            whole = doc_text(d) if doc_text else ""
            full = flat_text(texts[d] + "\n" + whole)
            foreign = q.foreign(languages[d])
            own_years = (edition_years(titles[d], whole or texts[d])
                         if types[d] == "grant_call" and dated else None)
            # a document titled with another identifier is another call, whatever it says
            # of this one ("the first call, FTF-2026-CULT-01, is closed")
            # (a comparison of two calls asks about both: either of its ids is its own)
            own = {flat_text(c) for c in CODE.findall(titles[d])}
            other_call = bool(own) and not own & asked_codes
            lacking = [shown for kind, value, shown in pins
                       if not pin_holds(kind, value, full, foreign, own_years)
                       or (kind == "code" and other_call)]
            if found := editions - set(lacking):
                held |= found
                lacking = [x for x in lacking if x not in editions]
            if not lacking:
                ok.add(d)
            elif not first_missing:
                first_missing = lacking[0]
        # ... but each of them must be in one: "the 1999 Benelux agreement" is not the 1986 one
        if unheld := sorted(editions - held):
            return set(), unheld[0]
        return ok, first_missing

    @staticmethod
    def named_documents(q: Question, passages: list[Passage], allowed: set[str],
                        doc_text: DocText | None = None) -> set[str]:
        """Of ``allowed``, those that mention a name the question uses (those that mention
        every one, when some do); all of them when none does. When only documents in
        another language than the question name it,
        every document in another language stays (a name may be written otherwise there:
        "CAP" is "PAC" in Italian)."""
        if not q.names:
            return allowed
        texts: dict[str, str] = {}
        raw: dict[str, str] = {}
        languages: dict[str, set[str]] = {}
        for p in passages:
            if p.doc_id in allowed:
                texts[p.doc_id] = texts.get(p.doc_id, flat_text(p.title)) + " " + flat_text(p.text)
                raw[p.doc_id] = raw.get(p.doc_id, p.title) + " " + p.text
                languages.setdefault(p.doc_id, set()).update([p.language] if p.language
                                                             else [])
        names = [naming(n) for n in q.names]
        held = {d: sum(names_it(t) for names_it in names) for d, t in raw.items()}
        if not any(held.values()):
            # none of the passages names it: only a document in another language may (its
            # own way), or one in the question's language that writes it otherwise
            # somewhere: its words apart ("Wrenfield Cultural Bridges" is the "Wrenfield
            # Trust"'s "Cultural Bridges"), or spelled out ("WEF", "World Economic Forum");
            # one that never does is about something else
            return {d for d in allowed if not q.language or not languages.get(d)
                    or q.foreign(languages[d])
                    or writes_otherwise(q.names, texts[d] + " " + (
                        doc_text(d) if doc_text else ""))}
        # "the Preston Model that the Microplomacy paper refers to": a document that names
        # both, when one does, not one that names the paper's subject only
        every = len(names) > 1 and any(n == len(names) for n in held.values())
        named = {d for d, n in held.items() if (n == len(names) if every else n)}
        if any(not q.foreign(languages[d]) for d in named):
            return named  # a document in the question's language names it: those
        # only documents in other languages name it (an Italian FAQ's "cap itolo" for
        # "CAP"): every one in another language may name it its own way ("PAC")
        return named | {d for d in texts if q.foreign(languages[d])}

    @staticmethod
    def unsupported_pin(q: Question, selection: Selection, passages: list[Passage]) -> str:
        """A call id the question names that neither the passages the answer quotes nor
        their documents' titles hold."""
        pins = [p for p in hard_pins(q) if p[0] in SUPPORT_PINS]
        if not pins:
            return ""
        used = {c.passage for c in selection.chosen}
        text = flat_text("\n".join(passages[i].title + "\n" + passages[i].text for i in used))
        return next((shown for kind, value, shown in pins
                     if not pin_holds(kind, value, text)), "")

    @staticmethod
    def unplaced(q: Question, selection: Selection, passages: list[Passage]) -> str:
        """The countries the question restricts the answer to ("grants in Belgium", "signed
        on behalf of Luxembourg") when neither the answer's sentences nor its documents'
        titles name any of them ("Belgium", "Belgian", "Belgio"): the documents then say
        this of something else. Any one will do: a comparison names both sides'."""
        if not q.places:
            return ""
        named: set[str] = set()
        for c in selection.chosen:
            p = passages[c.passage]
            for text in (c.body, p.title):
                named |= {h.alpha_2 for h in find_countries(text, demonyms=True,
                                                            lang=p.language or None)}
        return "" if named & set(q.places) else " or ".join(q.places)

    @staticmethod
    def unanchored(q: Question, selection: Selection, passages: list[Passage],
                   doc_text: DocText | None = None) -> str:
        """A name the question ties the asked value to ("What F1 score did the project
        achieve with BART?") that the passage of none of the answer's best sentences names
        beside the question's other names (its document's title counts): the value there
        is another thing's (the F1 score of another model, on another page of the same
        report). Countries are ``unplaced``'s; a passage in another language than the
        question may write a name its own way, and so may the language version the question
        asks about ("the Italian notice for PRINCE 2010 - UE27"); the parts of a several-part
        question may each name their own."""
        if q.wants not in ANCHORED or len(q.parts) > 1 or q.version or not selection.chosen:
            return ""
        # (a part's label, "Lot" of "Lot 2", is the part pins' to judge: a deadline for
        # the whole call answers "the deadline for Lot 2")
        labels = {label.lower() for label, _ in q.parts_named}
        names = [n for n in q.names if not find_countries(n, demonyms=True)
                 and n.lower() not in labels]
        if not names:
            return ""
        top = selection.ranked[0].score if selection.ranked else selection.support
        used = {c.passage for c in selection.chosen if c.score >= CORE * top}
        if not used or any(q.foreign({passages[i].language}) for i in used if passages[i].language):
            return ""

        def named(name: str, text: str) -> bool:
            # (or a capitalised word of it: "Tesseract" of "Tesseract OCR", "Mistral" of
            # "Mistral-based")
            words = [name] + [w for w in re.split(r"[\s-]+", name) if w[:1].isupper()
                              and (len(w) >= 4 or any(ch.isdigit() for ch in w))]
            return any(naming(w)(text) for w in words) or writes_otherwise([name], text)

        # a name its document opens with (its cover, its title) says which document, not
        # which of its things: "the 2024 Warsaw report", "the SCI toolkit"
        openings: dict[str, str] = {}

        def opening(i: int) -> str:
            doc = passages[i].doc_id
            if doc not in openings:
                openings[doc] = doc_text(doc)[:OPENING] if doc_text else ""
            return passages[i].title + "\n" + openings[doc]

        # ... and one it never names is for the choice of documents to judge (the name may
        # be another version's: "UE27" in the Italian notice, "EU27" in the guidelines)
        in_document: dict[tuple[str, str], bool] = {}

        def elsewhere(name: str, i: int) -> bool:
            if named(name, opening(i) + "\n" + passages[i].text):
                return False
            doc = passages[i].doc_id
            if (name, doc) not in in_document:
                in_document[name, doc] = doc_text is None or named(name, doc_text(doc))
            return in_document[name, doc]

        missing = [[n for n in names if elsewhere(n, i)] for i in used]
        return "" if any(not m for m in missing) else min(missing, key=len)[0]

    def decide(self, q: Question, selection: Selection, stated: str = "",
               languages: dict[int, str] | None = None) -> Decision:
        """``stated``: what the documents' extracted fields say besides the sentences (a
        term's end computed from its start and length); ``languages``: each passage's."""
        if not selection.chosen:
            return Decision(False)
        languages = languages or {}
        if selection.support < self.weights.support:
            return Decision(False, closest=(selection.ranked or selection.chosen)[0])
        # "When ...?", "How many ...?": sentences without a date or a figure do not answer
        # it, however close their words (the parsers decide, not a word list)
        # (the sentences that answer are the best ones: those shown beside them for
        # context do not make an answer of a sentence without a date)
        # (measured against the best sentence's own score, the preamble's weight included)
        top = selection.ranked[0].score if selection.ranked else selection.support
        best = [c for c in selection.chosen if c.score >= CORE * top]
        # ... with the sentence right after one, which carries it on ("... as set out
        # below:" | "It is due by 31 January 2027") or bears on the question itself
        # (``NEXT``), and the one before that it leans on ("This rate may be raised to
        # ..."). (Measured with the sentence after that bears on it: two answerable
        # questions of frozen-c and d answered, no unanswerable one of dev, frozen-a, c, d
        # or the sample corpus.)
        by_pos = {(c.passage, c.index): c for c in selection.chosen}
        core = list(best)
        for c in best:
            nxt, prev = by_pos.get((c.passage, c.index + 1)), by_pos.get((c.passage, c.index - 1))
            if nxt and (carries_on(c.text, nxt.text) or nxt.bearing >= NEXT * c.bearing > 0):
                core.append(nxt)
            if prev and leans_on(prev.text, c.text):
                core.append(prev)
        def said(c: Candidate) -> str:
            return as_figures(c.body, q.wants, languages.get(c.passage, ""))

        # ("how often" is not among them: "as required", "regularly" answer it in words)
        # (a figure of what the question measures: "what percentage" wants a share, "how
        # much is the fee" a sum; "two communities" answers neither)
        kind = q.measure or q.wants
        if (len(q.parts) <= 1 and q.wants in ("date", "quantity", "duration", "length", "contact")
                and not any(holds_beyond(said(c), kind, q.text, languages.get(c.passage, ""))
                            for c in core)
                and not (stated and holds_beyond(stated, kind, q.text))):
            return Decision(False, closest=selection.chosen[0])
        # ... and "how many grants?" a figure of grants ("12 grants", "dodici sovvenzioni"):
        # "signed in two originals" counts something else
        if q.counted and q.wants == "quantity" and len(q.parts) <= 1 and not any(
                counts(c.body, q, languages.get(c.passage, ""))
                and holds_count(c.body, q.text, languages.get(c.passage, "")) for c in core):
            return Decision(False, closest=selection.chosen[0])
        return Decision(True)

    # -- the stages together ------------------------------------------------------------

    def run(self, question: str | Question, passages: list[Passage],
            doc_text: DocText | None = None,
            facts: list[tuple[FactLine, Passage]] | None = None,
            related: list[tuple[FactLine, Passage]] | None = None) -> Answer:
        """``facts``: statements from the extracted fields of the document the question is
        about (a status, an ordering), each with a passage that carries its source and page;
        said before the sentences. ``related``: those of the next best-ranked documents,
        said for the document the answer's best sentence comes from when ``facts`` are not
        (they never decide whether the documents answer)."""
        q = question if isinstance(question, Question) else understand(question)
        retrieved = list(dict.fromkeys(p.source for p in passages))
        if not passages:
            return Answer(f"Your documents do not give {topic(q.text)}: no passage in your "
                          "library matches the question.", True, [], retrieved)
        # A question that names a programme or place is answered from documents that name
        # it (all of them, when none does: the name may be written in another language);
        # of those, from the ones that hold what the question pins down.
        named = self.named_documents(q, passages, {p.doc_id for p in passages}, doc_text)
        named_passages = [p for p in passages if p.doc_id in named]
        allowed, missing = self.pinned_documents(q, named_passages, doc_text)
        if not allowed and any(kind in EDITION_PINS for kind, _, _ in hard_pins(q)):
            # the documents that name it are another edition: a document of their kind in
            # another language may be this one, its name written otherwise there ("CAP" is
            # "PAC" in Italian), wherever the search ranks it ("Italy" named a call for
            # which Italy is eligible, not the "2012 CAP" call; the English guide of another
            # call may rank first): `pinned_documents` judges its edition
            # (when those documents print the programme the question names, its edition's
            # or an acronym anywhere in it, "PRINCE 2012", "the 2012 call of the PRINCE
            # programme", is not any 2012 call: one that prints PRINCE too; an acronym
            # stays one in another language, a name in words need not)
            kinds = {p.doc_type for p in named_passages}
            asked = [a for a, _ in q.editions if a] + [n for n in q.names if _ACRONYM.fullmatch(n)]
            programmes = [names_it for names_it in map(naming, dict.fromkeys(asked))
                          if any(names_it(f"{p.title} {p.text}") for p in named_passages)]
            elsewhere = [p for p in passages if p.doc_type in kinds and p.language
                         and q.foreign({p.language}) and all(
                             names_it(f"{p.title}\n{doc_text(p.doc_id) if doc_text else p.text}")
                             for names_it in programmes)]
            allowed = self.pinned_documents(q, elsewhere, doc_text)[0] if elsewhere else set()
        cands = SentenceScorer.candidates(passages, q.wants)
        if not allowed:
            self.scorer.score(q, q.text, cands, passages)
            closest = max(cands, key=lambda c: c.score, default=None)
            return self.decline(q, passages, closest, missing)
        pool = [c for c in cands if c.doc_id in allowed]
        # a sentence of another part than the one asked about ("LOT 1 Selection and award
        # criteria" for Lot 2) answers for that part, when a sentence of any other will do
        pool = [c for c in pool if not names_another_part(c.body, q.parts_named)] or pool
        selection = choose(self.scorer, q, pool, passages)
        # the version the question asks about ("when was it published in Italian?") says
        # its facts, and they may answer, though none of its sentences is chosen
        asked = {p.doc_id for _, p in facts or [] if q.in_version(p.language)}
        chosen_docs = {c.doc_id for c in selection.chosen} | asked
        stated = " ".join(f.text for f, p in facts or [] if p.doc_id in chosen_docs)
        facts = self.facts_of_answer(selection, facts or [], related or [], asked)
        decision = self.decide(q, selection, stated,
                               {i: p.language for i, p in enumerate(passages)})
        if decision.answer and (lacking := self.unsupported_pin(q, selection, passages)):
            decision = Decision(False, selection.chosen[0])
            log.debug("declined: %r not in the supporting text", lacking)
        if decision.answer and (loose := self.unanchored(q, selection, passages, doc_text)):
            decision = Decision(False, selection.chosen[0])
            log.debug("declined: no answer passage names %r", loose)
        if decision.answer and (elsewhere := self.unplaced(q, selection, passages)):
            decision = Decision(False, selection.chosen[0])
            log.debug("declined: no answer sentence is about %s", elsewhere)
        if not decision.answer:
            answer = self.decline(q, passages, decision.closest)
        else:
            answer = render(selection.chosen, passages, retrieved, facts=facts)
            answer.best = [sentence_citation(c, passages)
                           for c in sorted(selection.chosen, key=lambda c: -c.score)]
        answer.support = selection.support if selection.chosen else None
        return answer

    @staticmethod
    def facts_of_answer(selection: Selection, facts: list[tuple[FactLine, Passage]],
                        related: list[tuple[FactLine, Passage]],
                        asked: set[str] | None = None
                        ) -> list[tuple[FactLine, Passage]]:
        """The field statements an answer says: those of the question's document when the
        answer draws on it (they may have decided that the documents answer) or when it is
        the version the question asks about (``asked``: "when was it published in
        Italian?"), else those of the document its best sentence comes from ("Who wrote
        the Microplomacy article?" when another document ranks first)."""
        used = {c.doc_id for c in selection.chosen} | (asked or set())
        own = [(f, p) for f, p in facts if p.doc_id in used]
        if own or not selection.chosen:
            return own
        best = max(selection.chosen, key=lambda c: c.score).doc_id
        return [(f, p) for f, p in related if p.doc_id == best]

    def decline(self, q: Question, passages: list[Passage], closest: Candidate | None,
                missing: str = "") -> Answer:
        retrieved = list(dict.fromkeys(p.source for p in passages))
        head = (f"Your documents do not mention {missing}." if missing
                else f"Your documents do not give {topic(q.text)}.")
        if closest is None:
            return Answer(head, True, [], retrieved)
        p = passages[closest.passage]
        page = f", page {p.page}" if p.page else ""
        prefix = f"{head} The closest they come is {p.title}{page}: "
        return render([closest], passages, retrieved, declined=True, prefix=prefix)


def sentence_citation(c: Candidate, passages: list[Passage]) -> Citation:
    """One chosen sentence (with its list items) as a citation of its own."""
    p = passages[c.passage]
    return Citation(0, p.source, p.page_of(c.text), quoted(c), p.doc_id, p.title, p.scanned)


def quoted(c: Candidate) -> str:
    """A sentence as a citation quotes it: with the items of the list it introduces."""
    return c.text + (" " + "; ".join(c.items) if c.items else "")


def merge_answers(parts: list[Answer]) -> Answer:
    """Answers set side by side, each under its document's title, citations renumbered."""
    texts: list[str] = []
    citations: list[Citation] = []
    for part in parts:
        text = part.text
        for c in part.citations:
            n = len(citations) + 1
            text = text.replace(f"[{c.n}]", f"[#{n}]")
            citations.append(Citation(n, c.source, c.page, c.quote, c.doc_id, c.title,
                                      c.scanned))
        title = part.citations[0].title if part.citations else ""
        text = text.replace("[#", "[")
        texts.append(text if not title or text.startswith(title) else f"{title}: {text}")
    retrieved = list(dict.fromkeys(s for p in parts for s in p.retrieved))
    support = min((p.support for p in parts if p.support is not None), default=None)
    return Answer("\n".join(texts), False, citations, retrieved, support=support)


def render(chosen: list[Candidate], passages: list[Passage], retrieved: list[str],
           declined: bool = False, prefix: str = "",
           facts: list[tuple[FactLine, Passage]] | None = None) -> Answer:
    """Sentences in their documents' order, each followed by the number of the citation
    (document and page) it comes from; a document's title before its first sentence when
    the answer draws on several."""
    citations: list[Citation] = []
    numbers: dict[tuple[str, int | None], int] = {}
    parts: list[str] = []
    last_doc = None
    for fact, p in facts or []:
        key = (p.doc_id, fact.page)
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            citations.append(Citation(numbers[key], p.source, fact.page, fact.evidence,
                                      p.doc_id, p.title, scanned=fact.scanned))
        title = f"{p.title}: " if p.doc_id != last_doc else ""
        last_doc = p.doc_id
        parts.append(f"{title}{fact.text}. [{numbers[key]}]")
    several = len({c.doc_id for c in chosen} | {p.doc_id for _, p in facts or []}) > 1
    doc_rank = {d: i for i, d in enumerate(dict.fromkeys(passages[c.passage].doc_id
                                                         for c in chosen))}
    order = sorted(chosen, key=lambda c: (doc_rank[c.doc_id], passages[c.passage].page or 0,
                                          c.passage, c.index))
    # a sentence the field statements already say ("Call identifier: X.") is not said twice
    said = {(p.doc_id, _flat(fact.text)) for fact, p in facts or []}
    headed: set[str] = set()
    for c in order:
        p = passages[c.passage]
        if (p.doc_id, _flat(c.text)) in said and not c.items:
            continue
        page = p.page_of(c.text)
        key = (p.doc_id, page)
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            citations.append(Citation(numbers[key], p.source, page, "", p.doc_id, p.title,
                                      scanned=p.scanned))
        n = numbers[key]
        quote = quoted(c)
        cit = citations[n - 1]
        cit.quote = (cit.quote + " … " + quote).strip(" …") if cit.quote else quote
        sentence = c.text.rstrip()
        if c.context and c.context not in headed:
            headed.add(c.context)  # (rows of one table come together: name its columns once)
            sentence = f"{c.context} | {sentence}"
        if c.items:
            sentence = sentence.rstrip(":") + ": " + "; ".join(c.items) + "."
        title = f"{p.title}: " if several and p.doc_id != last_doc else ""
        last_doc = p.doc_id
        parts.append(f"{title}{sentence} [{n}]")
    if not declined:
        for lang, other in other_versions(order, passages)[:1]:
            key = (other.doc_id, other.page)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(Citation(numbers[key], other.source, other.page,
                                          other.text[:300], other.doc_id, other.title,
                                          scanned=other.scanned))
            page = f", page {other.page}," if other.page else ""
            parts.append(f"The {lang} text{page} says the same. [{numbers[key]}]")
    return Answer(prefix + " ".join(parts), declined, citations, retrieved)


_FIGURES = re.compile(r"\d+(?:[.,/ ]\d+)*")


def _flat(text: str) -> str:
    return " ".join(re.sub(r"[^\w/-]+", " ", text).lower().split())


def other_versions(chosen: list[Candidate], passages: list[Passage]
                   ) -> list[tuple[str, Passage]]:
    """Passages of a bilingual document, in another language than the sentence an answer
    quotes, that carry the same figures (dates, amounts, article numbers are written alike
    in every language): the other version of the same provision, named for the officer."""
    found: list[tuple[str, Passage]] = []
    for c in chosen:
        p = passages[c.passage]
        figures = {f for f in _FIGURES.findall(c.text) if len(f) >= 2}
        if not p.language or not figures:
            continue
        for other in passages:
            if (other.doc_id == p.doc_id and other.language and other.language != p.language
                    and figures <= set(_FIGURES.findall(other.text))):
                found.append((language_name(other.language), other))
                break
    return found
