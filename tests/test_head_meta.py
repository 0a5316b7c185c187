"""What reference managers read from our pages: the citation_* tags through
Zotero's author splitting (tests/helpers_zotero.py), Dublin Core and
schema.org JSON-LD, on every document and essay page, all agreeing with
`scrutiny cite`."""

from __future__ import annotations

import json
import re

import pytest
from helpers_site import build, make_kb
from helpers_zotero import highwire_creators

from scrutiny.cite.people import csl_name

AUTHORS = ["Cabinet Office", "Jane Q. Smith", "J. Smith", "Ana María García", "NHS England", "Farmer, Paul"]
# what Zotero must make of them: (firstName, lastName)
ZOTERO = [("", "Cabinet Office"), ("Jane Q.", "Smith"), ("J.", "Smith"), ("Ana María", "García"),
          ("", "NHS England"), ("Paul", "Farmer")]


@pytest.mark.parametrize("name, csl", [
    ("J. Smith", {"family": "Smith", "given": "J."}),
    ("Jane Q. Smith", {"family": "Smith", "given": "Jane Q."}),
    ("Ana María García", {"family": "García", "given": "Ana María"}),
    ("Smith, Jane", {"family": "Smith", "given": "Jane"}),
    ("Martin Luther King Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
    ("Cabinet Office", {"literal": "Cabinet Office"}),
    ("NHS England", {"literal": "NHS England"}),
    ("DWP", {"literal": "DWP"}),
    ("Mind,", {"literal": "Mind"}),
    ("scrutiny contributors", {"literal": "scrutiny contributors"}),
])
def test_names_are_people_or_organisations(name, csl):
    assert csl_name(name) == csl


def test_people_are_not_braced_in_bibtex_and_apa_inverts_them():
    import bibtexparser

    from scrutiny.cite import cite_document

    doc = {"id": "d", "title": "A Synthetic Report", "authors": ["Jane Q. Smith", "Cabinet Office"], "date": "2020"}
    entry = bibtexparser.parse_string(cite_document(doc, "bibtex")).entries[0]
    assert entry["author"] == "Smith, Jane Q. and {Cabinet Office}"
    assert cite_document(doc, "apa").startswith("Smith, J. Q., & Cabinet Office. (2020).")


def _metas(html: str, name: str) -> list[str]:
    from html import unescape

    return [unescape(m.group(2)) for m in re.finditer(r'<meta name="([^"]+)" content="([^"]*)">', html)
            if m.group(1) == name]


def _json_ld(html: str) -> dict:
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(data)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from scrutiny.init import init_project
    from scrutiny.manifest import update_documents
    from scrutiny.project import Project
    from scrutiny.site import build_site

    root = tmp_path_factory.mktemp("meta") / "proj"
    init_project(root)
    project = Project(root)
    _, passages, _ = build(project)
    update_documents(project.manifest_path, {"alpha": {"authors": AUTHORS, "date": "2016-02-01"}})
    build_site(project, curated=make_kb(passages))
    return project


def test_zotero_splits_our_authors_as_people_and_keeps_organisations_whole(site):
    html = (site.site_dir / "doc/alpha/index.html").read_text(encoding="utf-8")
    creators = highwire_creators(_metas(html, "citation_author"))
    assert [(c["firstName"], c["lastName"]) for c in creators] == ZOTERO
    assert _metas(html, "citation_publication_date") == ["2016/02/01"]      # Scholar's full form
    assert _metas(html, "DC.creator")[:2] == ["Cabinet Office", "Smith, Jane Q."]
    data = _json_ld(html)
    assert data["@type"] == "Report" and data["datePublished"] == "2016-02-01"
    assert data["author"][0] == {"@type": "Organization", "name": "Cabinet Office"}
    assert data["author"][1] == {"@type": "Person", "name": "Jane Q. Smith", "familyName": "Smith",
                                 "givenName": "Jane Q."}


def test_one_organisation_alone_stays_whole():
    """A lone tag with a comma in it goes through Zotero's comma splitting first."""
    assert highwire_creators(["Cabinet Office,"]) == [{"firstName": "", "lastName": "Cabinet Office"}]
    # without our trailing comma Zotero would split it at its last space
    assert highwire_creators(["Cabinet Office"]) == [{"firstName": "Cabinet", "lastName": "Office"}]
    assert highwire_creators(["Smith, Jane Q."]) == [{"firstName": "Jane Q.", "lastName": "Smith"}]


def test_an_organisation_named_with_a_comma_is_not_cut_in_two():
    from scrutiny.cite import csl_item
    from scrutiny.cite.meta import head_meta

    doc = {"id": "d", "title": "T", "authors": ["Department for Digital, Culture, Media and Sport,"]}
    meta = head_meta(csl_item(doc))
    assert ("citation_author", "Department for Digital, Culture, Media and Sport,") not in meta
    assert ("DC.creator", "Department for Digital, Culture, Media and Sport") in meta


def test_every_document_and_essay_page_describes_itself(site):
    from scrutiny.cite import csl_item
    from scrutiny.cite.resolve import document_record
    from scrutiny.store import Store

    pages = sorted(site.site_dir.glob("doc/*/index.html")) + sorted(site.site_dir.glob("critique/*/index.html"))
    assert any("critique" in str(p) for p in pages)
    for page in pages:
        if page.parent.name in ("critique",):
            continue
        html = page.read_text(encoding="utf-8")
        assert _metas(html, "citation_title") and _metas(html, "DC.title"), page
        assert _json_ld(html)["name"] == _metas(html, "citation_title")[0], page
    essay = (site.site_dir / "critique/overview/index.html").read_text(encoding="utf-8")
    assert highwire_creators(_metas(essay, "citation_author")) == [{"firstName": "A.", "lastName": "Writer"}]
    assert _metas(essay, "citation_publication_date") == ["2024"]
    # the same description as `scrutiny cite` gives
    with Store(site.store_path, readonly=True) as store:
        item = csl_item(document_record(site, store, "alpha"))
    assert [csl_name(a) for a in AUTHORS] == item["author"]
    html = (site.site_dir / "doc/alpha/index.html").read_text(encoding="utf-8")
    assert _metas(html, "citation_title") == [item["title"]]
