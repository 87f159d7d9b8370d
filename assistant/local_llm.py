"""A GGUF model served on loopback by llama.cpp's own OpenAI-compatible server (xllamacpp).

xllamacpp ships llama.cpp prebuilt (no compile) and runs its C++ HTTP server inside this
process: `openai` and `langchain-openai` talk to it as to any endpoint, so the generation
path, prompts, guard and fallbacks are the same code for a local model as for a hosted
one. One model per process; llama.cpp queues requests and caches prompts.

    python -m assistant.local_llm --model FILE.gguf [--port N] [--threads N] [--ctx N]
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["start_server", "ensure_server", "LOCAL_ALIAS", "LocalModelMissingError", "main"]

LOCAL_ALIAS = "local"


class LocalModelMissingError(RuntimeError):
    """MICROPLOMACY_LLM=local but no model file or no runtime: the message says what to run."""


_lock = threading.Lock()
_running: dict[Path, tuple[Any, str]] = {}


def start_server(model: Path, port: int, host: str = "127.0.0.1", threads: int | None = None,
                 n_ctx: int = 4096, alias: str | None = None) -> Any:
    """Load ``model`` and serve it at http://host:port/v1 until the process ends; returns
    the xllamacpp Server (keep a reference: dropping it stops the server)."""
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = str(model)
    params.n_ctx = n_ctx
    params.hostnames = [host]
    params.port = port
    if alias:
        params.model_alias = [alias]  # a set of names: a bare string becomes its letters
    # threads = free cores: llama.cpp threads spin, and on a busy machine more threads than
    # free cores collapse decoding to about one token a second
    n = threads or max(1, os.cpu_count() or 1)
    params.cpuparams.n_threads = n
    params.cpuparams_batch.n_threads = n
    begin = time.monotonic()
    server = xlc.Server(params)
    log.info("model %s loaded and served at http://%s:%d/v1 in %.1f s (%d threads)",
             model.name, host, port, time.monotonic() - begin, n)
    return server


def ensure_server(model: Path, threads: int | None = None, n_ctx: int = 4096) -> str:
    """The base URL of this process's one local model server, started on first use on a
    free loopback port (requests are queued by llama.cpp)."""
    with _lock:
        if model in _running:
            return _running[model][1]
        if not model.is_file():
            raise LocalModelMissingError(
                f"MICROPLOMACY_LLM=local but there is no model at {model}: run `make setup-llm` "
                "(or set MICROPLOMACY_LLM_MODEL_FILE to a GGUF file)")
        try:
            import xllamacpp  # noqa: F401
        except ImportError as exc:
            raise LocalModelMissingError("MICROPLOMACY_LLM=local needs xllamacpp: run "
                                         "`make setup-llm`") from exc
        with socket.socket() as s:  # a free loopback port
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        server = start_server(model, port, threads=threads, n_ctx=n_ctx, alias=LOCAL_ALIAS)
        url = f"http://127.0.0.1:{port}/v1"
        _running[model] = (server, url)
        return url


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="a GGUF file")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--threads", type=int, default=None, help="default: every core")
    ap.add_argument("--ctx", type=int, default=4096, help="context window in tokens")
    ap.add_argument("--alias", default=None, help="the model name the API reports")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if not args.model.is_file():
        ap.error(f"no model file at {args.model}")
    server = start_server(args.model, args.port, args.host, args.threads, args.ctx, args.alias)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    del server
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
