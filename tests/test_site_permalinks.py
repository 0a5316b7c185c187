"""Permalinks of re-anchored passages: only an unchanged text redirects silently;
merged, split and edited text gets a page saying so; text no longer found word
for word needs review; quotes reached through an old id quote the span."""

from __future__ import annotations

import pytest

from helpers_site import make_kb, make_store

from scrutiny.site import build_site
from scrutiny.site.linkcheck import check_site

REFRESH = 'http-equiv="refresh"'


def _redirect(store, old_id, new_id, method, old_text):
    store.db.execute(
        "INSERT INTO passage_redirects (old_id, doc_id, new_id, method, score, old_text, old_page, created_at) "
        "VALUES (?,?,?,?,?,?,?,?)", (old_id, "alpha", new_id, method, 0.9, old_text, 1, "2026-01-01"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from scrutiny.init import init_project
    from scrutiny.project import Project
    from scrutiny.store import Store

    root = tmp_path_factory.mktemp("perma") / "proj"
    init_project(root)
    project = Project(root)
    passages = make_store(project)
    alpha = passages["alpha"]
    texts = {
        "exact": alpha[2].text,
        # part of a longer passage now
        "merged": alpha[4].text[alpha[4].text.index("report"):alpha[4].text.index("cent") + 4],
        # one old passage now runs over two
        "split": alpha[5].text + " " + alpha[6].text,
        # the document changed again and this text is gone from its target
        "stale": "A sentence of our own that the current version no longer holds anywhere.",
    }
    with Store(project.store_path) as store:
        with store.transaction():
            _redirect(store, "alpha-oldexactxxxx", alpha[2].id, "exact", texts["exact"])
            _redirect(store, "alpha-oldmergedxxx", alpha[4].id, "merged", texts["merged"])
            _redirect(store, "alpha-oldsplitxxxx", alpha[5].id, "split", texts["split"])
            _redirect(store, "alpha-oldstalexxxx", alpha[1].id, "exact", texts["stale"])
    project.passages = passages
    stats = build_site(project, curated=_kb(project))
    return project, stats, passages, texts


def _kb(project):
    kb = make_kb(project.passages)
    # evidence reached through old ids: a tie, an essay reference and a claim's located passage
    kb.ties[3].passages = ["alpha-oldsplitxxxx"]
    kb.claims[1].documents[0].passages = ["alpha-oldmergedxxx"]
    kb.essays[0].body += "\nSee also [[passage:alpha-oldsplitxxxx|the split passage]].\n"
    return kb


def read(project, rel):
    return (project.site_dir / rel).read_text(encoding="utf-8")


def test_only_an_exact_redirect_refreshes(site):
    project, _, passages, _ = site
    stub = read(project, "p/alpha-oldexactxxxx/index.html")
    assert REFRESH in stub and f"url=../../doc/alpha/index.html#p-{passages['alpha'][2].id}" in stub
    doc = read(project, "doc/alpha/index.html")
    assert f'<span class="alias-anchor" id="p-alpha-oldexactxxxx">' in doc


@pytest.mark.parametrize("old_id, method_words, n_links", [
    ("alpha-oldmergedxxx", "part of the longer passage", 1),
    ("alpha-oldsplitxxxx", "the text was split", 2),
    ("alpha-oldmovedxxxx", "Wording changed since", 1),   # the helper's fuzzy redirect
])
def test_merged_split_and_fuzzy_show_a_page_without_refresh(site, old_id, method_words, n_links):
    project, _, passages, _ = site
    stub = read(project, f"p/{old_id}/index.html")
    assert REFRESH not in stub
    assert method_words in stub
    assert stub.count('href="../../doc/alpha/index.html#p-') == n_links
    # on the document page the old anchor is a visible note, not a silent alias
    doc = read(project, "doc/alpha/index.html")
    assert f'<p class="psg-moved meta" id="p-{old_id}">' in doc
    assert f'class="alias-anchor" id="p-{old_id}"' not in doc


def test_split_links_to_every_passage_it_runs_over(site):
    project, _, passages, _ = site
    stub = read(project, "p/alpha-oldsplitxxxx/index.html")
    for p in passages["alpha"][5:7]:
        assert f'href="../../doc/alpha/index.html#p-{p.id}"' in stub


def test_text_no_longer_there_needs_review(site):
    project, stats, passages, _ = site
    stub = read(project, "p/alpha-oldstalexxxx/index.html")
    assert REFRESH not in stub
    assert "needs review" in stub and 'href="../../doc/alpha/index.html"' in stub
    assert f"#p-{passages['alpha'][1].id}" not in stub     # never the target as if it were the old text
    assert 'id="p-alpha-oldstalexxxx"' not in read(project, "doc/alpha/index.html")
    assert any("need review" in n for n in stats.notes)


def test_the_note_is_in_the_report_of_a_rebuild_with_no_change(site):
    project, _, _, _ = site
    stats = build_site(project, curated=_kb(project))
    assert stats.pages_written == 0
    assert all(isinstance(n, str) for n in stats.notes)
    assert any("alpha-oldstalexxxx" in n and "need review" in n for n in stats.notes)


def test_orphans_keep_their_page(site):
    project, _, _, _ = site
    import re

    doc = read(project, "doc/alpha/index.html")
    orphan_id = re.search(r'<div class="psg orphan" id="p-([^"]+)"', doc).group(1)
    stub = read(project, f"p/{orphan_id}/index.html")
    assert "no longer in the current version" in stub and REFRESH not in stub


def test_evidence_through_an_old_id_quotes_the_span(site):
    import html

    project, _, passages, texts = site
    alpha = passages["alpha"]
    # a tie's evidence through the split id quotes both passages' text, not the first alone
    page = html.unescape(read(project, "stakeholders/northfield/index.html"))
    assert f"<blockquote cite=\"../../doc/alpha/index.html#p-{alpha[5].id}\">{texts['split']}</blockquote>" in page
    assert "the text was split" in page
    # a claim located through the merged id quotes only the part that was the old passage
    page = html.unescape(read(project, "claims/recovery-rate/index.html"))
    assert f">{texts['merged']}</blockquote>" in page
    assert f">{alpha[4].text}</blockquote>" not in page
    # the essay's reference resolves to the span's first passage
    page = read(project, "critique/overview/index.html")
    assert f'href="../../doc/alpha/index.html#p-{alpha[5].id}"' in page


def test_links_stay_green(site):
    project, _, _, _ = site
    broken, _ = check_site(project.site_dir)
    assert [str(b) for b in broken] == []


def test_an_edited_passage_shows_its_old_and_new_wording(site):
    """A fuzzy re-anchoring: the permalink page and the document's note show the
    words the address was made for, and the page the words now."""
    from html import unescape

    from scrutiny.store import Store

    project, _, passages, _ = site
    with Store(project.store_path, readonly=True) as store:
        redirect = store.redirect("alpha-oldmovedxxxx")
    stub = read(project, "p/alpha-oldmovedxxxx/index.html")
    old = stub.split('<blockquote class="old-wording">')[1].split("</blockquote>")[0]
    new = stub.split('<blockquote class="new-wording">')[1].split("</blockquote>")[0]
    assert unescape(old) == redirect.old_text and unescape(new) == passages["alpha"][1].text
    doc = read(project, "doc/alpha/index.html")
    note = doc.split('id="p-alpha-oldmovedxxxx">')[1].split("</p>")[0]
    assert "Wording changed since" in note and redirect.old_text in unescape(note)
