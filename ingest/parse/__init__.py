"""Turn uploaded bytes (PDF, DOCX, TXT, MD) into a ParsedDocument, or refuse with one clear line.

Officers upload whatever they were sent: scans, password-protected PDFs, Word files
renamed to .pdf, zip bombs by accident or not. The rule here is that ``parse_bytes``
either returns normalised pages or raises ``IngestError`` with a one-line message an
officer can act on; no other exception type escapes, so a batch never crashes on one
bad file. The format is decided by content and must agree with the extension: a
mismatch is almost always a mistake worth telling the user about.

The package holds one module per concern so each stays readable: ``names`` (safe source
names), ``sniff`` (format detection), ``pdf`` (text layers, scans and the OCR hand-off),
``docx`` (zip-bomb check and Word XML), ``text`` (TXT and Markdown) and ``common``
(helpers they share). Limits that tests patch live in the module that reads them, e.g.
``ingest.parse.docx.DOCX_MAX_UNCOMPRESSED``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ingest.language import detect
from ingest.models import IngestError, ParsedDocument
from ingest.ocr import OcrOptions, ProgressFn
from ingest.parse.common import _human_size
from ingest.parse.docx import _parse_docx
from ingest.parse.names import safe_source_name
from ingest.parse.pdf import _page_list, _parse_pdf
from ingest.parse.sniff import sniff_format
from ingest.parse.text import _parse_md, _parse_txt

# _human_size and _page_list are private but tests check their wording through this package.
__all__ = ["parse_bytes", "sniff_format", "safe_source_name", "MAX_BYTES", "_human_size",
           "_page_list"]

log = logging.getLogger(__name__)

MAX_BYTES = 50 * 1024 * 1024


def parse_bytes(data: bytes, name: str, *, max_bytes: int = MAX_BYTES,
                ocr: OcrOptions | None = None,
                progress: ProgressFn | None = None) -> ParsedDocument:
    """Parse one uploaded file; the only exception that can escape is ``IngestError``.
    Scanned PDF pages are read by OCR when ``ocr`` allows it (``progress`` hears of each)."""
    try:
        source = safe_source_name(name)
        if len(data) > max_bytes:
            raise IngestError(
                f"the file is {_human_size(len(data))}, over the {_human_size(max_bytes)} limit"
            )
        fmt = sniff_format(data, source)
        if fmt == "pdf":
            doc = _parse_pdf(data, source, max_bytes, ocr=ocr or OcrOptions(),
                             progress=progress)
        else:
            parser: Callable[[bytes, str, int], ParsedDocument] = _PARSERS[fmt]
            doc = parser(data, source, max_bytes)
        for page in doc.pages:
            page.language = page.language or detect(page.text)
    except IngestError as exc:
        message = " ".join(str(exc).split())  # one line, whatever a helper produced
        log.info("refused %r: %s", name, message)
        if message != str(exc):
            raise IngestError(message) from exc
        raise
    except RecursionError as exc:  # deeply nested PDF objects
        log.warning("recursion error while parsing %r", name, exc_info=True)
        raise IngestError("could not read the file: its structure is too deeply nested") from exc
    except MemoryError as exc:
        raise IngestError("could not read the file: it needs too much memory to open") from exc
    except Exception as exc:
        log.exception("unexpected error while parsing %r", name)
        raise IngestError(f"could not read the file: {type(exc).__name__}") from exc
    log.info(
        "parsed %s (%s): %d pages, %d read by OCR, %d unread scans, %d warnings",
        doc.source,
        doc.fmt,
        len(doc.pages),
        len(doc.scanned_pages),
        len(doc.ocr_pages),
        len(doc.warnings),
    )
    return doc


_PARSERS: dict[str, Callable[[bytes, str, int], ParsedDocument]] = {
    "pdf": _parse_pdf,
    "docx": _parse_docx,
    "txt": _parse_txt,
    "md": _parse_md,
}
