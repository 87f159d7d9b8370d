"""Parsing in a separate process with a time and memory bound.

A malformed PDF can make a parser loop or allocate without end; in a worker process that is
killed on timeout (or refused memory by RLIMIT_AS) it costs one file a one-line reason,
never the batch or the app. The worker is a plain child process talking over its own
pipes, so it never holds the app's terminal or output, and it dies with the app.
"""

from __future__ import annotations

import logging
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import time
from typing import IO, Any

from ingest.models import IngestError, ParsedDocument
from ingest.ocr import OcrOptions, ProgressFn

log = logging.getLogger(__name__)

_HEADER = struct.Struct("!Q")
# However much progress a file reports, it gets this long: a crafted PDF of thousands of
# tiny scanned pages must not hold the one parser for hours.
MAX_FILE_SECONDS = 1800.0


def _send(stream: IO[bytes], obj: Any) -> None:
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:  # an unbuffered pipe may take a large message in several writes
        written = stream.write(view)
        view = view[written if written is not None else len(view):]
    stream.flush()


def _read_exact(stream: IO[bytes], n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _receive(stream: IO[bytes]) -> Any:
    (size,) = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    return pickle.loads(_read_exact(stream, size))  # noqa: S301 - our own child process


class BoundedParser:
    """``parse_bytes`` in a reusable worker process, restarted after a timeout or crash."""

    def __init__(self, timeout_s: float = 120.0, memory_bytes: int = 3 * 1024**3,
                 ocr: OcrOptions | None = None) -> None:
        # The time bound is on silence: every scanned page OCR reads restarts the clock, so
        # a 200-page scan can take minutes while one stuck page cannot.
        self.timeout_s = timeout_s
        self.ocr = ocr or OcrOptions()
        self.memory_bytes = memory_bytes
        self._proc: subprocess.Popen[bytes] | None = None

    def _worker(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            # bufsize=0: select() watches the pipe, so no reply may wait in a Python buffer
            # behind the progress message just read. A session of its own: killing it
            # takes the Tesseract processes it started along.
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "ingest.sandbox", str(self.memory_bytes)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                bufsize=0, start_new_session=True)
            assert self._proc.stdout is not None
            _receive(self._proc.stdout)  # ready: imports done outside any file's time limit
        return self._proc

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
            proc.wait(timeout=10)

    def run(self, data: bytes, name: str, max_bytes: int,
            progress: ProgressFn | None = None) -> ParsedDocument:
        proc = self._worker()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            _send(proc.stdin, (data, name, max_bytes, self.ocr))
            # silence is bounded by timeout_s; the whole file (a long scan) by this
            deadline = time.monotonic() + max(self.timeout_s, MAX_FILE_SECONDS)
            while True:
                wait = min(self.timeout_s, deadline - time.monotonic())
                ready, _, _ = select.select([proc.stdout], [], [], max(0.0, wait))
                if not ready:
                    log.warning("parsing %s: no progress for %g s: worker killed", name,
                                self.timeout_s)
                    self._kill()
                    raise IngestError(f"the file took over {self.timeout_s:g} s to read; it may "
                                      "be damaged or built to overload readers")
                status, value = _receive(proc.stdout)
                if status != "progress":
                    break
                if progress:
                    progress(*value)
        except (EOFError, BrokenPipeError, OSError):
            self._kill()
            raise IngestError("reading the file crashed the reader (out of memory or damaged "
                              "structure)") from None
        if status == "error":
            raise IngestError(value)
        return value

    def close(self) -> None:
        self._kill()


def _serve(memory_bytes: int) -> None:
    """The worker: parse requests from stdin until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    if os.getppid() == 1:  # the app died before we could ask to die with it
        return
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    from ingest.parse import parse_bytes

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    _send(stdout, "ready")
    while True:
        try:
            data, name, max_bytes, ocr = _receive(stdin)
        except EOFError:
            return

        def progress(done: int, total: int) -> None:
            _send(stdout, ("progress", (done, total)))

        try:
            _send(stdout, ("ok", parse_bytes(data, name, max_bytes=max_bytes, ocr=ocr,
                                             progress=progress)))
        except IngestError as exc:
            _send(stdout, ("error", str(exc)))
        except MemoryError:
            _send(stdout, ("error", "the file needs too much memory to read; it may be damaged"))


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
