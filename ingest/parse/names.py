"""Uploaded file names reduced to something safe to store and show back.

A name is the document's identity in the library and appears in every answer that cites
it, so it is cleaned before anything else looks at the file.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata

from ingest.models import IngestError

MAX_NAME_CHARS = 150


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
