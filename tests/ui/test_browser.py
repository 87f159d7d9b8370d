"""The officer's browser app in a real Chromium: what an officer clicks, reads and downloads.

One app over the sample corpus serves the whole module; the login test starts its own.
Every test saves a screenshot under results/screenshots/. Checks run at 1280x800; the key
pages also at a 390 px wide phone, where the page must not scroll sideways.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_kit import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    Served,
    assert_fits_width,
    missing_browser,
    new_page,
    open_tab,
    shot,
    start_server,
    stop_server,
    wait_ready,
)

from assistant.auth import add_user
from ingest.pipeline import content_id

from conftest import CORPUS_DOCS, write_pdf

pytestmark = pytest.mark.browser

VILA = "alderbrook-vila-serena-sister-city-agreement.pdf"
PLANNING = ("letter from our Mayor to the Mayor of our partner town Vila Serena proposing an "
            "exchange of planning staff next spring, referring to our MoU")
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if reason := missing_browser():
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def served(browser: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One app over the sample corpus for the module (starting one costs ~15 s)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    server = start_server(tmp_path_factory.mktemp("ui"), ingest=[CORPUS_DOCS])
    yield server
    stop_server(server.proc)


@pytest.fixture
def page_at(browser: object, served: Served):  # noqa: ANN201
    pages = []

    def make(viewport: dict[str, int] = DESKTOP):  # noqa: ANN202
        page = new_page(browser, served.url, viewport)
        pages.append(page)
        wait_ready(page)
        return page

    yield make
    for page in pages:
        page.context.close()


def ask(page, question: str, done: str) -> str:  # noqa: ANN001
    """Type a question, wait until the answer shows `done`, return the last answer's text."""
    answers = page.locator("#mp-chat .message-row.bot-row")
    before = answers.count()  # wait for the new answer, not an earlier one
    page.fill("#mp-question textarea", question)
    page.keyboard.press("Enter")
    answer = answers.nth(before)
    answer.filter(has_text=done).wait_for()
    return answer.inner_text()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_answer_cites_document_and_page_and_opens_it(page_at, viewport) -> None:  # noqa: ANN001
    page = page_at(viewport)
    answer = ask(page, "When does our agreement with Vila Serena expire?", "Sources")
    assert "15 June 2027" in answer
    assert f"{VILA}, page 2" in answer
    link = page.locator("#mp-chat a", has_text="Open at page 2").first
    href = link.get_attribute("href")
    assert href and re.fullmatch(r"/doc/[0-9a-f]{32}#page=2", href), href
    original = page.request.get(page.url.rstrip("/") + href.split("#")[0])
    assert original.status == 200
    assert original.headers["content-type"] == "application/pdf"
    assert original.body()[:5] == b"%PDF-"
    if viewport is DESKTOP:  # the link opens the stored original at the cited page
        with page.context.expect_page() as opened:
            link.click()
        pdf = opened.value
        pdf.wait_for_load_state()
        assert pdf.url.endswith(href)
        pdf.wait_for_timeout(1500)  # the PDF viewer draws after the load event
        shot(pdf, "ask-source-opened-1280")
        pdf.close()
    # A follow-up resolves "it" through the conversation: same agreement, no name repeated.
    follow = ask(page, "And how can it be renewed?", "Sources")
    assert VILA in follow and "Not in your documents" not in follow
    assert_fits_width(page)
    shot(page, f"ask-cited-{viewport['width']}")


def test_question_the_documents_do_not_answer_is_declined(page_at) -> None:  # noqa: ANN001
    page = page_at()
    answer = ask(page, "What does our agreement with Oakhaven say about port logistics?",
                 "Not in your documents")
    assert "do not" in answer
    shot(page, "ask-declined-1280")


def test_filters_restrict_the_search(page_at) -> None:  # noqa: ANN001
    page = page_at()
    page.locator("#mp-type-filter input").click()
    page.get_by_role("option", name="Grant calls").click()
    answer = ask(page, "What is the maximum grant amount?", "Sources")
    assert "agreement.pdf" not in answer  # only calls were searched
    shot(page, "ask-filtered-1280")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_funding_table_with_status_badges_and_matches(page_at, viewport) -> None:  # noqa: ANN001
    page = page_at(viewport)
    open_tab(page, "Funding")
    badges = page.locator("#mp-calls .mp-badge")
    badges.first.wait_for()
    labels = set(badges.all_inner_texts())
    assert labels <= {"Open", "Closing soon", "Closed", "No deadline"} and labels
    assert page.locator("#mp-calls tr", has_text="TWINNET").count() == 1
    page.fill("#mp-funding-request textarea, #mp-funding-request input",
              "youth exchange with our twin town in Portugal next summer")
    page.get_by_role("button", name="Find funding").click()
    results = page.locator("#mp-funding-results")
    results.locator(".mp-card").first.wait_for()
    text = results.inner_text()
    assert "Why:" in text and "Deadline:" in text and "Sources:" in text
    assert_fits_width(page)
    shot(page, f"funding-{viewport['width']}")


def test_agreements_register_flags_and_filters(page_at) -> None:  # noqa: ANN001
    page = page_at()
    open_tab(page, "Agreements")
    banner = page.locator("#mp-expiring")
    banner.locator(".mp-alert, .mp-ok").first.wait_for()
    assert re.search(r"expir", banner.inner_text(), re.I)
    table = page.locator("#mp-agreements")
    table.filter(has_text="Vila Serena").wait_for()
    page.get_by_label("Partner or country").fill("Portugal")
    page.wait_for_function("!document.querySelector('#mp-agreements').innerText"
                           ".includes('Poggio Aurelio')")
    assert "Vila Serena" in table.inner_text()
    shot(page, "agreements-1280")


def test_letter_draft_edit_and_docx_download(page_at, tmp_path: Path) -> None:  # noqa: ANN001
    import docx

    page = page_at()
    open_tab(page, "Letters")
    page.get_by_label("What should the letter say?").fill(PLANNING)
    page.get_by_role("button", name="Draft letter").click()
    draft = page.locator("#mp-draft textarea")
    page.wait_for_function(
        "document.querySelector('#mp-draft textarea').value.includes('Dear')")
    assert "Sources" in page.locator("#mp-letter-sources").inner_text()
    # The officer adds a sentence with a date and an amount no document supports.
    edited = draft.input_value().replace(
        "Yours sincerely", "We propose to meet on 12 May 2027 with EUR 90,000.\n\n"
                           "Yours sincerely")
    draft.fill(edited)
    page.get_by_role("button", name=re.compile("export to Word")).click()
    link = page.locator("#mp-docx a").first
    link.wait_for()
    page.locator("#mp-letter-warnings", has_text="90,000").wait_for()
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "letter.docx"
    download.value.save_as(saved)
    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "12 May 2027 with EUR 90,000" in text and "Dear" in text
    shot(page, "letter-1280")


def test_upload_shows_results_and_the_document_list(page_at, tmp_path: Path) -> None:  # noqa: ANN001
    page = page_at()
    open_tab(page, "Library")
    pdf = write_pdf(tmp_path / "a-harbourtown-culture-note.pdf", [
        "Harbourtown Culture Note. This policy report reviews cultural exchanges between "
        "small ports and their partner towns, with recommendations for officers.",
        "Recommendations: budget two exchanges a year and report to the council."])
    bad = tmp_path / "notes.txt"
    bad.write_text("")  # empty: refused with its reason, the batch goes on
    page.locator("#mp-upload input[type=file]").set_input_files([str(pdf), str(bad)])
    page.get_by_role("button", name="Add to library").click()
    result = page.locator("#mp-upload-result")
    result.filter(has_text="a-harbourtown-culture-note.pdf").wait_for()
    text = result.inner_text()
    assert "Added" in text and "Not added" in text and "notes.txt" in text
    page.locator("#mp-docs", has_text="a-harbourtown-culture-note.pdf").wait_for()
    # Its extracted fields open from the list.
    cell = page.locator("#mp-docs [role=gridcell]", has_text="a-harbourtown-culture-note.pdf")
    cell.first.click()
    page.locator("#mp-doc-details", has_text="classification").wait_for()
    shot(page, "library-upload-1280")
    # Delete asks first, then removes it from the list.
    page.get_by_role("button", name="Delete…").click()
    page.get_by_role("button", name="Yes, delete").click()
    page.locator("#mp-library-action", has_text="Removed a-harbourtown-culture-note.pdf").wait_for()
    page.wait_for_function("!document.querySelector('#mp-docs').innerText"
                           ".includes('a-harbourtown-culture-note.pdf')")


def test_every_tab_fits_a_phone(page_at) -> None:  # noqa: ANN001
    page = page_at(PHONE)
    for tab in ("Ask", "Agreements", "Funding", "Letters", "Library"):
        open_tab(page, tab)
        page.wait_for_timeout(500)
        assert_fits_width(page)
        shot(page, f"phone-{tab.lower()}-390")


def test_login_refuses_a_wrong_password_and_admits_the_right_one(
        browser: object, tmp_path: Path) -> None:
    users = tmp_path / "users"
    add_user(users, "officer", "correct horse battery", iterations=10_000)
    txt = CORPUS_DOCS / "port-ashby-san-jacinto-cooperation-mou.txt"
    server = start_server(tmp_path, {"MICROPLOMACY_USERS": str(users)}, ingest=[txt])
    doc_url = f"{server.url}/doc/{content_id(txt.read_bytes())}"
    page = new_page(browser, server.url)
    try:
        assert page.request.get(doc_url).status == 401  # originals too need a login
        page.get_by_label("username").fill("officer")
        page.get_by_label("password").fill("wrong horse")
        page.get_by_role("button", name="Login").click()
        page.get_by_text(re.compile("incorrect credentials", re.I)).wait_for()
        assert page.locator("#mp-question").count() == 0
        shot(page, "login-refused-1280")
        page.get_by_label("username").fill("officer")  # the form is cleared after a refusal
        page.get_by_label("password").fill("correct horse battery")
        page.get_by_role("button", name="Login").click()
        wait_ready(page)
        assert page.request.get(doc_url).status == 200
        shot(page, "login-admitted-1280")
        # what a signed-in officer does is audited under their name
        open_tab(page, "Letters")
        page.get_by_label("What should the letter say?").fill(
            "letter to the Mayor of San Jacinto proposing a port workers exchange")
        page.get_by_role("button", name="Draft letter").click()
        page.locator("#mp-letter-warnings").filter(has_not_text="Draft a letter").wait_for()
        entries = [json.loads(x) for x in
                   (server.home / "audit.jsonl").read_text().splitlines()]
        logins = [(e["user"], e["accepted"]) for e in entries if e["action"] == "login"]
        assert logins == [("officer", False), ("officer", True)]
        assert any(e["action"] == "login" and e["user"] == "officer" and e["accepted"]
                   for e in entries)
        assert any(e["action"] == "letter" and e["user"] == "officer" for e in entries)
    finally:
        page.context.close()
        stop_server(server.proc)


@pytest.fixture(scope="module")
def served_with_model(browser: object, tmp_path_factory: pytest.TempPathFactory
                      ) -> Iterator[Served]:
    """The app over one agreement, writing answers with a real llama.cpp server (SmolLM2)."""
    from llm_server import MODEL_ALIAS, LlamaServer, missing_requirements

    if why := missing_requirements():
        pytest.skip(f"LLM SERVER TESTS SKIPPED - {why}")
    tmp = tmp_path_factory.mktemp("ui-llm")
    # a context the app's passages fit in, so that the model writes rather than errors
    with LlamaServer(tmp / "llama.log", n_ctx=8192) as llama:
        server = start_server(tmp, {"OPENAI_BASE_URL": llama.base_url,
                                    "MICROPLOMACY_LLM_MODEL": MODEL_ALIAS},
                              ingest=[CORPUS_DOCS / VILA])
        yield server
        stop_server(server.proc)


@pytest.mark.llm
def test_the_embedded_answer_shows_at_once_and_the_written_one_replaces_it(
        browser: object, served_with_model: Served) -> None:
    from assistant.ui import WRITING

    page = new_page(browser, served_with_model.url)
    try:
        wait_ready(page)
        answer = page.locator("#mp-chat .message-row.bot-row").last
        page.fill("#mp-question textarea", "When does our agreement with Vila Serena expire?")
        page.keyboard.press("Enter")
        # the embedded answer with its sources first, the model writing beneath it
        writing = page.locator("#mp-chat .message-row.bot-row", has_text="Writing a fuller")
        writing.wait_for(timeout=60_000)
        text = writing.inner_text()
        assert text.index("Sources") < text.index("Writing a fuller")
        assert "2027" in text[:text.index("Writing a fuller")]
        shot(page, "ask-writing-1280")
        # then one answer in its place: the model's, or the embedded one with the reason
        page.locator("#mp-chat .message-row.bot-row", has_text="Sources").filter(
            has_not_text="Writing a fuller").wait_for(timeout=120_000)
        final = answer.inner_text()
        assert WRITING.split("*")[1][:20] not in final and "Sources" in final
    finally:
        page.context.close()


@pytest.mark.llm
def test_stop_keeps_the_embedded_answer(browser: object, served_with_model: Served) -> None:
    from assistant.ui import STOPPED

    page = new_page(browser, served_with_model.url)
    try:
        wait_ready(page)
        page.fill("#mp-question textarea",
                  "Summarise the areas of cooperation of the agreement with Vila Serena.")
        page.keyboard.press("Enter")
        writing = page.locator("#mp-chat .message-row.bot-row", has_text="Writing a fuller")
        writing.wait_for(timeout=60_000)
        page.locator("#mp-question").get_by_role("button", name="Stop").click()
        stopped = page.locator("#mp-chat .message-row.bot-row", has_text="Stopped")
        stopped.wait_for(timeout=30_000)
        text = stopped.inner_text()
        assert "Writing a fuller" not in text and "Sources" in text
        assert STOPPED.strip("_").split(":")[0] in text
        shot(page, "ask-stopped-1280")
        # the page stays usable: the box comes back empty and the next question is answered
        box = page.locator("#mp-question textarea")
        page.wait_for_function("s => { const t = document.querySelector(s);"
                               " return t && !t.disabled && t.value === ''; }",
                               arg="#mp-question textarea", timeout=60_000)
        page.locator("#mp-question").get_by_role("button", name="Ask").wait_for(timeout=60_000)
        box.fill("Who signed the agreement with Vila Serena?")
        page.keyboard.press("Enter")
        page.locator("#mp-chat .message-row.bot-row").nth(1).filter(
            has_text="Sources").wait_for(timeout=180_000)
    finally:
        page.context.close()
