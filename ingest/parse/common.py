"""Helpers shared by the format parsers: sizes and reasons for refusal messages, title hints.

They live apart from any one parser because PDF, DOCX and text files all refuse in the same
voice and judge metadata titles by the same rule; keeping one copy keeps the messages alike.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from ingest.normalize import normalize_text

Fmt = Literal["pdf", "docx", "txt", "md"]


def _human_size(n: int) -> str:
    if n >= 1024 * 1024:
        value = n / (1024 * 1024)
        return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"
    if n >= 1024:
        value = n / 1024
        return f"{value:.0f} KB" if value == int(value) else f"{value:.1f} KB"
    return f"{n} bytes"


_TRUNCATED_HINTS = ("stream has ended unexpectedly", "eof marker", "startxref", "unexpected end")


def _short_reason(exc: BaseException, limit: int = 100) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if any(hint in text.lower() for hint in _TRUNCATED_HINTS):
        return "the file is incomplete (interrupted download or copy?)"
    return text if len(text) <= limit else text[: limit - 3] + "..."


_JUNK_TITLES = re.compile(
    r"^(?:untitled|untitled document|document\d*|microsoft word\b.*|powerpoint presentation|"
    r"slide \d+|title|no title|none|null|unknown|[\W\d_]+)$",
    re.IGNORECASE,
)
_FILE_LIKE = re.compile(r"\.(?:pdf|docx?|odt|rtf|txt|tex|dvi|ps|indd|pages|html?)$", re.IGNORECASE)


def _title_hint(raw: Any, source: str) -> str | None:
    """Keep a metadata title only when it adds information over the file name.

    Producers fill /Title with "Untitled", "Microsoft Word - draft3.docx" or the file
    name itself; passing those on would mislead classification and display.
    """
    if not isinstance(raw, str):
        return None
    title = normalize_text(raw).replace("\n", " ").strip()
    if not 3 <= len(title) <= 200 or _JUNK_TITLES.match(title) or _FILE_LIKE.search(title):
        return None

    def squash(s: str) -> str:
        return re.sub(r"[\W_]+", "", s.casefold())

    stem = source.rsplit(".", 1)[0]
    if squash(title) and squash(title) in (squash(stem), squash(stem.split("_")[-1])):
        return None
    return title
