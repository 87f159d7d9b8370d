"""A document's text as the readers see it: pages, lines, sentences, sections, lists and the
title, every position tied to its page."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ingest.countries import country_names
from ingest.cover import not_title
from ingest.extract.patterns import BULLET_RE, HEADING_RE, OTHER_LANGUAGE_PART_RE, SENT_END_RE
from ingest.language import detect
from ingest.models import Field, ParsedDocument

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
        if BULLET_RE.match(t[line_start : pos + 1]) or HEADING_RE.match(t[line_start : pos + 1]):
            lo = line_start - 1
        lo = 0 if lo < 0 else lo + 1
        hi_candidates = [i for i in (t.find(". ", pos), t.find("\n\n", pos)) if i >= 0]
        hi = min(hi_candidates) + 1 if hi_candidates else len(t)
        s = squash(t[lo:hi])
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
            for piece in SENT_END_RE.split(chunk):
                idx = chunk.find(piece, pos)
                idx = pos if idx < 0 else idx
                pos = idx + len(piece)
                if piece.strip():
                    yield p_start + idx, squash(piece)

    def _paragraphs(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        cur: tuple[int, int] | None = None
        cur_bullet = False
        for i, ln in enumerate(self.lines):
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
            gap = cur is not None and "\n\n" in self.text[cur[1] : s0]
            after = self.lines[i + 1].text if i + 1 < len(self.lines) else ""
            heading = is_heading_line(ln.text) and not (
                prev_open and not gap and not cur_bullet and is_wrapped_line(ln.text, after))
            bullet = bool(BULLET_RE.match(ln.text)) and not wrapped_paren
            unit = heading or bullet
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
            cur, cur_bullet = (s0, e0), bullet
            if heading:
                yield cur
                cur = None
        if cur is not None:
            yield cur

    def field(self, value: Any, pos: int, evidence: str | None = None) -> Field:
        return Field(value, self.page_at(pos), evidence or self.sentence_at(pos))


def squash(s: str) -> str:
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


def english_end(dt: DocText) -> int:
    """Offset where a bilingual agreement's second-language part starts (or the end)."""
    m = OTHER_LANGUAGE_PART_RE.search(dt.text, 200)
    return m.start() if m else len(dt.text)


def find_heading(dt: DocText, pattern: str, end: int | None = None) -> Line | None:
    rx = re.compile(pattern, re.IGNORECASE)
    end = len(dt.text) if end is None else end
    for ln in dt.lines:
        if ln.start >= end:
            break
        if (
            len(ln.text) <= 90
            and rx.search(ln.text)
            and (is_heading_line(ln.text) or (HEADING_RE.match(ln.text) and ":" in ln.text))
        ):
            return ln
    return None


def section_lines(dt: DocText, heading: Line, end: int | None = None) -> list[Line]:
    """Lines after a heading up to the next heading."""
    end = len(dt.text) if end is None else end
    out: list[Line] = []
    for ln in dt.lines:
        if ln.start <= heading.start:
            continue
        if ln.start >= end:
            break
        if is_heading_line(ln.text):
            if out:
                break
            continue
        out.append(ln)
    return out


def is_wrapped_line(text: str, after: str) -> bool:
    """A short line that reads as part of an unfinished sentence rather than a heading, once
    the line before it is known to be unfinished: not numbered, not in capitals, most of its
    longer words in lower case, and the line after it going on in lower case or figures
    ("Commissione una sovvenzione di importo compreso tra" / "100 000 EUR e 500 000 EUR")."""
    if re.match(r"^(?:#|\d|[IVX]+\.)", text) or HEADING_RE.match(text) or text.isupper():
        return False
    if not re.match(r"[a-z\d(€$£]", after.strip()):
        return False
    longer = [w for w in text.split() if len(w) > 3]
    return sum(w[:1].isupper() for w in longer) * 2 < len(longer)


def is_heading_line(text: str) -> bool:
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
    if HEADING_RE.match(text) and len(text) < 100:
        return True
    # Short unpunctuated Title Case lines ("Eligible applicants", "Key facts") are headings.
    return (
        0 < len(words) <= 7
        and text[0].isupper()
        and not re.search(r"[.,;:!?)]$", text)
        and not re.search(r"\d", text)
        and text.lower() not in ("and", "or")
    )


def labelled(dt: DocText, labels: str, end: int | None = None) -> tuple[str, int] | None:
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
        if BULLET_RE.match(ln.text) and not is_heading_line(ln.text):
            items.append((BULLET_RE.sub("", ln.text, count=1), ln.start))
        elif items and ln.text[:1].islower() and (
                not re.search(r"[.;:]$", items[-1][0])
                # "natural persons (i.e." goes on: an abbreviation or a bracket left open
                or re.search(r"\b(?:i\.e|e\.g|etc|incl|approx|cf|no|art)\.$", items[-1][0], re.I)
                or items[-1][0].count("(") > items[-1][0].count(")")):
            items[-1] = (items[-1][0] + " " + ln.text, items[-1][1])
        elif items:
            break
    return items


# After the kinds of applicant, a clause that describes them: "..., as attested by their
# statute", "..., developing their activities at local, regional or national level".
_DESCRIBING = re.compile(r",\s+(?:as (?:attested|evidenced|defined|described|set out|shown)|"
                         r"which|who|whose|with|(?:developing|operating|working|active|"
                         r"acting|carrying out)\s+(?:their|its|in)\b)", re.I)


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
    s = squash(s)
    # "Culture: exchange of artists" / "Culture – exchange..." -> "Culture"
    s = re.split(r"\s*(?::|\s[–—]\s|\s-\s)\s*", s, maxsplit=1)[0]
    # a trailing sentence glued on by PDF wrapping: "local development. Other areas may..."
    s = re.split(r"(?<=[a-z)])\.\s+[A-Z]", s, maxsplit=1)[0]
    s = re.sub(r"^(?:and|or)\s+", "", s)
    return s.strip(" ;,.")


def dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for it in items:
        k = re.sub(r"\W+", " ", it.lower()).strip()
        if k and k not in seen:
            seen.add(k)
            out.append(it)
    return out


def list_field(
    dt: DocText, heading_rx: str, sentence_rx: str, end: int | None = None, max_len: int = 80,
    describing: bool = False,
) -> Field | None:
    """A list stated as bullets under a heading, or as an enumeration in a sentence
    (``describing``: a clause after the items may describe them: applicants "..., as
    attested by their statute")."""
    heading = find_heading(dt, heading_rx, end)
    if heading is not None:
        # "Areas of cooperation: culture, sport and education" on the heading line itself
        inline = re.split(r":\s*", heading.text, maxsplit=1)
        if len(inline) == 2 and len(inline[1]) > 3:
            vals = dedupe(_clean_item(x) for x in _split_enumeration(inline[1]))
            if vals:
                return Field(vals, heading.page, heading.text)
        lines = section_lines(dt, heading, end)
        bullets = [
            ln for ln in lines if BULLET_RE.match(ln.text) and not is_heading_line(ln.text)
        ]
        if bullets:
            first = lines.index(bullets[0])
            items = _items_from_lines(lines[first:])
            vals = dedupe(c for c in (_clean_item(t) for t, _ in items) if 0 < len(c) <= max_len)
            if vals:
                pos = items[0][1]
                ev = squash(
                    " ".join(ln.text for ln in lines[max(0, first - 1) : first + len(items)])
                )
                return Field(vals, dt.page_at(pos), ev[:400])
        sec_start = heading.start
        sec_end = (
            lines[-1].start + len(lines[-1].text) if lines else heading.start + len(heading.text)
        )
        got = _enumeration_in(dt, sentence_rx, sec_start, sec_end, max_len, describing)
        if got:
            return got
    return _enumeration_in(dt, sentence_rx, 0, end or len(dt.text), max_len, describing)


def _enumeration_in(
    dt: DocText, sentence_rx: str, start: int, end: int, max_len: int, describing: bool = False
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
            vals = dedupe(c for c in (_clean_item(t) for t, _ in items) if 0 < len(c) <= max_len)
            if vals:
                return Field(vals, dt.page_at(off), squash(sent + " " + "; ".join(vals))[:400])
            continue
        tail = re.split(r"(?<=[a-z)])\.(?:\s|$)", tail, maxsplit=1)[0]
        if describing:  # a clause that describes the items lists none of them
            tail = _DESCRIBING.split(tail, maxsplit=1)[0]
        vals = dedupe(
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
        if is_heading_line(ln.text) and not BULLET_RE.match(ln.text):
            break
        text = BULLET_RE.sub("", ln.text, count=1)
        is_item = bool(BULLET_RE.match(ln.text)) or (
            len(text.split()) <= 12
            and re.search(r"[;]$|(?<![.:])\.$", text) is not None
            and text[:1].islower()
        )
        if is_item:
            items.append((text, ln.start))
            if text.endswith(".") and not BULLET_RE.match(ln.text):
                break
        elif items and ln.text[:1].islower() and not re.search(r"[.;]$", items[-1][0]):
            items[-1] = (items[-1][0] + " " + ln.text, items[-1][1])
        else:
            break
    return items


def first_sentence(
    dt: DocText, rx: str, start: int = 0, end: int | None = None, exclude: str | None = None
) -> tuple[int, str, re.Match[str]] | None:
    pat = re.compile(rx, re.IGNORECASE)
    ex = re.compile(exclude, re.IGNORECASE) if exclude else None
    for off, sent in dt.sentences(start, end):
        if is_heading_line(sent):
            continue
        m = pat.search(sent)
        if m and not (ex and ex.search(sent)):
            return off, sent, m
    return None


def clause(sent: str, m: re.Match[str]) -> str:
    """The part of a sentence around a match, cut at ';' and trailing subordinate clauses."""
    parts = re.split(r";\s*", sent)
    pos = 0
    for p in parts:
        if pos <= m.start() < pos + len(p) + 2:
            return p.strip().rstrip(".")
        pos += len(p) + 2
    return sent.rstrip(".")


def countries_in(text: str) -> list[str]:
    return country_names(text)


def title_of(dt: DocText) -> tuple[str, int] | None:
    """The printed title: first substantive line(s) of page 1, joined across wraps."""
    if dt.cover_title:
        return dt.cover_title, 0
    hint = (dt.title_hint or "").strip()
    lines = [ln for ln in dt.lines[:12]]
    if not lines:
        return (hint, 0) if hint else None
    if hint and not re.search(r"(?i)\b(?:untitled|microsoft word|\.docx?|\.pdf)\b", hint):
        h = norm_key(hint)
        for k, ln in enumerate(lines):
            if norm_key(ln.text) and h.startswith(norm_key(ln.text)[:30]):
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
        return _in_document_language(dt, (squash(" ".join(parts)), ln.start), lines[j:j + 3])
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
            return squash(text), ln.start
    return title


def norm_key(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", s.lower())


# ---------------------------------------------------------------------------------------


def strip_paren(s: str) -> str:
    """'Association of X (ATEM)' -> 'Association of X': acronyms and notes are not the name."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", s).strip()


def strip_trailing(s: str) -> str:
    return squash(s).strip(" .;,*")
