"""tag_store / passage_facets over a real store, with our own synthetic text."""

from __future__ import annotations

import json

import pytest

from scrutiny.store import Store
from scrutiny.tags.queries import passage_facets
from scrutiny.tags.write import _nothing_to_do, _same_as, tag_store

from helpers_tagging import add_document, shared_tagger

TEXTS = [
    "Maria Okafor, chief executive of the Harbourside Health Trust, told the panel that 42% of "
    "patients waited more than 18 weeks.",
    "The Harbourside Health Trust should publish its waiting-time figures every month.",
    "In 2016 the board met in the town hall.",
    "We will open three new crisis cafes by 2025.",
]


@pytest.fixture
def project(project_on_engine):
    """The tagging tests run on both engines (SQLite and PostgreSQL)."""
    return project_on_engine


@pytest.fixture
def store(project):
    s = Store(project.store_location)
    yield s
    s.close()


def test_tag_store_tags_and_facets(project, store):
    with store.transaction():
        ids = add_document(store, "harbour", TEXTS)
    summary = tag_store(project, store, tagger=shared_tagger())
    assert summary.passages == 4 and summary.skipped == 0
    assert summary.claims >= 3
    assert isinstance(summary.seconds, float) and summary.model
    facets = passage_facets(store)
    assert "statistic" in facets[ids[0]].tags
    assert "recommendation" in facets[ids[1]].tags
    assert "commitment" in facets[ids[3]].tags
    # A year alone is not a statistic, and the sentence makes no claim.
    assert "statistic" not in (facets[ids[2]].tags if ids[2] in facets else [])
    trust = {sid for sid in facets[ids[0]].stakeholders}
    assert trust and trust & set(facets[ids[1]].stakeholders)  # same trust, same id


def test_only_changed_passages_are_tagged_again(project, store):
    tagger = shared_tagger()
    with store.transaction():
        add_document(store, "harbour", TEXTS)
    tag_store(project, store, tagger=tagger)
    again = tag_store(project, store, tagger=tagger)
    assert again.passages == 0 and again.skipped == 4
    changed = TEXTS[:3] + ["We will open five new crisis cafes by 2026."]
    with store.transaction():
        ids = add_document(store, "harbour", changed)
    third = tag_store(project, store, tagger=tagger)
    assert third.passages == 1 and third.removed >= 1
    rows = store.db.execute("SELECT DISTINCT passage_id FROM nlp_tagged").fetchall()
    assert {r[0] for r in rows} == set(ids)
    claims = store.db.execute("SELECT passage_id, text FROM nlp_claims").fetchall()
    texts = {r[0]: r[1] for r in claims}
    assert texts[ids[3]] == changed[3]  # the sentence as it stands in the passage


def test_a_new_name_re_tags_only_the_passages_that_may_contain_it(project, store):
    """A document added to the manifest brings its title as a curated name: the
    tagger's version changes, but only passages that may contain the title (and
    the new document's own) are tagged again, not the whole corpus."""
    with store.transaction():
        add_document(store, "harbour", TEXTS)
        other = add_document(store, "other", ["The Quayside Wellbeing Plan sets out three aims for local services.",
                                              "Councils will review housing advice after consultation."])
    first = tag_store(project, store, tagger=shared_tagger())
    assert first.passages == 6
    title = ("quayside-plan", "document", "Quayside Wellbeing Plan")
    second = tag_store(project, store, tagger=shared_tagger(names=[title]))
    assert second.passages == 1 and second.skipped == 5          # only the passage naming it
    tagged = dict(store.db.execute("SELECT passage_id, tagger_version FROM nlp_tagged").fetchall())
    # the passages not tagged again keep their rows (not rewritten); the new version
    # records that the old one's tags stand for it, so every passage counts as current
    new, old = shared_tagger(names=[title]).version, shared_tagger().version
    assert tagged[other[0]] == new
    assert {v for pid, v in tagged.items() if pid != other[0]} == {old}
    assert _same_as(store, new) == {new, old}
    assert _nothing_to_do(store, store.passage_ids(), new)
    ids = {r[0] for r in store.db.execute("SELECT passage_id FROM nlp_mentions WHERE curated_id = 'quayside-plan'")}
    assert ids == {other[0]}
    # the name removed again: the same passage, and only it, is tagged again
    third = tag_store(project, store, tagger=shared_tagger())
    assert third.passages == 1
    assert not store.db.execute("SELECT 1 FROM nlp_mentions WHERE curated_id = 'quayside-plan'").fetchone()


def test_many_new_names_at_once_re_tag_only_the_passages_that_may_contain_one(project, store):
    """A batch of documents added at once brings a title each: their passages are found in
    one pass over the texts (tags.write.passages_naming_any), with the same outcome."""
    from scrutiny.tags.write import _NAMES_ONE_BY_ONE

    with store.transaction():
        add_document(store, "harbour", TEXTS)
        other = add_document(store, "other", ["The Quayside Wellbeing Plan sets out three aims for local services.",
                                              "Councils will review housing advice after consultation."])
    tag_store(project, store, tagger=shared_tagger())
    titles = [(f"note-{i}", "document", f"Note on Crisis Lines ({i})") for i in range(_NAMES_ONE_BY_ONE + 6)]
    titles.append(("quayside-plan", "document", "Quayside Wellbeing Plan"))
    second = tag_store(project, store, tagger=shared_tagger(names=titles))
    assert second.passages == 1 and second.skipped == 5
    ids = {r[0] for r in store.db.execute("SELECT passage_id FROM nlp_mentions WHERE curated_id = 'quayside-plan'")}
    assert ids == {other[0]}


def test_empty_store_and_empty_kb(project, store):
    summary = tag_store(project, store, tagger=shared_tagger())
    assert summary.passages == 0
    assert passage_facets(store) == {}


def test_facets_without_tagging_tables(project):
    s = Store(project.store_location)
    try:
        assert passage_facets(s) == {}
    finally:
        s.close()


def test_tagging_module_does_not_import_spacy_at_import_time():
    import subprocess
    import sys

    code = ("import sys, scrutiny.tags.write, scrutiny.tags.queries; "
            "print(json.dumps(['spacy' in sys.modules, 'sklearn' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [False, False]


def test_two_processes_give_the_same_tags(project, tmp_path):
    """Large corpora are tagged on two processes: the result must not change."""
    from scrutiny.init import init_project
    from scrutiny.project import Project

    texts = [f"{t} Note {i}." for i, t in enumerate(TEXTS * 6)]
    results = []
    for n, root in ((1, project.root), (2, tmp_path / "other")):
        proj = project if n == 1 else Project(init_project(root))
        s = Store(proj.store_location)
        try:
            with s.transaction():
                add_document(s, "harbour", texts)
            summary = tag_store(proj, s, tagger=shared_tagger(), n_process=n)
            rows = s.db.execute("SELECT passage_id, text, kinds FROM nlp_claims ORDER BY id").fetchall()
            results.append((summary.mentions, summary.tie_candidates, [tuple(r) for r in rows]))
        finally:
            s.close()
    assert results[0] == results[1] and results[0][0] > 0


def test_defined_acronyms_are_mentions_throughout_the_document(project, store):
    texts = [
        "The panel wrote to the Harbour Standards Office (“HSO”) in May.",
        "In its reply the HSO said nothing about waiting times.",
        "A high fat, sugar and salt (HFSS) diet is common; HFSS foods are cheap.",
    ]
    with store.transaction():
        ids = add_document(store, "acr", texts)
    tag_store(project, store, tagger=shared_tagger())
    facets = passage_facets(store)
    hso = set(facets[ids[0]].stakeholders)
    assert hso and hso <= set(facets[ids[1]].stakeholders)  # the bare HSO in another passage
    # An acronym of ordinary words is not a stakeholder.
    assert not (facets[ids[2]].stakeholders if ids[2] in facets else [])


def test_a_name_found_in_one_passage_is_a_mention_where_the_document_repeats_it(project, store):
    texts = [
        "Leaflets came from the small local charity Open Hands last spring.",
        "Most of the families came through Open Hands in the end.",
        "North Open Hands Group is another body.",
    ]
    with store.transaction():
        ids = add_document(store, "rep", texts)
        other = add_document(store, "other", ["Most of the families came through Open Hands in the end."])
    tag_store(project, store, tagger=shared_tagger())
    facets = passage_facets(store)
    named = set(facets[ids[0]].stakeholders)
    assert named and named <= set(facets[ids[1]].stakeholders)   # the same document says it again
    assert not (named & set(facets[other[0]].stakeholders if other[0] in facets else []))  # another does not count
    mentions = [tuple(r) for r in store.db.execute(
        "SELECT start, end FROM nlp_mentions WHERE passage_id = ? AND text = 'Open Hands'", (ids[2],)).fetchall()]
    assert mentions == []   # inside a longer capitalised run: not this name


def test_curated_claims_are_folded_into_the_claims_list(project, store):
    from scrutiny.kb.model import Claim, ClaimDocument, KnowledgeBase
    from scrutiny.kb.view import Curated
    from scrutiny.tags.queries import list_claims

    with store.transaction():
        ids = add_document(store, "harbour", TEXTS)
    tag_store(project, store, tagger=shared_tagger())
    curated = Curated(kb=KnowledgeBase(claims=[
        Claim("cafes-pledge", "Cafes open.", ["commitment"], "contested",
              [ClaimDocument("harbour", "crisis cafes", [ids[3]])]),
        Claim("board-met", "The board met.", ["statistic"], "contested",
              [ClaimDocument("harbour", "board town hall", [ids[2]])]),
        # located by the cross-references only (the caller passes what they found)
        Claim("trust-figures", "The trust should publish.", ["recommendation"], "contested",
              [ClaimDocument("harbour", "publish figures")]),
    ]))
    rows = {r.passage_id: r for r in list_claims(store, curated=curated, located={"trust-figures": [ids[1]]})}
    assert rows[ids[3]].source == "curated" and rows[ids[3]].claim_ids == ["cafes-pledge"]
    assert rows[ids[3]].details["commitment"] == {"confidence": 1.0, "source": "curated"}
    # A located passage the tagger found no claim in: its best sentence, as it stands.
    assert rows[ids[2]].text == TEXTS[2] and rows[ids[2]].kinds == ["statistic"]
    assert [r.passage_id for r in list_claims(store, kind="statistic", curated=curated)].count(ids[2]) == 1
    assert rows[ids[0]].source in ("rule", "model")  # untouched
    assert rows[ids[1]].claim_ids == ["trust-figures"]
    assert "trust-figures" not in {c for r in list_claims(store, curated=curated) for c in r.claim_ids}


def test_an_untagged_store_is_an_explicit_state(project, store):
    from scrutiny.tags import queries

    with store.transaction():
        add_document(store, "harbour", TEXTS)
    assert queries.last_run(store) is None and queries.tag_counts(store) is None
    assert queries.untagged_passages(store) == len(TEXTS)
    assert queries.passage_facets(store) == {}     # the search index is built before tagging too
    with pytest.raises(queries.NotTagged, match="not tagged yet: run `scrutiny tag`"):
        queries.claim_spans(store, "harbour")
    tag_store(project, store, tagger=shared_tagger())
    run = queries.last_run(store)
    assert run is not None and run.tagger_version and queries.untagged_passages(store) == 0
    assert queries.claim_spans(store, "harbour")
