"""The export's tables: one schema for JSON, CSV and SQLite (Datasette).

Values are real types: lists stay lists (JSON arrays; in CSV one cell with the
items joined by "; "; in SQLite a JSON array, which Datasette facets with
``_facet_array``). Every page is given twice: ``page``/``page_end`` as the
document prints it (its page label: "iv", "12", "[1]"), and
``pdf_page``/``pdf_page_end`` as the physical page (the PDF's page index plus
one, what ``#page=N`` opens). Flowing text (HTML, Markdown...) has no pages:
both are empty.

:data:`SCHEMA` describes every table and column: the SQLite export builds its
tables and Datasette's ``metadata.json`` from it, and a test checks that each
row has exactly its columns.
"""

from __future__ import annotations

from dataclasses import asdict

from scrutiny.pages import label

# table -> (description, primary key, {column: (SQL type, description, foreign key "table(col)" or None)})
SCHEMA: dict[str, tuple[str, str | None, dict[str, tuple[str, str, str | None]]]] = {
    "documents": ("The corpus: each document as its manifest entry describes it.", "id", {
        "id": ("TEXT", "The document's id (corpus/manifest.toml).", None),
        "title": ("TEXT", "Title.", None),
        "short_title": ("TEXT", "Short title.", None),
        "kind": ("TEXT", "policy or critique.", None),
        "publisher": ("TEXT", "Publisher.", None),
        "authors": ("JSON", "Authors as the manifest names them (a JSON array).", None),
        "date": ("TEXT", "Publication date: YYYY, YYYY-MM or YYYY-MM-DD.", None),
        "url": ("TEXT", "The document's official address.", None),
        "licence": ("TEXT", "Licence (decides whether the site republishes the full text).", None),
        "source": ("TEXT", "The source file, relative to the project.", None),
        "sha256": ("TEXT", "SHA-256 of the source file ingested.", None),
        "pages": ("INTEGER", "Number of pages (1 for flowing text).", None),
        "passages": ("INTEGER", "Number of passages.", None),
        "republished": ("INTEGER", "1 when its licence lets others republish its text; 0: the export leaves "
                        "its passages' and sentences' text out (unless made with --full-text, for private use).",
                        None),
    }),
    "passages": ("Every passage of every ingested document, in reading order.", "id", {
        "id": ("TEXT", "Stable passage id (document id and a hash of the normalised text).", None),
        "doc_id": ("TEXT", "The document.", "documents(id)"),
        "ord": ("INTEGER", "Position in the document's reading order.", None),
        "kind": ("TEXT", "heading, paragraph, list_item, footnote, table, figure, contents...", None),
        "page": ("TEXT", "First page as the document prints it (its page label).", None),
        "page_end": ("TEXT", "Last page as printed.", None),
        "pdf_page": ("INTEGER", "First physical page (the PDF's page index plus one).", None),
        "pdf_page_end": ("INTEGER", "Last physical page.", None),
        "heading": ("TEXT", "The headings above the passage, joined by ' > '.", None),
        "permalink": ("TEXT", "The passage's permanent address on the site.", None),
        "text": ("TEXT", "The passage's text exactly as extracted (empty when its document's licence does "
                 "not allow republishing).", None),
    }),
    "redirects": ("Old passage ids after a revision: where each points now (new_id empty: an orphan).", "old_id", {
        "old_id": ("TEXT", "The old passage id.", None),
        "doc_id": ("TEXT", "Its document.", None),
        "new_id": ("TEXT", "The passage it was re-anchored to (empty: orphaned or removed).", None),
        "method": ("TEXT", "exact, merged, split, fuzzy, orphan or removed.", None),
        "score": ("REAL", "Similarity of a fuzzy match.", None),
        "old_page": ("TEXT", "The page it was on, as printed in the earlier version.", None),
        "old_pdf_page": ("INTEGER", "The physical page it was on.", None),
        "created_at": ("TEXT", "When the revision was ingested.", None),
    }),
    "stakeholders": ("People and organisations: curated in kb/, found by the tagger, or only referred to.", "id", {
        "id": ("TEXT", "Stakeholder id.", None),
        "name": ("TEXT", "Name.", None),
        "kind": ("TEXT", "person, organisation, document or programme.", None),
        "sector": ("TEXT", "Sector of an organisation.", None),
        "aliases": ("JSON", "Other names (a JSON array).", None),
        "doc_id": ("TEXT", "The corpus document a document-stakeholder is.", None),
        "sources": ("JSON", "Sources of the curated entry (a JSON array).", None),
        "origin": ("TEXT", "curated (kb/), extracted (the tagger) or referenced (named by a row elsewhere).", None),
        "mentions": ("INTEGER", "Mentions found by the tagger.", None),
    }),
    "ties": ("Curated ties between stakeholders (kb/ties.yaml).", "id", {
        "id": ("TEXT", "Tie id.", None),
        "subject": ("TEXT", "Subject stakeholder.", "stakeholders(id)"),
        "relation": ("TEXT", "position, member_of, authored, commissioned, published, funded, provides, part_of.", None),
        "object": ("TEXT", "Object stakeholder.", "stakeholders(id)"),
        "role": ("TEXT", "Role (chair, chief executive...).", None),
        "start": ("TEXT", "Start date.", None),
        "end": ("TEXT", "End date.", None),
        "status": ("TEXT", "curated.", None),
        "sources": ("JSON", "Sources, each with its locator (a JSON array).", None),
        "passages": ("JSON", "Passage ids that evidence the tie (a JSON array).", None),
    }),
    "claims": ("The curated claims register (kb/claims.yaml).", "id", {
        "id": ("TEXT", "Claim id.", None),
        "statement": ("TEXT", "The claim in our words.", None),
        "kinds": ("JSON", "statistic, commitment, recommendation, assessment (a JSON array).", None),
        "status": ("TEXT", "supported, contested, contradicted, unsupported, unverifiable.", None),
        "documents": ("JSON", "Documents that make the claim (a JSON array).", None),
        "critique": ("TEXT", "The critique of the claim (Markdown).", None),
        "sources": ("JSON", "Sources (a JSON array).", None),
    }),
    "tagged_claims": ("Sentences the tagger (or a curated claim) marks as claims.", "id", {
        "id": ("TEXT", "<passage id>@<start>.", None),
        "passage_id": ("TEXT", "The passage.", "passages(id)"),
        "doc_id": ("TEXT", "The document.", "documents(id)"),
        "page": ("TEXT", "Page of the sentence as printed.", None),
        "page_end": ("TEXT", "Last page of the sentence as printed.", None),
        "pdf_page": ("INTEGER", "Physical page of the sentence.", None),
        "pdf_page_end": ("INTEGER", "Last physical page.", None),
        "kinds": ("JSON", "Claim kinds (a JSON array).", None),
        "confidence": ("REAL", "Confidence.", None),
        "source": ("TEXT", "rule, model or curated.", None),
        "text": ("TEXT", "The sentence as it stands in the passage (empty when its document's licence does "
                 "not allow republishing).", None),
    }),
    "mentions": ("Names of stakeholders found in the passages.", None, {
        "passage_id": ("TEXT", "The passage.", "passages(id)"),
        "start": ("INTEGER", "Offset of the name in the passage text.", None),
        "end": ("INTEGER", "End offset (exclusive).", None),
        "page": ("TEXT", "Page as printed.", None),
        "pdf_page": ("INTEGER", "Physical page.", None),
        "text": ("TEXT", "The name as written.", None),
        "kind": ("TEXT", "person or organisation.", None),
        "stakeholder_id": ("TEXT", "The stakeholder it names.", "stakeholders(id)"),
        "source": ("TEXT", "curated, model or rule.", None),
        "confidence": ("REAL", "Confidence.", None),
    }),
    "xrefs": ("Cross-references: critique passages and essays to what they discuss.", None, {
        "source_kind": ("TEXT", "passage or essay.", None),
        "source_id": ("TEXT", "Passage id, or <essay id>:L<line>.", None),
        "essay_id": ("TEXT", "The essay.", None),
        "target_kind": ("TEXT", "passage, claim, stakeholder or doc.", None),
        "target_id": ("TEXT", "What is discussed.", None),
        "method": ("TEXT", "markup or tfidf.", None),
        "score": ("REAL", "TF-IDF cosine similarity.", None),
        "file": ("TEXT", "The essay file of a markup reference.", None),
        "line": ("INTEGER", "Its line.", None),
        "source_doc": ("TEXT", "Document of the source passage.", None),
        "target_doc": ("TEXT", "Document of the target passage.", None),
    }),
    "claim_recurrences": ("Passages stating a claim or the same figure, across documents.", None, {
        "group_id": ("TEXT", "A curated claim id, or q:<kind>:<value> for an uncurated figure.", None),
        "claim_id": ("TEXT", "The curated claim.", "claims(id)"),
        "passage_id": ("TEXT", "The passage.", "passages(id)"),
        "doc_id": ("TEXT", "Its document.", "documents(id)"),
        "origin": ("TEXT", "located, figure or similar.", None),
        "kind": ("TEXT", "number or percent.", None),
        "value": ("REAL", "The figure's value.", None),
        "surface": ("TEXT", "The figure as written.", None),
        "score": ("REAL", "Similarity.", None),
    }),
    "stakeholder_documents": ("Which documents name which stakeholders.", None, {
        "stakeholder_id": ("TEXT", "The stakeholder.", "stakeholders(id)"),
        "doc_id": ("TEXT", "The document.", "documents(id)"),
        "mentions": ("INTEGER", "Mentions.", None),
        "passages": ("INTEGER", "Passages naming it.", None),
        "source": ("TEXT", "nlp_mentions or names.", None),
    }),
}


def tables(data, base_url: str = "", *, full_text: bool = False) -> dict[str, list[dict]]:
    """Every table as rows of plain values (lists for the JSON columns).

    The text of a document whose licence does not let others republish it
    (:func:`scrutiny.manifest.may_republish`) is left out of its passages and
    tagged sentences, as the site leaves it out, unless ``full_text`` (an export
    for private use)."""
    from scrutiny.cite.csl import permalink
    from scrutiny.manifest import may_republish

    kb = data.kb
    docs = {d["id"]: d for d in data.documents}

    def pages(doc_id, first, last=None):
        doc = docs.get(doc_id) or {}
        if not _paginated(doc) or first is None:
            return None, None, None, None
        last = first if last is None else last
        return label(doc, first), label(doc, last), first, last

    t: dict[str, list[dict]] = {}
    open_docs = {d["id"] for d in data.documents if may_republish(d)}

    def text(doc_id, value):
        return value if full_text or doc_id in open_docs else None

    t["documents"] = [{k: _listed(d.get(k)) if k == "authors" else d.get(k) for k in SCHEMA["documents"][2]}
                      | {"republished": int(d["id"] in open_docs)} for d in data.documents]
    t["passages"] = []
    for p in data.passages:
        page, page_end, pdf, pdf_end = pages(p.doc_id, p.page, p.page_end)
        t["passages"].append({
            "id": p.id, "doc_id": p.doc_id, "ord": p.ord, "kind": p.kind, "page": page, "page_end": page_end,
            "pdf_page": pdf, "pdf_page_end": pdf_end, "heading": p.heading,
            "permalink": permalink(p.id, base_url), "text": text(p.doc_id, p.text)})
    t["redirects"] = []
    for r in data.redirects:
        page, _, pdf, _ = pages(r.doc_id, r.old_page)
        page = data.old_page_labels.get(r.old_id, page)
        t["redirects"].append({"old_id": r.old_id, "doc_id": r.doc_id, "new_id": r.new_id, "method": r.method,
                               "score": r.score, "old_page": page, "old_pdf_page": pdf, "created_at": r.created_at})
    t["stakeholders"] = [
        {"id": s.id, "name": s.name, "kind": s.kind, "sector": s.sector, "aliases": list(s.aliases),
         "doc_id": s.doc_id, "sources": [r.source for r in s.sources], "origin": "curated", "mentions": None}
        for s in (kb.stakeholders.values() if kb else [])]
    known = {s["id"] for s in t["stakeholders"]}
    for s in data.extracted_stakeholders:
        if s.id not in known:
            known.add(s.id)
            t["stakeholders"].append({"id": s.id, "name": s.name, "kind": s.kind, "sector": None,
                                      "aliases": list(s.aliases), "doc_id": None, "sources": [],
                                      "origin": "extracted", "mentions": s.mentions})
    t["ties"] = [
        {"id": x.id, "subject": x.subject, "relation": x.relation, "object": x.object, "role": x.role,
         "start": x.start, "end": x.end, "status": "curated",
         "sources": [r.source + (f" ({r.locator})" if r.locator else "") for r in x.sources],
         "passages": list(x.passages)} for x in (kb.ties if kb else [])]
    t["claims"] = [
        {"id": c.id, "statement": c.statement, "kinds": list(c.kinds), "status": c.status,
         "documents": [d.doc for d in c.documents], "critique": c.critique,
         "sources": [r.source for r in c.sources]} for c in (kb.claims if kb else [])]
    t["tagged_claims"] = []
    for c in data.tagged_claims:
        first, last = _offsets_pages(data, c.passage_id, c.start, c.end, c.page)
        page, page_end, pdf, pdf_end = pages(c.doc_id, first, last)
        t["tagged_claims"].append({
            "id": c.id, "passage_id": c.passage_id, "doc_id": c.doc_id, "page": page, "page_end": page_end,
            "pdf_page": pdf, "pdf_page_end": pdf_end, "kinds": list(c.kinds), "confidence": c.confidence,
            "source": c.source, "text": text(c.doc_id, c.text)})
    t["mentions"] = []
    for m in data.mentions:
        first, _ = _offsets_pages(data, m.passage_id, m.start, m.end, None)
        page, _, pdf, _ = pages(m.doc_id, first)
        t["mentions"].append({
            "passage_id": m.passage_id, "start": m.start, "end": m.end, "page": page, "pdf_page": pdf,
            "text": m.text, "kind": m.kind, "stakeholder_id": m.stakeholder_id or m.curated_id,
            "source": m.source, "confidence": m.confidence})
    t["xrefs"] = [asdict(r) for r in data.xref_links]
    t["claim_recurrences"] = [asdict(r) for r in data.xref_claims]
    t["stakeholder_documents"] = [asdict(r) for r in data.stakeholder_docs]
    # an id named by a row but described nowhere still gets a row, so that every
    # stakeholder_id leads somewhere (Datasette links it; the foreign keys hold)
    for table, column in (("mentions", "stakeholder_id"), ("stakeholder_documents", "stakeholder_id"),
                          ("ties", "subject"), ("ties", "object")):
        for row in t[table]:
            sid = row.get(column)
            if sid and sid not in known:
                known.add(sid)
                t["stakeholders"].append({"id": sid, "name": sid, "kind": None, "sector": None, "aliases": [],
                                          "doc_id": None, "sources": [], "origin": "referenced", "mentions": None})
    return t


def _listed(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, (str, dict)) else str(v) for v in value]
    return [value]


def _paginated(doc: dict) -> bool:
    from scrutiny.cite.csl import paginated

    return bool(doc) and paginated(doc)


def _offsets_pages(data, passage_id: str, start: int, end: int, stored) -> tuple[int | None, int | None]:
    """The physical page (and last page) of characters start..end of a passage: a
    sentence of a passage that runs overleaf stands on its own page (the
    passage's page_breaks)."""
    p = data.passage(passage_id)
    if p is None:
        return stored, stored
    return p.page_at(start), p.page_at(max(end - 1, start), end=True)


def flat(value):
    """A value for one CSV cell: a list joined by "; "."""
    if isinstance(value, list):
        return "; ".join(v if isinstance(v, str) else str(v) for v in value)
    return value
