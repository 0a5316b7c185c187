"""An ingest of the whole manifest finds its unchanged documents from their stamps
alone (``scrutiny.ingest._quick_unchanged``) and reports what the full check reports,
document for document; whatever changed still goes through the full check. Our own
synthetic text."""

from __future__ import annotations

import pytest

import scrutiny.ingest as ingest_mod
from scrutiny.ingest import ingest
from scrutiny.init import init_project
from scrutiny.project import Project

TEXTS = {
    "alder-note": "# Alder Note\n\nThe Alder Board will publish waiting times every month.\n",
    "birch-plan": "# Birch Plan\n\nThe Birch Trust funds 12 peer support posts.\n",
    "cedar-review": "# Cedar Review\n\nCrisis lines answered 3,000 calls in 2025.\n",
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    import scrutiny.stamps

    # a file hashed within two seconds of a change keeps no stamp (it could change again
    # unseen): these were just written
    monkeypatch.setattr(scrutiny.stamps, "RACY_SECONDS", 0.0)
    init_project(tmp_path / "p")
    project = Project(tmp_path / "p")
    files = []
    for name, text in TEXTS.items():
        f = tmp_path / f"{name}.md"
        f.write_text(text, encoding="utf-8")
        files.append(f)
    assert ingest(project, files, tag=False).ok
    assert ingest(project, tag=False).ok     # the stamps kept
    return project


def _reports(report) -> list:
    return [(d.doc_id, d.path, d.status, d.pages, d.passages, d.suggested, d.message) for d in report.documents]


def _both(project, monkeypatch) -> tuple[list, list, int]:
    """The reports with the quick check and without it, and how many the quick one settled."""
    settled = []
    real = ingest_mod._quick_unchanged

    def counted(*args, **kwargs):
        out = real(*args, **kwargs)
        settled.append(len(out))
        return out

    monkeypatch.setattr(ingest_mod, "_quick_unchanged", counted)
    quick = ingest(project, tag=False)
    monkeypatch.setattr(ingest_mod, "_quick_unchanged", lambda *a, **k: {})
    full = ingest(project, tag=False)
    monkeypatch.setattr(ingest_mod, "_quick_unchanged", real)
    return _reports(quick), _reports(full), settled[0]


def test_nothing_changed_is_found_from_the_stamps(project, monkeypatch):
    quick, full, settled = _both(project, monkeypatch)
    assert settled == len(TEXTS)
    assert quick == full
    assert {r[2] for r in quick} == {"unchanged"} and all(r[1].startswith("corpus/sources/") for r in quick)


def test_what_changed_goes_through_the_full_check(project, monkeypatch):
    source = project.sources_dir / "birch-plan.md"
    source.write_text(TEXTS["birch-plan"] + "\nIt will fund 14 more by 2027.\n", encoding="utf-8")
    (project.sources_dir / "cedar-review.md").unlink()
    settled = []
    real = ingest_mod._quick_unchanged
    monkeypatch.setattr(ingest_mod, "_quick_unchanged",
                        lambda *a, **k: settled.append(out := real(*a, **k)) or out)
    report = ingest(project, tag=False)
    assert set(settled[0]) == {"alder-note"}
    status = {d.doc_id: d.status for d in report.documents}
    assert status == {"alder-note": "unchanged", "birch-plan": "ingested", "cedar-review": "missing"}


def test_a_manifest_edit_is_not_taken_for_unchanged(project, monkeypatch):
    from scrutiny.manifest import update_documents
    from scrutiny.store import Store

    update_documents(project.manifest_path, {"alder-note": {"title": "Alder Note, revised title"}})
    quick, full, settled = _both(project, monkeypatch)
    assert settled == len(TEXTS) - 1
    assert quick == full
    with Store(project.store_location) as store:
        assert store.document("alder-note")["title"] == "Alder Note, revised title"
