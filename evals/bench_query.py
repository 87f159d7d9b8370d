"""Query latency and memory as the library grows: retrieval and a full embedded answer.

For each size (total passages in the store) and backend (embedded Chroma; with --server
also a `chroma run` server this script starts on a free loopback port), one library is
built and then queried, each phase in its own subprocess so its peak memory is its own:

- the sample corpus is ingested through the normal pipeline (so the gold questions have
  their documents), then synthetic passages fill the store up to the size, written through
  the normal indexer (`Indexer.write`: files, chunks, registry records) in documents of
  CHUNKS_PER_DOC passages;
- query: the gold questions, asked in order; p50/p95 of retrieval alone
  (`HybridRetriever.run`, k=8) and of a full embedded answer (`Assistant.ask`), the first
  query separately (it builds the BM25 index) and the warm-up a server runs at start
  (`Assistant.warm_up`: spaCy, country names; before it, the first answers waited for
  them), peak RSS (getrusage), and a cProfile of a few answers at that size (top functions
  by cumulative time).

How the synthetic passages are made, honestly: embedding 100k passages at ~30/s would take
an hour, so the script writes every passage's text (all different: templated officer-style
sentences over invented towns, programmes and amounts) but embeds only BASE_TEXTS distinct
texts; every further passage reuses the vector of a base text from the same template and
topic, plus Gaussian noise (sigma NOISE per dimension, renormalised; cosine ~0.96 to its
base). Latency depends on the store's size, the HNSW graph, the metadata, the BM25 index
and the number of documents, which are all real; retrieval *quality* on these vectors
means nothing and is not measured here (see evals/report.py).

    python -m evals.bench_query [--sizes 1000,10000,100000] [--server] [--questions 40]
                                [--out results]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import logging
import os
import platform
import pstats
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from evals.common import REPO, chroma_server
from evals.distractors import AREAS, DISTINCT, THEMES, TOWN_PARTS

log = logging.getLogger("bench_query")

CORPUS = REPO / "corpus" / "docs"
CHUNKS_PER_DOC = 20  # a long agreement or call; the sample corpus averages ~8
BASE_TEXTS = 1500  # distinct texts actually embedded (cached across sizes)
NOISE = 0.012
SEED = 7
AIMS_MS = {10_000: 300.0, 100_000: 1000.0}  # p95 of a full answer, from the issue

TEMPLATES = [
    ("{town} and {town2} agree to cooperate on {area} and {area2}; the {body} meets "
     "{freq} and reports to both councils. The agreement runs for {years} years from "
     "{day} {month} {year}."),
    ("The {prog} supports partnerships of at least {n} municipalities working on {area}. "
     "Grants range from EUR {amount},000 to EUR {amount2},000; co-financing of {pct}% is "
     "required. Applications close on {day} {month} {year} at 17:00 CET."),
    ("In {year} the town of {town} hosted {n} young people from {town2} for a week on "
     "{area}. The exchange was funded by the {prog} and evaluated by the {body}."),
    ("Policy note: municipalities that review their agreements every {years} years keep "
     "{pct}% more of them active. {town} reviewed its partnership with {town2} in {year}, "
     "adding {area} as a new field."),
    ("Eligible applicants are municipalities, twinning committees and non-profit "
     "organisations located in {country}. Each project lasts up to {n}0 months and must "
     "include activities on {area}."),
    ("Article {n} - {area_title}. The Parties shall exchange staff and good practice on "
     "{area}, hold a joint event in {town} in {year} and a follow-up in {town2}."),
]
MONTHS = ["January", "March", "April", "June", "September", "October", "November"]
FREQ = ["once a year", "twice a year", "every quarter"]


def _towns() -> list[str]:
    return [p + s for pres, sufs in TOWN_PARTS.values() for p in pres for s in sufs]


def chunk_text(i: int, towns: list[str]) -> tuple[int, str]:
    """(template id, text) of synthetic passage ``i``: deterministic, all different."""
    rng = random.Random(SEED * 1_000_003 + i)
    tid = i % len(TEMPLATES)
    area = rng.choice(AREAS)
    theme = rng.choice(THEMES)
    slots = {
        "town": rng.choice(towns), "town2": rng.choice(towns), "area": area,
        "area2": rng.choice(AREAS), "area_title": area.capitalize(),
        "body": f"{rng.choice(DISTINCT)} {rng.choice(['Board', 'Council', 'Committee'])}",
        "freq": rng.choice(FREQ), "years": rng.choice([3, 4, 5, 6, 10]),
        "day": rng.randint(1, 28), "month": rng.choice(MONTHS), "year": rng.randint(2008, 2029),
        "prog": f"{rng.choice(DISTINCT)} {theme[0]} Fund", "n": rng.randint(2, 9),
        "amount": rng.randint(5, 60), "amount2": rng.randint(61, 250),
        "pct": rng.choice([20, 25, 30, 40, 50]),
        "country": ", ".join(rng.sample(sorted(TOWN_PARTS), 4)),
    }
    return tid, TEMPLATES[tid].format(**slots) + f" (Ref. {i:06d}.)"


def base_vectors(cache: Path, count: int, embedder: Any) -> np.ndarray:
    """Embeddings of the first ``count`` synthetic texts, cached on disk across sizes."""
    have = np.load(cache) if cache.exists() else np.empty((0, embedder.dim), dtype=np.float32)
    if have.shape[1] != embedder.dim:  # written by another embedder
        have = np.empty((0, embedder.dim), dtype=np.float32)
    if len(have) < count:
        towns = _towns()
        texts = [chunk_text(i, towns)[1] for i in range(len(have), count)]
        t0 = time.perf_counter()
        new = [np.asarray(embedder.embed(texts[s : s + 256]), dtype=np.float32)
               for s in range(0, len(texts), 256)]
        log.info("embedded %d distinct base texts in %.0f s", len(texts),
                 time.perf_counter() - t0)
        have = np.concatenate([have, *new])
        np.save(cache, have)
    return have[:count]


def synthetic_vectors(start: int, stop: int, base: np.ndarray) -> np.ndarray:
    """Passages past the base set reuse a base vector of the same template, perturbed."""
    rng = np.random.default_rng(SEED + start)
    n_base = len(base)
    out = np.empty((stop - start, base.shape[1]), dtype=np.float32)
    for row, i in enumerate(range(start, stop)):
        if i < n_base:
            out[row] = base[i]
            continue
        # same template (i % len(TEMPLATES)) as the base text it borrows from
        j = (i % n_base) - (i % n_base) % len(TEMPLATES) + i % len(TEMPLATES)
        v = base[min(j, n_base - 1)] + rng.normal(0, NOISE, base.shape[1])
        out[row] = v / np.linalg.norm(v)
    return out


# --------------------------------------------------------------------------- phases


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _library(home: Path, url: str | None, prefix: str) -> Any:
    from assistant.config import Settings
    from assistant.library import Library

    env = Settings.from_env()
    return Library(Settings(home=home, chroma_url=url, model_dir=env.model_dir,
                            collection_prefix=prefix))


def _doc_writes(doc_index: int, texts: list[tuple[int, str]], vecs: np.ndarray) -> Any:
    """One synthetic document as the indexer takes it: record, original bytes, chunks."""
    from langchain_core.documents import Document

    from ingest.index import DocumentWrite
    from ingest.registry import DocRecord

    body = "\n\n".join(t for _, t in texts).encode()
    doc_id = hashlib.sha256(body).hexdigest()[:32]
    kind = ("mou", "grant_call", "policy_report")[doc_index % 3]
    title = f"Synthetic benchmark document {doc_index:05d}"
    source = f"bench-{doc_index:05d}.txt"
    year = 2008 + doc_index % 20
    meta = {"doc_type": kind, "year": year, "countries": ["Norway", "Chile"],
            "partners": [f"Town of Bench{doc_index:05d}"]}
    chunks = [Document(page_content=f"{title} | Section {n + 1}\n{text}",
                       id=f"{doc_id}-{n:05d}",
                       metadata={**meta, "doc_id": doc_id, "source": source, "title": title,
                                 "page": 1 + n // 4, "section": f"Section {n + 1}",
                                 "chunk_index": n, "header_chars": len(title) + 14})
              for n, (_tid, text) in enumerate(texts)]
    record = DocRecord(doc_id=doc_id, source=source, doc_type=kind, title=title, fmt="txt",
                       pages=1 + len(texts) // 4, chunks=len(chunks), size=len(body),
                       ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
                       fields={"title": {"value": title, "page": 1, "evidence": title}},
                       countries=meta["countries"], partners=meta["partners"], year=year)
    summary = vecs.mean(axis=0)
    return DocumentWrite(record, body, chunks, vecs.tolist(),
                         (summary / np.linalg.norm(summary)).tolist())


def phase_build(home: Path, url: str | None, prefix: str, size: int, cache: Path) -> dict:
    lib = _library(home, url, prefix)
    t0 = time.perf_counter()
    report = lib.ingest([CORPUS])
    assert not report.failed, report.failed
    corpus_s = time.perf_counter() - t0
    have = lib.store.chunks.count()
    extra = max(0, size - have)
    base = base_vectors(cache, min(BASE_TEXTS, extra), lib.embedder) if extra else None
    towns = _towns()
    t0 = time.perf_counter()
    batch: list[Any] = []
    for start in range(0, extra, CHUNKS_PER_DOC):
        stop = min(extra, start + CHUNKS_PER_DOC)
        texts = [chunk_text(i, towns) for i in range(start, stop)]
        batch.append(_doc_writes(start // CHUNKS_PER_DOC, texts,
                                 synthetic_vectors(start, stop, base)))
        if sum(len(w.chunks) for w in batch) >= 2000:  # ~4 upserts of 500 per write
            lib.indexer.write(batch)
            batch = []
    lib.indexer.write(batch)
    return {"corpus_seconds": corpus_s, "fill_seconds": time.perf_counter() - t0,
            "chunks": lib.store.chunks.count(), "documents": lib.store.documents.count(),
            "peak_mb": _peak_mb()}


def _timed(fn: Any, *args: Any) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t0) * 1000


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[int(round(pct / 100 * (len(ordered) - 1)))] if ordered else 0.0


def profile_top(fn: Any, questions: list[str], top: int = 14) -> list[dict]:
    """Cumulative time per function over a few answers: where a slow size spends it."""
    prof = cProfile.Profile()
    prof.enable()
    for q in questions:
        fn(q)
    prof.disable()
    stats = pstats.Stats(prof, stream=io.StringIO())
    rows = []
    for (path, line, func), (_cc, calls, _tt, cum, _callers) in stats.stats.items():
        if "/work/" in path and ".venv" not in path or "chromadb/api" in path \
                or "bm25s" in path:
            rows.append({"function": f"{Path(path).parent.name}/{Path(path).name}:{line} "
                                     f"{func}", "calls": calls,
                         "ms_per_answer": cum * 1000 / len(questions)})
    rows.sort(key=lambda r: -r["ms_per_answer"])
    return rows[:top]


def phase_query(home: Path, url: str | None, prefix: str, n_questions: int) -> dict:
    from assistant.ask import Assistant
    from evals.qa import load_questions

    lib = _library(home, url, prefix)
    assistant = Assistant(lib, today=datetime(2026, 11, 22).date())
    questions = [q["question"] for q in load_questions()[:n_questions]]
    lib.embedder.embed(["warm up"])  # the ONNX session, not the store
    first_ms = _timed(assistant.retriever.run, questions[0])  # builds the BM25 index
    # what a server loads at start, before any officer asks (spaCy, country names, ...)
    warm_ms = _timed(assistant.warm_up)
    retrieval = [_timed(assistant.retriever.run, q) for q in questions]
    answers = [_timed(assistant.ask, q) for q in questions]
    return {
        "first_query_ms": first_ms,
        "warm_up_ms": warm_ms,
        "retrieval_ms_p50": percentile(retrieval, 50),
        "retrieval_ms_p95": percentile(retrieval, 95),
        "answer_ms_p50": percentile(answers, 50),
        "answer_ms_p95": percentile(answers, 95),
        "questions": len(questions),
        "peak_mb": _peak_mb(),
        "profile": profile_top(assistant.ask, questions[:8]),
    }


def _run_phase(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "evals.bench_query", *args],
                         capture_output=True, text=True, check=False, cwd=REPO)
    if out.returncode != 0:
        raise RuntimeError(f"phase {args[:2]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- server


def _rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of another process, from /proc (Linux)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0, 0.0
    vals = {k: float(v.split()[0]) / 1024 for k, v in
            (line.split(":", 1) for line in status.splitlines() if ":" in line)
            if k in ("VmRSS", "VmHWM")}
    return vals.get("VmRSS", 0.0), vals.get("VmHWM", 0.0)


# --------------------------------------------------------------------------- driver


@dataclass
class Row:
    backend: str
    size: int
    build: dict
    query: dict
    server_mb: float | None = None

    def to_json(self) -> dict:
        return {"backend": self.backend, "size": self.size, "build": self.build,
                "query": self.query, "server_peak_mb": self.server_mb}


def bench_size(work: Path, size: int, backend: str, n_questions: int) -> Row:
    home = work / f"{backend}-{size}"
    cache = work / f"base-{BASE_TEXTS}.npy"
    common = ["--home", str(home), "--prefix", f"bq{size}"]
    if backend == "embedded":
        build = _run_phase("--phase", "build", "--size", str(size), "--cache", str(cache),
                           *common)
        query = _run_phase("--phase", "query", "--questions", str(n_questions), *common)
        shutil.rmtree(home, ignore_errors=True)
        return Row(backend, size, build, query)
    with chroma_server(home / "server") as (url, proc):
        build = _run_phase("--phase", "build", "--size", str(size), "--cache", str(cache),
                           "--url", url, *common)
        query = _run_phase("--phase", "query", "--questions", str(n_questions), "--url", url,
                           *common)
        server_mb = _rss_mb(proc.pid)[1]
    shutil.rmtree(home, ignore_errors=True)
    return Row(backend, size, build, query, server_mb)


def table(rows: list[Row]) -> list[str]:
    lines = ["| backend | passages | documents | fill s | first query ms | warm-up ms | "
             "retrieval p50 | retrieval p95 | answer p50 | answer p95 | query peak MB | "
             "server peak MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        q, b = r.query, r.build
        server = f"{r.server_mb:.0f}" if r.server_mb else "-"
        lines.append(f"| {r.backend} | {b['chunks']} | {b['documents']} | "
                     f"{b['fill_seconds']:.0f} | {q['first_query_ms']:.0f} | "
                     f"{q['warm_up_ms']:.0f} | {q['retrieval_ms_p50']:.0f} | "
                     f"{q['retrieval_ms_p95']:.0f} | "
                     f"{q['answer_ms_p50']:.0f} | {q['answer_ms_p95']:.0f} | "
                     f"{q['peak_mb']:.0f} | {server} |")
    return lines


def growth(rows: list[Row]) -> list[str]:
    """How latency and memory grow from one size to the next, per backend."""
    out = []
    for backend in dict.fromkeys(r.backend for r in rows):
        mine = [r for r in rows if r.backend == backend]
        for prev, cur in zip(mine, mine[1:], strict=False):
            f = cur.build["chunks"] / max(1, prev.build["chunks"])
            ratio = {k: cur.query[k] / max(1e-9, prev.query[k])
                     for k in ("answer_ms_p95", "retrieval_ms_p95", "peak_mb")}
            out.append(
                f"- {backend}, {prev.build['chunks']} -> {cur.build['chunks']} passages "
                f"(x{f:.0f}): answer p95 x{ratio['answer_ms_p95']:.1f}, retrieval p95 "
                f"x{ratio['retrieval_ms_p95']:.1f}, query-process memory "
                f"x{ratio['peak_mb']:.2f}")
    for r in rows:
        aim = next((a for s, a in AIMS_MS.items() if abs(r.size - s) <= s * 0.05), None)
        if aim is not None:
            ok = "meets" if r.query["answer_ms_p95"] <= aim else "MISSES"
            out.append(f"- aim at {r.size} passages ({r.backend}): full answer p95 under "
                       f"{aim:.0f} ms: {ok} ({r.query['answer_ms_p95']:.0f} ms)")
    return out


def profile_lines(rows: list[Row]) -> list[str]:
    if not rows:
        return []
    big = max(rows, key=lambda r: (r.size, r.backend == "embedded"))
    lines = [f"Where a full answer spends its time at {big.build['chunks']} passages "
             f"({big.backend}; cProfile, cumulative ms per answer):", "",
             "| function | calls | ms per answer |", "|---|---:|---:|"]
    lines += [f"| `{p['function']}` | {p['calls']} | {p['ms_per_answer']:.1f} |"
              for p in big.query["profile"]]
    return lines


def report(rows: list[Row], machine: str) -> str:
    return "\n".join([
        f"Query benchmark ({machine}; gold questions asked in order, k=8, embedded answerer)",
        "", *table(rows), "", *growth(rows), "", *profile_lines(rows), "",
        f"Synthetic passages: {BASE_TEXTS} distinct texts embedded, the rest reuse a base "
        f"vector of the same template with Gaussian noise (sigma {NOISE}); every text is "
        f"different; {CHUNKS_PER_DOC} passages per document; the sample corpus is ingested "
        "through the pipeline first. Latency and memory are real; retrieval quality on "
        "these vectors is not measured here."])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000",
                    help="total passages in the store, comma-separated")
    ap.add_argument("--server", action="store_true", help="also against a `chroma run` server")
    ap.add_argument("--questions", type=int, default=40, help="gold questions asked per size")
    ap.add_argument("--out", type=Path, default=REPO / "results")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    ap.add_argument("--prefix", default="bq", help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("pypdf", "chromadb", "httpx", "assistant", "ingest", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.ERROR)

    if args.phase == "build":
        print(json.dumps(phase_build(args.home, args.url, args.prefix, args.size, args.cache)))
        return 0
    if args.phase == "query":
        print(json.dumps(phase_query(args.home, args.url, args.prefix, args.questions)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s]
    backends = ["embedded", "server"] if args.server else ["embedded"]
    # The load average shows whether other work shared the cores: latency doubles at ~4 on 2.
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python "
               f"{platform.python_version()}, load average at start {os.getloadavg()[1]:.1f}")
    work = Path(tempfile.mkdtemp(prefix="bench-query-"))
    rows: list[Row] = []
    try:
        for size in sizes:
            for backend in backends:
                t0 = time.perf_counter()
                rows.append(bench_size(work, size, backend, args.questions))
                log.info("%s %d: done in %.0f s", backend, size, time.perf_counter() - t0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(rows, machine)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_query.md").write_text(text + "\n")
    (args.out / "bench_query.json").write_text(json.dumps(
        {"machine": machine, "base_texts": BASE_TEXTS, "noise": NOISE,
         "chunks_per_doc": CHUNKS_PER_DOC, "rows": [r.to_json() for r in rows]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
