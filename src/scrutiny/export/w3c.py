"""W3C Web Annotation (JSON-LD) of the tags and claims, anchored in the published pages.

Every annotation targets what a reader (or an annotation client such as
Hypothesis) has in front of them: the document's page on the built site,
``<base_url>/doc/<id>/``, with

- a ``TextQuoteSelector``: ``exact`` is the annotated text as the page
  shows it, with up to 32 characters of ``prefix`` and ``suffix`` around it;
- a ``TextPositionSelector``: ``start`` and ``end`` count characters (Unicode
  code points) of the page's text, which is defined as the ``textContent`` of
  the page's ``<body>``: every text node inside it, in document order, as the
  HTML parser gives them (entities decoded), nothing added between elements
  and nothing normalised -- what Hypothesis counts on an HTML page (it counts
  UTF-16 code units, the same numbers unless the text holds a character
  outside the Basic Multilingual Plane);

and, for a PDF, a second target: the source file at its official address
with a ``FragmentSelector`` for the page (RFC 3778 ``page=N``, the physical
page).

The positions are read from the built site itself (``site/doc/<id>/index.html``),
so the export needs ``scrutiny site`` (or ``build``) first; an annotation whose
words are not at their place on the page (the site is older than the store, or
the page lays the text out otherwise, as a table's cells) is left out and
counted. Only passages the page shows are annotated: a document whose licence
keeps the site from republishing it contributes only the passages the site
quotes, and no more of their text than the page shows.

Bodies: a tagged claim is ``classifying`` (one TextualBody per kind); a
stakeholder mention is ``identifying`` the stakeholder's page on the site (a
``SpecificResource``), or ``tagging`` it with the kind of name when the site
has no page for it; a curated claim's passage is ``describing`` (the claim's
statement, our words), ``tagging`` (its status) and ``linking`` to the claim's
page; a tie is ``tagging`` (its relation) and ``identifying`` its stakeholders.
Every body address is a page that exists in the built site.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_LENGTH = 32  # characters of prefix and suffix, as Hypothesis records
PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"


class SiteMissing(Exception):
    pass


@dataclass
class PageText:
    """The text of one built page (its body's textContent) and where each
    passage's shown text starts in it."""

    text: str
    passages: dict[str, tuple[int, int]] = field(default_factory=dict)   # pid -> (start, end) of .psg-text

    def place(self, pid: str, quote: str, hint: int) -> int | None:
        """Where ``quote`` stands on the page inside passage ``pid``'s text: the
        occurrence nearest ``hint`` characters into it; None when it is not there."""
        span = self.passages.get(pid)
        if span is None or not quote:
            return None
        start, end = span
        best, at = None, self.text.find(quote, start)
        while at != -1 and at + len(quote) <= end:
            if best is None or abs(at - start - hint) < abs(best - start - hint):
                best = at
            at = self.text.find(quote, at + 1)
        return best


def read_page(path: Path) -> PageText:
    """The body text of a built document page and the span of each passage's text."""
    import lxml.html

    root = lxml.html.fromstring(path.read_bytes())
    body = root.find("body") if root.tag != "body" else root
    parts: list[str] = []
    length = 0
    out = PageText("")
    stack = []

    def walk(el):
        nonlocal length
        pid = None
        cls = el.get("class") or ""
        if "psg-text" in cls.split():
            owner = next((s for s in reversed(stack) if s), None)
            if owner and owner not in out.passages:
                pid = owner
        stack.append(el.get("data-pid"))
        begin = length
        if el.text:
            parts.append(el.text)
            length += len(el.text)
        for child in el:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)
                length += len(child.tail)
        stack.pop()
        if pid:
            out.passages[pid] = (begin, length)

    walk(body)
    out.text = "".join(parts)
    return out


def selectors(page: PageText, start: int, end: int) -> list[dict]:
    text = page.text
    return [
        {"type": "TextQuoteSelector", "exact": text[start:end],
         "prefix": text[max(0, start - CONTEXT_LENGTH):start], "suffix": text[end:end + CONTEXT_LENGTH]},
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


class Annotator:
    def __init__(self, site_dir: Path, base_url: str, documents: list[dict]):
        self.site = Path(site_dir)
        self.base = base_url.rstrip("/")
        self.docs = {d["id"]: d for d in documents}
        self.pages: dict[str, dict[str, tuple[str, PageText]]] = {}
        self.items: list[dict] = []
        self.skipped = 0           # words not found at their place on the page

    def page(self, doc_id: str, pid: str) -> tuple[str, PageText] | None:
        """(the page's address under the site, its text) of the published page that
        shows passage ``pid``: the document's page, or the part of a long document
        it is on (``doc/<id>/part-2.html``...: scrutiny.site.parts); None when no
        page shows it."""
        if doc_id not in self.pages:
            from scrutiny.site.parts import part_file

            folder = self.site / "doc" / doc_id
            shown: dict[str, tuple[str, PageText]] = {}
            number = 1
            while (folder / part_file(number)).is_file():
                rel = f"doc/{doc_id}/" + ("" if number == 1 else part_file(number))
                text = read_page(folder / part_file(number))
                for p in text.passages:
                    shown.setdefault(p, (rel, text))
                number += 1
            self.pages[doc_id] = shown
        return self.pages[doc_id].get(pid)

    def exists(self, rel: str) -> str | None:
        """The address of a page of the site, when the built site has it."""
        return f"{self.base}/{rel}" if (self.site / rel / "index.html").is_file() else None

    def add(self, kind: str, key: str, passage, start: int, end: int, body, motivation: str) -> None:
        found = self.page(passage.doc_id, passage.id)
        if found is None:
            return  # not on the published pages (not ingested then, or not republished)
        rel, page = found
        quote = passage.text[start:end]
        at = page.place(passage.id, quote, start)
        if at is None:
            self.skipped += 1
            return
        doc = self.docs.get(passage.doc_id) or {}
        targets = [{"type": "SpecificResource", "source": f"{self.base}/{rel}",
                    "selector": selectors(page, at, at + len(quote))}]
        url = (doc.get("url") or "").split("#")[0]
        if url.lower().endswith(".pdf") and (doc.get("pages") or 0) > 1:
            pdf_page = passage.page_at(start)
            targets.append({"type": "SpecificResource", "source": url, "selector": {
                "type": "FragmentSelector", "conformsTo": PDF_FRAGMENT, "value": f"page={pdf_page}"}})
        digest = hashlib.sha256(f"{kind}\x00{key}".encode()).hexdigest()[:20]
        self.items.append({
            "@context": CONTEXT,
            "id": f"urn:scrutiny:annotation:{kind}:{digest}",
            "type": "Annotation",
            "motivation": motivation,
            "body": body,
            "target": targets if len(targets) > 1 else targets[0],
        })


def _textual(value: str, purpose: str) -> dict:
    return {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}


def annotations(project, data, base_url: str) -> tuple[list[dict], int]:
    """(annotations, how many were left out because their words are not at their place on the page)."""
    a = Annotator(project.site_dir, base_url, data.documents)
    names = {s.id: s.name for s in (data.kb.stakeholders.values() if data.kb else [])}
    names.update({s.id: s.name for s in data.extracted_stakeholders if s.id not in names})

    def stakeholder(sid: str | None, fallback: str) -> dict:
        url = a.exists(f"stakeholders/{sid}") if sid else None
        if url:
            return {"type": "SpecificResource", "source": url, "purpose": "identifying"}
        return _textual(names.get(sid or "", fallback), "tagging")

    for c in data.tagged_claims:
        p = data.passage(c.passage_id)
        if not p or not c.kinds or p.text[c.start:c.end] != c.text:
            continue  # a stale tag (the passage changed since tagging) is not exported
        body = [_textual(k, "classifying") for k in c.kinds]
        a.add("claim", c.id, p, c.start, c.end, body, "classifying")
    for m in data.mentions:
        p = data.passage(m.passage_id)
        if not p or p.text[m.start:m.end] != m.text:
            continue
        sid = m.stakeholder_id or m.curated_id
        body = stakeholder(sid, m.text)
        a.add("mention", f"{m.passage_id}@{m.start}", p, m.start, m.end, body,
              "identifying" if body["type"] == "SpecificResource" else "tagging")
    claims = {c.id: c for c in (data.kb.claims if data.kb else [])}
    for row in data.xref_claims:
        claim = claims.get(row.claim_id or "")
        p = data.passage(row.passage_id)
        if claim is None or p is None or row.origin != "located":
            continue
        body = [_textual(claim.statement, "describing"), _textual(claim.status, "tagging")]
        url = a.exists(f"claims/{claim.id}")
        if url:
            body.append({"type": "SpecificResource", "source": url, "purpose": "linking"})
        a.add("curated-claim", f"{claim.id}@{p.id}", p, 0, len(p.text), body, "describing")
    for t in data.tie_candidates:
        p = data.passage(t.passage_id)
        if not p or not (0 <= t.sent_start < t.sent_end <= len(p.text)):
            continue
        body = [_textual(t.relation, "tagging")]
        for sid, name in ((t.subject_id, t.subject_text), (t.object_id, t.object_text)):
            body.append(stakeholder(sid, name))
        a.add("tie-candidate", f"{t.passage_id}@{t.sent_start}:{t.relation}:{t.subject_start}:{t.object_start}",
              p, t.sent_start, t.sent_end, body, "tagging")
    for tie in (data.kb.ties if data.kb else []):
        for pid in tie.passages:
            p = data.passage(pid)
            if p is None:
                continue  # an unknown or orphaned id: `scrutiny verify` reports it
            body = [_textual(f"{names.get(tie.subject, tie.subject)} {tie.relation.replace('_', ' ')} "
                             f"{names.get(tie.object, tie.object)}" + (f" ({tie.role})" if tie.role else ""),
                             "describing"),
                    _textual(tie.relation, "tagging"),
                    stakeholder(tie.subject, names.get(tie.subject, tie.subject)),
                    stakeholder(tie.object, names.get(tie.object, tie.object))]
            a.add("tie", f"{tie.id}@{pid}", p, 0, len(p.text), body, "describing")
    return a.items, a.skipped


def collection(project, data, base_url: str) -> dict:
    """All annotations as one AnnotationCollection with a single page."""
    from scrutiny.export import ExportError

    if not base_url or not base_url.startswith(("http://", "https://")):
        raise ExportError("the w3c export targets the published pages: set the site's address with "
                          "[project] base_url in corpus/manifest.toml, $SCRUTINY_BASE_URL or --base-url")
    if not (Path(project.site_dir) / "doc").is_dir():
        raise ExportError(f"the w3c export anchors every annotation in the built site, and {project.site_dir} "
                          "has no document pages: run `scrutiny site` (or `scrutiny build`) first")
    items, skipped = annotations(project, data, base_url)
    label = "scrutiny: claims, stakeholder mentions and ties, anchored in the site's document pages"
    if skipped:
        label += (f" ({skipped} left out: their words were not found at their place on the page; "
                  "rebuild the site with `scrutiny site` if it is older than the store)")
    return {
        "@context": CONTEXT,
        "id": f"{base_url.rstrip('/')}/annotations/",
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": {"id": f"{base_url.rstrip('/')}/annotations/#page1", "type": "AnnotationPage", "startIndex": 0,
                  "items": items},
    }
