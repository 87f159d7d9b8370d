"""Select answer sentences by meaning and answer type, not by word lists.

Every sentence of the retrieved passages is scored on three general signals:
- meaning: cosine of the question and the sentence in the embedder the store already uses;
- words: the share of the question's words the sentence has, each weighted by how rare it
  is in the library (IDF), endings aside; words of the document's title count half (they
  say which document, not what answer); prompts/answer_synonyms.md is an editable aid;
- answer type: whether the sentence holds what the question asks for (a date for "when",
  an amount or number for "how much", an organisation or person for "who", a place for
  "where": the project's date and amount parsers and spaCy's entities).
The weights and the support threshold live in `Weights`, fitted on real documents
(`python -m evals.real --fit`), never on the sample corpus alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from assistant.prompts import PROMPTS_DIR
from assistant.retrieve import WORD, terms, terms_in
from assistant.sentences import (
    ENTITY_KINDS,
    FIGURE_KINDS,
    LONGEST_SENTENCE,
    PARSED_KINDS,
    as_figures,
    holds,
    is_figure_line,
    is_heading_like,
    is_leader_line,
    is_reference_entry,
    row_headers,
    split_sentences,
    type_score,
)
from assistant.types import Passage
from assistant.understand import Question, answer_kind
from assistant.vectors import VectorCache
from ingest.injection import is_instruction

SYNONYMS_FILE = PROMPTS_DIR / "answer_synonyms.md"
# A sentence's first 400 characters (~90 word-pieces) carry its meaning for ranking; the
# embedder's cost grows with length, and legal sentences run to 1,000 characters.
EMBED_CHARS = 400
# A word of the question said in another language (assistant.bridge) counts this much of
# the word itself: a neighbour in the embedder's space is not always a translation.
ACROSS = 0.8
# A part of a several-part question whose best sentence is already in the answer adds its
# next best when within this share of it (measured 0.7 / 0.8 / 0.9 on dev, frozen-a to f and
# the sample corpus: frozen-c key facts 0.65 -> 0.69 at 0.7 and 0.8, nothing at 0.9; no
# other set changed)
PART_OWN = 0.8
# the share of a passage's sentences that are entries of a bibliography (two at least)
# that makes the passage one: the titles between the entries are the works it cites
BIBLIOGRAPHY = 0.3


# Cosine, in each multilingual embedder's space, above which two sentences of one document
# in two languages say the same: in USE translations measured 0.74-0.91 on the bilingual
# treaties, other sentences of the same text 0.34-0.40. Not measured for e5, whose cosines
# all sit in 0.75-0.92: there, and in English-only MiniLM, both versions are kept.
TRANSLATION = {"use": 0.65}


@dataclass(frozen=True)
class Weights:
    """How the signals add up, and the bars for answering. Fitted on the real dev set and
    half of the frozen set (`evals/real.py --fit`); the other half checks them."""

    dense: float = 1.0
    lexical: float = 1.0
    # 0.15 / 0.3 / 0.5 / 0.8 measured on dev + frozen-a (declining on): key facts
    # 0.56/0.43, 0.56/0.50, 0.61/0.50, 0.61/0.50, frozen-a declines 0.33, 0.33, 0.25, 0.17
    typed: float = 0.3
    rank: float = 0.05
    support: float = 0.3  # best sentence below this: decline (fitted: see README)
    keep: float = 0.7  # further sentences within this share of the best one's score
    max_sentences: int = 7
    passage: float = 0.3  # weight of the passage's retrieval rank when picking what to embed
    # sentences the embedder weighs per question (or part); 8 / 12 / 16 / 24 measured on
    # dev + frozen-a: key facts 0.56/0.50, 0.56/0.50, 0.56/0.48, 0.56/0.45
    embed_top: int = 8
    embed_foreign: int = 24  # and at most these of passages in another language
    other_doc: float = 0.25  # a question is about one document: others' sentences weigh less
    # a sentence that asks ("...?", a FAQ's question) answers nothing; 0, 0.25 and 0.5 score
    # alike on dev + frozen-a, where the answer it brings along does the work
    asking: float = 0.25
    translation: float | None = TRANSLATION["use"]  # the default embedder's (see above)
    # a sentence of an agreement's preamble (before its first article) recites why the
    # parties agree, not what: it weighs this much less than the articles' sentences
    preamble: float = 0.3
    # a sentence in the language version the question asks about ("the Dutch text")
    version: float = 0.3
    # a sentence that restates its document's title ("Bij de ondertekening van de
    # Overeenkomst tussen het Koninkrijk der Nederlanden, ...") names it, answers nothing
    # (0.3 / 0.45 / 0.6 / 1.0 on dev + frozen-a: key facts 42 / 43 / 43 / 43 of 60,
    # declines unchanged); rank-only, like the preamble's
    restates: float = 0.6


WEIGHTS = Weights()
# The version a question asks about is looked for among this many best passages: further
# down, a document in that language is more likely another document than its version.
VERSION_TOP = 6


def main_passage(question: Question, passages: list[Passage],
                 among: set[int] | None = None) -> int:
    """The passage (of ``among``, by default all) whose document a question is mostly
    about: the best-ranked, or the best-ranked in the version it asks about ("the Italian
    notice"). `Assistant.within_first` searches that document again; `choose` weighs
    other documents' sentences less."""
    ranks = sorted(among) if among is not None else range(len(passages))
    return next((i for i in ranks if i < VERSION_TOP
                 and question.in_version(passages[i].language)), min(ranks))


@dataclass
class Candidate:
    text: str
    items: list[str]
    passage: int  # index into the passages
    index: int  # position of the sentence in its passage
    doc_id: str
    score: float = 0.0
    # what of ``score`` only ranks (the preamble's and the version's weights): the support
    # a decline is judged on is the score without it
    ranking: float = 0.0
    # what of ``score`` is the sentence's own bearing on the question (its meaning and its
    # words), without what it shares with its neighbours (its passage's rank) or the kind of
    # thing it holds
    bearing: float = 0.0
    # a table's row: what heads its table (caption, column names), which says what its
    # figures are ("Section Minimum threshold Maximum Score" over "TOTAL 65 100")
    context: str = ""

    @property
    def body(self) -> str:
        return self.text + (" " + " ".join(self.items) if self.items else "")


def root(word: str) -> str:
    """Endings aside: "financing" = "financed" = "finance", "agreements" = "agreement"."""
    w = word.lower()
    for suffix in ("ing", "ed", "ly", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    return w[:6] if len(w) > 6 else w


def roots(text: str) -> list[str]:
    return [root(w) for w in WORD.findall(text.lower())]


@cache
def load_synonyms(path: str = str(SYNONYMS_FILE)) -> tuple[tuple[tuple[str, ...],
                                                               tuple[str, ...]], ...]:
    """``question phrases => document phrases``: each side as roots of words."""
    groups = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return ()
    for line in lines:
        if line.startswith("- ") and "=>" in line:
            left, right = line[2:].split("=>", 1)
            asked = tuple(" ".join(roots(x)) for x in left.split(",") if roots(x))
            said = tuple(" ".join(roots(x)) for x in right.split(",") if roots(x))
            groups.append((asked, said))
    return tuple(groups)


# A preamble is one sentence of many recitals ("Noting ...; Recognising ...; Desiring ...;"):
# too long to quote whole, each recital says one thing.
_RECITAL_END = re.compile(r"(?<=;)\s*\n\s*(?=[A-Z])|(?<=;)\s+(?=[A-Z][a-z]+ing\b)")
# A line this short says what something is called, not what a document is about: a summary
# is no "Microsoft Research Technical Report." of a bibliography the question's words find.
SUMMARY_WORDS = 6


def _recitals(sentences: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for sent, items in sentences:
        if len(sent) > LONGEST_SENTENCE and not items:
            out.extend((part.strip(), []) for part in _RECITAL_END.split(sent) if part.strip())
        else:
            out.append((sent, items))
    return out


class SentenceScorer:
    """Sentences of passages -> candidates with their signals and a combined score."""

    def __init__(self, embed: Callable[[list[str]], list[list[float]]] | None,
                 idf: Callable[[str], float] | None = None,
                 weights: Weights = WEIGHTS, cache_size: int = 20000,
                 embed_query: Callable[[list[str]], list[list[float]]] | None = None,
                 english: Callable[[list[str]], list[list[float]]] | None = None) -> None:
        self._embed = embed
        # asymmetric embedders (e5) embed questions unlike passages
        self._embed_query = embed_query or embed
        # A multilingual store still weighs English sentences for an English question with
        # the English model: it tells close English sentences apart better (measured in
        # the README), and one model's cosines are compared within a question.
        self._english = english
        self.idf = idf or (lambda _t: 1.0)
        self.weights = weights
        self._cache = VectorCache(cache_size)

    def vectors(self, texts: list[str], query: bool = False,
                english: bool = False) -> np.ndarray:
        """Unit vectors (cached across questions): of the store's model, or of the English
        model when ``english``."""
        if english and self._english is not None:
            embed, kind = self._english, "e"
        else:
            embed, kind = (self._embed_query if query else self._embed), ("q" if query else "p")
        if embed is None:
            return np.zeros((len(texts), 1), dtype=np.float32)
        return self._cache.get(texts, embed, kind)

    @staticmethod
    def candidates(passages: list[Passage], wants: str = "fact") -> list[Candidate]:
        """Sentences that can answer: no headings (but a signature block's name line is
        kept when the question asks who), no text addressed to an AI assistant, nothing of a
        bibliography (``BIBLIOGRAPHY``)."""
        out: list[Candidate] = []
        for i, p in enumerate(passages):
            sentences = _recitals(split_sentences(p.text, p.title))
            heads = row_headers(p.text)
            entries = [is_reference_entry(s) for s, _ in sentences]
            if sum(entries) >= 2 and sum(entries) >= BIBLIOGRAPHY * len(sentences):
                continue
            for j, (sent, items) in enumerate(sentences):
                heading = not items and is_heading_like(sent) and not (
                    wants == "agent" and holds(sent, "agent"))
                if (len(sent) > LONGEST_SENTENCE or (sent == p.section and not items) or heading
                        or is_leader_line(sent) or entries[j] or is_instruction(sent)
                        or (wants == "summary" and len(sent.split()) < SUMMARY_WORDS)):
                    continue
                out.append(Candidate(sent, items, i, j, p.doc_id,
                                     context="" if items else heads.get(sent, "")))
        return out

    def lexical(self, question: str, body: str, title: str,
                naming: frozenset[str] = frozenset()) -> float:
        """IDF-weighted share of the question's words the sentence has (endings aside).
        ``naming``: words of the names, years and codes the question uses; they say which
        document (checked there as pins), not what answer, so they weigh little here."""
        return self.lexical_for(question, naming)(body, title, "")

    def lexical_for(self, question: str, naming: frozenset[str] = frozenset(),
                    across: dict[str, dict[str, list[str]]] | None = None,
                    ) -> Callable[[str, str, str], float]:
        """``lexical`` with the question's side worked out once, for many sentences.
        ``across``: the question's words in other languages (``Question.across``): a
        sentence in one of them has a word when it has one of its nearest words there."""
        across = across or {}
        q_words = list(dict.fromkeys(terms(question)))
        q_text = " ".join(roots(question))
        # prompts/answer_synonyms.md: a question word said the documents' way is covered
        alts: dict[str, list[str]] = {}
        for asked, said in load_synonyms():
            for phrase in asked:
                if re.search(rf"\b{re.escape(phrase)}\b", q_text):
                    for r in phrase.split():
                        alts.setdefault(r, []).extend(said)
        weighted = [(root(w), self.idf(w) * (0.2 if w in naming else 1.0)) for w in q_words]
        total = sum(weight for _, weight in weighted)

        def share(body: str, title: str, language: str) -> float:
            if not total:
                return 0.0
            s_roots = set(roots(body))
            t_roots = set(roots(title))
            s_text = " ".join(roots(body))
            bridged = across.get(language, {})
            hit = 0.0
            for r, weight in weighted:
                if r in s_roots:
                    hit += weight
                elif any(x in s_roots for x in bridged.get(r, ())):
                    hit += ACROSS * weight
                elif r in t_roots:
                    hit += 0.5 * weight
                elif any(re.search(rf"\b{re.escape(x)}\b", s_text) for x in alts.get(r, ())):
                    hit += 0.7 * weight
            return hit / total

        return share

    def score(self, question: Question, text: str, cands: list[Candidate],
              passages: list[Passage]) -> list[float]:
        """Scores of ``cands`` against ``text`` (the question or one of its parts).

        A cascade: words, answer type and the passage's retrieval rank for every sentence
        (cheap), then the embedder for the best ``weights.embed_top`` of them (about 10 ms
        a sentence on 2 cores); the rest keep their cheap score, which is never higher."""
        if not cands:
            return []
        w = self.weights
        wants = answer_kind(text) if text != question.text else question.wants
        naming = frozenset(terms(" ".join([*question.names, *question.years,
                                           *question.codes])))
        typed_kind = wants in PARSED_KINDS + ENTITY_KINDS
        # dates and amounts are found by regular parsers (cheap); entities need spaCy, so
        # only the sentences the embedder weighs are asked about them
        cheap_type = wants in PARSED_KINDS
        cheap: list[tuple[float, float, float]] = []
        lexical = self.lexical_for(text, naming, question.across)
        for c in cands:
            p = passages[c.passage]
            # (a row's column names say what it holds, as a title says what a text is about)
            lex = lexical(c.body, f"{p.title} {c.context}" if c.context else p.title,
                          p.language)
            typed = (float(bool(c.items)) if wants == "list" else type_score(
                as_figures(c.body, wants, p.language), wants, p.language)) if cheap_type else 0.0
            cheap.append((lex, w.rank / (1 + c.passage), typed))
        # which sentences the embedder weighs: words, type, and the rank of their passage
        # (retrieval already weighed each passage by meaning)
        order = sorted(range(len(cands)), key=lambda i: -(w.lexical * cheap[i][0]
                                                         + w.typed * cheap[i][2]
                                                         + w.passage / (1 + cands[i].passage)))
        # a part of a several-part question adds a few sentences of its own to weigh
        top = order[: w.embed_top if text == question.text else max(4, w.embed_top // 3)]
        # Words rank a sentence in another language than the question's only through the
        # question's words said in that language (assistant.bridge), which miss many: the
        # embedder weighs more of them (in the store's multilingual model), in cheap order.
        foreign = [i for i in order if (lang := passages[cands[i].passage].language)
                   and question.foreign({lang})]
        if foreign:
            top = list(dict.fromkeys([*top, *foreign[:w.embed_foreign]]))
        # what a document is about is said where it starts, in words a summary question
        # rarely uses ("Give me the gist of the report"): those sentences are weighed too,
        # on their meaning alone (ranked above the rest by 0.3, they also answered "what
        # does the toolkit say about ending a partnership?" with its introduction: one key
        # fact lost on frozen-b, one answer declined on frozen-c)
        if wants == "summary":
            top = list(dict.fromkeys(
                [*top, *[i for i in order if passages[cands[i].passage].lead][:w.embed_top]]))
        # The question as asked, and without the names that say which document: a long
        # name otherwise outweighs the words that ask for the answer.
        views = list(dict.fromkeys([text, strip_names(text, question.names)]))
        # a list is introduced by a sentence that matches the question, or holds the item
        # that does ("the Land Noordrijn-Westfalen: Gemeinden, Kreise, ..."): the better of
        # the two
        texts = [(f"{c.body} | {c.context}" if c.context else c.body)[:EMBED_CHARS]
                 for c in (cands[i] for i in top)]
        intros = [(k, cands[i].text[:EMBED_CHARS]) for k, i in enumerate(top)
                  if cands[i].items and len(cands[i].text.split()) >= 4]
        # the English model when the question and the passages it weighs are English
        langs = [passages[cands[i].passage].language for i in top]
        english = question.language in ("en", "") and all(x in ("en", "") for x in langs)
        qv = self.vectors(views, query=True, english=english)
        pv = self.vectors(texts + [t for _, t in intros], english=english)
        sims = (pv @ qv.T).max(axis=1)
        best = sims[:len(top)].copy()
        for n, (k, _) in enumerate(intros):
            best[k] = max(best[k], sims[len(top) + n])
        dense = dict(zip(top, best, strict=True))
        floor = min(dense.values(), default=0.0)
        scores = []
        for i, c in enumerate(cands):
            lex, prior, typed_cheap = cheap[i]
            # "who must sign it?" about the Sister Cities International toolkit: the names
            # the question itself uses are no answer to "who" or "where"
            typed = typed_cheap or float(typed_kind and not cheap_type and i in dense
                                         and holds(unnamed(c.body, question.names), wants))
            d = float(dense.get(i, floor))
            s = w.dense * d + w.lexical * lex + w.typed * typed + prior
            # a preamble's recital below an article; "what does the Dutch text say ...?"
            # the Dutch sentence above its translation
            ranking = (-w.preamble if passages[c.passage].preamble else 0.0) + (
                w.version if question.in_version(passages[c.passage].language) else 0.0) - (
                w.restates if wants != "agent" and restates(c.body, passages[c.passage])
                else 0.0)  # ("who are the parties?": the sentence that names them is it)
            s += ranking
            if c.text.rstrip().endswith("?"):
                s -= w.asking  # it echoes the question; the answer follows it
            if i not in dense:
                s -= 1.0  # never embedded: below every sentence that was
            scores.append(s)
            if text == question.text:
                c.score, c.ranking = s, ranking
                c.bearing = w.dense * d + w.lexical * lex if i in dense else 0.0
        return scores


@cache
def _title_terms(title: str, language: str) -> frozenset[str]:
    return frozenset(terms_in(title, language))


def restates(text: str, passage: Passage) -> bool:
    """Whether a sentence holds most of its document's (long) title: it names the
    document, whatever else it says."""
    title = _title_terms(passage.title, passage.language)
    if len(title) < 5:
        return False
    return len(title & set(terms_in(text, passage.language))) >= 0.6 * len(title)


# Words that point back at what the sentence before named ("this rate", "tale importo",
# "deze bijdrage", "dicho pago", "ce montant", "dieser Betrag"), in the languages officers
# meet: one list for both tests below.
_POINTING = (r"this|these|such(?!\s+as\b)|tale|tali|questo|questa|questi|queste|"
             r"suddett[oaie]|dit|deze|dergelijke|este|esta|estos|estas|dicho|dicha|dichos|"
             r"dichas|ce|cette|ces|ledit|ladite|lesdits|dieser|diese|dieses|solche")

# A sentence that leans on the one before it ("This rate may be increased to ..."):
# words of the languages officers meet, not of any one document.
_CONTINUES = re.compile(rf"^(?:{_POINTING}|that|those|it|its|they|however|in addition|"
                        r"the (?:remaining|rest|same|latter|former|balance)|"
                        r"moreover|furthermore|also|otherwise|in this case|in that case|"
                        r"inoltre|tuttavia|die|bovendien|además|toutefois)\b", re.I)


# ... or that names its subject by pointing back at it, a few words in ("The amount of this
# payment may not exceed 30 %", "L'importo di tale versamento ..."); "costs such as travel"
# and "applicants to this call" (the document itself) point back at nothing.
_POINTS_BACK = re.compile(
    rf"^(?:\S+\s+){{1,3}}(?:{_POINTING})\s+(?!(?:call|programme|program|guide|guidelines|"
    r"document|agreement|convention|protocol|memorandum|invito|bando|accordo|convenzione|"
    r"overeenkomst|verdrag|convenio|acuerdo|Abkommen|Vereinbarung)\b)", re.I)


def continues(sentence: str) -> bool:
    head = sentence.strip()
    return bool(_CONTINUES.match(head) or _POINTS_BACK.match(head))


def leans_on(first: str, second: str) -> bool:
    """Whether ``second`` cannot be read without ``first``: ``first`` introduces it with a
    colon, or ``second`` points back at it ("This rate ...")."""
    return first.endswith(":") or continues(second)


def carries_on(first: str, second: str) -> bool:
    """Whether ``second`` goes on from ``first``: as ``leans_on``, or a sentence cut
    mid-way."""
    return leans_on(first, second) or second[:1].islower()


def unnamed(text: str, names: list[str]) -> str:
    """``text`` without the given names (and their possessives)."""
    for n in sorted(names, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(n)}(?:'s|’s)?(?!\w)", " ", text)
    return text


def strip_names(text: str, names: list[str]) -> str:
    """``unnamed``, tidied, unless too little of the text is left to ask anything."""
    out = re.sub(r"\s+", " ", unnamed(text, names)).strip()
    return out if len(out.split()) >= 3 else text


@dataclass
class Selection:
    """The sentences an answer is made of, best first, and the best score (support: the
    best sentence's, without the preamble's weight, which only ranks)."""

    chosen: list[Candidate] = field(default_factory=list)
    support: float = 0.0
    ranked: list[Candidate] = field(default_factory=list)


def choose(scorer: SentenceScorer, question: Question, cands: list[Candidate],
           passages: list[Passage]) -> Selection:
    """The best sentence, the best one for each part of a several-part question, the best
    of each side of a comparison, and the next ones close to the best; a sentence's
    neighbour when the answer spans two."""
    w = scorer.weights
    scorer.score(question, question.text, cands, passages)
    if cands and not question.compare:
        focus = passages[main_passage(question, passages, {c.passage for c in cands})].doc_id
        for c in cands:
            if c.doc_id != focus:
                c.score -= w.other_doc
    ranked = sorted(cands, key=lambda c: -c.score)
    if not ranked:
        return Selection()
    best = ranked[0]
    chosen: list[Candidate] = [best]

    def add(c: Candidate) -> None:
        if all(c.text != x.text for x in chosen) and len(chosen) < w.max_sentences + 8:
            chosen.append(c)

    if len(question.parts) > 1:
        for part in question.parts:
            part_scores = scorer.score(question, part, cands, passages)
            order = sorted(range(len(cands)), key=lambda i: -part_scores[i])
            top = order[0]
            if cands[top] in chosen and len(order) > 1 and part_scores[top] > 0 and \
                    part_scores[order[1]] >= PART_OWN * part_scores[top]:
                # the part's best is already said, for the whole question or another part
                # ("... and who must sign it?" | "the two communities must sign formal
                # documents"): its next best, when about as good, answers the part itself
                # ("Documents must be signed by the top elected official")
                add(cands[order[1]])
            add(cands[top])
    if question.compare:
        by_doc: dict[str, Candidate] = {}
        for c in ranked:
            by_doc.setdefault(c.doc_id, c)
        for c in list(by_doc.values())[:3]:
            if c.score >= 0.8 * best.score:
                add(c)
    for c in ranked[1:]:
        if len(chosen) >= w.max_sentences or c.score < w.keep * best.score:
            break
        add(c)
    by_pos = {(c.passage, c.index): c for c in cands}
    following = next_passages(passages)
    for c in list(chosen):
        nxt = by_pos.get((c.passage, c.index + 1))
        prev = by_pos.get((c.passage, c.index - 1))
        wants = question.wants
        needs_type = wants in FIGURE_KINDS and not holds(c.body, wants)
        if asks(c.text):
            # a FAQ's question: its answer is what follows, up to the next question
            for x in answer_after(c, by_pos, following, passages):
                add(x)
        elif nxt and (carries_on(c.text, nxt.text) or (needs_type and holds(nxt.body, wants))):
            add(nxt)
        # (a sentence the one before introduces with a colon is shown without it: that line
        # is mostly a heading, "Non eligible costs:"; the answer's core counts it, see decide)
        elif prev and (continues(c.text) or (needs_type and holds(prev.body, wants))):
            add(prev)  # "The remaining 20% must ..." leans on the sentence before it
        if is_figure_line(c.text):
            # a row of a table: the rows around it are the rest of the answer
            for step in (-1, 1):
                j = c.index + step
                while (row := by_pos.get((c.passage, j))) is not None and is_figure_line(row.text) \
                        and abs(j - c.index) <= 6:
                    add(row)
                    j += step
    # The preamble's and the version's weights say which sentence answers, not whether the
    # documents do: "Who are the parties?" is answered by the preamble alone, and naming
    # "the Italian text" does not make an unrelated Italian sentence an answer.
    # (the best score without them, whichever sentence they put first)
    return Selection(translations_dropped(scorer, question, chosen, passages),
                     max(c.score - c.ranking for c in ranked), ranked)


# sentences of a FAQ's answer shown after its question: the answer is rarely longer
FAQ_ANSWER = 4


def next_passages(passages: list[Passage]) -> dict[int, int]:
    """Passage -> the passage holding the next chunk of its document, when retrieved."""
    at = {(p.doc_id, p.chunk_id.rsplit("-", 1)[-1]): i for i, p in enumerate(passages)}
    out: dict[int, int] = {}
    for i, p in enumerate(passages):
        number = p.chunk_id.rsplit("-", 1)[-1]
        j = at.get((p.doc_id, f"{int(number) + 1:0{len(number)}d}")) if number.isdigit() else None
        if j is not None:
            out[i] = j
    return out


def asks(text: str) -> bool:
    """Whether a sentence is a question (a FAQ's), closing quotes aside."""
    return text.rstrip("\"'»”’) ").endswith("?")


def answer_after(question: Candidate, by_pos: dict[tuple[int, int], Candidate],
                 following: dict[int, int], passages: list[Passage]) -> list[Candidate]:
    """The sentences after a question in a FAQ, up to the next question (at most
    ``FAQ_ANSWER``): into the next chunk of its section when the question's passage ends and
    that chunk was retrieved; a line that is no sentence (a heading) ends it."""
    out: list[Candidate] = []
    last = {p: i for p, i in sorted(by_pos)}
    passage, index = question.passage, question.index
    while len(out) < FAQ_ANSWER:
        nxt = by_pos.get((passage, index + 1))
        if nxt is None and index == last.get(passage) and passage in following:
            after = following[passage]
            if passages[after].section != passages[passage].section:
                break
            # the next chunk repeats this one's last lines: go on after what was said
            said = {x.text for x in (question, *out)}
            seen = [i for (p, i), c in by_pos.items() if p == after and c.text in said]
            passage, index = after, max(seen, default=-1)
            nxt = by_pos.get((passage, index + 1))
        if nxt is None or asks(nxt.text):
            break
        out.append(nxt)
        passage, index = nxt.passage, nxt.index
    return out


def translations_dropped(scorer: SentenceScorer, question: Question, chosen: list[Candidate],
                         passages: list[Passage]) -> list[Candidate]:
    """A bilingual text says each thing twice: of a sentence and its translation, the one
    in the question's language is quoted."""
    # "what does the Dutch text say?": the Dutch one is quoted, when there is one
    version = question.version if any(
        question.in_version(passages[c.passage].language) for c in chosen) else ""

    def foreign(c: Candidate) -> bool:
        lang = passages[c.passage].language
        if version:
            return bool(lang) and lang != version
        return bool(lang) and question.foreign({lang})

    own = [c for c in chosen if not foreign(c)]
    other = [c for c in chosen if foreign(c) and any(o.doc_id == c.doc_id for o in own)]
    least = scorer.weights.translation
    if not own or not other or least is None:
        return chosen
    vectors = scorer.vectors([c.body[:EMBED_CHARS] for c in own + other])
    sims = vectors[len(own):] @ vectors[: len(own)].T
    dropped = {id(c) for c, row in zip(other, sims, strict=True)
               if any(s >= least and o.doc_id == c.doc_id
                      for s, o in zip(row, own, strict=True))}
    return [c for c in chosen if id(c) not in dropped]

