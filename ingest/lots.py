"""Lots of a call: a guide divided into lots (strands, actions) gives each its own grant
range, co-financing rate and duration. Read here so that a call with two lots is two rows
of the radar, not one row with the figures of whichever lot came first.

Values are tied to a lot by how guides print them, in any language:
- a financing table headed "LOT 1 ... LOT 2 ...", whose rows give one value per lot in
  column order ("Maximum grant per project EUR 300,000 EUR 200,000");
- a sentence naming every lot, with one value beside each ("il 60 % (per il lotto 1) e
  l'80 % (per il lotto 2)");
- a sentence naming one lot ("The implementation period for Lot 1 actions may not exceed
  18 months");
- a section headed by a lot ("Lotto 1 — Programmi televisivi: ... non superiore a 18 mesi").
The call's own range, rate and duration are then the span across its lots.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ingest.amounts import CEILING, FLOOR, RATE_CUE, find_amounts, find_percents

__all__ = ["ALL_LOTS", "Lot", "LOT_FIGURES", "find_lots", "call_span", "lot_stated_for"]

# "Lot 2", "Lotto 2", "Lote 2", "lot n° 2" (German "Los" is left out: Spanish "los 2 socios")
LOT_RE = re.compile(r"(?i)\b(?:lot|lots|lotto|lotti|lote|lotes)\s*(?:n[.°º]\s*)?(\d{1,2})\b")
# Words for the lots together ("for both lots", "per entrambi i lotti"): the call's, not one
# lot's.
ALL_LOTS = re.compile(r"(?i)\b(?:lots|lotti|lotes)\b")
_MONTHS = re.compile(r"(?i)\b(\d{1,3})\s*(?:months?|mesi|meses|mois|monate?n?|maanden|miesi\w*)\b")
# besides the co-financing words: "60 % of total", "il 60 % dei costi", "contributo finanziario"
_RATE_CUE = re.compile(RATE_CUE.pattern + r"|of total|dei costi|finanziario", re.I)
_SEPARATOR = r"\s*[:—–-]+\s*"
# The figures a lot has of its own, and how the call's figure spans them: the smallest
# minimum, the largest maximum, rate and duration (what an applicant to some lot can get).
_SPAN = {"amount_min": min, "amount_max": max, "cofinancing_rate": max,
         "duration_months": max}
LOT_FIGURES = tuple(_SPAN)


@dataclass
class Lot:
    number: int
    name: str = ""
    values: dict[str, float | int] = field(default_factory=dict)
    offset_of: dict[str, int] = field(default_factory=dict)  # value -> offset in the text

    def to_value(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name or f"Lot {self.number}"}
        out.update(self.values)
        return out


def _lot_numbers(text: str) -> list[int]:
    seen = sorted({int(m.group(1)) for m in LOT_RE.finditer(text)})
    # lots are numbered from 1 without gaps; anything else is a reference to something else
    if len(seen) < 2 or seen != list(range(1, len(seen) + 1)):
        return []
    return seen


def _names(text: str, numbers: list[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for n in numbers:
        word = r"(?i:lot|lotto|lote)"
        patterns = [
            # a table header: "LOT 1" alone on its line, the name on the next
            rf"(?m)^\s*({word}\s*{n})\s*\n\s*([^\n]{{3,80}})$",
            # "Lot 1: TV programmes", "Lotto 1 — Programmi televisivi:"
            rf"(?m)\b({word}\s*{n}){_SEPARATOR}([^\n:;]{{3,80}})",
        ]
        for pattern in patterns:
            for m in re.finditer(pattern, text):
                name = " ".join(m.group(2).split()).strip(" .:")
                # a name, not the sentence that follows "Under Lot 1:"
                if (name and len(name.split()) <= 6 and not LOT_RE.search(name)
                        and not re.match(r"\d|(?:to|per|para|pour|um)\b", name, re.I)):
                    names[n] = f"{' '.join(m.group(1).split())}: {name}"
                    break
            if n in names:
                break
        if n not in names and (m := re.search(
                rf"([A-Za-zÀ-ÿ][^\n(),;:]{{2,60}}?)\s*\(\s*{word}\s*{n}\s*\)", text)):
            name = re.sub(r"^(?:and|e|y|et|und|en)\s+", "", " ".join(m.group(1).split()))
            names[n] = f"Lot {n}: {name}"
    return names


def _set(lot: Lot, key: str, value: float | int, at: int) -> None:
    if key not in lot.values:
        lot.values[key] = value
        lot.offset_of[key] = at


def _table(text: str, lots: dict[int, Lot]) -> None:
    """A financing table: the lots as column headers, then rows of one value per lot."""
    k = len(lots)
    # column headers: each lot alone on its line (its name may follow on the next line);
    # "Lot 1: X" lines are a list, not a table
    header = re.search(r"(?im)^\s*(?:lot|lotto|lote)\s*1\s*$(?:\n[^\n]*){0,2}?\n\s*"
                       r"(?:lot|lotto|lote)\s*2\s*$", text)
    if header is None:
        return
    body_start = header.end()
    body = text[body_start: body_start + 900]
    amounts = [(a.value, a.start) for a in find_amounts(body)]
    percents = [(p, s) for p, s, _ in find_percents(body)]
    for values, kind in ((amounts, "amount"), (percents, "rate")):
        i, last = 0, 0
        while i + k <= len(values):
            run = values[i:i + k]
            # the row's label: the words since the previous row's values
            label = body[last: run[0][1]].lower()
            between = body[run[0][1]: run[-1][1]]
            if "\n\n" in between or len(between) > 200:
                keys = []  # values of one row sit together
            elif kind == "rate":
                keys = ["cofinancing_rate"]
            elif FLOOR.search(label):
                keys = ["amount_min"]
            elif CEILING.search(label):
                keys = ["amount_max"]
            else:
                keys = []
            for key in keys:
                for (value, at), n in zip(run, sorted(lots), strict=True):
                    _set(lots[n], key, value, body_start + at)
            last = run[-1][1] + 1
            i += k


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    """Sentences, also ended by a blank line or a heading's colon (a table's cells and a
    "Duration:" heading are not part of the sentence that follows)."""
    for m in re.finditer(r"(?s).+?(?:[.;!?](?=\s|$)|:\s*\n|\n\s*\n|$)", text):
        if m.group(0).strip():
            yield m.start(), m.group(0)


def _by_sentence(text: str, lots: dict[int, Lot]) -> None:
    for off, sent in _sentences(text):
        refs = [(int(m.group(1)), m.start()) for m in LOT_RE.finditer(sent)
                if int(m.group(1)) in lots]
        named = list(dict.fromkeys(n for n, _ in refs))
        if not named:
            continue
        flat = " ".join(sent.split())
        months = [(int(m.group(1)), m.start()) for m in _MONTHS.finditer(sent)]
        rates = [(p, s) for p, s, _ in find_percents(sent)] if _RATE_CUE.search(flat) else []
        if len(named) == 1:
            n, ref = named[0], refs[0][1]
            # "for Lot 1 actions ... 18 months", "60 % (per il lotto 1)": beside the lot,
            # not a value of the text before a heading that names the next lot
            def beside(at: int, ref: int = ref, sent: str = sent) -> bool:
                return at > ref or (ref - at < 40 and "\n" not in sent[at:ref])

            months = [(v, at) for v, at in months if beside(at)]
            rates = [(v, at) for v, at in rates if beside(at)]
            if len(months) == 1:
                _set(lots[n], "duration_months", months[0][0], off + months[0][1])
            if len(rates) == 1:
                _set(lots[n], "cofinancing_rate", rates[0][0], off + rates[0][1])
        elif len(named) == len(lots):
            # one value beside each lot, in the order the lots are named
            for values, key in ((rates, "cofinancing_rate"), (months, "duration_months")):
                if len(values) == len(lots):
                    for (value, at), n in zip(values, named, strict=True):
                        _set(lots[n], key, value, off + at)


def _by_section(text: str, lots: dict[int, Lot]) -> None:
    """A lot's own section, headed "Lotto 1 — ...": its duration, until the next lot."""
    heads = [(int(m.group(1)), m.start()) for m in re.finditer(
        rf"(?im)^\s*(?:lot|lotto|lote)\s*(\d{{1,2}}){_SEPARATOR}[^\n]{{3,80}}$", text)
        if int(m.group(1)) in lots]
    for i, (n, start) in enumerate(heads):
        if i + 1 < len(heads):
            end = heads[i + 1][1]
        elif heading := re.compile(r"(?m)^\s*\d+(?:\.\d+)*\.?\s+[A-ZÀ-Þ]").search(text, start):
            end = heading.start()  # the last lot's section ends at the next numbered heading
        else:
            continue  # unbounded: what follows may be about the whole call
        section = text[start:min(end, start + 1500)]
        if ALL_LOTS.search(section):
            continue  # "for both lots": the call's, not this lot's
        months = [(int(m.group(1)), m.start()) for m in _MONTHS.finditer(section)]
        if len(months) == 1:
            _set(lots[n], "duration_months", months[0][0], start + months[0][1])


def find_lots(text: str) -> list[Lot]:
    """The lots of a call with what the text ties to each; [] for a call without lots."""
    numbers = _lot_numbers(text)
    if not numbers:
        return []
    names = _names(text, numbers)
    lots = {n: Lot(n, names.get(n, "")) for n in numbers}
    _table(text, lots)
    _by_sentence(text, lots)
    _by_section(text, lots)
    if not any(lot.values for lot in lots.values()):
        return []  # lots mentioned, nothing of their own read: one row is the honest view
    return [lots[n] for n in numbers]


# A heading: a short line without a sentence's full stop.
_HEADING_WORDS = 15


def lot_stated_for(text: str, at: int, numbers: list[int]) -> int | None:
    """The one lot that the statement at offset ``at`` of ``text`` is made for: the lot its
    own sentence names, or the heading line right above it ("Specific criteria for the
    eligibility of applicants under LOT 1"); None when they name none, several, or the lots
    together ("for both lots"). A sentence before it, or an earlier section's heading, says
    nothing of it."""
    end = text.find(".", at)
    window = text[at:end if end >= 0 else len(text)]
    lines = [x.strip() for x in text[:at].split("\n")]
    above = next((x for x in reversed(lines[:-1]) if x), "") if len(lines) > 1 else ""
    if lines and lines[-1]:
        above = ""  # the statement does not start a line: what is above is not its heading
    if above and not above.endswith(".") and len(above.split()) <= _HEADING_WORDS:
        window = above + "\n" + window
    if ALL_LOTS.search(window):
        return None
    named = {int(m.group(1)) for m in LOT_RE.finditer(window)} & set(numbers)
    return named.pop() if len(named) == 1 else None


def call_span(lots: list[Lot]) -> dict[str, float | int]:
    """The call's own range, rate and duration across its lots (see _SPAN)."""
    out: dict[str, float | int] = {}
    for key, pick in _SPAN.items():
        values = [lot.values[key] for lot in lots if key in lot.values]
        if values:
            out[key] = pick(values)
    return out
