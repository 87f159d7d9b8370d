"""Load test of the browser app: concurrent sessions asking questions while an ingest runs.

    python -m evals.load_test [--sessions 20] [--seconds 60] [--url URL] [--json]

Everything runs on loopback and is bounded: in time (the window, a timeout per request, a
bounded wait for the ingest), in count (--max-requests over all sessions) and in processes
(every process the script starts is stopped in a `finally`, with its whole process group).

What it does, unless --url is given:

1. starts a `chroma run` server on a free loopback port over a fresh data directory;
2. ingests the sample corpus (`microplomacy ingest corpus/docs`) and writes a pool of
   synthetic distractor documents (evals/distractors.py: agreements, calls and reports about
   invented towns and programmes only, so they can never change a gold answer) to a folder;
3. starts `microplomacy serve --host 127.0.0.1 --port <free port>` and waits for it;
4. baseline: one session, no ingest running, asks each question ``--baseline-rounds`` times;
5. load: starts `microplomacy ingest <pool>` and, at the same moment, ``--sessions`` threads,
   each with its own `gradio_client.Client` (its own Gradio session, so its own
   conversation state), asking the questions in turn until ``--seconds`` have passed;
6. waits (bounded) for the ingest to finish, then checks that the app sees its documents:
   the library count over the server, and a question only the last ingested agreement answers.

Why a Chroma server, and a second process for the ingest. Two processes must never open one
embedded Chroma store (`PersistentClient` on one path): neither sees or locks the other's
writes. So the app and the ingest both point at a `chroma run` server
(MICROPLOMACY_CHROMA_URL), the documented setup for more than one process, and share one
data directory (stored originals, logs). A bulk ingest from the command line while
colleagues use the app is the case this measures: two processes competing for the same two
cores, and the app noticing another process's commits (its keyword index is rebuilt after
each one). Ingesting through the app's own upload API instead would run inside one of the
app's queue slots and never exercise that; uploads are covered by the browser tests.

With --url the script drives an app it did not start: it assumes the sample corpus is in that
library and runs no ingest (it writes nothing into a library it did not create).

The questions are gold questions of evals/questions.jsonl (QUESTION_IDS) whose answers do not
depend on today's date; an answer is correct when it contains every key fact and names every
gold source, and is not declined. An error is an exception from the client (including a
timeout or a full queue) or the app's "Something went wrong" sentence.

Figures: requests, errors, wrong answers, requests per session, throughput, p50/p95/max
latency (submit to final streamed value), for the baseline and under load, and the ingest's
progress during the window. Latency is reported, never judged here: speed lives in benchmarks.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals.common import REPO, free_port, has_fact, load_jsonl, wait_for_port

log = logging.getLogger("load_test")

BIN = Path(sys.executable).parent
CORPUS = REPO / "corpus" / "docs"
QUESTIONS = REPO / "evals" / "questions.jsonl"
# Facts, amounts, deadlines, lists, eligibility and a comparison; none depends on the date.
QUESTION_IDS = ("q001", "q003", "q005", "q007", "q014", "q022", "q030", "q041", "q053", "q063")
API_NAME = "/ask"
REQUEST_TIMEOUT_S = 60.0
FAILED_SENTENCE = "Something went wrong"
DECLINED_HEAD = "**Not in your documents"
PREFIX = "loadtest"
# On 2 cores the ingest stores ~3 distractors/s alone and ~1.2-2/s beside 20 sessions
# (measured; it varies with whatever else runs): this many per second of window keeps it
# running through the window, and what is left after it takes seconds, not minutes.
DOCS_PER_SECOND = 2.5
MAX_POOL = 400
SAMPLES = 5  # error and wrong-answer texts kept in the result


# --------------------------------------------------------------------------- results


@dataclass
class PhaseFigures:
    """One phase: who asked, how often, how it went, how long it took."""

    sessions: int
    seconds: float
    requests: int
    errors: int
    wrong: int
    throughput_rps: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    per_session: list[int] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    wrong_samples: list[str] = field(default_factory=list)


@dataclass
class IngestFigures:
    """The ingest that ran during the load window (ran=False with --url)."""

    ran: bool
    documents: int = 0
    returncode: int | None = None
    ingested: int = 0
    failed: int = 0
    seconds: float = 0.0
    stored_during_window: int = 0
    finished_in_window: bool = False
    library_documents: int = 0  # counted over the Chroma server after the ingest
    expected_documents: int = 0
    answered_from_new_document: bool = False
    new_document: str = ""


@dataclass
class LoadResult:
    url: str
    machine: str
    questions: list[str]
    baseline: PhaseFigures
    load: PhaseFigures
    ingest: IngestFigures
    app_peak_mb: float | None = None
    # CPU seconds spent during the load window, to see who had the cores: the app process,
    # this process (the clients: request encoding, streaming, checking) and the ingest
    cpu_s: dict[str, float] = field(default_factory=dict)
    load_average_end: float | None = None

    @property
    def ok(self) -> bool:
        ing = self.ingest
        ingest_ok = not ing.ran or (ing.returncode == 0 and ing.failed == 0
                                    and ing.library_documents == ing.expected_documents
                                    and ing.answered_from_new_document)
        return (self.baseline.errors == self.baseline.wrong == 0
                and self.load.errors == self.load.wrong == 0 and ingest_ok)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


# --------------------------------------------------------------------------- helpers


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[int(round(pct / 100 * (len(ordered) - 1)))] if ordered else 0.0


def tail(path: Path, chars: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def _rss_peak_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU time so far of the live processes of a process group (the ingest
    has a parser worker beside it), from /proc; 0 where there is no /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def offline_env() -> dict[str, str]:
    """Neither Gradio nor its client phones home (version check, telemetry)."""
    return {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}


class Processes:
    """Every process started here, each in its own process group, stopped in reverse."""

    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, what: str, args: list[str], env: dict[str, str], out: Path,
              err: Path | None = None) -> subprocess.Popen:
        with open(out, "wb") as stdout, open(err or out, "ab") as stderr:
            proc = subprocess.Popen(args, env=env, stdout=stdout,
                                    stderr=stderr if err else subprocess.STDOUT,
                                    start_new_session=True, cwd=REPO)
        self.procs.append((what, proc))
        log.debug("started %s (pid %d): %s", what, proc.pid, " ".join(args))
        return proc

    @staticmethod
    def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
        if proc.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=grace)
        # the group may hold children (the ingest's parser worker) even after its leader left
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)

    def stop_all(self) -> None:
        for what, proc in reversed(self.procs):
            log.debug("stopping %s (pid %d)", what, proc.pid)
            self.stop(proc)
        self.procs.clear()


# --------------------------------------------------------------------------- questions


def load_questions(ids: tuple[str, ...] = QUESTION_IDS) -> list[dict[str, Any]]:
    by_id = {q["id"]: q for q in load_jsonl(QUESTIONS)}
    return [by_id[i] for i in ids]


def problem(answer: Any, q: dict[str, Any]) -> tuple[str, str] | None:
    """None for a correct answer, else ("error" | "wrong", why)."""
    if not isinstance(answer, str) or not answer.strip():
        return "error", f"{q['id']}: no answer text ({type(answer).__name__})"
    if answer.startswith(FAILED_SENTENCE):
        return "error", f"{q['id']}: {answer[:120]}"
    if answer.startswith(DECLINED_HEAD):
        return "wrong", f"{q['id']}: declined: {answer[:160]!r}"
    missing = [alts[0] for alts in q["key_facts"] if not has_fact(answer, alts)]
    if missing:
        return "wrong", f"{q['id']}: missing {missing}: {answer[:160]!r}"
    uncited = [s for s in q["sources"] if s not in answer]
    if uncited:
        return "wrong", f"{q['id']}: does not cite {uncited}: {answer[:160]!r}"
    return None


# --------------------------------------------------------------------------- sessions


def new_client(url: str, timeout: float = 60.0) -> Any:
    """One gradio_client session; retried while the app is still starting."""
    from gradio_client import Client

    deadline = time.monotonic() + timeout
    while True:
        try:
            return Client(url, verbose=False, analytics_enabled=False, download_files=False)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def ask(client: Any, question: str) -> Any:
    """The Ask tab's ChatInterface: message, then its additional inputs doc_type and partner
    ("" = all). The conversation is a gr.State, not an API input: Gradio keeps one per
    client session. submit() streams; result() is the final value."""
    return client.submit(question, "", "", api_name=API_NAME).result(timeout=REQUEST_TIMEOUT_S)


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    per_session: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    issued: int = 0
    last_done: float = 0.0  # time.monotonic() of the last answer

    def take_ticket(self, limit: int) -> bool:
        with self.lock:
            if self.issued >= limit:
                return False
            self.issued += 1
            return True

    def record(self, ms: float, verdict: tuple[str, str] | None) -> None:
        with self.lock:
            self.latencies.append(ms)
            self.last_done = time.monotonic()
            if verdict is not None:
                (self.errors if verdict[0] == "error" else self.wrong).append(verdict[1])

    def figures(self, sessions: int, seconds: float) -> PhaseFigures:
        lat = self.latencies
        return PhaseFigures(
            sessions=sessions, seconds=round(seconds, 2), requests=len(lat),
            errors=len(self.errors), wrong=len(self.wrong),
            throughput_rps=round(len(lat) / seconds, 2) if seconds else 0.0,
            p50_ms=round(percentile(lat, 50), 1), p95_ms=round(percentile(lat, 95), 1),
            max_ms=round(max(lat, default=0.0), 1), per_session=list(self.per_session),
            error_samples=self.errors[:SAMPLES], wrong_samples=self.wrong[:SAMPLES])


def session_loop(client: Any, questions: list[dict[str, Any]], start: int, tally: _Tally,
                 deadline: float, limit: int, index: int) -> None:
    done = 0
    i = start
    while time.monotonic() < deadline and tally.take_ticket(limit):
        q = questions[i % len(questions)]
        i += 1
        t0 = time.perf_counter()
        try:
            answer = ask(client, q["question"])
            verdict = problem(answer, q)
        except Exception as exc:  # a timeout, a full queue, a dropped connection
            verdict = ("error", f"{q['id']}: {type(exc).__name__}: {str(exc)[:160]}")
        tally.record((time.perf_counter() - t0) * 1000, verdict)
        done += 1
    with tally.lock:
        tally.per_session[index] = done


def close_all(clients: list[Any]) -> None:
    """Close the sessions side by side: one by one takes ~0.5 s each."""

    def close(c: Any) -> None:
        with suppress(Exception):
            c.close()

    closers = [threading.Thread(target=close, args=(c,), daemon=True)
               for c in clients if c is not None]
    for t in closers:
        t.start()
    for t in closers:
        t.join(30)


def baseline(url: str, questions: list[dict[str, Any]], rounds: int) -> PhaseFigures:
    """One session, nothing else running: what a request costs on an idle app."""
    client = new_client(url)
    try:
        ask(client, questions[0]["question"])  # warm-up: first use builds the keyword index
        tally = _Tally(per_session=[0])
        t0 = time.monotonic()
        session_loop(client, questions, 0, tally, float("inf"), rounds * len(questions), 0)
        return tally.figures(1, max(tally.last_done, t0 + 1e-3) - t0)
    finally:
        close_all([client])


def load_window(url: str, questions: list[dict[str, Any]], sessions: int, seconds: float,
                max_requests: int, started: threading.Event | None = None,
                at_end: Callable[[], None] | None = None) -> PhaseFigures:
    """``sessions`` clients, each in its own thread, asking until the window closes.

    ``started`` is set when every session is connected and the window opens; ``at_end`` is
    called when the last answer is in, before the clients are closed (which takes seconds).
    """
    clients: list[Any] = [None] * sessions

    def connect(i: int) -> None:
        clients[i] = new_client(url)

    connectors = [threading.Thread(target=connect, args=(i,), daemon=True)
                  for i in range(sessions)]
    tally = _Tally(per_session=[0] * sessions)
    t0 = time.monotonic()
    try:
        for t in connectors:
            t.start()
        for t in connectors:
            t.join()
        if any(c is None for c in clients):
            raise RuntimeError("could not open every session (see the log above)")
        if started is not None:
            started.set()
        t0 = time.monotonic()
        deadline = t0 + seconds
        threads = [threading.Thread(target=session_loop, name=f"session-{i}", daemon=True,
                                    args=(c, questions, i, tally, deadline, max_requests, i))
                   for i, c in enumerate(clients)]
        for t in threads:
            t.start()
        for t in threads:  # a request started before the deadline may take its timeout
            t.join(seconds + REQUEST_TIMEOUT_S + 30)
        if at_end is not None:
            at_end()
    finally:
        close_all(clients)
    # from the opening of the window to the last answer (closing the clients takes seconds)
    return tally.figures(sessions, max(tally.last_done, t0 + 1e-3) - t0)


# --------------------------------------------------------------------------- the stack


@dataclass
class Stack:
    url: str
    env: dict[str, str]
    work: Path
    app: subprocess.Popen


def _cli(*args: str) -> list[str]:
    exe = shutil.which("microplomacy", path=str(BIN)) or str(BIN / "microplomacy")
    return [exe, *args]


@contextmanager
def local_stack(work: Path, procs: Processes) -> Iterator[Stack]:
    """A Chroma server, the sample corpus in it, and the app serving it, on loopback."""
    chroma_port, app_port = free_port(), free_port()
    chroma = procs.start("chroma", [str(BIN / "chroma"), "run", "--host", "127.0.0.1",
                                    "--port", str(chroma_port), "--path", str(work / "chroma")],
                         {**os.environ, **offline_env()}, work / "chroma.log")
    wait_for_port(chroma_port, 60, chroma, "chroma run")
    env = {**os.environ, **offline_env(), "MICROPLOMACY_HOME": str(work / "home"),
           "MICROPLOMACY_CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
           "MICROPLOMACY_COLLECTION_PREFIX": PREFIX}
    t0 = time.monotonic()
    done = subprocess.run(_cli("ingest", "--json", str(CORPUS)), env=env, capture_output=True,
                          text=True, timeout=600, cwd=REPO)
    if done.returncode != 0:
        raise RuntimeError(f"ingest of the sample corpus failed:\n{done.stderr[-2000:]}")
    log.info("sample corpus ingested in %.0f s", time.monotonic() - t0)
    app = procs.start("app", _cli("serve", "--host", "127.0.0.1", "--port", str(app_port)),
                      env, work / "serve.log")
    try:
        wait_for_port(app_port, 120, app, "microplomacy serve")
    except Exception as exc:
        raise RuntimeError(f"{exc}\n{tail(work / 'serve.log')}") from None
    yield Stack(f"http://127.0.0.1:{app_port}", env, work, app)


def library_count(env: dict[str, str]) -> int:
    done = subprocess.run(_cli("docs", "--json"), env=env, capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    if done.returncode != 0:
        raise RuntimeError(f"microplomacy docs failed: {done.stderr[-1000:]}")
    data = json.loads(done.stdout)
    docs = data.get("documents", data) if isinstance(data, dict) else data
    return len(docs)


def _stored_so_far(stderr_log: Path) -> int:
    return len(re.findall(r" ingested \S+ as ", tail(stderr_log, 10**7)))


def distractor_pool(folder: Path, n: int) -> tuple[list[Path], Any]:
    """The pool, and its last agreement (stored last: if the app answers from it, it sees
    everything the other process stored)."""
    from evals.distractors import generate, write

    docs = generate(n)
    paths = write(docs, folder)
    last_mou = max((d for d in docs if d.kind == "mou"), key=lambda d: d.filename)
    return paths, last_mou


# --------------------------------------------------------------------------- driver


def run_load_test(sessions: int = 20, seconds: float = 60.0, url: str | None = None,
                  max_requests: int | None = None, baseline_rounds: int = 3,
                  ingest_docs: int | None = None, ingest_wait_s: float = 240.0,
                  work_dir: Path | None = None) -> LoadResult:
    """Run the whole test (see the module docstring); every process started is stopped."""
    for key, value in offline_env().items():
        os.environ.setdefault(key, value)  # gradio_client reads them too
    questions = load_questions()
    limit = max_requests or sessions * int(seconds) * 20  # far above what 2 cores can serve
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python "
               f"{platform.python_version()}, load average at start {os.getloadavg()[1]:.1f}")
    n_docs = ingest_docs or min(MAX_POOL, max(20, int(seconds * DOCS_PER_SECOND)))
    procs = Processes()
    work = work_dir or Path(tempfile.mkdtemp(prefix="load-test-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if url is not None:
            log.info("driving %s (no ingest: the script writes only into a library it "
                     "created)", url)
            base = baseline(url, questions, baseline_rounds)
            log.info("baseline: %d requests, p50 %.0f ms, p95 %.0f ms", base.requests,
                     base.p50_ms, base.p95_ms)
            load = load_window(url, questions, sessions, seconds, limit)
            return LoadResult(url, machine, list(QUESTION_IDS), base, load,
                              IngestFigures(ran=False))

        with local_stack(work, procs) as stack:
            pool, last_mou = distractor_pool(work / "pool", n_docs)
            base = baseline(stack.url, questions, baseline_rounds)
            log.info("baseline: %d requests, p50 %.0f ms, p95 %.0f ms", base.requests,
                     base.p50_ms, base.p95_ms)

            ingest = IngestFigures(ran=True, documents=len(pool),
                                   expected_documents=len(pool) + len(list(CORPUS.iterdir())),
                                   new_document=last_mou.filename)
            started = threading.Event()
            box: dict[str, Any] = {}
            out, err = work / "ingest.json", work / "ingest.log"

            def start_ingest() -> None:
                started.wait()  # the moment every session is connected: the window opens
                if box.get("abort"):
                    return
                box["t0"] = time.monotonic()
                box["cpu0"] = (group_cpu_seconds(stack.app.pid), time.process_time())
                box["proc"] = procs.start("ingest", _cli("-v", "ingest", "--json",
                                                         str(work / "pool")),
                                          stack.env, out, err)

            starter = threading.Thread(target=start_ingest, daemon=True)
            starter.start()
            log.info("load: %d sessions for %.0f s while %d documents are ingested",
                     sessions, seconds, len(pool))
            cpu: dict[str, float] = {}

            def window_closed() -> None:
                proc = box["proc"]
                ingest.stored_during_window = _stored_so_far(err)
                ingest.finished_in_window = proc.poll() is not None
                cpu["app"] = group_cpu_seconds(stack.app.pid) - box["cpu0"][0]
                cpu["clients"] = time.process_time() - box["cpu0"][1]
                if not ingest.finished_in_window:
                    cpu["ingest"] = group_cpu_seconds(proc.pid)
                box["load_avg"] = os.getloadavg()[0]

            try:
                load = load_window(stack.url, questions, sessions, seconds, limit, started,
                                   window_closed)
            except BaseException:
                box["abort"] = True
                raise
            finally:
                started.set()
                starter.join()
            proc: subprocess.Popen = box["proc"]
            log.info("load: %d requests, %d errors, %d wrong, p50 %.0f ms, p95 %.0f ms; "
                     "ingest stored %d of %d documents during the window", load.requests,
                     load.errors, load.wrong, load.p50_ms, load.p95_ms,
                     ingest.stored_during_window, len(pool))
            try:
                ingest.returncode = proc.wait(timeout=ingest_wait_s)
            except subprocess.TimeoutExpired:
                log.error("the ingest did not finish within %.0f s after the window",
                          ingest_wait_s)
            ingest.seconds = round(time.monotonic() - box["t0"], 1)
            if ingest.returncode is not None:
                try:
                    report = json.loads(out.read_text())
                    ingest.ingested = len(report.get("ingested", []))
                    ingest.failed = len(report.get("failed", []))
                except (OSError, ValueError):
                    log.error("no ingest report:\n%s", tail(err))
                ingest.library_documents = library_count(stack.env)
                client = new_client(stack.url)
                try:
                    question = (f"Which body implements the agreement between "
                                f"{last_mou.names[0]} and {last_mou.names[1]}?")
                    answer = ask(client, question)
                    ingest.answered_from_new_document = (
                        isinstance(answer, str) and last_mou.filename in answer
                        and last_mou.names[4] in answer)
                finally:
                    client.close()
            return LoadResult(stack.url, machine, list(QUESTION_IDS), base, load, ingest,
                              _rss_peak_mb(stack.app.pid),
                              {k: round(v, 1) for k, v in cpu.items()}, box.get("load_avg"))
    finally:
        procs.stop_all()
        if work_dir is None:
            shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------- report


def _phase_line(name: str, f: PhaseFigures) -> str:
    spread = (f"{min(f.per_session)}-{max(f.per_session)}" if f.per_session else "-")
    return (f"| {name} | {f.sessions} | {f.seconds:.0f} | {f.requests} | {spread} | "
            f"{f.errors} | {f.wrong} | {f.throughput_rps:.1f} | {f.p50_ms:.0f} | "
            f"{f.p95_ms:.0f} | {f.max_ms:.0f} |")


def report(result: LoadResult) -> str:
    b, lo, ing = result.baseline, result.load, result.ingest
    lines = [f"Load test ({result.machine}; {result.url}; {len(result.questions)} gold "
             f"questions in turn, answers checked for their key facts and sources)", "",
             "| phase | sessions | seconds | requests | per session | errors | wrong | "
             "req/s | p50 ms | p95 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
             _phase_line("baseline (1 session, no ingest)", b),
             _phase_line("under load (ingest running)" if ing.ran else "under load", lo), ""]
    if b.p50_ms and b.p95_ms:
        lines.append(f"- under load vs baseline: p50 x{lo.p50_ms / b.p50_ms:.1f}, "
                     f"p95 x{lo.p95_ms / b.p95_ms:.1f}")
    if ing.ran:
        state = ("finished inside the window" if ing.finished_in_window
                 else "still running when the window closed")
        lines += [
            f"- ingest: {ing.documents} documents, {ing.stored_during_window} stored during "
            f"the window ({state}); done {ing.seconds:.0f} s after the window opened, exit code "
            f"{ing.returncode}: {ing.ingested} ingested, {ing.failed} failed",
            f"- library after it: {ing.library_documents} documents (expected "
            f"{ing.expected_documents}); the app answers from the last one stored "
            f"({ing.new_document}): {'yes' if ing.answered_from_new_document else 'NO'}"]
    else:
        lines.append("- ingest: not run (--url)")
    if result.cpu_s:
        window = lo.seconds or 1
        lines.append("- CPU during the window (cores busy on average): " + ", ".join(
            f"{k} {v / window:.2f}" for k, v in result.cpu_s.items())
            + f"; load average (1 min) at its end {result.load_average_end:.1f}")
    if result.app_peak_mb:
        lines.append(f"- app process peak memory: {result.app_peak_mb:.0f} MB")
    for f, name in ((b, "baseline"), (lo, "load")):
        lines += [f"- {name} error: {s}" for s in f.error_samples]
        lines += [f"- {name} wrong answer: {s}" for s in f.wrong_samples]
    lines.append(f"- result: {'OK' if result.ok else 'FAILED'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.load_test", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=20, help="concurrent sessions (clients)")
    ap.add_argument("--seconds", type=float, default=60.0, help="length of the load window")
    ap.add_argument("--url", help="drive a running app instead of starting one (no ingest)")
    ap.add_argument("--max-requests", type=int, default=None,
                    help="cap on requests over all sessions (default: 20 per session-second)")
    ap.add_argument("--baseline-rounds", type=int, default=3,
                    help="times the single baseline session asks each question")
    ap.add_argument("--ingest-docs", type=int, default=None,
                    help=f"distractor documents ingested during the window (default: "
                         f"{DOCS_PER_SECOND:g} per second of window, at most {MAX_POOL})")
    ap.add_argument("--work-dir", type=Path, default=None,
                    help="keep data and logs here (default: a temporary folder, removed)")
    ap.add_argument("--json", action="store_true", help="print the result as one JSON object")
    ap.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    args = ap.parse_args(argv)

    def terminated(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)  # so the `finally` stops every process started

    signal.signal(signal.SIGTERM, terminated)
    if args.sessions < 1 or args.seconds <= 0:
        ap.error("--sessions and --seconds must be positive")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("httpx", "httpcore", "gradio_client", "evals.distractors", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    result = run_load_test(args.sessions, args.seconds, args.url, args.max_requests,
                           args.baseline_rounds, args.ingest_docs, work_dir=args.work_dir)
    print(json.dumps(result.to_json(), indent=2) if args.json else report(result))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
