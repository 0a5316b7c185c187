"""A long-lived process (`scrutiny watch`) keeps the site's compiled templates and
code keys between builds (`render.keep_compiled`): the second build compiles no
template again, a template edited between two builds is compiled again and its
pages rendered from it, and the pages are those a one-off build writes."""

from __future__ import annotations

import shutil

import jinja2
import pytest

from helpers_site import build

from scrutiny.site import build_site, render


@pytest.fixture
def kept():
    render.keep_compiled(True)
    yield
    render.keep_compiled(False)


def _count_compiles(monkeypatch) -> list:
    seen = []
    real = jinja2.Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        seen.append(name)
        return real(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return seen


def _files(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_templates_are_compiled_once_while_kept_and_again_once_edited(project, tmp_path, monkeypatch, kept):
    compiled = _count_compiles(monkeypatch)
    _stats, _passages, kb = build(project)
    assert "document.html" in compiled
    compiled.clear()
    # a build that renders every page again (into another folder), the templates unchanged:
    # none compiled
    summary = build_site(project, tmp_path / "again", curated=kb)
    assert summary.pages_rendered > 0 and compiled == []

    own = project.root / "site_templates"
    shutil.copytree(render.THEME_DIR, own, ignore=shutil.ignore_patterns("static"), dirs_exist_ok=True)
    doc = own / "document.html"
    doc.write_text(doc.read_text(encoding="utf-8").replace("{% block meta %}", "{% block meta %}<!-- kept-edit -->", 1),
                   encoding="utf-8")
    build_site(project, curated=kb)
    assert "document.html" in compiled
    page = project.root / "site" / "doc" / "alpha" / "index.html"
    assert "kept-edit" in page.read_text(encoding="utf-8")


def test_a_kept_build_writes_the_pages_a_one_off_build_writes(project, tmp_path, kept):
    _stats, _passages, kb = build(project, tmp_path / "first")
    build_site(project, tmp_path / "kept", curated=kb)           # rendered by the kept templates
    render.keep_compiled(False)
    build_site(project, tmp_path / "one-off", curated=kb)
    kept_files = _files(tmp_path / "kept")
    assert kept_files and _files(tmp_path / "one-off") == kept_files
