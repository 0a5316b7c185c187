"""The static site built from a synthetic project: pages, anchors, links,
determinism, incremental rebuilds, security and the search index."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers_site import XSS_IMG, XSS_LINK, XSS_SCRIPT, build, make_kb, make_store

from scrutiny.site import build_site
from scrutiny.site.linkcheck import check_site, external_requests


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from scrutiny.init import init_project
    from scrutiny.project import Project

    root = tmp_path_factory.mktemp("site") / "proj"
    init_project(root)
    project = Project(root)
    stats, passages, kb = build(project)
    return project, stats, passages, kb


def read(project, rel):
    return (project.site_dir / rel).read_text(encoding="utf-8")


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html):
    p = Tags()
    p.feed(html)
    return p.tags


def all_pages(project):
    return sorted(project.site_dir.rglob("*.html"))


# --- pages and anchors ----------------------------------------------------------------

def test_every_page_type_is_built(built):
    project, stats, passages, kb = built
    for rel in ("index.html", "documents/index.html", "doc/alpha/index.html", "doc/beta/index.html",
                "claims/index.html", "claims/new-posts/index.html", "stakeholders/index.html",
                "stakeholders/ann-example/index.html", "network/index.html", "critique/index.html",
                "critique/overview/index.html", "method/index.html", "search/index.html",
                "search/meta.json", "doc/alpha/cite.json", "static/site.css", "static/print.css",
                "static/search.js", "static/document.js"):
        assert (project.site_dir / rel).is_file(), rel
    assert stats.pages_written == stats.pages > 30


def test_document_page_has_an_anchor_per_passage_and_page_markers(built):
    project, _, passages, _ = built
    html = read(project, "doc/alpha/index.html")
    ids = {a.get("id") for _, a in tags_of(html)}
    for p in passages["alpha"]:
        assert f"p-{p.id}" in ids
        assert p.text.split()[-1] in html
    for page in (1, 2, 3):
        assert f'id="page-{page}"' in html
    # a passage spanning pages 2-3 says so
    assert "pp. 2–3" in html


def test_every_passage_has_a_permalink_page_that_redirects_to_its_anchor(built):
    project, _, passages, _ = built
    for doc_id, ps in passages.items():
        for p in ps:
            stub = read(project, f"p/{p.id}/index.html")
            assert f'url=../../doc/{doc_id}/#p-{p.id}"' in stub


def test_old_ids_redirect_and_orphans_are_shown_not_dropped(built):
    project, _, passages, _ = built
    moved = read(project, "p/alpha-oldmovedxxxx/index.html")
    assert f"#p-{passages['alpha'][1].id}" in moved
    assert 'http-equiv="refresh"' not in moved          # a fuzzy match is shown, not followed silently
    doc = read(project, "doc/alpha/index.html")
    assert 'id="p-alpha-oldmovedxxxx"' in doc          # the old anchor lands on a note by the new passage
    orphan_id = re.search(r'<div class="psg orphan" id="p-([^"]+)"', doc).group(1)
    assert "waiting times had halved" in doc
    stub = read(project, f"p/{orphan_id}/index.html")
    assert "no longer in the current version" in stub and "http-equiv=\"refresh\"" not in stub


def test_document_without_its_source_says_how_to_add_it(built):
    project, *_ = built
    html = read(project, "doc/beta/index.html")
    assert "not in this build" in html
    assert "scrutiny fetch beta" in html and "corpus/sources/" in html and "beta.pdf" in html
    assert 'class="psg ' not in html


def test_claims_and_mentions_are_highlighted_and_linked(built):
    project, _, passages, _ = built
    html = read(project, "doc/alpha/index.html")
    assert re.search(r'<mark class="claim k-commitment k-statistic"[^>]*>The plan promises 21,000', html)
    assert '<a class="mention" href="../../stakeholders/northfield/">The Northfield Trust</a>' in html
    # curated claim located by its search terms, linked from the passage
    block = html.split(f'id="p-{passages["alpha"][1].id}"')[1].split('class="psg ')[0]
    assert 'href="../../claims/new-posts/"' in block


def test_highwire_citation_meta_tags(built):
    project, *_ = built
    metas = {a.get("name"): a.get("content") for t, a in tags_of(read(project, "doc/alpha/index.html")) if t == "meta"}
    assert metas["citation_title"] == "The Alpha Workforce Plan"
    assert metas["citation_author"] == "Example Taskforce,"   # an organisation: Zotero keeps it whole
    assert metas["citation_publication_date"] == "2016"       # Scholar has no year-and-month form
    assert metas["DC.date"] == "2016-02"
    assert metas["citation_pdf_url"] == "https://example.org/alpha.pdf"


def test_claim_page_quotes_extracted_text_and_renders_refs(built):
    project, _, passages, _ = built
    html = read(project, "claims/new-posts/index.html")
    assert passages["alpha"][1].text in html            # the passage, as extracted
    assert 'href="../../stakeholders/northfield/"' in html and 'href="../../doc/alpha/"' in html
    assert "[[" not in html
    assert "Annual workforce census" in html            # the source
    assert "not in this build" in html                  # beta is not ingested


def test_stakeholder_page_ties_evidence_and_conflicts(built):
    project, _, passages, _ = built
    html = read(project, "stakeholders/ann-example/index.html")
    assert "holds a position at" in html and "chief executive" in html   # subject first, in English
    assert "Conflicts of interest" in html and 'href="../../stakeholders/northfield/"' in html
    doc_sh = read(project, "stakeholders/alpha-plan/index.html")
    assert "is an author of" in doc_sh and "was authored by" not in doc_sh  # the tie reads subject first
    assert passages["alpha"][4].text in doc_sh          # evidence passage quoted
    assert 'href="../../doc/alpha/"' in doc_sh


def test_network_map_is_an_svg_of_links_labelled_by_relation(built):
    project, _, _, kb = built
    html = read(project, "network/index.html")
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    hrefs = re.findall(r'<a href="([^"]+)" class="node', svg)
    assert sorted(hrefs) == sorted(f"../stakeholders/{sid}/" for sid in kb.stakeholders)
    for label in ("position in", "authored", "provides"):       # short labels on the lines
        assert f"</title>{label}</text>" in svg
    assert "Ann Example holds a position in Example Taskforce (chair)</title>" in svg   # the full wording
    assert 'width="100%"' in svg.split(">", 1)[0]
    assert "Wellbeing &lt;Programme&gt;" in svg


def test_essay_refs_become_links_and_raw_html_stays_text(built):
    project, passages, *_ = built[0], built[2]
    html = read(project, "critique/overview/index.html")
    assert 'href="../../claims/new-posts/"' in html
    assert f'href="../../doc/alpha/#p-{passages["alpha"][4].id}"' in html
    assert "missing passage (not available in this build)" in html
    assert "&lt;script&gt;window.__xss = 9&lt;/script&gt;" in html
    assert "[bad link](javascript:alert(1))" in html and "href=\"javascript" not in html


def test_method_page_shows_the_vocabulary(built):
    from scrutiny.schema import vocabulary

    project, *_ = built
    html = read(project, "method/index.html")
    v = vocabulary()
    for name in [*v.claim_kinds, *v.relations, *v.claim_statuses]:
        assert name in html


# --- links, assets, security ------------------------------------------------------------

def test_no_broken_internal_links_or_anchors(built):
    project, *_ = built
    broken, info = check_site(project.site_dir)
    assert info["pages"] > 30 and info["links"] > 300
    assert broken == [], "\n".join(map(str, broken))


def test_link_checker_catches_a_broken_anchor(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">x</a><a href="a/#nope">y</a><a href="b.html">z</a>')
    (tmp_path / "a" / "index.html").write_text('<p id="yes">a</p><a href="../#top">t</a>')
    broken, _ = check_site(tmp_path)
    reasons = sorted(str(b) for b in broken)
    assert len(reasons) == 3
    assert any("nope" in r for r in reasons) and any("b.html" in r for r in reasons) and any("top" in r for r in reasons)


def test_no_request_leaves_the_site(built):
    project, *_ = built
    assert external_requests(project.site_dir) == []


def test_csp_everywhere_and_no_inline_scripts_handlers_or_styles(built):
    project, *_ = built
    for page in all_pages(project):
        html = page.read_text(encoding="utf-8")
        tags = tags_of(html)
        csp = [a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert csp and "'unsafe-inline'" not in csp[0] and "default-src 'self'" in csp[0], page
        for tag, attrs in tags:
            if tag == "script" and attrs.get("type") != "application/ld+json":  # data, never run
                assert attrs.get("src"), f"{page}: inline script"
            assert not any(k.startswith("on") for k in attrs), f"{page}: event handler on <{tag}>"
            assert "style" not in attrs, f"{page}: inline style on <{tag}>"
            for k in ("href", "src"):
                assert not (attrs.get(k) or "").strip().lower().startswith("javascript:"), page
        for data in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            assert "<" not in data and json.loads(data)["@context"] == "https://schema.org", page
        html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
        assert re.sub(r"<script src=[^>]*></script>", "", html).count("<script") == 0, page


def test_hostile_text_shows_as_text_everywhere(built):
    project, *_ = built
    html = read(project, "doc/evil/index.html")
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.startswith("Hostile &lt;script&gt;alert(")
    for raw in (XSS_SCRIPT, XSS_IMG, XSS_LINK):
        assert raw not in html
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;window.__xss = 2&#34;&gt;" in html
    assert "&lt;a href=&#34;javascript:window.__xss=3&#34;&gt;click me&lt;/a&gt;" in html
    for t, a in tags_of(html):
        assert t != "img"
    # the home page lists the title as text, too
    assert "Hostile &lt;script&gt;" in read(project, "index.html")
    # the search records keep the text verbatim (the browser inserts it with textContent)
    records = [r for f in (project.site_dir / "search" / "r").glob("*.json")
               for r in json.loads(f.read_text(encoding="utf-8"))]
    assert any(XSS_SCRIPT in (r.get("x") or "") for r in records)


# --- determinism and incremental builds ---------------------------------------------------

def tree(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical_and_a_rebuild_writes_nothing(built, tmp_path):
    project, first, passages, kb = built
    other = tmp_path / "other"
    stats = build_site(project, other, curated=kb)
    assert stats.pages_written == first.pages_written
    a, b = tree(project.site_dir), tree(other)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    again = build_site(project, other, curated=kb)
    assert again.pages_written == 0 and again.pages_rendered == 0
    assert again.pages_unchanged == again.pages == stats.pages
    assert again.search_records is None          # the search index was not even rebuilt


def test_a_change_rerenders_only_what_it_touches_and_removes_stale_pages(tmp_path):
    from scrutiny.init import init_project
    from scrutiny.project import Project
    from scrutiny.store import Store

    init_project(tmp_path / "p")
    project = Project(tmp_path / "p")
    stats, passages, kb = build(project)
    with Store(project.store_path) as store, store.transaction():
        store.delete_document("evil")
    again = build_site(project, curated=kb)
    assert not (project.site_dir / "doc/evil/index.html").exists() or "not in this build" in read(project, "doc/evil/index.html")
    assert not any((project.site_dir / "p").glob("evil-*"))
    assert again.files_removed >= 2
    assert 0 < again.pages_rendered < stats.pages_rendered
    broken, _ = check_site(project.site_dir)
    assert broken == []


def test_builds_without_store_or_knowledge_base(project):
    project.manifest_path.write_text(
        '[project]\nname = "Empty"\n[documents.only]\ntitle = "Only <b>one</b>"\nsource = "only.pdf"\n', encoding="utf-8")
    stats = build_site(project)
    assert stats.pages > 5
    assert any("no store" in n for n in stats.notes)
    html = read(project, "doc/only/index.html")
    assert "Only &lt;b&gt;one&lt;/b&gt;" in html and "not in this build" in html
    assert check_site(project.site_dir)[0] == []


def test_builds_with_the_real_knowledge_base_loader(project):
    """`scrutiny init`'s kb/ loads through scrutiny.kb: an essay file, no claims yet."""
    make_store(project)   # writes kb/critique/overview.md, which links [[doc:alpha|Alpha plan]]
    stats = build_site(project)
    assert "no stakeholders" not in " ".join(stats.notes)
    assert "no claims yet" in read(project, "claims/index.html")
    assert re.search(r'<a href="../../doc/alpha/"[^>]*>Alpha plan</a>', read(project, "critique/overview/index.html"))
    # the loaded knowledge base is cached; an edit to kb/ is seen by the next build
    essay = project.kb_dir / "critique" / "overview.md"
    essay.write_text(essay.read_text(encoding="utf-8").replace("counts posts", "counts vacancies"), encoding="utf-8")
    again = build_site(project)
    assert "counts vacancies" in read(project, "critique/overview/index.html")
    assert 0 < again.pages_written < stats.pages_written
    assert check_site(project.site_dir)[0] == []


# --- search index ------------------------------------------------------------------------

def test_search_index_finds_passages_claims_and_stakeholders(built):
    from scrutiny.site.search_index import tokenize

    project, _, passages, _ = built
    search = project.site_dir / "search"
    meta = json.loads((search / "meta.json").read_text())
    files = {p.relative_to(search).as_posix(): p.read_text() for p in search.rglob("*.json")}

    def top(query):
        import math
        from collections import Counter

        scores = Counter()
        for term in tokenize(query):
            shard = json.loads(files.get(f"i/{term[:2]}.json", "{}"))
            for key, flat in shard.items():
                if key.startswith(term):
                    df = len(flat) // 2
                    idf = math.log(1 + (meta["n"] - df + 0.5) / (df + 0.5))
                    rec = 0
                    for i in range(0, len(flat), 2):
                        rec += flat[i]
                        scores[rec] += idf * flat[i + 1]
        best = max(scores, key=lambda r: (scores[r], -r))
        return json.loads(files[f"r/{best // meta['chunk']}.json"])[best % meta["chunk"]]

    rec = top("recovery rate finish treatment")
    assert rec["t"] == "p" and rec["u"] == f"doc/alpha/#p-{passages['alpha'][4].id}" and rec["pg"] == "2"  # the page as printed
    assert top("Northfield")["t"] in ("s", "p")
    assert top("plan creates")["u"] == "claims/new-posts/"
    assert meta["ranges"]["alpha"] == [0, len(passages["alpha"])]
    facets = json.loads(files["facets.json"])
    assert facets["kind"]["statistic"] and facets["sh"]["northfield"]


def test_tokenizer_handles_numbers_plurals_and_accents():
    from scrutiny.site.search_index import tokenize

    assert tokenize("21,000 new posts") == ["21000", "new", "post"]
    assert tokenize("The £1.8 billion fund") == ["1.8", "billion", "fund"]
    assert tokenize("Policies of Mind's café") == ["policy", "mind", "cafe"]


def test_first_query_downloads_little(built):
    from scrutiny.site.search_index import first_query_bytes

    project, *_ = built
    search = project.site_dir / "search"
    files = {p.relative_to(search).as_posix(): p.read_text() for p in search.rglob("*.json")}
    js = sum((project.site_dir / "static" / n).stat().st_size for n in ("site.js", "search.js"))
    assert first_query_bytes(files, js, "recovery rate") <= 300 * 1024


def test_common_terms_get_their_own_posting_files():
    from scrutiny.site.search_index import SearchIndexBuilder, first_query_bytes

    b = SearchIndexBuilder()
    for i in range(3000):
        b.add({"t": "p", "u": f"doc/d/#p-{i}", "d": "d", "x": "x"}, f"department recovery item{i % 50}")
    files = b.files({})
    shard = json.loads(files["i/de.json"])
    assert shard["department"] == 3000 and "t/department.json" in files
    assert len(json.loads(files["t/department.json"])) == 6000
    # the shard stays small: a query for another "de..." word does not pay for "department"
    assert len(files["i/de.json"]) < 100
    assert first_query_bytes(files, 0, "department") > len(files["t/department.json"])


def test_cross_references_are_shown_both_ways(built):
    project, _, passages, _ = built
    target, critique = passages["alpha"][4], passages["overview"][1]
    alpha = read(project, "doc/alpha/index.html")
    block = alpha.split(f'id="p-{target.id}"')[1].split('class="psg ')[0]
    assert "Discussed in the critique" in block
    assert 'href="../../critique/overview/"' in block
    assert f'href="../../doc/overview/#p-{critique.id}"' in block and "similar wording, score 0.41" in block
    overview = read(project, "doc/overview/index.html")
    block = overview.split(f'id="p-{critique.id}"')[1].split('class="psg ')[0]
    assert f'href="../../doc/alpha/#p-{target.id}"' in block and "Alpha plan, p. 2" in block
    claim = read(project, "claims/recovery-rate/index.html")
    assert "The same claim in other documents" in claim and critique.text in claim and "score 0.33" in claim
    assert "Named in" in read(project, "stakeholders/northfield/index.html")
    essay = read(project, "critique/overview/index.html")
    assert "Passages this essay discusses" in essay and target.text in essay


def test_a_rebuild_restores_files_deleted_from_the_site(built, tmp_path):
    import shutil

    project, _, passages, kb = built
    out = tmp_path / "copy"
    build_site(project, out, curated=kb)
    shutil.rmtree(out / "p")
    (out / "search" / "meta.json").unlink()
    again = build_site(project, out, curated=kb)
    assert again.pages_written >= len([p for ps in passages.values() for p in ps]) + 1
    assert (out / "search" / "meta.json").is_file()
    assert check_site(out)[0] == []


def test_stages_that_have_not_run_are_said_on_every_page(project):
    """An ingested store, never tagged nor cross-referenced: no highlights, and every
    page says why (the build report too); once tagged, the notice says what is left."""
    make_store(project, tags=False, xrefs=False)
    stats = build_site(project, curated=make_kb())
    html = read(project, "doc/alpha/index.html")
    assert 'class="psg ' in html and "<mark class=\"claim" not in html
    assert {"the passages are not tagged yet", "cross-references are not built yet"} <= set(stats.pending)
    for page in ("index.html", "doc/alpha/index.html", "claims/new-posts/index.html"):
        text = read(project, page)
        assert "the passages are not tagged yet" in text and "cross-references are not built yet" in text
        assert "<code>scrutiny build</code>" in text
    assert check_site(project.site_dir)[0] == []
    assert stats.pages > 20
    from helpers_site import write_tags

    from scrutiny.store import Store

    with Store(project.store_path) as store, store.transaction():
        passages = {d: store.passages(d) for d in ("alpha", "overview", "evil")}
        write_tags(store, passages, passages["alpha"])
    again = build_site(project, curated=make_kb())
    assert "cross-references are not built yet" in again.pending
    assert not any("tagged" in p for p in again.pending)
    assert "not tagged yet" not in read(project, "doc/alpha/index.html")
    assert "<mark class=\"claim" in read(project, "doc/alpha/index.html")


def test_tags_made_by_an_older_scrutiny_stop_the_build_with_one_clear_error(project):
    import pytest

    from scrutiny.errors import ScrutinyError
    from scrutiny.store import Store

    make_store(project, tags=True, xrefs=False)
    with Store(project.store_path) as store, store.transaction():
        store.db.execute("UPDATE schema_versions SET version = 2 WHERE component = 'nlp'")
    with pytest.raises(ScrutinyError, match="made by an older scrutiny.*run `scrutiny tag`"):
        build_site(project, curated=make_kb())


def test_builds_in_two_processes_with_different_hash_seeds_are_identical(tmp_path):
    """Set order changes with PYTHONHASHSEED: nothing in the site may depend on it."""
    import os
    import subprocess
    import sys

    script = (
        "import sys; sys.path.insert(0, sys.argv[3])\n"
        "from pathlib import Path\n"
        "from scrutiny.init import init_project\n"
        "from scrutiny.project import Project\n"
        "from helpers_site import build\n"
        "root = Path(sys.argv[1]); init_project(root)\n"
        "build(Project(root), Path(sys.argv[2]))\n"
    )
    tests_dir = str(Path(__file__).parent)
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-c", script, str(tmp_path / f"p{seed}"), str(tmp_path / f"s{seed}"), tests_dir],
                       check=True, env=env)
    a, b = tree(tmp_path / "s1"), tree(tmp_path / "s2")
    assert a.keys() == b.keys() and len(a) > 50
    assert [k for k in a if a[k] != b[k]] == []


def test_ties_the_tagger_suggests_are_shown_apart_from_curated_ones(project, monkeypatch):
    from scrutiny.tags import queries
    from scrutiny.tags.queries import TieEvidence, TieListing

    passages = make_store(project)   # a tagged store: the site asks list_ties
    evidence = passages["alpha"][6]

    def fake_list_ties(project_, store, curated, **kw):
        assert "northfield" in curated.stakeholders and curated.ties
        return [
            TieListing(id="tie-x", subject="northfield", subject_name="Northfield Trust", relation="funded",
                       object="taskforce", object_name="Example Taskforce", role=None, status="suggested",
                       confidence=0.81, evidence=[TieEvidence(evidence.id, evidence.text, "alpha", 2, "pattern")],
                       sources=[]),
            TieListing(id="tie-r", subject="northfield", subject_name="Northfield Trust", relation="funded",
                       object="ann-example", object_name="Ann Example", role=None, status="rejected",
                       confidence=0.5, evidence=[], sources=[]),
        ]

    monkeypatch.setattr(queries, "list_ties", fake_list_ties)
    build_site(project, curated=make_kb(passages))
    html = read(project, "stakeholders/northfield/index.html")
    section = html.split("Ties the tagger found in the documents")[1].split("</section>")[0]
    assert "funded" in section and 'href="../../stakeholders/taskforce/"' in section
    assert "confidence 0.81" in section and evidence.text in section
    assert "Ann Example" not in section          # rejected suggestions are not shown
    # a tie reads as English, subject first, on either end's page (never "X was funded by Y" inverted wording)
    other = read(project, "stakeholders/taskforce/index.html")
    section = other.split("Ties the tagger found in the documents")[1].split("</section>")[0]
    assert '<a href="../../stakeholders/northfield/">Northfield Trust</a> funded the Example Taskforce' in " ".join(section.split())
