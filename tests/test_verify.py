"""`scrutiny verify`: curated references checked against the ingested text, with file:line."""

from __future__ import annotations

import json

import pytest
from helpers_cite import line_in, plan_store, write_kb

from scrutiny.verify import doc_of_passage_id, verify


@pytest.fixture
def plan(project):
    store, passages = plan_store(project)
    store.close()
    return passages


def _errors(report):
    return [str(f) for f in report.errors]


def test_clean_kb_verifies(project, plan):
    write_kb(project.root, plan)
    report = verify(project)
    assert report.errors == [], _errors(report)
    assert report.checked["passage_ids"] == 3
    assert report.checked["locators"] == 1


def test_unknown_passage_in_essay_is_named_by_file_and_line(project, plan, cli_runner):
    write_kb(project.root, plan, essay_passage="plan-aaaaaaaaaaaa")
    report = verify(project)
    (err,) = report.errors
    assert err.file == "kb/critique/plan-essay.md"
    assert err.line == line_in(project.root, "kb/critique/plan-essay.md", "plan-aaaaaaaaaaaa")
    assert "no passage with id 'plan-aaaaaaaaaaaa'" in err.message
    res = cli_runner("verify", root=project.root)
    assert res.exit_code == 1
    assert f"kb/critique/plan-essay.md:{err.line}: error:" in res.output


def test_tie_passage_line_is_the_list_item(project, plan):
    write_kb(project.root, plan, tie_passage="plan-bbbbbbbbbbbb")
    (err,) = verify(project).errors
    assert (err.file, err.line) == ("kb/ties.yaml", line_in(project.root, "kb/ties.yaml", "plan-bbbbbbbbbbbb"))


def test_claim_search_that_finds_nothing(project, plan):
    write_kb(project.root, plan, claim_search="submarine procurement")
    (err,) = verify(project).errors
    assert err.file == "kb/claims.yaml"
    assert err.line == line_in(project.root, "kb/claims.yaml", "submarine procurement")
    assert "finds no passage in plan" in err.message


def test_claim_search_through_the_whoosh_index(project, plan):
    from scrutiny.ingest import rebuild_index
    from scrutiny.store import Store

    with Store(project.store_path) as store:
        rebuild_index(project, store)
    write_kb(project.root, plan, claim_search="recruiting staff")  # stemmed: recruit
    assert verify(project).errors == []
    write_kb(project.root, plan, claim_search="recruiting dentists")
    (err,) = verify(project).errors
    assert "finds no passage" in err.message


def test_claim_passage_in_the_wrong_document(project, plan):
    from helpers_cite import add_document
    from scrutiny.store import Store

    with Store(project.store_path) as store:
        other = add_document(store, {"id": "plan-essay", "title": "Essay", "kind": "critique"},
                             [("paragraph", 1, "An essay paragraph written for the verify tests.")])
    write_kb(project.root, plan, claim_passage=other[0].id)
    (err,) = verify(project).errors
    assert "is in document 'plan-essay', not 'plan'" in err.message


def test_orphan_is_an_error_and_redirect_a_warning(project, plan, cli_runner):
    from scrutiny.store import Store

    target = next(p for p in plan if p.text.startswith("Half"))
    with Store(project.store_path) as store, store.transaction():
        store.db.execute(
            "INSERT INTO passage_redirects VALUES ('plan-cccccccccccc','plan',NULL,'orphan',NULL,'x',3,'2026-01-01')")
        store.db.execute(
            "INSERT INTO passage_redirects VALUES ('plan-dddddddddddd','plan',?,'fuzzy',0.9,'x',3,'2026-01-01')",
            (target.id,))
    write_kb(project.root, plan, tie_passage="plan-cccccccccccc", essay_passage="plan-dddddddddddd")
    report = verify(project)
    (err,) = report.errors
    assert err.file == "kb/ties.yaml" and "orphaned" in err.message and "page 3" in err.message
    (warn,) = report.warnings
    assert warn.file == "kb/critique/plan-essay.md" and target.id in warn.message
    strict = verify(project, strict=True)
    assert len(strict.errors) == 2
    res = cli_runner("verify", "--json", root=project.root)
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert data["ok"] is False and data["errors"] == 1 and data["warnings"] == 1


def test_document_not_ingested_is_skipped_with_a_warning(project, plan):
    write_kb(project.root, plan, essay_passage="otherdoc-eeeeeeeeeeee")
    report = verify(project)
    assert report.errors == []
    assert any("not ingested" in w.message for w in report.warnings)


def test_kb_problems_are_verify_errors(project, plan):
    write_kb(project.root, plan)
    essay = project.root / "kb/critique/plan-essay.md"
    essay.write_text(essay.read_text().replace("[[claim:recruit-staff", "[[claim:no-such-claim"))
    errs = verify(project).errors
    assert any(e.file == "kb/critique/plan-essay.md" and "no-such-claim" in e.message for e in errs)


def test_no_store_is_an_error(project):
    report = verify(project)
    assert any("scrutiny ingest" in e.message for e in report.errors)


def test_doc_of_passage_id():
    assert doc_of_passage_id("five-year-fv-npw3hkqagpca") == "five-year-fv"
    assert doc_of_passage_id("five-year-fv-npw3hkqagpca-2") == "five-year-fv"
    assert doc_of_passage_id("nonsense") is None
