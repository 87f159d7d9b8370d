"""The evaluation report: retrieval, answers, funding flags and letters, side by side.

One run builds one library (the sample corpus, then the synthetic distractor pool added to
it, see evals/distractors.py) and measures everything twice: on the gold corpus alone (the
numbers the CI floors use) and with the distractors (ten times as many documents written in
the same vocabulary, so retrieval is no longer trivial).

- retrieval over the answerable gold questions, hit@1 / hit@5 / MRR on the distinct sources
  of the top 20 passages: dense only, BM25 only and hybrid (`HybridRetriever` modes, no
  filters or boosts), the product's own retrieval (`Assistant`: hybrid plus the filters and
  boosts the question implies, its 8 passages), and a plain LangChain baseline
  (PyPDFLoader/TextLoader, RecursiveCharacterTextSplitter(1000, 200), langchain_chroma with
  the same embedder, top-20 similarity search, no fusion);
- answers of the embedded answerer (evals.qa): key facts, correct and false declines,
  latency, plus citation precision (cited documents that are gold sources) and the
  unsupported-fact rate (the grounding guard over each answer against its cited pages);
- funding flags (evals.funding_eval) and letter fact coverage (evals.letter_eval);
- the LLM answerer with the same metrics when an endpoint is configured.

    python -m evals.report [--out results] [--no-distractors] [--json]
                           [--distractors 180] [--parts retrieval,baseline,answers,...]

Writes OUT/eval_report.md, OUT/eval_report.json and OUT/eval_report.png.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from evals.common import REPO
from evals.distractors import DEFAULT_N, DEFAULT_SEED, PREFIX, build_pool

log = logging.getLogger("evals.report")

CORPUS = REPO / "corpus" / "docs"
TODAY = date(2026, 11, 22)  # the date the corpus and every gold file were written for
DEPTH = 20  # passages retrieved per query for the retrieval table (distinct sources ranked)
MODES = ("dense", "bm25", "hybrid")
PARTS = ("retrieval", "baseline", "answers", "funding", "letters", "llm")
SETUPS = ("gold", "distractors")
SETUP_LABEL = {"gold": "gold corpus only", "distractors": "with distractors"}

Metrics = dict[str, Any]


# --------------------------------------------------------------------------- library


def open_library(home: Path) -> Any:  # assistant.library.Library
    """A library in ``home`` that never talks to a language model (the LLM part is separate)."""
    from assistant.config import Settings
    from assistant.library import Library

    env = Settings.from_env()
    return Library(Settings(home=home, model_dir=env.model_dir, collection_prefix="mpeval"))


def ingest(lib: Any, files: list[Path]) -> Metrics:
    t0 = time.perf_counter()
    report = lib.ingest(files)
    if report.failed:
        raise RuntimeError(f"ingest failed: {report.failed}")
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "ingested": len(report.ingested),
            "documents": len(lib.documents()), "chunks": lib.store.chunks.count()}


# --------------------------------------------------------------------------- retrieval


def retrieval_queries(lib: Any, questions: list[dict[str, Any]]) -> list[tuple[dict, str]]:
    """(question, query) for the answerable questions; a follow-up is resolved the way the
    assistant resolves it after its parent turn, so every system sees the same query."""
    from assistant.ask import Assistant
    from assistant.conversation import Conversation, Turn
    from assistant.types import Answer

    assistant = Assistant(lib, today=TODAY)
    by_id = {q["id"]: q for q in questions}
    out = []
    for q in questions:
        if not q["answerable"]:
            continue
        query = q["question"]
        if parent := by_id.get(q.get("follow_up_of") or ""):
            turn = Turn(parent["question"], parent["question"], Answer("", False, [], []))
            query, _docs = assistant.resolve(q["question"], Conversation([turn]))
        out.append((q, query))
    return out


def distinct(sources: list[str]) -> list[str]:
    return list(dict.fromkeys(sources))


def rank_metrics(ranked: list[tuple[str, list[str], set[str]]]) -> Metrics:
    """hit@1, hit@5 and MRR over (question id, ranked distinct sources, gold sources)."""
    hit1 = hit5 = rr = 0.0
    misses: list[str] = []  # questions with no gold source in the top 5, for diagnosis
    for qid, sources, gold in ranked:
        first = next((i for i, s in enumerate(sources) if s in gold), None)
        if first is not None:
            hit1 += first == 0
            hit5 += first < 5
            rr += 1 / (first + 1)
        if first is None or first >= 5:
            misses.append(qid)
    n = max(1, len(ranked))
    return {"questions": len(ranked), "hit@1": hit1 / n, "hit@5": hit5 / n, "mrr": rr / n,
            "misses@5": misses}


def eval_modes(lib: Any, queries: list[tuple[dict, str]]) -> dict[str, Metrics]:
    """Dense, BM25 and hybrid on the raw retriever: no filters, no boosts, same depth."""
    from assistant.retrieve import HybridRetriever

    out: dict[str, Metrics] = {}
    for mode in MODES:
        retriever = HybridRetriever(lib.store, lib.registry, lib.embedder, mode=mode)
        ranked, times = [], []
        for q, query in queries:
            t0 = time.perf_counter()
            passages = retriever.run(query, k=DEPTH)
            times.append((time.perf_counter() - t0) * 1000)
            ranked.append((q["id"], distinct([p.source for p in passages]),
                           set(q["sources"])))
        out[mode] = rank_metrics(ranked) | {"latency_ms_p50": percentile(times, 50)}
    return out


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[int(pct / 100 * (len(ordered) - 1))] if ordered else 0.0


class Baseline:
    """The textbook LangChain RAG retrieval over the same files, with the same embedder."""

    def __init__(self, home: Path, embedder: Any) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_core.embeddings import Embeddings

        class SameEmbedder(Embeddings):
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return embedder.embed(texts)

            def embed_query(self, text: str) -> list[float]:
                return embedder.embed_query([text])[0]

        client = chromadb.PersistentClient(path=str(home),
                                           settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma(client=client, collection_name="plain",
                            embedding_function=SameEmbedder())
        self.chunks = 0

    @staticmethod
    def load(path: Path) -> list[Any]:
        import warnings

        from langchain_core.documents import Document

        with warnings.catch_warnings():  # "langchain-community is being sunset"
            warnings.simplefilter("ignore", DeprecationWarning)
            from langchain_community.document_loaders import PyPDFLoader, TextLoader

        if path.suffix == ".pdf":
            return PyPDFLoader(str(path)).load()
        if path.suffix == ".docx":
            # LangChain's Docx2txtLoader needs docx2txt, which is not installed; like it,
            # this gives one Document per file (python-docx paragraphs).
            import docx

            text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
            return [Document(page_content=text, metadata={"source": str(path)})]
        return TextLoader(str(path), encoding="utf-8").load()

    def add(self, paths: list[Path]) -> float:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        t0 = time.perf_counter()
        docs = [d for p in paths for d in self.load(p)]
        splits = RecursiveCharacterTextSplitter(chunk_size=1000,
                                                chunk_overlap=200).split_documents(docs)
        for start in range(0, len(splits), 256):
            self.store.add_documents(splits[start : start + 256])
        self.chunks += len(splits)
        return time.perf_counter() - t0

    def evaluate(self, queries: list[tuple[dict, str]]) -> Metrics:
        ranked, times = [], []
        for q, query in queries:
            t0 = time.perf_counter()
            hits = self.store.similarity_search(query, k=DEPTH)
            times.append((time.perf_counter() - t0) * 1000)
            sources = distinct([Path(str(d.metadata.get("source", ""))).name for d in hits])
            ranked.append((q["id"], sources, set(q["sources"])))
        return rank_metrics(ranked) | {"latency_ms_p50": percentile(times, 50),
                                       "chunks": self.chunks}


def corpus_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".pdf", ".txt", ".docx"))


# --------------------------------------------------------------------------- answers


class PageEvidence:
    """The text of the pages an answer cites (all passages of that page), cached."""

    def __init__(self, lib: Any) -> None:
        self.lib = lib
        self._cache: dict[tuple[str, Any], str] = {}

    def text(self, doc_id: str, page: int | None, title: str) -> str:
        key = (doc_id, page)
        if key not in self._cache:
            clauses: list[dict[str, Any]] = [{"doc_id": doc_id}]
            if page is not None:
                clauses.append({"page": page})
            where = clauses[0] if len(clauses) == 1 else {"$and": clauses}
            got = self.lib.store.chunks.get(where=where, include=["documents"])
            # Raw chunk texts keep their context line (title | section): a title the answer
            # names is then evidence, as it is in the document.
            self._cache[key] = "\n\n".join([title, *(got["documents"] or [])])
        return self._cache[key]


def citation_precision(rows: list[dict[str, Any]]) -> Metrics:
    """Share of cited documents that are gold sources, over answerable non-declined answers."""
    cited = right = answers = 0
    for r in rows:
        if not r["q"]["answerable"] or r["answer"].declined:
            continue
        docs = set(c.source for c in r["answer"].citations)
        answers += 1
        cited += len(docs)
        right += len(docs & set(r["q"]["sources"]))
    return {"citation_precision": right / cited if cited else 1.0, "cited_documents": cited,
            "answers_citing": answers}


def unsupported_rate(rows: list[dict[str, Any]], evidence: PageEvidence) -> Metrics:
    """Facts of non-declined answers that the guard cannot find in the cited pages."""
    from assistant.guard import GroundingGuard
    from assistant.types import Passage

    guard = GroundingGuard()
    # The answerer is told today's date ("closed", "still in force as of ..."): it is known.
    today = f"Today is {TODAY.day} {TODAY:%B %Y} ({TODAY.isoformat()})."
    checked = unsupported = 0
    kinds: dict[str, int] = {}
    examples: list[str] = []
    for r in rows:
        ans = r["answer"]
        if ans.declined or not ans.citations:
            continue
        slots = max(c.n for c in ans.citations)
        passages = [Passage("", "", "", "", "", None, "", "") for _ in range(slots)]
        for c in ans.citations:
            text = "\n\n".join([today, evidence.text(c.doc_id, c.page, c.title), c.quote])
            passages[c.n - 1] = Passage("", c.doc_id, c.source, c.title, "", c.page, "", text)
        report = guard.run(ans.text, passages)
        checked += report.checked
        unsupported += report.unsupported_count
        for kind in {(f.kind, str(f.key)) for f in report.facts if not f.supported}:
            kinds[kind[0]] = kinds.get(kind[0], 0) + 1
        if report.unsupported and len(examples) < 8:
            examples.append(f"{r['q']['id']}: {', '.join(report.unsupported[:3])}")
    return {"unsupported_rate": unsupported / checked if checked else 0.0,
            "facts_checked": checked, "facts_unsupported": unsupported,
            "unsupported_by_kind": kinds, "unsupported_examples": examples}


def eval_answers(lib: Any, questions: list[dict[str, Any]], llm: Any = None) -> Metrics:
    from assistant.ask import Assistant
    from evals.qa import run_questions, score

    assistant = Assistant(lib, llm=llm, today=TODAY)
    assistant.ask("warm up: what agreements do we hold?")  # model sessions, keyword index
    rows = run_questions(assistant, questions)
    metrics = score(rows) | citation_precision(rows) | unsupported_rate(rows, PageEvidence(lib))
    metrics["retrieved_distractor_top1"] = sum(
        bool(r["answer"].retrieved) and r["answer"].retrieved[0].startswith(PREFIX)
        for r in rows if r["q"]["answerable"]) / max(1, metrics["answerable"])
    metrics["llm_share"] = sum(r["answer"].mode == "llm" for r in rows) / max(1, len(rows))
    return metrics


def eval_funding(lib: Any) -> Metrics:
    from assistant.funding import FundingRadar
    from evals.funding_eval import load_requests, run_requests, score

    rows = run_requests(FundingRadar(lib, today=TODAY), load_requests())
    strict = score(rows)
    flagged = [s for r in rows for s in r["flagged"]]
    # The gold lists only know gold calls: a distractor call can genuinely fit a plan, so
    # precision is also given with distractor flags left out (they are counted apart).
    for r in rows:
        r["flagged"] = [s for s in r["flagged"] if not s.startswith(PREFIX)]
    gold_only = score(rows)
    return {"recall": strict["recall"], "precision": strict["precision"],
            "precision_gold_calls": gold_only["precision"], "violations": strict["violations"],
            "empty_correct": strict["empty_correct"], "flags": len(flagged),
            "distractor_flags": sum(s.startswith(PREFIX) for s in flagged),
            "latency_ms_p50": strict["latency_ms_p50"]}


def eval_letters(lib: Any) -> Metrics:
    from assistant.letters import LetterWriter
    from evals.letter_eval import load_tasks, run_tasks, score

    metrics = score(run_tasks(LetterWriter(lib, today=TODAY), load_tasks()))
    return {k: v for k, v in metrics.items() if k != "per_task"}


def llm_answerer() -> Any | None:
    from assistant.config import Settings

    env = Settings.from_env()
    if not env.llm_enabled:
        return None
    from assistant.llm import LLMAnswerer

    return LLMAnswerer(env)


# --------------------------------------------------------------------------- the run


@dataclasses.dataclass
class RunOptions:
    out: Path
    distractors: int = DEFAULT_N
    seed: int = DEFAULT_SEED
    parts: tuple[str, ...] = PARTS


def evaluate_setup(lib: Any, baseline: Baseline | None, questions: list[dict[str, Any]],
                   parts: tuple[str, ...]) -> Metrics:
    """Every requested measurement on the library as it stands."""
    out: Metrics = {}
    steps: list[tuple[str, Callable[[], Any]]] = []
    queries = retrieval_queries(lib, questions)
    if "retrieval" in parts:
        steps.append(("retrieval", lambda: eval_modes(lib, queries)))
    if baseline is not None:
        steps.append(("baseline", lambda: baseline.evaluate(queries)))
    if "answers" in parts:
        steps.append(("answers", lambda: eval_answers(lib, questions)))
    if "funding" in parts:
        steps.append(("funding", lambda: eval_funding(lib)))
    if "letters" in parts:
        steps.append(("letters", lambda: eval_letters(lib)))
    if "llm" in parts:
        llm = llm_answerer()
        if llm is None:
            out["llm"] = {"skipped": "no language model endpoint configured "
                                     "(OPENAI_BASE_URL / OPENAI_API_KEY unset)"}
        else:
            steps.append(("llm", lambda: eval_answers(lib, questions, llm=llm)))
    for name, step in steps:
        t0 = time.perf_counter()
        out[name] = step()
        log.info("  %s: %.1f s", name, time.perf_counter() - t0)
    return out


def run(opts: RunOptions) -> Metrics:
    from evals.qa import load_questions

    questions = load_questions()
    work = Path(tempfile.mkdtemp(prefix="mp-report-"))
    result: Metrics = {
        # The load average says whether other work shared the cores (latency figures).
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}, load average at start "
                   f"{os.getloadavg()[1]:.1f}",
        "today": TODAY.isoformat(), "depth": DEPTH, "parts": list(opts.parts), "setups": {},
    }
    try:
        lib = open_library(work / "home")
        baseline = Baseline(work / "plain", lib.embedder) if "baseline" in opts.parts else None
        stages: list[tuple[str, list[Path]]] = [("gold", corpus_files(CORPUS))]
        if opts.distractors > 0:
            pool = work / "distractors"
            stages.append(("distractors", build_pool(pool, opts.distractors, opts.seed)))
        for name, files in stages:
            log.info("%s: ingesting %d files", SETUP_LABEL[name], len(files))
            # The distractor stage adds to the gold library: the corpus is ingested once.
            setup: Metrics = {"ingest": ingest(lib, files)}
            if baseline is not None:
                setup["ingest"]["baseline_seconds"] = baseline.add(files)
            setup |= evaluate_setup(lib, baseline, questions, opts.parts)
            result["setups"][name] = setup
        result["distractor_pool"] = {"documents": opts.distractors, "seed": opts.seed}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


# --------------------------------------------------------------------------- output


def _fmt(value: Any, style: str = "ratio") -> str:
    """``style``: "pct" (78%), "pct1" (5.1%), "ratio" (0.97), "int" (30)."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return {"pct": f"{value:.0%}", "pct1": f"{value:.1%}",
                "int": f"{value:.0f}"}.get(style, f"{value:.2f}")
    return str(value)


def _cells(result: Metrics, path: tuple[str, ...], pct: str = "ratio") -> list[str]:
    cells = []
    for setup in SETUPS:
        node: Any = result["setups"].get(setup)
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        cells.append(_fmt(node, pct))
    return cells


def _table(result: Metrics, title: str, rows: list[tuple[str, tuple[str, ...], str]]) -> list[str]:
    present = [s for s in SETUPS if s in result["setups"]]
    head = " | ".join(SETUP_LABEL[s] for s in present)
    lines = [f"### {title}", "", f"| metric | {head} |", "|---|" + "---:|" * len(present)]
    body = []
    for label, path, pct in rows:
        cells = _cells(result, path, pct)[: len(present)]
        if any(c != "-" for c in cells):
            body.append(f"| {label} | {' | '.join(cells)} |")
    return [*lines, *body, ""] if body else []


RETRIEVAL_SYSTEMS = [
    ("dense only (Chroma)", ("retrieval", "dense")),
    ("BM25 only (bm25s)", ("retrieval", "bm25")),
    ("hybrid (RRF)", ("retrieval", "hybrid")),
    ("product retrieval (hybrid + question filters/boosts, 8 passages)", ("answers",)),
    ("plain LangChain baseline (1000/200 splits, top-20)", ("baseline",)),
]


def retrieval_table(result: Metrics) -> list[str]:
    present = [s for s in SETUPS if s in result["setups"]]
    cols = " | ".join(f"{m} ({'gold' if s == 'gold' else '+distr.'})"
                      for s in present for m in ("hit@1", "hit@5", "MRR"))
    lines = ["### Retrieval (answerable gold questions; distinct sources of the top "
             f"{DEPTH} passages)", "", f"| system | {cols} |",
             "|---|" + "---:|" * (3 * len(present))]
    for label, path in RETRIEVAL_SYSTEMS:
        cells = []
        for metric in ("hit@1", "hit@5", "mrr"):
            cells.append(_cells(result, (*path, metric)))
        row = [cells[m][i] for i in range(len(present)) for m in range(3)]
        if any(c != "-" for c in row):
            lines.append(f"| {label} | {' | '.join(row)} |")
    return [*lines, ""]


def markdown(result: Metrics) -> str:
    setups = result["setups"]
    gold = setups.get("gold", {}).get("ingest", {})
    lines = [
        "# Microplomacy evaluation report", "",
        f"Machine: {result['machine']}. Today fixed at {result['today']}. "
        f"Generated by `python -m evals.report`.", "",
        f"- gold corpus: {gold.get('documents')} documents, {gold.get('chunks')} passages "
        f"(ingest {gold.get('seconds', 0):.1f} s)",
    ]
    if d := setups.get("distractors", {}).get("ingest"):
        lines.append(f"- with distractors: {d['documents']} documents, {d['chunks']} passages "
                     f"(distractors ingested in {d['seconds']:.1f} s; "
                     f"{result['distractor_pool']['documents']} synthetic documents, seed "
                     f"{result['distractor_pool']['seed']}, evals/distractors.py)")
    else:
        lines.append("- distractors: not run (--no-distractors)")
    lines += ["- the gold-only column is what the CI floors (evals/floors.json) check", ""]
    lines += retrieval_table(result)
    lines += _table(result, "Answers: embedded answerer (96 gold questions)", [
        ("answers with every key fact", ("answers", "key_facts"), "pct"),
        ("unanswerable questions declined", ("answers", "correct_declines"), "pct"),
        ("false declines (answerable)", ("answers", "false_declines"), "pct"),
        ("citation precision (cited docs that are gold sources)",
         ("answers", "citation_precision"), "pct"),
        ("unsupported-fact rate (guard vs cited pages)", ("answers", "unsupported_rate"),
         "pct1"),
        ("facts checked by the guard", ("answers", "facts_checked"), "int"),
        ("top document is a distractor", ("answers", "retrieved_distractor_top1"), "pct"),
        ("latency p50 (ms)", ("answers", "latency_ms_p50"), "int"),
        ("latency p95 (ms)", ("answers", "latency_ms_p95"), "int"),
    ])
    lines += _table(result, "Funding radar (20 gold requests)", [
        ("recall", ("funding", "recall"), "ratio"),
        ("precision (distractor flags count as wrong)", ("funding", "precision"), "ratio"),
        ("precision on gold calls (distractor flags left out)",
         ("funding", "precision_gold_calls"), "ratio"),
        ("flags of distractor calls", ("funding", "distractor_flags"), "int"),
        ("must-not violations", ("funding", "violations"), "int"),
        ("latency p50 (ms)", ("funding", "latency_ms_p50"), "int"),
    ])
    lines += _table(result, "Outreach letters (14 tasks)", [
        ("required facts present", ("letters", "fact_coverage"), "pct"),
        ("forbidden strings present", ("letters", "violations"), "int"),
        ("refusals as expected", ("letters", "refusals_correct"), "pct"),
        ("unsupported-fact rate (guard)", ("letters", "unsupported_rate"), "pct1"),
        ("ms per letter", ("letters", "ms_per_letter"), "int"),
    ])
    llm = setups.get("gold", {}).get("llm")
    if llm and "skipped" in llm:
        lines += ["### LLM answerer", "", f"Skipped: {llm['skipped']}.", ""]
    elif llm:
        lines += _table(result, "LLM answerer", [
            ("answers with every key fact", ("llm", "key_facts"), "pct"),
            ("unanswerable questions declined", ("llm", "correct_declines"), "pct"),
            ("false declines", ("llm", "false_declines"), "pct"),
            ("citation precision", ("llm", "citation_precision"), "pct"),
            ("unsupported-fact rate", ("llm", "unsupported_rate"), "pct1"),
            ("answers from the model (rest: embedded fallback)", ("llm", "llm_share"), "pct"),
            ("latency p50 (ms)", ("llm", "latency_ms_p50"), "int"),
            ("latency p95 (ms)", ("llm", "latency_ms_p95"), "int"),
        ])
    if note := result.get("chart_note"):
        lines += [f"Chart: {note}", ""]
    return "\n".join(lines)


def summary(result: Metrics) -> str:
    """One screen for the terminal."""
    out = []
    for setup, data in result["setups"].items():
        ing = data["ingest"]
        out.append(f"{SETUP_LABEL[setup]}: {ing['documents']} documents, {ing['chunks']} "
                   "passages")
        for label, path in RETRIEVAL_SYSTEMS:
            node: Any = data
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            if node:
                out.append(f"  {label.split(' (')[0]:<26} hit@1 {node['hit@1']:.2f}  hit@5 "
                           f"{node['hit@5']:.2f}  MRR {node['mrr']:.2f}")
        if a := data.get("answers"):
            out.append(f"  answers: key facts {a['key_facts']:.0%}, declines "
                       f"{a['correct_declines']:.0%}, false declines {a['false_declines']:.0%}, "
                       f"citation precision {a['citation_precision']:.0%}, unsupported "
                       f"{a['unsupported_rate']:.1%}, p50/p95 {a['latency_ms_p50']:.0f}/"
                       f"{a['latency_ms_p95']:.0f} ms")
        if f := data.get("funding"):
            out.append(f"  funding: recall {f['recall']:.2f}, precision {f['precision']:.2f} "
                       f"({f['distractor_flags']} distractor flags)")
        if lt := data.get("letters"):
            out.append(f"  letters: facts {lt['fact_coverage']:.0%}, unsupported "
                       f"{lt['unsupported_rate']:.1%}")
        if (llm := data.get("llm")) and "skipped" in llm:
            out.append(f"  LLM answerer skipped: {llm['skipped']}")
    return "\n".join(out)


CHART_METRICS = (("hit@1", "#9bb7d4"), ("mrr", "#4a78a8"), ("hit@5", "#1f3f66"))


def chart_series(result: Metrics) -> list[tuple[str, list[tuple[str, list[float]]]]]:
    """(setup label, [(system label, [hit@1, MRR, hit@5])...]) per setup measured."""
    series = []
    for setup, data in result["setups"].items():
        bars = []
        for label, path in RETRIEVAL_SYSTEMS:
            node: Any = data
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            if node:
                bars.append((label.split(" (")[0], [float(node[m]) for m, _ in CHART_METRICS]))
        series.append((SETUP_LABEL[setup], bars))
    return series


def chart_matplotlib(series: list[tuple[str, list[tuple[str, list[float]]]]],
                     path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(series), figsize=(6 * len(series), 4.5), sharex=True,
                             squeeze=False)
    for ax, (title, bars) in zip(axes[0], series, strict=True):
        for m, (name, color) in enumerate(CHART_METRICS):
            ys = [i + (m - 1) * 0.27 for i in range(len(bars))]
            ax.barh(ys, [b[1][m] for b in bars], height=0.25, color=color, label=name)
        ax.set_yticks(range(len(bars)), [b[0] for b in bars])
        ax.invert_yaxis()
        ax.set_xlim(0.5, 1)
        ax.set_title(f"retrieval, {title}")
    axes[0][0].legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def chart_pillow(series: list[tuple[str, list[tuple[str, list[float]]]]], path: Path) -> None:
    """The same bars drawn with Pillow (installed with fpdf2) when matplotlib is absent.

    The axis starts at 0.5: every system is above it, and differences of a few points are
    what the chart has to show.
    """
    from PIL import Image, ImageDraw, ImageFont

    try:
        font = ImageFont.load_default(size=13)
    except TypeError:  # Pillow < 10.1 has only the fixed bitmap font
        font = ImageFont.load_default()
    label_w, bar_w, bar_h, pad, lo = 190, 280, 11, 16, 0.5
    panel_w = label_w + bar_w + 60
    group_h = bar_h * len(CHART_METRICS) + 12
    rows = max((len(b) for _, b in series), default=1)
    img = Image.new("RGB", (pad + panel_w * max(1, len(series)), 90 + rows * group_h), "white")
    draw = ImageDraw.Draw(img)
    for m, (name, color) in enumerate(CHART_METRICS):
        draw.rectangle([pad + m * 90, 36, pad + m * 90 + 12, 48], fill=color)
        draw.text((pad + m * 90 + 16, 35), name, fill="black", font=font)
    for i, (title, bars) in enumerate(series):
        x0 = pad + i * panel_w
        draw.text((x0, 10), f"retrieval, {title} (axis from {lo})", fill="black", font=font)
        for j, (label, values) in enumerate(bars):
            y = 62 + j * group_h
            draw.text((x0, y + bar_h), label[:26], fill="black", font=font)
            for m, (_name, color) in enumerate(CHART_METRICS):
                yy = y + m * bar_h
                width = int(bar_w * max(0.0, values[m] - lo) / (1 - lo))
                draw.rectangle([x0 + label_w, yy, x0 + label_w + width, yy + bar_h - 2],
                               fill=color)
                draw.text((x0 + label_w + width + 4, yy - 2), f"{values[m]:.2f}",
                          fill="black", font=font)
    img.save(path)


def retrieval_chart(result: Metrics, path: Path) -> str:
    """Draw the chart; returns a note on how (and what to install for the nicer one)."""
    series = chart_series(result)
    try:
        chart_matplotlib(series, path)
        return "drawn with matplotlib."
    except ImportError:
        chart_pillow(series, path)
        return ("matplotlib is not installed, so the chart was drawn with Pillow; for the "
                "matplotlib version: `.venv/bin/pip install matplotlib`.")


def write_outputs(result: Metrics, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    png = out / "eval_report.png"
    result["chart_note"] = retrieval_chart(result, png)
    md, js = out / "eval_report.md", out / "eval_report.json"
    md.write_text(markdown(result) + "\n", encoding="utf-8")
    js.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return [md, js, png]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=REPO / "results")
    ap.add_argument("--with-distractors", action=argparse.BooleanOptionalAction, default=True,
                    help="also measure with the synthetic distractor pool (default: yes)")
    ap.add_argument("--distractors", type=int, default=DEFAULT_N, help="pool size")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--parts", default=",".join(PARTS),
                    help=f"comma-separated subset of {','.join(PARTS)}")
    ap.add_argument("--json", action="store_true", help="print the JSON result")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("pypdf", "chromadb", "httpx", "assistant", "ingest", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    parts = tuple(p for p in args.parts.split(",") if p)
    if unknown := set(parts) - set(PARTS):
        ap.error(f"unknown parts: {', '.join(sorted(unknown))}")
    opts = RunOptions(args.out, args.distractors if args.with_distractors else 0, args.seed,
                      parts)
    result = run(opts)
    paths = write_outputs(result, opts.out)
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else summary(result))
    print("written: " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
