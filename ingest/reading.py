"""The document being read: its language and country, for the values layer.

A numeric date's order, the '$' of a dollar, and which translated country names count all
depend on the document. Extraction sets them once per document (``with reading(...)``) and
``ingest.dates``, ``ingest.amounts`` and ``ingest.countries`` use them wherever a caller
does not pass its own, as ``decimal.localcontext`` does for precision.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    lang: str | None = None  # ISO 639-1
    country: str | None = None  # English short name


_CURRENT: ContextVar[Reading | None] = ContextVar("reading", default=None)


def current() -> Reading:
    return _CURRENT.get() or Reading()


@contextmanager
def reading(lang: str | None, country: str | None = None) -> Iterator[Reading]:
    token = _CURRENT.set(Reading(lang or None, country or None))
    try:
        yield current()
    finally:
        _CURRENT.reset(token)
