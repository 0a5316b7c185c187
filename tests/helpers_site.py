"""A synthetic project for the site tests: our own text, a small knowledge base,
tags, a revised document (redirects and an orphan) and hostile text."""

from __future__ import annotations

from scrutiny.readers.base import Block

XSS_TITLE = 'Hostile <script>alert("title")</script> report'
XSS_SCRIPT = '<script>window.__xss = 1</script>'
XSS_IMG = '<img src=x onerror="window.__xss = 2">'
XSS_LINK = '<a href="javascript:window.__xss=3">click me</a>'

ALPHA_BLOCKS = [
    Block("heading", "Part one: the workforce plan", page=1, level=1),
    Block("paragraph", "The plan promises 21,000 new posts in the mental health workforce by the end of the decade.", page=1),
    Block("paragraph", "Half of the new roles would be filled by associate practitioners trained within a year.", page=1),
    Block("heading", "Recovery rates", page=2, level=2),
    Block("paragraph", "Talking therapy services report a recovery rate of fifty per cent among those who finish treatment.", page=2),
    Block("list_item", "Commissioners should publish outcome data every quarter.", page=2),
    Block("paragraph", "The Northfield Trust will deliver the new wellbeing service under contract to the department.", page=2, page_end=3),
    Block("footnote", "Figures are from the annual workforce census of the department.", page=3),
]
ALPHA_OLD_EXTRA = "An earlier paragraph said that waiting times had halved, and it was later removed."

OVERVIEW_BLOCKS = [
    Block("heading", "Overview of the critique", page=1, level=1),
    Block("paragraph", "The recovery figure counts only people who complete a course of treatment, which flatters the service.", page=1),
]

EVIL_BLOCKS = [
    Block("heading", XSS_TITLE, page=1, level=1),
    Block("paragraph", f"Hostile text follows: {XSS_SCRIPT} and {XSS_IMG} and {XSS_LINK} with zebrafish marker.", page=1),
]

MANIFEST = '''
[project]
name = "Synthetic scrutiny"
base_url = ""

[documents.alpha]
title = "The Alpha Workforce Plan"
short_title = "Alpha plan"
kind = "policy"
publisher = "Department of Examples"
authors = ["Example Taskforce"]
date = "2016-02"
url = "https://example.org/alpha.pdf"
licence = "OGL-UK-3.0"
source = "alpha.pdf"

[documents.beta]
title = "The Beta Review"
kind = "policy"
publisher = "Institute of Samples"
date = "2018-06"
url = "https://example.org/beta.pdf"
source = "beta.pdf"

[documents.evil]
title = 'Hostile <script>alert("title")</script> report'
kind = "policy"
publisher = "Nobody <b>bold</b>"
licence = "CC0-1.0"
source = "evil.md"

[documents.overview]
title = "Overview of the critique"
kind = "critique"
authors = ["A. Writer"]
date = "2024-01"
licence = "CC-BY-4.0"
source = "kb/critique/overview.md"
'''


def make_store(project, tags: bool = True, xrefs: bool = True):
    """Ingest the synthetic documents straight into the store; returns passages by doc."""
    from scrutiny.passages import make_passages
    from scrutiny.store import Redirect, Store

    project.manifest_path.write_text(MANIFEST, encoding="utf-8")
    essay = project.kb_dir / "critique" / "overview.md"
    essay.parent.mkdir(parents=True, exist_ok=True)
    essay.write_text("---\nid: overview\ntitle: Overview of the critique\nauthor: A. Writer\ndate: 2024-01-01\n---\n"
                     "# Overview\n\nThe [[doc:alpha|Alpha plan]] counts posts, not people.\n", encoding="utf-8")
    out = {}
    with Store(project.store_path) as store:
        with store.transaction():
            # an earlier version of alpha: one passage that is now gone, one that moved
            old = make_passages("alpha", ALPHA_BLOCKS[:2] + [Block("paragraph", ALPHA_OLD_EXTRA, page=1)])
            for doc_id, blocks, pages, source in (
                ("alpha", ALPHA_BLOCKS, 3, "alpha.pdf"),
                ("overview", OVERVIEW_BLOCKS, 1, "kb/critique/overview.md"),
                ("evil", EVIL_BLOCKS, 1, "evil.md"),
            ):
                passages = make_passages(doc_id, blocks)
                out[doc_id] = passages
                store.upsert_document({
                    "id": doc_id, "title": "ignored: the manifest title wins", "kind": "policy",
                    "source": source, "sha256": "0" * 64, "pages": pages, "passages": len(passages),
                    "metadata": {}, "ingested_at": "2026-01-01T00:00:00",
                })
                store.replace_passages(doc_id, passages)
            alpha = out["alpha"]
            store.save_redirect(Redirect("alpha-oldmovedxxxx", "alpha", alpha[1].id, "fuzzy", 0.93, alpha[1].text,
                                         1, "2026-01-01"))
            store.save_redirect(Redirect(old[2].id, "alpha", None, "orphan", None, ALPHA_OLD_EXTRA, 1, "2026-01-01"))
            if tags:
                write_tags(store, out, alpha)
            if xrefs:
                write_xrefs(project, store, out, alpha)
    return out


def write_tags(store, out, alpha):
    """What a tagging run leaves (its tables, as scrutiny.tags.write fills them)."""
    import json

    from scrutiny.tags.schema import ensure_schema

    ensure_schema(store)
    t = alpha[1].text
    store.db.execute(
        "INSERT INTO nlp_claims (id, passage_id, doc_id, page, start, end, text, kinds, details, confidence, source) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (f"{alpha[1].id}@0", alpha[1].id, "alpha", 1, 0, len(t), t, json.dumps(["commitment", "statistic"]),
         json.dumps({"statistic": {"confidence": 0.9, "source": "rule"},
                     "commitment": {"confidence": 0.7, "source": "model"}}), 0.9, "rule"))
    t = alpha[6].text
    s = t.index("The Northfield Trust")
    store.db.execute(
        "INSERT INTO nlp_mentions (passage_id, doc_id, start, end, text, kind, source, confidence, curated_id, "
        "stakeholder_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (alpha[6].id, "alpha", s, s + len("The Northfield Trust"), "The Northfield Trust", "ORG", "curated", 1.0,
         "northfield", "northfield"))
    store.db.executemany("INSERT INTO nlp_tagged (passage_id, tagger_version, tagged_at) VALUES (?, 'test', 'now')",
                         [(p.id,) for ps in out.values() for p in ps])
    store.db.execute("INSERT INTO nlp_state (key, value) VALUES ('last_run', ?)",
                     (json.dumps({"model": "test", "rules_only": False, "tagger_version": "test", "at": "now"}),))


def write_xrefs(project, store, out, alpha):
    """What building the cross-references leaves (its tables, as scrutiny.xref.build fills them)."""
    from scrutiny.xref.schema import ensure_schema

    ensure_schema(store)
    ov = out["overview"]
    store.db.executemany(
        "INSERT INTO xref_links (source_kind, source_id, essay_id, target_kind, target_id, method, score, file, line, "
        "source_doc, target_doc) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [("essay", "overview:L3", "overview", "passage", alpha[4].id, "markup", None, "kb/critique/overview.md", 3,
          None, "alpha"),
         ("passage", ov[1].id, None, "passage", alpha[4].id, "tfidf", 0.41, None, None, "overview", "alpha")])
    store.db.executemany(
        "INSERT INTO xref_claims (group_id, claim_id, passage_id, doc_id, origin, kind, value, surface, score) "
        "VALUES (?,?,?,?,?,?,?,?,?)",
        [("new-posts", "new-posts", alpha[1].id, "alpha", "located", None, None, None, None),
         ("recovery-rate", "recovery-rate", ov[1].id, "overview", "similar", None, None, None, 0.33)])
    store.db.execute("INSERT INTO xref_stakeholder_docs VALUES (?,?,?,?,?)",
                     ("northfield", "alpha", 1, 1, "nlp_mentions"))
    from scrutiny.xref import INPUTS_KEY, inputs_fingerprint

    store.set_meta(INPUTS_KEY, inputs_fingerprint(project, store))   # built, and current


def make_kb(passages=None):
    """A small knowledge base: the view the site reads (scrutiny.kb.view.Curated), with
    a conflict of interest given (not derived)."""
    alpha_pid = passages["alpha"][4].id if passages else None
    stakeholders = {
        "ann-example": {"id": "ann-example", "name": "Ann Example", "kind": "person",
                        "aliases": ["A. Example"], "description": "Chief executive of the [[stakeholder:northfield|Northfield Trust]].",
                        "sources": [{"source": "census", "locator": "p. 4"}]},
        "northfield": {"id": "northfield", "name": "Northfield Trust", "kind": "organisation", "sector": "charity",
                       "aliases": ["Northfield"], "sources": [{"source": "census"}]},
        "taskforce": {"id": "taskforce", "name": "Example Taskforce", "kind": "organisation", "sector": "taskforce",
                      "sources": [{"source": "census"}]},
        "alpha-plan": {"id": "alpha-plan", "name": "The Alpha Workforce Plan", "kind": "document", "doc_id": "alpha",
                       "sources": [{"source": "census"}]},
        "wellbeing-programme": {"id": "wellbeing-programme", "name": "Wellbeing <Programme>", "kind": "programme",
                                "sources": [{"source": "census"}]},
        # a second, separate group of ties (the network map lays out each on its own)
        "beta-review": {"id": "beta-review", "name": "The Beta Review", "kind": "document", "doc_id": "beta",
                        "sources": [{"source": "census"}]},
        "sample-institute": {"id": "sample-institute", "name": "Institute of Samples", "kind": "organisation",
                             "sector": "think_tank", "sources": [{"source": "census"}]},
        "bob-sample": {"id": "bob-sample", "name": "Bob Sample", "kind": "person", "sources": [{"source": "census"}]},
        "cara-sample": {"id": "cara-sample", "name": "Cara Sample", "kind": "person", "sources": [{"source": "census"}]},
    }
    ties = [
        {"id": "ann-chairs-taskforce", "subject": "ann-example", "relation": "position", "object": "taskforce",
         "role": "chair", "sources": [{"source": "census"}], "passages": []},
        {"id": "ann-leads-northfield", "subject": "ann-example", "relation": "position", "object": "northfield",
         "role": "chief executive", "start": "2011", "sources": [{"source": "census"}], "passages": []},
        {"id": "taskforce-authored-alpha", "subject": "taskforce", "relation": "authored", "object": "alpha-plan",
         "sources": [{"source": "census"}], "passages": [alpha_pid] if alpha_pid else []},
        {"id": "northfield-provides-programme", "subject": "northfield", "relation": "provides",
         "object": "wellbeing-programme", "sources": [{"source": "census"}],
         "passages": [passages["alpha"][6].id] if passages else []},
    ]
    ties += [
        {"id": "institute-published-beta", "subject": "sample-institute", "relation": "published", "object": "beta-review",
         "sources": [{"source": "census"}], "passages": []},
        {"id": "bob-authored-beta", "subject": "bob-sample", "relation": "authored", "object": "beta-review",
         "sources": [{"source": "census"}], "passages": []},
        {"id": "cara-authored-beta", "subject": "cara-sample", "relation": "authored", "object": "beta-review",
         "sources": [{"source": "census"}], "passages": []},
        {"id": "bob-directs-institute", "subject": "bob-sample", "relation": "position", "object": "sample-institute",
         "role": "director", "sources": [{"source": "census"}], "passages": []},
    ]
    claims = [
        {"id": "new-posts", "statement": "The plan creates 21,000 new posts.", "kinds": ["statistic", "commitment"],
         "status": "contested", "documents": [{"doc": "alpha", "search": "21,000 new posts", "passages": []},
                                             {"doc": "beta", "search": "new posts", "passages": []}],
         "critique": "Most of the posts are associate roles; see [[stakeholder:northfield]] and [[doc:alpha]].",
         "evidence": [{"statement": "The census counts posts, not people.", "sources": [{"source": "census", "locator": "table 2"}]}],
         "sources": [{"source": "census"}]},
        {"id": "recovery-rate", "statement": "Half of patients recover.", "kinds": ["statistic"], "status": "unsupported",
         "documents": [{"doc": "alpha", "search": "recovery rate", "passages": []}],
         "critique": "Counts only completers.", "evidence": [], "sources": [{"source": "census"}]},
    ]
    sources = {"census": {"id": "census", "type": "report", "title": "Annual workforce census",
                          "author": [{"literal": "Department of Examples"}], "issued": {"date-parts": [[2017]]},
                          "URL": "https://example.org/census"}}
    essays = [{"id": "overview", "path": "kb/critique/overview.md", "title": "Overview of the critique",
               "doc_id": None, "author": "A. Writer", "date": "2024-01",
               "body": ("# Why the figures mislead\n\nThe [[claim:new-posts|posts claim]] leans on "
                        "[[stakeholder:ann-example]], who also leads [[stakeholder:northfield]]. "
                        f"See [[passage:{alpha_pid}|the recovery passage]] in [[doc:alpha]] and an unknown "
                        "[[passage:nowhere-xxxx|missing passage]].\n\n<script>window.__xss = 9</script>\n\n"
                        "[bad link](javascript:alert(1))\n"),
               "refs": [{"type": "claim", "id": "new-posts", "label": None, "line": 3},
                        {"type": "stakeholder", "id": "ann-example", "label": None, "line": 3},
                        {"type": "stakeholder", "id": "northfield", "label": None, "line": 3},
                        {"type": "doc", "id": "alpha", "label": None, "line": 3}]}]
    conflicts = [{"document": "alpha", "stakeholder": "ann-example",
                  "via": ["ann-chairs-taskforce", "taskforce-authored-alpha", "ann-leads-northfield",
                          "northfield-provides-programme"],
                  "explanation": "The chair of the taskforce that wrote the plan leads a charity that provides the programme it recommends."}]
    from scrutiny.kb.view import Curated

    return Curated.from_data({"stakeholders": list(stakeholders.values()), "ties": ties, "claims": claims,
                              "sources": sources, "essays": essays, "documents": {}, "conflicts": conflicts})


def build(project, out=None, **kw):
    from scrutiny.site import build_site

    passages = make_store(project)
    kb = make_kb(passages)
    stats = build_site(project, out, curated=kb, **kw)
    return stats, passages, kb


def script_data(path):
    """The data a site's data script hands to its loader: ``__scrutinyCite({...});``,
    ``__scrutinySearch("name", {...});`` (the site loads them with <script>, not fetch)."""
    import json
    import re

    text = path.read_text(encoding="utf-8").strip()
    m = re.fullmatch(r'(__scrutiny\w+)\((?:"[^"]*",)?(.*)\);', text, flags=re.S)
    assert m, f"{path} is not a data script: {text[:80]!r}"
    return json.loads(m.group(2))


def write_search_site(builder, site):
    """A search page at ``site``: the builder's index files under ``search/``, the
    theme's search scripts under ``static/`` and the bench's bare search page."""
    return write_search_files(builder.files({"kinds": {}, "stakeholders": []}), site)


def write_search_files(files, site):
    """A search page at ``site`` from an index's files (``{path under search/: text}``)."""
    import shutil
    from pathlib import Path

    from bench.synth_index import PAGE

    for rel, text in files.items():
        path = site / "search" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    static = Path(__file__).parents[1] / "src" / "scrutiny" / "site" / "theme" / "static"
    (site / "static").mkdir()
    for name in ("site.js", "query.js", "search.js"):
        shutil.copy(static / name, site / "static" / name)
    (site / "search" / "index.html").write_text(PAGE, encoding="utf-8")
    return site


def search_view(site):
    """What a reader of a site's search index gets, whatever its layout (a bucket and its
    delta layer, or the bucket written whole): every record, in the order of ties
    (``search_index.record_order``, the whole build's record numbers); every word's
    postings ((field, word) -> [(record, packed)]: its frequency, length and rank, hence
    its score with the collection statistics); the statistics; each claim kind's and
    stakeholder's records; each document's records (the document filter)."""
    from pathlib import Path

    from scrutiny.site.search_index import STRIDE, bucket_index, record_order, word_postings

    search = Path(site) / "search"
    files = {p.relative_to(search).as_posix()[:-3]: script_data(p) for p in search.rglob("*.js")}
    meta = files["meta"]
    order = record_order(meta)
    layers = meta.get("layers") or {}
    records, postings, facets, docs = {}, {}, {}, {}
    for b in meta["buckets"]:
        stats = files[f"{b}/s"]
        base = bucket_index(b) * STRIDE
        start = layers[b][0] if b in layers else 0
        for i in range(stats["n"]):
            records[order(base + start + i)] = files[f"{b}/r/{i // meta['chunk']}"][i % meta["chunk"]]
        for shard in stats["shards"]:
            for key in ("t", "h"):
                for term, value in files[f"{b}/i/{shard}"][key].items():
                    for place, count, packed in word_postings(files.__getitem__, b, key, term, value):
                        postings.setdefault((key, term), []).extend((order(base + r), packed)
                                                                    for r in range(place, place + count))
        for facet, values in files[f"{b}/f"].items():
            for value, recs in values.items():
                facets.setdefault((facet, value), []).extend(map(order, recs))
    for k in range(meta["dr"]):
        for doc, (first, end) in files[f"dr/{k}"].items():
            docs[doc] = [order(r) for r in range(first, end)]
    common = {k: v for k, v in meta.items() if k not in ("buckets", "shards", "layers")}
    return {"meta": common, "records": sorted(records.items()),
            "postings": {k: sorted(v) for k, v in sorted(postings.items())},
            "facets": {k: sorted(v) for k, v in sorted(facets.items())}, "docs": dict(sorted(docs.items()))}


def same_site(a, b) -> int:
    """Two sites show the same: every file but the search index's byte for byte, and the
    same search index as a reader gets it (:func:`search_view`): a site grown by documents
    added keeps them in delta layers where a whole build writes their buckets whole.
    Returns the files compared."""
    import os

    def files(out):
        return {os.path.relpath(os.path.join(d, f), out): os.path.join(d, f)
                for d, _, fs in os.walk(out) for f in fs}

    fa, fb = files(a), files(b)
    pages = sorted(rel for rel in fa if not rel.startswith("search/") or rel == "search/index.html")
    assert pages == sorted(rel for rel in fb if not rel.startswith("search/") or rel == "search/index.html")
    differ = [rel for rel in pages if open(fa[rel], "rb").read() != open(fb[rel], "rb").read()]
    assert differ == []
    va, vb = search_view(a), search_view(b)
    for part in va:
        assert va[part] == vb[part], part
    return len(fa)


def kept_record(data_dir, name: str) -> dict:
    """``{doc id: [key, value]}`` of the site's per-document record ``name`` (``site-passages``...)
    in the record file of ``data_dir`` (``scrutiny.site.records``), read without the code under test."""
    import json
    import sqlite3
    from pathlib import Path

    db = sqlite3.connect(f"file:{Path(data_dir) / 'site-records.sqlite'}?mode=ro", uri=True)
    try:
        return {d: [k, json.loads(v)] for d, k, v in db.execute(
            "SELECT doc_id, key, value FROM docs WHERE name = ?", (name,))}
    finally:
        db.close()
