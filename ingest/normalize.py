"""Text clean-up shared by every parser, so chunks and evidence look the same whatever the source.

Everything here is pure, regex-only and linear in the input: it runs on every page of
every document, including 100+ page reports, so no NLP and no backtracking-heavy patterns.

Line structure is deliberately preserved (single newlines survive) because downstream
heading detection and chunking work line by line.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

__all__ = ["normalize_text", "strip_repeated_lines", "is_page_number_line", "capitalised"]

# Typographic ligatures that PDF text extraction often returns verbatim; search and
# embeddings treat "ﬁnancing" and "financing" as different words.
_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",  # long s + t
    "\ufb06": "st",
    "\u0132": "IJ",
    "\u0133": "ij",
}
_LIGATURE_TABLE = str.maketrans(_LIGATURES)

# Spaces that look like a space to a reader but not to a tokenizer.
_ODD_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters with no meaning in extracted text. ZWJ/ZWNJ are kept: they
# carry meaning in Arabic, Persian and Indic scripts.
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff]")
# C0/C1 control characters except tab and newline (form feeds and vertical tabs are
# turned into newlines before this runs).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Prefixes that form genuine hyphenated compounds when a line happens to break right
# after them ("co-\nfinancing" is "co-financing", not "cofinancing"). Kept short on
# purpose: a missed compound costs a hyphen, a wrong join glues two words.
HYPHEN_PREFIXES: frozenset[str] = frozenset(
    {"co", "non", "pre", "post", "re", "self", "cross", "ex", "anti", "semi", "mid", "well"}
)

_HYPHENS = "-\u2010\u00ad"
_TAIL = re.compile(r" *(\S+) *(.*)")

# Punctuation glued to the next word ("Koninkrijk België,De Regering", "in België:provincies",
# "Unie.Overwegende"), as text scraped from HTML or extracted from some PDFs has it: the
# sentence splitter and the keyword index then see one word where there are two. Latin
# letters on both sides only: a decimal comma, "OJ:L:2010", a comma between CJK characters
# keep theirs (Greek and Cyrillic are left as they are: no document of ours has them glued).
# Addresses keep theirs too ("Mario.Rossi@comune.it", "www.Stadt.Wien.at", ".../Guide.Pdf"),
# identifiers ("OJ:L:2010:017", "?q=tag:x", "Guide.Pdf") and short abbreviations ("Sig.Rossi").
_LATIN = "A-Za-zÀ-ÖØ-öø-ɏ"
_GLUED_COMMA = re.compile(rf"(?<=[{_LATIN}]{{2}})([,;])(?=[{_LATIN}]{{2}})")
_GLUED_COLON = re.compile(rf"(?<=[{_LATIN}]{{2}}):(?=[{_LATIN}]{{2}})")
_GLUED_STOP = re.compile(r"(?<=[a-zß-öø-ÿ]{3})\.(?=[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{3})")
_GLUE = re.compile(rf"[{_LATIN}][,;:.][{_LATIN}]")
_TOKEN = re.compile(r"\S+")
_ADDRESS = re.compile(r"[@/=]|^www\.|:.*:|^(?:mailto|https?|ftp|urn|tel|doi|isbn|issn):", re.I)


def _unglued(m: re.Match[str]) -> str:
    token = m.group(0)
    if not _GLUE.search(token) or _ADDRESS.search(token):
        return token
    token = _GLUED_COMMA.sub(r"\1 ", token)
    token = _GLUED_COLON.sub(": ", token)
    return _GLUED_STOP.sub(". ", token)


_MULTI_SPACE = re.compile(r" {2,}")
_EDGE_SPACES = re.compile(r"^ +| +$", re.MULTILINE)
_MANY_NEWLINES = re.compile(r"\n{3,}")

_PAGE_NUMBER = re.compile(
    r"""^\s*
    (?:
        (?:page|p\.|pg\.?|seite|página|pagina|strona|sivu)\s*\d{1,4}(?:\s*(?:of|/|von|de|di|sur|z)\s*\d{1,4})?
      | [-–—]\s*\d{1,4}\s*[-–—]
      | \d{1,4}\s*(?:/|of)\s*\d{1,4}
      | \d{1,3}
      | [ivxlc]{1,9}
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_ROMAN_LOWER = re.compile(r"^(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")


_SPACED_SOFT_HYPHEN = re.compile(r"(?<=\w)[ \t]+\u00ad[ \t]*\n")


def _join_hyphenated_lines(text: str) -> str:
    """Repair words broken across lines; a plain loop so it stays linear and handles chains."""
    if "-\n" not in text and "\u2010" not in text and "\u00ad" not in text and "- " not in text:
        return text
    # a soft hyphen set apart from its word's head ("evolu \u00ad\nzione", as pypdf gives
    # the Official Journal's justified columns) still breaks that word
    text = _SPACED_SOFT_HYPHEN.sub("\u00ad\n", text)
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].rstrip(" ")
        while i + 1 < len(lines) and line and line[-1] in _HYPHENS:
            joined = _join_pair(line, lines[i + 1])
            if joined is None:
                break
            line, rest = joined
            if rest:
                lines[i + 1] = rest
                break
            i += 1  # the next line was only the word's tail: it is consumed entirely
            if i + 1 < len(lines):
                line = line.rstrip(" ")
        out.append(line)
        i += 1
    return "\n".join(out)


def _join_pair(line: str, nxt: str) -> tuple[str, str] | None:
    hyph = line[-1]
    start = len(line) - 1
    while start > 0 and line[start - 1].isalpha():
        start -= 1
    head = line[start:-1]
    if not head:
        return None
    m = _TAIL.match(nxt)
    if m is None or not m.group(1)[0].islower():
        return None
    tail, rest = m.group(1), m.group(2)
    in_compound = start > 0 and line[start - 1] == "-"
    if hyph != "\u00ad" and (in_compound or head.lower() in HYPHEN_PREFIXES):
        word = head + "-" + tail
    else:
        word = head + tail  # a soft hyphen is by definition only a break opportunity
    return line[:start] + word, rest


def normalize_text(text: str) -> str:
    """Make extracted text comparable across sources while keeping its line structure.

    Line breaks inside words (``"coopera-\\ntion"``) are repaired only when the
    continuation starts lowercase; a fragment that is a common prefix (see
    ``HYPHEN_PREFIXES``) or already part of a hyphenated compound keeps its hyphen.
    The completed word is moved up and the remainder of the next line stays on its own
    line. Indentation is not kept: leading and trailing spaces are stripped per line.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_LIGATURE_TABLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\f\v\u2028\u2029\x85]", "\n", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    text = _join_hyphenated_lines(text)
    text = text.replace("\u00ad", "")
    if _GLUE.search(text):
        text = _TOKEN.sub(_unglued, text)
    text = _MULTI_SPACE.sub(" ", text)
    text = _EDGE_SPACES.sub("", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip("\n")


def is_page_number_line(line: str) -> bool:
    """True for lines that are only a page number ("3", "- 3 -", "Page 3 of 7", "3/7", "iv")."""
    stripped = line.strip()
    if not _PAGE_NUMBER.match(stripped):
        return False
    if stripped.isalpha():
        # Roman numerals only in lowercase: a lone "I" or "C" at the top of a page is
        # more likely a list marker or a heading letter than front-matter numbering.
        return bool(_ROMAN_LOWER.match(stripped))
    return True


def _line_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.casefold().split()))


def _edge_indices(lines: list[str], depth: int = 3) -> list[int]:
    non_empty = [i for i, line in enumerate(lines) if line.strip()]
    if len(non_empty) <= 2 * depth:
        return non_empty
    return non_empty[:depth] + non_empty[-depth:]


def strip_repeated_lines(pages: list[str]) -> list[str]:
    """Remove running headers/footers and bare page numbers so they do not pollute every chunk.

    A line is a running header/footer when it is among the first 3 or last 3 non-empty
    lines of a page and the same line, with digits masked and case/whitespace folded,
    sits at a page edge on at least half of the non-empty pages (>= 3 pages), or on both
    pages of a 2-page document. Page-number-only lines at a page edge are always dropped.
    Lines in the middle of a page are never touched, and repeated lines are kept when
    they are all a page has. Returns one string per input page.
    """
    split = [page.split("\n") for page in pages]
    edges = [_edge_indices(lines) for lines in split]
    non_empty_pages = sum(1 for e in edges if e)

    repeated: set[str] = set()
    if non_empty_pages >= 2:
        counts: Counter[str] = Counter()
        # printed documents run one head on left-hand pages and another on right-hand ones
        # ("IT C 212/24 Gazzetta ufficiale ... 19.7.2011" / "IT 19.7.2011 Gazzetta ..."):
        # each is counted on the pages of its side too
        sides: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
        for n, (lines, idx) in enumerate(zip(split, edges, strict=True)):
            keys = {_line_key(lines[i]) for i in idx}
            counts.update(keys)
            sides[n % 2].update(keys)
        needed = 2 if non_empty_pages == 2 else (non_empty_pages + 1) // 2
        repeated = {key for key, n in counts.items() if n >= needed and key}
        side_pages = [sum(1 for e in edges[s::2] if e) for s in (0, 1)]
        for side, side_counts in enumerate(sides):
            side_needed = max(3, (side_pages[side] + 1) // 2)
            repeated |= {key for key, n in side_counts.items() if n >= side_needed and key}

    out: list[str] = []
    for lines, idx in zip(split, edges, strict=True):
        numbers = {i for i in idx if is_page_number_line(lines[i])}
        drop = numbers | {i for i in idx if _line_key(lines[i]) in repeated}
        if len(drop) == sum(1 for line in lines if line.strip()):
            # A "header" with no body under it is the body (a one-line page repeated
            # on every page): keep it, or the page would vanish.
            drop = numbers
        if not drop:
            out.append("\n".join(lines))
            continue
        kept = "\n".join(line for i, line in enumerate(lines) if i not in drop)
        out.append(_MANY_NEWLINES.sub("\n\n", kept).strip("\n"))
    return out


_WORD = re.compile(r"[^\W\d_]+")
_TOKEN_HEAD = re.compile(r"^(.*?)(?<![\w\-])([^\W\d_]+)$")  # "(Commis" -> "(", "Commis"
_TOKEN_TAIL = re.compile(r"^([^\W\d_]+)(?![\w\-])(.*)$")  # "sion," -> "sion", ","
RARE = 2  # a fragment seen at most this often alone in the document is no word of it


def rejoin_split_words(pages: list[str]) -> list[str]:
    """Words a PDF's text layer split apart ("Commis sion", "gran t", "informa\nzione" where
    the line-end hyphen was dropped), joined again when the document itself writes the
    whole word elsewhere and neither fragment is a word it uses: the document's own
    vocabulary decides, so "wijziging en" ("amendment and") stays two words."""
    counts: dict[str, int] = {}
    for text in pages:
        for w in _WORD.findall(text):
            counts[w.lower()] = counts.get(w.lower(), 0) + 1

    def joinable(a: str, b: str) -> bool:
        whole = (a + b).lower()
        return (b[:1].islower() and len(whole) >= 5 and counts.get(whole, 0) >= 1
                and counts.get(a.lower(), 0) <= RARE and counts.get(b.lower(), 0) <= RARE)

    out: list[str] = []
    for text in pages:
        tokens = re.split(r"([ \n])", text)  # words and the single separators between them
        for i in range(0, len(tokens) - 2, 2):
            head, tail = _TOKEN_HEAD.match(tokens[i]), _TOKEN_TAIL.match(tokens[i + 2])
            if head and tail and joinable(head.group(2), tail.group(1)):
                tokens[i + 2] = head.group(2) + tokens[i + 2]
                tokens[i], tokens[i + 1] = head.group(1), ""
        out.append("".join(tokens))
    return out


_ROMAN = re.compile(r"^[IVXLC]+$")


def capitalised(word: str) -> str:
    """A word printed in capitals, as a title or a signature block prints it, in the case
    it is written: "BROEK" -> "Broek", "HANS-DIETRICH" -> "Hans-Dietrich", "O'BRIEN" ->
    "O'Brien", "MCDONALD" -> "McDonald"; Roman numerals ("III") and words not in capitals
    are left as they are."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2 or not word.isupper() or _ROMAN.match(word):
        return word
    def part(p: str) -> str:
        p = p[:1] + p[1:].lower()
        if p.startswith("Mc") and len(p) > 2:
            p = "Mc" + p[2:3].upper() + p[3:]
        return p
    return re.sub(r"[^\W\d_]+", lambda m: part(m.group(0)), word)

