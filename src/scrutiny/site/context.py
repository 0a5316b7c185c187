"""Gather what the site shows: documents and passages (store + manifest), the
knowledge base, tags and conflicts. Every later feature is optional here: a
missing module, table or file means an empty section, never a failed build.

Everything is turned into plain dicts and lists in a stable order, so that the
generators (and the input keys that let a rebuild skip unchanged pages) only
see deterministic data.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from scrutiny.urls import safe_href, scheme
from scrutiny.anchor import Span
from scrutiny.passages import Passage
from scrutiny.store import Redirect, Store

DOC_KIND_ORDER = {"policy": 0, "critique": 1}
STATUS_ORDER = {"contradicted": 0, "unsupported": 1, "contested": 2, "unverifiable": 3, "supported": 4}


def warn(message: str) -> None:
    print(f"site: {message}", file=sys.stderr, flush=True)


@dataclass
class SiteContext:
    project: object
    name: str
    base_url: str
    documents: list[dict]
    store: Store | None = None
    stakeholders: dict[str, dict] = field(default_factory=dict)
    ties: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    sources: dict[str, dict] = field(default_factory=dict)
    essays: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    vocab: object = None
    tags: object = None
    notes: list[str] = field(default_factory=list)   # what was absent, for the build report

    def __post_init__(self):
        self.docs_by_id = {d["id"]: d for d in self.documents}
        self.redirect_of = {r.old_id: r for r in self.redirects}
        self._span_cache: dict[str, Span | None] = {}
        self._passage_cache: dict[str, Passage | None] = {}
        self._doc_passages: dict[str, list[Passage]] = {}
        self.fingerprints: dict[str, list] = {}
        self.store_key: str | None = None
        self.notes_kb = False
        self.xrefs = None
        self.xref_key = None

    # --- fingerprints (what decides whether a page must be rendered again) ------
    def doc_fingerprints(self) -> dict[str, list]:
        """{doc id: fingerprint of its passages and tags}, from a few grouped queries.

        A passage id hashes its text, so the ids with their pages and kinds in
        order stand for the passages without reading them.
        """
        if self.store is None:
            return {}
        import hashlib

        db = self.store.db
        out: dict[str, list] = {}
        h: dict[str, object] = {}
        for p in self.store.passage_refs():
            if p.doc_id not in h:
                h[p.doc_id] = hashlib.sha256()
            h[p.doc_id].update(f"{p.id}\x00{p.page}\x00{p.page_end}\x00{p.kind}\x01".encode())
        for doc_id, digest in h.items():
            out[doc_id] = [digest.hexdigest()]
        import sqlite3

        try:
            if self.tags is not None and self.tags.has_claims:
                for doc_id, n, total, kinds in db.execute(
                        "SELECT doc_id, count(*), total(start * 7 + end), group_concat(kinds) FROM nlp_claims GROUP BY doc_id"):
                    out.setdefault(doc_id, []).append(["claims", n, total, hashlib.sha256((kinds or "").encode()).hexdigest()])
            if self.tags is not None and self.tags.has_mentions:
                for doc_id, n, total, who in db.execute(
                        "SELECT p.doc_id, count(*), total(m.start * 7 + m.end), "
                        "group_concat(coalesce(m.curated_id, m.stakeholder_id, '')) "
                        "FROM nlp_mentions m JOIN passages p ON p.id = m.passage_id GROUP BY p.doc_id"):
                    out.setdefault(doc_id, []).append(["mentions", n, total, hashlib.sha256((who or "").encode()).hexdigest()])
        except sqlite3.Error:  # another stage changed its tables: no tag part in the key
            pass
        return out

    def redirect_key(self, doc_id: str | None = None) -> list:
        """The redirects (of one document) as part of a page's inputs."""
        return [[r.old_id, r.doc_id, r.new_id, r.method, r.score, r.old_text, r.old_page]
                for r in self.redirects if doc_id is None or r.doc_id == doc_id]

    # --- passages ---------------------------------------------------------------
    def passages(self, doc_id: str) -> list[Passage]:
        if doc_id in self._doc_passages:
            return self._doc_passages[doc_id]
        if self.store is None:
            return []
        return self.store.passages(doc_id)

    def keep_passages(self, doc_id: str, passages: list[Passage]) -> None:
        self._doc_passages[doc_id] = passages

    def drop_passages(self, doc_id: str) -> None:
        self._doc_passages.pop(doc_id, None)

    def passage(self, pid: str) -> Passage | None:
        """The passage with this id, following a redirect from an old id; None if unknown or orphaned."""
        if pid in self._passage_cache:
            return self._passage_cache[pid]
        found = None
        if self.store is not None:
            found = self.store.passage(pid)
            if found is None and pid in self.redirect_of:
                # an old id: quote where its text stands now (a split runs over
                # several passages), never the first passage alone; None when the
                # old text is no longer there word for word (needs review)
                span = self.span(pid)
                if span is not None:
                    found = span.as_passage()
        self._passage_cache[pid] = found
        return found

    def span(self, old_id: str) -> Span | None:
        """Where the text of an old passage id stands now (``scrutiny.anchor.Span``),
        checked against the current passages; None for an orphan or when the old
        text is no longer there word for word."""
        if old_id in self._span_cache:
            return self._span_cache[old_id]
        span = None
        rd = self.redirect_of.get(old_id)
        if self.store is not None and rd and rd.new_id:
            from scrutiny.anchor import redirect_span

            try:
                span = redirect_span(self.store, rd)
            except Exception as exc:  # another stage's bug must not take the site down
                warn(f"passage {old_id}: its redirect could not be checked ({type(exc).__name__}: {exc}); "
                     "shown as needing review")
                span = None
        self._span_cache[old_id] = span
        return span

    def find_passages(self, doc_id: str | None, query: str | None, limit: int = 5,
                      exclude=(), per_doc: int | None = None) -> list[Passage]:
        """Passages (of ``doc_id``, or of every document not in ``exclude``) containing
        every term of ``query`` (a "quoted phrase" must appear as it is),
        case-insensitive, headings left out, in reading order."""
        needles = _needles(query)
        if not needles or self.store is None:
            return []
        # the store narrows the candidates (SQLite's LIKE, case-insensitive for
        # ASCII); the exact, Unicode-aware test is done here.
        out, counts = [], {}
        for p in self.store.passages_containing(needles, doc_id):
            if p.doc_id in exclude:
                continue
            text = p.text.casefold()
            if not all(n in text for n in needles):
                continue
            if per_doc is not None:
                counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
                if counts[p.doc_id] > per_doc:
                    continue
            out.append(p)
            if len(out) >= limit:
                break
        return out


def _needles(query: str | None) -> list[str]:
    if not query:
        return []
    phrases = [p.casefold() for p in re.findall(r'"([^"]+)"', query)]
    rest = re.sub(r'"[^"]*"', " ", query)
    words = [w.casefold() for w in re.findall(r"[\w£$%.,'-]+", rest) if w.upper() not in ("AND", "OR", "NOT")]
    return phrases + [w.strip(".,") for w in words if w.strip(".,")]


# --- gathering -------------------------------------------------------------------------

def gather(project, kb=None, store=None, cache_dir=None) -> SiteContext:
    """Read everything the site shows. ``kb``/``store`` may be passed in (tests)."""
    from scrutiny.manifest import load_manifest
    from scrutiny.schema import vocabulary

    notes: list[str] = []
    manifest = load_manifest(project.manifest_path)
    name = manifest.project.get("name") or Path(project.root).name
    base_url = getattr(project, "base_url", "") or ""
    if base_url and scheme(base_url) not in ("http", "https"):
        notes.append(f"base_url {base_url[:60]!r} is not an http(s) address: permalinks are site-relative")
        base_url = ""

    if store is None:
        from scrutiny.store import Store

        if Path(project.store_path).exists():
            store = Store(project.store_path, readonly=True)
        else:
            notes.append("no store yet (run `scrutiny ingest`): documents are shown without their text")

    stored = {d["id"]: d for d in store.documents()} if store is not None else {}
    documents = []
    for doc_id in sorted(set(manifest.documents) | set(stored)):
        entry = manifest.documents.get(doc_id)
        d = dict(entry.to_dict()) if entry else {}
        s = stored.get(doc_id)
        if s:
            for key, value in s.items():
                if key == "ingested_at":
                    continue  # a timestamp: never in the site (builds are byte-identical)
                if value not in (None, "", [], {}) or key not in d:
                    # the manifest wins for bibliographic fields a person curated
                    if key in ("title", "short_title", "publisher", "authors", "date", "url", "licence") and d.get(key):
                        continue
                    d[key] = value
        d["id"] = doc_id
        d["url"] = safe_href(d.get("url"))  # never a javascript: (or other) link
        d["ingested"] = bool(s and (s.get("passages") or 0) > 0)
        d.setdefault("kind", "policy")
        d["authors"] = [str(a) for a in (d.get("authors") or [])]
        d["label"] = d.get("short_title") or d.get("title") or doc_id
        d["year"] = str(d.get("date") or "")[:4] or None
        for key in ("metadata",):
            d.setdefault(key, {})
        documents.append(d)
    documents.sort(key=lambda d: (DOC_KIND_ORDER.get(d["kind"], 9), d.get("date") or "9999", d["id"]))

    redirects = sorted(store.redirects(), key=lambda r: r.old_id) if store is not None else []

    ctx = SiteContext(project=project, name=name, base_url=base_url, documents=documents,
                      store=store, redirects=redirects, vocab=vocabulary(), notes=notes)
    _gather_kb(ctx, project, kb, cache_dir)
    _gather_tags(ctx)
    return ctx


KB_FIELDS = ("stakeholders", "ties", "claims", "sources", "essays", "conflicts")


def _gather_kb(ctx: SiteContext, project, kb, cache_dir=None) -> None:
    """The knowledge base as plain data. Loading and validating kb/ (YAML with line
    numbers) is the slowest step of a small build, so the result is kept in
    ``cache_dir`` keyed by the bytes of kb/, the manifest and the kb code."""
    cache = key = None
    if kb is None and cache_dir is not None and Path(project.kb_dir).is_dir():
        import json

        key = _kb_key(project)
        cache = Path(cache_dir) / "site-kb.json"
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if data.get("key") == key and key is not None:
            for name in KB_FIELDS:
                setattr(ctx, name, data[name])
            return
    _load_kb(ctx, project, kb)
    if cache is not None and key is not None and not ctx.notes_kb:
        import json

        from scrutiny.atomic import write_text

        write_text(cache, json.dumps({"key": key, **{n: getattr(ctx, n) for n in KB_FIELDS}},
                                     ensure_ascii=False, sort_keys=True, default=str))


def _kb_key(project) -> str | None:
    import hashlib

    import scrutiny.kb as kbmod

    h = hashlib.sha256()
    try:
        code = Path(kbmod.__file__).parent
        files = [(f"code/{p.name}", p) for p in sorted(code.glob("*.py"))]
        files += [(f"kb/{p.relative_to(project.kb_dir).as_posix()}", p)
                  for p in sorted(Path(project.kb_dir).rglob("*")) if p.is_file()]
        files.append(("manifest", Path(project.manifest_path)))
        for name, p in files:
            h.update(name.encode() + b"\x00" + p.read_bytes() + b"\x01")
    except OSError:
        return None
    return h.hexdigest()


def _load_kb(ctx: SiteContext, project, kb) -> None:
    ctx.notes_kb = False
    if kb is None:
        from scrutiny.kb import load_kb

        if not Path(project.kb_dir).is_dir():
            ctx.notes.append(f"no knowledge base folder ({project.kb_dir}): no stakeholders, claims or essays")
            ctx.notes_kb = True
            return
        # An invalid KB raises KBError listing file:line problems: the build refuses it, as ingest does.
        kb = load_kb(project.kb_dir, project.manifest_path)
    ctx.stakeholders = {sid: _plain(st) for sid, st in sorted(_items(getattr(kb, "stakeholders", {})))}
    for sid, st in ctx.stakeholders.items():
        st.setdefault("id", sid)
        st["url"] = safe_href(st.get("url"))
        st["aliases"] = list(st.get("aliases") or [])
    ctx.ties = sorted((_plain(t) for t in getattr(kb, "ties", []) or []), key=lambda t: t["id"])
    ctx.claims = [_plain(c) for c in getattr(kb, "claims", []) or []]
    for c in ctx.claims:
        c["kinds"] = list(c.get("kinds") or [])
        docs = []
        for cd in c.get("documents") or []:
            if isinstance(cd, str):
                cd = {"doc": cd}
            cd = dict(cd)
            locate = cd.get("locate") or {}
            cd.setdefault("search", locate.get("search"))
            cd.setdefault("passages", locate.get("passages") or [])
            docs.append(cd)
        c["documents"] = docs
    ctx.claims.sort(key=lambda c: c["id"])
    ctx.sources = {k: dict(v) for k, v in sorted(_items(getattr(kb, "sources", {})))}
    essays = []
    for e in getattr(kb, "essays", []) or []:
        d = _plain(e)
        d["body"] = getattr(e, "body", None) or d.get("body") or ""
        d["body_line"] = getattr(e, "body_line", 1)
        essays.append(d)
    ctx.essays = sorted(essays, key=lambda e: (e.get("doc_id") is not None, e["id"]))
    if getattr(kb, "conflicts", None) is not None:  # given with the KB (tests, exports)
        ctx.conflicts = [_plain(c) for c in kb.conflicts]
        return
    from scrutiny.kb.conflicts import find_conflicts

    ctx.conflicts = sorted((_plain(c) for c in find_conflicts(kb)),
                           key=lambda c: (c.get("document", ""), c.get("stakeholder", ""), c.get("via", [])))


def _gather_tags(ctx: SiteContext) -> None:
    from scrutiny.site.tags import TagReader

    ctx.tags = TagReader(ctx.store)
    ctx.notes.extend(ctx.tags.notes)
    from scrutiny.site.writer import input_key

    from scrutiny.site.xrefs import XrefReader

    ctx.xrefs = XrefReader(ctx.store)
    ctx.xref_key = ctx.xrefs.key()
    ctx.fingerprints = ctx.doc_fingerprints()
    ctx.store_key = input_key(ctx.fingerprints, ctx.redirect_key(), ctx.xref_key) if ctx.store is not None else None


def _items(mapping_or_list):
    if isinstance(mapping_or_list, dict):
        return mapping_or_list.items()
    return [(getattr(x, "id", None) or x.get("id"), x) for x in mapping_or_list or []]


def _plain(obj) -> dict:
    """A dataclass / object / dict as a plain dict (via its to_dict when it has one)."""
    if isinstance(obj, dict):
        return dict(obj)
    if hasattr(obj, "to_dict"):
        d = obj.to_dict()
        if hasattr(obj, "id") and "id" not in d:
            d["id"] = obj.id
        return d
    import dataclasses

    if dataclasses.is_dataclass(obj):
        return dataclasses.asdict(obj)
    return dict(vars(obj))
