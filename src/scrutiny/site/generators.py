"""One generator per page type. Each reads the gathered :class:`SiteContext` and
asks the renderer for its pages, with the inputs that decide whether a page
must be rendered again (``key_data``)."""

from __future__ import annotations

import json
from collections import defaultdict

from scrutiny.index import search_headings
from scrutiny.kb.conflicts import Conflict
from scrutiny.kb.model import ClaimDocument, SourceRef
from scrutiny.pages import label as page_label, page_ref
from scrutiny.passages import Passage
from scrutiny.site.citations import ACCESSED, BASE, PID, SECTION_MARK, STYLE_LABELS, STYLES, Citer, document_head, essay_head
from scrutiny.site.context import STATUS_ORDER, SiteContext
from scrutiny.site.layout import contents_links, figure_text, note_backlinks, table_rows, with_calls
from scrutiny.site.tags import low as low_tag
from scrutiny.site.parts import Part, part_file, split
from scrutiny.site.tags import segments
from scrutiny.tags.queries import TieListing
from scrutiny.urls import safe_href
from scrutiny.xref.queries import Link

DOC_SHAPING = ("authored", "commissioned", "published", "funded")
# Passages that have no Cite or Copy link control: they are not what a document says
# (a heading, a contents page, a cover), and a reader cites the text under them.
NO_TOOLS_KINDS = frozenset({"heading", "contents", "front_matter"})


class Derived:
    """Lookups several generators share, computed once per build."""

    def __init__(self, ctx: SiteContext, citer: Citer):
        self.ctx = ctx
        self.citer = citer
        v = ctx.vocab
        self.relation_label = lambda r: (v.relations.get(r) or {}).get("label", r.replace("_", " "))
        self.inverse_label = lambda r: (v.relations.get(r) or {}).get("inverse_label", r.replace("_", " "))
        self.ties_of = defaultdict(list)
        for t in ctx.ties:
            self.ties_of[t.subject].append(("out", t))
            self.ties_of[t.object].append(("in", t))
        self.stakeholder_doc = {sid: st.doc_id for sid, st in ctx.stakeholders.items()
                                if st.doc_id in ctx.docs_by_id}
        self.doc_stakeholder = {d: s for s, d in sorted(self.stakeholder_doc.items())}
        self.claims_of_doc = defaultdict(list)
        for c in ctx.claims:
            for cd in c.documents:
                self.claims_of_doc[cd.doc].append(c)
        self.essays_by_id = {e.id: e for e in ctx.essays}
        self.essays_about = defaultdict(list)
        self.essays_citing = defaultdict(list)    # (type, id) -> essays
        for e in ctx.essays:
            if e.doc_id:
                self.essays_about[e.doc_id].append(e)
            seen = set()
            for r in e.refs:
                k = (r.type, r.id)
                if k not in seen:
                    seen.add(k)
                    self.essays_citing[k].append(e)
        self.conflicts_of = defaultdict(list)
        for c in ctx.conflicts:
            self.conflicts_of[c.stakeholder].append(c)
            self.conflicts_of[("doc", c.document)].append(c)
        self._source_text = {}
        from scrutiny.manifest import may_republish

        # documents whose licence does not allow republishing their full text
        self.withheld = {d["id"] for d in ctx.documents if not may_republish(d)}
        for d in ctx.documents:
            d["republished"] = d["id"] not in self.withheld
        self._shown: dict[str, set[str]] | None = None
        self.parts: dict[str, list[Part]] = {}   # long documents: their parts (plan_parts)

    # --- licences ---------------------------------------------------------------
    def shown_ids(self) -> dict[str, set[str]]:
        """{withheld doc id: the ids of its passages the site may quote}: those the
        critique and the claims register cite (curated claims' located passages,
        essay passage references, cross-reference targets and the critique
        passages that cite a passage, tie evidence)."""
        if self._shown is not None:
            return self._shown
        ctx = self.ctx
        shown: dict[str, set[str]] = {d: set() for d in self.withheld}
        if not self.withheld or ctx.store is None:
            self._shown = shown
            return shown

        # the withheld documents' own passage ids (from the record kept by document): an id of
        # another document is passed over without reading its passage; an old id is followed
        doc_of = {pid: d for d in shown for pid in ctx.doc_passages().ids(d)}

        def add(pid):
            if not pid:
                return
            if pid in doc_of:
                shown[doc_of[pid]].add(pid)
                return
            if pid not in ctx.redirect_of:
                return
            p = ctx.passage(pid)
            if p and p.doc_id in shown:
                shown[p.doc_id].update(p.span or [p.id])

        for c in ctx.claims:
            for cd in c.documents:
                if cd.doc in shown:
                    for p in _locate(ctx, cd):
                        add(p.id)
            for x in ctx.xrefs.recurrences(c.id):
                if x.origin == "located":
                    add(x.passage_id)
        import re

        for e in ctx.essays:
            for r in e.refs:
                if r.type == "passage":
                    add(r.id)
            for pid in re.findall(r"\[\[passage:([^\]|]+)", e.body or ""):
                add(pid.strip())
        for t in ctx.ties:
            for pid in t.passages:
                add(pid)
        for ties in suggested_ties_cached(ctx).values():
            for t in ties:
                for ev in t.evidence[:2]:
                    if ev.doc_id in shown:
                        add(ev.passage_id)
        for link in ctx.xrefs.passage_links():
            add(link.target_id)
            if link.method == "markup":
                add(link.source_id)
        self._shown = shown
        return shown

    def is_shown(self, pid: str, doc_id: str) -> bool:
        """May the site show this passage's text?"""
        if doc_id not in self.withheld:
            return True
        return pid in self.shown_ids().get(doc_id, ())

    def shown_key(self):
        return sorted((d, sorted(ids)) for d, ids in self.shown_ids().items())

    # --- labels ---------------------------------------------------------------
    def label(self, kind: str, ident: str) -> str | None:
        ctx = self.ctx
        if kind == "stakeholder" and ident in ctx.stakeholders:
            return ctx.stakeholders[ident].name
        if kind == "doc" and ident in ctx.docs_by_id:
            return ctx.docs_by_id[ident]["label"]
        if kind == "claim":
            c = next((c for c in ctx.claims if c.id == ident), None)
            return c.statement if c else None
        if kind == "passage":
            p = ctx.passage(ident)
            if p:
                d = ctx.docs_by_id.get(p.doc_id, {})
                return f'{d.get("label", p.doc_id)}, {page_ref(d, p.page)}'
        return None

    def resolver(self, u):
        ctx = self.ctx
        claim_ids = {c.id for c in ctx.claims}

        def resolve(kind, ident):
            if kind == "stakeholder" and ident in ctx.stakeholders:
                return u.stakeholder(ident), ctx.stakeholders[ident].name
            if kind == "doc" and ident in ctx.docs_by_id:
                return u.doc(ident), ctx.docs_by_id[ident]["title"]
            if kind == "claim" and ident in claim_ids:
                return u.claim(ident), "Claim: " + ident
            if kind == "passage":
                p = ctx.passage(ident)
                if p:
                    return u.passage(p), "Passage " + p.id
            return None

        return resolve

    def markdown(self, text, u):
        from scrutiny.site.essays import render_markdown

        return render_markdown(text or "", self.resolver(u), self.label)

    # --- sources ----------------------------------------------------------------
    def source(self, ref: SourceRef) -> dict:
        """A source reference as {id, text, url, locator}."""
        sid = ref.source
        item = self.ctx.sources.get(sid)
        if sid not in self._source_text:
            self._source_text[sid] = _format_source(item, self.citer) if item else sid
        url = safe_href((item or {}).get("URL")) if item else None
        return {"id": sid, "text": self._source_text[sid], "url": url, "locator": ref.locator}

    def sources(self, refs: list[SourceRef]) -> list[dict]:
        return [self.source(r) for r in refs or []]

    def evidence_passages(self, pids) -> list[dict]:
        out = []
        for pid in pids or []:
            p = self.ctx.passage(pid)
            if p:
                out.append({"passage": p, "doc": self.ctx.docs_by_id.get(p.doc_id, {"label": p.doc_id})})
            else:
                out.append({"missing": pid})
        return out


def _format_source(item: dict, citer: Citer) -> str:
    item = dict(item)
    item.setdefault("id", "source")
    item.setdefault("type", "report")
    text = citer.reference(item, "harvard")
    if text:
        return text
    names = []
    for a in item.get("author") or []:
        names.append(a.get("literal") or " ".join(x for x in (a.get("given"), a.get("family")) if x))
    year = ""
    parts = ((item.get("issued") or {}).get("date-parts") or [[None]])[0]
    if parts and parts[0]:
        year = f" ({parts[0]})"
    bits = [", ".join(names) + year, item.get("title") or "", item.get("container-title") or item.get("publisher") or ""]
    return ". ".join(b for b in bits if b) + "."


# --- page generators -----------------------------------------------------------------------

# statuses that say the critique disputes a claim (the home page's "most contested")
DISPUTED = ("contradicted", "unsupported", "contested")


def home(r, ctx: SiteContext, dv: Derived, kb_key):
    def make():
        contested = sorted((c for c in ctx.claims if c.status in DISPUTED),
                           key=lambda c: (STATUS_ORDER.get(c.status, 9), -len(dv.essays_citing[("claim", c.id)]),
                                          -len(c.documents), c.id))[:8]
        return {"documents": home_documents(ctx.documents), "contested": contested, "essays": ctx.essays,
                "counts": _counts(ctx)}
    r.page("index.html", "home.html", ["home", kb_key, _counts(ctx)], make)


HOME_ALL = 100      # a corpus of up to this many documents lists them all on the home page
HOME_NEWEST = 50    # past it, the home page lists the newest this many (the documents page lists all)


def home_documents(documents: list[dict]) -> list[dict]:
    """The documents the home page lists: all of a small corpus; of a larger one the
    newest (by date, the undated last), so that the page stays a few dozen kilobytes
    on a phone (at 10,000 documents it was 1.5 MB) and costs little to make."""
    if len(documents) <= HOME_ALL:
        return documents
    dated = sorted(documents, key=lambda d: (str(d.get("date") or ""), d["id"]), reverse=True)
    return dated[:HOME_NEWEST]


def _counts(ctx):
    return {"documents": len(ctx.documents),
            "ingested": sum(1 for d in ctx.documents if d["ingested"]),
            "passages": sum(d.get("passages") or 0 for d in ctx.documents if d["ingested"]),
            "claims": len(ctx.claims), "stakeholders": len(ctx.stakeholders),
            # the claims by status, in the vocabulary's order (never "17 contested" when 9 are)
            "by_status": [(s, n) for s in ctx.vocab.claim_statuses
                          if (n := sum(1 for c in ctx.claims if c.status == s))],
            "ties": len(ctx.ties), "essays": len(ctx.essays), "conflicts": len(ctx.conflicts)}


DOCUMENTS_ALL = 500   # a corpus of up to this many documents is listed on one page; a larger one by year


def documents_index(r, ctx, dv, kb_key):
    """The documents page: every document on one page; past :data:`DOCUMENTS_ALL`, a
    page of years (with their counts) and a page for each year, each keyed by what it
    lists, so that a document added renders its year's page and the page of years, not
    a list of 10,000 (1.5 MB, rendered again for every document added)."""
    if len(ctx.documents) <= DOCUMENTS_ALL:
        r.page("documents/index.html", "documents.html", ["documents", kb_key],
               lambda: {"documents": ctx.documents, "section": "documents"})
        return
    from scrutiny.site.named_lists import document_year

    by_year: dict[str | None, list[dict]] = defaultdict(list)
    for d in ctx.documents:
        by_year[document_year(d)].append(d)
    order = sorted((y for y in by_year if y), reverse=True) + ([None] if None in by_year else [])
    years = [{"year": y, "label": y or "undated", "count": len(by_year[y]), "file": f"{y or 'undated'}.html"}
             for y in order]
    r.page("documents/index.html", "documents.html", ["documents-by-year", years],
           lambda: {"documents": [], "years": years, "total": len(ctx.documents), "section": "documents"})
    for y in years:
        docs = by_year[y["year"]]
        shown = [[d["id"], d.get("title"), d.get("publisher"), d.get("date"), d.get("kind"), d.get("ingested")]
                 for d in docs]
        # (the other years are named on it without their counts: a document added to one
        # year does not render every year's page again)
        r.page(f"documents/{y['file']}", "documents.html", ["documents-of-year", y, [x["file"] for x in years], shown],
               lambda docs=docs, y=y: {"documents": docs, "years": years, "year": y, "total": len(ctx.documents),
                                       "section": "documents"})


def document_pages(r, ctx: SiteContext, dv: Derived, kb_key, search=None):
    known = set(ctx.stakeholders)
    named = ctx.tags.named_by_document(ctx.fingerprints, ctx.cache_file("site-named.json"))
    orphans_by_doc = defaultdict(list)
    aliases_by_pid = defaultdict(list)   # exact: the old anchor lands on the passage
    moved_by_pid = defaultdict(list)     # merged, split, edited: a visible note holds the old anchor
    for rd in ctx.redirects:
        if rd.new_id:
            span = ctx.span(rd.old_id)
            if span is None:
                continue   # needs review: the old anchor leads nowhere in particular
            if span.method == "exact":
                aliases_by_pid[span.passages[0].id].append(rd.old_id)
            else:
                moved_by_pid[span.passages[0].id].append({
                    "old_id": rd.old_id, "describe": span.describe(),
                    # an edited passage: the words the old address was made for
                    "old_text": rd.old_text if span.method == "fuzzy" else None,
                    "when": (rd.created_at or "")[:10]})
        else:
            orphans_by_doc[rd.doc_id].append(rd)
    redirects_by_doc = defaultdict(list)   # as page inputs
    for rd in ctx.redirect_key():
        redirects_by_doc[rd[1]].append(rd)
    fps = ctx.fingerprints
    # what every document's files share besides its own inputs: the code rendering them
    # and the pages' common values (a document's group key is over these and its key)
    from scrutiny.site.writer import input_key

    shared = input_key(r.code_key("document.html"), r.code_key("parts"), r.code_key("cite"), r.common)
    plan = []
    for doc in ctx.documents:
        doc_id = doc["id"]
        rel = f"doc/{doc_id}/index.html"
        cite_rel = f"doc/{doc_id}/cite.js"
        # (the document's entry and fingerprint as its digest, made once per build: doc_digest)
        key = ["doc", page_key(ctx), doc_digest(ctx, doc_id), redirects_by_doc.get(doc_id),
               _doc_xref_key(ctx, doc_id), sorted(dv.shown_ids().get(doc_id, ())) if doc_id in dv.withheld else None,
               sorted(named.get(doc_id, set()) & known)]   # the stakeholders its mentions link to
        nparts = len(dv.parts.get(doc_id) or [None])
        # the document's files as one group of the writer's record, under one key over all
        # their inputs: unchanged, they are kept by one comparison
        group_key = input_key("doc-group", shared, key, nparts, doc["ingested"])
        files = [f"doc/{doc_id}/{part_file(n)}" for n in range(1, nparts + 1)]
        files += ([f"doc/{doc_id}/parts.js"] if nparts > 1 else []) + ([cite_rel] if doc["ingested"] else [])
        if r.writer.keep(f"doc:{doc_id}", group_key, files):
            plan.append((doc, rel, cite_rel, key, (set(range(1, nparts + 1)), True, None), None, True, group_key))
            continue
        # a long document is several pages (site.parts): each is skipped when its inputs are unchanged
        fresh_parts = {n for n in range(1, nparts + 1)
                       if r.fresh(f"doc/{doc_id}/{part_file(n)}", "document.html", key + [n, nparts])}
        parts_key = r.key(f"doc/{doc_id}/parts.js", "parts", key) if nparts > 1 else None
        parts_fresh = nparts == 1 or r.writer.fresh(f"doc/{doc_id}/parts.js", parts_key)
        # (a withheld document's cite control has the locators of the passages shown only)
        cite_key = r.key(cite_rel, "cite", ["cite", doc, fps.get(doc_id, [None])[:1]]
                         + ([sorted(dv.shown_ids().get(doc_id, ()))] if doc_id in dv.withheld else []))
        cite_fresh = not doc["ingested"] or r.writer.fresh(cite_rel, cite_key)
        plan.append((doc, rel, cite_rel, key, (fresh_parts, parts_fresh, parts_key), cite_key, cite_fresh, group_key))
    # citeproc is the slowest step of a large build: run it for every document at once, on both cores
    from scrutiny.cite.csl import paginated
    from scrutiny.site.citations import warm

    warm(dv.citer, [(doc, paginated(doc))
                    for doc, *_, cite_fresh, _ in plan if not cite_fresh])
    for doc, rel, cite_rel, key, (fresh_parts, parts_fresh, parts_key), cite_key, cite_fresh, group_key in plan:
        doc_id = doc["id"]
        nparts = len(dv.parts.get(doc_id) or [None])
        indexed = search is not None and doc["ingested"] and search.wants(doc_id)
        r.writer.group(f"doc:{doc_id}", group_key)   # (its files are all made below, or kept)
        if len(fresh_parts) == nparts and parts_fresh and cite_fresh and not indexed:
            continue
        passages = ctx.passages(doc_id) if doc["ingested"] else []
        # the heading field of each passage, as the command line's index holds it (the title out)
        headings = search_headings(passages) if indexed else {}
        said = None
        if doc_id in dv.withheld:
            # the licence does not allow the full text: only the passages the critique cites,
            # and of its headings only those the site shows (as passages cited themselves)
            shown = dv.shown_ids().get(doc_id, set())
            passages = [p for p in passages if p.id in shown]
            said = {p.text for p in passages if p.kind == "heading"}
            headings = {p.id: " > ".join(h for h in p.heading_path if h in said) for p in passages} if indexed else {}
        claims = ctx.tags.claims_for(doc_id) if passages else {}
        mentions = ctx.tags.mentions_for(doc_id) if passages else {}
        if indexed:
            _index_passages(search, doc, passages, headings, claims, mentions, r.where, said)
        locs = {p.id: dv.citer.locator(doc, p) for p in passages}
        if doc_id in dv.withheld:
            # a section is cited by its heading: not one the licence keeps off the site
            said = {SECTION_MARK + p.text for p in passages if p.kind == "heading"}
            locs = {pid: ("" if loc.startswith(SECTION_MARK) and loc not in said else loc) for pid, loc in locs.items()}
        curated = dv.claims_of_doc.get(doc_id, [])

        parts = dv.parts.get(doc_id) or [Part(1, "index.html", 1, 1, [p.id for p in passages])]

        def make(part, doc=doc, passages=passages, claims=claims, mentions=mentions, curated=curated, locs=locs,
                 parts=parts):
            u = r_u(r, f"doc/{doc['id']}/{part.file}")
            discussed = _discussed(ctx, dv, u, ctx.xrefs.discussed(doc["id"]))
            related = _related(ctx, dv, u, ctx.xrefs.related(doc["id"]))
            # Which passages does each curated claim point at (by id or by its search terms)?
            claim_marks = defaultdict(list)
            for c in curated:
                for cd in c.documents:
                    if cd.doc != doc["id"]:
                        continue
                    for p in _locate(ctx, cd):
                        if c not in claim_marks[p.id]:
                            claim_marks[p.id].append(c)
            paginated = bool(doc.get("pages") and doc["pages"] > 1)
            file_of = {pid: pt.file for pt in parts for pid in pt.ids}
            page_file = {}   # physical page -> the part its marker is on
            for q in passages:
                page_file.setdefault(q.page, file_of.get(q.id, "index.html"))

            def link(fragment):
                """The address of an anchor of this document, from this part."""
                if fragment.startswith("page-"):
                    target = page_file.get(int(fragment[5:]), "index.html")
                else:
                    pid = fragment[2:] if fragment.startswith("p-") else fragment[5:].rsplit("-", 1)[0]
                    target = file_of.get(pid, "index.html")
                return f"#{fragment}" if target == part.file else f"{target}#{fragment}"

            items, page = [], None
            on_page = {p.id for p in passages}
            backlinks = note_backlinks(passages, link)
            mine = set(part.ids)
            for p in passages:
                if p.id not in mine:
                    continue
                if paginated and p.page != page:
                    page = p.page
                    # the page as printed; the source PDF opened at the physical page
                    url = (doc.get("url") or "").split("#")[0]  # safe: http(s) only (context.gather)
                    pdf = f"{url}#page={page}" if url.lower().endswith(".pdf") else None
                    items.append({"marker": page, "label": page_label(doc, page), "pdf": pdf})
                items.append({
                    "p": p, "loc": locs[p.id],
                    "segs": with_calls(segments(p.text, claims.get(p.id, []), mentions.get(p.id, []), known,
                                                ctx.claim_min_confidence), p, on_page, link),
                    # what the passage's kind shows (site.layout): a table's cells, a chart's
                    # text folded away, a contents page's links, a note's way back to its calls
                    "rows": table_rows(p) if p.kind == "table" else None,
                    "figure": figure_text(p) if p.kind == "figure" else None,
                    "back": backlinks.get(p.id, []),  # the calls that call this note
                    "claims": claim_marks.get(p.id, []),
                    "discussed": discussed.get(p.id, []),
                    "related": related.get(p.id, []),
                    "aliases": sorted(aliases_by_pid.get(p.id, [])),
                    "moved": sorted(moved_by_pid.get(p.id, []), key=lambda m: m["old_id"]),
                    # headings of the document start at h2 (the page's h1 is its title)
                    "level": min(6, 2 + len(p.heading_path)),
                    # Cite and Copy link on what the document says, not on its headings or contents
                    "tools": p.kind not in NO_TOOLS_KINDS,
                })
            markers = sorted(page_file)
            for it in items:
                if "p" in it and it["p"].kind == "contents":
                    it["entries"] = contents_links(it["p"].layout.get("entries") or [], markers, link)
            kinds_present = sorted({s.kind for spans in claims.values() for s in spans
                                    if not low_tag(s, ctx.claim_min_confidence)})
            low_count = sum(1 for spans in claims.values() for s in spans if low_tag(s, ctx.claim_min_confidence))
            nav = page_navigator(doc, passages, parts, part, link) if paginated else None
            return {
                "doc": doc, "items": items, "curated": curated, "part": part, "parts": parts, "nav": nav,
                "essays": dv.essays_about.get(doc["id"], []),
                "conflicts": [conflict_item(c, ctx, dv) for c in dv.conflicts_of.get(("doc", doc["id"]), [])],
                "doc_stakeholder": dv.doc_stakeholder.get(doc["id"]),
                "orphans": orphans_by_doc.get(doc["id"], []) if part.number == 1 else [],
                "withheld": doc["id"] in dv.withheld,
                "kinds_present": kinds_present, "low_count": low_count, "min_confidence": ctx.claim_min_confidence,
                "style_labels": STYLE_LABELS, "styles": STYLES, "section": "documents",
                "head": document_head(doc, ctx.base_url, f"doc/{doc['id']}/"),
            }

        for part in parts:
            if part.number not in fresh_parts:
                r.page(f"doc/{doc_id}/{part.file}", "document.html", key + [part.number, nparts],
                       lambda part=part: make(part), checked=True)
        if not parts_fresh:   # where each anchor is, for links made before the split (document.js)
            r.data(f"doc/{doc_id}/parts.js", parts_script(parts, passages, aliases_by_pid, moved_by_pid), parts_key)
        if not cite_fresh:
            table = dv.citer.table(doc, locs.values())
            # a script, not JSON: loaded with <script>, the cite control works from a folder (file://)
            r.data(cite_rel, "__scrutinyCite(" + json.dumps(
                {"styles": list(STYLES), "labels": STYLE_LABELS, "base": dv.citer.base_url,
                 "pid": PID, "basemark": BASE, "locators": table,
                 # the reader's accessed date goes in place of the mark, in each style's form
                 "accessedmark": ACCESSED, "accessed": dv.citer.date_forms()},
                ensure_ascii=False, sort_keys=True, separators=(",", ":")) + ");\n", cite_key)
        ctx.drop_passages(doc_id)


def plan_parts(r, ctx: SiteContext, dv: Derived) -> None:
    """Split each long document into parts (site.parts) and tell the renderer which
    part each passage is on, before any page links to one."""
    if ctx.store is None:
        return
    # each document's parts as its record keeps them (site.doc_passages); a withheld
    # document's from the references of the passages the site shows
    records = ctx.doc_passages()
    where = {}
    for doc in ctx.documents:
        if not doc["ingested"]:
            continue
        if doc["id"] in dv.withheld:
            shown = dv.shown_ids().get(doc["id"], set())
            mine = records.refs(doc["id"])
            if mine is None:
                mine = ctx.store.passage_refs([doc["id"]])
            mine = [x for x in mine if x.id in shown]
            parts = split(mine, paginated=bool(doc.get("pages") and doc["pages"] > 1))
        else:
            parts = records.parts(doc["id"]) or split([], paginated=bool(doc.get("pages") and doc["pages"] > 1))
        dv.parts[doc["id"]] = parts
        if len(parts) > 1:
            where.update((pid, part.file) for part in parts for pid in part.ids)
    # an old id's anchor stands on the passage its text is in now
    for rd in ctx.redirects:
        if rd.new_id and rd.doc_id in dv.parts and len(dv.parts[rd.doc_id]) > 1:
            span = ctx.span(rd.old_id)
            if span is not None and span.passages[0].id in where:
                where[rd.old_id] = where[span.passages[0].id]
    r.where.clear()
    r.where.update(where)


def page_navigator(doc, passages, parts, part, link) -> dict:
    """What a paginated document page offers to move around it: its parts, each
    page as the document prints its number, and the data of the "go to page" box."""
    pages, seen = [], set()
    for p in passages:
        if p.page not in seen:
            seen.add(p.page)
            pages.append({"label": page_label(doc, p.page), "href": link(f"page-{p.page}")})
    goto = {}
    for pg in pages:
        goto.setdefault(pg["label"].casefold(), pg["href"])
    nav_parts = []
    if len(parts) > 1:
        for pt in parts:
            first, last = page_label(doc, pt.first_page), page_label(doc, pt.last_page)
            nav_parts.append({"number": pt.number, "href": pt.file, "current": pt.number == part.number,
                              "label": f"pages {first}–{last}" if first != last else f"page {first}"})
    return {"pages": pages, "parts": nav_parts,
            "goto": json.dumps(goto, ensure_ascii=False, separators=(",", ":")),
            "range": f"{pages[0]['label']}–{pages[-1]['label']}" if pages else ""}


def parts_script(parts, passages, aliases, moved) -> str:
    """``parts.js``: the part each anchor of a long document is on (``document.js``
    loads it when the address names an anchor the part it opened does not hold)."""
    where = {}
    for part in parts:
        for pid in part.ids:
            where[f"p-{pid}"] = part.number
            for old in aliases.get(pid, []):
                where[f"p-{old}"] = part.number
            for m in moved.get(pid, []):
                where[f"p-{m['old_id']}"] = part.number
    file_of = {pid: part.number for part in parts for pid in part.ids}
    for p in passages:
        where.setdefault(f"page-{p.page}", file_of.get(p.id, 1))
    data = {"files": {pt.number: pt.file for pt in parts}, "anchors": dict(sorted(where.items()))}
    return "__scrutinyParts(" + json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + ");\n"


def _discussed(ctx, dv, u, rows: dict[str, list[Link]]) -> dict[str, list[dict]]:
    """Links from a policy passage to the critique that discusses it."""
    out = defaultdict(list)
    for pid, links in rows.items():
        seen = set()
        for x in links:
            essay = dv.essays_by_id.get(x.essay_id) if x.essay_id else None
            if essay and ("e", essay.id) not in seen:
                seen.add(("e", essay.id))
                out[pid].append({"href": u.essay(essay.id), "label": essay.title, "note": None})
            elif not essay and x.source_doc and x.source_id not in seen \
                    and dv.is_shown(x.source_id, x.source_doc):
                seen.add(x.source_id)
                d = ctx.docs_by_id.get(x.source_doc, {"label": x.source_doc})
                note = f"similar wording, score {x.score:.2f}" if x.method == "tfidf" and x.score is not None else None
                out[pid].append({"href": u.doc(x.source_doc, x.source_id), "label": d["label"], "note": note})
    return dict(out)


def _related(ctx, dv, u, rows: dict[str, list[Link]]) -> dict[str, list[dict]]:
    """Links from a critique passage to the policy passages it discusses or resembles."""
    out = defaultdict(list)
    for pid, links in rows.items():
        targets = [(x, p) for x in links if (p := ctx.passage(x.target_id)) is not None and p.id == x.target_id
                   and dv.is_shown(p.id, p.doc_id)]
        for x, p in targets[:8]:
            d = ctx.docs_by_id.get(p.doc_id, {"label": p.doc_id, "pages": 0})
            label = d["label"] + (f", {page_ref(d, p.page)}" if (d.get("pages") or 0) > 1 else "")
            note = "cited" if x.method == "markup" else (f"similar wording, score {x.score:.2f}" if x.score is not None else None)
            out[pid].append({"href": u.doc(p.doc_id, p.id), "label": label, "note": note})
    return dict(out)


def _index_passages(search, doc, passages, headings, claims, mentions, where, said=None):
    """``said``: of a withheld document, the headings the site shows (a result's section is one of them)."""
    from scrutiny.site.search_index import passage_record

    for p in passages:
        rec = passage_record(doc, p, f"doc/{doc['id']}/{where.get(p.id, 'index.html')}#p-{p.id}")
        if said is not None and rec["h"] not in said:
            rec["h"] = ""
        kinds = sorted({s.kind for s in claims.get(p.id, [])})
        if kinds:
            rec["k"] = kinds
        who = sorted({m.stakeholder for m in mentions.get(p.id, [])})
        search.add_passage(rec, p, headings[p.id], kinds=kinds, stakeholders=who)


def _locate(ctx, cd: ClaimDocument) -> list[Passage]:
    out = []
    for pid in cd.passages:
        p = ctx.passage(pid)
        if p:
            out.append(p)
    if not out and cd.search and ctx.docs_by_id.get(cd.doc, {}).get("ingested"):
        out = ctx.find_passages(cd.doc, cd.search, limit=3)
    return out


def permalink_stubs(r, ctx: SiteContext, dv: Derived | None = None):
    """``p/<id>/``: one small page per passage id, old ids included.

    A current passage's page redirects to its anchor. An old id redirects
    silently only when its text stands unchanged in one passage (``exact``);
    merged, split or edited (fuzzy) text gets a page saying how it relates to
    the current passages, with links to them and no automatic refresh; an old
    id whose text is no longer there word for word gets a "needs review" page
    linking to the document; orphans lead to the "no longer in the source"
    section, and the ids of a document removed from the manifest say so. A passage of a document whose licence does not allow republishing,
    and that the critique does not cite, gets a page giving its page in the
    source and the source's address.

    A current passage's stub is keyed by its document (its entry, passages and
    what a withheld one shows): a document added, changed or removed renders its
    own stubs again, not the others. The stubs of old ids share one key (all
    ids and redirects).
    """
    if ctx.store is None:
        return
    shown = dv.shown_key() if dv is not None else None
    group_key = r.key("p/", "redirect.html", ["stubs", ctx.fingerprints, ctx.redirect_key(), shown])
    doc_keys: dict[str, str] = {}

    def doc_key(doc_id):
        if doc_id not in doc_keys:
            withheld = dv is not None and doc_id in dv.withheld
            # (its entry and fingerprint as the digest its pages and search entry share)
            doc_keys[doc_id] = r.key("p/", "redirect.html", [
                "stub", doc_id, doc_digest(ctx, doc_id), sorted(dv.shown_ids().get(doc_id, ())) if withheld else None])
        return doc_keys[doc_id]

    template = r.env.get_template("redirect.html")
    from scrutiny.site.render import Urls, depth_root

    def write(pid, context, key=group_key):
        rel = f"p/{pid}/index.html"
        if r.writer.fresh(rel, key):
            return
        root = depth_root(rel)
        html = template.render(**r.common, root=root, page_path=rel, u=Urls(root, r.where), pid=pid, **context)
        r.rendered += 1
        r.writer.write(rel, html, key)

    def unpublished(p):
        return dv is not None and not dv.is_shown(p.id, p.doc_id)

    def doc_of(doc_id):
        return ctx.docs_by_id.get(doc_id, {"id": doc_id, "label": doc_id, "title": doc_id, "pages": 0})

    # a document's stubs by its record's passage ids (site.doc_passages): its passages'
    # references are read only when one of its stubs is to be written again. Its stubs are
    # one group of the writer's record under its key: unchanged, kept by one comparison
    records = ctx.doc_passages()
    for doc_id in sorted(records.records):
        key = doc_key(doc_id)
        files = [f"p/{pid}/index.html" for pid in records.ids(doc_id)]
        if r.writer.keep(f"stubs:{doc_id}", key, files):
            continue
        stale = [rel[2:-11] for rel in r.writer.stale(files, key)]
        r.writer.group(f"stubs:{doc_id}", key)     # (those stale are all written below)
        if not stale:
            continue
        refs = {ref.id: ref for ref in ctx.store.passage_refs([doc_id])}
        for target in (refs[pid] for pid in stale):
            if unpublished(target):
                write(target.id, {"mode": "unpublished", "doc": doc_of(target.doc_id), "page": target.page,
                                  "page_end": target.page_end}, key)
            else:
                write(target.id, {"mode": "passage", "target": target}, key)
    for rd in ctx.redirects:
        doc = doc_of(rd.doc_id)
        if not rd.new_id:
            if rd.doc_id not in ctx.docs_by_id:  # the whole document left the corpus
                write(rd.old_id, {"mode": "removed", "orphan": rd})
            else:
                write(rd.old_id, {"mode": "orphan", "orphan": rd})
            continue
        span = ctx.span(rd.old_id)
        if span is None:
            write(rd.old_id, {"mode": "review", "doc": doc})
        elif any(unpublished(p) for p in span.passages):
            write(rd.old_id, {"mode": "unpublished", "doc": doc, "page": span.page, "page_end": span.page_end})
        elif span.method == "exact":
            write(rd.old_id, {"mode": "exact", "target": span.passages[0]})
        else:
            # an edited passage: the words the address was made for, and the words now
            changed = {"old": rd.old_text, "new": span.text, "when": (rd.created_at or "")[:10]} \
                if span.method == "fuzzy" else None
            write(rd.old_id, {"mode": "reanchored", "describe": span.describe(),
                                 "passages": span.passages, "doc": doc, "changed": changed})


def build_notes(ctx: SiteContext, dv: Derived) -> list[str]:
    """What a reader of the build report should know about the published text."""
    notes = []
    review = sorted(rd.old_id for rd in ctx.redirects if rd.new_id and ctx.span(rd.old_id) is None)
    if review:
        notes.append(f"{len(review)} old passage id(s) no longer match their document word for word "
                     f"({', '.join(review[:5])}{', ...' if len(review) > 5 else ''}): their permalinks say they "
                     "need review (run `scrutiny ingest` again to re-anchor them)")
    withheld = sorted(d for d in dv.withheld if ctx.docs_by_id[d]["ingested"])
    if withheld:
        notes.append("full text not republished (its licence does not allow it): " + _listed(
            [f"{d} ({len(dv.shown_ids().get(d, ()))} cited passages shown)" for d in withheld]))
    # what the maintainers can do (the public pages only say what a reader can)
    missing = [d["id"] for d in ctx.documents if not d["ingested"]]
    if missing:
        notes.append(f"{len(missing)} document(s) have no text on the site ({', '.join(missing[:5])}"
                     f"{', ...' if len(missing) > 5 else ''}): `scrutiny fetch`, or put each file in "
                     "corpus/sources/, then `scrutiny build`")
    empty = [what for what, n in (("claims (kb/claims.yaml)", len(ctx.claims)),
                                  ("stakeholders (kb/stakeholders.yaml)", len(ctx.stakeholders)),
                                  ("critique essays (kb/critique/)", len(ctx.essays))) if not n]
    if empty:
        notes.append("the knowledge base has no " + ", no ".join(empty) + " yet")
    split = sorted(f"{d} ({len(parts)} parts)" for d, parts in dv.parts.items() if len(parts) > 1)
    if split:
        notes.append("long documents shown in parts: " + _listed(split))
    return notes


NOTE_LISTED = 10   # a note names this many documents, then counts the rest (10,000 would be one long line)


def _listed(items: list[str]) -> str:
    """``items`` joined for a build note: the first :data:`NOTE_LISTED`, then how many more."""
    shown = ", ".join(items[:NOTE_LISTED])
    return shown + (f" and {len(items) - NOTE_LISTED} more" if len(items) > NOTE_LISTED else "")


def claim_pages(r, ctx: SiteContext, dv: Derived, kb_key, search=None):
    docs = ctx.documents
    statuses = ctx.vocab.claim_statuses
    for c in ctx.claims:
        if search is not None:
            search.add({"t": "c", "u": f"claims/{c.id}/index.html", "h": c.statement,
                        "x": _plain(c.critique or "", dv)[:400], "k": c.kinds, "st": c.status},
                       _plain(c.critique or "", dv), c.statement, kinds=c.kinds)

    def register():
        rows = []
        for c in ctx.claims:
            rows.append({"c": c, "docs": [ctx.docs_by_id.get(cd.doc, {"id": cd.doc, "label": cd.doc})
                                          for cd in c.documents]})
        return {"rows": rows, "documents": docs, "statuses": statuses, "section": "claims"}

    r.page("claims/index.html", "claims.html", ["claims", kb_key], register)
    for c in ctx.claims:
        def make(c=c):
            made = []
            own_docs = set()
            xrows = ctx.xrefs.recurrences(c.id)
            located = defaultdict(list)
            for x in xrows:
                if x.origin == "located":
                    p = ctx.passage(x.passage_id)
                    if p:
                        located[x.doc_id].append(p)
            for cd in c.documents:
                d = ctx.docs_by_id.get(cd.doc)
                own_docs.add(cd.doc)
                made.append({"doc": d or {"id": cd.doc, "label": cd.doc, "ingested": False},
                             "known": d is not None, "search": cd.search,
                             "passages": (located.get(cd.doc) or _locate(ctx, cd))[:3] if d else []})
            # The same claim in other documents: from the cross-references when built
            # (same figure, similar wording), else the passages holding the same search terms.
            by_doc: dict[str, list] = {}
            notes = {}
            for x in xrows:
                if x.origin != "located" and x.doc_id not in own_docs:
                    p = ctx.passage(x.passage_id)
                    if p and dv.is_shown(p.id, p.doc_id) and p not in by_doc.setdefault(x.doc_id, []):
                        by_doc[x.doc_id].append(p)
                        notes[p.id] = (f"same figure: {x.surface}" if x.origin == "figure" and x.surface
                                       else f"similar wording, score {x.score:.2f}" if x.score is not None
                                       else x.origin)
            for cd in ([] if xrows else c.documents):
                if cd.search:
                    for p in ctx.find_passages(None, cd.search, limit=30, exclude=own_docs | dv.withheld, per_doc=3):
                        if p not in by_doc.setdefault(p.doc_id, []):
                            by_doc[p.doc_id].append(p)
            recurs = [{"doc": ctx.docs_by_id.get(d, {"id": d, "title": d, "label": d}), "passages": ps[:3]}
                      for d, ps in sorted(by_doc.items())][:10]
            u = r_u(r, f"claims/{c.id}/index.html")
            return {"c": c, "made": made, "recurs": recurs, "notes": notes, "statuses": statuses,
                    "critique": dv.markdown(c.critique, u),
                    "evidence": [{"statement": dv.markdown(e.statement, u), "sources": dv.sources(e.sources)}
                                 for e in c.evidence],
                    "sources": dv.sources(c.sources),
                    "essays": dv.essays_citing.get(("claim", c.id), []), "section": "claims"}
        r.page(f"claims/{c.id}/index.html", "claim.html", ["claim", page_key(ctx), _claim_key(ctx, c),
                                                           _stakeholders_key(ctx)], make)


def r_u(r, rel):
    return r.urls(rel)


def _plain(text, dv):
    from scrutiny.site.essays import plain_refs

    return plain_refs(text, dv.label)


def _store_key(ctx):
    """Pages that quote passages found by search terms depend on the whole store."""
    return ctx.store_key


# --- what a page of one document, claim or stakeholder depends on -----------------------
# Not the whole store nor every document's title: a document added, changed or
# removed renders again its own pages and those that show it, not the rest.

def page_key(ctx) -> str:
    """The inputs every document, claim and stakeholder page shares: the
    knowledge base (without the manifest's titles) and the documents and
    passages it names (their entries, passages and redirects)."""
    cached = getattr(ctx, "_page_key", None)
    if cached is not None:
        return cached
    import json
    import re

    from scrutiny.site.writer import input_key

    kb = {k: v for k, v in ctx.kb_data.items() if k != "documents"}
    text = json.dumps(kb, sort_keys=True, ensure_ascii=False, default=str)
    named = set(re.findall(r'"(?:doc|doc_id|document)": "([^"]+)"', text))
    named |= set(re.findall(r"\[\[doc:([^\]|\s]+)", text))
    # passages the knowledge base names by id (claims, ties, essays): where they are now
    pids = sorted(set(re.findall(r"\[\[passage:([^\]|\s]+)", text)) | set(_passage_refs(kb)))
    found = [[pid, (p.doc_id if (p := ctx.passage(pid)) else None)] for pid in pids]
    named |= {d for _, d in found if d}
    docs = [[d, ctx.docs_by_id.get(d), ctx.fingerprints.get(d)] for d in sorted(named)]
    # the redirects of those passages (a document's own redirects are in its pages' keys)
    wanted = set(pids)
    redirects = [r for r in ctx.redirect_key() if r[0] in wanted]
    key = input_key(kb, redirects, docs, found)
    ctx._page_key = key
    return key


def _passage_refs(data):
    """The strings of every ``passages`` list in the knowledge base's data."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k == "passages" and isinstance(v, list):
                yield from (x for x in v if isinstance(x, str))
            else:
                yield from _passage_refs(v)
    elif isinstance(data, list):
        for v in data:
            yield from _passage_refs(v)


def _stakeholders_key(ctx) -> str:
    """The stakeholders the site knows, curated and suggested by the tagger (a
    document page depends only on those its mentions name): hashed once per build."""
    cached = getattr(ctx, "_stakeholders_key", None)
    if cached is None:
        from scrutiny.site.writer import input_key

        cached = ctx._stakeholders_key = input_key([[sid, st.name, st.kind] for sid, st in ctx.stakeholders.items()])
    return cached


def _ties_key(ties: list[TieListing]) -> list[str]:
    """Suggested ties as a page's inputs: their fields, nested ones included (the
    dataclasses' repr: ``dataclasses.asdict`` deep-copies every one and was a third
    of a no-change build's stakeholder pages at 2,000 documents)."""
    return [repr(t) for t in ties]


def _doc_entry(ctx, doc_id):
    return [ctx.docs_by_id.get(doc_id), ctx.fingerprints.get(doc_id)]


def _doc_xref_key(ctx, doc_id) -> list:
    """The cross-references a document's page shows, with the documents at their other end."""
    from dataclasses import astuple

    rows = [astuple(x) for links in (ctx.xrefs.discussed(doc_id), ctx.xrefs.related(doc_id))
            for xs in links.values() for x in xs]
    others = sorted({d for r in rows for d in (r[-2], r[-1]) if d and d != doc_id})
    return [rows, [doc_digest(ctx, d) for d in others]]


def _claim_key(ctx, c) -> list:
    """A claim's rows of the cross-references and their documents; without them
    (not built) the page finds passages by search words in the whole store."""
    from dataclasses import astuple

    rows = [astuple(x) for x in ctx.xrefs.recurrences(c.id)]
    if not rows:
        return [None, ctx.store_key]
    docs = sorted({x.doc_id for x in ctx.xrefs.recurrences(c.id)} | {cd.doc for cd in c.documents})
    return [rows, [_doc_entry(ctx, d) for d in docs]]


def _evidence_key(ctx, ties: list[TieListing]) -> list:
    """The documents of the passages a stakeholder page quotes (its suggested ties'
    evidence, the first two sentences of each): each document's entry and
    fingerprints as one hash (:func:`doc_digest`)."""
    docs = {e.doc_id for t in ties for e in t.evidence[:2]}
    return [doc_digest(ctx, d) for d in sorted(docs, key=str)]


def doc_digest(ctx, doc_id) -> str:
    """The hash of :func:`_doc_entry` (the document's entry and fingerprint), made once
    per document and build: what its pages' keys, its permalink stubs' key and its entry
    in the search index's keys hold of the document (not the entry itself, encoded again
    by each)."""
    digests = ctx.__dict__.setdefault("_doc_digests", {})
    found = digests.get(doc_id)
    if found is None:
        from scrutiny.site.writer import input_key

        found = digests[doc_id] = input_key(_doc_entry(ctx, doc_id))
    return found


def suggested_ties_cached(ctx: SiteContext) -> dict[str, list[TieListing]]:
    """{stakeholder id: [tie]} of the tagger's suggested (and accepted) ties, as the
    stakeholder pages show them (:mod:`scrutiny.site.suggested_ties`), once per build."""
    if not hasattr(ctx, "_suggested_ties"):
        from scrutiny.site.suggested_ties import suggested_ties

        ctx._suggested_ties = suggested_ties(ctx)
    return ctx._suggested_ties


def _tie_pieces(ctx, st, other, t, outgoing: bool) -> list[dict]:
    """A tie as an English sentence, subject first, whichever page shows it: "Robert
    Devereux holds a position at the Department for Work and Pensions", with the other
    end linked when the site has a page for it."""
    def name(x):
        return x.name if hasattr(x, "name") else x.get("name")

    def ident(x):
        return x.id if hasattr(x, "id") else x.get("id")

    subject, obj = (st, other) if outgoing else (other, st)
    out = []
    for what, text in ctx.vocab.tie_pieces(name(subject) or ident(subject), t.relation, name(obj) or ident(obj),
                                           getattr(t, "role", None)):
        end = subject if what == "subject" else obj if what == "object" else None
        link = ident(end) if end is not None and end is not st and ident(end) in ctx.stakeholders else None
        out.append({"text": text, "link": link, "end": what != "text"})
    return out


def stakeholder_pages(r, ctx: SiteContext, dv: Derived, kb_key, search=None):
    from scrutiny.site.named_lists import NamedIn, named_in, shown

    lists = named_in(ctx)
    kinds = ctx.vocab.stakeholder_kinds
    sectors = ctx.vocab.sectors
    suggested = suggested_ties_cached(ctx)
    for sid, st in ctx.stakeholders.items():
        if search is not None:
            search.add({"t": "s", "u": f"stakeholders/{sid}/index.html", "h": st.name or sid,
                        "x": " · ".join([*st.aliases, _plain(st.description or "", dv)])[:400]},
                       " ".join([*st.aliases, st.description or ""]),
                       st.name or sid, stakeholders=[sid])

    def directory():
        groups = []
        for kind in kinds:
            members = [st for st in ctx.stakeholders.values() if st.kind == kind]
            if members:
                groups.append({"kind": kind, "label": kinds[kind]["label"],
                               "members": sorted(members, key=lambda s: (s.name or s.id).casefold())})
        return {"groups": groups, "sectors": sectors, "ties_of": dv.ties_of, "section": "stakeholders",
                "suggested": ctx.suggested_stakeholders}

    r.page("stakeholders/index.html", "stakeholders.html", ["stakeholders", kb_key], directory)
    for sid, st in ctx.stakeholders.items():
        def make(sid=sid, st=st):
            u = r_u(r, f"stakeholders/{sid}/index.html")
            ties = []
            for direction, t in sorted(dv.ties_of.get(sid, []), key=lambda x: (x[1].relation, x[1].id)):
                other = t.object if direction == "out" else t.subject
                other_st = ctx.stakeholders.get(other, {"id": other, "name": other})
                ties.append({"t": t, "direction": direction, "other": other_st,
                             "verb": dv.relation_label(t.relation) if direction == "out" else dv.inverse_label(t.relation),
                             "pieces": _tie_pieces(ctx, st, other_st, t, direction == "out"),
                             "sources": dv.sources(t.sources),
                             "evidence": dv.evidence_passages(t.passages)})
            shaped = []
            for direction, t in dv.ties_of.get(sid, []):
                if direction == "out" and t.relation in DOC_SHAPING:
                    obj = ctx.stakeholders.get(t.object)
                    doc_id = obj.doc_id if obj is not None and obj.doc_id in ctx.docs_by_id else None
                    shaped.append({"t": t, "stakeholder": obj or {}, "doc": ctx.docs_by_id.get(doc_id) if doc_id else None,
                                   "verb": dv.relation_label(t.relation)})
            shaped.sort(key=lambda x: (x["stakeholder"].name if x["stakeholder"] else "", x["t"].id))
            conflicts = list(dv.conflicts_of.get(sid, []))
            if st.doc_id:
                conflicts += [c for c in dv.conflicts_of.get(("doc", st.doc_id), []) if c not in conflicts]
            conflicts = [conflict_item(c, ctx, dv) for c in conflicts]
            proposed = []
            below = []
            for t in suggested.get(sid, []):
                out_ = t.subject == sid
                other = t.object if out_ else t.subject
                evidence = []
                for e in t.evidence[:2]:
                    p = ctx.passage(e.passage_id)
                    if p:
                        evidence.append({"passage": p, "doc": ctx.docs_by_id.get(p.doc_id, {"label": p.doc_id, "pages": 0})})
                other_st = ctx.stakeholders.get(other)
                other_name = t.object_name if out_ else t.subject_name
                (proposed if t.status == "accepted" or t.confidence >= ctx.min_confidence else below).append({
                                 "t": t, "other": other_st,
                                 "other_name": other_name,
                                 "pieces": _tie_pieces(ctx, st, other_st or {"id": None, "name": other_name}, t, out_),
                                 "verb": dv.relation_label(t.relation) if out_ else dv.inverse_label(t.relation),
                                 "evidence": evidence})
            from scrutiny.site.netmap import neighbourhood

            net = neighbourhood(sid, ctx.stakeholders, ctx.ties, u.stakeholder, dv.relation_label) if ties else None
            return {"st": st, "ties": ties, "shaped": shaped, "conflicts": conflicts, "proposed": proposed, "net": net,
                    "proposed_below": below, "min_confidence": ctx.min_confidence,
                    "machine_suggested": ctx.suggested_stakeholders.get(sid),
                    "kind_label": (kinds.get(st.kind) or {}).get("label", st.kind),
                    "sector_label": sectors.get(st.sector) if st.sector else None,
                    "doc": ctx.docs_by_id.get(st.doc_id) if st.doc_id else None,
                    "description": dv.markdown(st.description, u) if st.description else None,
                    "facts": [{"what": f.what, "value": f.value, "note": f.note, "sources": dv.sources(f.sources)}
                              for f in st.facts],
                    "sources": dv.sources(st.sources),
                    "named": lists.get(sid) or NamedIn(), "mentions": shown(ctx, (lists.get(sid) or NamedIn()).newest),
                    "essays": dv.essays_citing.get(("stakeholder", sid), []), "section": "stakeholders"}
        ni = lists.get(sid) or NamedIn()
        r.page(f"stakeholders/{sid}/index.html", "stakeholder.html",
               ["stakeholder", page_key(ctx), ni.summary_key(), _ties_key(suggested.get(sid, [])),
                _evidence_key(ctx, suggested.get(sid, [])), _stakeholders_key(ctx),
                _suggested_key(ctx.suggested_stakeholders.get(sid))], make)
        named_pages(r, ctx, sid, st, ni)


def _suggested_key(e) -> list | None:
    """What a stakeholder's page shows of it being machine-suggested (not the documents
    naming it: its lists of them are keyed on their own)."""
    if e is None:
        return None
    return [e.id, e.name, e.kind, list(e.aliases), e.mentions, e.confidence, e.status]


def named_pages(r, ctx: SiteContext, sid, st, ni) -> None:
    """The pages listing every document naming a stakeholder (:mod:`.named_lists`),
    each keyed by its own documents: one document added renders its year's page."""
    from scrutiny.site.named_lists import shown

    for pg in ni.pages:
        rel = f"stakeholders/{sid}/{pg.file}"

        def make(pg=pg):
            return {"st": st, "page": pg, "docs": shown(ctx, pg.docs), "section": "stakeholders"}

        r.page(rel, "named.html", ["named", sid, st.name, pg.year, pg.number, pg.count, pg.newer, pg.older,
                                   pg.digest], make)


def conflict_item(c: Conflict, ctx, dv) -> dict:
    """{c: the conflict with its document's title (or no document link), chain: the ties}."""
    d = ctx.docs_by_id.get(c.document)
    shown = {"document": c.document if d else None, "document_label": d["title"] if d else None,
             "stakeholder": c.stakeholder, "via": list(c.via), "explanation": c.explanation}
    return {"c": shown, "chain": conflict_view(c, ctx, dv)}


def conflict_view(c: Conflict, ctx, dv):
    chain = []
    by_id = {t.id: t for t in ctx.ties}
    for tid in c.via:
        t = by_id.get(tid)
        if t:
            chain.append({"t": t, "subject": ctx.stakeholders.get(t.subject, {"id": t.subject, "name": t.subject}),
                          "object": ctx.stakeholders.get(t.object, {"id": t.object, "name": t.object}),
                          "verb": dv.relation_label(t.relation)})
    return chain


def network_page(r, ctx: SiteContext, dv: Derived, kb_key):
    from scrutiny.site.netmap import layout

    def make():
        u = r_u(r, "network/index.html")
        net = layout(ctx.stakeholders, ctx.ties, u.stakeholder, dv.relation_label)
        kinds = sorted({n["kind"] for n in net["nodes"]})
        return {"net": net, "kinds": kinds, "kind_labels": {k: v["label"] for k, v in ctx.vocab.stakeholder_kinds.items()},
                "ties": ctx.ties, "section": "network"}

    r.page("network/index.html", "network.html", ["network", _network_key(ctx, dv)], make)


def _network_key(ctx: SiteContext, dv: Derived) -> list:
    """What the network page is made of: the ties between stakeholders the site has, their
    ends' names and kinds, and the words for relations and kinds; not the documents'
    titles, so that a document added does not lay the network out again (networkx's
    import and the layout were 7% of a one-document build at 10,000 documents)."""
    known = ctx.stakeholders
    ties = sorted(([t.id, t.subject, t.object, t.relation, t.role] for t in ctx.ties
                   if t.subject in known and t.object in known), key=lambda x: x[0])
    ends = sorted({x for t in ties for x in (t[1], t[2])})
    return [[[sid, known[sid].name, known[sid].kind] for sid in ends], ties,
            {rel: dv.relation_label(rel) for rel in sorted({t[3] for t in ties})},
            {k: v["label"] for k, v in ctx.vocab.stakeholder_kinds.items()}]


def essay_pages(r, ctx: SiteContext, dv: Derived, kb_key):
    r.page("critique/index.html", "essays.html", ["essays", kb_key],
           lambda: {"essays": ctx.essays, "section": "critique"})
    for e in ctx.essays:
        def make(e=e):
            u = r_u(r, f"critique/{e.id}/index.html")
            discusses = []
            for x in ctx.xrefs.essay_passages(e.id):
                p = ctx.passage(x.passage_id)
                if p and p.doc_id != e.id and dv.is_shown(p.id, p.doc_id):
                    discusses.append({"p": p, "doc": ctx.docs_by_id.get(p.doc_id, {"label": p.doc_id}),
                                      "note": "cited" if x.method == "markup" else
                                      (f"similar wording, score {x.score:.2f}" if x.score is not None else None)})
            return {"e": e, "body": dv.markdown(_without_title(e.body or "", e.title), u),
                    "head": essay_head(e, ctx.docs_by_id.get(e.id), ctx.base_url, f"critique/{e.id}/", ctx.name),
                    "section": "critique", "discusses": discusses[:20],
                    "doc": ctx.docs_by_id.get(e.id), "about": ctx.docs_by_id.get(e.doc_id)}
        r.page(f"critique/{e.id}/index.html", "essay.html", ["essay", kb_key, _store_key(ctx)], make)


def _without_title(body: str, title: str | None) -> str:
    """The essay body without a first heading that repeats its title (the page shows it)."""
    lines = body.lstrip("\n").split("\n", 1)
    if title and lines and lines[0].lstrip("# ").strip() == title.strip() and lines[0].startswith("#"):
        return lines[1] if len(lines) > 1 else ""
    return body


def method_page(r, ctx: SiteContext, dv: Derived, kb_key):
    v = ctx.vocab
    r.page("method/index.html", "method.html", ["method", kb_key, _counts(ctx)],
           lambda: {"v": v, "counts": _counts(ctx), "section": "method"})


SEARCH_LIST_ALL = 200   # past this many documents, the search page's document filter is typed, not listed


def search_documents(documents: list[dict]) -> list[dict] | None:
    """The documents the search page's filter lists; None past :data:`SEARCH_LIST_ALL`
    (the filter is then a document's id, which each document's page fills in: a list
    of 10,000 made the page 700 KB, rendered again for every document added)."""
    shown = [d for d in documents if d["ingested"]]
    return shown if len(shown) <= SEARCH_LIST_ALL else None


def search_page(r, ctx: SiteContext, dv: Derived, kb_key):
    r.page("search/index.html", "search.html", ["search", kb_key],
           lambda: {"documents": search_documents(ctx.documents),
                    "kinds": ctx.vocab.claim_kinds,
                    "stakeholders": sorted(ctx.stakeholders.values(), key=lambda s: (s.name or "").casefold()),
                    "section": "search"})
