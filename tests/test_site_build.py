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
                "search/meta.js", "doc/alpha/cite.js", "static/site.css", "static/print.css",
                "static/search.js", "static/query.js", "static/document.js"):
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
            assert f'url=../../doc/{doc_id}/index.html#p-{p.id}"' in stub


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


def test_document_without_its_source_speaks_to_readers(built):
    """A reader is told the text is not on the site and where to read it; what a
    maintainer runs to add it is in the build's notes, not on the public page."""
    project, stats, *_ = built
    html = read(project, "doc/beta/index.html")
    assert "not on this site yet" in html and 'href="https://example.org/beta.pdf"' in html
    assert "scrutiny" not in html.split("<main")[1].split("</main>")[0].replace("scrutiny-", "")
    assert "make site" not in html and "corpus/sources/" not in html
    assert 'class="psg ' not in html
    assert any("beta" in n and "scrutiny fetch" in n for n in stats.notes)


def test_no_public_page_gives_maintainer_instructions(built):
    project, *_ = built
    for page in all_pages(project):
        main = page.read_text(encoding="utf-8").split("<main", 1)[-1].split("</main>")[0]
        for hint in ("scrutiny fetch", "scrutiny ingest", "scrutiny build", "make site", "kb/claims.yaml",
                     "corpus/manifest.toml"):
            assert hint not in main, (page, hint)


def test_claims_and_mentions_are_highlighted_and_linked(built):
    project, _, passages, _ = built
    html = read(project, "doc/alpha/index.html")
    assert re.search(r'<mark class="claim k-commitment k-statistic"[^>]*>The plan promises 21,000', html)
    assert '<a class="mention" href="../../stakeholders/northfield/index.html">The Northfield Trust</a>' in html
    # curated claim located by its search terms, linked from the passage
    block = html.split(f'id="p-{passages["alpha"][1].id}"')[1].split('class="psg ')[0]
    assert 'href="../../claims/new-posts/index.html"' in block


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
    assert 'href="../../stakeholders/northfield/index.html"' in html and 'href="../../doc/alpha/index.html"' in html
    assert "[[" not in html
    assert "Annual workforce census" in html            # the source
    assert "not on this site yet" in html               # beta is not ingested


def test_stakeholder_page_ties_evidence_and_conflicts(built):
    project, _, passages, _ = built
    html = read(project, "stakeholders/ann-example/index.html")
    assert "holds a position at" in html and "chief executive" in html   # subject first, in English
    assert "Conflicts of interest" in html and 'href="../../stakeholders/northfield/index.html"' in html
    doc_sh = read(project, "stakeholders/alpha-plan/index.html")
    assert "is an author of" in doc_sh and "was authored by" not in doc_sh  # the tie reads subject first
    assert passages["alpha"][4].text in doc_sh          # evidence passage quoted
    assert 'href="../../doc/alpha/index.html"' in doc_sh


def test_network_map_is_an_svg_of_links_labelled_by_relation(built):
    project, _, _, kb = built
    html = read(project, "network/index.html")
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    hrefs = re.findall(r'<a href="([^"]+)" class="node', svg)
    assert sorted(hrefs) == sorted(f"../stakeholders/{sid}/index.html" for sid in kb.stakeholders)
    for label in ("position in", "authored", "provides"):       # short labels on the lines
        assert f"</title>{label}</text>" in svg
    assert "Ann Example holds a position in Example Taskforce (chair)</title>" in svg   # the full wording
    # drawn at its own size (one unit, one CSS pixel: 12 px names), in a frame that scrolls
    view = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg).groups()
    assert f'width="{view[0]}" height="{view[1]}"' in svg.split(">", 1)[0]
    assert "Wellbeing &lt;Programme&gt;" in svg


def test_essay_refs_become_links_and_raw_html_stays_text(built):
    project, passages, *_ = built[0], built[2]
    html = read(project, "critique/overview/index.html")
    assert 'href="../../claims/new-posts/index.html"' in html
    assert f'href="../../doc/alpha/index.html#p-{passages["alpha"][4].id}"' in html
    assert "missing passage (not on this site)" in html
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


def test_link_checker_catches_a_broken_anchor_and_links_to_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/index.html">x</a><a href="a/index.html#nope">y</a>'
                                         '<a href="b.html">z</a><a href="a/">folder</a>')
    (tmp_path / "a" / "index.html").write_text('<p id="yes">a</p><a href="../index.html#top">t</a>'
                                               '<a href="index.html#yes">ok</a>')
    broken, _ = check_site(tmp_path)
    reasons = sorted(str(b) for b in broken)
    assert len(reasons) == 4
    assert any("nope" in r for r in reasons) and any("b.html" in r for r in reasons) and any("top" in r for r in reasons)
    # opened from a folder (file://), a link to a folder shows a file listing
    assert any("a/:" in r.replace(" ", "") or "a link to a folder" in r for r in reasons)


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
    records = _records(_search_files(project.site_dir))
    assert any(XSS_SCRIPT in (r.get("x") or "") for r in records.values())


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
    assert not (project.site_dir / "doc/evil/index.html").exists() or "not on this site yet" in read(project, "doc/evil/index.html")
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
    assert "Only &lt;b&gt;one&lt;/b&gt;" in html and "not on this site yet" in html
    assert check_site(project.site_dir)[0] == []


def test_builds_with_the_real_knowledge_base_loader(project):
    """`scrutiny init`'s kb/ loads through scrutiny.kb: an essay file, no claims yet."""
    make_store(project)   # writes kb/critique/overview.md, which links [[doc:alpha|Alpha plan]]
    stats = build_site(project)
    assert "no stakeholders (kb/stakeholders.yaml)" in " ".join(stats.notes)   # said to the maintainer
    assert "No claims have been recorded yet" in read(project, "claims/index.html")
    assert re.search(r'<a href="../../doc/alpha/index.html"[^>]*>Alpha plan</a>', read(project, "critique/overview/index.html"))
    # the loaded knowledge base is cached; an edit to kb/ is seen by the next build
    essay = project.kb_dir / "critique" / "overview.md"
    essay.write_text(essay.read_text(encoding="utf-8").replace("counts posts", "counts vacancies"), encoding="utf-8")
    again = build_site(project)
    assert "counts vacancies" in read(project, "critique/overview/index.html")
    assert 0 < again.pages_written < stats.pages_written
    assert check_site(project.site_dir)[0] == []


# --- search index ------------------------------------------------------------------------

def _search_files(site):
    from helpers_site import script_data

    search = site / "search"
    return {p.relative_to(search).as_posix()[:-3]: script_data(p) for p in search.rglob("*.js")}


def _records(files) -> dict[int, dict]:
    """{record number: record}, passages first (bucket by bucket), then claims and stakeholders."""
    meta = files["meta"]
    out = {}
    for b in meta["buckets"]:
        base = (meta["nb"] if b == "o" else int(b, 16)) * meta["stride"]
        n = files[f"{b}/s"]["n"]
        for i in range(n):
            out[base + i] = files[f"{b}/r/{i // meta['chunk']}"][i % meta["chunk"]]
    return dict(sorted(out.items()))


def test_search_index_holds_passages_then_claims_and_stakeholders(built):
    project, _, passages, _ = built
    files = _search_files(project.site_dir)
    meta, records = files["meta"], _records(files)
    assert len(records) == meta["n"] and meta["np"] == sum(1 for r in records.values() if r["t"] == "p")
    limit = meta["nb"] * meta["stride"]
    assert all((r["t"] == "p") == (n < limit) for n, r in records.items())
    target = passages["alpha"][4]
    rec = next(r for r in records.values() if r["u"].endswith(target.id))
    assert rec["u"] == f"doc/alpha/index.html#p-{target.id}" and rec["pg"] == "2"   # the page as printed
    assert rec["x"] == target.text                                                   # the whole text, for snippets
    assert {"claims/new-posts/index.html", "stakeholders/northfield/index.html"} <= {r["u"] for r in records.values()}
    from scrutiny.site.search_index import doc_hash

    assert "docs" not in meta and "ranges" not in meta       # meta.js does not grow with the documents
    first, end = files[f"dr/{doc_hash('alpha') % meta['dr']}"]["alpha"]
    assert records[first]["l"] == "Alpha plan"
    assert [records[n]["u"].split("#p-")[1] for n in range(first, end)] == [p.id for p in passages["alpha"]]
    facets = [files[f"{b}/f"] for b in meta["buckets"]]
    assert any(f["kind"].get("statistic") for f in facets) and any(f["sh"].get("northfield") for f in facets)


def test_search_scores_are_those_of_the_command_line(built, tmp_path):
    """Every score the site's index holds is the BM25F score `scrutiny search` gives
    the same word in the same passage and field (Whoosh, on an index of the same passages)."""
    from whoosh.query import Term

    from scrutiny.index import build_index, open_index
    from scrutiny.search import weighting
    from scrutiny.site.search_index import SCALE, score, word_postings

    project, _, passages, _ = built
    files = _search_files(project.site_dir)
    meta, records = files["meta"], _records(files)
    every = [p for ps in passages.values() for p in ps]
    build_index(tmp_path / "index", {}, every)
    limit = meta["nb"] * meta["stride"]
    pid_of = {n: r["u"].split("#p-")[1] for n, r in records.items() if n < limit}
    coll = meta["coll"]["p"]
    nr = len(meta["ranks"])
    postings = {}      # (field, term) -> [(first record, records, packed)] over every bucket
    for b in meta["buckets"]:
        if b == "o":
            continue   # claims and stakeholders: not in the command line's index
        for shard in files[f"{b}/s"]["shards"]:
            for key in ("t", "h"):
                for term, value in files[f"{b}/i/{shard}"][key].items():
                    for place, count, packed in word_postings(files.__getitem__, b, key, term, value):
                        postings.setdefault((key, term), []).append((int(b, 16) * meta["stride"] + place, count, packed))
    checked = 0
    with open_index(tmp_path / "index").searcher(weighting=weighting()) as searcher:
        docnum = {searcher.stored_fields(d)["passage_id"]: d for d in range(searcher.doc_count_all())}
        for (key, term), entries in postings.items():
            field = "text" if key == "t" else "heading"
            df = sum(count for _, count, _ in entries)
            for rec, count, packed in entries:
                rank, rest = meta["ranks"][packed % nr], packed // nr
                s = score(coll["n"], df, coll[key], rest // 256 + 1, meta["bm25"]["hb"] if key == "h" else 1.0,
                          rest % 256, rank)
                for r in range(rec, rec + count):
                    m = Term(field, term).matcher(searcher)
                    m.skip_to(docnum[pid_of[r]])
                    assert m.is_active() and m.id() == docnum[pid_of[r]], (field, term, pid_of[r])
                    assert abs(m.score() - s / SCALE) <= 0.5 / SCALE, (field, term)
                    checked += 1
    assert checked > 100


def test_the_heading_field_leaves_out_the_documents_title():
    """A first heading over most of a document's passages is its title: it would
    match every passage (the site's search did that), so it is not a heading."""
    from scrutiny.index import search_headings
    from scrutiny.passages import Passage

    title = ["The Whole Report"]
    ps = [Passage(f"d-{i}", "d", i, "paragraph", 1, 1, f"text {i}",
                  heading_path=title + (["Remedy"] if i > 5 else [])) for i in range(10)]
    ps.append(Passage("e-1", "e", 0, "paragraph", 1, 1, "other", heading_path=["Annex", "Tables"]))
    ps.append(Passage("e-2", "e", 1, "paragraph", 1, 1, "other", heading_path=["Summary"]))
    got = search_headings(ps)
    assert got["d-0"] == "" and got["d-9"] == "Remedy"
    assert got["e-1"] == "Annex > Tables" and got["e-2"] == "Summary"   # no heading spans most of e


def test_common_terms_get_their_own_posting_files():
    """A common word's postings, best first: the head in its shard, the rest in tier
    files of growing size, each with the bound of what it and the later ones score."""
    from scrutiny.passages import Passage
    from scrutiny.site.search_index import HEAD, SearchIndexBuilder, ranks, read_script, script, word_postings

    from scrutiny.site.search_index import bucket_of

    b = SearchIndexBuilder()
    for i in range(3000):
        words = "department " * (1 + i % 3) + f"recovery item{i % 50}" + " filler" * (i % 7)
        p = Passage(f"d-{i}", "d", i, "paragraph", 1, 1, words)
        b.add_passage({"t": "p", "u": f"doc/d/index.html#p-{i}", "d": "d", "x": "x"}, p, "")
    files = b.files({})
    bucket = bucket_of("d")
    shard = read_script(files[f"{bucket}/i/de.js"])
    df, head, bound = shard["t"]["depart"]
    tiers = [read_script(files[f"{bucket}/t/depart-{k}.js"]) for k in range(1, 99) if f"{bucket}/t/depart-{k}.js" in files]
    assert df == 3000 and all(isinstance(t, list) for t in tiers[:-1]) and isinstance(tiers[-1], str)
    assert all(f"{bucket}/tx/depart-{k}.js" in files for k in range(1, len(tiers) + 1))
    sizes = [len(t[0]) for t in tiers[:-1]]
    assert len(sizes) >= 3 and sizes == sorted(sizes)          # growing tiers (the last: what is left)
    # the shard stays small: a query for another "de..." word does not pay for "department"
    assert len(files[f"{bucket}/i/de.js"]) < 200
    got = word_postings(lambda name: read_script(files[f"{name}.js"]), bucket, "t", "depart", shard["t"]["depart"])
    assert sorted(p for p, _, _ in got) == list(range(3000))
    # best first: the three-times "department" in the shortest passages lead
    nr = len(ranks())
    freq = [packed // nr // 256 + 1 for _, _, packed in got]
    assert freq[:HEAD] == [3] * HEAD and freq[-1] == 1
    assert files["meta.js"].startswith("__scrutinySearch(\"meta\",") and script("x", [1]) == '__scrutinySearch("x",[1]);\n'


def test_cross_references_are_shown_both_ways(built):
    project, _, passages, _ = built
    target, critique = passages["alpha"][4], passages["overview"][1]
    alpha = read(project, "doc/alpha/index.html")
    block = alpha.split(f'id="p-{target.id}"')[1].split('class="psg ')[0]
    assert "Discussed in the critique" in block
    assert 'href="../../critique/overview/index.html"' in block
    assert f'href="../../doc/overview/index.html#p-{critique.id}"' in block and "similar wording, score 0.41" in block
    overview = read(project, "doc/overview/index.html")
    block = overview.split(f'id="p-{critique.id}"')[1].split('class="psg ')[0]
    assert f'href="../../doc/alpha/index.html#p-{target.id}"' in block and "Alpha plan, p. 2" in block
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
    (out / "search" / "meta.js").unlink()
    again = build_site(project, out, curated=kb)
    assert again.pages_written >= len([p for ps in passages.values() for p in ps]) + 1
    assert (out / "search" / "meta.js").is_file()
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
        assert "the people who run this site" in text and "scrutiny build" not in text
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


def test_ties_the_tagger_suggests_are_shown_apart_from_curated_ones(project):
    from scrutiny.store import Store
    from scrutiny.tags.queries import TieListing
    from scrutiny.tags.review import record
    from scrutiny.tags.schema import tie_id

    passages = make_store(project)   # a tagged store: candidate ties added to its tags below
    evidence = passages["alpha"][6]
    ends = {"tie-x": ("northfield", "funded", "taskforce", 0.81), "tie-r": ("northfield", "funded", "ann-example", 0.5)}
    with Store(project.store_path) as store, store.transaction():
        store.db.executemany(
            "INSERT INTO nlp_tie_candidates (passage_id, sent_start, sent_end, relation, role, confidence, pattern, "
            "subject_start, subject_end, subject_text, subject_kind, object_start, object_end, object_text, "
            "object_kind, subject_id, object_id, tie_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(evidence.id, 0, len(evidence.text), r, None, c, "synthetic", 0, 4, "The", "ORG", 5, 9, "Trust", "ORG",
              s_, o, tie_id(s_, r, o)) for s_, r, o, c in ends.values()])
    s_, r, o, _ = ends["tie-r"]    # a reviewer rejected the second
    record(project, TieListing(id=tie_id(s_, r, o), subject=s_, subject_name="Northfield Trust", relation=r, object=o,
                               object_name="Ann Example", role=None, status="suggested", confidence=0.5,
                               evidence=[], sources=[]), "rejected")
    build_site(project, curated=make_kb(passages))
    html = read(project, "stakeholders/northfield/index.html")
    section = html.split("Ties the tagger found in the documents")[1].split("</section>")[0]
    assert "funded" in section and 'href="../../stakeholders/taskforce/index.html"' in section
    assert "confidence 0.81" in section and evidence.text in section
    assert "Ann Example" not in section          # rejected suggestions are not shown
    # a tie reads as English, subject first, on either end's page (never "X was funded by Y" inverted wording)
    other = read(project, "stakeholders/taskforce/index.html")
    section = other.split("Ties the tagger found in the documents")[1].split("</section>")[0]
    assert '<a href="../../stakeholders/northfield/index.html">Northfield Trust</a> funded the Example Taskforce' in " ".join(section.split())


def test_postings_strings_round_trip_and_need_no_escaping():
    import json
    import random

    from scrutiny.site.search_index import decode, doc_hash, encode

    rng = random.Random(4)
    numbers = [0, 1, 45, 46, 2115, 2116, 10 ** 9] + [rng.randrange(0, 1 << rng.randrange(1, 40)) for _ in range(2000)]
    text = encode(numbers)
    assert decode(text) == numbers
    assert json.dumps(text, ensure_ascii=False) == f'"{text}"'     # nothing escaped in the JSON of a file
    assert len(encode([3, 1935])) == 3                                # a common posting: 3 bytes (7 in JSON)
    with pytest.raises(ValueError):
        encode([-1])
    # the ranges file a document's id leads to (search.js computes the same FNV-1a)
    assert doc_hash("") == 0x811C9DC5 and doc_hash("a") == 0xE40C292C


def test_templates_compiled_once_are_kept_for_the_next_process_and_follow_their_source(tmp_path, monkeypatch):
    """A new process's site build compiles no template an earlier build compiled (Jinja's
    bytecode cache under .scrutiny/), and a template of the project's own changed since
    is compiled again and shows."""
    import jinja2

    from scrutiny.init import init_project
    from scrutiny.project import Project
    from scrutiny.site.render import THEME_DIR

    project = Project(init_project(tmp_path / "proj"))
    _stats, _passages, kb = build(project)
    assert list((project.data_dir / "compiled-templates").iterdir())
    compiled = []
    real = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    build_site(project, curated=kb)      # (a new environment each build: the process keeps none)
    assert compiled == []
    own = project.root / "site_templates"
    own.mkdir(exist_ok=True)
    method = (THEME_DIR / "method.html").read_text(encoding="utf-8")
    (own / "method.html").write_text(method.replace("{% block main %}", "{% block main %}<!-- our method page -->", 1),
                                     encoding="utf-8")
    build_site(project, curated=kb)
    assert compiled == ["method.html"]
    assert "<!-- our method page -->" in (project.root / "site" / "method" / "index.html").read_text(encoding="utf-8")
