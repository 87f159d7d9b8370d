"""Numbers written in words, in the languages officers meet (text2num), one place for all.

English words also form ``NUM_TOKEN``, the token extraction's English patterns accept
("a period of five (5) years"); any language's words are read by ``to_int``/``digits``.
"""

from __future__ import annotations

from text_to_num import alpha2digit, text2num

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()

NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_UNITS)}
for _t, _w in enumerate(_TENS, start=2):
    NUMBER_WORDS[_w] = _t * 10
    for _u in range(1, 10):
        NUMBER_WORDS[f"{_w}-{_UNITS[_u]}"] = _t * 10 + _u
NUMBER_WORDS.update({"hundred": 100, "a": 1, "an": 1, "single": 1})

NUM_TOKEN = r"(?:\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"

# text2num's languages; others fall back to English words only.
TEXT2NUM_LANGUAGES = ("en", "fr", "es", "pt", "de", "nl", "it", "da")


def ordinal_suffix(n: int) -> str:
    """The English ordinal's ending: 1 -> "st", 12 -> "th", 23 -> "rd"."""
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def to_int(token: str, lang: str | None = "en") -> int | None:
    """'5', 'five', 'thirty-six', 'cinque', 'vijf' -> the number; None if it is not one.
    ``lang`` None: whichever language reads it (for text whose language is unknown)."""
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    for code in (lang,) if lang else TEXT2NUM_LANGUAGES:
        if code in TEXT2NUM_LANGUAGES:
            try:
                return int(text2num(token, code))
            except (ValueError, TypeError):
                continue
    return None


def digits(text: str, lang: str = "en") -> str:
    """The text with its numbers in words written as digits ('five (5) years' -> '5 (5) years')."""
    if lang not in TEXT2NUM_LANGUAGES:
        return text
    return alpha2digit(text, lang, threshold=0)
