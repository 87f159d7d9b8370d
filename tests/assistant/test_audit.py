"""The audit log records ingests, removals and letters, as whole JSON lines."""

from __future__ import annotations

import socket
from pathlib import Path

from assistant.audit import AuditLog
from assistant.library import Library

from conftest import make_settings, run_cli
from samples import CALL_TEXT


def test_ingest_remove_and_letter_are_audited(tmp_path: Path):
    settings = make_settings(tmp_path / "home")
    lib = Library(settings)
    call = tmp_path / "call.txt"
    call.write_text(CALL_TEXT)
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf")
    lib.ingest([call, tmp_path / "bad.pdf"], user="officer1")
    lib.ingest([call])  # unchanged: nothing to audit
    lib.remove("call.txt", user="officer1")
    run_cli(settings, "letter", "letter to the Mayor of Oakhaven about our agreement")
    entries = lib.audit.entries()
    assert [e["action"] for e in entries] == ["ingest", "remove", "letter"]
    assert entries[0]["user"] == "officer1" and entries[0]["ingested"][0][0] == "call.txt"
    assert entries[0]["failed"][0][0] == "bad.pdf"
    assert entries[2]["refused"] is True
    assert {e["host"] for e in entries} == {socket.gethostname()}


def test_concurrent_writers_never_interleave_lines(tmp_path: Path):
    import multiprocessing

    path = tmp_path / "audit.jsonl"
    procs = [multiprocessing.Process(target=_write_many, args=(path, i)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    entries = AuditLog(path).entries()
    assert len(entries) == 4 * 200


def _write_many(path: Path, n: int) -> None:
    log = AuditLog(path)
    for i in range(200):
        log.record("login", user=f"user{n}", detail="x" * (i % 50))


def test_uploads_type_changes_and_removals_in_the_app_are_audited_with_the_user(
        tmp_path: Path):
    from assistant.ui import change_type, delete_document, upload_files

    lib = Library(make_settings(tmp_path / "home"))
    upload = tmp_path / "upload" / "call.txt"
    upload.parent.mkdir()
    upload.write_text(CALL_TEXT)
    assert "call.txt" in upload_files(lib, [str(upload)], "", None, "officer2")
    [rec] = lib.documents()
    assert "now filed" in change_type(lib, rec.doc_id, "policy_report", "officer2")
    assert "Removed" in delete_document(lib, rec.doc_id, "officer2")
    entries = lib.audit.entries()
    assert [(e["action"], e["user"]) for e in entries] == [
        ("ingest", "officer2"), ("ingest", "officer2"), ("remove", "officer2")]
    assert entries[0]["ingested"][0][0] == "call.txt"
