"""Ingest throughput: our pipeline vs a plain LangChain pipeline vs the embedder alone.

All three run in this one invocation on the same machine and the same files: the sample
corpus copied until it reaches --pages pages (each copy made unique, so nothing is skipped
as a duplicate). Each phase runs in its own subprocess so its peak memory is its own.

    python evals/bench_ingest.py [--pages 500] [--out results]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EMBEDDERS = ("minilm", "use", "e5")
ENGINES = ("rapidocr", "tesseract")  # ingest.ocr.ENGINES, without importing ingest here
log = logging.getLogger("bench_ingest")


def make_scaled_corpus(src: Path, dest: Path, min_pages: int) -> tuple[int, int]:
    """Copy PDFs and TXTs of ``src`` until ``min_pages``; returns (files, pages)."""
    from pypdf import PdfReader

    originals = sorted(p for p in src.iterdir() if p.suffix in (".pdf", ".txt"))
    pages_of = {p: (len(PdfReader(p).pages) if p.suffix == ".pdf"
                    else p.read_text().count("\f") + 1) for p in originals}
    dest.mkdir(parents=True, exist_ok=True)
    files = pages = copy = 0
    while pages < min_pages:
        for p in originals:
            data = p.read_bytes()
            # A trailing comment keeps a PDF valid and gives the copy its own content hash.
            marker = f"\n%% bench copy {copy}\n" if p.suffix == ".pdf" else f"\n\ncopy {copy}\n"
            (dest / f"{p.stem}-{copy:03d}{p.suffix}").write_bytes(data + marker.encode())
            files += 1
            pages += pages_of[p]
        copy += 1
    return files, pages


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_ours(corpus: Path, home: Path) -> dict:
    from assistant.config import Settings
    from assistant.library import Library

    lib = Library(Settings(home=home))
    lib.embedder.embed(["warm up"])
    lib.pipeline.extractor.run  # noqa: B018 - force the lazy import before timing
    t0 = time.perf_counter()
    report = lib.ingest([corpus])
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = lib.ingest([corpus])
    second = time.perf_counter() - t0
    assert not report.failed, report.failed
    assert len(again.unchanged) == len(report.ingested)
    return {
        "seconds": first,
        "pages": sum(r["pages"] for r in report.ingested),
        "chunks": sum(r["chunks"] for r in report.ingested),
        "reingest_seconds": second,
        "peak_mb": _peak_mb(),
    }


def phase_ceiling(home: Path) -> dict:
    """The embedder alone on the chunks our pipeline produced: the ceiling for ingest."""
    from assistant.config import Settings
    from assistant.library import Library

    lib = Library(Settings(home=home))
    texts = lib.store.chunks.get(include=["documents"])["documents"]
    lib.embedder.embed(["warm up"])
    t0 = time.perf_counter()
    for start in range(0, len(texts), 256):
        lib.embedder.embed(texts[start : start + 256])
    return {"seconds": time.perf_counter() - t0, "chunks": len(texts), "peak_mb": _peak_mb()}


def phase_embedder(home: Path, name: str, limit: int = 400) -> dict:
    """One embedder alone on (up to ``limit`` of) the chunks our pipeline produced."""
    from assistant.config import Settings
    from assistant.library import Library
    from ingest.embedders import load_embedder

    texts = Library(Settings(home=home)).store.chunks.get(include=["documents"],
                                                         limit=limit)["documents"]
    embedder = load_embedder(name, Settings(home=home).embedding_model_dir)
    embedder.embed(["warm up"])
    t0 = time.perf_counter()
    for start in range(0, len(texts), 64):
        embedder.embed(texts[start : start + 64])
    return {"seconds": time.perf_counter() - t0, "chunks": len(texts), "peak_mb": _peak_mb()}


def phase_ocr(corpus: Path, engine: str, pages: int = 8) -> dict:
    """Scans made from the corpus's own PDF pages (drawn at 200 dpi into an image-only PDF),
    read back by ``engine`` as the parser does: pages per second."""
    from io import BytesIO

    import pypdfium2 as pdfium

    from ingest.ocr import OcrOptions, ocr_status, read_scanned_pages

    if not ocr_status(engine).available:
        return {"skipped": ocr_status(engine).describe()}
    images = []
    for path in sorted(corpus.glob("*.pdf")):
        pdf = pdfium.PdfDocument(str(path))
        for i in range(len(pdf)):
            images.append(pdf[i].render(scale=200 / 72, grayscale=True).to_pil())
            if len(images) == pages:
                break
        if len(images) == pages:
            break
    buf = BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    t0 = time.perf_counter()
    read = read_scanned_pages(buf.getvalue(), list(range(1, len(images) + 1)),
                              options=OcrOptions(engine=engine))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "pages": len(images), "read": len(read),
            "peak_mb": _peak_mb()}


def phase_langchain(corpus: Path, home: Path) -> dict:
    """The textbook pipeline: PyPDFLoader, RecursiveCharacterTextSplitter, Chroma.from_documents."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_community.document_loaders import PyPDFLoader, TextLoader
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.config import Settings
    from assistant.library import shared_embedder

    embedder = shared_embedder(Settings(home=home))

    class SameEmbedder(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed(texts)

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query([text])[0]

    embedder.embed(["warm up"])
    t0 = time.perf_counter()
    docs = []
    for path in sorted(corpus.iterdir()):
        loader = PyPDFLoader(str(path)) if path.suffix == ".pdf" else TextLoader(str(path))
        docs.extend(loader.load())
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    splits = splitter.split_documents(docs)
    client = chromadb.PersistentClient(path=str(home / "lc"))
    Chroma.from_documents(splits, SameEmbedder(), client=client, collection_name="plain")
    return {"seconds": time.perf_counter() - t0, "pages": len(docs), "chunks": len(splits),
            "peak_mb": _peak_mb()}


def _run_phase(name: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", name, *args],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"phase {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=500, help="minimum pages to ingest")
    ap.add_argument("--corpus", type=Path, default=REPO / "corpus" / "docs")
    ap.add_argument("--out", type=Path, default=REPO / "results")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("pypdf", "chromadb", "httpx"):
        logging.getLogger(noisy).setLevel(logging.ERROR)

    if args.phase:
        result = {"ours": lambda: phase_ours(args.dir, args.home),
                  "ceiling": lambda: phase_ceiling(args.home),
                  "langchain": lambda: phase_langchain(args.dir, args.home),
                  **{f"ocr-{e}": (lambda e=e: phase_ocr(args.dir, e)) for e in ENGINES},
                  **{f"embedder-{n}": (lambda n=n: phase_embedder(args.home, n))
                     for n in EMBEDDERS}}[args.phase]()
        print(json.dumps(result))
        return 0

    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        files, pages = make_scaled_corpus(args.corpus, work / "corpus", args.pages)
        log.info("corpus: %d files, %d pages (PDF and TXT of %s)", files, pages, args.corpus)
        ours = _run_phase("ours", "--dir", str(work / "corpus"), "--home", str(work / "ours"))
        ceiling = _run_phase("ceiling", "--home", str(work / "ours"))
        plain = _run_phase("langchain", "--dir", str(work / "corpus"), "--home",
                           str(work / "plain"))
        embedders = {n: _run_phase(f"embedder-{n}", "--home", str(work / "ours"))
                     for n in EMBEDDERS}
        ocr = {e: _run_phase(f"ocr-{e}", "--dir", str(args.corpus)) for e in ENGINES}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = [
        ("microplomacy ingest", ours["pages"], ours["chunks"], ours["seconds"], ours["peak_mb"]),
        ("plain LangChain pipeline", plain["pages"], plain["chunks"], plain["seconds"],
         plain["peak_mb"]),
        ("embedder alone (ceiling)", None, ceiling["chunks"], ceiling["seconds"],
         ceiling["peak_mb"]),
        *[(f"embedder {n} alone", None, e["chunks"], e["seconds"], e["peak_mb"])
          for n, e in embedders.items()],
    ]
    summary = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "files": files,
        "ours": ours, "plain_langchain": plain, "ceiling": ceiling, "embedders": embedders,
        "ocr": ocr,
        "ours_chunks_per_s_vs_ceiling": (ours["chunks"] / ours["seconds"])
        / (ceiling["chunks"] / ceiling["seconds"]),
        "ours_pages_per_s_vs_plain": (ours["pages"] / ours["seconds"])
        / (plain["pages"] / plain["seconds"]),
        "reingest_speedup": ours["seconds"] / max(ours["reingest_seconds"], 1e-9),
    }
    lines = [
        f"Ingest benchmark ({summary['machine']}; {files} files)",
        "",
        "| pipeline | pages | chunks | seconds | pages/s | chunks/s | peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, pg, ch, sec, mb in rows:
        pps = f"{pg / sec:.1f}" if pg else "-"
        lines.append(f"| {name} | {pg or '-'} | {ch} | {sec:.1f} | {pps} | {ch / sec:.1f} | "
                     f"{mb:.0f} |")
    lines += [
        "",
        f"- our chunks/s as a share of the embedder ceiling: "
        f"{summary['ours_chunks_per_s_vs_ceiling']:.0%} (aim: >= 80%)",
        f"- our pages/s vs the plain LangChain pipeline: "
        f"{summary['ours_pages_per_s_vs_plain']:.2f}x (aim: > 1)",
        f"- re-ingest of unchanged files: {ours['reingest_seconds']:.2f} s, "
        f"{summary['reingest_speedup']:.0f}x faster than the first ingest (aim: >= 50x)",
        *[(f"- OCR {e}: " + o["skipped"]) if "skipped" in o else
          f"- OCR {e}: {o['pages'] / o['seconds']:.2f} pages/s ({o['seconds'] / o['pages']:.1f} "
          f"s a page, {o['read']}/{o['pages']} read), peak {o['peak_mb']:.0f} MB"
          for e, o in ocr.items()],
    ]
    text = "\n".join(lines)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_ingest.md").write_text(text + "\n")
    (args.out / "bench_ingest.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
