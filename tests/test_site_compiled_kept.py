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


@pytest.fixture
def digests():
    from scrutiny import site

    site.keep_digests(True)
    yield site
    site.keep_digests(False)


def _count_digests(monkeypatch) -> list:
    """Each document digest made (``generators.doc_digest`` encodes the entry with ``input_key``)."""
    from scrutiny.site import writer

    made = []
    real = writer.input_key

    def counting(*parts):
        if len(parts) == 1 and isinstance(parts[0], list) and len(parts[0]) == 2 and isinstance(parts[0][0], dict):
            made.append(parts[0][0].get("id"))
        return real(*parts)

    monkeypatch.setattr(writer, "input_key", counting)
    return made


def test_kept_digests_are_taken_again_only_for_unchanged_entries_and_build_the_same_site(
        project, tmp_path, monkeypatch, digests):
    _stats, _passages, kb = build(project, tmp_path / "first")
    kept = dict(digests._DIGESTS)
    assert kept                                              # the first build's digests were kept
    made = _count_digests(monkeypatch)
    # one document's digest replaced (its entry unchanged: taken as kept, the contract being
    # equal entries, equal digests), one of a document no longer there, and one whose kept
    # entry is not the document's now (an older title): only that one is made again
    doc_id = sorted(kept)[0]
    entry, _digest = kept[doc_id]
    digests._DIGESTS[doc_id] = (entry, "0" * 64)
    digests._DIGESTS["gone"] = ([{"id": "gone"}, None], "1" * 64)      # a document no longer there
    other = sorted(kept)[-1]
    digests._DIGESTS[other] = ([dict(kept[other][0][0], title="an older title"), kept[other][0][1]], "2" * 64)
    build_site(project, tmp_path / "kept", curated=kb)
    assert made == [other]                  # the moved entry's digest made again, no other
    digests.keep_digests(False)
    build_site(project, tmp_path / "one-off", curated=kb)
    # digests are keys, never printed: the pages are the one-off build's
    kept_files, one_off = _files(tmp_path / "kept"), _files(tmp_path / "one-off")
    assert set(kept_files) == set(one_off)
    assert [p for p in one_off if one_off[p] != kept_files[p]] == []
