"""The distinctive name of an agreement's party, the part a request or a question would use:
"Municipality of Vila Serena" -> "Vila Serena", "Houston City Council" -> "Houston". One
reading for the letters, the funding radar and the retriever's boosts."""

from __future__ import annotations

import re

PLACE_PREFIX = re.compile(
    r"^(?:the\s+)?(?:(?:regional\s+district|metropolitan\s+area|(?:city|town)\s+council|town|"
    r"city|municipality|commune|comune|gmina|region|county|prefecture|district|province|state|"
    r"borough|village|parish)\s+(?:of|di|de|du)\s+)",
    re.IGNORECASE)
# ... and the body after the name: "Houston City Council", "Fjällmora Municipality"
_BODY_SUFFIX = re.compile(
    r"\s+(?:(?:city|town|municipal|county|borough|district|regional)\s+council|council|"
    r"city\s+hall|municipality|prefecture|region|county|province|commune)$",
    re.IGNORECASE)
# what is left of a name that was all kind: "Town Council", "Regional Council", "The City"
_KIND_WORDS = frozenset("the a town city regional municipal county district borough local "
                        "metropolitan council".split())


def place_of(party: str) -> str:
    """The distinctive name of a party: "Municipality of Vila Serena" -> "Vila Serena"."""
    name = party.strip()
    core = _BODY_SUFFIX.sub("", PLACE_PREFIX.sub("", name)).strip()
    # a bare "City" or "Town" only after a name of two words or more: "New York City" is
    # New York, but "Cape Town" and "Kansas City" are names of their own
    if len(core.split()) >= 3:
        core = re.sub(r"\s+(?:city|town)$", "", core, flags=re.IGNORECASE)
    if not core or all(w.lower() in _KIND_WORDS for w in core.split()):
        return name  # nothing of its own is left: the name is the whole of it
    return core
