"""A party's distinctive name: one reading for the letters, the radar and the boosts."""

from __future__ import annotations

import pytest

from assistant.funding.plan import party_core
from assistant.parties import place_of


@pytest.mark.parametrize("party, place", [
    ("City of Vila Serena", "Vila Serena"),
    ("the Municipality of Alderbrook", "Alderbrook"),
    ("Alderbrook", "Alderbrook"),
    ("Houston City Council", "Houston"),
    ("Fjällmora Municipality", "Fjällmora"),
    ("Comune di Poggio Aurelio", "Poggio Aurelio"),
    ("Gmina Sosnowa Dolina", "Gmina Sosnowa Dolina"),  # no "of": a name of its own
    ("New York City", "New York"),
    ("City Council of Houston", "Houston"),
    # names of their own, and names that are all kind, stay whole
    ("Kansas City", "Kansas City"),
    ("Cape Town", "Cape Town"),
    ("Town Council", "Town Council"),
    ("Regional Council", "Regional Council"),
])
def test_a_place_is_named_without_its_kind(party: str, place: str) -> None:
    assert place_of(party) == place


def test_the_radar_reads_a_party_as_the_letters_do() -> None:
    assert party_core("Houston City Council") == "houston"
    assert party_core("Municipality of Vila Serena") == "vila serena"
