"""W3C Web Annotation (JSON-LD) for every tag and claim, anchored in the passage text.

Each annotation targets the passage's permalink with two selectors, so that
any annotation client can anchor it as Hypothesis does: a TextQuoteSelector
(``exact`` plus up to 32 characters of ``prefix`` and ``suffix``) and a
TextPositionSelector (character offsets into the passage text as stored).

* a claim the tagger found: the sentence, with one ``classifying`` body per
  claim kind (statistic, commitment, recommendation, assessment);
* a stakeholder mention: the name, ``identifying`` the stakeholder's page;
* a curated claim from kb/: each passage its locators find, ``describing`` it
  with the claim's statement (our words) and ``tagging`` it with its status;
* a tie: a suggested tie's sentence (``tagging`` it with the relation,
  ``identifying`` subject and object when resolved), and each evidence passage
  of a curated tie (``describing`` it with subject, relation and object ids).
"""

from __future__ import annotations

import hashlib

from scrutiny.cite.csl import permalink
from scrutiny.passages import Passage

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_LENGTH = 32  # characters of prefix and suffix, as Hypothesis records


def passage_iri(passage_id: str, base_url: str) -> str:
    return permalink(passage_id, base_url) if base_url else f"urn:scrutiny:passage:{passage_id}"


def _iri(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}/{path}" if base_url else f"urn:scrutiny:{path.strip('/').replace('/', ':')}"


def selectors(text: str, start: int, end: int) -> list[dict]:
    return [
        {"type": "TextQuoteSelector", "exact": text[start:end],
         "prefix": text[max(0, start - CONTEXT_LENGTH):start], "suffix": text[end:end + CONTEXT_LENGTH]},
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def _annotation(kind: str, key: str, passage: Passage, start: int, end: int, body, motivation: str,
                base_url: str) -> dict:
    digest = hashlib.sha256(f"{kind}\x00{key}".encode()).hexdigest()[:16]
    return {
        "@context": CONTEXT,
        "id": _iri(base_url, f"annotations/{kind}/{digest}"),
        "type": "Annotation",
        "motivation": motivation,
        "body": body,
        "target": {"source": passage_iri(passage.id, base_url),
                   "selector": selectors(passage.text, start, end)},
    }


def annotations(data, base_url: str = "") -> list[dict]:
    out = []
    for c in data.tagged_claims:
        p = data.passage(c.passage_id)
        if not p or not c.kinds or p.text[c.start:c.end] != c.text:
            continue  # a stale tag (the passage changed since tagging) is not exported
        body = [{"type": "TextualBody", "purpose": "classifying", "value": k} for k in c.kinds]
        out.append(_annotation("claim", c.id, p, c.start, c.end, body, "classifying", base_url))
    for m in data.mentions:
        p = data.passage(m.passage_id)
        if not p or p.text[m.start:m.end] != m.text:
            continue
        sid = m.stakeholder_id or m.curated_id
        body = ({"id": _iri(base_url, f"stakeholders/{sid}/"), "purpose": "identifying"} if sid else
                {"type": "TextualBody", "purpose": "tagging", "value": m.kind})
        out.append(_annotation("mention", f"{m.passage_id}@{m.start}", p, m.start, m.end, body,
                               "identifying" if sid else "tagging", base_url))
    claims = {c.id: c for c in (data.kb.claims if data.kb else [])}
    for row in data.xref_claims:
        claim = claims.get(row.claim_id or "")
        p = data.passage(row.passage_id)
        if claim is None or p is None or row.origin != "located":
            continue
        body = [
            {"type": "TextualBody", "purpose": "describing", "value": claim.statement, "format": "text/plain"},
            {"type": "TextualBody", "purpose": "tagging", "value": claim.status},
            {"id": _iri(base_url, f"claims/{claim.id}/"), "purpose": "linking"},
        ]
        out.append(_annotation("curated-claim", f"{claim.id}@{p.id}", p, 0, len(p.text), body,
                               "describing", base_url))
    for t in data.tie_candidates:
        p = data.passage(t.passage_id)
        if not p or not (0 <= t.sent_start < t.sent_end <= len(p.text)):
            continue
        body = [{"type": "TextualBody", "purpose": "tagging", "value": t.relation}]
        for sid in (t.subject_id, t.object_id):
            if sid:
                body.append({"id": _iri(base_url, f"stakeholders/{sid}/"), "purpose": "identifying"})
        out.append(_annotation("tie-candidate", f"{t.passage_id}@{t.sent_start}:{t.relation}:"
                                                f"{t.subject_start}:{t.object_start}",
                               p, t.sent_start, t.sent_end, body, "tagging", base_url))
    for tie in (data.kb.ties if data.kb else []):
        for pid in tie.passages:
            p = data.passage(pid)
            if p is None:
                continue  # an unknown or orphaned id: `scrutiny verify` reports it
            body = [
                {"type": "TextualBody", "purpose": "describing", "format": "text/plain",
                 "value": f"{tie.subject} {tie.relation} {tie.object}" + (f" ({tie.role})" if tie.role else "")},
                {"type": "TextualBody", "purpose": "tagging", "value": tie.relation},
                {"id": _iri(base_url, f"stakeholders/{tie.subject}/"), "purpose": "identifying"},
                {"id": _iri(base_url, f"stakeholders/{tie.object}/"), "purpose": "identifying"},
            ]
            out.append(_annotation("tie", f"{tie.id}@{pid}", p, 0, len(p.text), body, "describing",
                                   base_url))
    return out


def collection(data, base_url: str = "") -> dict:
    """All annotations as one AnnotationCollection with a single page."""
    items = annotations(data, base_url)
    for a in items:
        a.pop("@context", None)
    return {
        "@context": CONTEXT,
        "id": _iri(base_url, "annotations/"),
        "type": "AnnotationCollection",
        "label": "scrutiny: claims, stakeholder mentions and ties",
        "total": len(items),
        "first": {"id": _iri(base_url, "annotations/page1"), "type": "AnnotationPage", "startIndex": 0,
                  "items": items},
    }
