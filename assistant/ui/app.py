"""The page and its server: the tabs assembled, the /doc route for originals, logins.

Originals are served beside the Gradio app by FastAPI so that a citation can open the page it
quotes; the route checks Gradio's own login, so the documents are behind the same sign-in.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable
from typing import Any

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from assistant import auth
from assistant.ask import Assistant
from assistant.library import Library
from assistant.ui.agreements import _agreements_tab
from assistant.ui.ask import _ask_tab, partner_choices
from assistant.ui.common import CSS, THEME
from assistant.ui.funding import _funding_tab
from assistant.ui.letters import _letters_tab
from assistant.ui.library import _library_tab

log = logging.getLogger(__name__)

_DOC_ID = re.compile(r"^[0-9a-f]{8,64}$")


def build_app(lib: Library, warm: bool = False) -> gr.Blocks:
    """``warm``: load what the first answer needs in the background (``Assistant.warm_up``)
    while the page is being opened."""
    assistant = Assistant.from_library(lib)
    if warm:
        threading.Thread(target=_warm_up, args=(assistant,), name="warm-up",
                         daemon=True).start()
    # Uploaded copies and exported letters are officers' documents: don't keep them long.
    with gr.Blocks(title="Microplomacy", delete_cache=(1800, 3600),
                   analytics_enabled=False) as app:
        gr.Markdown("# Microplomacy\nYour agreements, grant calls and reports, answered "
                    "with the page they come from.")
        with gr.Tabs():
            with gr.Tab("Ask", id="ask") as ask_tab:
                partner = _ask_tab(lib, assistant)
            with gr.Tab("Agreements", id="agreements") as agreements_tab:
                agreements, agreement_in, agreement_out = _agreements_tab(lib)
            with gr.Tab("Funding", id="funding") as funding_tab:
                funding, funding_out = _funding_tab(lib)
            with gr.Tab("Letters", id="letters"):
                _letters_tab(lib)
            with gr.Tab("Library", id="library") as library_tab:
                documents, library_out = _library_tab(lib)
        # Each tab reads the library when it is opened, so uploads and deletions show
        # everywhere without a refresh button.
        ask_tab.select(lambda: gr.update(choices=partner_choices(lib)), None, partner)
        agreements_tab.select(agreements, agreement_in, agreement_out)
        funding_tab.select(funding, None, funding_out)
        library_tab.select(documents, None, library_out)
        app.load(agreements, agreement_in, agreement_out)
        app.load(funding, None, funding_out)
        app.load(documents, None, library_out)
    return app


def _signed_in(gradio_app: Any, request: Request) -> bool:
    """Gradio's own login check (routes.py `get_current_user`): its cookie names a token it
    issued at login. Tested in tests/assistant/test_ui.py, so a Gradio upgrade that changes
    it fails a test rather than opening the documents."""
    if getattr(gradio_app, "auth", None) is None:
        return True
    cookie_id = gradio_app.cookie_id
    token = (request.cookies.get(f"access-token-{cookie_id}")
             or request.cookies.get(f"access-token-unsecure-{cookie_id}"))
    return bool(token) and token in gradio_app.tokens


def original_response(lib: Library, doc_id: str) -> Response:
    """A stored original, only from the app's own document folder, only for a stored id."""
    rec = lib.registry.get(doc_id) if _DOC_ID.match(doc_id) else None
    path = lib.original_path(doc_id) if rec else None
    root = lib.settings.files_dir.resolve()
    if rec is None or path is None or not path.resolve().is_relative_to(root):
        return HTMLResponse("<p>That document is not in your library (it may have been "
                            "removed). <a href='/'>Back to Microplomacy</a></p>",
                            status_code=404)
    media = {"pdf": "application/pdf", "txt": "text/plain; charset=utf-8",
             "md": "text/plain; charset=utf-8",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    inline = rec.fmt in ("pdf", "txt", "md")  # the browser shows these; Word downloads
    return FileResponse(path, media_type=media.get(rec.fmt, "application/octet-stream"),
                        filename=rec.source,
                        content_disposition_type="inline" if inline else "attachment",
                        headers={"X-Content-Type-Options": "nosniff",
                                 "Cache-Control": "private, no-store"})


def _warm_up(assistant: Assistant) -> None:
    try:
        assistant.warm_up()
    except Exception:  # noqa: BLE001 - a slower first answer, never a server that fails
        log.warning("warm-up failed; the first answer will load what it needs",
                    exc_info=True)


def create_server(lib: Library, login: Callable[[str, str], bool] | None = None,
                  warm: bool = False) -> FastAPI:
    """The Gradio app mounted at / with the /doc route beside it, behind the same login."""
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    mounted: dict[str, Any] = {}

    @server.get("/doc/{doc_id}")
    def original(doc_id: str, request: Request) -> Response:
        if not _signed_in(mounted["gradio"], request):
            return HTMLResponse("<p>Please <a href='/'>sign in</a> first.</p>",
                                status_code=401)
        return original_response(lib, doc_id)

    # Sized for 20 officers asking at once on 2 cores (`make bench-load`, evals/load_test.py):
    # up to 4 runs of each handler at once. Measured: 2 gave ~25% less throughput (a run
    # also waits on Chroma, leaving a core idle), 8 no more than 4 (the same 2 cores shared).
    # The rest wait their turn in Gradio's first-come queue. When more than 64 are waiting,
    # a new request is turned away at once ("This application is currently busy. Please try
    # again.") rather than waiting for minutes.
    blocks = build_app(lib, warm=warm).queue(default_concurrency_limit=4, max_size=64)
    server = gr.mount_gradio_app(
        server, blocks, path="/", auth=login,
        auth_message="Sign in with the name and password your administrator gave you.",
        show_error=False, max_file_size=lib.settings.max_bytes, css=CSS,
        footer_links=["settings"], run_history=False,
        theme=THEME)
    mounted["gradio"] = next(r.app for r in server.routes if getattr(r, "path", None) == "")
    return server


def login_check(lib: Library | None = None) -> Callable[[str, str], bool] | None:
    path = auth.users_file()
    if not path:
        return None

    def audit(name: str, accepted: bool) -> None:
        if lib is not None:
            lib.audit.record("login", user=name, accepted=accepted)

    return auth.authenticator(path, on_login=audit)


def launch(lib: Library, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve until stopped. No share links; logins when MICROPLOMACY_USERS is set."""
    import uvicorn

    try:
        login = login_check(lib)
    except (auth.UsersFileError, OSError) as exc:
        raise SystemExit(f"error: {exc}") from None
    if login is None and host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("serving on %s without logins: anyone who can reach it can read your "
                    "documents; set %s", host, auth.ENV_VAR)
    server = create_server(lib, login, warm=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    sys.stderr.write(f"Microplomacy is running: open http://{shown}:{port} "
                     f"(Ctrl+C to stop)\n")
    # Browsers keep a heartbeat stream open: without a bound, Ctrl+C or SIGTERM would wait
    # for every open tab to close.
    uvicorn.run(server, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)
