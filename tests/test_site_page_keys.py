"""A page's key names what renders its kind of page (its templates, with those
they extend, include or import, and the modules of ``render.RENDER_CODE``) and
its inputs: not the whole site's code. A template edited renders again the pages
that use it and no other; code that renders no page renders nothing again."""

from __future__ import annotations

import shutil

from helpers_site import build

from scrutiny.site import build_site
from scrutiny.site import render
from scrutiny.site.render import Renderer, make_env, template_dirs


def _renderer(project):
    return Renderer(make_env(template_dirs(project)), None, {}, "unused")


def _own_theme(project):
    """The project's own copy of the theme (site_templates/ overrides the package's)."""
    own = project.root / "site_templates"
    if own.exists():
        shutil.rmtree(own)
    shutil.copytree(render.THEME_DIR, own, ignore=shutil.ignore_patterns("static"))
    return own


def test_a_kinds_key_follows_its_templates_and_not_the_others(project):
    own = _own_theme(project)
    first = {k: _renderer(project).code_key(k) for k in ("document.html", "stakeholder.html", "redirect.html", "cite")}
    assert len(set(first.values())) == 4

    # a page template of another kind: only that kind's key moves
    (own / "stakeholder.html").write_text((own / "stakeholder.html").read_text() + "\n{# ours #}\n")
    second = {k: _renderer(project).code_key(k) for k in first}
    assert second["stakeholder.html"] != first["stakeholder.html"]
    assert {k: v for k, v in second.items() if k != "stakeholder.html"} == \
        {k: v for k, v in first.items() if k != "stakeholder.html"}

    # a partial imported by the document page (_macros.html), and one it includes (_head_meta.html)
    for partial in ("_macros.html", "_head_meta.html"):
        before = _renderer(project).code_key("document.html")
        (own / partial).write_text((own / partial).read_text() + "\n{# ours #}\n")
        assert _renderer(project).code_key("document.html") != before, partial
    # base.html is extended by the pages of the site (the permalink stubs are standalone), not by a data file
    before = {k: _renderer(project).code_key(k) for k in first}
    (own / "base.html").write_text((own / "base.html").read_text() + "\n{# ours #}\n")
    after = {k: _renderer(project).code_key(k) for k in first}
    assert [k for k in first if after[k] != before[k]] == ["document.html", "stakeholder.html"]


def test_a_kinds_key_follows_its_modules_and_not_the_others(project, tmp_path, monkeypatch):
    package = tmp_path / "scrutiny"
    shutil.copytree(render.PACKAGE, package, ignore=shutil.ignore_patterns("theme", "__pycache__", "data"))
    monkeypatch.setattr(render, "PACKAGE", package)
    kinds = ("document.html", "redirect.html", "parts", "search.html")
    first = {k: _renderer(project).code_key(k) for k in kinds}

    def edit(rel):
        with (package / rel).open("a") as fh:
            fh.write(f"\n# edited {rel}\n")
        return {k for k in kinds if _renderer(project).code_key(k) != first[k]}

    # the writer, the publishing, the up-to-date stamp, the search index: no page is rendered by them
    for rel in ("site/writer.py", "site/publish.py", "site/uptodate.py", "site/search_index.py", "store.py"):
        assert edit(rel) == set(), rel
    assert edit("site/parts.py") == {"document.html", "parts"}
    assert edit("site/generators.py") == set(kinds)


def test_a_template_edited_renders_only_the_pages_that_use_it(project):
    _, _, kb = build(project)
    own = _own_theme(project)
    again = build_site(project, curated=kb)   # the same theme, now the project's own: nothing to render
    assert again.pages_rendered == 0, again

    (own / "stakeholder.html").write_text((own / "stakeholder.html").read_text() + "\n{# ours #}\n")
    s = build_site(project, curated=kb)
    stakeholder_pages = sorted(p.parent.name for p in (project.site_dir / "stakeholders").glob("*/index.html"))
    assert stakeholder_pages and s.pages_rendered == len(stakeholder_pages), (s.pages_rendered, stakeholder_pages)
    assert s.pages_written <= len(stakeholder_pages)


def test_the_search_index_is_built_again_by_its_own_code_only(project, monkeypatch):
    """A bucket's key holds the code that makes its files (search_index.code_key),
    not the whole site's: a change elsewhere in the site (here the fingerprint of
    the templates and site code moves) builds no bucket again; a change to the
    search index's code builds every bucket again."""
    from scrutiny.site import search_index

    _, _, kb = build(project)
    monkeypatch.setattr(render, "fingerprint", lambda dirs: "another site")
    s = build_site(project, curated=kb)
    assert s.search_records is None, s
    assert s.pages_rendered == 0
    # (the search index's code is site code: the up-to-date stamp's fingerprint moves with it)
    monkeypatch.setattr(render, "fingerprint", lambda dirs: "the search code edited")
    monkeypatch.setattr(search_index, "code_key", lambda: "other search code")
    s = build_site(project, curated=kb)
    assert s.search_records and s.search_records > 0
    assert s.pages_rendered == 0



def test_a_stakeholder_pages_documents_are_read_by_document_and_keyed_by_what_it_shows(project, monkeypatch):
    """The documents naming each stakeholder are read as each document's rows
    (``site.named_lists``; every stakeholder's whole list read and hashed made the
    stakeholder pages a sixth of a one-document build at 10,000 documents), kept
    between builds: a build that changed nothing reads none. A naming document's
    label changed renders the stakeholder's page that lists it again
    (``test_site_named_lists`` has what it does not render)."""
    from scrutiny.site.writer import Writer
    from scrutiny.xref import queries

    _, _, kb = build(project)
    reads: list = []
    real = queries.stakeholder_documents
    monkeypatch.setattr(queries, "stakeholder_documents",
                        lambda store, sid=None, doc_ids=None: reads.append(doc_ids) or real(store, sid, doc_ids))
    rendered: list[str] = []
    real_write = Writer.write
    monkeypatch.setattr(Writer, "write", lambda self, rel, *a, **k: rendered.append(rel) or real_write(self, rel, *a, **k))

    monkeypatch.setattr(render, "fingerprint", lambda dirs: "a full build")   # not the up-to-date answer
    s = build_site(project, curated=kb)
    assert s.pages_rendered == 0
    assert reads == []      # every document's rows kept from the last build

    # a document naming Northfield Trust: its label, shown in the list of the documents naming it
    text = project.manifest_path.read_text(encoding="utf-8")
    assert 'short_title = "Alpha plan"' in text
    project.manifest_path.write_text(text.replace('short_title = "Alpha plan"', 'short_title = "The Alpha plan"'),
                                     encoding="utf-8")
    build_site(project, curated=kb)
    # (a document's label and date are in the key of its rows: its own are read again, no other's)
    assert "stakeholders/northfield/index.html" in rendered and reads == [["alpha"]]
    assert "The Alpha plan" in (project.site_dir / "stakeholders" / "northfield" / "index.html").read_text(
        encoding="utf-8").split('id="men-h"')[1]
