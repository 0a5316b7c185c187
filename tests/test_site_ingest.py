"""End to end: a Markdown file through scrutiny.ingest (readers, passages, tagging),
then the site: passages, anchors, permalinks and links all in place."""

from __future__ import annotations

from scrutiny.site import build_site
from scrutiny.site.linkcheck import check_site

SOURCE = """---
title: The Gamma Plan for Local Services
authors: [Gamma Review Team]
date: 2019-05
---
# The Gamma Plan for Local Services

## Staffing

The council will recruit 4,000 new support workers by 2022.

Commissioners should publish waiting times for talking therapies every month.

## Hostile input

This paragraph carries <script>window.__xss = 1</script> as plain text.
"""


def test_ingested_markdown_becomes_a_linked_document_page(project):
    from scrutiny.ingest import ingest
    from scrutiny.store import Store

    src = project.sources_dir / "gamma-plan.md"
    src.write_text(SOURCE, encoding="utf-8")
    report = ingest(project, [src], progress=lambda *a: None)
    assert not report.failed, [d.message for d in report.documents]
    with Store(project.store_path, readonly=True) as store:
        (doc,) = [d for d in store.documents()]
        passages = store.passages(doc["id"])
    assert len(passages) >= 5
    # no licence recorded: the text is not republished, yet every permalink resolves
    build_site(project)
    html = (project.site_dir / "doc" / doc["id"] / "index.html").read_text(encoding="utf-8")
    assert "does not allow this site to republish its full text" in html
    assert all(f'id="p-{p.id}"' not in html for p in passages)
    assert "on page" in (project.site_dir / "p" / passages[1].id / "index.html").read_text(encoding="utf-8")
    assert check_site(project.site_dir)[0] == []
    # an open licence in the manifest: the whole text (the pages are rendered again)
    from scrutiny.manifest import update_documents

    update_documents(project.manifest_path, {doc["id"]: {"licence": "CC-BY-4.0"}})
    stats = build_site(project)
    html = (project.site_dir / "doc" / doc["id"] / "index.html").read_text(encoding="utf-8")
    assert "The Gamma Plan for Local Services" in html
    for p in passages:
        assert f'id="p-{p.id}"' in html
        assert (project.site_dir / "p" / p.id / "index.html").is_file()
    # the Markdown reader keeps raw HTML out of the text; whatever is left is text
    assert "window.__xss = 1" in html and "<script>window" not in html
    assert check_site(project.site_dir)[0] == []
    assert stats.pages > 15


def test_a_real_government_pdf_becomes_a_paginated_page(project, real_pdfs):
    """A real PDF (read at run time from ../shared): page markers, anchors, citations, links."""
    import json
    import shutil

    from scrutiny.ingest import ingest
    from scrutiny.store import Store

    pdf = min(real_pdfs, key=lambda p: p.stat().st_size)
    shutil.copy(pdf, project.sources_dir / pdf.name)
    report = ingest(project, [project.sources_dir / pdf.name], progress=lambda *a: None, tag=False)
    assert not report.failed, [d.message for d in report.documents]
    with Store(project.store_path, readonly=True) as store:
        (doc,) = store.documents()
        passages = store.passages(doc["id"])
    from scrutiny.manifest import update_documents

    update_documents(project.manifest_path, {doc["id"]: {"licence": "OGL-UK-3.0"}})  # the real PDFs' licence
    stats = build_site(project)
    html = "".join(f.read_text(encoding="utf-8") for f in sorted((project.site_dir / "doc" / doc["id"]).glob("*.html")))
    pages = sorted({p.page for p in passages})
    assert len(pages) > 5
    for page in pages:
        assert f'id="page-{page}"' in html
    for p in passages:
        assert f'id="p-{p.id}"' in html
    from helpers_site import script_data

    cite = script_data(project.site_dir / "doc" / doc["id"] / "cite.js")
    assert "1" in cite["locators"] or str(pages[0]) in cite["locators"]
    assert check_site(project.site_dir)[0] == []
    assert stats.pages > len(passages)
