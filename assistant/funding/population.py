"""How many people live in the places of a plan, and the limits a call sets on them: "a
town of about 41,000 people", "1,1 millones de habitantes"; "The population of each
participating municipality must not exceed 500,000 residents", "Municipalities with more
than 100,000 inhabitants may take part as partners but not as lead applicant"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.amounts import NUM, SCALE_WORDS, parse_number, scale_of

# The words for the people of a place, in the languages officers write in (a group's
# "people" counts only from a thousand: "30 young people" travel, they do not live there).
_RESIDENTS = (r"inhabitants|residents|citizens|population|inwoners|habitantes|abitanti|"
              r"einwohner(?:innen|n)?|habitants|mieszka[nń]c[oó]w|inv[aå]nare|indbyggere|"
              r"asukasta|lakos\w*")
_PEOPLE = rf"(?:{_RESIDENTS}|people|persons)"
_FIGURE = re.compile(rf"(?<![\d.,])({NUM})(?:\s*({SCALE_WORDS})\b\.?)?\s+(?:(?:de|di|d'|van|"
                     rf"of)\s+)?({_PEOPLE})\b", re.I)
_OF = re.compile(rf"\bpopulation\s+(?:of\s+)?(?:(?:about|around|some|roughly|nearly|"
                 rf"approximately)\s+)?({NUM})(?:\s*({SCALE_WORDS})\b)?", re.I)


def populations(text: str) -> list[int]:
    """Every population a text states, in its order (the applicant's own comes first in
    a request that introduces itself)."""
    found: list[tuple[int, int]] = []
    for m in _FIGURE.finditer(text):
        value = _value(m.group(1), m.group(2))
        if value is not None and (value >= 1000 or not re.fullmatch(r"people|persons",
                                                                     m.group(3), re.I)):
            found.append((m.start(), value))
    for m in _OF.finditer(text):
        value = _value(m.group(1), m.group(2))
        if value is not None and all(abs(m.start() - s) > 40 for s, _ in found):
            found.append((m.start(), value))
    return [v for _, v in sorted(found)]


def _value(number: str, scale: str | None) -> int | None:
    try:
        return round(parse_number(number) * scale_of(scale))
    except ValueError:
        return None


@dataclass(frozen=True)
class PopulationLimit:
    """A call's limit on the population of the places taking part: at most ``most``, at
    least ``least``; of the lead applicant only (``lead``) or of every participant."""

    most: int | None
    least: int | None
    lead: bool


_FEWER = r"fewer\s+than|less\s+than|under|below|up\s+to|at\s+most|no\s+more\s+than|" \
         r"(?:must|shall|may|does|do)\s+not\s+exceed|not\s+more\s+than|maximum\s+of|exceed"
_MORE = r"more\s+than|over|above|greater\s+than|in\s+excess\s+of|at\s+least|minimum\s+of|" \
        r"not\s+less\s+than"
_LIMIT = re.compile(rf"\b({_FEWER}|{_MORE})\s+({NUM})(?:\s*({SCALE_WORDS})\b)?\s+"
                    rf"(?:(?:de|di|van|of)\s+)?(?:{_RESIDENTS})\b", re.I)
# ... what makes a sentence a rule, and what turns the group it names into the one excluded
_RULE = re.compile(r"\b(?:must|shall|only|not|cannot|eligible|ineligible|excluded)\b", re.I)
_EXCLUDED = re.compile(r"\b(?:not|cannot|ineligible|excluded)\b", re.I)


def population_limit(sentence: str) -> PopulationLimit | None:
    """The limit a call's sentence sets, or None when it sets none ("Partners from
    municipalities with fewer than 20,000 inhabitants may count staff time" is no rule)."""
    m = _LIMIT.search(sentence)
    if not m or not _RULE.search(sentence):
        return None
    value = _value(m.group(2), m.group(3))
    if value is None:
        return None
    comparator = m.group(1).lower()
    fewer = bool(re.fullmatch(_FEWER, comparator, re.I))
    # "must not exceed" says so itself; "more than ... but not as lead applicant" names the
    # places excluded: the limit is the other side
    rest = sentence[:m.start()] + sentence[m.end():]
    if not fewer and _EXCLUDED.search(rest):
        fewer = True
    elif fewer and "exceed" not in comparator and _EXCLUDED.search(rest):
        fewer = False
    lead = bool(re.search(r"\blead\b|\bcoordinat\w*|\bapplicant\b(?!s)", sentence, re.I)) \
        and not re.search(r"\beach\b|\ball\b|\bevery\b|\bparticipating\b", sentence, re.I)
    return PopulationLimit(value if fewer else None, None if fewer else value, lead)
