"""Helpers for the browser tests: Debian's Chromium driven by Playwright against
`microplomacy serve` subprocesses. (Not a conftest.py: a second module named conftest would
clash with tests/conftest.py under pytest's default import mode.)

Playwright's own browser download is never used: it cannot be fetched here, and Debian's
chromium is what `scripts/install_browser.sh` installs. Without either, every browser test
is skipped with a loud reason (run with -rs to see it).
"""

from __future__ import annotations

import importlib.util
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import (
    BIN,
    REPO,
    cli_env,
    free_port,
    make_settings,
    run_cli,
    wait_for_port,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREENSHOTS = REPO / "results" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return (f"BROWSER TESTS SKIPPED: {CHROMIUM} is missing; run scripts/install_browser.sh "
                f"(apt-get install chromium) to run them")
    if importlib.util.find_spec("playwright") is None:
        return ("BROWSER TESTS SKIPPED: the playwright package is missing; run "
                "scripts/install_browser.sh (pip install playwright, never `playwright install`)")
    return None


@dataclass
class Served:
    url: str
    home: Path
    proc: subprocess.Popen


def start_server(tmp: Path, env_extra: dict[str, str] | None = None,
                 ingest: list[Path] | None = None) -> Served:
    """`microplomacy serve` on a free loopback port over a fresh data directory."""
    settings = make_settings(tmp / "home")
    if ingest:
        done = run_cli(settings, "ingest", *map(str, ingest), timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    env = {**cli_env(settings), **(env_extra or {})}
    port = free_port()
    log = open(tmp / "serve.log", "wb")  # noqa: SIM115 - kept open for the server's lifetime
    proc = subprocess.Popen([str(BIN / "microplomacy"), "serve", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, timeout=120, proc=proc)
    except Exception:
        stop_server(proc)
        raise RuntimeError((tmp / "serve.log").read_text(errors="replace")) from None
    return Served(f"http://127.0.0.1:{port}", settings.home, proc)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def new_page(browser: object, url: str, viewport: dict[str, int] = DESKTOP):  # noqa: ANN201
    context = browser.new_context(viewport=viewport, accept_downloads=True)  # type: ignore[attr-defined]
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(url)
    return page


def wait_ready(page) -> None:  # noqa: ANN001
    page.wait_for_selector("#mp-question textarea")


def open_tab(page, name: str) -> None:  # noqa: ANN001
    """Narrow screens fold the last tabs into Gradio's "More tabs" menu."""
    tab = page.get_by_role("tab", name=name, exact=True)
    if tab.count() and tab.first.is_visible():
        tab.first.click()
    else:
        page.get_by_role("button", name="More tabs").click()
        page.locator(".overflow-dropdown button", has_text=name).first.click()
    page.wait_for_timeout(300)


def shot(page, name: str) -> Path:  # noqa: ANN001
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_fits_width(page) -> None:  # noqa: ANN001
    """No sideways scrolling of the page (tables may scroll inside their own box)."""
    scroll, inner = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner + 4, f"page is {scroll}px wide in a {inner}px window"
