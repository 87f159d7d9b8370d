"""20 sessions ask the served app for 60 s while another process ingests: no errors, every
answer correct, the ingest's documents visible to the app (evals/load_test.py does the work).

Latency is reported (printed with -s, and in the JUnit XML as properties), never asserted:
no timed tests; `make bench-load` is where the figures are read. LOAD_SESSIONS and
LOAD_SECONDS shorten it for a quick local run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from evals.load_test import report, run_load_test

SESSIONS = int(os.environ.get("LOAD_SESSIONS", "20"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))


@pytest.mark.slow
@pytest.mark.timeout(420)
def test_concurrent_sessions_during_an_ingest_get_correct_answers(
        tmp_path: Path, record_property: Callable[[str, object], None]) -> None:
    result = run_load_test(sessions=SESSIONS, seconds=SECONDS, work_dir=tmp_path / "load")
    print("\n" + report(result))
    for name, phase in (("baseline", result.baseline), ("load", result.load)):
        for key in ("requests", "p50_ms", "p95_ms", "max_ms", "throughput_rps"):
            record_property(f"{name}_{key}", getattr(phase, key))

    load, ingest = result.load, result.ingest
    assert result.baseline.errors == result.baseline.wrong == 0, result.baseline
    assert load.errors == 0, load.error_samples
    assert load.wrong == 0, load.wrong_samples
    assert len(load.per_session) == SESSIONS
    assert min(load.per_session) >= 3, load.per_session  # every session was served
    # the ingest really overlapped the window, then finished cleanly
    assert ingest.stored_during_window > 0, ingest
    assert ingest.returncode == 0 and ingest.failed == 0, ingest
    assert ingest.ingested == ingest.documents, ingest
    # and the app sees what the other process stored
    assert ingest.library_documents == ingest.expected_documents, ingest
    assert ingest.answered_from_new_document, ingest
