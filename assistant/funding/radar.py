"""The radar itself: every stored call judged against a plan, fitting calls first, near
misses with the rule they miss, each claim cited."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

from assistant import spaces
from assistant.funding.plan import Plan, PlanReader
from assistant.funding.rows import CallRow, lot_rows, same_calls
from assistant.funding.rules import (
    EXTRA_CONDITIONS,
    MODAL,
    CallText,
    RuleCheck,
    check_amount,
    check_applicant,
    check_countries,
    check_partnership,
    check_population,
    check_status,
    flat,
    text_blocks,
)
from assistant.funding.theme import (
    FIT_MARGIN,
    FIT_THRESHOLD,
    MAX_CONDITIONS,
    ThemeFit,
    call_keywords,
    theme_fit,
    unit_rows,
)
from assistant.library import Library
from ingest.embedders import Embedder
from ingest.registry import DocRecord

log = logging.getLogger(__name__)


@dataclass
class FundingResult:
    """``flagged``: calls that fit and can be applied to; ``closed_fits``: calls that fit
    but have closed (a sign of the next round); ``near_misses``: calls on the theme whose
    stated rules the plan fails."""

    answer: str
    flagged: list[dict[str, Any]]
    near_misses: list[dict[str, Any]]
    plan: Plan | None = None
    closed_fits: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"answer": self.answer, "flagged": self.flagged,
                "closed_fits": self.closed_fits, "near_misses": self.near_misses}

    def to_text(self, near_misses: bool = True) -> str:
        """The answer and every call in plain text: what the CLI prints (``near_misses``:
        with the calls the plan fails, which the answer does not recommend)."""
        lines = [self.answer]
        for head, entries in (("FITS", self.flagged), ("FITS, CLOSED", self.closed_fits)):
            for f in entries:
                lot = f", {f['lot']}" if f.get("lot") else ""
                lines.append(f"\n{head}  {f['programme'] or f['source']} "
                             f"({f['call_id'] or '-'}){lot}: "
                             f"{f['amount'] or 'amount not stated'}, "
                             f"deadline {f['deadline'] or '-'} [{f['status']}]")
                lines.append(f"      why: {f['why']}")
                lines += [f"      check: {c}" for c in f.get("check", [])]
        for f in self.near_misses if near_misses else []:
            lot = f", {f['lot']}" if f.get("lot") else ""
            lines.append(f"\nALMOST {f['programme'] or f['source']}{lot}: "
                         f"{'; '.join(f.get('failed', []))}")
        return "\n".join(lines)


@dataclass
class _Call:
    rec: DocRecord
    row: CallRow
    text: CallText
    themes: np.ndarray
    profile: np.ndarray
    terms: set[str]


class _Citations:
    """Numbered citations of one flagged call; the same quote is cited once."""

    def __init__(self, call: _Call) -> None:
        self.call = call
        self.items: list[dict[str, Any]] = []

    def field(self, name: str, focus: str = "") -> str:
        if name in self.call.row.lot_figures:
            return ""  # a lot's own figure: the record's quote is another lot's
        f = self.call.rec.fields.get(name)
        if not f or not f.get("evidence"):
            return ""
        quote, page = self.call.text.quote(str(f["evidence"]), f.get("page"), focus)
        return self.add(quote, page)

    def add(self, quote: str, page: int | None) -> str:
        if not quote:
            return ""
        for c in self.items:
            if c["quote"] == quote:
                return f" [{c['n']}]"
        n = len(self.items) + 1
        self.items.append({"n": n, "source": self.call.row.source, "page": page,
                           "quote": quote})
        return f" [{n}]"


class FundingRadar:
    def __init__(self, library: Library, today: date | None = None) -> None:
        self.library = library
        self._today = today

    @property
    def today(self) -> date:
        return self._today or date.today()

    def _embed(self, texts: list[str], query: bool = False,
               embedder: Embedder | None = None) -> np.ndarray:
        embedder = embedder or self.library.theme_embedder
        embed = embedder.embed_query if query else embedder.embed
        if not texts:
            return unit_rows([])
        return self.library.theme_vectors.get(texts, embed, ("theme", embedder.name, query))

    def space(self, plan: Plan) -> Embedder:
        """The embedder a plan is compared in (``assistant.spaces``): MiniLM for an English
        request; the store's multilingual model for a request in another language, which
        MiniLM reads as noise (an Italian request "fit" every Italian call best, whatever
        its subject)."""
        return spaces.space(self.library, foreign=plan.language not in ("", "en"))

    def fits(self, plan: Plan, calls: list[_Call], space: Embedder) -> list[ThemeFit]:
        """Each call's fit to the plan, on MiniLM's scale, in ``space``: that of ``calls``."""
        topics = self._embed(plan.topics, query=True, embedder=space)
        fits = [theme_fit(topics, plan.topics, call.themes, call.row.themes, call.profile,
                          call.text.vectors, call.terms,
                          prose=bool(call.row.lot) and not call.rec.field_value("themes"))
                for call in calls]
        return [replace(f, score=spaces.on_minilm_scale(f.score, space)) for f in fits]

    def run(self, request: str, agreement: str | None = None) -> FundingResult:
        rec = self._agreement(agreement) if agreement else None
        plan = PlanReader(self.library.agreements()).read(request, rec)
        log.info("funding request read as: %s", plan.describe())
        space = self.space(plan)
        calls = self._calls(space)
        if not calls:
            return FundingResult("Your library holds no grant calls yet.", [], [], plan)
        if not plan.topics:
            return FundingResult("Say what the project is about (or name an agreement) to "
                                 "look for funding.", [], [], plan)
        fits = self._share_fits(calls, self.fits(plan, calls, space))
        floor = max(FIT_THRESHOLD, max(f.score for f in fits) - FIT_MARGIN)
        flagged, closed, near = [], [], []
        for call, fit in zip(calls, fits, strict=True):
            log.debug("%s theme fit %.3f (%s ~ %s)", call.row.source, fit.score, fit.topic,
                      fit.theme)
            if fit.score < FIT_THRESHOLD:
                continue
            checks = self._rules(call, plan)
            failed = [c for c in checks if c.ok is False]
            entry = self._entry(call, plan, fit, checks)
            if any(c.rule != "status" for c in failed):
                near.append(entry)  # on the theme, with the rule it misses
            elif fit.score < floor:
                continue  # the margin judges what is recommended, not what is missed
            elif not failed:
                flagged.append(entry)
            else:
                closed.append(entry)
        for found in (flagged, closed, near):
            found.sort(key=lambda e: -e["score"])
        rows = {c.row.key: c.row for c in calls}
        return FundingResult(self._answer(plan, flagged, closed, near, rows), flagged, near,
                             plan, closed)

    @staticmethod
    def _share_fits(calls: list[_Call], fits: list[ThemeFit]) -> list[ThemeFit]:
        """A call published in two documents (its guidelines and its notice, or in two
        languages) fits as well as its better-read document: the English embedder reads an
        Italian notice poorly. Lots pair by their order when both documents list as many."""
        twins = same_calls([c.row for c in calls],
                           {c.row.source: (c.rec.languages or [""])[0] for c in calls})
        rows_of: dict[str, list[int]] = {}
        for i, c in enumerate(calls):
            rows_of.setdefault(c.row.source, []).append(i)
        out = list(fits)
        for i, c in enumerate(calls):
            own = rows_of[c.row.source]
            for twin in sorted(twins.get(c.row.source, ())):
                other = rows_of[twin]
                pair = [other[own.index(i)]] if len(other) == len(own) else other
                best = max(pair, key=lambda j: fits[j].score)
                if fits[best].score > out[i].score:
                    out[i] = replace(fits[best], theme="", twin=calls[best].row.title or twin)
        return out

    def _agreement(self, source: str) -> DocRecord:
        found = [r for r in self.library.registry.resolve(source) if r.doc_type == "mou"]
        if not found:
            raise ValueError(f"no agreement {source!r} in the library")
        return found[0]

    def _calls(self, space: Embedder | None = None) -> list[_Call]:
        space = space or self.library.theme_embedder
        recs = self.library.documents("grant_call")
        if not recs:
            return []
        texts = self._call_texts([r.doc_id for r in recs], space)
        out = []
        for rec in recs:
            for row in lot_rows(rec, self.today):
                profile_text = ". ".join(x for x in (row.title, row.lot or "",
                                                      row.programme or "",
                                                      ", ".join(row.themes)) if x)
                out.append(_Call(rec, row, texts[rec.doc_id],
                                 self._embed(row.themes, embedder=space) if row.themes
                                 else unit_rows([]),
                                 self._embed([profile_text], embedder=space)[0],
                                 call_keywords(profile_text)))
        return out

    def _call_texts(self, doc_ids: list[str], space: Embedder) -> dict[str, CallText]:
        # the store's vectors serve when they are in the plan's space; else the passages
        # are embedded again in it
        stored = self.library.embedder.name == space.name
        got = self.library.store.chunks.get(
            where={"doc_id": {"$in": doc_ids}},
            include=["documents", "metadatas", *(["embeddings"] if stored else [])])
        by_doc: dict[str, dict[str, list[Any]]] = {d: {"p": [], "t": [], "full": []}
                                                   for d in doc_ids}
        for text, meta in zip(got["documents"], got["metadatas"], strict=True):
            header = int(meta.get("header_chars", 0))
            slot = by_doc[str(meta["doc_id"])]
            slot["p"].append(int(meta.get("page") or 0))
            slot["t"].append((text or "")[header:])
            slot["full"].append(text or "")
        if stored:
            for vec, meta in zip(got["embeddings"], got["metadatas"], strict=True):
                by_doc[str(meta["doc_id"])].setdefault("v", []).append(list(vec))
        out = {}
        for doc_id, slot in by_doc.items():
            pages: dict[int, str] = {}
            blocks: list[tuple[int, str]] = []
            for pg, t in sorted(zip(slot["p"], slot["t"], strict=True), key=lambda x: x[0]):
                pages[pg] = (pages.get(pg, "") + " " + flat(t)).strip()
                blocks.extend((pg, b) for b in text_blocks(t))
            vectors = (unit_rows(slot.get("v", [])) if stored
                       else self._embed(slot["full"], embedder=space))
            out[doc_id] = CallText(pages, vectors, blocks)
        return out

    @staticmethod
    def _rules(call: _Call, plan: Plan) -> list[RuleCheck]:
        # the status last: a closed call that also fails a rule is a near miss for that rule
        return (check_partnership(call.row, call.rec, plan)
                + check_countries(call.row, plan, call.text) + check_applicant(call.row, plan)
                + check_amount(call.row, plan) + check_population(call.text, plan)
                + check_status(call.row))

    def _entry(self, call: _Call, plan: Plan, fit: ThemeFit,
               checks: list[RuleCheck]) -> dict[str, Any]:
        row, cite = call.row, _Citations(call)
        # the words of a request are no topic to quote back: "your plan" stands for them
        topic = f"'{fit.topic}'" if fit.topic in plan.named_topics else "your plan"
        theme = (f"{topic} matches the call's priority '{fit.theme}'"
                 + cite.field("themes", fit.theme) if fit.theme
                 else f"{topic} matches the same call as published in \"{fit.twin}\" (same "
                      f"deadline and name)" if fit.twin
                 else f"{topic} matches the call's text")
        failed = [c for c in checks if c.ok is False]
        passed = [c for c in checks if c.ok is True]
        parts = [f"Fits on theme: {theme}."]
        if failed:
            parts.append("But: " + self._rule_list(cite, failed) + ".")
        if passed:
            lead = "It meets its other stated rules: " if failed else "Meets its rules: "
            parts.append(lead + self._rule_list(cite, passed) + ".")
        parts.append(self._facts(row, cite))
        why = " ".join(p for p in parts if p)
        check = [c.message[0].upper() + c.message[1:] + self._cite_rule(cite, c)
                 for c in checks if c.ok is None]
        check += self._conditions(call, cite)
        if row.cofinancing_rate is not None:
            check.append(f"The grant covers up to {row.cofinancing_rate:g}% of the costs: the "
                         f"partners find the rest" + cite.field("cofinancing_rate",
                                                                 f"{row.cofinancing_rate:g}%"))
        return {"source": row.source, "lot": row.lot, "key": row.key,
                "programme": row.programme, "call_id": row.call_id,
                "amount": row.amount_text(), "deadline": row.deadline, "status": row.status,
                "why": why, "check": check, "citations": cite.items,
                "failed": [c.message for c in failed], "score": fit.score}

    @staticmethod
    def _cite_rule(cite: _Citations, check: RuleCheck) -> str:
        return cite.add(*check.quote) if check.quote else cite.field(check.field)

    def _rule_list(self, cite: _Citations, checks: list[RuleCheck]) -> str:
        return "; ".join(c.message + self._cite_rule(cite, c) for c in checks)

    @staticmethod
    def _facts(row: CallRow, cite: _Citations) -> str:
        parts = []
        if row.amount_text():
            parts.append(f"Grants of {row.amount_text()} per project"
                         + cite.field("amount_min" if row.amount_min is not None
                                      else "amount_max"))
        if row.deadline:
            open_days = row.days_left is not None and row.days_left >= 0
            left = f", {row.days_left} days left" if open_days else ""
            parts.append(f"deadline {row.deadline_text()} ({row.status.replace('_', ' ')}"
                         f"{left})" + cite.field("deadline"))
        return "; ".join(parts) + "." if parts else ""

    @staticmethod
    def _conditions(call: _Call, cite: _Citations) -> list[str]:
        """Conditions stated in the call's text that no field holds (lead applicant, an
        agreement in force, population, dates of activities), quoted as written."""
        out: list[str] = []
        for sent, page in call.text.rule_sentences():
            if EXTRA_CONDITIONS.search(sent) and MODAL.search(sent):
                out.append(f"\"{sent}\"" + cite.add(sent, page))
            if len(out) >= MAX_CONDITIONS:
                break
        return out

    @staticmethod
    def _answer(plan: Plan, flagged: list[dict[str, Any]], closed: list[dict[str, Any]],
                near: list[dict[str, Any]], rows: dict[str, CallRow]) -> str:
        read = f"Read as: {plan.describe()}."
        n_calls = len({r.source for r in rows.values()})
        if flagged:
            best = rows[flagged[0]["key"]]
            fitting = len({e["source"] for e in flagged})  # a call, not each of its lots
            verb = "fits" if fitting == 1 else "fit"
            amount = f", {best.amount_text()} per project" if best.amount_text() else ""
            head = (f"{fitting} of {n_calls} stored calls {verb} your plan. Best: "
                    f"{best.name}{amount}, deadline {best.deadline_text()} "
                    f"({best.status.replace('_', ' ')}).")
        elif closed:
            head = f"None of the {n_calls} stored calls that fit your plan is open."
        else:
            head = f"None of the {n_calls} stored calls fits your plan."
        if closed:
            names = "; ".join(f"{rows[c['key']].name} (closed on "
                              f"{rows[c['key']].deadline_text()})" for c in closed[:3])
            head += (f" {'It fits' if len(closed) == 1 else 'These fit'} but closed: {names}: "
                     f"watch for the next round.")
        if near:
            head += f" Closest miss: {rows[near[0]['key']].name}: {near[0]['failed'][0]}."
            if len(near) > 1:
                head += f" {len(near) - 1} more near miss{'es' if len(near) > 2 else ''}."
        elif not flagged and not closed:
            head += " No call covers its theme."
        return f"{head} {read}"
