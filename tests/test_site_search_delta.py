"""The search index's delta layers (site/search_delta.py): a document added to a bucket
already written goes into the bucket's layer, whose files are the only ones of the index
written again (the bucket's own are the published ones, the same inodes), and the site
reads as a whole build of the same documents does: the same records in the same order at
a tie, the same postings and statistics, the same filters (helpers_site.same_site). A
document of the layer changed or removed writes the layer again; one of the bucket's own
changed, a layer past its bound, or --rebuild write the bucket whole, its layer merged."""

from __future__ import annotations

import json

from helpers_site import same_site, script_data
from test_site_incremental import _corpus, _inodes, _manifest_entry, _put, _remove, _rewritten

from scrutiny.site import build_site
from scrutiny.site.search_index import bucket_of

NOTES = [f"m{i:03d}" for i in range(24)]


def _first(candidates, bucket):
    return next(c for c in candidates if bucket_of(c) == bucket)


def _add(project, doc_id):
    with project.manifest_path.open("a", encoding="utf-8") as fh:
        fh.write(_manifest_entry(doc_id))
    return _put(project, doc_id)


def _search_written(rewritten):
    """The search index's folders that a build wrote files into."""
    return sorted({rel.split("/")[1] for rel in rewritten if rel.startswith("search/") and rel.count("/") >= 2})


def _meta(project):
    return script_data(project.site_dir / "search" / "meta.js")


def test_documents_added_go_into_their_buckets_delta_layers(project, tmp_path, monkeypatch):
    import scrutiny.site.search_delta as search_delta

    kb = _corpus(project, NOTES)
    counts: dict[str, int] = {}
    for d in NOTES:
        counts[bucket_of(d)] = counts.get(bucket_of(d), 0) + 1
    b = max(sorted(counts), key=counts.get)      # a bucket of several notes
    layer = f"x{b}"
    # (the notes' dates follow their ids' length: "m001" 2020-06; an id of 8 characters 2020-01)
    late = _first([f"z{i:03d}" for i in range(1000)], b)           # after every note of the bucket
    middle = _first([f"m0{i}{c}" for i in range(10) for c in "abcdefghij"], b)   # among them
    early = _first([f"a{i:07d}" for i in range(1000)], b)          # before them all
    base_files = sorted(p.relative_to(project.site_dir).as_posix()
                        for p in (project.site_dir / "search" / b).rglob("*.js"))
    assert len(base_files) > 5

    def build(label, **kw):
        before = _inodes(project.site_dir)
        s = build_site(project, curated=kb, **kw)
        written = _rewritten(before, _inodes(project.site_dir))
        build_site(project, tmp_path / f"whole-{label}", curated=kb, cache_dir=tmp_path / f"cache-{label}")
        assert "layers" not in script_data(tmp_path / f"whole-{label}" / "search" / "meta.js")
        same_site(project.site_dir, tmp_path / f"whole-{label}")
        return s, written

    # one document added: its bucket's layer, meta.js and the ranges file; no file of any bucket
    pids = _add(project, late)
    s, written = build("late")
    assert _search_written(written) == ["dr", layer], written
    assert not [rel for rel in written if rel in base_files]
    assert s.search_records == len(pids)
    start = _meta(project)["layers"][layer][0]
    assert _meta(project)["layers"] == {layer: [start, [start, len(pids)]]} and start >= 2 * counts[b]
    state = json.loads(next(project.data_dir.glob("site-search-*.json")).read_text())
    assert late not in state["buckets"][b]["docs"] and len(state["buckets"][b]["docs"]) == counts[b]

    # two more, one among the bucket's documents and one before them all: the layer again
    _add(project, middle)
    _add(project, early)
    s, written = build("three")
    assert _search_written(written) == ["dr", layer], written
    start, inserts = _meta(project)["layers"][layer]
    assert inserts[0] == 0 and 0 < inserts[2] < start and inserts[4] == start, inserts

    # nothing changed, the whole site stage run: nothing of the index written, the layer kept
    monkeypatch.setattr("scrutiny.site.uptodate.check", lambda *a, **k: None)
    s, written = build("again")
    assert _search_written(written) == [] and s.search_records is None
    assert _meta(project)["layers"][layer] == [start, inserts]

    # a document of the layer changed, another removed: the layer only
    _put(project, middle, extra=" A revision of the middle note adds this sentence.")
    _remove(project, late)
    s, written = build("layer-changed")
    assert _search_written(written) == ["dr", layer], written

    # one of the bucket's own changed: the bucket written whole, its layer merged into it
    own = next(d for d in NOTES if bucket_of(d) == b)
    _put(project, own, extra=" The note was revised.")
    s, written = build("merged")
    assert b in _search_written(written) and "layers" not in _meta(project)
    assert not (project.site_dir / "search" / layer).exists()

    # past the bound (here: any record), the document added merges its layer at once
    _add(project, _first([f"z{i:03d}" for i in range(1000, 2000)], b))
    monkeypatch.setattr(search_delta, "DELTA_MIN", 0)
    monkeypatch.setattr(search_delta, "DELTA_SHARE", 0.0)
    s, written = build("bound")
    assert b in _search_written(written) and "layers" not in _meta(project)
    monkeypatch.undo()

    # --rebuild (merge_search) writes every bucket whole
    _add(project, _first([f"z{i:03d}" for i in range(2000, 3000)], b))
    build_site(project, curated=kb)
    assert "layers" in _meta(project)
    s, written = build("rebuild", merge_search=True)
    assert "layers" not in _meta(project) and b in _search_written(written)
