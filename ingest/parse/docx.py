"""DOCX files to text, after checking the archive is not a zip bomb.

python-docx loads every part into memory, so the archive's declared sizes are checked
before it is opened; the body is then walked as XML to keep reading order and skip the
duplicated or deleted text Word leaves in the file.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from ingest.models import IngestError, Page, ParsedDocument
from ingest.normalize import normalize_text
from ingest.parse.common import _human_size, _short_reason, _title_hint

log = logging.getLogger(__name__)

# DOCX zip-bomb guard. python-docx loads every part into memory, so the bound is on the
# total uncompressed size. Real DOCX files are mostly already-compressed images (ratio
# ~1) plus XML (ratio ~5-20); a ratio of hundreds only comes from crafted content.
DOCX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
DOCX_MAX_RATIO = 200
DOCX_RATIO_MIN_SIZE = 1024 * 1024  # tiny parts can have silly ratios legitimately
DOCX_MAX_ENTRIES = 10_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_PAGE_BREAK = "\f"  # internal marker, split on after the walk


def _check_zip_bomb(data: bytes, max_bytes: int) -> None:
    limit = max(DOCX_MAX_UNCOMPRESSED, 4 * max_bytes)
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(
            "the DOCX is damaged and cannot be opened (broken ZIP archive); "
            "re-save it from Word and try again"
        ) from exc
    if len(infos) > DOCX_MAX_ENTRIES:
        raise IngestError(
            f"the DOCX is malformed or a zip bomb ({len(infos)} parts); it was not opened"
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= DOCX_RATIO_MIN_SIZE and ratio > DOCX_MAX_RATIO:
            raise IngestError(
                "the DOCX is malformed or a zip bomb (a part expands "
                f"{ratio:.0f} times when unpacked); it was not opened"
            )
    if total > limit:
        raise IngestError(
            f"the DOCX is malformed or a zip bomb (it unpacks to {_human_size(total)}, "
            f"over {_human_size(limit)}); it was not opened"
        )


def _parse_docx(data: bytes, source: str, max_bytes: int) -> ParsedDocument:
    _check_zip_bomb(data, max_bytes)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError) as exc:
        raise IngestError(
            f"the DOCX is damaged and cannot be opened: {_short_reason(exc, 80)}"
        ) from exc
    except ValueError as exc:  # python-docx: "file ... is not a Word file, content type is ..."
        raise IngestError(
            "the DOCX is damaged or is not a plain Word document (macro-enabled files and "
            "templates are not supported; save it as .docx)"
        ) from exc
    except Exception as exc:  # lxml XMLSyntaxError and friends
        raise IngestError(
            f"the DOCX is damaged and cannot be opened: {type(exc).__name__}"
        ) from exc

    body = document.element.body
    raw = "\n".join(_docx_blocks(body))
    segments = raw.split(_PAGE_BREAK)
    pages = [Page(number=i, text=normalize_text(seg)) for i, seg in enumerate(segments, start=1)]
    # A trailing page break (common before a section end) would leave an empty last page.
    while len(pages) > 1 and not pages[-1].text:
        pages.pop()
    if not any(p.text for p in pages):
        raise IngestError("the document has no text")

    title = None
    try:
        title = _title_hint(document.core_properties.title, source)
    except Exception:  # broken docProps must not block ingest
        log.debug("%s: unreadable core properties", source, exc_info=True)
    return ParsedDocument(source=source, fmt="docx", pages=pages, title_hint=title)


def _docx_blocks(container: Any) -> Iterator[str]:
    """Paragraphs and tables in body order; page breaks become an internal marker.

    Working on the XML rather than python-docx's paragraph/table lists keeps body
    order, sees content controls (w:sdt), and avoids the duplicated text of
    mc:AlternateContent fallbacks. Section properties and page headers are not body
    text and are skipped.
    """
    for child in container.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            yield _docx_paragraph(child)
        elif tag == f"{_W}tbl":
            yield from _docx_table(child)
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _docx_blocks(content)
        elif tag in (f"{_W}customXml", f"{_W}ins", f"{_W}smartTag"):
            yield from _docx_blocks(child)


def _docx_paragraph(p: Any) -> str:
    parts: list[str] = []
    ppr = p.find(f"{_W}pPr")
    if ppr is not None:
        before = ppr.find(f"{_W}pageBreakBefore")
        if before is not None and before.get(f"{_W}val", "true") not in ("0", "false", "off"):
            parts.append(_PAGE_BREAK)
    _docx_runs(p, parts)
    return "".join(parts)


def _docx_runs(element: Any, parts: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            parts.append("\t")
        elif tag == f"{_W}br":
            parts.append(_PAGE_BREAK if child.get(f"{_W}type") == "page" else "\n")
        elif tag == f"{_W}cr":
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        elif tag in (f"{_W}pPr", f"{_W}rPr", f"{_W}delText", f"{_W}instrText", _MC_FALLBACK):
            continue
        elif tag == f"{_W}p":  # paragraphs inside text boxes
            parts.append("\n")
            _docx_runs(child, parts)
            parts.append("\n")
        elif tag == f"{_W}del":
            continue  # tracked deletions are not part of the text
        else:
            _docx_runs(child, parts)


def _docx_table(tbl: Any) -> Iterator[str]:
    for tr in tbl.iter(f"{_W}tr"):
        if tr.getparent() is not tbl:
            continue  # nested tables are flattened into their cell's text
        cells: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            texts: list[str] = []
            for p in tc.iter(f"{_W}p"):
                parts: list[str] = []
                _docx_runs(p, parts)
                texts.append("".join(parts).replace(_PAGE_BREAK, " "))
            cells.append(" ".join(" ".join(texts).split()))
        if any(cells):
            yield " | ".join(cells)
