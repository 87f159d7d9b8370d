"""Turn uploaded bytes (PDF, DOCX, TXT, MD) into a ParsedDocument, or refuse with one clear line.

Officers upload whatever they were sent: scans, password-protected PDFs, Word files
renamed to .pdf, zip bombs by accident or not. The rule here is that ``parse_bytes``
either returns normalised pages or raises ``IngestError`` with a one-line message an
officer can act on; no other exception type escapes, so a batch never crashes on one
bad file. The format is decided by content and must agree with the extension: a
mismatch is almost always a mistake worth telling the user about.
"""

from __future__ import annotations

import logging
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from io import BytesIO
from typing import Any, Literal

from ingest.cover import cover_title
from ingest.language import detect
from ingest.models import IngestError, Page, ParsedDocument
from ingest.normalize import normalize_text, strip_repeated_lines
from ingest.ocr import OcrOptions, ProgressFn, ocr_status, read_scanned_pages

__all__ = ["parse_bytes", "sniff_format", "safe_source_name", "MAX_BYTES"]

log = logging.getLogger(__name__)

Fmt = Literal["pdf", "docx", "txt", "md"]

MAX_BYTES = 50 * 1024 * 1024
MAX_NAME_CHARS = 150
# A page with fewer non-space characters than this, but with images, is treated as a
# scan: a stray page number or "Background" label must not pass for a text layer.
MIN_PAGE_CHARS = 20
# A page with an image and less text than this may be a scan under a printed header
# (the Sister Cities toolkit's pages 4-7 carry only "Partnership Agreement Toolkit"):
# OCR reads it, and its text replaces the layer's when it finds much more.
THIN_PAGE_CHARS = 200
# Mean word confidence (Tesseract, 0-100) under which a page is flagged: the toolkit's
# 70-dpi italic scan reads at ~71 with about a third of its characters wrong; clean
# 300-dpi scans read at 90+.
LOW_OCR_CONFIDENCE = 80.0

# DOCX zip-bomb guard. python-docx loads every part into memory, so the bound is on the
# total uncompressed size. Real DOCX files are mostly already-compressed images (ratio
# ~1) plus XML (ratio ~5-20); a ratio of hundreds only comes from crafted content.
DOCX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
DOCX_MAX_RATIO = 200
DOCX_RATIO_MIN_SIZE = 1024 * 1024  # tiny parts can have silly ratios legitimately
DOCX_MAX_ENTRIES = 10_000

_EXTENSIONS: dict[str, Fmt] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
}
_PDF_HEADER_WINDOW = 1024


# --------------------------------------------------------------------------- names


def safe_source_name(name: str) -> str:
    """Reduce an uploaded file name to a safe base name.

    The name is stored as the document's identity and shown back to users, so it must
    never carry a path (``../../etc/passwd.pdf``), a Windows drive, control or bidi
    override characters (which can disguise an extension), or be absurdly long.
    """
    base = re.split(r"[/\\]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    base = " ".join(base.split())  # tabs, newlines, odd spaces -> single spaces
    base = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf")).strip()
    # Nothing, only dots, or only an extension (".pdf"): there is no name to keep.
    if re.fullmatch(r"[. ]*(?:\.[^.]*)?", base):
        raise IngestError(f"file name {_quote(name)} is not usable: rename the file and try again")
    base = base.lstrip(". ").rstrip(". ")
    if len(base) > MAX_NAME_CHARS:
        stem, dot, ext = base.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            base = stem[: MAX_NAME_CHARS - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            base = base[:MAX_NAME_CHARS].rstrip(" .")
    return base


def _quote(raw: str, limit: int = 60) -> str:
    shown = "".join(ch if ch.isprintable() else "?" for ch in raw)
    if len(shown) > limit:
        shown = shown[: limit - 3] + "..."
    return f"'{shown}'"


def _extension(name: str) -> str:
    base = re.split(r"[/\\]", name)[-1].strip().rstrip(".")
    _, ext = posixpath.splitext(base)
    return ext.lower()


# --------------------------------------------------------------------------- sniffing


def _describe(data: bytes) -> str:
    """Say what the bytes look like, for mismatch messages."""
    head = data[:_PDF_HEADER_WINDOW]
    if b"%PDF-" in head:
        return "a PDF"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return "a ZIP archive"
        if "word/document.xml" in names:
            return "a Word DOCX document"
        if any(n.startswith("xl/") for n in names):
            return "an Excel workbook"
        if any(n.startswith("ppt/") for n in names):
            return "a PowerPoint presentation"
        if "content.xml" in names:
            return "an OpenDocument file"
        return "a ZIP archive"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "an old-style Office file such as .doc or .xls"
    if data.startswith(b"{\\rtf"):
        return "an RTF document"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "an image"
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML)"
    if lowered.startswith(b"<?xml"):
        return "an XML file"
    if _decode_text(data) is not None:
        return "plain text"
    return "binary data"


def _decode_text(data: bytes) -> tuple[str, str] | None:
    """Decode text files the way officers' machines produce them; None when it is binary."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows Notepad "Unicode"
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    if b"\x00" in data:
        return None
    for encoding in ("utf-8", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
        if controls > max(8, len(text[:65536]) // 100):
            return None
        return text, encoding
    return None


def _is_docx_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        if data.startswith(b"PK\x03\x04"):
            raise IngestError(
                "the DOCX is damaged and cannot be opened (broken ZIP archive); "
                "re-save it from Word and try again"
            ) from None
        return False


def sniff_format(data: bytes, name: str) -> Fmt:
    """Decide the format from the extension and check that the content agrees.

    Trusting the extension alone lets a ZIP or an executable reach a PDF parser;
    trusting content alone surprises users. Requiring both catches mislabelled files
    early with a message that says what the file really is.
    """
    ext = _extension(name)
    fmt = _EXTENSIONS.get(ext)
    if fmt is None:
        shown = f"'{ext}'" if ext else "(no extension)"
        raise IngestError(f"unsupported file type {shown} (supported: PDF, DOCX, TXT, MD)")
    if not data:
        raise IngestError("the file is empty")
    if fmt == "pdf":
        ok = b"%PDF-" in data[:_PDF_HEADER_WINDOW]
    elif fmt == "docx":
        ok = _is_docx_zip(data)
    else:
        ok = (
            not data.lstrip().startswith(b"%PDF-")
            and not data.startswith(b"PK\x03\x04")
            and _decode_text(data) is not None
        )
    if not ok:
        raise IngestError(
            f"content does not match the {ext} extension (it looks like {_describe(data)})"
        )
    return fmt


# --------------------------------------------------------------------------- entry point


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


def _human_size(n: int) -> str:
    if n >= 1024 * 1024:
        value = n / (1024 * 1024)
        return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"
    if n >= 1024:
        value = n / 1024
        return f"{value:.0f} KB" if value == int(value) else f"{value:.1f} KB"
    return f"{n} bytes"


def _page_list(numbers: list[int]) -> str:
    """'3, 4, 7' or '3-9, 12' so that a 100-page scan does not produce a 400-char warning."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        if prev - start >= 2:
            parts.append(f"{start}-{prev}")
        else:
            parts.extend(str(x) for x in range(start, prev + 1))
        if n is not None:
            start = prev = n
    return ", ".join(parts)


_TRUNCATED_HINTS = ("stream has ended unexpectedly", "eof marker", "startxref", "unexpected end")


def _short_reason(exc: BaseException, limit: int = 100) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if any(hint in text.lower() for hint in _TRUNCATED_HINTS):
        return "the file is incomplete (interrupted download or copy?)"
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- PDF

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


def _pdf_has_images(page: Any) -> bool:
    """Cheap scan check: image XObjects (also inside form XObjects) or inline images.

    Only dictionaries and the page's own content stream are inspected; image data is
    never decoded, so this stays fast on 40 MB scans.
    """
    try:
        resources = page.get("/Resources")
        if _resources_have_images(resources, depth=0):
            return True
        contents = page.get_contents()
        if contents is None:
            return False
        stream = contents.get_data()
        return bool(re.search(rb"(?:^|\s)BI\s", stream)) and b"ID" in stream
    except Exception:  # a malformed resource dict just means "no images found"
        log.debug("image check failed", exc_info=True)
        return False


def _resources_have_images(resources: Any, depth: int) -> bool:
    if resources is None or depth > 3:
        return False
    resources = resources.get_object()
    xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
    if xobjects is None:
        return False
    xobjects = xobjects.get_object()
    for ref in list(xobjects.values())[:200]:
        obj = ref.get_object()
        subtype = obj.get("/Subtype") if hasattr(obj, "get") else None
        if subtype == "/Image":
            return True
        if subtype == "/Form" and _resources_have_images(obj.get("/Resources"), depth + 1):
            return True
    return False


def _parse_pdf(data: bytes, source: str, max_bytes: int, ocr: OcrOptions | None = None,
               progress: ProgressFn | None = None) -> ParsedDocument:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(BytesIO(data), strict=False)
    except Exception as exc:  # pypdf raises many types on broken structure
        raise IngestError(f"the PDF is damaged and cannot be read: {_short_reason(exc)}") from exc

    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError as exc:
            raise IngestError(
                "the PDF is encrypted with AES and cannot be opened here; "
                "save an unprotected copy and try again"
            ) from exc
        except (PdfReadError, ValueError, KeyError, TypeError, NotImplementedError) as exc:
            raise IngestError(
                f"the PDF is encrypted and cannot be opened: {_short_reason(exc)}"
            ) from exc
        if not opened:
            raise IngestError("the PDF is encrypted and needs a password")

    try:
        n_pages = len(reader.pages)
    except FileNotDecryptedError as exc:
        raise IngestError("the PDF is encrypted and needs a password") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise IngestError(f"the PDF is damaged and cannot be read: {_short_reason(exc)}") from exc
    if n_pages == 0:
        raise IngestError("the PDF has no pages")

    warnings: list[str] = []
    raw_texts: list[str] = []
    pages: list[Any] = []
    failed: list[int] = []
    for index in range(n_pages):
        page = None
        try:
            page = reader.pages[index]
            text = page.extract_text() or ""
        except FileNotDecryptedError as exc:
            raise IngestError("the PDF is encrypted and needs a password") from exc
        except Exception as exc:  # one bad page must not lose the document
            log.warning("%s: page %d failed: %s", source, index + 1, _short_reason(exc))
            failed.append(index + 1)
            text = ""
        pages.append(page)
        raw_texts.append(normalize_text(text))

    if len(failed) == n_pages:
        raise IngestError("the PDF is damaged and cannot be read: no page could be read")
    if failed:
        warnings.append(
            f"{_plural_pages(failed)} could not be read and {'were' if len(failed) > 1 else 'was'}"
            " left out"
        )

    texts = strip_repeated_lines(raw_texts)
    result: list[Page] = []
    scans: list[int] = []
    for number, (page, text) in enumerate(zip(pages, texts, strict=True), start=1):
        text = text.strip()
        visible = _visible_chars(text)
        images = visible < THIN_PAGE_CHARS and page is not None and _pdf_has_images(page)
        scanned = (visible < MIN_PAGE_CHARS and images) or _garbled(text)
        if scanned:
            text = ""  # a stray label or a broken encoding is noise: OCR reads the page
        if scanned or images:  # a thin text layer over an image: a scan with a printed header
            scans.append(number)
        result.append(Page(number=number, text=text, needs_ocr=scanned))
    options = ocr or OcrOptions()
    if scans:
        _read_scans(data, result, scans, options, progress, warnings)
    unread = [p.number for p in result if p.needs_ocr]
    ocr_off = _ocr_off(options)

    if not any(p.text for p in result):
        if unread and not ocr_off:
            raise IngestError("no text found, even by OCR: the scan may be blank, too faint "
                              "or a photo; try a cleaner scan")
        if unread:
            raise IngestError("no extractable text: it looks like a scanned or image-only PDF "
                              f"and needs OCR first ({ocr_off})")
        raise IngestError("the document has no text")
    if unread:
        warnings.append(
            f"{_plural_pages(unread)} {'have' if len(unread) > 1 else 'has'} no text layer "
            f"(scanned?) and {'were' if len(unread) > 1 else 'was'} not indexed: "
            + (ocr_off or "OCR found no text on it")
        )

    title = None
    try:
        metadata = reader.metadata
        title = _title_hint(metadata.get("/Title") if metadata else None, source)
    except Exception:  # broken metadata must not block ingest (sample 017)
        log.debug("%s: unreadable metadata", source, exc_info=True)
    # what the cover prints beats what the producer filled in
    cover = cover_title(reader.pages[0]) if len(reader.pages) else None
    return ParsedDocument(
        source=source, fmt="pdf", pages=result, title_hint=cover or title, warnings=warnings,
        cover_title=cover,
    )


def _visible_chars(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _ocr_off(options: OcrOptions) -> str:
    """Why scans are not read here, or "" when they are."""
    if not options.enabled:
        return "OCR is switched off (MICROPLOMACY_OCR=off)"
    status = ocr_status()
    return "" if status.available else status.describe()


def _garbled(text: str) -> bool:
    """A text layer from a broken font encoding: mostly replacement characters, "(cid:N)"
    codes or symbols. The page image is still right, so OCR reads it instead."""
    visible = _visible_chars(text)
    if visible < 200:
        return False
    bad = text.count("\ufffd") + 6 * text.count("(cid:")
    symbols = sum(1 for ch in text if not ch.isspace() and not ch.isalnum()
                  and unicodedata.category(ch)[0] not in "PS")
    return (bad + symbols) / visible > 0.3


def _read_scans(data: bytes, pages: list[Page], numbers: list[int], options: OcrOptions,
                progress: ProgressFn | None, warnings: list[str]) -> None:
    """Fill scanned pages with OCR text; the language pack follows the text layer."""
    context = "\n".join(p.text for p in pages if p.text)[:3000]
    try:
        read = read_scanned_pages(data, numbers, context=context, options=options,
                                  progress=progress)
    except Exception as exc:  # noqa: BLE001 - pdfium refusing a file pypdf read: keep the text
        log.warning("OCR could not open the file: %s", _short_reason(exc))
        read = {}
    low: list[int] = []
    for page in pages:
        got = read.get(page.number)
        if got is None or _visible_chars(got.text) < MIN_PAGE_CHARS:
            continue
        layer = _visible_chars(page.text)
        if layer and _visible_chars(got.text) < 2 * layer + 100:
            continue  # a figure with a caption: the text layer already says what it says
        page.text = normalize_text(got.text).strip()
        page.needs_ocr = False
        page.ocr_confidence = round(got.confidence, 1)
        if got.confidence < LOW_OCR_CONFIDENCE:
            low.append(page.number)
    if read:
        log.info("OCR read %d of %d scanned page(s)", len(read), len(numbers))
    if low:
        warnings.append(f"{_plural_pages(low)} {'were' if len(low) > 1 else 'was'} read from "
                        "a poor scan (low OCR confidence): check the original before relying "
                        f"on {'them' if len(low) > 1 else 'it'}")


def _plural_pages(numbers: list[int]) -> str:
    return f"{'pages' if len(numbers) > 1 else 'page'} {_page_list(numbers)}"


# --------------------------------------------------------------------------- DOCX

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


# --------------------------------------------------------------------------- TXT / MD

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


_PARSERS: dict[str, Callable[[bytes, str, int], ParsedDocument]] = {
    "pdf": _parse_pdf,
    "docx": _parse_docx,
    "txt": _parse_txt,
    "md": _parse_md,
}
