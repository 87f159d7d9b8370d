"""The CLI contract that scripts and evals depend on, run as a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write_pdf
from samples import CALL_TEXT, MOU_PAGES

COMMANDS = ["ingest", "docs", "show", "remove", "check", "ask", "agreements", "funding",
            "letter", "serve", "users", "users add"]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_help(embedded_settings, command: str | None):
    args = [*command.split(), "--help"] if command else ["--help"]
    out = run_cli(embedded_settings, *args)
    assert out.returncode == 0, out.stderr
    assert "Usage" in out.stdout


def test_ingest_docs_show_remove_json_contract(settings, tmp_path: Path):
    folder = tmp_path / "in"
    write_pdf(folder / "sub" / "mou.pdf", MOU_PAGES)
    (folder / "call.txt").write_text(CALL_TEXT)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")

    out = run_cli(settings, "ingest", str(folder), "--json")
    assert out.returncode == 1  # something failed
    report = json.loads(out.stdout)
    assert {r["source"] for r in report["ingested"]} == {"mou.pdf", "call.txt"}
    for row in report["ingested"]:
        assert set(row) == {"source", "doc_id", "type", "pages", "chunks"}
    assert [f["source"] for f in report["failed"]] == ["broken.pdf"]
    assert report["unchanged"] == []

    again = json.loads(run_cli(settings, "ingest", str(folder / "sub"), "--json").stdout)
    assert again["unchanged"] == ["mou.pdf"] and again["ingested"] == []

    docs = json.loads(run_cli(settings, "docs", "--json").stdout)
    assert {d["source"] for d in docs} == {"mou.pdf", "call.txt"}
    for d in docs:
        assert {"source", "doc_id", "type", "title", "pages", "chunks", "fields"} <= set(d)
    only_calls = json.loads(run_cli(settings, "docs", "--type", "grant_call", "--json").stdout)
    assert [d["source"] for d in only_calls] == ["call.txt"]

    shown = run_cli(settings, "show", "mou.pdf")
    assert shown.returncode == 0 and "why mou" in shown.stdout

    assert run_cli(settings, "remove", "mou.pdf").returncode == 0
    assert run_cli(settings, "remove", "mou.pdf").returncode == 1
    check = json.loads(run_cli(settings, "check", "--json").stdout)
    assert check["ok"] and check["documents"] == 1


def test_ingest_if_empty_and_bad_type(embedded_settings, tmp_path: Path):
    txt = tmp_path / "call.txt"
    txt.write_text(CALL_TEXT)
    assert run_cli(embedded_settings, "ingest", "--if-empty", str(txt)).returncode == 0
    other = tmp_path / "other.md"
    other.write_text("# Notes\nA short note about a visit to our partner town.")
    skipped = json.loads(run_cli(embedded_settings, "ingest", "--if-empty", str(other),
                                 "--json").stdout)
    assert skipped["skipped"] is True
    bad = run_cli(embedded_settings, "ingest", "--type", "poem", str(other))
    assert bad.returncode == 2 and "unknown type" in bad.stderr


def test_unreachable_chroma_server_is_one_clear_line(embedded_settings):
    from dataclasses import replace

    from conftest import free_port

    s = replace(embedded_settings, chroma_url=f"http://127.0.0.1:{free_port()}")
    out = run_cli(s, "docs")
    assert out.returncode == 2
    assert "cannot reach the Chroma server" in out.stderr
    assert "Traceback" not in out.stderr


def test_users_add_stores_a_hash_not_the_password(embedded_settings, tmp_path: Path):
    import subprocess

    from assistant import auth

    from conftest import BIN, cli_env

    users = tmp_path / "users.txt"
    out = subprocess.run([str(BIN / "microplomacy"), "users", "add", "maria", "--file",
                          str(users)], input="s3cret-pass\ns3cret-pass\n", text=True,
                         capture_output=True, env=cli_env(embedded_settings), timeout=60)
    assert out.returncode == 0, out.stderr
    stored = users.read_text()
    assert "s3cret-pass" not in stored and stored.startswith("maria:pbkdf2_sha256$")
    assert auth.verify("s3cret-pass", auth.load_users(users)["maria"])
    assert not auth.verify("wrong", auth.load_users(users)["maria"])
