"""The site after one document is added, changed or removed: the pages that
show it and its bucket of the search index are written again, every other file
is the published one (the same inode: linked, not written), and the site is
the one a whole build makes, file for file."""

from __future__ import annotations

import os

import pytest
from helpers_site import make_kb, make_store, same_site

from scrutiny.readers.base import Block
from scrutiny.site import build_site
from scrutiny.site.search_index import bucket_of

NOTES = ["n1", "n2", "n3", "n4", "n5", "n6"]


def _text(doc_id, extra=""):
    # our own sentences, different in each note
    return [Block("heading", f"Notes on {doc_id}", page=1, level=1),
            Block("paragraph", f"The {doc_id} pilot trained {len(doc_id) * 7} peer workers across the valley.{extra}", page=1),
            Block("paragraph", f"Waiting lists in the {doc_id} district shortened after the new referral desk opened.",
                  page=1)]


def _manifest_entry(doc_id):
    return (f'\n[documents.{doc_id}]\ntitle = "Notes on {doc_id}"\nkind = "policy"\npublisher = "Example Office"\n'
            f'date = "2020-0{1 + len(doc_id) % 8}"\nlicence = "OGL-UK-3.0"\nsource = "{doc_id}.md"\n')


def _put(project, doc_id, extra=""):
    """Store a note as an ingest would (its passages tagged and cross-referenced: nothing is behind)."""
    from scrutiny.passages import make_passages
    from scrutiny.store import Store
    from scrutiny.xref import INPUTS_KEY, inputs_fingerprint

    with Store(project.store_path) as store, store.transaction():
        passages = make_passages(doc_id, _text(doc_id, extra))
        store.upsert_document({"id": doc_id, "title": f"Notes on {doc_id}", "kind": "policy", "source": f"{doc_id}.md",
                               "sha256": str(hash(extra)), "pages": 1, "passages": len(passages), "metadata": {}})
        store.replace_passages(doc_id, passages)
        store.db.executemany("INSERT OR IGNORE INTO nlp_tagged (passage_id, tagger_version, tagged_at) "
                             "VALUES (?, 'test', 'now')", [(p.id,) for p in passages])
        store.set_meta(INPUTS_KEY, inputs_fingerprint(project, store))
    return passages


def _remove(project, doc_id):
    from scrutiny.store import Store
    from scrutiny.xref import INPUTS_KEY, inputs_fingerprint

    text = project.manifest_path.read_text(encoding="utf-8")
    project.manifest_path.write_text(text.replace(_manifest_entry(doc_id), ""), encoding="utf-8")
    with Store(project.store_path) as store, store.transaction():
        store.remove_document(doc_id, "2026-02-01")      # as ingest does: its old ids say it was removed
        store.set_meta(INPUTS_KEY, inputs_fingerprint(project, store))


def _files(out):
    return {os.path.relpath(os.path.join(d, f), out): os.path.join(d, f)
            for d, _, fs in os.walk(out) for f in fs}


def _inodes(out):
    return {rel: os.stat(path).st_ino for rel, path in _files(out).items()}


def _same_as_whole(project, kb, tmp_path, name):
    """The incremental site equals a whole build into a fresh folder, byte for byte but
    for the search index, whose delta layers a whole build writes into their buckets:
    that gives a reader the same records, postings, statistics and order (same_site)."""
    whole = tmp_path / name
    build_site(project, whole, curated=kb, cache_dir=tmp_path / f"{name}-cache")
    same_site(project.site_dir, whole)


@pytest.fixture
def site(project):
    return _corpus(project, NOTES)


def _rewritten(before, after):
    return sorted(rel for rel, ino in after.items() if before.get(rel) != ino)


def _expected(rel, doc_id, pids):
    """A file a document's change may rewrite: its pages, its passages' permalinks,
    its search bucket, the search statistics, and the pages that list or count
    every document (home, documents, the claims register's and the search page's
    document filters, the method page's counts)."""
    return (rel.startswith(f"doc/{doc_id}/") or any(rel.startswith(f"p/{pid}/") for pid in pids)
            or rel.startswith((f"search/{bucket_of(doc_id)}/", f"search/x{bucket_of(doc_id)}/"))   # or its delta layer
            or rel.startswith("search/dr/")   # the documents' record ranges
            or rel in ("search/meta.js", "index.html", "documents/index.html", "claims/index.html",
                       "search/index.html", "method/index.html"))


def test_add_change_remove_rewrite_only_what_shows_the_document(site, project, tmp_path):
    kb = site
    assert len({bucket_of(d) for d in NOTES + ["n7"]}) > 2      # the notes are spread over several buckets

    # added
    before = _inodes(project.site_dir)
    with project.manifest_path.open("a", encoding="utf-8") as fh:
        fh.write(_manifest_entry("n7"))
    pids = [p.id for p in _put(project, "n7")]
    s = build_site(project, curated=kb)
    after = _inodes(project.site_dir)
    rewritten = _rewritten(before, after)
    assert [rel for rel in rewritten if not _expected(rel, "n7", pids)] == [], rewritten
    assert "doc/n7/index.html" in rewritten and f"search/{bucket_of('n7')}/r/0.js" in rewritten
    assert len(rewritten) == s.pages_written
    others = {bucket_of(d) for d in NOTES + ["alpha", "evil", "overview"]} - {bucket_of("n7")}
    assert not [rel for rel in rewritten if rel.split("/")[1:2] and rel.startswith("search/")
                and rel.split("/")[1] in others]                 # other buckets' files: the same inodes
    # only its bucket was indexed again: fewer passages than the site has
    assert 3 <= s.search_records < 3 * len(NOTES)
    _same_as_whole(project, kb, tmp_path, "after-add")

    # changed
    before = after
    old = set(pids)
    pids = [p.id for p in _put(project, "n3", extra=" A revision adds this sentence.")]
    s = build_site(project, curated=kb)
    after = _inodes(project.site_dir)
    rewritten = _rewritten(before, after)
    assert [rel for rel in rewritten if not _expected(rel, "n3", pids)] == []
    assert "doc/n3/index.html" in rewritten and "doc/n7/index.html" not in rewritten
    _same_as_whole(project, kb, tmp_path, "after-change")

    # removed
    before = after
    from scrutiny.store import Store

    with Store(project.store_path) as store:
        gone = [p.id for p in store.passages("n5")]       # their permalinks now say the document was removed
    _remove(project, "n5")
    s = build_site(project, curated=kb)
    after = _inodes(project.site_dir)
    rewritten = _rewritten(before, after)
    assert not any(rel.startswith("doc/n5/") for rel in after) and s.files_removed > 0
    assert [rel for rel in rewritten if not _expected(rel, "n5", gone)] == []
    assert f"p/{gone[0]}/index.html" in rewritten and "doc/n1/index.html" not in rewritten
    assert old and not any(rel.startswith("doc/n3/") for rel in rewritten)
    _same_as_whole(project, kb, tmp_path, "after-remove")


# --- a build with nothing changed, and the work one document costs --------------------------

def test_a_build_with_nothing_changed_reads_no_corpus_and_sees_every_change(site, project, tmp_path, monkeypatch):
    """The up-to-date check (scrutiny.site.uptodate) answers from the stamp: no
    gathering, no page key. Each kind of input changed makes a full build."""
    import scrutiny.site.context as context

    kb = site
    first = build_site(project, curated=kb)      # the record of a build: its stamp
    gathered = []
    real_gather = context.gather
    monkeypatch.setattr(context, "gather", lambda *a, **k: gathered.append(1) or real_gather(*a, **k))

    same = build_site(project, curated=kb)
    assert gathered == [] and "up to date" in same.timings
    assert (same.pages, same.pages_written, same.pages_rendered) == (first.pages, 0, 0)
    assert same.notes == first.notes and same.pending == first.pending

    def full_build_after(change):
        gathered.clear()
        change()
        s = build_site(project, curated=kb)
        assert gathered == [1], change.__doc__
        return s

    def store_written():
        """a document stored (ingest)"""
        _put(project, "n2", extra=" A line the store now holds.")
    assert "doc/n2/index.html" in _rewritten_files(project, lambda: full_build_after(store_written))

    def kb_changed():
        """a knowledge base edit"""
        kb.stakeholders["northfield"].name = "Northfield Trust (renamed)"
    full_build_after(kb_changed)

    def template_changed():
        """a template of the project's own"""
        (project.root / "site_templates").mkdir(exist_ok=True)
        (project.root / "site_templates" / "extra.txt").write_text("ours\n")
    full_build_after(template_changed)

    def source_touched():
        """a source changed since it was ingested: every page says so"""
        (project.sources_dir / "n4.md").parent.mkdir(parents=True, exist_ok=True)
        (project.sources_dir / "n4.md").write_text("A note on n4 rewritten after its ingest.\n")
    s = full_build_after(source_touched)
    assert any("n4" in p for p in s.pending), s.pending
    assert any("n4" in p for p in build_site(project, curated=kb).pending)   # the stamp keeps the notice

    def page_deleted():
        """a published folder emptied by hand"""
        import shutil

        shutil.rmtree(project.site_dir / "p")
    s = full_build_after(page_deleted)
    assert s.pages_written > 0 and (project.site_dir / "p").is_dir()
    _same_as_whole(project, kb, tmp_path, "after-stamps")


def _rewritten_files(project, build):
    before = _inodes(project.site_dir)
    build()
    return _rewritten(before, _inodes(project.site_dir))


def _corpus(project, notes):
    passages = make_store(project)
    with project.manifest_path.open("a", encoding="utf-8") as fh:
        fh.write("".join(_manifest_entry(d) for d in notes))
    for d in notes:
        _put(project, d)
    kb = make_kb(passages)
    build_site(project, curated=kb)
    return kb


def test_one_document_added_costs_the_same_work_in_a_small_and_a_larger_corpus(tmp_path):
    """Pages rendered and files written for one document added do not grow with
    the corpus (counted, not timed): the same pages for 4 notes and for 24; of
    the search index, the files of the new document's bucket and meta.js only."""
    from scrutiny.init import init_project
    from scrutiny.project import Project

    def one_added(size):
        project = Project(init_project(tmp_path / f"proj{size}"))
        notes = [f"m{i:03d}" for i in range(size)]
        kb = _corpus(project, notes)
        assert bucket_of("zz") in {bucket_of(d) for d in notes}     # its bucket was written before
        with project.manifest_path.open("a", encoding="utf-8") as fh:
            fh.write(_manifest_entry("zz"))
        box = {}
        pids = [p.id for p in _put(project, "zz")]
        written = _rewritten_files(project, lambda: box.setdefault("s", build_site(project, curated=kb)))
        s = box["s"]
        assert len(written) == s.pages_written
        pages = sorted(rel for rel in written if not rel.startswith("search/"))
        search = [rel for rel in written if rel.startswith("search/")]
        # the new document's delta layer (its bucket's files are not written again: no file
        # of any bucket is), meta.js, the search page, and the ranges file of the document
        # filter (one file at this size: dr/0.js, whose ranges include the new one)
        assert {rel.split("/")[1] for rel in search} == {f"x{bucket_of('zz')}", "meta.js", "index.html", "dr"}, search
        assert s.search_records == len(pids)       # the new document's passages only were indexed
        assert [rel for rel in search if rel.startswith("search/dr/")] == ["search/dr/0.js"], search
        assert all(rel.startswith(("doc/zz/", "p/")) or "/" not in rel or rel.count("/") == 1
                   for rel in pages), pages
        assert [rel for rel in pages if rel.startswith("p/")] == sorted(f"p/{pid}/index.html" for pid in pids)
        return s.pages_rendered, pages

    small, large = one_added(4), one_added(24)
    assert small == large
    assert small[0] <= 3 + 12   # its page, its passages' permalinks, the pages that list or count documents


def test_one_document_added_changed_removed_walks_and_links_nothing_else(site, project, monkeypatch):
    """What the publishing of a one-document build costs, counted: the published
    folder is not walked, no unchanged file is linked or copied into a new folder,
    and the files renamed in are the files written (the pages that show the
    document). A build that walks or relinks the whole site again fails here."""
    from scrutiny.site import publish

    kb = site
    counts = {"scan": 0, "link": 0, "put": 0}
    real_scan, real_link, real_apply = publish.scan, publish.link_or_copy, publish.apply_patch

    def scan(out):
        counts["scan"] += 1
        return real_scan(out)

    def link(src, dst):
        counts["link"] += 1
        return real_link(src, dst)

    def apply(stage, out):
        put, removed = real_apply(stage, out)
        counts["put"] += put
        return put, removed

    monkeypatch.setattr(publish, "scan", scan)
    monkeypatch.setattr(publish, "link_or_copy", link)
    monkeypatch.setattr(publish, "apply_patch", apply)

    def one(change):
        for k in counts:
            counts[k] = 0
        change()
        s = build_site(project, curated=kb)
        assert counts["scan"] == 0 and counts["link"] == 0, (change.__doc__, counts)
        assert counts["put"] == s.pages_written > 0, (change.__doc__, counts, s.pages_written)
        assert s.pages_written < s.pages // 4, (change.__doc__, s.pages_written, s.pages)
        return s

    def added():
        """a document added"""
        with project.manifest_path.open("a", encoding="utf-8") as fh:
            fh.write(_manifest_entry("n7"))
        _put(project, "n7")
    one(added)
    assert (project.site_dir / "doc" / "n7" / "index.html").is_file()

    def changed():
        """a document changed"""
        _put(project, "n3", extra=" A revision adds this sentence.")
    one(changed)
    assert "A revision adds this sentence." in (project.site_dir / "doc" / "n3" / "index.html").read_text()

    def removed():
        """a document removed"""
        _remove(project, "n5")
    s = one(removed)
    assert s.files_removed > 0 and not (project.site_dir / "doc" / "n5").exists()


def test_the_network_is_laid_out_again_only_when_its_ties_or_their_ends_change(site, project, monkeypatch):
    """A document added leaves the network page as it was without laying it out
    (networkx is not even imported for it); a stakeholder renamed lays it out again
    and the page shows the new name."""
    from scrutiny.site import netmap

    kb = site
    calls = []
    real = netmap.layout
    monkeypatch.setattr(netmap, "layout", lambda *a, **k: calls.append(1) or real(*a, **k))
    page = project.site_dir / "network" / "index.html"
    before = page.read_text(encoding="utf-8")
    assert "Ann Example" in before

    with project.manifest_path.open("a", encoding="utf-8") as fh:
        fh.write(_manifest_entry("n8"))
    _put(project, "n8")
    build_site(project, curated=kb)
    assert (project.site_dir / "doc" / "n8" / "index.html").is_file()
    assert calls == [] and page.read_text(encoding="utf-8") == before

    kb.stakeholders["ann-example"].name = "Ann Renamed-Example"
    build_site(project, curated=kb)
    assert calls          # (the stakeholders' own small maps are laid out by it too)
    after = page.read_text(encoding="utf-8")
    assert "Ann Renamed-Example" in after and "Ann Example<" not in after
