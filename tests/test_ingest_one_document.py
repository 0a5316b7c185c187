"""Adding one document to a built corpus writes that document's rows, not the
corpus's: the rows the store changes (SQLite's count of rows inserted, updated
or deleted by the ingest's connection) and the passages written to the search
index are the same for a corpus of 3 documents and one of 12. And a corpus
brought up to date one document at a time (added, changed, removed) holds
the same tags and index as one ingested from scratch."""

from __future__ import annotations

import shutil

import pytest

from scrutiny.ingest import ingest
from scrutiny.init import init_project
from scrutiny.project import Project
from scrutiny.store import Store


def _init(root) -> Project:
    init_project(root)
    return Project(root)

WORDS = ["harbour", "meadow", "lantern", "orchard", "quarry", "willow", "beacon", "thistle"]


def _doc(n: int) -> str:
    w = WORDS[n % len(WORDS)]
    return (f"# Synthetic paper {n}\n\n## Section one\n\nThe {w} programme will fund {n + 3} new advisers "
            f"in every district, the Northfield Health Board said.\n\nProviders reported that waiting lists "
            f"for the {w} service fell by a third.\n\n## Section two\n\nThe Northfield Health Board should "
            f"review the {w} budget each year.\n")


NEW = ("# Kestrel estuary audit\n\nThe Northfield Health Board will publish the kestrel estuary audit "
       "every spring.\n\nAnn Pellow chairs the Estuary Panel, which advises the Northfield Health Board.\n")


def _corpus(project: Project, tmp_path, n: int) -> None:
    incoming = tmp_path / f"in-{n}"
    incoming.mkdir()
    files = []
    for i in range(n):
        path = incoming / f"paper-{i}.md"
        path.write_text(_doc(i), encoding="utf-8")
        files.append(path)
    report = ingest(project, files)
    assert report.ok and report.tagging is not None and report.tagging.passages > 0


def _changes_of_adding_one(project: Project, tmp_path, monkeypatch) -> tuple[int, int]:
    """(rows the store changed, passages written to the index) when NEW is ingested."""
    changes = []
    close = Store.close

    def counting_close(self):
        if self.dialect == "sqlite":
            changes.append(self.db.total_changes)
        close(self)

    monkeypatch.setattr(Store, "close", counting_close)
    path = tmp_path / f"kestrel-{len(list(tmp_path.iterdir()))}" / "kestrel-audit.md"
    path.parent.mkdir()
    path.write_text(NEW, encoding="utf-8")
    report = ingest(project, [path])
    monkeypatch.setattr(Store, "close", close)
    assert report.ok and report.tagging is not None and report.index.mode == "updated"
    return sum(changes), report.index.passages


def test_adding_one_document_writes_as_much_to_a_small_corpus_as_to_a_larger_one(tmp_path, monkeypatch):
    small, large = _init(tmp_path / "small"), _init(tmp_path / "large")
    _corpus(small, tmp_path, 3)
    _corpus(large, tmp_path, 12)
    rows_small, indexed_small = _changes_of_adding_one(small, tmp_path, monkeypatch)
    rows_large, indexed_large = _changes_of_adding_one(large, tmp_path, monkeypatch)
    with Store(large.store_path) as store:
        own = store.document("kestrel-audit")["passages"]
    assert indexed_small == indexed_large == own          # the index: that document's passages only
    assert rows_small == rows_large, (rows_small, rows_large)
    assert rows_small > own                               # its passages, tags, versions were written


def _state(project: Project) -> dict:
    """What the tags and the index hold, without row order or row ids."""
    from scrutiny.index import open_index

    out = {}
    with Store(project.store_path, readonly=True) as store:
        db = store.db
        queries = {
            "passages": "SELECT id, doc_id, ord, text FROM passages",
            "mentions": "SELECT passage_id, start, end, text, kind, source, confidence, curated_id, "
                        "stakeholder_id FROM nlp_mentions",
            "stakeholders": "SELECT id, name, kind, aliases, mentions, confidence FROM nlp_stakeholders",
            "claims": "SELECT id, passage_id, kinds, confidence FROM nlp_claims",
            "ties": "SELECT passage_id, relation, subject_id, object_id, tie_id FROM nlp_tie_candidates",
            "sentences": "SELECT passage_id, start, end FROM nlp_sentences",
            "tagged": "SELECT passage_id FROM nlp_tagged",
        }
        for name, sql in queries.items():
            out[name] = sorted(tuple(r) for r in db.execute(sql))
    with open_index(project.index_path).searcher() as s:
        out["index"] = sorted((f["passage_id"], f["tags"], f["stakeholders"], f["doc_label"])
                              for f in s.all_stored_fields())
    return out


@pytest.mark.parametrize("steps", ["add", "add-change", "add-change-remove"])
def test_one_document_at_a_time_gives_what_a_fresh_ingest_gives(tmp_path, steps):
    step = _init(tmp_path / "step")
    _corpus(step, tmp_path, 4)
    new = tmp_path / "kestrel-audit.md"
    new.write_text(NEW, encoding="utf-8")
    ingest(step, [new])
    src = step.sources_dir / "kestrel-audit.md"
    if "change" in steps:
        with src.open("a", encoding="utf-8") as fh:
            fh.write("\nBen Arlott of the Estuary Panel said the audit will report again next year.\n")
        assert ingest(step).ok
    if "remove" in steps:
        manifest = step.manifest_path.read_text(encoding="utf-8")
        start = manifest.index("[documents.kestrel-audit]")
        end = manifest.find("\n[", start + 1)
        step.manifest_path.write_text(manifest[:start] + (manifest[end + 1:] if end != -1 else ""),
                                      encoding="utf-8")
        src.unlink()
        assert ingest(step).ok

    fresh = _init(tmp_path / "fresh")
    files = sorted(step.sources_dir.glob("*.md"))
    incoming = tmp_path / "fresh-in"
    incoming.mkdir()
    for f in files:
        shutil.copyfile(f, incoming / f.name)
    assert ingest(fresh, sorted(incoming.iterdir())).ok
    a, b = _state(step), _state(fresh)
    for name in a:
        assert a[name] == b[name], name


def test_removing_a_document_builds_no_tagger(tmp_path, monkeypatch):
    """Nothing is left to tag when a document leaves (no other passage holds its title):
    its rows go and the names are resolved again without loading spaCy's model."""
    import scrutiny.tags.write as write

    project = _init(tmp_path / "p")
    _corpus(project, tmp_path, 3)
    manifest = project.manifest_path.read_text(encoding="utf-8")
    start = manifest.index("[documents.paper-1]")
    end = manifest.find("\n[", start + 1)
    project.manifest_path.write_text(manifest[:start] + (manifest[end + 1:] if end != -1 else ""), encoding="utf-8")
    (project.sources_dir / "paper-1.md").unlink()

    def refused(*args, **kwargs):
        raise AssertionError("the tagger was built for a removal")

    monkeypatch.setattr(write, "build_project_tagger", refused)
    report = ingest(project)
    assert report.ok and set(report.removed) == {"paper-1"}
    assert report.tagging is not None and report.tagging.passages == 0 and report.tagging.removed > 0
    with Store(project.store_path) as store:
        assert store.db.execute("SELECT count(*) FROM nlp_mentions WHERE doc_id = 'paper-1'").fetchone()[0] == 0
