"""Tables as text extraction leaves them: rows, their column names and caption."""

from __future__ import annotations

from ingest import tables

GRID = """LOT 1 Selection and award criteria:
Section Minimum threshold Maximum Score
1. Financial and operational capacity 12 20
1.1 Does the broadcaster dispose of a significant share of audience in
his home market?
10
3. Impact and reach 18 30
4. Methodology n/a 20
TOTAL 65 100"""

REPORT = """The time and memory consumption for this task
is described in Table 22.
Table 23: Task 11: Presence of implementation evalua-
tion or review clauses in the agreements across N = 298
agreements.
evaluation_present count percent
Absent 192 64.430000
Present 106 35.570000

As reported in Table 13, explicit clauses requiring
5.1 Tasks 1, 7, 9"""


def test_rows_are_read_with_the_column_names_above_them():
    heads = tables.headers(GRID)
    # the rows, not the criterion's question between them nor the lot's line
    assert sorted(heads) == [2, 6, 7, 8]
    assert set(heads.values()) == {"Section Minimum threshold Maximum Score"}


def test_a_caption_heads_its_table_and_a_blank_line_ends_it():
    heads = tables.headers(REPORT)
    assert sorted(heads) == [6, 7]
    assert heads[7] == ("Table 23: Task 11: Presence of implementation evaluation or review "
                        "clauses in the agreements across N = 298 agreements. "
                        "evaluation_present count percent")
    assert tables.read(REPORT)[1] == {2, 3, 4, 5}  # the caption's lines and the names


def test_what_is_no_row_and_no_column_names():
    assert tables.is_row("Present 106 35.570000") and tables.is_row("Lot 2 n/a 15")
    # a list of numbers, a sentence, a date
    assert not tables.is_row("5.1 Tasks 1, 7, 9")
    assert not tables.is_row("The grant is at most 60 per cent of 100.")
    assert not tables.is_row("Signed in Rome on 12 May 2001")
    assert tables.is_header("Renewal type Count Percent (%)")
    assert not tables.is_header("LOT 1 Selection and award criteria:")
    assert not tables.is_header("5 Proof of concept")
    # no column names right above the first row: no table
    assert tables.headers("The budget is as follows.\nItaly 108 120") == {}


def test_each_row_knows_the_lines_that_head_its_table():
    heads = tables.heads_of_rows(REPORT)
    assert heads["Present 106 35.570000"].split("\n")[-1] == "evaluation_present count percent"
    assert heads["Present 106 35.570000"].startswith("Table 23: Task 11:")
    assert tables.starts_in_table("5. Budget and cost-effectiveness n/a 10\n5.1 Return")
    assert not tables.starts_in_table("As reported above\n\nTOTAL 65 100")


def test_a_blank_line_inside_an_evaluation_grid_does_not_end_it():
    grid = ("Section Minimum threshold Maximum Score\n1. Financial and operational capacity 15 "
            "20\n1.1 Do the applicant and partners have sufficient experience?\n \n10\n"
            "2. Relevance 12 20\n\nThe evaluation committee meets once all proposals are in.\n"
            "Late 10 20\nOther 12 30")
    heads = tables.headers(grid)
    assert sorted(heads) == [1, 5]  # both rows; the prose after the grid ends it
