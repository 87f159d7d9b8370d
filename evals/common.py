"""What the eval scripts share: gold files, fact matching, a library holding the corpus."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A free loopback port (the scripts and the tests start their servers on one)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0, proc: subprocess.Popen | None = None,
                  what: str = "server") -> None:
    """Return once something listens on ``port``; fail fast if ``proc`` dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited early with code {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not listen on port {port} within {timeout:.0f} s")


@contextmanager
def chroma_server(data: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A `chroma run` server over ``data/db`` on a free loopback port, log in
    ``data/server.log``; stopped on exit. Yields its URL and process."""
    port = free_port()
    data.mkdir(parents=True, exist_ok=True)
    with open(data / "server.log", "wb") as out:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "chroma"), "run", "--host",
                                 "127.0.0.1", "--port", str(port), "--path", str(data / "db")],
                                stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for_port(port, 60, proc, "chroma run")
            yield f"http://127.0.0.1:{port}", proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


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
