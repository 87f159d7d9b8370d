"""The distinctive name of an agreement's party, the part a request or a question would use:
"Municipality of Vila Serena" -> "Vila Serena", "Houston City Council" -> "Houston". One
reading for the letters, the funding radar and the retriever's boosts."""

from __future__ import annotations

import re

PLACE_PREFIX = re.compile(
    r"^(?:the\s+)?(?:(?:regional\s+district|metropolitan\s+area|town|city|municipality|"
    r"commune|comune|gmina|region|county|prefecture|district|province|state|borough|village|"
    r"parish)\s+(?:of|di|de|du)\s+)",
    re.IGNORECASE)
# ... and the body after the name: "Houston City Council", "Fjällmora Municipality"
_PLACE_SUFFIX = re.compile(
    r"\s+(?:(?:city|town|municipal|county|borough|district|regional)\s+council|council|"
    r"city\s+hall|municipality|prefecture|region|county|province|commune|city|town)$",
    re.IGNORECASE)


def place_of(party: str) -> str:
    """The distinctive name of a party: "Municipality of Vila Serena" -> "Vila Serena"."""
    return _PLACE_SUFFIX.sub("", PLACE_PREFIX.sub("", party.strip())).strip()
