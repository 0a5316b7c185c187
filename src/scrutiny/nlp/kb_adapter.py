"""What the taggers need from the knowledge base and the manifest, as plain data.

Reads ``scrutiny.kb.load_kb`` when the knowledge base package is available and
``kb/`` exists; everything still works with an empty knowledge base.
"""

from __future__ import annotations

from dataclasses import dataclass, field


TRUNCATED_ENDINGS = frozenset("to of for and the on in a an with by from at".split())


@dataclass
class Curated:
    stakeholders: dict = field(default_factory=dict)   # id -> {id, name, kind, sector, aliases, sources}
    ties: list = field(default_factory=list)           # [{id, subject, relation, object, role, start, end, sources, passages}]
    documents: dict = field(default_factory=dict)      # manifest doc id -> {title, short_title}
    claims: list = field(default_factory=list)         # [{id, kinds, documents: [{doc, search, passages}]}]

    def names(self) -> list[tuple[str, str, str]]:
        """``(stakeholder id, kind, surface)`` for the curated-names component."""
        out = []
        for s in self.stakeholders.values():
            for surface in [s["name"], *s.get("aliases", [])]:
                if surface:
                    out.append((s["id"], s["kind"], surface))
        for doc_id, d in self.documents.items():
            sid = next((s["id"] for s in self.stakeholders.values() if s.get("doc_id") == doc_id), doc_id)
            for surface in (d.get("title"), d.get("short_title")):
                # A title cut short by a reader ("Government Response to") would match
                # ordinary phrases: only whole titles are names.
                if surface and len(surface) > 3 and surface.split()[-1].casefold() not in TRUNCATED_ENDINGS:
                    out.append((sid, "document", surface))
        return out


def _sources(obj) -> list:
    out = []
    for s in getattr(obj, "sources", None) or []:
        out.append(s.to_dict() if hasattr(s, "to_dict") else s)
    return out


def from_kb(kb, documents: dict | None = None) -> Curated:
    stakeholders = {}
    for sid, s in (getattr(kb, "stakeholders", None) or {}).items():
        stakeholders[sid] = {
            "id": s.id, "name": s.name, "kind": s.kind, "sector": getattr(s, "sector", None),
            "aliases": list(getattr(s, "aliases", None) or []), "sources": _sources(s),
            "doc_id": getattr(s, "doc_id", None),
        }
    ties = []
    for t in getattr(kb, "ties", None) or []:
        ties.append({
            "id": t.id, "subject": t.subject, "relation": t.relation, "object": t.object,
            "role": getattr(t, "role", None), "start": getattr(t, "start", None),
            "end": getattr(t, "end", None), "sources": _sources(t),
            "passages": list(getattr(t, "passages", None) or []),
        })
    claims = []
    for c in getattr(kb, "claims", None) or []:
        claims.append({
            "id": c.id, "kinds": list(getattr(c, "kinds", None) or []),
            "documents": [{"doc": d.doc, "search": getattr(d, "search", None),
                           "passages": list(getattr(d, "passages", None) or [])}
                          for d in getattr(c, "documents", None) or []],
        })
    return Curated(stakeholders, ties, documents or {}, claims)


def load_curated(project) -> Curated:
    """The project's curated names and ties (empty when there is no kb/ or no loader)."""
    documents = {}
    try:
        from scrutiny.manifest import load_manifest

        manifest = load_manifest(project.manifest_path)
        documents = {d.id: {"title": d.title, "short_title": d.short_title}
                     for d in manifest.documents.values()}
    except Exception:  # noqa: BLE001 - a broken manifest is reported by the commands that own it
        manifest = None
    if not project.kb_dir.is_dir():
        return Curated(documents=documents)
    from scrutiny.kb import load_kb

    kb = load_kb(project.kb_dir, project.manifest_path)
    return from_kb(kb, documents)
