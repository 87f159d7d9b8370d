"""The open call a letter proposes: the one whose themes are closest in meaning to the
proposal, open today, and open to both partners' countries; and the paragraph that names
it with its amounts, deadline and partnership rule, each a fact of the draft."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date

from assistant.facts import human_date, money
from assistant.letters.model import LetterDraft
from assistant.letters.wording import CALL_THEME_MIN, clean_text, cosines, fill
from assistant.library import Library
from assistant.status import call_status
from ingest.registry import DocRecord

log = logging.getLogger(__name__)


class FittingCall:
    """Draft -> the funding paragraph of its letter (or None)."""

    def __init__(self, library: Library, today: Callable[[], date]) -> None:
        self.library = library
        self._today = today

    @property
    def today(self) -> date:
        return self._today()

    def run(self, d: LetterDraft, expired: str | None) -> str | None:
        """The funding paragraph, with the call's facts added to the draft; None when no
        open call fits."""
        call, score = self.fitting_call(d)
        if call is None:
            return None
        log.info("funding call %s fits (%.2f)", call.source, score)
        cur = call.field_value("currency")
        lo, hi = call.field_value("amount_min"), call.field_value("amount_max")
        programme = str(call.field_value("programme") or call.title)
        funder = str(call.field_value("funder") or "")
        call_id = str(call.field_value("call_id") or "")
        pf = call.fields.get("programme") or call.fields.get("title", {})
        d.add("call", f"{programme}, {funder}, call {call_id}", pf.get("page"),
              _window(pf.get("evidence", ""), [programme, call_id, funder]), call)
        if lo is not None and hi not in (None, lo):
            amounts = f"awards grants between {money(lo, cur)} and {money(hi, cur)} per project"
        elif lo is not None or hi is not None:
            amounts = f"awards {money(lo if lo is not None else hi, cur)} per project"
        else:
            amounts = "is open"
        af = call.fields.get("amount_min") or call.fields.get("amount_max")
        if af:
            d.add("call_amount", amounts[0].upper() + amounts[1:], af.get("page"),
                  af.get("evidence", ""), call)
        df = call.fields["deadline"]
        time_, tz = call.field_value("deadline_time"), call.field_value("deadline_tz")
        deadline = human_date(str(df["value"])) + (f" at {time_}" if time_ else "") + \
            (f" {tz}" if tz else "")
        d.add("call_deadline", f"Deadline: {deadline}", df.get("page"), df.get("evidence", ""),
              call)
        text = fill("funding", programme=programme, funder=funder.removeprefix("The "),
                    call_id=call_id, amounts=amounts, deadline=deadline)
        text = text.replace(" of the the ", " of the ").replace(" (call )", "")
        if pm := call.fields.get("partnership_min"):
            d.add("call_partnership", clean_text(pm.get("evidence", "")), pm.get("page"),
                  pm.get("evidence", ""), call)
            text += " " + fill("funding_partnership", quote=clean_text(pm.get("evidence", "")))
        if expired:
            d.warnings.append(f"The {programme} may require an agreement in force; ours "
                              f"expired on {human_date(expired)}.")
        return text

    def fitting_call(self, d: LetterDraft) -> tuple[DocRecord | None, float]:
        """The open call whose themes are closest in meaning to the proposal, if close enough
        and both partners' countries are eligible."""
        if not d.proposal.text:
            return None, 0.0
        rec = d.match.rec
        countries = dict(zip(rec.field_value("parties") or rec.partners, rec.countries,
                             strict=False))
        ours, theirs = countries.get(d.match.ours), countries.get(d.match.partner)
        best: tuple[DocRecord | None, float] = (None, 0.0)
        for call in self.library.documents("grant_call"):
            if not self._open(call) or not self._eligible(call, ours, theirs):
                continue
            themes = [str(t) for t in call.field_value("themes") or []]
            if not themes:
                continue
            score = max(cosines(self.library, d.proposal.topic, themes))
            if score >= CALL_THEME_MIN and score > best[1]:
                best = (call, score)
        call = best[0]
        if call is not None and theirs not in (call.field_value("eligible_countries") or [theirs]):
            d.warnings.append(f"{call.title}: applicants must be based in {ours}; check that "
                              f"the call accepts a partner in {theirs}.")
        return best

    def _open(self, call: DocRecord) -> bool:
        return call_status(call, self.today).state in ("open", "closing_soon")

    @staticmethod
    def _eligible(call: DocRecord, ours: str | None, theirs: str | None) -> bool:
        listed = [str(c) for c in call.field_value("eligible_countries") or []]
        if not listed:
            return True
        if ours in listed and theirs in listed:
            return True
        # A national funder (one country listed, ours) funds its own applicants working with
        # partners abroad; the officer confirms the partner side.
        return listed == [ours]


def _window(evidence: str, values: list[str]) -> str:
    """The part of a long evidence window that holds the given values, with their labels
    ("Programme: X Call identifier: Y Funder: Z"), instead of the whole window."""
    text = clean_text(evidence)
    spans = [(i, i + len(v)) for v in values if v and (i := text.find(v)) >= 0]
    if not spans:
        return text[:300]
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    label = re.search(r"[A-Z][\w ]{0,25}:\s*$", text[max(0, start - 30):start])
    if label:
        start -= len(text[max(0, start - 30):start]) - label.start()
    return text[start:end]
