"""Decide a file's format from its extension and its bytes, which must agree.

Kept apart from the parsers so that a mislabelled file is refused, with a message saying
what it really is, before any parser library is handed bytes it was not written for.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from ingest.models import IngestError
from ingest.parse.common import Fmt
from ingest.parse.names import _extension

_EXTENSIONS: dict[str, Fmt] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
}
_PDF_HEADER_WINDOW = 1024


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
