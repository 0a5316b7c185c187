"""Cross-references after one document is added, changed or removed: only what
involves it is computed and written again, and the tables are those a whole
build gives (row for row)."""

from __future__ import annotations

import pytest
from helpers_cite import PLAN_DOC, add_document, plan_store, write_kb
from test_xref import ESSAY_DOC, REVIEW_BLOCKS, REVIEW_DOC, _essay_blocks

from scrutiny.readers.base import PARAGRAPH
from scrutiny.xref import build_xrefs
from scrutiny.xref.claims import passage_figures, uncurated_rows
from scrutiny.xref.rows import CLAIM_COLS

TABLES = {
    "xref_links": "source_kind, source_id, essay_id, target_kind, target_id, method, score, file, line, "
                  "source_doc, target_doc",
    "xref_claims": "group_id, claim_id, passage_id, doc_id, origin, kind, value, surface, score",
    "xref_stakeholder_docs": "stakeholder_id, doc_id, mentions, passages, source",
}


def _doc(doc_id, sha):
    return {**PLAN_DOC, "id": doc_id, "title": f"Synthetic note {doc_id}", "sha256": sha}


# our own sentences: figures stated in several documents about the same thing, or not
NOTES = {
    "a": [(PARAGRAPH, 1, "Two thirds of trainee therapists left the service within a year of starting."),
          (PARAGRAPH, 1, "The Example Therapy Taskforce met 14 times in the spring.")],
    "b": [(PARAGRAPH, 1, "Some 66.7% of trainee therapists left the service within their first year."),
          (PARAGRAPH, 1, "Around 48 per cent of the capital budget went on new buildings in the county.")],
    "c": [(PARAGRAPH, 1, "About 48% of the capital budget paid for new buildings across the county."),
          (PARAGRAPH, 1, "Two thirds of the county's rivers are polluted by run-off from farms.")],
    "d": [(PARAGRAPH, 1, "Nearly 48 per cent of the county capital budget was spent on new buildings.")],
}


def _rows(store) -> dict:
    """Every row of the three tables, with SQLite's rowid (a row rewritten gets a new one)."""
    return {t: sorted(map(tuple, store.db.execute(f"SELECT {cols}, rowid FROM {t}")), key=repr)
            for t, cols in TABLES.items()}


def _content(rows) -> dict:
    return {t: sorted((r[:-1] for r in rs), key=repr) for t, rs in rows.items()}


@pytest.fixture
def corpus(project):
    store, plan = plan_store(project)
    values = write_kb(project.root, plan)
    add_document(store, {**REVIEW_DOC, "sha256": "r1"}, REVIEW_BLOCKS)
    add_document(store, {**ESSAY_DOC, "sha256": "e1"}, _essay_blocks(values["essay_passage"]))
    for doc_id in "abc":
        add_document(store, _doc(doc_id, f"{doc_id}1"), NOTES[doc_id])
    first = build_xrefs(project, store)
    assert first.documents is None          # the first build is whole
    yield store
    store.close()


def _same_as_whole(project, store):
    """The incremental build's tables are the whole build's, row for row, and its figure
    groups those of linking every two statements of a figure (claims.uncurated_rows, in memory)."""
    incremental = _content(_rows(store))
    whole = build_xrefs(project, store, rebuild=True)
    assert whole.documents is None
    assert _content(_rows(store)) == incremental
    assert _figure_rows(incremental) == _statement_rows(store, incremental)
    return incremental


def _figure_rows(content) -> list:
    return sorted((r for r in content["xref_claims"] if r[1] is None), key=repr)


def _statement_rows(store, content) -> list:
    curated = {r[2] for r in content["xref_claims"] if r[1] is not None}
    items = [(p, q, w) for p in store.passages() for q, w in passage_figures(p)]
    return sorted((tuple(r[c] for c in CLAIM_COLS) for r in uncurated_rows(items, curated)), key=repr)


def test_add_change_remove_one_document_equals_a_whole_build(corpus, project):
    store = corpus
    before = _rows(store)
    assert any(r[0].startswith("q:percent:66.7") for r in before["xref_claims"])   # a and b

    # added: d states the figure b and c state about the capital budget
    add_document(store, _doc("d", "d1"), NOTES["d"])
    s = build_xrefs(project, store)
    assert s.documents == ["d"]
    after = _rows(store)
    groups = {r[0] for r in after["xref_claims"] if r[3] == "d"}
    assert groups and all(g.startswith("q:percent:48") for g in groups)
    # only d's rows were inserted, nothing deleted; every other row kept (same rowid),
    # but the TF-IDF suggestions (their weights are the corpus's: any document moves them)
    assert s.written.deleted["xref_stakeholder_docs"] == 0 and s.written.deleted["xref_claims"] == 0
    assert s.written.inserted["xref_claims"] == 1
    kept = {t: set(rs) for t, rs in before.items()}
    for t, rs in after.items():
        assert {r for r in kept[t] if r[5] != "tfidf" or t != "xref_links"} <= set(rs), t
    content = _same_as_whole(project, store)
    assert content == _content(after)

    # changed: a no longer states two thirds; the group it shared with b goes, nothing else moves
    before = _rows(store)
    add_document(store, _doc("a", "a2"), [(PARAGRAPH, 1, "Trainee therapists mostly stayed in the service.")])
    s = build_xrefs(project, store)
    assert s.documents == ["a"]
    after = _rows(store)
    assert not any(r[0].startswith("q:percent:66.7") for r in after["xref_claims"])
    assert s.written.deleted["xref_claims"] == 2 and s.written.inserted["xref_claims"] == 0
    untouched = [r for r in before["xref_claims"] if not r[0].startswith("q:percent:66.7")]
    assert set(untouched) <= set(after["xref_claims"])
    _same_as_whole(project, store)

    # removed: c goes; the capital budget is still stated by b and d
    before = _rows(store)
    with store.transaction():
        store.delete_document("c")
    s = build_xrefs(project, store)
    assert s.documents == ["c"]
    after = _rows(store)
    assert {r[3] for r in after["xref_claims"] if r[0].startswith("q:percent:48")} == {"b", "d"}
    assert not any(r[1] == "c" for r in after["xref_stakeholder_docs"])
    assert s.written.inserted["xref_claims"] == 0
    assert {r for r in before["xref_links"] if r[5] == "markup"} <= set(after["xref_links"])
    _same_as_whole(project, store)


def test_a_changed_knowledge_base_builds_everything(corpus, project):
    store = corpus
    kb_file = project.root / "kb" / "stakeholders.yaml"
    kb_file.write_text(kb_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert build_xrefs(project, store).documents is None


def test_nothing_changed_writes_nothing(corpus, project):
    store = corpus
    before = _rows(store)
    s = build_xrefs(project, store)
    assert s.documents == [] and not any(s.written.inserted.values()) and not any(s.written.deleted.values())
    assert _rows(store) == before


def test_incremental_equals_whole_on_both_engines(project_on_engine):
    """The same on PostgreSQL (its own SQL dialect under scrutiny.db): add, then remove."""
    project = project_on_engine
    store, plan = plan_store(project)
    values = write_kb(project.root, plan)
    add_document(store, {**ESSAY_DOC, "sha256": "e1"}, _essay_blocks(values["essay_passage"]))
    for doc_id in "abc":
        add_document(store, _doc(doc_id, f"{doc_id}1"), NOTES[doc_id])
    build_xrefs(project, store)

    def content():
        return {t: sorted((tuple(r) for r in store.db.execute(f"SELECT {cols} FROM {t}")), key=repr)
                for t, cols in TABLES.items()}

    add_document(store, _doc("d", "d1"), NOTES["d"])
    assert build_xrefs(project, store).documents == ["d"]
    incremental = content()
    build_xrefs(project, store, rebuild=True)
    assert content() == incremental and any(r[3] == "d" for r in incremental["xref_claims"])
    with store.transaction():
        store.delete_document("b")
    assert build_xrefs(project, store).documents == ["b"]
    incremental = content()
    build_xrefs(project, store, rebuild=True)
    assert content() == incremental
    store.close()


# our own sentences about two things stated with the same figure (two groups of one value, q:percent:31:n)
_RIVERS = "Around 31% of the river monitoring sites failed the water quality standard this summer."
_FERRY = "Some 31 per cent of ferry crossings to the islands were cancelled because of engine faults."
_BRIDGE = ("About 31% of river monitoring sites failed the standard, and ferry crossings to the islands "
           "were cancelled for engine faults.")


def _figure_corpus(project, n):
    """``n`` notes: half state the figure about rivers, half about ferries (the same sentences
    repeated, as a national corpus repeats its templates)."""
    store, plan = plan_store(project)
    write_kb(project.root, plan)
    for i in range(n):
        add_document(store, _doc(f"n{i:03d}", f"n{i}"), [(PARAGRAPH, 1, _RIVERS if i % 2 else _FERRY)])
    build_xrefs(project, store)
    return store


def _one_document_steps(project, store):
    """Add (a document sorting first: the groups are numbered again), change it to bridge
    both groups (they merge), remove it (they split): each equal to a whole build."""
    works = []
    add_document(store, _doc("a000", "a1"), [(PARAGRAPH, 1, _RIVERS)])
    s = build_xrefs(project, store)
    assert s.documents == ["a000"]
    works.append(s.written)
    content = _same_as_whole(project, store)
    assert {r[0] for r in content["xref_claims"] if r[0].startswith("q:percent:31")} == {"q:percent:31:1", "q:percent:31:2"}
    add_document(store, _doc("a000", "a2"), [(PARAGRAPH, 1, _BRIDGE)])
    s = build_xrefs(project, store)
    works.append(s.written)
    content = _same_as_whole(project, store)
    assert {r[0] for r in content["xref_claims"] if r[0].startswith("q:percent:31")} == {"q:percent:31"}      # the bridge merges them
    with store.transaction():
        store.delete_document("a000")
    s = build_xrefs(project, store)
    works.append(s.written)
    content = _same_as_whole(project, store)
    assert {r[0] for r in content["xref_claims"] if r[0].startswith("q:percent:31")} == {"q:percent:31:1", "q:percent:31:2"}
    return works


def test_shared_figures_renumbered_merged_and_split_equal_a_whole_build(project):
    store = _figure_corpus(project, 6)
    _one_document_steps(project, store)
    # a document stating a figure of no group, then one of an existing group in the same words
    add_document(store, _doc("n900", "x1"), [(PARAGRAPH, 1, "Nearly 77% of the ferry crews trained at sea.")])
    build_xrefs(project, store)
    _same_as_whole(project, store)
    add_document(store, _doc("n901", "y1"), [(PARAGRAPH, 1, _FERRY)])
    s = build_xrefs(project, store)
    assert s.written.inserted["xref_claims"] == 1 and s.written.deleted["xref_claims"] == 0
    _same_as_whole(project, store)
    store.close()


_WORKS: dict = {}


@pytest.mark.parametrize("n", [6, 60])
@pytest.mark.parametrize("sentence", ["same", "new"])
def test_one_document_costs_the_same_in_a_larger_corpus(project, n, sentence):
    """The work of one added document on the figure groups (values grouped again, word sets read
    and written, passages whose rows are computed, rows written) does not grow with the documents
    of the corpus: the same in 6 and 60 documents repeating the sentences it states, whether it
    states one of them (its group is kept: no value grouped again) or its own."""
    store = _figure_corpus(project, n)
    text = _RIVERS if sentence == "same" else "Roughly 31% of the river monitoring sites failed the standard again."
    add_document(store, _doc("z999", "z1"), [(PARAGRAPH, 1, text)])
    s = build_xrefs(project, store)
    w = s.written.work
    work = (w.values, w.sets_read, w.sets_written, w.passages, w.pairs,
            s.written.inserted["xref_claims"], s.written.deleted["xref_claims"])
    # its own sentence: compared with the value's 3 sets (its own among them), nothing else
    assert work == ((0, 1, 1, 1, 0, 1, 0) if sentence == "same" else (1, 2, 1, 1, 3, 1, 0))
    assert _WORKS.setdefault(sentence, work) == work
    content = _same_as_whole(project, store)
    assert ("q:percent:31:2", "z999") in {(r[0], r[3]) for r in content["xref_claims"]}
    store.close()


# our own place names: a figure stated in many distinct sentences, all about the same thing
_PLACES = [a + b for a in ("Ash", "Brin", "Cor", "Dun", "Elm", "Fen") for b in ("by", "ford", "ham", "ley", "ton", "wick")]


def _river_sentence(place):
    return f"Around 31% of the river monitoring sites near {place} failed the water quality standard."


@pytest.mark.parametrize("m", [12, 35])
def test_a_new_sentence_is_compared_with_each_sentence_of_its_figure_once(project, m):
    """A figure stated in m documents, each in its own words (m word sets, one group): a
    document stating it in new words compares its set with the m + 1 sets of the value
    (k x n pairs), not every pair of them ((m + 1)(m + 2) / 2); removing a document regroups
    the sets of its group only, and both equal a whole build."""
    store, plan = plan_store(project)
    write_kb(project.root, plan)
    for i in range(m):
        add_document(store, _doc(f"v{i:03d}", f"v{i}"), [(PARAGRAPH, 1, _river_sentence(_PLACES[i]))])
    build_xrefs(project, store)
    add_document(store, _doc("v999", "w1"), [(PARAGRAPH, 1, _river_sentence(_PLACES[35]))])
    s = build_xrefs(project, store)
    assert s.documents == ["v999"]
    assert s.written.work.values == 1 and s.written.work.pairs == m + 1
    assert s.written.inserted["xref_claims"] == 1 and s.written.deleted["xref_claims"] == 0
    content = _same_as_whole(project, store)
    assert {r[0] for r in content["xref_claims"] if r[0].startswith("q:")} == {"q:percent:31"}
    with store.transaction():
        store.delete_document("v000")
    s = build_xrefs(project, store)
    assert s.written.work.pairs == m * (m + 1) // 2     # the other m sets of its group, with each other
    content = _same_as_whole(project, store)
    assert len({r[3] for r in content["xref_claims"] if r[0] == "q:percent:31"}) == m
    store.close()


def test_a_whole_build_holds_the_statements_of_one_figure_at_a_time(project, monkeypatch):
    """A whole build reads the figure statements a value at a time (here: batches of one
    statement, so each value alone): it holds the most stated value's statements, not the
    corpus's, and one document's passages at a time; the same tables as with one batch."""
    from scrutiny.xref import figure_sets

    store, plan = plan_store(project)
    write_kb(project.root, plan)
    for i in range(10):
        add_document(store, _doc(f"n{i:03d}", f"n{i}"), [
            (PARAGRAPH, 1, _RIVERS if i % 2 else _FERRY),
            (PARAGRAPH, 1, f"Some {40 + i}% of the lighthouse keepers retired early this decade."),
            (PARAGRAPH, 1, f"Nearly {60 + i}% of the harbour cranes were idle in the winter.")])
    monkeypatch.setattr(figure_sets, "BATCH_STATEMENTS", 1)
    s = build_xrefs(project, store, rebuild=True)
    per_value = dict(store.db.execute("SELECT gkey, count(*) FROM xref_figure_values GROUP BY gkey").fetchall())
    assert per_value["percent:31"] == 10 and sum(per_value.values()) >= 30
    assert s.written.work.held == max(per_value.values()) == 10
    assert s.written.work.passages_held == max(len(store.passages(d)) for d in store.document_ids())
    batched = _content(_rows(store))
    monkeypatch.setattr(figure_sets, "BATCH_STATEMENTS", 10 ** 9)
    s = build_xrefs(project, store, rebuild=True)
    assert s.written.work.held == sum(per_value.values())
    assert _content(_rows(store)) == batched
    assert {r[0] for r in batched["xref_claims"] if r[0].startswith("q:percent:31")} == {"q:percent:31:1", "q:percent:31:2"}
    store.close()


def test_a_word_set_is_counted_from_its_index_alone(project):
    """A figure stated in thousands of documents is counted without reading its rows:
    SQLite plans both queries of figure_sets._count on the covering index."""
    from scrutiny.xref.figure_sets import COUNT_SQL, FIRST_SQL

    store = _figure_corpus(project, 6)
    gkey, words = store.db.execute("SELECT gkey, words FROM xref_figure_sets LIMIT 1").fetchone()
    for sql in (COUNT_SQL, FIRST_SQL):
        plan = " ".join(str(r[-1]) for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, (gkey, words, "[]")))
        assert "COVERING INDEX xref_figure_values_count" in plan, plan
    store.close()
