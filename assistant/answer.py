"""The embedded answerer: extractive, deterministic, and unable to invent.

It answers only with sentences (or list items) copied from retrieved passages, each
followed by its citation, and declines in one sentence when the evidence is weak or does
not match what the question pins down (a year, a version, a partner, a clause).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from assistant.facts import FactLine
from assistant.prompts import PROMPTS_DIR
from assistant.retrieve import WORD, stem, terms
from assistant.types import Answer, Citation, Passage
from ingest.chunk import is_heading
from ingest.extract import COUNTRY_RE
from ingest.injection import is_instruction

MONTHS = ("january february march april may june july august september october november "
          "december").split()
_DATE = re.compile(
    r"\b(\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + "|".join(MONTHS) + r")\s*,?\s+\d{4}"
    r"|(?:" + "|".join(MONTHS) + r")\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2}|(?:" + "|".join(MONTHS) + r")\s+\d{4})\b",
    re.IGNORECASE,
)
_DURATION = re.compile(r"\b(?:\w+\s+\(\d+\)|\d+|one|two|three|four|five|six|seven|eight|nine|"
                       r"ten|twelve)\s+(?:years?|months?|weeks?)\b", re.IGNORECASE)
_AMOUNT = re.compile(r"(?:EUR|USD|GBP|CHF|SEK|PLN|CAD|JPY|KES|MXN|€|\$|£)\s?\d[\d,. ]*"
                     r"(?:\s?(?:million|m|k))?|\d[\d,. ]*\s?(?:euros?|dollars?|pounds?)|"
                     r"\d+(?:\.\d+)?\s?(?:%|per ?cent)", re.IGNORECASE)
_PERSON_CUE = re.compile(r"\b(?:Mayor|President|Governor|Chair|Director|Minister|signed|"
                         r"Councillor|Dr\.?|Mr\.?|Ms\.?|Mrs\.?)\b")
# A year that names an edition ("the 2027 round", "the 2025 Smart Sister Cities Challenge")
# pins the question to that edition; a year elsewhere ("in 2027") does not.
_EDITION_YEAR = re.compile(
    r"\b(19[5-9]\d|20\d\d)\s+(?:[a-z]+\s+){0,2}(?:round|call|edition|cycle|programme|"
    r"program)\b|\b(19[5-9]\d|20\d\d)\s+[A-Z][a-z]+|"
    r"\b(?:round|call|edition|cycle)\s+(?:of\s+|for\s+)?(19[5-9]\d|20\d\d)\b")
_CALL_ID = re.compile(r"\b[A-Z]{2,}(?:-[A-Z0-9]+){2,}\b")
_EDITION_WORD = re.compile(r"\b(round|call|edition|cycle|challenge|programme|program)\b", re.I)
_VERSION = re.compile(r"\b(version|edition|phase|strand|lot|priority|axis|measure|annex)"
                      r"\s+([0-9]+|[A-Z])\b", re.IGNORECASE)
_NAME = re.compile(r"\b([A-ZÀ-Þ][a-zà-ÿ]+(?![A-Za-z])(?:[ -](?:de|do|da|del|la|le|von|van|"
                   r"[A-ZÀ-Þ][a-zà-ÿ]+(?![A-Za-z])))*)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\(?[a-z0-9]{1,2}[.)])\s+")
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")

GENERIC_TERMS = {stem(w) for w in (
    "agreement", "agreements", "document", "documents", "say", "says", "tell", "town",
    "city", "municipality", "partner", "partners", "call", "calls", "programme", "program",
    "project", "projects", "cooperation", "report", "mou", "memorandum", "understanding",
    "please", "know", "need", "want", "give", "much", "many", "long", "latest", "current",
)}
NOT_NAMES = {
    "what", "when", "which", "who", "whom", "where", "how", "why", "is", "are", "does", "do",
    "did", "can", "could", "would", "should", "will", "the", "our", "and", "or", "in", "for",
    "a", "an", "of", "to", "on", "with", "compare", "list", "tell", "give", "summarise",
    "summarize", "eur", "usd", "gbp", "i", "we", "if", "there", "any", "has", "have", "by",
    "mou", "mous", "loi", "article", "section", "call", "calls", "agreement", "round", "version",
    "sister", "city", "cities", "town", "towns", "municipality", "region", "fund", "programme",
    *MONTHS,
}

# A question about a clause must be answered by a sentence that has that clause's words.
CLAUSES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "termination": (("terminat", "withdraw", "pull out", "end the agreement", "cancel"),
                    ("terminat", "withdraw", "notice", "denounc")),
    "renewal": (("renew", "extend", "extension"), ("renew", "extend", "extension", "prolong")),
    "expiry": (("expire", "expiry", "run out", "valid until", "how long", "duration",
                "end date", "in force until", "last"),
               ("expire", "expiry", "year", "duration", "period", "in force", "valid", "until")),
    "signatories": (("sign", "signatory", "signatories"),
                    ("signed", "signature", "mayor", "for the ", "president", "governor")),
    "languages": (("language",), ("language", "english", "authentic")),
    "deadline": (("deadline", "close", "closing", "submit by", "due"),
                 ("deadline", "submit", "closes", "submitted", "by ", "until")),
    "cofinancing": (("co-financ", "cofinanc", "co-fund", "match fund", "rate"),
                    ("co-financ", "cofinanc", "%", "per cent", "percent", "cover")),
    "budget": (("budget",), ("budget", "total", "eur", "usd", "gbp", "€", "$", "£")),
    "eligibility": (("eligib", "who can apply", "apply", "applicant"),
                    ("eligib", "may apply", "open to", "applicant", "can apply")),
}


# "Can a university take part ...?", "Is that allowed?": a yes/no question about a rule is
# answered by the rule, whatever else it mentions (money, dates).
_RULE_QUESTION = re.compile(
    r"(?:^|[.!?]\s+)(?:can|could|may|is|are|does|do|would)\b.*\b(?:allowed|permitted|eligible|"
    r"apply|lead|take part|participate|join|qualify|be (?:a |an |the )?(?:lead|partner))\b")
_RULE_TOPIC = re.compile(r"\b(?:eligib\w*|allowed|permitted|requirements?|required|minimum|"
                         r"partnership|consortium|who can|lead applicant|conditions?)\b",
                         re.IGNORECASE)
_RULE_CUE = re.compile(r"\b(?:must|may|shall|cannot|can apply|only|eligible|open to|any|not|"
                       r"without|at least|no more than|required)\b", re.IGNORECASE)

# What a question asks for, first match wins.
_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("compare", re.compile(r"\b(compared?|comparison|difference|differ|versus|vs\.?)\b")),
    ("eligibility", _RULE_QUESTION),
    ("summary", re.compile(r"\b(say|says|said|summar\w*|find|found|overview|describe|argue\w*)\b")),
    ("date", re.compile(r"\b(when|deadline|date|expire|expiry|until|how long|duration|"
                        r"open(?:s|ing)? date|run out)\b")),
    ("amount", re.compile(r"\b(how much|how many|amount|budget|money|funding|grant size|"
                          r"co-?financ|rate|percent|per cent|maximum|minimum|lump sum)\b")),
    ("who", re.compile(r"\b(who|signed|signator|funder|"
                       r"which (?:body|organisation|organization))\b")),
    ("list", re.compile(r"\b(which|what) (?:areas|fields|countries|themes|priorities|applicants)\b"
                        r"|\blist\b|\beligible (?:countries|applicants)\b")),
]


def root(word: str) -> str:
    """Coarser than ``stem``, for the answerer's matching only (retrieval keeps ``stem``):
    "receive" = "receiving" = "received", "legally" = "legal", "allowed" = "allow"."""
    w = word.lower()
    for suffix in ("ing", "ed", "ly", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    return w[:-1] if w.endswith("e") and len(w) > 4 else w


def roots(text: str) -> list[str]:
    return [root(w) for w in WORD.findall(text.lower())]


def _find_phrase(text_roots: list[str], phrase: tuple[str, ...]) -> int:
    n = len(phrase)
    return next((i for i in range(len(text_roots) - n + 1)
                 if tuple(text_roots[i:i + n]) == phrase), -1)


def _has_phrase(text_roots: list[str], phrase: tuple[str, ...]) -> bool:
    return _find_phrase(text_roots, phrase) >= 0


@dataclass(frozen=True)
class Synonyms:
    """``question phrases => document phrases``: ways officers and documents say one thing."""

    asked: tuple[tuple[str, ...], ...]
    said: tuple[tuple[str, ...], ...]


SYNONYMS_FILE = PROMPTS_DIR / "answer_synonyms.md"


@cache
def load_synonyms(path: str = str(SYNONYMS_FILE)) -> tuple[Synonyms, ...]:
    groups: list[Synonyms] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return ()
    for line in lines:
        if not line.startswith("- ") or "=>" not in line:
            continue
        left, right = line[2:].split("=>", 1)
        asked = tuple(tuple(roots(x)) for x in left.split(",") if roots(x))
        said = tuple(tuple(roots(x)) for x in right.split(",") if roots(x))
        groups.append(Synonyms(asked, tuple(dict.fromkeys(said + asked))))
    return tuple(groups)


@dataclass
class Concept:
    """Question terms that a sentence also covers when it has one of ``said``."""

    terms: frozenset[str]
    said: tuple[tuple[str, ...], ...]


def concepts(question: str) -> list[Concept]:
    """The synonym groups a question uses, and the country names it tests ("a town in
    Kenya": a sentence about which countries are eligible covers "Kenya")."""
    q_words = WORD.findall(question.lower())
    q_roots = [root(w) for w in q_words]
    found: list[Concept] = []
    for group in load_synonyms():
        for phrase in group.asked:
            if (i := _find_phrase(q_roots, phrase)) >= 0:
                words = frozenset(terms(" ".join(q_words[i:i + len(phrase)])))
                if words:
                    found.append(Concept(words, group.said))
    for country in question_countries(question):
        found.append(Concept(frozenset(terms(country)), (("country",), ("countri",))))
    return found


def question_countries(question: str) -> list[str]:
    return [m.group(1) for m in COUNTRY_RE.finditer(question)]


def split_parts(question: str) -> list[str]:
    """"When did X open, and when is Y?": the parts of a question that asks several
    things, each starting with its own question word. One part: the question itself."""
    pieces = re.split(r"(?:,\s*|\s+)(?:and|also|plus)\s+(?=(?:when|who|whom|what|which|where|"
                      r"how|why|is|are|does|do|can|could|will|has|have)\b)",
                      question.strip(), flags=re.IGNORECASE)
    parts = [p.strip(" ,;?") for p in pieces if len(p.split()) >= 3]
    return parts if len(parts) >= 2 else [question]


@dataclass
class QuestionInfo:
    text: str
    kind: str  # date | amount | who | list | compare | eligibility | summary | fact
    terms: list[str]
    years: list[str] = field(default_factory=list)
    versions: list[tuple[str, str]] = field(default_factory=list)
    call_ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    concepts: list[Concept] | None = None  # None: worked out from the text when needed
    countries: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.concepts is None:
            self.concepts = concepts(self.text)
        if not self.countries:
            self.countries = question_countries(self.text)


def analyse(question: str) -> QuestionInfo:
    q = question.strip()
    low = q.lower()
    kind = next((k for k, pattern in _KINDS if pattern.search(low)), "fact")
    if kind != "compare" and re.search(r"\bwhich\b", low) and re.search(
            r"[,:]\s*(?:the\s+)?\S.*\s+or\s+\S", low):
        kind = "compare"  # "Which renews automatically, A or B?"
    names = []
    for m in _NAME.finditer(q):
        name = m.group(1)
        if name.lower() in NOT_NAMES or (m.start() == 0 and " " not in name):
            continue
        if name.split()[0].lower() in NOT_NAMES:
            name = " ".join(name.split()[1:])
        if name and name.lower() not in NOT_NAMES:
            names.append(name)
    years = [y for m in _EDITION_YEAR.finditer(q) for y in m.groups() if y]
    clauses = [c for c, (cues, _) in CLAUSES.items() if any(x in low for x in cues)]
    return QuestionInfo(q, kind, terms(q), years=years,
                        versions=_VERSION.findall(q), names=names, clauses=clauses,
                        call_ids=_CALL_ID.findall(q))


@dataclass
class _Sentence:
    text: str
    passage: int
    score: float = 0.0
    list_items: list[str] = field(default_factory=list)
    coverage: float = 1.0
    index: int = 0  # position in its passage


_BOILERPLATE = re.compile(r"illustrative document|all municipalities, regions|are fictional",
                          re.IGNORECASE)
_FIELD_LINE = re.compile(r"^[A-Z][A-Za-z /()-]{2,40}:\s+\S")


def split_sentences(text: str) -> list[tuple[str, list[str]]]:
    """Sentences of a passage; a sentence ending in ':' carries the list items that follow.

    Headings and "Label: value" lines stand alone: glued to the next sentence they would
    make a quote that no officer would recognise.
    """
    out: list[tuple[str, list[str]]] = []
    lines = [x.strip() for x in text.split("\n")]
    para: list[str] = []

    def flush() -> None:
        if para:
            for s in _SENT_SPLIT.split(" ".join(para)):
                if len(s.split()) >= 3:
                    out.append((s.strip(), []))
            para.clear()

    for i, line in enumerate(lines):
        if not line:
            flush()
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        after_sentence = not para or re.search(r"[.!?:;]$", para[-1])
        if (after_sentence and len(line.split()) <= 10 and not re.search(r"[.,;:!?]$", line)
                and (_DATE.search(line) or _AMOUNT.search(line))
                and (not nxt or nxt[:1].isupper())):
            # "Online information session 19 January 2027": a row of a timetable or
            # budget table, which answers questions on its own; not a heading.
            flush()
            if len(line.split()) >= 3:
                out.append((line, []))
            continue
        if (after_sentence and len(line.split()) <= 6 and not re.search(r"[.,;:!?]$", line)
                and nxt[:1].isupper()):
            # "How to apply" / "About the Trust" above a paragraph: a heading, not a sentence
            flush()
            continue
        if _BOILERPLATE.search(line):
            flush()
            continue
        if is_heading(line) or _FIELD_LINE.match(line):
            flush()
            if not is_heading(line):
                out.append((line, []))
            continue
        if _LIST_ITEM.match(line):
            flush()
            item = _LIST_ITEM.sub("", line).rstrip(";,.")
            if out and (out[-1][0].endswith(":") or out[-1][1]):
                out[-1][1].append(item)
            else:
                out.append((item, []))
            continue
        para.append(line)
    flush()
    return out


class EmbeddedAnswerer:
    """Question + passages -> a short extractive answer with citations, or a decline."""

    def __init__(self, min_score: float = 0.45, max_sentences: int = 3,
                 min_coverage: float = 0.4) -> None:
        self.min_score = min_score
        self.max_sentences = max_sentences
        self.min_coverage = min_coverage

    def _score(self, info: QuestionInfo, sent: str, passage: Passage, rank: int,
               items: list[str]) -> tuple[float, float]:
        """(score, coverage): coverage is the share of the question's answer-seeking terms
        (those that do not just name the document) that the sentence contains."""
        body = sent + " " + " ".join(items)
        low = body.lower()
        s_roots = roots(body)
        # A question word is in the sentence when the word is (endings aside), or when the
        # sentence says it the documents' way (prompts/answer_synonyms.md).
        s_terms = set(terms(body))
        s_root_set = set(s_roots)
        s_terms |= {t for t in info.terms if root(t) in s_root_set}
        for concept in info.concepts or []:
            if any(_has_phrase(s_roots, phrase) for phrase in concept.said):
                s_terms |= concept.terms
        title_terms = set(terms(passage.title))
        h_terms = title_terms | set(terms(passage.section))
        # Terms that name the document (its title) identify it; they are not the answer.
        weights = {t: (0.2 if t in title_terms else 0.4 if t in GENERIC_TERMS else 1.0)
                   for t in info.terms}
        total = sum(weights.values()) or 1.0
        hit = sum(w for t, w in weights.items() if t in s_terms)
        hit += 0.5 * sum(w for t, w in weights.items() if t not in s_terms and t in h_terms)
        # Names (of towns, programmes, funders) say which document, not what answer.
        named = {t for n in info.names for t in terms(n)}
        seeking = [t for t in info.terms
                   if t not in title_terms and t not in GENERIC_TERMS and t not in named]
        # A clause asked for in other words ("expire" -> "for an indefinite period") is
        # covered when the sentence has that clause's own vocabulary.
        clause_cues = {t for c in info.clauses if any(x in low for x in CLAUSES[c][1])
                       for t in info.terms if any(t.startswith(stem(cue)[:5])
                                                  for cue in CLAUSES[c][0])}
        coverage = (sum(t in s_terms or t in h_terms or t in clause_cues for t in seeking)
                    / len(seeking) if seeking else 1.0)
        score = hit / total
        has_kind = {
            "date": bool(_DATE.search(body) or _DURATION.search(body)),
            "amount": bool(_AMOUNT.search(body)),
            "who": bool(_PERSON_CUE.search(body)),
            "list": bool(items),
            "eligibility": bool(_RULE_CUE.search(body)),
        }
        if has_kind.get(info.kind):
            score += 0.25 if info.kind == "who" else 0.35
        for clause in info.clauses:
            if any(x in low for x in CLAUSES[clause][1]):
                score += 0.2
        return score + 0.15 / (1 + rank), coverage

    def _candidates(self, info: QuestionInfo, passages: list[Passage]) -> list[_Sentence]:
        cands: list[_Sentence] = []
        for rank, p in enumerate(passages):
            for index, (sent, items) in enumerate(split_sentences(p.text)):
                if len(sent) > 600 or (sent == p.section and not items) or is_instruction(sent):
                    continue  # text addressed to an AI assistant is data, never an answer
                score, coverage = self._score(info, sent, p, rank, items)
                cands.append(_Sentence(sent, rank, score, items, coverage, index))
        return sorted(cands, key=lambda c: -c.score)

    @staticmethod
    def _naming(info: QuestionInfo, passages: list[Passage]) -> set[str] | None:
        if not info.names:
            return None
        text: dict[str, str] = {}
        for p in passages:
            text[p.doc_id] = text.get(p.doc_id, p.title.lower()) + " " + p.text.lower()
        # "Our partner is a town in Kenya": the country is what the rule is asked about,
        # the programme named beside it says which document.
        countries = {c.lower() for c in info.countries}
        names = [n for n in info.names if n.lower() not in countries] or info.names
        words = [w for n in names for w in terms(n) if len(w) >= 3]
        docs = {d for d, t in text.items() if all(w in set(terms(t)) for w in words)}
        return docs or None

    def _pinned_missing(self, info: QuestionInfo, passages: list[Passage],
                        chosen: list[_Sentence], facts: list[FactLine]) -> str | None:
        """What the question pins down that the evidence does not contain, if anything."""
        doc_ids = {passages[c.passage].doc_id for c in chosen} or {passages[0].doc_id}
        doc_passages = [p for p in passages if p.doc_id in doc_ids]
        titles = " ".join(p.title for p in doc_passages).lower()
        evidence = " ".join([c.text + " " + " ".join(c.list_items) for c in chosen]
                            + [f.text + " " + f.evidence for f in facts]).lower()
        hay = " ".join(p.title + " " + p.section + " " + p.text for p in doc_passages).lower()
        edition_text = " ".join(
            s for p in doc_passages for s in re.split(r"(?<=[.!?])\s+|\n", p.text)
            if _EDITION_WORD.search(s)).lower()
        for year in info.years:
            if year not in titles and year not in edition_text:
                return f"anything about the {year} edition you asked about"
        for call_id in info.call_ids:
            if call_id.lower() not in titles:
                return f"anything about call {call_id}"
        for label, value in info.versions:
            pattern = re.compile(rf"\b{re.escape(label)}\s*{re.escape(value)}\b", re.I)
            if not pattern.search(hay):
                return f"anything about {label} {value}"
        if facts:
            return None
        for clause in info.clauses:
            if clause in ("cofinancing", "budget", "eligibility", "deadline"):
                continue
            if not any(x in evidence for x in CLAUSES[clause][1]):
                title = doc_passages[0].title if doc_passages else "them"
                return f"what the {clause} terms are in {title}"
        return None

    def run(self, question: str, passages: list[Passage],
            info: QuestionInfo | None = None,
            facts: list[tuple[FactLine, Passage]] | None = None) -> Answer:
        """``facts``: statements from the top document's extracted fields, each with a
        passage that carries its source and page."""
        info = info or analyse(question)
        facts = facts or []
        retrieved = list(dict.fromkeys(p.source for p in passages))
        if not passages:
            return Answer("Your documents do not say anything about this: no passage in your "
                          "library matches the question.", True, [], retrieved)
        # A question that names a place or programme is answered from documents that name
        # it too: the renewal clause of another town's agreement is no answer.
        named = self._naming(info, passages)
        cands = [c for c in self._candidates(info, passages)
                 if named is None or passages[c.passage].doc_id in named]
        chosen: list[_Sentence] = []
        min_cov = 0.25 if info.kind == "summary" else self.min_coverage
        good = [c for c in cands if c.coverage >= min_cov]
        min_score = 0.3 if info.kind == "summary" else self.min_score
        if good and good[0].score >= min_score:
            best = good[0].score
            limit = self.max_sentences - (1 if facts else 0)
            for c in good:
                if len(chosen) >= limit or c.score < max(min_score, 0.75 * best):
                    break
                if any(c.text == x.text for x in chosen):
                    continue
                chosen.append(c)
        unanswered = self._answer_parts(info, passages, named, chosen, facts)
        missing = self._pinned_missing(info, passages, chosen[:1], [f for f, _ in facts])
        if missing or not (chosen or facts):
            return self._decline(info, passages, cands, missing)
        if _RULE_TOPIC.search(info.text) or info.kind == "eligibility":
            self._continue_rules(info, cands, chosen, facts)
        answer = self._compose(chosen, passages, retrieved, facts=facts)
        if unanswered and not facts:
            answer.text += "".join(f" Your documents do not say: {u}?" for u in unanswered)
        return answer

    def _best(self, info: QuestionInfo, passages: list[Passage],
              named: set[str] | None) -> _Sentence | None:
        """The best sentence for a question, if any clears the bars ``run`` applies."""
        min_cov = 0.25 if info.kind == "summary" else self.min_coverage
        min_score = 0.3 if info.kind == "summary" else self.min_score
        return next((c for c in self._candidates(info, passages)
                     if (named is None or passages[c.passage].doc_id in named)
                     and c.coverage >= min_cov and c.score >= min_score), None)

    def _answer_parts(self, info: QuestionInfo, passages: list[Passage],
                      named: set[str] | None, chosen: list[_Sentence],
                      facts: list[tuple[FactLine, Passage]]) -> list[str]:
        """"When did X open, and when is Y?": each part answered by its own best sentence
        (added to ``chosen``). Returns the parts nothing answers."""
        parts = split_parts(info.text)
        if len(parts) < 2:
            return []
        evidence = " ".join(re.sub(r"\s+", " ", f.evidence) for f, _ in facts)
        unanswered: list[str] = []
        for part in parts:
            part_info = analyse(part)
            # The names of the whole question say which document every part is about.
            part_info.names = list(dict.fromkeys(part_info.names + info.names))
            best = self._best(part_info, passages, named)
            if best is None:
                unanswered.append(part)
                continue
            if any(best.text == c.text for c in chosen) or best.text in evidence:
                continue
            chosen.append(best)
        return unanswered

    def _continue_rules(self, info: QuestionInfo, cands: list[_Sentence],
                        chosen: list[_Sentence],
                        facts: list[tuple[FactLine, Passage]]) -> None:
        """A rule often takes two sentences ("at least 4 municipalities ... . At least two of
        them must be twinned."): after a rule sentence, add the next sentence of the same
        passage when it is a rule on the same subject."""
        by_pos = {(c.passage, c.index): c for c in cands}
        evidence = [re.sub(r"\s+", " ", f.evidence) for f, _ in facts]
        starts = list(chosen) + [c for c in cands if any(
            len(c.text) > 30 and c.text in ev for ev in evidence)]
        q_terms = {t for t in info.terms if len(t) >= 4} - GENERIC_TERMS
        added = 0
        for c in starts:
            nxt = by_pos.get((c.passage, c.index + 1))
            if (nxt is None or added >= 2 or not _RULE_CUE.search(c.text)
                    or not _RULE_CUE.search(nxt.text)
                    or any(nxt.text == x.text for x in chosen)):
                continue
            shared = ({t for t in terms(c.text) if len(t) >= 4} | q_terms) & set(terms(nxt.text))
            if shared - GENERIC_TERMS:
                chosen.append(nxt)
                added += 1

    def _compose(self, chosen: list[_Sentence], passages: list[Passage],
                 retrieved: list[str], declined: bool = False, prefix: str = "",
                 facts: list[tuple[FactLine, Passage]] | None = None) -> Answer:
        citations: list[Citation] = []
        numbers: dict[tuple[str, int | None], int] = {}
        parts: list[str] = []
        last_doc = None
        for fact, p in facts or []:
            key = (p.doc_id, fact.page)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(Citation(numbers[key], p.source, fact.page, fact.evidence,
                                          p.doc_id, p.title))
            title = f"{p.title}: " if p.doc_id != last_doc else ""
            last_doc = p.doc_id
            parts.append(f"{title}{fact.text}. [{numbers[key]}]")
        # Keep the documents' own order: a clause before the one that follows it.
        for c in sorted(chosen, key=lambda c: (c.passage, passages[c.passage].text.find(c.text))):
            p = passages[c.passage]
            key = (p.doc_id, p.page)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(Citation(numbers[key], p.source, p.page, "", p.doc_id, p.title))
            n = numbers[key]
            quote = c.text + (" " + "; ".join(c.list_items) if c.list_items else "")
            cit = citations[n - 1]
            cit.quote = (cit.quote + " … " + quote).strip(" …") if cit.quote else quote
            sentence = c.text.rstrip()
            if c.list_items:
                sentence = sentence.rstrip(":") + ": " + "; ".join(c.list_items) + "."
            parts.append(f"{sentence} [{n}]")
        text = prefix + " ".join(parts)
        return Answer(text, declined, citations, retrieved)

    def _decline(self, info: QuestionInfo, passages: list[Passage], cands: list[_Sentence],
                 missing: str | None) -> Answer:
        what = missing or "what you asked"
        retrieved = list(dict.fromkeys(p.source for p in passages))
        if not cands:
            return Answer(f"Your documents do not say {what}.", True, [], retrieved)
        closest = cands[0]
        p = passages[closest.passage]
        page = f", page {p.page}" if p.page else ""
        prefix = (f"Your documents do not say {what}. The closest they come is "
                  f"{p.title}{page}: ")
        return self._compose([closest], passages, retrieved, declined=True, prefix=prefix)

