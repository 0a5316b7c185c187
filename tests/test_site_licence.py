"""Licences: a document whose licence does not allow republishing shows its
metadata, a notice and only the passages the critique and the claims register
cite; its other passages are neither on its page nor in the search records,
and their permalinks still resolve."""

from __future__ import annotations


import pytest

from scrutiny.manifest import may_republish
from scrutiny.readers.base import Block
from scrutiny.site import build_site
from scrutiny.site.linkcheck import check_site

MANIFEST = '''
[project]
name = "Licence test"

[documents.open]
title = "An Openly Licensed Plan"
kind = "policy"
publisher = "Department of Examples"
url = "https://example.org/open.pdf"
licence = "OGL-UK-3.0"
source = "open.pdf"

[documents.closed]
title = "A Critique Under Copyright"
kind = "critique"
authors = ["C. Author"]
url = "https://example.org/closed"
licence = "All rights reserved"
source = "closed.html"
'''

OPEN = [
    Block("heading", "The open plan", page=1, level=1),
    Block("paragraph", "The open plan promises a wombat census in every district.", page=1),
    Block("paragraph", "A second open paragraph mentions the platypus register.", page=2),
]
CLOSED = [
    Block("heading", "What the critique argues", page=1, level=1),
    Block("paragraph", "The critique says the wombat census counts burrows rather than animals.", page=1),   # claim
    Block("paragraph", "An essay quotes this sentence about the echidna survey.", page=2),                    # essay ref
    Block("paragraph", "The tie evidence names the Example Foundation as funder of the census.", page=2),     # tie
    Block("paragraph", "Cross references cite this remark about the numbat index.", page=3),                  # xref markup
    Block("paragraph", "Nobody cites this paragraph about the quokka ledger at all.", page=4),                # not cited
    Block("paragraph", "This uncited paragraph only resembles the platypus register wording.", page=5),       # tf-idf only
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from scrutiny.init import init_project
    from scrutiny.passages import make_passages
    from scrutiny.project import Project
    from scrutiny.store import Store
    from scrutiny.kb.view import Curated
    from scrutiny.xref import INPUTS_KEY
    from scrutiny.xref.schema import ensure_schema as xref_schema

    root = tmp_path_factory.mktemp("licence") / "proj"
    init_project(root)
    project = Project(root)
    project.manifest_path.write_text(MANIFEST, encoding="utf-8")
    ps = {}
    with Store(project.store_path) as store:
        with store.transaction():
            for doc_id, blocks, pages, source in (("open", OPEN, 2, "open.pdf"), ("closed", CLOSED, 5, "closed.html")):
                ps[doc_id] = make_passages(doc_id, blocks)
                store.upsert_document({"id": doc_id, "title": doc_id, "kind": "policy", "source": source,
                                       "sha256": "0" * 64, "pages": pages, "passages": len(ps[doc_id]),
                                       "metadata": {}, "ingested_at": "2026-01-01T00:00:00"})
                store.replace_passages(doc_id, ps[doc_id])
            xref_schema(store)
            c, o = ps["closed"], ps["open"]
            store.db.executemany(
                "INSERT INTO xref_links (source_kind, source_id, essay_id, target_kind, target_id, method, score, file, "
                "line, source_doc, target_doc) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [("passage", c[4].id, None, "passage", o[1].id, "markup", None, None, None, "closed", "open"),
                 ("passage", c[6].id, None, "passage", o[2].id, "tfidf", 0.5, None, None, "closed", "open")])
            store.set_meta(INPUTS_KEY, "built by the test")
    kb = Curated.from_data({
        "stakeholders": [{"id": "foundation", "name": "Example Foundation", "kind": "organisation"},
                         {"id": "census", "name": "Wombat census", "kind": "programme"}],
        "ties": [{"id": "foundation-funds-census", "subject": "foundation", "relation": "funded", "object": "census",
                  "sources": [], "passages": [c[3].id]}],
        "claims": [{"id": "burrows", "statement": "The census counts animals.", "kinds": ["statistic"],
                    "status": "contested", "documents": [{"doc": "closed", "search": None, "passages": [c[1].id]}],
                    "critique": "It counts burrows.", "evidence": [], "sources": []}],
        "sources": {},
        "essays": [{"id": "note", "path": "kb/critique/note.md", "title": "A note", "doc_id": None,
                    "body": f"# A note\n\nSee [[passage:{c[2].id}|the echidna passage]].\n",
                    "refs": [{"type": "passage", "id": c[2].id, "label": None, "line": 3}]}],
        "documents": {}, "conflicts": []})
    stats = build_site(project, curated=kb)
    return project, stats, ps


def read(project, rel):
    return (project.site_dir / rel).read_text(encoding="utf-8")


@pytest.mark.parametrize("doc, expected", [
    ({"licence": "OGL-UK-3.0"}, True), ({"licence": "Open Government Licence v3.0"}, True),
    ({"licence": "CC-BY-4.0"}, True), ({"licence": "CC-BY-NC-ND-2.0-UK"}, True), ({"licence": "CC BY-SA 4.0"}, True),
    ({"licence": "CC0-1.0"}, True), ({"licence": "Public domain"}, True), ({"licence": "ODC-PDDL-1.0"}, True),
    ({"licence": "All rights reserved (Surviving Work)"}, False), ({"licence": "Crown copyright"}, False),
    ({"licence": "unknown"}, False), ({"licence": ""}, False), ({}, False), ({"licence": None}, False),
    ({"licence": "All rights reserved", "republish": True}, True), ({"licence": "OGL-UK-3.0", "republish": False}, False),
])
def test_may_republish(doc, expected):
    assert may_republish(doc) is expected


def test_the_republish_field_of_the_manifest_reaches_the_helper(tmp_path):
    from scrutiny.manifest import load_manifest

    path = tmp_path / "manifest.toml"
    path.write_text('[documents.x]\ntitle = "X"\nlicence = "All rights reserved"\nrepublish = true\n', encoding="utf-8")
    assert may_republish(load_manifest(path).get("x").to_dict()) is True


def test_the_open_document_is_shown_in_full(site):
    project, _, ps = site
    page = read(project, "doc/open/index.html")
    for p in ps["open"]:
        assert f'id="p-{p.id}"' in page
    assert "does not allow this site to republish" not in page


def test_the_closed_document_shows_its_metadata_a_notice_and_only_cited_passages(site):
    project, _, ps = site
    page = read(project, "doc/closed/index.html")
    assert "A Critique Under Copyright" in page and "All rights reserved" in page
    assert "does not allow this site to republish its full text" in page
    assert "criticism and review" in page and 'href="https://example.org/closed"' in page
    assert "7 passages (4 cited, shown here)" in page
    c = ps["closed"]
    for p in c[1:5]:                                    # claim, essay ref, tie evidence, cited by xref
        assert f'id="p-{p.id}"' in page and p.text in page
        assert f'href="../../p/{p.id}/index.html"' in page      # each with its permalink
    for p in (c[0], c[5], c[6]):                        # a heading nobody cites, uncited, similar wording only
        assert f'id="p-{p.id}"' not in page and p.text not in page
    # the Cite control's texts do not cite a passage by a section heading the site does not show
    cite = (project.site_dir / "doc" / "closed" / "cite.js").read_text(encoding="utf-8")
    assert c[0].kind == "heading" and c[0].text not in cite


def test_uncited_passages_are_not_in_the_search_records(site):
    project, _, ps = site
    blob = "".join(f.read_text(encoding="utf-8") for f in sorted((project.site_dir / "search").rglob("*.js")))
    assert "echidna" in blob                            # a cited passage is searchable
    assert "quokka" not in blob and ps["closed"][6].text not in blob


def test_a_heading_the_site_does_not_show_is_not_in_the_search_records_either(site):
    """The cited passages sit under a heading nobody cites: neither a result's
    section line nor the heading field of the index holds its words."""
    project, _, ps = site
    heading = ps["closed"][0]
    assert heading.kind == "heading" and ps["closed"][1].heading_path[-1] == heading.text
    blob = "".join(f.read_text(encoding="utf-8") for f in sorted((project.site_dir / "search").rglob("*.js")))
    assert heading.text not in blob
    assert '"argu"' not in blob                        # "argues": a word of that heading alone, as the index stems it


def test_permalinks_of_unpublished_passages_resolve_to_their_page_in_the_source(site):
    project, _, ps = site
    stub = read(project, f"p/{ps['closed'][5].id}/index.html")
    assert 'http-equiv="refresh"' not in stub
    assert "on page 4" in stub and 'href="https://example.org/closed"' in stub
    assert "quokka" not in stub
    cited = read(project, f"p/{ps['closed'][1].id}/index.html")
    assert f'url=../../doc/closed/index.html#p-{ps["closed"][1].id}"' in cited


def test_links_to_uncited_passages_are_dropped_and_the_site_has_no_broken_link(site):
    project, stats, ps = site
    open_page = read(project, "doc/open/index.html")
    assert ps["closed"][4].id in open_page              # cited: "discussed in the critique" links to it
    assert ps["closed"][6].id not in open_page          # similar wording only: not linked, not shown
    broken, _ = check_site(project.site_dir)
    assert [str(b) for b in broken] == []
    assert any("closed" in n and "not republished" in n for n in stats.notes)


def test_stakeholder_and_claim_pages_quote_the_cited_passages(site):
    import html

    project, _, ps = site
    assert ps["closed"][3].text in html.unescape(read(project, "stakeholders/foundation/index.html"))
    assert ps["closed"][1].text in html.unescape(read(project, "claims/burrows/index.html"))
