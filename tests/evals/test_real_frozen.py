"""Our frozen question set on the real documents: written from the documents alone before
the answerer was tuned, then never edited. New questions go in a new file."""

from __future__ import annotations

import hashlib
import json

from evals import real

# The sha256 of evals/real_frozen_qa.jsonl as committed (771634c). A change to any question,
# key string or page fails here: add a new set instead.
FROZEN_SHA256 = "64980adbdc6bc0f5d7b438c72cef1f0f04b63e6b8e0340689716d73de3ee4dbd"


def test_the_frozen_set_is_unchanged_since_it_was_written():
    assert hashlib.sha256(real.FROZEN.read_bytes()).hexdigest() == FROZEN_SHA256


def test_the_frozen_set_has_the_shape_the_issue_asks_for():
    rows = [json.loads(x) for x in real.FROZEN.read_text().splitlines() if x.strip()]
    assert len(rows) >= 60 and len({r["id"] for r in rows}) == len(rows)
    assert sum(r["kind"] == "unanswerable" for r in rows) / len(rows) >= 0.2
    assert all(r["must_contain"] and r["source_pages"] for r in rows
               if r["kind"] != "unanswerable")
    halves = real.question_sets(["frozen-a", "frozen-b"])
    assert len(halves["frozen-a"]) + len(halves["frozen-b"]) == len(rows)


# The sha256 of evals/real_frozen_qa_c.jsonl as committed, before it was ever run.
FROZEN_C_SHA256 = "1ecf5b1029a34483d0935217698a038963a6a88662b2576527cded71c4fe5139"


def test_frozen_c_is_unchanged_since_it_was_written():
    assert hashlib.sha256(real.FROZEN_C.read_bytes()).hexdigest() == FROZEN_C_SHA256
    rows = [json.loads(x) for x in real.FROZEN_C.read_text().splitlines() if x.strip()]
    assert len(rows) >= 30 and sum(r["kind"] == "unanswerable" for r in rows) >= 9


# The sha256 of evals/real_frozen_qa_d.jsonl as committed (0da6c07), before it was ever run.
FROZEN_D_SHA256 = "867c0088c6f4005f7aa6c667a528b403b021fa57d7a76754052a0d59b10a35ea"


def test_frozen_d_is_unchanged_since_it_was_written():
    assert hashlib.sha256(real.FROZEN_D.read_bytes()).hexdigest() == FROZEN_D_SHA256
    rows = [json.loads(x) for x in real.FROZEN_D.read_text().splitlines() if x.strip()]
    assert len(rows) == 40 and sum(r["kind"] == "unanswerable" for r in rows) == 18


# The sha256 of evals/real_frozen_qa_e.jsonl as written (2026-12-07), before it was ever run.
FROZEN_E_SHA256 = "df683407a76aff461ae3875be05c11ebe88b15004bca3c2d91e5818ae80d2c8c"


# The sha256 of evals/real_frozen_qa_f.jsonl as committed (322e370), before it was ever run.
FROZEN_F_SHA256 = "16514bdc0c499ca3e642f3b74547468b1584cbdfe08d55f4bd70cb640cb5c926"


def test_frozen_f_answers_are_unchanged_since_they_were_written():
    assert hashlib.sha256(real.FROZEN_F.read_bytes()).hexdigest() == FROZEN_F_SHA256
    rows = [json.loads(x) for x in real.FROZEN_F.read_text().splitlines() if x.strip()]
    assert len(rows) == 40 and sum(r["kind"] == "unanswerable" for r in rows) == 11


def test_frozen_e_is_unchanged_since_it_was_written():
    assert hashlib.sha256(real.FROZEN_E.read_bytes()).hexdigest() == FROZEN_E_SHA256
    rows = [json.loads(x) for x in real.FROZEN_E.read_text().splitlines() if x.strip()]
    assert len(rows) == 40 and sum(r["kind"] == "unanswerable" for r in rows) == 11


# The sha256 of evals/real_frozen_qa_g.jsonl as written, before it was ever run.
FROZEN_G_SHA256 = "f3fddc131e5f5f0fb2013485f4cee3ca8312c6610bcde9854d7f0f069c298c69"


def test_frozen_g_answers_are_unchanged_since_they_were_written():
    assert hashlib.sha256(real.FROZEN_G.read_bytes()).hexdigest() == FROZEN_G_SHA256
    rows = [json.loads(x) for x in real.FROZEN_G.read_text().splitlines() if x.strip()]
    assert len(rows) == 40 and sum(r["kind"] == "unanswerable" for r in rows) == 12


# The sha256 of evals/real_frozen_qa_h.jsonl as committed (2026-12-07), before it was ever run.
FROZEN_H_SHA256 = "6794a5c4b0853bd5a459071e00f5ce1d1f948481e0e5c02885277055cc4d3502"


def test_frozen_h_answers_are_unchanged_since_they_were_written():
    assert hashlib.sha256(real.FROZEN_H.read_bytes()).hexdigest() == FROZEN_H_SHA256
    rows = [json.loads(x) for x in real.FROZEN_H.read_text().splitlines() if x.strip()]
    assert len(rows) == 40 and sum(r["kind"] == "unanswerable" for r in rows) == 12


# The sha256 of evals/real_frozen_qa_j.jsonl as committed (2026-12-07), before it was ever run.
FROZEN_J_SHA256 = "ae7ab157b4e1b7a1c9a78940885319a20b74512b8375f2577801da28317f147e"


def test_frozen_j_answers_are_unchanged_since_they_were_written():
    assert hashlib.sha256(real.FROZEN_J.read_bytes()).hexdigest() == FROZEN_J_SHA256
    rows = [json.loads(x) for x in real.FROZEN_J.read_text().splitlines() if x.strip()]
    assert len(rows) == 40 and sum(r["kind"] == "unanswerable" for r in rows) == 12


# The sha256 of evals/real_frozen_qa_k.jsonl as committed (2026-12-07), before it was ever run.
FROZEN_K_SHA256 = "ee88b0d41e1719f09afd66f24bab52063a6178c1a4737d5d55c66f8f680c9fd2"


def test_frozen_k_answers_are_unchanged_since_they_were_written():
    assert hashlib.sha256(real.FROZEN_K.read_bytes()).hexdigest() == FROZEN_K_SHA256
    rows = [json.loads(x) for x in real.FROZEN_K.read_text().splitlines() if x.strip()]
    assert len(rows) == 40 and sum(r["kind"] == "unanswerable" for r in rows) == 12


# The sha256 of evals/real_radar_frozen_c.jsonl as committed, before it was ever run.
RADAR_C_SHA256 = "878dcd426db6ebef93fc8b2c7747b54691e771d786d7a82f80a6a8e3e23bf8b9"


def test_the_frozen_radar_requests_are_unchanged_since_they_were_written():
    from evals import real_tasks

    assert hashlib.sha256(real_tasks.FROZEN_RADAR_C.read_bytes()).hexdigest() == RADAR_C_SHA256
    rows = [t for t in real_tasks.task_sets(["frozen-c"])["frozen-c"]
            if real_tasks.is_funding(t)]
    assert len(rows) >= 20 and sum(not r["expected_schemes"] for r in rows) >= 5


# The sha256 of evals/real_radar_frozen_f.jsonl as written (2026-12-07), before it was ever run.
RADAR_F_SHA256 = "b6484745524337163dd1e9d3c46b7d4a93c4d437457e3302a058cc163e7e1a04"


def test_frozen_f_is_unchanged_since_it_was_written():
    from evals import real_tasks

    assert hashlib.sha256(real_tasks.FROZEN_RADAR_F.read_bytes()).hexdigest() == RADAR_F_SHA256
    rows = real_tasks.task_sets(["frozen-f"])["frozen-f"]
    assert len(rows) == 14 and sum(not r["expected_schemes"] for r in rows) == 4


# The sha256 of evals/real_radar_frozen_g.jsonl as written (2026-12-07), before it was ever run.
RADAR_G_SHA256 = "509159b2b54324193d37109d80c84bfcd72d690d02994ad74b27d571dad6cde9"


def test_frozen_g_is_unchanged_since_it_was_written():
    from evals import real_tasks

    assert hashlib.sha256(real_tasks.FROZEN_RADAR_G.read_bytes()).hexdigest() == RADAR_G_SHA256
    rows = real_tasks.task_sets(["frozen-g"])["frozen-g"]
    assert len(rows) == 16 and sum(not r["expected_schemes"] for r in rows) == 5


# The sha256 of evals/real_radar_frozen_h.jsonl as committed (2026-12-07), before it was ever run.
RADAR_H_SHA256 = "af42a4b8a1bdcaad2e0080e7198a57b128d2b3c3be5b39e791a28c071d99160f"


def test_frozen_h_is_unchanged_since_it_was_written():
    from evals import real_tasks

    assert hashlib.sha256(real_tasks.FROZEN_RADAR_H.read_bytes()).hexdigest() == RADAR_H_SHA256
    rows = real_tasks.task_sets(["frozen-h"])["frozen-h"]
    assert len(rows) == 20 and sum(not r["expected_schemes"] for r in rows) == 7


# The sha256 of evals/real_radar_frozen_i.jsonl as committed (2026-12-07), before it was ever run.
RADAR_I_SHA256 = "49d9e7079d562c618655abfa93825c89277e3e612f82970b295765752267f352"


def test_frozen_i_is_unchanged_since_it_was_written():
    from evals import real_tasks

    assert hashlib.sha256(real_tasks.FROZEN_RADAR_I.read_bytes()).hexdigest() == RADAR_I_SHA256
    rows = real_tasks.task_sets(["frozen-i"])["frozen-i"]
    assert len(rows) == 20 and sum(not r["expected_schemes"] for r in rows) == 9


# The sha256 of evals/real_radar_frozen_j.jsonl as committed (2026-12-07), before it was ever run.
RADAR_J_SHA256 = "4fcb9e838ca97cff358e1b41c222d1543c21304fb57c2be768888390d0759208"


def test_frozen_j_radar_is_unchanged_since_it_was_written():
    from evals import real_tasks

    assert hashlib.sha256(real_tasks.FROZEN_RADAR_J.read_bytes()).hexdigest() == RADAR_J_SHA256
    rows = real_tasks.task_sets(["frozen-j"])["frozen-j"]
    assert len(rows) == 20 and sum(not r["expected_schemes"] for r in rows) == 8


def test_one_call_adds_the_other_document_of_a_call_either_way():
    from evals.real_tasks import one_call

    guide, notice = ("grant_prince-2010-eu27-guidelines.pdf",
                     "grant_prince-2010-eu27-oj-notice-it.pdf")
    for named, other in ((guide, notice), (notice, guide)):
        task = one_call({"id": "x", "request": "r", "expected_schemes": [named],
                         "expected_status": {named: "closed"}})
        assert task["expected_schemes"] == [named, other]
        assert task["expected_status"] == {named: "closed", other: "closed"}
    assert one_call({"id": "y", "request": "r", "expected_schemes": []})["expected_schemes"] == []
