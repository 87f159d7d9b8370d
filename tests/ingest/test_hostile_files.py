"""Malformed and hostile files: each fails in bounded time with one line, and nothing else
in the batch is affected (parsing runs in a worker process with a time and memory bound)."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from assistant.library import Library
from ingest.models import IngestError
from ingest.sandbox import BoundedParser

from conftest import make_settings, write_pdf
from samples import CALL_TEXT, MOU_PAGES


def _nested_pdf(depth: int) -> bytes:
    nested = "[" * depth + "]" * depth
    body = (f"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R /X {nested} >> endobj\n"
            "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n"
            "%%EOF\n")
    return body.encode()


def _huge_count_pdf(good: bytes) -> bytes:
    return good.replace(b"/Count 1", b"/Count 999999999", 1)


def _wrong_xref(good: bytes) -> bytes:
    i = good.rfind(b"startxref")
    return good[: i + 10] + b"123456789\n%%EOF\n"


def _docx_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/media/bomb.bin", b"\0" * (300 * 1024 * 1024))
    return path


def test_malformed_pdfs_fail_cleanly_and_the_batch_goes_on(tmp_path: Path):
    good = write_pdf(tmp_path / "good.pdf", MOU_PAGES).read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "truncated.pdf").write_bytes(good[: len(good) // 2])
    (bad / "wrong-xref.pdf").write_bytes(_wrong_xref(good))
    (bad / "nested.pdf").write_bytes(_nested_pdf(5000))
    (bad / "huge-count.pdf").write_bytes(_huge_count_pdf(good))
    _docx_bomb(bad / "bomb.docx")
    (bad / "call.txt").write_text(CALL_TEXT)
    lib = Library(make_settings(tmp_path / "home"))
    t0 = time.perf_counter()
    report = lib.ingest([bad])
    assert time.perf_counter() - t0 < 120  # a bound on a hang, not a speed target
    outcome = {r["source"]: "ingested" for r in report.ingested}
    outcome |= {f["source"]: f["error"] for f in report.failed}
    assert outcome["call.txt"] == "ingested"
    assert "zip bomb" in outcome["bomb.docx"] or "malformed" in outcome["bomb.docx"]
    assert outcome["truncated.pdf"] != "ingested"
    assert outcome["nested.pdf"] != "ingested"
    for name, result in outcome.items():
        assert "\n" not in result and "Traceback" not in result, name
    # a repaired wrong xref or a lying page count may still be readable: then it is whole
    for name in ("wrong-xref.pdf", "huge-count.pdf"):
        if outcome[name] == "ingested":
            rec = lib.registry.by_source(name)[0]
            assert rec.pages == len(MOU_PAGES)
    assert lib.check().ok


@pytest.mark.slow
def test_a_file_that_takes_too_long_is_stopped_and_the_worker_replaced(tmp_path: Path):
    # A long document with a tiny time limit stands in for a file built to hang a reader.
    parser = BoundedParser(timeout_s=0.3)
    slow = write_pdf(tmp_path / "long.pdf", MOU_PAGES * 60).read_bytes()
    t0 = time.perf_counter()
    with pytest.raises(IngestError, match="took over 0.3 s"):
        parser.run(slow, "long.pdf", 50 * 1024 * 1024)
    assert time.perf_counter() - t0 < 30
    # the next file is parsed by a fresh worker (with an ordinary time limit again)
    parser.timeout_s = 60.0
    good = write_pdf(tmp_path / "good.pdf", MOU_PAGES).read_bytes()
    assert len(parser.run(good, "good.pdf", 50 * 1024 * 1024).pages) == 3
    parser.close()


def test_memory_bound_turns_into_a_reason(tmp_path: Path):
    parser = BoundedParser(memory_bytes=200 * 1024 * 1024)
    good = write_pdf(tmp_path / "good.pdf", MOU_PAGES * 50).read_bytes()
    try:
        parsed = parser.run(good, "good.pdf", 50 * 1024 * 1024)
        assert len(parsed.pages) == 150
    except IngestError as exc:
        assert "memory" in str(exc) or "crashed" in str(exc)
    finally:
        parser.close()
