"""Cross-references: essay markup, TF-IDF related passages, the same claim across
documents (numbers normalised), stakeholders -> documents."""

from __future__ import annotations

import pytest
from helpers_cite import PLAN_DOC, add_document, blocks, plan_store, write_kb
from helpers_tagging import write_tags

from scrutiny.passages import make_passages

from scrutiny.readers.base import HEADING, PARAGRAPH
from scrutiny.xref import build_xrefs
from scrutiny.xref.queries import (
    claim_recurrences, discussed_by, figure_groups, links, related_passages, stakeholder_documents,
)

REVIEW_DOC = {"id": "review", "title": "A Synthetic Workforce Review", "kind": "policy",
              "publisher": "Example Institute", "source": "review.pdf", "pages": 2}
REVIEW_BLOCKS = [
    (PARAGRAPH, 1, "The workforce plan committed the region to 21k new staff, a pledge the "
                   "Example Therapy Taskforce repeated in every briefing to new staff."),
    (PARAGRAPH, 1, "Bus timetables in the valleys changed twice during the consultation period, "
                   "which confused many residents travelling to appointments."),
    (PARAGRAPH, 2, "Around 21,000 trees were planted along the river by volunteers over the decade."),
]
ESSAY_DOC = {"id": "plan-essay", "title": "What the Synthetic Plan leaves out", "kind": "critique",
             "source": "kb/critique/plan-essay.md", "pages": 1}


def _essay_blocks(essay_passage):
    return [
        (HEADING, 1, "What it leaves out"),
        (PARAGRAPH, 1, f"The plan promises new staff. Its account of recovery is in {essay_passage}."),
        (PARAGRAPH, 1, "Paying providers according to the outcomes they report to commissioners "
                       "rewards the providers who report the best outcomes, not the ones who help most."),
        (PARAGRAPH, 1, "Our own survey of practitioners found widespread unpaid overtime and low morale "
                       "across the county's counselling services during the winter."),
    ]


@pytest.fixture
def project(project_on_engine):
    """The cross-reference tests run on both engines (SQLite and PostgreSQL)."""
    return project_on_engine


@pytest.fixture
def corpus(project):
    store, plan = plan_store(project)
    values = write_kb(project.root, plan)
    add_document(store, REVIEW_DOC, REVIEW_BLOCKS)
    essay = add_document(store, ESSAY_DOC, _essay_blocks(values["essay_passage"]))
    summary = build_xrefs(project, store)
    yield store, plan, essay, values, summary
    store.close()


def _by_start(passages, start):
    return next(p for p in passages if p.text.startswith(start))


def test_markup_links_come_from_the_essay_with_file_and_line(corpus, project):
    store, plan, essay, values, summary = corpus
    para = _by_start(essay, "The plan promises")
    rows = discussed_by(store, values["essay_passage"], "passage")
    assert rows and rows[0].method == "markup"
    assert rows[0].source_id == para.id            # matched to the ingested essay paragraph
    assert rows[0].file == "kb/critique/plan-essay.md" and rows[0].line == 11
    assert {x.target_kind for x in links(store) if x.method == "markup"} >= {"doc", "claim", "passage"}
    assert summary.markup == 3


def test_tfidf_suggests_the_discussed_policy_passage_only(corpus):
    store, plan, essay, values, summary = corpus
    critique = _by_start(essay, "Paying providers")
    related = related_passages(store, critique.id)
    assert [r.passage_id for r in related] == [_by_start(plan, "Providers will be paid").id]
    assert related[0].method == "tfidf" and related[0].score >= 0.23
    unrelated = _by_start(essay, "Our own survey")
    assert related_passages(store, unrelated.id) == []


def test_same_claim_across_documents_with_numbers_normalised(corpus):
    store, plan, essay, values, summary = corpus
    rows = claim_recurrences(store, "recruit-staff")
    located = [r for r in rows if r.origin == "located"]
    assert [r.passage_id for r in located] == [values["claim_passage"]]
    figures = [r for r in rows if r.origin == "figure"]
    assert [(r.doc_id, r.surface, r.value) for r in figures] == [("review", "21k", 21000.0)]
    # the trees (21,000 too) share no words with the claim: not a recurrence
    trees = _by_start(make_passages("review", blocks(REVIEW_BLOCKS)), "Around")
    assert trees.id not in {r.passage_id for r in rows}


def test_stakeholders_to_documents_from_names(corpus):
    store, *_ = corpus
    rows = stakeholder_documents(store, "taskforce")
    assert [(r.doc_id, r.mentions, r.source) for r in rows] == [("review", 1, "names")]


def test_stakeholders_from_the_tags_when_tagged(corpus, project):
    store, plan, *_ = corpus
    write_tags(store, mentions=[
        (plan[1].id, "plan", 0, 4, "x", "organisation", "curated", 1.0, "department", None),
        (plan[1].id, "plan", 9, 12, "x", "organisation", "curated", 1.0, "department", None),
        (plan[2].id, "plan", 0, 4, "x", "organisation", "model", 0.8, None, "department"),
    ])
    build_xrefs(project, store)
    rows = stakeholder_documents(store, "department")
    assert [(r.doc_id, r.mentions, r.passages, r.source) for r in rows] == [
        ("plan", 3, 2, "nlp_mentions")]


def test_uncurated_figure_groups(project):
    from scrutiny.store import Store

    with Store(project.store_location) as store:
        add_document(store, {**PLAN_DOC, "id": "a"}, [(PARAGRAPH, 1, "Two thirds of trainee therapists left the service within a year.")])
        add_document(store, {**PLAN_DOC, "id": "b"}, [(PARAGRAPH, 1, "Some 66.7% of trainee therapists left the service early.")])
        add_document(store, {**PLAN_DOC, "id": "c"}, [(PARAGRAPH, 1, "Two thirds of the capital budget went on new buildings.")])
        add_document(store, {**PLAN_DOC, "id": "d"}, [(PARAGRAPH, 1, "About 66.7% of the capital budget paid for new buildings.")])
        add_document(store, {**PLAN_DOC, "id": "e"}, [(PARAGRAPH, 1, "Two thirds of the county's rivers are polluted.")])
        build_xrefs(project, store)
        groups = figure_groups(store)
        assert len(groups) == 2 and all(g.documents == 2 and g.kind == "percent" for g in groups)
        members = sorted(sorted(r.doc_id for r in claim_recurrences(store, g.group_id)) for g in groups)
        assert members == [["a", "b"], ["c", "d"]]   # same figure, two different facts; the rivers alone


def test_rebuild_replaces_and_verify_sees_stale_links(corpus, project):
    from scrutiny.verify import verify

    store, plan, essay, values, summary = corpus
    assert build_xrefs(project, store).suggested == summary.suggested
    assert len(links(store)) == summary.markup + summary.suggested
    # a passage disappears without a rebuild: verify names the stale cross-reference
    target = _by_start(plan, "Providers will be paid")
    with store.transaction():
        # a broken store: the foreign key that would refuse this is switched off
        store.db.execute("SET LOCAL session_replication_role = replica" if store.dialect == "postgresql"
                         else "PRAGMA foreign_keys=OFF")
        store.db.execute("DELETE FROM passages WHERE id = ?", (target.id,))
    assert any("missing passage" in e.message for e in verify(project).errors)


def test_cli_xref(corpus, project, cli_runner):
    import json

    res = cli_runner("xref", "--json", root=project.root)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["summary"]["suggested"] >= 1 and data["summary"]["markup"] == 3


def test_essay_blocks_split_like_the_reader():
    from types import SimpleNamespace

    from scrutiny.xref.critique import essay_paragraphs

    body = ("Intro line one\n2017. continues the paragraph\n\n- first item\n  wrapped\n- second item\n\n"
            "1. one\n2. two\n\n## Heading\nText after heading")
    blocks = essay_paragraphs(SimpleNamespace(body=body, body_line=10))
    assert blocks == [
        (10, "Intro line one\n2017. continues the paragraph"),
        (13, "first item\n  wrapped"), (15, "second item"),
        (17, "one"), (18, "two"),
        (20, "Heading"), (21, "Text after heading"),
    ]
