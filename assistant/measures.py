"""What a figure question counts or measures: the noun "how many" counts ("centres"), and
whether "what percentage" wants a share, "how much is the fee" a sum, or a contact
question one way to reach someone. Read from the question's words alone."""

from __future__ import annotations

import re

from assistant.retrieve import STOPWORDS

# "the (minimum) number of X", not an identifier's ("the registration number of X")
_NUMBER_OF = re.compile(r"(?:^|\b(?:the|a|what|which|minimum|maximum|min|max|total|overall|"
                        r"required|average|exact|expected|estimated|any|same|greater|smaller|"
                        r"larger|higher|lower|how)\s+)number of\s+(?:the\s+)?(.+)", re.I)
_HOW_MANY = re.compile(r"\bhow many\s+(?:of\s+(?:the\s+)?)?(?:[\d,.]+\s+)?(.+?)\s+(?:are|is|were|"
                       r"was|do|does|did|will|would|can|could|have|has|had|may|must|"
                       r"should|in|under|for|from|with|per|at)\b", re.I)


def counted(text: str) -> str:
    """The noun a "how many" question counts: the last word of what follows "how many",
    up to its verb or preposition ("How many Europe Direct information centres were
    selected?" -> "centres")."""
    m = _HOW_MANY.search(text)
    if not m:
        # "what is the minimum number of volunteers a project must involve?": the run of
        # words right after "number of"
        m = _NUMBER_OF.search(text)
        if not m:
            return ""
        # (of things in the plural: "the reference number of the Wrenfield round" is an
        # identifier, not a count)
        run = re.match(r"(?:[^\W\d_][\w'-]*\s*)+", m.group(1))
        words = run.group(0).split() if run else []
        noun = _noun(words[:next((i for i, w in enumerate(words) if w.lower() in STOPWORDS),
                                 len(words))])
        return noun if noun.endswith("s") else ""
    return _noun([w for w in re.findall(r"[^\W\d_][\w'-]*", m.group(1))
                  if w.lower() not in STOPWORDS])


def _noun(words: list[str]) -> str:
    """The noun a run of words ends in, not a participle after it ("the agreements
    analysed", "participants expected")."""
    while len(words) > 1 and words[-1].lower().endswith("ed"):
        words = words[:-1]
    return words[-1] if words else ""


# What a figure a question asks for measures, when a count would not answer it: "what
# percentage" a share ("40%", "half"), "how much is the fee" a sum of money or a rate of
# it. Read from the noun asked about, right after "what / which (is the)" and a word or two
# that qualify it ("what annual budget", "what is the maximum grant"), not from a money
# word elsewhere ("what is the maximum duration of a grant?" asks a time). "How many",
# "the number of" count; "how much time" is a time.
_ASKED_NOUN = (r"\b(?:what|which)(?:'s|\s+is|\s+are|\s+was|\s+were)?\s+(?:the\s+)?"
               r"(?:(?!(?:of|for|in|does|do|did|is|are)\b)[\w-]+\s+){0,2}?")
_MEASURES: list[tuple[str, re.Pattern[str]]] = [
    ("percent", re.compile(rf"\bper\s?cent\b|{_ASKED_NOUN}(?:percentage|share|proportion)\b",
                           re.I)),
    ("money", re.compile(r"\bhow much\b(?!\s+(?:time|longer|earlier|later|notice)\b)|"
                         rf"{_ASKED_NOUN}(?:budget|fee|cost|price|sum|amount|grant|funding|"
                         r"co-?financing|contribution|allowance)s?\b", re.I)),
]
_COUNTS = re.compile(r"\bhow many\b|\bnumber of\b|\bhow (?:often|old|long|large|big)\b", re.I)
# ... and which way to reach someone a contact question asks for: an e-mail address is no
# telephone number
_CONTACT_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"\be-?mail\b", re.I)),
    ("phone", re.compile(r"\b(?:tele)?phone\b", re.I)),
    ("web", re.compile(r"\bweb\s*(?:site|page|address)\b", re.I)),
]


def measure(text: str, wants: str) -> str:
    """What the figure a quantity question asks for measures: "percent", "money", or ""
    (any figure: a count, a size); for a contact question, which contact: "email",
    "phone", "web" (when it names one only). ``wants``: the question's ``answer_kind``."""
    if wants == "contact":
        named = [kind for kind, pattern in _CONTACT_KINDS if pattern.search(text)]
        return named[0] if len(named) == 1 else ""
    if wants != "quantity" or _COUNTS.search(text):
        return ""
    return next((kind for kind, pattern in _MEASURES if pattern.search(text)), "")
