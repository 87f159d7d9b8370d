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
CAPTION = re.compile(r"^(?:table|tabella|tabel|tabla|tableau|tabelle)\s*[0-9ivx]+[a-z]?\s*"
                     r"[:.\-–—]", re.I)
_FIGURE = re.compile(r"\d")
# a caption wraps over a few lines at most
_CAPTION_LINES = 4
# column names and a row are short lines
_HEADER_WORDS, _ROW_WORDS = 12, 16


def is_row(line: str) -> bool:
    """A line of a table whose cells are figures: short, not a sentence, with at least two
    figure cells at its end."""
    s = line.strip()
    return (len(s.split()) <= _ROW_WORDS and bool(CELLS.search(s))
            and not re.search(r"[.,;:!?]$", s) and not re.search(r"\d,\s+\d", s))


def is_header(line: str) -> bool:
    """A line of column names: two words or more, short, no figure at its end, not a
    sentence and not a numbered heading."""
    s = line.strip()
    words = s.split()
    return (2 <= len(words) <= _HEADER_WORDS and not re.search(r"[.,;:!?]$", s)
            and not _FIGURE.match(s) and not _FIGURE.search(words[-1]))


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
    at a blank line; lines between its rows (a criterion's questions) are no rows."""
    out: dict[int, tuple[int, int]] = {}
    top: tuple[int, int] | None = None
    for i, line in enumerate(lines):
        if not line.strip():
            top = None
            continue
        if is_row(line):
            if top is None and i and is_header(lines[i - 1]):
                top = (_caption_above(lines, i - 1), i - 1)
            if top is not None:
                out[i] = top
    return out


def headers(text: str) -> dict[int, str]:
    """Line number -> what heads the table that line is a row of: its caption, when one
    does, and its column names, joined."""
    lines = text.split("\n")
    return {i: re.sub(r"-\s+(?=[a-z])", "", " ".join(x.strip() for x in lines[a:b + 1]))
            for i, (a, b) in _tables(lines).items()}


def spans(text: str) -> set[tuple[int, int]]:
    """(first, last) line numbers of what heads each table of ``text``: its caption, when
    one does, and its column names."""
    return set(_tables(text.split("\n")).values())


def open_header(text: str) -> str:
    """The lines (caption and column names) heading a table ``text`` ends inside (no blank
    line after its last row), as printed, or ""."""
    lines = text.rstrip().split("\n")
    found = _tables(lines)
    if not found:
        return ""
    last = max(found)
    a, b = found[last]
    return "\n".join(lines[a:b + 1]) if all(x.strip() for x in lines[last:]) else ""


def starts_in_table(text: str, within: int = 3) -> bool:
    """Whether a row comes among the first ``within`` lines of ``text``, before any blank
    line: a piece cut from inside a table."""
    for line in text.lstrip().split("\n")[:within]:
        if not line.strip():
            return False
        if is_row(line):
            return True
    return False
