"""Score question answering on the gold questions of the sample corpus.

Metrics: retrieval hit@1 / hit@5 / MRR (any gold source among the retrieved documents),
answers containing every key fact, correct declines on unanswerable questions, false
declines on answerable ones, and latency. Follow-up questions are asked in the same
conversation as the question they follow.

    python -m evals.qa [--questions evals/questions.jsonl] [--json] [--show-misses]
(ingests corpus/docs into a temporary library first unless --home points at one)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from evals.common import corpus_library, has_fact

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = REPO / "evals" / "questions.jsonl"


def load_questions(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_questions(assistant: Any, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from assistant.conversation import Conversation

    conversations: dict[str, Conversation] = {}
    rows = []
    for q in questions:
        parent = q.get("follow_up_of")
        convo = conversations.get(parent) if parent else None
        convo = convo if convo is not None else Conversation()
        conversations[q["id"]] = convo
        t0 = time.perf_counter()
        ans = assistant.ask(q["question"], conversation=convo)
        ms = (time.perf_counter() - t0) * 1000
        rows.append({"q": q, "answer": ans, "ms": ms})
    return rows


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["q"]["answerable"]]
    unanswerable = [r for r in rows if not r["q"]["answerable"]]
    hit1 = hit5 = rr = 0.0
    facts_ok = 0
    false_declines = 0
    for r in answerable:
        gold = set(r["q"]["sources"])
        retrieved = r["answer"].retrieved
        ranks = [i for i, s in enumerate(retrieved) if s in gold]
        if ranks:
            hit1 += ranks[0] == 0
            hit5 += ranks[0] < 5
            rr += 1 / (ranks[0] + 1)
        if r["answer"].declined:
            false_declines += 1
        elif all(has_fact(r["answer"].text, f) for f in r["q"]["key_facts"]):
            facts_ok += 1
        r["facts_ok"] = not r["answer"].declined and all(
            has_fact(r["answer"].text, f) for f in r["q"]["key_facts"])
    declined_ok = sum(r["answer"].declined for r in unanswerable)
    n = max(1, len(answerable))
    lat = sorted(r["ms"] for r in rows)
    return {
        "questions": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit@1": hit1 / n,
        "hit@5": hit5 / n,
        "mrr": rr / n,
        "key_facts": facts_ok / n,
        "correct_declines": declined_ok / max(1, len(unanswerable)),
        "false_declines": false_declines / n,
        "latency_ms_p50": statistics.median(lat) if lat else 0.0,
        "latency_ms_p95": lat[int(0.95 * (len(lat) - 1))] if lat else 0.0,
    }


def summary_table(metrics: dict[str, Any]) -> str:
    return "\n".join([
        f"questions: {metrics['questions']} ({metrics['answerable']} answerable, "
        f"{metrics['unanswerable']} not answerable by the corpus)",
        f"retrieval  hit@1 {metrics['hit@1']:.2f}  hit@5 {metrics['hit@5']:.2f}  "
        f"MRR {metrics['mrr']:.2f}",
        f"answers    key facts {metrics['key_facts']:.0%}  correct declines "
        f"{metrics['correct_declines']:.0%}  false declines {metrics['false_declines']:.0%}",
        f"latency    p50 {metrics['latency_ms_p50']:.0f} ms  p95 "
        f"{metrics['latency_ms_p95']:.0f} ms",
    ])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=Path, default=QUESTIONS)
    ap.add_argument("--home", type=Path, help="an existing data directory to ask")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    from assistant.ask import Assistant

    lib = corpus_library(args.home, "mp-eval-")
    rows = run_questions(Assistant(lib), load_questions(args.questions))
    metrics = score(rows)
    if args.json:
        print(json.dumps(metrics, indent=2))
    else:
        print(summary_table(metrics))
    if args.show_misses:
        for r in rows:
            q, a = r["q"], r["answer"]
            bad = (q["answerable"] and (a.declined or not r.get("facts_ok"))) or (
                not q["answerable"] and not a.declined)
            if bad:
                print(f"\n{q['id']} [{q['kind']}] {q['question']}\n  gold: {q['key_facts']} "
                      f"{q['sources']}\n  got{' (DECLINED)' if a.declined else ''}: "
                      f"{a.text[:300]}\n  retrieved: {a.retrieved[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
