"""Score classification and field extraction against a gold file.

Gold format: ``{"documents": [{"source": FILE, "type": TYPE, "fields": {NAME: VALUE}}]}``.
Predictions: ``{FILE: {"type": TYPE, "fields": {NAME: VALUE | Field | {"value": VALUE}}}}``.

Matching rules (chosen so formatting differences do not count, content differences do):
- strings: case-, whitespace- and punctuation-insensitive; a leading article is ignored;
- long free-text fields (financial clause, renewal, termination, summary): the prediction
  counts if it equals, contains or is contained in the gold text (after normalisation, with
  number words as digits: "five (5) years" == "5 years");
- lists: set precision/recall with fuzzy item matching; the field is correct only when both
  are 1 (every gold item found, nothing extra);
- numbers and dates: exact.

Run ``python -m evals.score_fields`` to parse, classify and extract the sample corpus and print
the table. ``--real`` scores the real documents and seeds of ``../shared`` against
``evals/real_fields_gold.json`` (written from the documents before tuning) with every value
compared exactly after normalisation: no substring and no fuzzy list item counts, and a
call's ``lots`` count only when every gold lot's every value is right, in order.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from ingest.fields import FIELD_SPEC

# implementing_body is descriptive in practice ("joint task team of the X Desk and the Y
# Office"), so it is matched like the other free-text fields.
LONG_TEXT_FIELDS = frozenset(
    {"financial_clause", "termination", "renewal", "summary", "implementing_body"}
)
_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "thirty": "30",
    "sixty": "60",
    "ninety": "90",
}
_ARTICLES = re.compile(r"^(?:the|a|an)\s+")


def _kind(doc_type: str, field: str) -> str:
    spec = FIELD_SPEC.get(doc_type, {}).get(field, "str")
    if field in LONG_TEXT_FIELDS:
        return "text"
    if spec.startswith("list"):
        return "list"
    if spec.startswith(("int", "number")):
        return "number"
    return "str"


def norm(value: Any) -> str:
    """Lower case, accents kept, punctuation and repeated spaces dropped, number words as
    digits and "five (5)" as "5"."""
    s = unicodedata.normalize("NFKC", str(value)).lower()
    s = re.sub(r"\b([a-z]+)\s*\((\d+)\)", r"\1", s)  # "five (5)" -> "five"
    s = re.sub(r"[\W_]+", " ", s).strip()
    s = " ".join(_NUMBER_WORDS.get(w, w) for w in s.split())
    return _ARTICLES.sub("", s)


def _no_articles(s: str) -> str:
    return " ".join(w for w in s.split() if w not in ("the", "a", "an"))


def _value(v: Any) -> Any:
    if hasattr(v, "value"):
        return v.value
    if isinstance(v, dict) and "value" in v:
        return v["value"]
    return v


def _items_match(p: str, g: str) -> bool:
    a, b = norm(p), norm(g)
    if not a or not b:
        return False
    if a == b:
        return True
    if min(len(a), len(b)) >= 4 and (a in b or b in a):
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.85


def list_scores(pred: list[Any], gold: list[Any]) -> tuple[float, float]:
    """(precision, recall) with greedy one-to-one fuzzy matching."""
    gold_left = [str(g) for g in gold]
    hits = 0
    for p in (str(x) for x in pred):
        for i, g in enumerate(gold_left):
            if _items_match(p, g):
                hits += 1
                del gold_left[i]
                break
    precision = hits / len(pred) if pred else 0.0
    recall = hits / len(gold) if gold else 1.0
    return precision, recall


def _lots_match(pred: Any, gold: list[dict[str, Any]]) -> tuple[bool, float]:
    if not isinstance(pred, list) or len(pred) != len(gold):
        return False, 0.0
    right = 0
    for p, g in zip(pred, gold, strict=True):
        p = _value(p) if not isinstance(p, dict) or "value" in p else p
        right += all(match("grant_call", k, (p or {}).get(k), v, exact=True)[0]
                     for k, v in g.items() if k != "name")
    return right == len(gold), right / len(gold)


def match(doc_type: str, field: str, pred: Any, gold: Any,
          exact: bool = False) -> tuple[bool, float]:
    """(correct, partial credit in [0, 1]); partial credit is the F1 for lists. ``exact``:
    equal after normalisation, nothing else."""
    if pred is None:
        return False, 0.0
    if field == "lots":
        return _lots_match(pred, gold)
    kind = _kind(doc_type, field)
    if exact and kind != "number":
        if isinstance(gold, list):
            got = {norm(x) for x in (pred if isinstance(pred, list) else [pred])}
            want = {norm(x) for x in gold}
            common = len(got & want)
            f1 = 2 * common / (len(got) + len(want)) if got or want else 1.0
            return got == want, f1
        return norm(pred) == norm(gold), float(norm(pred) == norm(gold))
    if kind == "list":
        p_list = pred if isinstance(pred, list) else [pred]
        g_list = gold if isinstance(gold, list) else [gold]
        p, r = list_scores(p_list, g_list)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return p == 1.0 and r == 1.0, f1
    if kind == "number":
        try:
            ok = abs(float(pred) - float(gold)) < 1e-6
        except (TypeError, ValueError):
            ok = False
        return ok, float(ok)
    a, b = norm(pred), norm(gold)
    if kind == "text":
        # articles are noise inside paraphrased gists ("and the X" vs "and X")
        a, b = _no_articles(a), _no_articles(b)
        ok = bool(a and b) and (a == b or a in b or b in a)
        return ok, float(ok)
    return a == b, float(a == b)


def score(gold_path: Path, predicted: dict[str, dict[str, Any]],
          exact: bool = False) -> dict[str, Any]:
    """Compare predictions to the gold file; see the module docstring for the rules."""
    gold_docs = json.loads(Path(gold_path).read_text(encoding="utf-8"))["documents"]
    per_field: dict[str, dict[str, float]] = defaultdict(lambda: {"n": 0, "correct": 0, "f1": 0.0})
    per_type: dict[str, dict[str, float]] = defaultdict(lambda: {"n": 0, "correct": 0})
    misses: list[dict[str, Any]] = []
    spurious: list[dict[str, Any]] = []
    cls_ok = 0
    cls_errors: list[dict[str, str]] = []
    for gd in gold_docs:
        source, gtype = gd["source"], gd["type"]
        pred_doc = predicted.get(source, {})
        ptype = pred_doc.get("type")
        if ptype == gtype:
            cls_ok += 1
        else:
            cls_errors.append({"source": source, "gold": gtype, "predicted": str(ptype)})
        pfields = {k: _value(v) for k, v in (pred_doc.get("fields") or {}).items()}
        for name, gval in gd.get("fields", {}).items():
            pval = pfields.get(name)
            ok, credit = match(gtype, name, pval, gval, exact=exact)
            key = f"{gtype}.{name}"
            per_field[key]["n"] += 1
            per_field[key]["correct"] += int(ok)
            per_field[key]["f1"] += credit
            per_type[gtype]["n"] += 1
            per_type[gtype]["correct"] += int(ok)
            if not ok:
                misses.append({"source": source, "field": name, "gold": gval, "predicted": pval})
        for name, pval in pfields.items():
            if name not in gd.get("fields", {}):
                spurious.append({"source": source, "field": name, "predicted": pval})
    total = sum(int(v["n"]) for v in per_field.values())
    correct = sum(int(v["correct"]) for v in per_field.values())
    return {
        "documents": len(gold_docs),
        "classification_accuracy": cls_ok / len(gold_docs) if gold_docs else 0.0,
        "classification_errors": cls_errors,
        "fields_total": total,
        "fields_correct": correct,
        "overall_accuracy": correct / total if total else 0.0,
        "per_field": {
            k: {
                "n": int(v["n"]),
                "correct": int(v["correct"]),
                "accuracy": v["correct"] / v["n"],
                "mean_f1": v["f1"] / v["n"],
            }
            for k, v in sorted(per_field.items())
        },
        "per_type": {
            k: {"n": int(v["n"]), "correct": int(v["correct"]), "accuracy": v["correct"] / v["n"]}
            for k, v in sorted(per_type.items())
        },
        "misses": misses,
        "spurious": spurious,
    }


def format_table(result: dict[str, Any]) -> str:
    lines = [f"{'field':<34}{'n':>4}{'ok':>5}{'acc':>8}{'F1':>7}"]
    for key, v in result["per_field"].items():
        lines.append(
            f"{key:<34}{v['n']:>4}{v['correct']:>5}{v['accuracy']:>8.0%}{v['mean_f1']:>7.2f}"
        )
    lines.append("")
    for key, v in result["per_type"].items():
        lines.append(f"{'type ' + key:<34}{v['n']:>4}{v['correct']:>5}{v['accuracy']:>8.0%}")
    lines.append(
        f"{'OVERALL fields':<34}{result['fields_total']:>4}{result['fields_correct']:>5}"
        f"{result['overall_accuracy']:>8.1%}"
    )
    lines.append(
        f"classification accuracy: {result['classification_accuracy']:.0%} "
        f"({result['documents']} documents)"
    )
    for e in result["classification_errors"]:
        lines.append(f"  misclassified {e['source']}: gold {e['gold']}, predicted {e['predicted']}")
    return "\n".join(lines)


def predict_corpus(docs_dir: Path | dict[str, Path],
                   sources: list[str]) -> tuple[dict[str, dict[str, Any]], float]:
    """Parse, classify and extract each source (from one folder, or a folder per source);
    returns predictions and extraction ms/page."""
    from ingest.classify import DocumentClassifier
    from ingest.extract import FieldExtractor
    from ingest.extract.patterns import get_nlp
    from ingest.parse import parse_bytes

    get_nlp()  # model load is a one-off per process, not per page
    classifier, extractor = DocumentClassifier(), FieldExtractor()
    predicted: dict[str, dict[str, Any]] = {}
    pages, spent = 0, 0.0
    for source in sources:
        folder = docs_dir[source] if isinstance(docs_dir, dict) else docs_dir
        doc = parse_bytes((folder / source).read_bytes(), source)
        t0 = time.perf_counter()
        cls = classifier.run(doc)
        fields = extractor.run(doc, cls.doc_type)
        spent += time.perf_counter() - t0
        pages += max(1, len(doc.pages))
        predicted[source] = {"type": cls.doc_type, "fields": fields}
    return predicted, 1000 * spent / max(pages, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    root = Path(__file__).resolve().parent.parent
    ap.add_argument("--gold", type=Path, default=root / "corpus" / "gold.json")
    ap.add_argument("--docs", type=Path, default=root / "corpus" / "docs")
    ap.add_argument("--misses", action="store_true", help="list every wrong field")
    ap.add_argument("--real", action="store_true",
                    help="the real documents and seeds of ../shared, scored exactly")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    docs: Path | dict[str, Path] = args.docs
    if args.real:
        shared = root.parent / "shared"
        if not (shared / "real-docs" / "docs").is_dir():
            print(f"SKIPPED: {shared / 'real-docs'} is absent")
            return 0
        args.gold = root / "evals" / "real_fields_gold.json"
        gold_docs = json.loads(args.gold.read_text(encoding="utf-8"))["documents"]
        docs = {d["source"]: shared / ("real-docs/docs" if d["dir"] == "real-docs" else d["dir"])
                for d in gold_docs}
    sources = [d["source"] for d in json.loads(args.gold.read_text(encoding="utf-8"))["documents"]]
    predicted, ms_per_page = predict_corpus(docs, sources)
    result = score(args.gold, predicted, exact=args.real)
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "spurious"}, indent=2,
                         ensure_ascii=False, default=str))
        return 0
    print(format_table(result))
    print(f"classification + extraction: {ms_per_page:.1f} ms/page")
    if args.misses:
        for m in result["misses"]:
            print(
                f"MISS {m['source']} {m['field']}: gold={m['gold']!r} predicted={m['predicted']!r}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
