"""The browser app's handlers are the library's functions; served for real over HTTP."""

from __future__ import annotations

import subprocess
import urllib.request

from assistant.ask import Conversation
from assistant.library import Library
from assistant.ui import build_app, chat_reply

from conftest import BIN, cli_env, free_port, wait_for_port


def test_chat_streams_then_shows_the_cited_answer(assistant):
    events = list(chat_reply(assistant, "When does our agreement with Vila Serena expire?",
                             "", Conversation()))
    assert len(events) > 2
    final = events[-1]
    assert "15 June 2027" in final and "**Sources**" in final
    assert "alderbrook-vila-serena-sister-city-agreement.pdf, page 2" in final


def test_app_builds_and_serves_on_loopback(corpus_settings):
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
        reply = client.predict("When does our agreement with Vila Serena expire?", "",
                               api_name="/ask")
        assert "15 June 2027" in reply and "page 2" in reply
    finally:
        proc.terminate()
        proc.wait(timeout=30)
