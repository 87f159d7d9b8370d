"""normalize_text / strip_repeated_lines: the clean-up every parser relies on."""

from __future__ import annotations

import time

import pytest

from ingest.normalize import is_page_number_line, normalize_text, strip_repeated_lines


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\ufb01nancing and \ufb02ows", "financing and flows"),
        (
            "e\ufb00ect, e\ufb03cient, ba\ufb04e, \ufb05yle \ufb06ate",
            "effect, efficient, baffle, style state",
        ),
        ("co\u00adoperation", "cooperation"),
        ("a\u00a0b\u202fc\u2009d\te", "a b c d e"),
        ("too    many \t spaces   ", "too many spaces"),
        ("one\n\n\n\n\ntwo", "one\n\ntwo"),
        ("keep\nsingle\nlines", "keep\nsingle\nlines"),
        ("windows\r\nline\rends", "windows\nline\nends"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("nul\x00 and bell\x07", "nul and bell"),
        ("", ""),
    ],
)
def test_normalize_basic(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Koninkrijk België,De Regering", "Koninkrijk België, De Regering"),
        ("-in België:provincies, gemeenten", "-in België: provincies, gemeenten"),
        ("Economische Unie.Overwegende dat", "Economische Unie. Overwegende dat"),
        ("landen;gemeenten", "landen; gemeenten"),
        ("zullen voegen.Indien een", "zullen voegen. Indien een"),
        # what stays glued: numbers, identifiers, addresses, CJK, short abbreviations
        ("rate 1,5 and 2,000", "rate 1,5 and 2,000"),
        ("OJ:L:2010:017:0043:0049:EN:PDF", "OJ:L:2010:017:0043:0049:EN:PDF"),
        ("Contact Mario.Rossi@comune.it today", "Contact Mario.Rossi@comune.it today"),
        ("mailto:info@city.eu", "mailto:info@city.eu"),
        ("www.Stadt.Wien.at", "www.Stadt.Wien.at"),
        ("https://x.org/path,other/Page?q=tag:Culture", "https://x.org/path,other/Page?q=tag:Culture"),
        ("see Guide.Pdf", "see Guide.Pdf"),
        ("Sig.Rossi", "Sig.Rossi"),
        ("東京,大阪", "東京,大阪"),
    ],
)
def test_glued_punctuation_is_spaced(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_nfc_composes_accents() -> None:
    assert normalize_text("Krako\u0301w") == "Kraków"


def test_dehyphenation_joins_broken_words_and_keeps_line_count() -> None:
    text = "International coopera-\ntion between munici-\npalities is key."
    assert normalize_text(text) == "International cooperation\nbetween municipalities\nis key."


def test_dehyphenation_keeps_prefix_compounds() -> None:
    assert normalize_text("EU co-\nfinancing rate") == "EU co-financing\nrate"
    assert normalize_text("a non-\nprofit body") == "a non-profit\nbody"
    assert normalize_text("cross-\nborder") == "cross-border"


def test_dehyphenation_keeps_hyphen_inside_compound() -> None:
    assert normalize_text("a state-of-the-\nart method") == "a state-of-the-art\nmethod"


def test_dehyphenation_needs_lowercase_continuation() -> None:
    assert normalize_text("Franco-\nGerman treaty") == "Franco-\nGerman treaty"
    assert normalize_text("2021-\n2027 programme") == "2021-\n2027 programme"
    assert normalize_text("list:\n- item") == "list:\n- item"


def test_soft_hyphen_at_line_end_always_joins() -> None:
    assert normalize_text("co\u00ad\noperation agreement") == "cooperation\nagreement"


def test_trailing_spaces_before_hyphen_break() -> None:
    assert normalize_text("coopera-  \n   tion") == "cooperation"


def test_markdown_headings_survive() -> None:
    assert normalize_text("# Title\n\n## Section 1\ntext") == "# Title\n\n## Section 1\ntext"


def test_normalize_is_fast_on_large_input() -> None:
    text = ("word " * 50 + "hyphen-\nated " + "x" * 5000 + "\n") * 2000
    start = time.perf_counter()
    normalize_text(text)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize(
    "line",
    ["3", "- 3 -", "– 12 –", "Page 3", "page 3 of 7", "PAGE 10 OF 120", "3/7", "3 / 7", "iv"],
)
def test_page_number_lines(line: str) -> None:
    assert is_page_number_line(line)


@pytest.mark.parametrize(
    "line", ["Article 3", "2024", "I", "civil", "3. Objectives", "Section 3/7 of the MoU", ""]
)
def test_not_page_number_lines(line: str) -> None:
    assert not is_page_number_line(line)


def _page(n: int, total: int, body: list[str]) -> str:
    return "\n".join(
        [
            "City of Lyon - International Relations",
            f"Draft 2024-0{n}",
            *body,
            f"Page {n} of {total}",
        ]
    )


def test_strip_running_headers_and_footers() -> None:
    words = ["alpha", "bravo", "charlie", "delta"]
    bodies = [[f"{w} opens the text", f"{w} continues it", f"{w} ends it"] for w in words]
    pages = [_page(n, 4, body) for n, body in enumerate(bodies, start=1)]
    out = strip_repeated_lines(pages)
    assert len(out) == 4
    for text, body in zip(out, bodies, strict=True):
        assert "International Relations" not in text
        assert "Draft" not in text  # digits masked -> same line on every page
        assert "Page" not in text
        assert text == "\n".join(body)


def test_header_on_half_of_pages_is_removed_below_half_is_kept() -> None:
    body = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"]
    pages = [
        "\n".join(["Annex I - Budget", *body]),
        "\n".join(["Annex I - Budget", *body]),
        "\n".join(["Other top", *body[::-1]]),
        "\n".join(["Another top", *body[1:]]),
    ]
    out = strip_repeated_lines(pages)
    assert not out[0].startswith("Annex I")
    # "alpha" is in the edge window of 3 pages: a repeated edge line, removed there.
    assert "alpha" not in out[0].split("\n")
    pages2 = [
        "\n".join(["Unique head 1", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "foot a"]),
        "\n".join(["Unique head 2", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "foot b"]),
        "\n".join(["Unique head 3", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "foot c"]),
        "\n".join(["Rare header", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "foot d"]),
    ]
    assert strip_repeated_lines(pages2)[3].startswith("Rare header")


def test_left_and_right_hand_running_heads_are_removed() -> None:
    # an official journal: one head on even pages, another on odd ones, each on half the
    # pages less one (page 1 has its own masthead)
    pages = ["\n".join(["OFFICIAL JOURNAL masthead", f"Body of page 1 {w}", "more", "end"])
             for w in ("a",)]
    for n in range(2, 11):
        head = (f"IT C 212/{20 + n} Gazzetta ufficiale dell'Unione europea 19.7.2011"
                if n % 2 == 0 else
                f"IT 19.7.2011 Gazzetta ufficiale dell'Unione europea C 212/{20 + n}")
        word = "abcdefghij"[n - 1] * 3
        lines = [f"{word} line {k}." for k in ("one", "two", "three", "four", "five")]
        pages.append("\n".join([head, *lines]))
    out = strip_repeated_lines(pages)
    assert not any("Gazzetta" in page for page in out)
    assert out[0].startswith("OFFICIAL JOURNAL masthead")
    assert all(out[n - 1].startswith("abcdefghij"[n - 1] * 3 + " line one.") for n in range(2, 11))


def test_middle_lines_are_never_removed() -> None:
    middle = "Recurring sentence in the middle"
    pages = [
        "\n".join([f"t{n}a", f"t{n}b", f"t{n}c", middle, f"b{n}a", f"b{n}b", f"b{n}c"])
        for n in range(5)
    ]
    assert all(middle in p for p in strip_repeated_lines(pages))


def test_two_pages_require_both() -> None:
    pages = ["Header X\nbody one\nmore one", "Header X\nbody two\nmore two"]
    assert strip_repeated_lines(pages) == ["body one\nmore one", "body two\nmore two"]
    pages = ["Header X\nbody one\nmore one", "Header Y\nbody two\nmore two"]
    assert strip_repeated_lines(pages) == pages


def test_single_page_keeps_text_but_drops_page_number() -> None:
    assert strip_repeated_lines(["Title\nbody\n- 1 -"]) == ["Title\nbody"]


def test_page_that_is_only_the_repeated_line_is_kept() -> None:
    pages = ["habibi", "habibi", "habibi", "habibi"]
    assert strip_repeated_lines(pages) == pages


def test_empty_pages_do_not_count_towards_the_threshold() -> None:
    pages = ["H\na1\na2\na3", "", "", "H\nb1\nb2\nb3", "", ""]
    out = strip_repeated_lines(pages)
    assert out[0] == "a1\na2\na3"
    assert out[1] == ""


def test_words_a_pdf_split_apart_are_joined_by_the_document_s_own_words() -> None:
    from ingest.normalize import rejoin_split_words

    pages = ["The Commis sion signs first (Commis sion). The Commission pays.",
             "la dotazione di informa\nzione per le azioni di informazione.",
             "wijziging en wijzigingen: de wijziging en de opheffing en meer."]
    joined = rejoin_split_words(pages)
    assert joined[0] == "The Commission signs first (Commission). The Commission pays."
    assert "di informazione per" in joined[1]
    # "en" is a word this document uses: "wijziging en" (amendment and) stays two words
    assert joined[2] == pages[2]
    # a fragment that is a word of the document is never glued to its neighbour
    assert rejoin_split_words(["a ll of it, and all of a sudden a plan"]) == [
        "a ll of it, and all of a sudden a plan"]


def test_a_real_pdf_s_split_words_are_joined_at_parse(tmp_path, make_pdf) -> None:
    """A text layer that writes "Commis sion" (kerning read as a space) parses as words."""
    from ingest.parse import parse_bytes

    path = make_pdf(tmp_path / "split.pdf", [
        "The grant agreement must be returned to the Commis sion within five days.\n"
        "The Commission signs last."])
    text = " ".join(p.text for p in parse_bytes(path.read_bytes(), "split.pdf").pages)
    assert "returned to the Commission within" in text


def test_a_soft_hyphen_set_apart_from_its_word_still_joins_it():
    # pypdf's text of the Official Journal's justified columns: a space before the soft
    # hyphen that breaks the word
    text = "la sua evolu \u00ad\nzione, nonché\ndella Com \u00ad\nmissione (2), e\nla PAC \nsi"
    assert normalize_text(text) == ("la sua evoluzione,\nnonché\ndella Commissione\n(2), e\n"
                                    "la PAC\nsi")
