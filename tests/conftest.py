"""Shared fixtures: real Chroma (embedded and a `chroma run` server), real PDFs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from evals.common import chroma_server as start_chroma
from evals.common import free_port, wait_for_port  # noqa: F401 - the tests import them from here

REPO = Path(__file__).resolve().parents[1]
CORPUS_DOCS = REPO / "corpus" / "docs"
SHARED = REPO.parent / "shared"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server on a free loopback port, for the whole session."""
    with start_chroma(tmp_path_factory.mktemp("chroma-server")) as (url, _proc):
        yield url


def make_settings(home: Path, chroma_url: str | None = None) -> Settings:
    return Settings(home=home, chroma_url=chroma_url,
                    collection_prefix=f"t{uuid.uuid4().hex[:10]}")


@pytest.fixture(params=["embedded", "server"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Each test that takes this runs twice: on an embedded store and on a Chroma server."""
    url = request.getfixturevalue("chroma_server") if request.param == "server" else None
    return make_settings(tmp_path / "home", url)


@pytest.fixture
def embedded_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "home")


@pytest.fixture
def library(settings: Settings):  # noqa: ANN201
    from assistant.library import Library

    return Library(settings)


def write_pdf(path: Path, pages: list[str], title: str | None = None) -> Path:
    """A real text PDF, one string per page (fpdf2, core font)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(auto=True, margin=15)
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


@pytest.fixture
def make_pdf() -> Callable[..., Path]:
    return write_pdf


def cli_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["MICROPLOMACY_HOME"] = str(settings.home)
    env["MICROPLOMACY_COLLECTION_PREFIX"] = settings.collection_prefix
    env.pop("MICROPLOMACY_CHROMA_URL", None)
    if settings.chroma_url:
        env["MICROPLOMACY_CHROMA_URL"] = settings.chroma_url
    return env


def run_cli(settings: Settings, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    exe = shutil.which("microplomacy", path=str(BIN)) or str(BIN / "microplomacy")
    return subprocess.run([exe, *args], env=cli_env(settings), capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="session", params=["embedded", "server"])
def corpus_settings(request: pytest.FixtureRequest,
                    tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The sample corpus ingested once per backend: every answer, register, funding and
    letter test that takes it (or `assistant`) runs on an embedded store and on a real
    `chroma run` server."""
    from assistant.library import Library

    url = request.getfixturevalue("chroma_server") if request.param == "server" else None
    settings = make_settings(tmp_path_factory.mktemp("corpus") / "home", url)
    report = Library(settings).ingest([CORPUS_DOCS])
    assert not report.failed, report.failed
    return settings


@pytest.fixture(scope="session")
def answerer():  # noqa: ANN201
    """The embedded answerer with the real embedder the store uses (bundled, offline), on
    passages a test writes."""
    from assistant.answer import EmbeddedAnswerer
    from assistant.library import shared_embedder

    return EmbeddedAnswerer(shared_embedder(Settings.from_env()).embed)


@pytest.fixture(scope="session")
def assistant(corpus_settings: Settings):  # noqa: ANN201
    """An assistant over the sample corpus with "today" fixed, never the wall clock."""
    import datetime

    from assistant.ask import Assistant
    from assistant.library import Library

    return Assistant(Library(corpus_settings), today=datetime.date(2026, 11, 22))


@pytest.fixture(scope="session")
def real_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One library of the real documents for every real-document test of the session
    (ingesting them costs minutes; each test then asks its own questions of it)."""
    from evals import real

    if why := real.available():
        pytest.skip(why)
    home = tmp_path_factory.mktemp("real-home")
    real.real_library(home)
    return home
