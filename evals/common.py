"""What the eval scripts share: gold files, fact matching, a library holding the corpus."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def normalise(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("’", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def has_fact(text: str, alternatives: list[str]) -> bool:
    """A fact is present when any of its surface forms is, case and spacing aside."""
    low = normalise(text)
    return any(normalise(alt) in low for alt in alternatives)


def corpus_library(home: Path | None, prefix: str):  # noqa: ANN201 - assistant.library.Library
    """A library over ``home``; with none, a fresh one with the sample corpus ingested."""
    from assistant.config import Settings
    from assistant.library import Library

    lib = Library(Settings(home=home or Path(tempfile.mkdtemp(prefix=prefix))))
    if home is None:
        lib.ingest([REPO / "corpus" / "docs"])
    return lib
