"""The browser app's handlers are the library's functions; served for real over HTTP.

These run without a browser (tests/ui/ drives a real Chromium): each handler is called as
the page would call it, on the sample corpus or on a fresh library it may change.
"""

from __future__ import annotations

import subprocess
import urllib.request
from dataclasses import replace
from datetime import date
from pathlib import Path

import gradio as gr
import pytest

from assistant import auth
from assistant.ask import Assistant
from assistant.conversation import Conversation
from assistant.letters import LetterWriter
from assistant.library import Library
from assistant.ui import (
    STOPPED,
    WRITING,
    agreement_view,
    ask_filters,
    build_app,
    change_type,
    chat_reply,
    create_server,
    delete_document,
    document_details,
    document_frame,
    draft_letter,
    export_letter,
    friendly,
    funding_search,
    funding_view,
    keep_draft,
    library_summary,
    login_check,
    original_response,
    partner_choices,
    upload_files,
)

from conftest import BIN, cli_env, free_port, make_settings, wait_for_port, write_pdf

TODAY = date(2026, 11, 22)
VILA = "alderbrook-vila-serena-sister-city-agreement.pdf"
PLANNING = ("letter from our Mayor to the Mayor of our partner town Vila Serena proposing an "
            "exchange of planning staff next spring, referring to our MoU")


@pytest.fixture(scope="module")
def corpus(corpus_settings) -> Library:  # noqa: ANN001
    return Library(corpus_settings)


@pytest.fixture
def fresh(tmp_path: Path) -> Library:
    """An empty library this test may change; files over 20 kB are refused."""
    return Library(replace(make_settings(tmp_path / "home"), max_file_mb=0.02))


def _uploads(tmp_path: Path) -> dict[str, Path]:
    """Files as Gradio hands them over: copies in its upload folder, deleted after ingest."""
    up = tmp_path / "uploads"
    big = up / "huge.txt"
    big.parent.mkdir(parents=True)
    big.write_text("Memorandum of Understanding. " * 2000)
    (up / "tool.exe").write_bytes(b"MZ\x90\x00")
    return {"pdf": write_pdf(up / "harbour-note.pdf", [
        "Harbourtown Culture Note. This policy report reviews cultural exchanges between "
        "small ports and their partner towns.", "Recommendations: two exchanges a year."]),
        "big": big, "exe": up / "tool.exe"}


# -- Ask -------------------------------------------------------------------------------------


def test_chat_streams_then_shows_the_cited_answer(assistant):  # noqa: ANN001
    events = list(chat_reply(assistant, "When does our agreement with Vila Serena expire?",
                             "", Conversation()))
    assert len(events) > 2
    final = events[-1]
    assert "15 June 2027" in final and "**Sources**" in final
    assert f"{VILA}, page 2" in final
    assert "](/doc/" in final and "#page=2)" in final  # each source opens at its page


def test_stop_leaves_the_embedded_answer_not_half_a_sentence() -> None:
    draft = "The agreement expires on 15 June 2027 [1].\n\n**Sources**\n\n**[1]** ..."
    writing = f"{draft}\n\n---\n{WRITING}\n\nThe agreement, signed in"
    for message in ({"role": "assistant", "content": writing},
                    {"role": "assistant", "content": [{"type": "text", "text": writing}]}):
        kept = keep_draft([{"role": "user", "content": "q"}, message])
        assert kept[-1]["content"] == f"{draft}\n\n{STOPPED}"
        assert kept[0] == {"role": "user", "content": "q"}
    finished = [{"role": "assistant", "content": draft}]  # nothing was being written
    assert keep_draft(finished) == finished and keep_draft([]) == []


def test_declined_answer_is_marked_and_shows_the_closest_passage(assistant):  # noqa: ANN001
    final = list(chat_reply(assistant, "What does our agreement with Oakhaven say about "
                                       "port logistics?", "", Conversation()))[-1]
    assert final.startswith("**Not in your documents.**")
    assert "**Closest passage**" in final and "**Sources**" not in final


def test_follow_up_uses_the_conversation(assistant):  # noqa: ANN001
    convo = Conversation()
    list(chat_reply(assistant, "When does our agreement with Vila Serena expire?", "", convo))
    follow = list(chat_reply(assistant, "And how can it be renewed?", "", convo))[-1]
    assert VILA in follow and "Not in your documents" not in follow
    assert len(convo.turns) == 2


def test_filters_reach_the_search(assistant, corpus: Library):  # noqa: ANN001
    assert ask_filters("", "") is None
    only_calls = ask_filters("grant_call", "")
    assert only_calls is not None and only_calls.doc_types == ["grant_call"]
    final = list(chat_reply(assistant, "What is the maximum grant amount?", "grant_call",
                            Conversation()))[-1]
    assert "agreement.pdf" not in final
    partners = [value for _label, value in partner_choices(corpus)]
    assert partners[0] == "" and "Municipality of Vila Serena" in partners
    final = list(chat_reply(assistant, "What are the areas of cooperation?", "mou",
                            Conversation(), partner="Municipality of Vila Serena"))[-1]
    assert VILA in final


def test_chat_without_question_or_documents_says_what_to_do(fresh: Library) -> None:
    helper = Assistant(fresh, today=TODAY)
    assert "Type a question" in next(chat_reply(helper, "  ", "", Conversation()))
    assert "Library" in next(chat_reply(helper, "When does it expire?", "", Conversation()))


def test_a_failure_while_answering_is_one_sentence(assistant, monkeypatch):  # noqa: ANN001
    def broken(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("store exploded: Traceback (most recent call last)")

    monkeypatch.setattr(assistant, "stream", broken)
    events = list(chat_reply(assistant, "When does it expire?", "", Conversation()))
    assert events == ["Something went wrong while answering; the details are in the log."]


def test_handlers_never_show_a_traceback(caplog) -> None:  # noqa: ANN001
    @friendly("do the thing")
    def boom() -> None:
        raise KeyError("internal detail")

    with pytest.raises(gr.Error) as err:
        boom()
    assert str(err.value.message) == "Could not do the thing. The details are in the log."
    assert "internal detail" in caplog.text  # the details went to the log


# -- Agreements and funding -----------------------------------------------------------------


def test_agreements_banner_lists_expiring_and_filters_narrow_the_table(corpus: Library) -> None:
    banner, table = agreement_view(corpus, today=date(2027, 1, 1))
    assert "mp-alert" in banner and "expiring within 6 months" in banner
    assert "Municipality of Vila Serena" in banner and "in 165 days" in banner
    assert list(table.columns)[:3] == ["Partners", "Status", "Ends"]
    assert len(table) == len(corpus.documents("mou"))
    _, expired = agreement_view(corpus, status="expired", today=TODAY)
    assert set(expired["Status"]) == {"Expired"} and len(expired) >= 1
    _, portugal = agreement_view(corpus, text="portugal", today=TODAY)
    assert list(portugal["Document"]) == [VILA]
    calm, _ = agreement_view(corpus, today=TODAY)
    assert "No agreement expires in the next 6 months" in calm and "has expired" in calm


def test_agreements_empty_state_says_what_to_do(fresh: Library) -> None:
    banner, table = agreement_view(fresh, today=TODAY)
    assert "Library" in banner and table.empty


def test_funding_table_badges_and_timeline(corpus: Library) -> None:
    html, timeline = funding_view(corpus, today=TODAY)
    assert "mp-badge mp-closing_soon'>Closing soon" in html
    assert "mp-badge mp-open'>Open" in html and "mp-badge mp-closed'>Closed" in html
    assert "10 December 2026 at 12:00 CET" in html and "/doc/" in html
    assert len(timeline) == len(corpus.documents("grant_call"))
    assert str(timeline["Deadline"].dtype).startswith("datetime64")
    assert {"Open", "Closing soon", "Closed"} <= set(timeline["Status"])


def test_funding_search_shows_why_check_amount_deadline_and_sources(corpus: Library) -> None:
    assert "Describe your project" in funding_search(corpus, " ", today=TODAY)
    html = funding_search(corpus, "a youth exchange next summer between our town in France, "
                                  "our twin town in Portugal and a partner town in Spain",
                          today=TODAY)
    assert "Calls that fit" in html and "TWINNET" in html
    for part in ("Why:", "Check:", "Amount:", "Deadline:", "Sources:", "/doc/"):
        assert part in html
    assert "10 December 2026" in html  # the deadline as officers read it
    nothing = funding_search(corpus, "an agricultural trade fair promoting our local cheese "
                                     "and wine exports to Japan", today=TODAY)
    assert "None of the" in nothing


def test_funding_empty_state(fresh: Library) -> None:
    html, timeline = funding_view(fresh, today=TODAY)
    assert "No grant calls" in html and timeline.empty


# -- Letters ----------------------------------------------------------------------------------


def test_letter_draft_then_export_of_the_edited_text(corpus: Library, tmp_path: Path) -> None:
    import threading

    import docx

    writer, lock = LetterWriter(corpus, today=TODAY), threading.Lock()
    text, sources, warnings, letter = draft_letter(writer, lock, PLANNING, "", "")
    assert letter is not None and "Dear" in text and "15 June 2022" in text
    assert VILA in sources and "/doc/" in sources
    assert warnings.startswith("**Check before sending**")

    path, _ = export_letter(writer, lock, letter, PLANNING, "", "", text)
    assert path and "Dear" in "\n".join(p.text for p in docx.Document(path).paragraphs)

    edited = text.replace("Yours sincerely",
                          "We propose to meet on 12 May 2027 with EUR 90,000.\n\nYours sincerely")
    path, notes = export_letter(writer, lock, letter, PLANNING, "", "", edited)
    body = "\n".join(p.text for p in docx.Document(path).paragraphs)
    assert "We propose to meet on 12 May 2027 with EUR 90,000." in body  # the officer's words
    assert "⚠" not in body
    assert "12 May 2027" in notes and "90,000" in notes  # flagged beside the draft

    path, notes = export_letter(writer, lock, letter, PLANNING, "", "", "Hi,\nsee you.")
    assert "Hi," in "\n".join(p.text for p in docx.Document(path).paragraphs)
    assert "exported as you wrote it" in notes


def test_letter_refusals_and_empty_states(corpus: Library) -> None:
    import threading

    writer, lock = LetterWriter(corpus, today=TODAY), threading.Lock()
    assert draft_letter(writer, lock, "", "", "")[2].startswith("Describe the letter")
    text, _, warnings, letter = draft_letter(
        writer, lock, "letter from our Mayor to the Mayor of Oakhaven proposing a visit", "", "")
    assert text == "" and letter is None and "No letter drafted" in warnings
    assert export_letter(writer, lock, None, "", "", "", "")[0] is None


# -- Library ----------------------------------------------------------------------------------


def test_upload_reports_each_file_then_retype_and_delete(fresh: Library, tmp_path: Path) -> None:
    files = _uploads(tmp_path)
    pdf_bytes = files["pdf"].read_bytes()
    calls: list[tuple] = []
    report = upload_files(fresh, [str(p) for p in files.values()], "",
                          lambda *a, **k: calls.append(a))
    assert "| harbour-note.pdf | Added | Other, 2 pages, 2 passages |" in report
    assert "| huge.txt | **Not added** | over the 20 kB limit |" in report
    assert "| tool.exe | **Not added** | not a PDF, Word, text or Markdown file |" in report
    assert calls and calls[-1][0] == (1, 1)  # progress reached the bar from the reader thread
    assert not any(p.exists() for p in files.values())  # upload copies are not kept

    again = tmp_path / "copy-of-note.pdf"  # the same bytes under another name
    again.write_bytes(pdf_bytes)
    assert "Already in your library" in upload_files(fresh, [str(again)])
    assert "Choose one or more files" in upload_files(fresh, None)
    assert library_summary(fresh).startswith("1 document: 1 other.")

    rec = fresh.documents()[0]
    frame = document_frame(fresh)
    assert list(frame["Document"]) == ["harbour-note.pdf"]
    assert document_details(fresh, rec.doc_id)["type"] == "other"
    assert "now filed as Policy report" in change_type(fresh, rec.doc_id, "policy_report")
    changed = fresh.registry.get(rec.doc_id)
    assert changed is not None and changed.doc_type == "policy_report"
    assert changed.source == "harbour-note.pdf" and changed.classification["overridden"]
    assert len(fresh.documents()) == 1  # the same document, re-read: not a second copy
    assert "already filed as Policy report" in change_type(fresh, rec.doc_id, "policy_report")
    assert "Removed harbour-note.pdf" in delete_document(fresh, rec.doc_id)
    assert fresh.is_empty() and document_details(fresh, rec.doc_id) == {}
    assert "Your library is empty" in library_summary(fresh)
    assert "no longer in your library" in delete_document(fresh, rec.doc_id)
    assert change_type(fresh, None, "mou") == "Choose a document first."


def test_upload_sanitises_names(fresh: Library, tmp_path: Path) -> None:
    odd = write_pdf(tmp_path / "up" / "..\u202egpj.note.pdf", [
        "A short policy report on twinning and cultural exchanges between small towns."])
    report = upload_files(fresh, [str(odd)])
    assert "Added" in report
    (rec,) = fresh.documents()
    assert "\u202e" not in rec.source and "/" not in rec.source
    stored = fresh.original_path(rec.doc_id)
    assert stored is not None and stored.name == f"{rec.doc_id}.pdf"


# -- Serving ----------------------------------------------------------------------------------


def test_originals_are_served_only_for_stored_ids(corpus: Library) -> None:
    rec = next(r for r in corpus.documents() if r.source == VILA)
    ok = original_response(corpus, rec.doc_id)
    assert ok.status_code == 200 and ok.media_type == "application/pdf"
    assert Path(ok.path).parent == corpus.settings.files_dir
    for bad in ("0" * 32, "../../etc/passwd", "..%2F..%2Fetc", rec.doc_id + "/x", ""):
        assert original_response(corpus, bad).status_code == 404


def test_doc_route_requires_the_same_login_as_the_app(corpus: Library, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    users = tmp_path / "users"
    auth.add_user(users, "officer", "s3cret pass", iterations=1000)
    rec = next(r for r in corpus.documents() if r.source == VILA)
    with TestClient(create_server(corpus, auth.authenticator(users))) as client:
        assert client.get(f"/doc/{rec.doc_id}").status_code == 401
        assert client.post("/login", data={"username": "officer",
                                           "password": "wrong"}).status_code == 400
        assert client.get(f"/doc/{rec.doc_id}").status_code == 401
        assert client.post("/login", data={"username": "officer",
                                           "password": "s3cret pass"}).status_code == 200
        got = client.get(f"/doc/{rec.doc_id}")
        assert got.status_code == 200 and got.content[:5] == b"%PDF-"
        assert got.headers["x-content-type-options"] == "nosniff"
    with TestClient(create_server(corpus)) as open_client:  # no users: local use, no login
        assert open_client.get(f"/doc/{rec.doc_id}").status_code == 200


def test_app_builds_and_serves_on_loopback(corpus_settings):  # noqa: ANN001
    assert build_app(Library(corpus_settings)) is not None
    port = free_port()
    proc = subprocess.Popen([str(BIN / "microplomacy"), "serve", "--port", str(port)],
                            env=cli_env(corpus_settings), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, timeout=120, proc=proc)
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read()
        assert b"<html" in page.lower()
        from gradio_client import Client

        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        reply = client.predict("When does our agreement with Vila Serena expire?", "", "",
                               api_name="/ask")
        assert "15 June 2027" in reply and "page 2" in reply
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# -- Logins -----------------------------------------------------------------------------------


def test_passwords_are_salted_pbkdf2_hashes(tmp_path: Path) -> None:
    encoded = auth.hash_password("correct horse", iterations=1000)
    algorithm, rounds, salt, digest = encoded.split("$")
    assert (algorithm, rounds, len(salt), len(digest)) == ("pbkdf2_sha256", "1000", 32, 64)
    assert auth.verify("correct horse", encoded)
    assert not auth.verify("correct horsE", encoded)
    assert auth.hash_password("correct horse", iterations=1000) != encoded  # salted
    for broken in ("", "plain", "md5$1$00$00", "pbkdf2_sha256$x$00$00", "pbkdf2_sha256$0$00$"):
        assert not auth.verify("correct horse", broken)
    with pytest.raises(ValueError):
        auth.hash_password("")


def test_users_file_add_load_and_check(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    users = tmp_path / "conf" / "users"
    auth.add_user(users, "ana", "first pass", iterations=1000)
    auth.add_user(users, "ben", "second pass", iterations=1000)
    auth.add_user(users, "ana", "new pass", iterations=1000)  # a new password replaces
    assert users.stat().st_mode & 0o777 == 0o600
    assert "pass" not in users.read_text()  # no plain text anywhere
    with users.open("a") as fh:
        fh.write("# a comment\n\nmallory:plaintext\nbad name:pbkdf2_sha256$1$00$00\n")
    assert sorted(auth.load_users(users)) == ["ana", "ben"]
    check = auth.authenticator(users)
    assert check("ana", "new pass") and check(" ben ", "second pass")
    assert not check("ana", "first pass") and not check("mallory", "plaintext")
    auth.add_user(users, "cy", "third pass", iterations=1000)
    assert check("cy", "third pass")  # read at each login: no restart needed
    with pytest.raises(ValueError):
        auth.add_user(users, "has:colon", "x")

    monkeypatch.delenv(auth.ENV_VAR, raising=False)
    assert login_check() is None  # no users configured: no login, loopback only
    monkeypatch.setenv(auth.ENV_VAR, str(users))
    assert login_check() is not None
    empty = tmp_path / "empty"
    empty.write_text("")
    monkeypatch.setenv(auth.ENV_VAR, str(empty))
    with pytest.raises(auth.UsersFileError, match="users add"):
        login_check()


def test_the_app_never_phones_home(corpus: Library) -> None:
    """Offline first: no Gradio version check or telemetry from any Blocks we build."""
    from gradio import analytics

    app = build_app(corpus)
    # the ChatInterface inside is a Blocks of its own, ruled by Gradio's global switch
    assert analytics.analytics_enabled() is False
    assert app.analytics_enabled is False


API_ROUTES = [
    ("get", "/config", None),
    ("get", "/gradio_api/info", None),
    ("get", "/gradio_api/openapi.json", None),
    ("post", "/gradio_api/call/ask", {"data": ["When does Vila Serena expire?", "", ""]}),
    ("post", "/gradio_api/queue/join", {"data": ["q", "", ""], "fn_index": 0,
                                        "session_hash": "abc"}),
    ("get", "/gradio_api/file=/etc/passwd", None),
]


def test_every_api_route_needs_the_login(fresh: Library, tmp_path: Path) -> None:
    """Pages, files and the API alike: gradio_client or curl get nothing without a login."""
    from fastapi.testclient import TestClient

    users = tmp_path / "users"
    auth.add_user(users, "officer", "s3cret pass", iterations=1000)
    with TestClient(create_server(fresh, auth.authenticator(users))) as client:
        for method, route, body in API_ROUTES:
            kwargs = {"json": body} if body is not None else {}
            denied = getattr(client, method)(route, **kwargs)
            assert denied.status_code == 401, (route, denied.text)
        assert client.post("/gradio_api/upload",
                           files={"files": ("a.txt", b"hello")}).status_code == 401
        client.post("/login", data={"username": "officer", "password": "s3cret pass"})
        assert client.get("/gradio_api/info").status_code == 200
        # signed in is still not the file system
        assert client.get("/gradio_api/file=/etc/passwd").status_code in (403, 404)
