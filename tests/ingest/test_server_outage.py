"""The Chroma server going away mid-session: one clear line, nothing half-written, and
everything works again once the server is back."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, free_port, make_settings, run_cli, wait_for_port, write_pdf
from samples import CALL_TEXT, MOU_PAGES


def _start(path: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([str(BIN / "chroma"), "run", "--host", "127.0.0.1", "--port",
                             str(port), "--path", str(path)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_for_port(port, proc=proc)
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.slow
def test_server_down_then_back(tmp_path: Path):
    port = free_port()
    settings = make_settings(tmp_path / "home", f"http://127.0.0.1:{port}")
    server = _start(tmp_path / "db", port)
    first = write_pdf(tmp_path / "in" / "mou.pdf", MOU_PAGES)
    assert run_cli(settings, "ingest", str(first)).returncode == 0
    _stop(server)

    down = run_cli(settings, "docs")
    assert down.returncode == 2 and "Traceback" not in down.stderr
    assert "Chroma server" in down.stderr

    second = tmp_path / "in" / "call.txt"
    second.write_text(CALL_TEXT)
    failed = run_cli(settings, "ingest", str(second), "--json")
    assert failed.returncode != 0 and "Traceback" not in failed.stderr

    server = _start(tmp_path / "db", port)
    try:
        docs = json.loads(run_cli(settings, "docs", "--json").stdout)
        assert [d["source"] for d in docs] == ["mou.pdf"]
        again = json.loads(run_cli(settings, "ingest", str(tmp_path / "in"), "--json").stdout)
        assert again["unchanged"] == ["mou.pdf"]
        assert [r["source"] for r in again["ingested"]] == ["call.txt"]
        assert json.loads(run_cli(settings, "check", "--json").stdout)["ok"]
    finally:
        _stop(server)


def test_a_server_that_never_answers_times_out_in_one_line(tmp_path: Path):
    """A hung server (accepts connections, never replies) must not hang the officer."""
    import socket
    import time

    from assistant.config import Settings
    from assistant.library import shared_embedder
    from ingest.store import Store, StoreUnavailableError

    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)  # connections are queued by the kernel and never read
        port = hung.getsockname()[1]
        embedder = shared_embedder(Settings(home=tmp_path))
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError) as exc:
            Store.open(embedder, host="127.0.0.1", port=port, timeout_s=1.0)
        assert time.monotonic() - started < 30  # bounded, not a benchmark
        assert f"127.0.0.1:{port}" in str(exc.value) and "Timeout" in str(exc.value)


def test_requests_to_the_server_are_bounded(chroma_server: str, tmp_path: Path):
    from assistant.library import Library

    lib = Library(make_settings(tmp_path / "home", chroma_server))
    session = lib.store.client._server._session  # what _bound_requests sets
    assert session.timeout.read == 120.0 and session.timeout.connect == 5.0


def test_a_revision_bump_the_server_drops_stays_off_the_terminal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture):
    """Committed documents, then the server dies before the library's revision is bumped:
    nothing is lost and nothing is for the officer to do, so no warning (the command says
    the server is down in its own one line); the traceback goes to the log file's level."""
    import logging

    from assistant.library import Library

    library = Library(make_settings(tmp_path / "home"))
    documents = library.store.documents

    def dropped(**_kwargs: object) -> None:
        raise ConnectionError("Server disconnected without sending a response.")

    monkeypatch.setattr(documents, "modify", dropped)
    with caplog.at_level(logging.INFO, logger="ingest.registry"):
        library.registry._bump()
    bumps = [r for r in caplog.records if "revision" in r.getMessage()]
    assert bumps and all(r.levelno < logging.WARNING for r in bumps)
    assert bumps[0].exc_info is not None
