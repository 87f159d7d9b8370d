"""One library of the real documents for every real-document test of the session (ingesting
them costs minutes; each test then asks its own questions of it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals import real


@pytest.fixture(scope="session")
def real_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if why := real.available():
        pytest.skip(why)
    home = tmp_path_factory.mktemp("real-home")
    real.real_library(home)
    return home
