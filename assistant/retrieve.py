"""Hybrid retrieval: dense search in Chroma fused with BM25 keyword search.

Chroma's own full-text/sparse search is cloud-only in chromadb 1.5 ("Search is not
implemented for Local Chroma"), so the keyword half is `bm25s` over the same chunks. Its
index is derived from the store, never kept on the side: every query checks the library's
version (the set of committed documents, one cheap call) and rebuilds when another
ingest or removal, from this instance or any other on the same server, changed it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np

from assistant.types import LEAD_CHUNKS, Passage
from ingest.chunk import chunk_body
from ingest.embedders import Embedder
from ingest.language import detect, stopwords
from ingest.registry import DocumentRegistry
from ingest.store import Store

log = logging.getLogger(__name__)

RRF_K = 60
# a passage in another language than the question's, which keywords cannot find, counts
# its meaning's rank this many times (1.5 / 2 / 3 measured on dev + frozen-a: key facts
# 38 / 41 / 35 of 60, unanswerable declined 9 / 9 / 10 of 15)
DENSE_ALONE = 2.0
STOPWORDS = frozenset(
    "a an the and or of to in on for with by at from as is are was were be been it its this "
    "that these those what which who whom when where how why do does did our we us you your "
    "they their there any all can could would should will shall may might has have had not "
    "no yes about into than then so if but also each per".split()
)
_BODY = re.compile(r"^(?!\s*#)\s*\S", re.M)  # a line that is not a Markdown heading
WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")  # a word, with inner hyphens or apostrophes
# a word, also inside a compound ("Anholt" of "Isselburg-Anholt"): a name when capitalised
_CAPITALISED = re.compile(r"(?<!\w)[^\W\d_][^\W_]+")


def stem(word: str) -> str:
    """A deliberately light stemmer: plural and common suffixes only, so that 'exchanges'
    finds 'exchange' without merging words an officer would keep apart."""
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", "")):
        if len(word) > 4 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def terms(text: str) -> list[str]:
    return [stem(w) for w in WORD.findall(text.lower()) if w not in STOPWORDS]


def terms_and_parts(text: str) -> set[str]:
    """``terms`` with the parts of compounds besides ("Isselburg-Anholt" and the file name
    "mou_anholt-agreement" also name "Anholt")."""
    return set(terms(text)) | set(terms(text.replace("-", " ")))


# Snowball stemmers (and bm25s's stop words) for the other languages officers meet;
# English keeps the light stemmer above, which every other stage's word matching uses.
_SNOWBALL = {"it": "italian", "nl": "dutch_porter", "de": "german", "fr": "french",
             "es": "spanish", "pt": "portuguese", "sv": "swedish", "da": "danish"}
_STEMMERS: dict[str, tuple[Any, frozenset[str]]] = {}
_STEMMER_LOCK = threading.Lock()


def _stemmer(language: str) -> tuple[Any, frozenset[str]] | None:
    if language not in _SNOWBALL:
        return None
    with _STEMMER_LOCK:
        if language not in _STEMMERS:
            import Stemmer

            _STEMMERS[language] = (Stemmer.Stemmer(_SNOWBALL[language]), stopwords(language))
        return _STEMMERS[language]


def terms_in(text: str, language: str) -> list[str]:
    """Keyword terms of a text in its own language: Italian and Dutch passages are not
    stemmed and filtered as if they were English."""
    found = _stemmer(language)
    if found is None:
        return terms(text)
    stemmer, stop = found
    words = [w for w in WORD.findall(text.lower()) if w not in stop]
    return stemmer.stemWords(words)


class LiveIds(list[str]):
    """The committed document ids, with the registry's revision when they were read: what
    every cache of the library (keyword index, records) is keyed on."""

    def __init__(self, ids: list[str], revision: str = "") -> None:
        super().__init__(ids)
        self.revision = revision


@dataclass
class Filters:
    """Metadata filters; every set field must match (lists: any of the values)."""

    doc_types: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.doc_types or self.partners or self.countries or self.years
                    or self.doc_ids)

    def where(self, live: list[str], restrict_to_live: bool = True) -> dict[str, Any] | None:
        """The Chroma filter. Listing every live document id costs ~0.5 s per query at
        5,000 documents, so callers may leave it out and drop uncommitted chunks afterwards."""
        clauses: list[dict[str, Any]] = []
        if self.doc_ids:
            wanted = set(self.doc_ids)
            clauses.append({"doc_id": {"$in": [d for d in live if d in wanted]}})
        elif restrict_to_live:
            clauses.append({"doc_id": {"$in": list(live)}})
        if self.doc_types:
            clauses.append({"doc_type": {"$in": self.doc_types}})
        if self.years:
            clauses.append({"year": {"$in": self.years}})
        for key, values in (("partners", self.partners), ("countries", self.countries)):
            if values:
                ors = [{key: {"$contains": v}} for v in values]
                clauses.append(ors[0] if len(ors) == 1 else {"$or": ors})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def matches(self, meta: dict[str, Any]) -> bool:
        if self.doc_ids and meta.get("doc_id") not in self.doc_ids:
            return False
        if self.doc_types and meta.get("doc_type") not in self.doc_types:
            return False
        if self.years and meta.get("year") not in self.years:
            return False
        if self.partners and not set(self.partners) & set(meta.get("partners") or []):
            return False
        return not (self.countries
                    and not set(self.countries) & set(meta.get("countries") or []))


# A name of two to six capitalised words, "of", "for", "and", "the" between them allowed.
_CAPITALISED_NAME = re.compile(
    r"\b[A-Z][a-z]+(?:\s+(?:(?:of|for|and|the|on)\s+)*[A-Z][a-z]+){1,5}\b")


def initialisms(text: str) -> set[str]:
    """The initials of the capitalised names in ``text``, lower-cased, three letters or more:
    "World Economic Forum" -> "wef" (a question may use the short form of a name its
    documents spell out). Names run together ("the World Economic Forum and the Council of
    Europe"), so every stretch of their words counts."""
    out: set[str] = set()
    for m in _CAPITALISED_NAME.finditer(text):
        letters = "".join(w[0] for w in m.group(0).split() if w[0].isupper()).lower()
        out.update(letters[i:j] for i in range(len(letters))
                   for j in range(i + 3, len(letters) + 1))
    return out


# Whole documents `KeywordIndex.document_text` keeps joined: more than a question's stages
# read (its retrieved documents, the calls that may be the edition it asks about)
DOCUMENT_TEXTS = 64


class KeywordIndex:
    """BM25 over the live chunks of the store, rebuilt whenever the library changes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._version: str | None = None
        self._bm25: bm25s.BM25 | None = None
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.metas: list[dict[str, Any]] = []
        self._vocab: set[str] = set()
        self._rows: dict[tuple[str, int], int] = {}
        self._df: dict[str, int] = {}
        self._by_doc: dict[str, list[int]] = {}
        self._languages: set[str] = set()  # non-English languages with their own stemming
        self._words: dict[str, list[str]] = {}  # language -> its chunks' words (unstemmed)
        self._named: dict[str, set[str]] = {}  # a capitalised word, lower-cased -> doc ids
        # (the texts it was made from, row -> that text lower-cased, spacing collapsed)
        self._flat: tuple[list[str], dict[int, str]] = ([], {})
        # one snapshot for whole documents, published in one assignment so that a reader
        # never pairs one build's texts with another's rows: (texts, doc id -> rows, doc id
        # -> its whole text joined, the last read last)
        self._docs: tuple[list[str], dict[str, list[int]], OrderedDict[str, str]] = (
            [], {}, OrderedDict())
        self._joined_lock = threading.Lock()

    @staticmethod
    def version_of(live: list[str]) -> str:
        revision = getattr(live, "revision", "")
        return hashlib.sha1("\n".join([*sorted(live), revision]).encode()).hexdigest()

    def ensure(self, live: list[str]) -> None:
        version = self.version_of(live)
        if version == self._version:
            return
        with self._lock:
            if version == self._version:
                return
            ids, texts, metas = [], [], []
            offset, page = 0, 2000
            live_set = set(live)
            while True:
                got = self.store.chunks.get(include=["documents", "metadatas"], limit=page,
                                            offset=offset)
                for cid, text, meta in zip(got["ids"], got["documents"] or [],
                                           got["metadatas"] or [], strict=True):
                    if meta and meta.get("doc_id") in live_set:
                        ids.append(cid)
                        texts.append(text or "")
                        metas.append(dict(meta))
                if len(got["ids"]) < page:
                    break
                offset += page
            bm25 = None
            df: Counter[str] = Counter()
            raw: set[str] = set()
            raw_by: dict[str, set[str]] = {}
            if texts:
                tokens = [terms_in(t, str(m.get("language", ""))) or ["_"]
                          for t, m in zip(texts, metas, strict=True)]
                for toks in tokens:
                    df.update(set(toks))
                bm25 = bm25s.BM25()
                bm25.index(tokens, show_progress=False)
                # unstemmed words too: "Firenze" is in the library though Italian stemming
                # stored "firenz"
                for t, m in zip(texts, metas, strict=True):
                    if (lang := str(m.get("language"))) in _SNOWBALL:
                        raw_by.setdefault(lang, set()).update(WORD.findall(t.lower()))
                for found in raw_by.values():
                    raw |= found
            words = {lang: sorted(found - _stemmer(lang)[1])  # type: ignore[index]
                     for lang, found in raw_by.items()}
            languages = {str(m.get("language")) for m in metas
                         if m.get("language") in _SNOWBALL}
            vocab = (set(bm25.vocab_dict) if bm25 is not None else set()) | raw
            # "FTF" is in the library when "FTF-2026-CLIMA-02" is
            vocab |= {part for word in vocab if "-" in word for part in word.split("-")}
            # "WEF" is when "World Economic Forum" is: the initials of a capitalised name
            vocab |= {initials for t in texts for initials in initialisms(t)}
            named: dict[str, set[str]] = {}
            for t, m in zip(texts, metas, strict=True):
                for word in set(_CAPITALISED.findall(t)):
                    if word[0].isupper():
                        named.setdefault(word.lower(), set()).add(str(m.get("doc_id")))
            rows = {(str(m.get("doc_id")), int(m.get("chunk_index", -1))): i
                    for i, m in enumerate(metas)}
            by_doc: dict[str, list[int]] = {}
            for (d, _index), row in sorted(rows.items()):
                by_doc.setdefault(d, []).append(row)
            # One assignment: handler threads read these while another one rebuilds.
            (self.ids, self.texts, self.metas, self._bm25, self._vocab, self._rows,
             self._df, self._by_doc, self._languages, self._words, self._named,
             self._flat) = (ids, texts, metas, bm25, vocab, rows, dict(df), by_doc, languages,
                            words, named, (texts, {}))
            self._docs = (texts, by_doc, OrderedDict())
            self._version = version
            log.info("keyword index rebuilt: %d chunks", len(ids))

    def vocabulary(self) -> set[str]:
        return self._vocab

    def words(self, language: str) -> list[str]:
        """The words (unstemmed, stop words aside) of the live chunks in ``language``, for
        the languages with their own stemming; English has none here."""
        return self._words.get(language, [])

    def naming(self, word: str) -> set[str]:
        """The documents whose live chunks print ``word`` capitalised, as a name ("Anholt",
        "Zagórski"), as of the last `ensure`."""
        return self._named.get(word.lower(), set())

    def idf(self, term: str) -> float:
        """BM25's IDF of a term over the live chunks (a word no chunk has: the rarest)."""
        n, df = len(self.ids), self._df.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def languages_of(self, word: str) -> set[str]:
        """The languages of the live chunks that hold ``word``, as of the last `ensure`."""
        rx = re.compile(rf"\b{re.escape(word)}\b", re.I)
        return {str(m.get("language")) for t, m in zip(self.texts, self.metas, strict=False)
                if m.get("language") and rx.search(t)}

    def document_text(self, doc_id: str) -> str:
        """Every live chunk of one document, in order, as of the last `ensure`. The last
        ``DOCUMENT_TEXTS`` read are kept joined: a question's stages read the same few
        documents again and again (their pins, names, edition), and a long guide is
        hundreds of chunks."""
        texts, by_doc, joined = self._docs
        with self._joined_lock:
            if (hit := joined.get(doc_id)) is not None:
                joined.move_to_end(doc_id)
                return hit
        text = "\n".join(texts[r] for r in by_doc.get(doc_id, []))
        with self._joined_lock:
            joined[doc_id] = text
            if len(joined) > DOCUMENT_TEXTS:
                joined.popitem(last=False)
        return text

    def chunk(self, doc_id: str, index: int) -> Passage | None:
        """A live chunk by its document and position, as of the last `ensure`."""
        rows, ids, texts, metas = self._rows, self.ids, self.texts, self.metas
        row = rows.get((doc_id, index))
        if row is None or row >= len(metas) or metas[row].get("doc_id") != doc_id:
            return None  # caught between two rebuilds: better no neighbour than a wrong one
        return to_passage(ids[row], texts[row], metas[row], 0.0)

    def holding(self, doc_id: str, snippet: str) -> Passage | None:
        """The live chunk of a document whose text holds ``snippet`` (spacing and case
        aside), as of the last `ensure`: where a field's evidence sentence was read."""
        want = re.sub(r"\s+", " ", snippet).strip().lower()
        if not want:
            return None
        # the cache belongs to one rebuild's texts: a reader that caught the rows of one
        # rebuild and the texts of the next neither uses nor fills it
        ids, texts, metas, rows = self.ids, self.texts, self.metas, self._by_doc.get(doc_id, [])
        owner, flat = self._flat
        for row in rows:
            if row >= len(texts) or metas[row].get("doc_id") != doc_id:
                return None  # caught between two rebuilds: better none than a wrong one
            text = flat.get(row) if owner is texts else None
            if text is None:
                text = re.sub(r"\s+", " ", texts[row]).lower()
                if owner is texts:
                    flat[row] = text  # flattened once per rebuild, on first use
            if want in text:
                return to_passage(ids[row], texts[row], metas[row], 0.0)
        return None

    def search(self, query: str, k: int,
               allowed: Callable[[dict[str, Any]], bool] | None = None,
               language: str | None = None) -> list[tuple[int, float]]:
        """Rows of the best chunks for ``query`` and their scores. ``language``: the query
        is in that language's words (a bridged question)."""
        return self._search(self._bm25, self.metas, query, k, allowed, language)

    def search_passages(self, query: str, k: int,
                        allowed: Callable[[dict[str, Any]], bool] | None = None,
                        language: str | None = None) -> list[Passage]:
        """``search``'s hits as passages, read from the same rows they were scored on
        (another ingest may rebuild the index meanwhile)."""
        bm25, ids, texts, metas = self._bm25, self.ids, self.texts, self.metas
        return [to_passage(ids[i], texts[i], metas[i], score)
                for i, score in self._search(bm25, metas, query, k, allowed, language)]

    def _search(self, bm25: bm25s.BM25 | None, metas: list[dict[str, Any]], query: str,
                k: int, allowed: Callable[[dict[str, Any]], bool] | None,
                language: str | None) -> list[tuple[int, float]]:
        # the query's words as each language's passages were indexed; English stop words
        # never, in any language's terms: an Italian or Dutch passage indexes its English
        # title header's "the" and "to" (not stop words there), so an English question
        # would rank the other-language half of a bilingual text above its English half
        if language:
            q = terms_in(query, language)
        else:
            content = " ".join(w for w in WORD.findall(query.lower()) if w not in STOPWORDS)
            q = terms(query) + [t for lang in sorted(self._languages)
                                for t in terms_in(content, lang)]
        q = list(dict.fromkeys(q))
        if bm25 is None or not q:
            return []
        scores = bm25.get_scores(q)
        if len(scores) != len(metas):
            return []  # caught between two rebuilds: no hits rather than wrong ones
        order = np.argsort(-scores)
        out: list[tuple[int, float]] = []
        for i in order:
            if scores[i] <= 0 or len(out) >= k:
                break
            if allowed is None or allowed(metas[i]):
                out.append((int(i), float(scores[i])))
        return out


def to_passage(chunk_id: str, text: str, meta: dict[str, Any], score: float) -> Passage:
    return Passage(
        chunk_id=chunk_id,
        doc_id=str(meta.get("doc_id", "")),
        source=str(meta.get("source", "")),
        title=str(meta.get("title", "")),
        doc_type=str(meta.get("doc_type", "")),
        page=meta.get("page"),
        section=str(meta.get("section", "")),
        text=chunk_body(text, int(meta.get("header_chars", 0))).strip(),
        score=score,
        language=str(meta.get("language", "")),
        scanned=bool(meta.get("ocr", False)),
        preamble=bool(meta.get("preamble", False)),
        lead=int(meta.get("chunk_index", LEAD_CHUNKS)) < LEAD_CHUNKS,
    )


class HybridRetriever:
    """Dense + BM25, fused by reciprocal rank; near-duplicates collapsed."""

    def __init__(self, store: Store, registry: DocumentRegistry, embedder: Embedder,
                 mode: str = "hybrid") -> None:
        self.store = store
        self.registry = registry
        self.embedder = embedder
        self.keyword = KeywordIndex(store)
        self.mode = mode  # "hybrid" | "dense" | "bm25": the evals compare all three

    def _dense(self, query: str, filters: Filters, live: list[str],
               pool: int) -> list[tuple[str, str, dict[str, Any]]]:
        """Nearest chunks of committed documents. Uncommitted leftovers (a crashed ingest)
        are rare, so query without listing every live id and drop them here; only when
        that leaves too few, ask again with the full filter."""
        vector = self.embedder.embed_query([query])
        live_set = set(live)

        def ask(where: dict[str, Any] | None) -> tuple[list[tuple[str, str, dict[str, Any]]], int]:
            res = self.store.chunks.query(query_embeddings=vector, n_results=pool, where=where,
                                          include=["documents", "metadatas"])
            rows = list(zip(res["ids"][0], res["documents"][0], res["metadatas"][0],
                            strict=True))
            kept = [(cid, text or "", dict(meta or {})) for cid, text, meta in rows
                    if (meta or {}).get("doc_id") in live_set]
            return kept, len(rows) - len(kept)

        hits, dropped = ask(filters.where(live, restrict_to_live=False))
        if dropped:
            hits, _ = ask(filters.where(live))
        return hits

    def live_ids(self) -> LiveIds:
        return LiveIds(sorted(self.registry.ids()), self.registry.revision())

    def run(self, query: str, filters: Filters | None = None, k: int = 8,
            boost_docs: dict[str, float] | None = None,
            live: list[str] | None = None, language: str | None = None) -> list[Passage]:
        """``live``: the committed document ids, when the caller already looked them up;
        ``language``: the question's (ISO 639-1), "" when unknown; None: told from the
        query itself (a caller with no question: the register's search, a letter's
        request)."""
        if language is None:
            language = detect(query, by_grammar=True)
        filters = filters or Filters()
        live = self.live_ids() if live is None else live
        if not live:
            return []
        pool = max(k * 3, 24)
        ranked: dict[str, float] = {}
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        if self.mode in ("hybrid", "dense"):
            for rank, (cid, text, meta) in enumerate(self._dense(query, filters, live, pool)):
                ranked[cid] = ranked.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
                found[cid] = (text, meta)
        if self.mode in ("hybrid", "bm25"):
            self.keyword.ensure(live)
            # the embedder's best k (ranked holds them in rank order); one the keywords
            # find anywhere in their pool has both lists' say (counting only their best k
            # lost frozen-a a fact and an answer: f029, f067)
            dense_only = set(list(ranked)[:k])
            for rank, (i, _score) in enumerate(self.keyword.search(query, pool,
                                                                   filters.matches)):
                cid = self.keyword.ids[i]
                ranked[cid] = ranked.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
                found.setdefault(cid, (self.keyword.texts[i], self.keyword.metas[i]))
                dense_only.discard(cid)
            if self.mode == "hybrid" and dense_only and language:
                # Keywords cannot see a passage in another language than the question's
                # (an English question, an Italian FAQ): when the embedder ranks it among
                # the best, its meaning's rank stands for both lists, or fusion sinks the
                # passage the embedder ranked second to 56th
                # (not a heading alone: its vector is its title's, near any question on it)
                for cid in dense_only:
                    text, meta = found[cid]
                    lang = str(meta.get("language") or "")
                    if lang and lang != language and _BODY.search(
                            chunk_body(text, int(meta.get("header_chars", 0)))):
                        ranked[cid] *= DENSE_ALONE
        if boost_docs:
            for cid, (_t, meta) in found.items():
                ranked[cid] *= boost_docs.get(str(meta.get("doc_id")), 1.0)
        passages: list[Passage] = []
        seen: list[set[str]] = []
        for cid in sorted(ranked, key=lambda c: -ranked[c]):
            text, meta = found[cid]
            p = to_passage(cid, text, meta, ranked[cid])
            words = set(terms(p.text))
            # The same clause in two versions of a document, or an overlap region, adds
            # nothing the first copy does not already cite.
            if any(len(words & s) / max(1, len(words | s)) > 0.85 for s in seen):
                continue
            seen.append(words)
            passages.append(p)
            if len(passages) >= k:
                break
        return passages
