"""Tables as text extraction leaves them: rows that end in figure cells under a line of
column names, sometimes under a caption.

A PDF's table comes out of its text layer as lines ("Section Minimum threshold Maximum
Score" | "3. Impact and reach 18 30" | "TOTAL 65 100"): a row read alone says nothing of
what its figures are. The chunker keeps a row from being taken for a heading and repeats a
table's column names where a cut falls inside it; the answerer reads each row with them.
"""

from __future__ import annotations

import re

# two figures or more at the end of a line: the cells of a table's row ("12 20", "106
# 35.570000", "19 63.3", "27 9.1%")
CELLS = re.compile(r"\s\d[\d.,]*%?\s+(?:\d[\d.,]*%?|n/a)\s*$|\sn/a\s+\d[\d.,]*%?\s*$")
# "Table 23: ...", "Tabella 2 - ...": a caption, which says what a table holds
TABLE_WORDS = r"table|tabella|tabel|tabla|tableau|tabelle"
CAPTION = re.compile(rf"^(?:{TABLE_WORDS})\s*[0-9ivx]+[a-z]?\s*[:.\-–—]", re.I)
_FIGURE = re.compile(r"\d")
# a caption wraps over a few lines at most
_CAPTION_LINES = 4
# column names and a row are short lines
_HEADER_WORDS, _ROW_WORDS = 12, 16


# the trailing numbers of a line that are one figure written in groups of three ("EUR 1 500
# 000", "allocated 2 000 000", "EUR 150 000"), not cells ("TOTAL 65 100" is two cells: one
# group that is not a thousand's, with no currency before it)
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3}){2,}\s*$|(?<![\d.,])\d{1,3} 000\s*$|"
                      r"(?:€|\$|£|\b(?:EUR|USD|GBP|CHF|euro|euros))\s*\d{1,3}(?: \d{3})+\s*$",
                      re.I)
# a telephone number ends in groups of digits too ("Tel +32 2 299 11 11")
_PHONE = re.compile(r"\+\d|\b(?:tel|phone|telephone|fax|telefono|telefoon|téléphone)\b", re.I)
# a sentence ends and another starts inside the line: prose, not a row
_INNER_SENTENCE = re.compile(r"[a-z)][.;!?]\s+[A-Z]")
# a table needs this many rows under its column names (one row under a line is as likely a
# sentence wrapped before its last figures)
_MIN_ROWS = 2
# a line that closes a table: prose (a capitalised line of this many words or more, not a
# row), as against a criterion's question between the rows of an evaluation grid
_PROSE_WORDS = 8


def is_row(line: str) -> bool:
    """A line of a table whose cells are figures: short, not a sentence nor a sentence's
    wrapped end (in lower case), with at least two figure cells at its end that are not
    one figure in groups of three nor a telephone number."""
    s = line.strip()
    return (len(s.split()) <= _ROW_WORDS and bool(CELLS.search(s))
            and not s[:1].islower() and not re.search(r"[.,;:!?]$", s)
            and not re.search(r"\d,\s+\d", s) and not _GROUPED.search(s)
            and not _PHONE.search(s) and not _INNER_SENTENCE.search(s))


def is_header(line: str) -> bool:
    """A line of column names: two words or more, short, no figure at its end, not a
    sentence and not a numbered heading."""
    s = line.strip()
    words = s.split()
    return (2 <= len(words) <= _HEADER_WORDS and not re.search(r"[.,;:!?]$", s)
            and not _FIGURE.match(s) and not _FIGURE.search(words[-1]))


def _goes_on(line: str) -> bool:
    """Whether a line after a blank one is still the table's (PDFs leave blank lines inside
    an evaluation grid): a criterion's number, a figure alone, a bracket, a wrapped line's
    end."""
    s = line.strip()
    return bool(re.match(r"[\d(]", s)) or s[:1].islower()


def _closes(line: str) -> bool:
    """Whether a line that is no row ends the table it follows: prose, capitalised and
    long, not a numbered criterion ("5.1 Return on investment ..."), a wrapped line's end
    ("and the reached audience ...") or a note in brackets."""
    s = line.strip()
    return s[:1].isupper() and len(s.split()) >= _PROSE_WORDS


def _caption_above(lines: list[str], at: int) -> int:
    """Where the caption that ends right above line ``at`` starts, or ``at``."""
    for k in range(at - 1, max(-1, at - 1 - _CAPTION_LINES), -1):
        if not lines[k].strip():
            return at
        if CAPTION.match(lines[k].strip()):
            return k
    return at


def _tables(lines: list[str]) -> dict[int, tuple[int, int]]:
    """Row line -> (first line of its table's caption or column names, line of the column
    names). A table starts where a line of column names stands right above a row, and ends
    at prose, or at a blank line after which it does not go on; lines between its rows (a
    criterion's questions) are no rows. A table of fewer than ``_MIN_ROWS`` rows is none."""
    out: dict[int, tuple[int, int]] = {}
    rows: list[int] = []
    top: tuple[int, int] | None = None

    def close() -> None:
        if top is not None and len(rows) >= _MIN_ROWS:
            out.update(dict.fromkeys(rows, top))
        rows.clear()

    gap = False  # a blank line since the last line of the open table
    for i, line in enumerate(lines):
        if not line.strip():
            gap = True
            continue
        if is_row(line):
            if top is None and i and is_header(lines[i - 1]):
                top = (_caption_above(lines, i - 1), i - 1)
            if top is not None:
                rows.append(i)
        elif top is not None and (_closes(line) or (gap and not _goes_on(line))):
            close()
            top = None
        gap = False
    close()
    return out


def read(text: str) -> tuple[dict[int, str], frozenset[int]]:
    """The tables of ``text``, read once: row line -> what heads its table (its caption,
    when one does, and its column names, joined), and the lines that head a table."""
    lines = text.split("\n")
    found = _tables(lines)
    heads = {i: re.sub(r"-\s+(?=[a-z])", "", " ".join(x.strip() for x in lines[a:b + 1]))
             for i, (a, b) in found.items()}
    return heads, frozenset(k for a, b in found.values() for k in range(a, b + 1))


def headers(text: str) -> dict[int, str]:
    """Line number -> what heads the table that line is a row of (``read``)."""
    return read(text)[0]


def heads_of_rows(text: str) -> dict[str, str]:
    """Each row of ``text`` (stripped) -> the lines that head its table (caption and column
    names), as printed."""
    lines = text.split("\n")
    return {lines[i].strip(): "\n".join(x.strip() for x in lines[a:b + 1])
            for i, (a, b) in _tables(lines).items()}


def starts_in_table(text: str, within: int = 3) -> bool:
    """Whether a row comes among the first ``within`` lines of ``text``, before any blank
    line: a piece cut from inside a table."""
    for line in text.lstrip().split("\n")[:within]:
        if not line.strip():
            return False
        if is_row(line):
            return True
    return False
