"""Plain text and Markdown files to pages.

Text needs no parser library, but it does need the encoding officers' machines produce,
form feeds as page breaks (pdftotext output), and Markdown reduced to what a reader sees.
"""

from __future__ import annotations

import re

from ingest.models import IngestError, Page, ParsedDocument
from ingest.normalize import normalize_text, strip_repeated_lines
from ingest.parse.common import Fmt, _title_hint
from ingest.parse.sniff import _decode_text

_MD_HEADING = re.compile(r"^#{1,6}\s*(.+?)\s*#*\s*$", re.MULTILINE)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(\S.*?\S|\S)\1")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>\n]*>")


def markdown_text(text: str) -> str:
    """Markdown as a reader sees it: link targets, images, HTML tags and emphasis dropped.

    A relative link path ("../../verdrag/.../README.md") is not the document's text: kept,
    it becomes a passage's longest words and a title line."""
    text = _HTML_TAG.sub("", _MD_IMAGE.sub("", text))
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    # "##Title" (no space) is a heading to readers; the chunker wants "## Title".
    return re.sub(r"^(#{1,6})(?=[^#\s])", r"\1 ", text, flags=re.MULTILINE)


def _parse_text(data: bytes, source: str, max_bytes: int, fmt: Fmt) -> ParsedDocument:
    decoded = _decode_text(data)
    if decoded is None:  # sniff_format already checked; kept for direct callers
        raise IngestError("the text file cannot be decoded")
    text, encoding = decoded
    heading = None
    if fmt == "md":
        text = markdown_text(text)
        heading = _MD_HEADING.search(text)
    segments = text.split("\f")
    while len(segments) > 1 and not segments[-1].strip():
        segments.pop()
    texts = [normalize_text(seg) for seg in segments]
    if fmt == "txt" and len(texts) > 1:
        texts = strip_repeated_lines(texts)  # pdftotext output carries running headers
    pages = [Page(number=i, text=t.strip()) for i, t in enumerate(texts, start=1)]
    if not any(p.text for p in pages):
        raise IngestError("the document has no text")
    warnings: list[str] = []
    if encoding == "cp1252":
        warnings.append("the text is not UTF-8; it was read as Windows-1252 (Western European)")
    title = None
    if heading:
        title = _title_hint(heading.group(1), source)
    return ParsedDocument(source=source, fmt=fmt, pages=pages, title_hint=title, warnings=warnings)


def _parse_txt(data: bytes, source: str, max_bytes: int) -> ParsedDocument:
    return _parse_text(data, source, max_bytes, "txt")


def _parse_md(data: bytes, source: str, max_bytes: int) -> ParsedDocument:
    return _parse_text(data, source, max_bytes, "md")
