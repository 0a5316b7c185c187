"""Gather what the site shows: documents and passages (store + manifest), the
knowledge base (one plain view, :class:`scrutiny.kb.view.Curated`), the tags
and the cross-references (through their stages' read APIs).

A stage that has not run is an explicit state: the readers of tags and
cross-references (``SiteTags``, ``SiteXrefs``) ask their stage first and show
nothing, and every page says why (``scrutiny.site.stages_pending``). Anything
else that goes wrong is a bug and fails the build.

Documents are plain dicts in a stable order, so that the generators (and the
input keys that let a rebuild skip unchanged pages) only see deterministic data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from scrutiny.anchor import Span
from scrutiny.kb.conflicts import Conflict
from scrutiny.kb.model import Claim, Essay, Stakeholder, Tie
from scrutiny.kb.view import Curated
from scrutiny.passages import Passage
from scrutiny.site.tags import SiteTags
from scrutiny.site.xrefs import SiteXrefs
from scrutiny.store import Redirect, Store
from scrutiny.urls import safe_href, scheme

DOC_KIND_ORDER = {"policy": 0, "critique": 1}
STATUS_ORDER = {"contradicted": 0, "unsupported": 1, "contested": 2, "unverifiable": 3, "supported": 4}


@dataclass
class SiteContext:
    project: object
    name: str
    base_url: str
    documents: list[dict]
    store: Store | None = None
    curated: Curated = field(default_factory=Curated)
    redirects: list[Redirect] = field(default_factory=list)
    vocab: object = None
    notes: list[str] = field(default_factory=list)   # what was absent, for the build report

    def __post_init__(self):
        self.docs_by_id = {d["id"]: d for d in self.documents}
        self.redirect_of = {r.old_id: r for r in self.redirects}
        self._span_cache: dict[str, Span | None] = {}
        self._passage_cache: dict[str, Passage | None] = {}
        self._doc_passages: dict[str, list[Passage]] = {}
        self._refs: list | None = None
        self._doc_records = None
        self.fingerprints: dict[str, list] = {}
        self.store_key: str | None = None
        self.kb_data: dict = {}
        self.tags: SiteTags | None = None
        # machine tags below this are folded away, one click from the page ([site] min_confidence)
        self.min_confidence: float = float(getattr(self.project, "min_confidence", 0.6) or 0.0)
        # the same for machine-tagged claims ([site] claim_min_confidence)
        self.claim_min_confidence: float = float(getattr(self.project, "claim_min_confidence",
                                                         self.min_confidence) or 0.0)
        # extracted stakeholders a document names often: a page each, marked machine-suggested
        self.suggested_stakeholders: dict = {}
        self.xrefs: SiteXrefs | None = None
        self.xref_key = None
        self.source_paths: list[str] = []   # the sources the manifest names (the "behind" notice reads them)
        self.cache_dir: Path | None = None  # where the build keeps what it may reuse (None: nothing kept)
        c = self.curated
        # a stakeholder's url is only ever an http, https or mailto link on the site
        self.stakeholders: dict[str, Stakeholder] = {sid: replace(st, url=safe_href(st.url))
                                                     for sid, st in sorted(c.stakeholders.items())}
        self.ties: list[Tie] = sorted(c.ties, key=lambda t: t.id)
        self.claims: list[Claim] = sorted(c.claims, key=lambda c: c.id)
        self.sources: dict[str, dict] = dict(sorted(c.sources.items()))
        self.essays: list[Essay] = sorted(c.essays, key=lambda e: (e.doc_id is not None, e.id))
        self.conflicts: list[Conflict] = sorted(c.conflicts, key=lambda x: (x.document, x.stakeholder, x.via))

    def cache_file(self, name: str) -> Path | None:
        """A file the build keeps between builds in its cache folder (None without one)."""
        return Path(self.cache_dir) / name if self.cache_dir is not None else None

    # --- fingerprints (what decides whether a page must be rendered again) ------
    def doc_fingerprints(self) -> dict[str, list]:
        """{doc id: fingerprint of its passages and tags}: each document's passages from
        the record kept by document (:mod:`scrutiny.site.doc_passages`: only the
        documents whose stamp moved are read), its tags from the tagging stage's
        row of the document (``tags.queries.doc_fingerprints``)."""
        if self.store is None:
            return {}
        out: dict[str, list] = {d: [h] for d, h in self.doc_passages().digests().items()}
        for doc_id, tags in self.tags.fingerprints().items():
            out.setdefault(doc_id, []).append(tags)
        return out

    def doc_passages(self):
        """Each document's passage fingerprint and parts (``DocPassages``), made once per build."""
        if self._doc_records is None:
            from scrutiny.site.doc_passages import DocPassages

            self._doc_records = DocPassages(self.store, self.docs_by_id, self.cache_file("site-passages.json"),
                                            self.passage_refs)
        return self._doc_records

    def redirect_key(self, doc_id: str | None = None) -> list:
        """The redirects (of one document) as part of a page's inputs."""
        return [[r.old_id, r.doc_id, r.new_id, r.method, r.score, r.old_text, r.old_page]
                for r in self.redirects if doc_id is None or r.doc_id == doc_id]

    # --- passages ---------------------------------------------------------------
    def passage_refs(self) -> list:
        """Every passage without its text (``Store.passage_refs``), read once per build
        when asked (a whole build; one document added reads its own: ``doc_passages``)."""
        if self._refs is None:
            self._refs = self.store.passage_refs() if self.store is not None else []
        return self._refs

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

            span = redirect_span(self.store, rd)
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

def gather(project, curated: Curated | None = None, store=None, cache_dir=None) -> SiteContext:
    """Read everything the site shows. ``curated``/``store`` may be passed in (tests)."""
    from scrutiny.manifest import read_manifest
    from scrutiny.schema import vocabulary

    notes: list[str] = []
    manifest = read_manifest(project.manifest_path)
    name = manifest.project.get("name") or Path(project.root).name
    base_url = getattr(project, "base_url", "") or ""
    if base_url and scheme(base_url) not in ("http", "https"):
        notes.append(f"base_url {base_url[:60]!r} is not an http(s) address: permalinks are site-relative")
        base_url = ""

    if store is None:
        from scrutiny.store import Store, store_exists

        if store_exists(project):
            store = Store(project.store_location, readonly=True)
            # one snapshot for the whole build: a write committed meanwhile is not half seen
            store.db.execute("BEGIN")
        else:
            notes.append("no store yet (run `scrutiny ingest`): documents are shown without their text")

    stored = {d["id"]: d for d in store.documents_shown()} if store is not None else {}
    documents = []
    for doc_id in sorted(set(manifest.documents) | set(stored)):
        entry = manifest.documents.get(doc_id)
        d = dict(entry.to_dict()) if entry else {}
        s = stored.get(doc_id)
        if s:
            from scrutiny.metadata import BIBLIOGRAPHIC

            for key, value in s.items():   # (no time of storing: builds are byte-identical)
                if value not in (None, "", [], {}) or key not in d:
                    # the manifest is the one source of the bibliographic fields a person curates
                    if key in BIBLIOGRAPHIC and entry is not None:
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

    if curated is None:
        curated, kb_data = _load_curated(project, cache_dir)
    else:
        kb_data = curated.to_data()
    ctx = SiteContext(project=project, name=name, base_url=base_url, documents=documents,
                      store=store, curated=curated, redirects=redirects, vocab=vocabulary(), notes=notes)
    ctx.kb_data = kb_data
    ctx.cache_dir = Path(cache_dir) if cache_dir is not None else None
    from scrutiny.paths import source_path_texts

    ctx.source_paths = sorted(set(source_path_texts(project.root, manifest.documents.values())))
    if not Path(project.kb_dir).is_dir():
        ctx.notes.append(f"no knowledge base folder ({project.kb_dir}): no stakeholders, claims or essays")
    _gather_stages(ctx)
    return ctx


def _load_curated(project, cache_dir=None) -> tuple[Curated, dict]:
    """The knowledge base (and its data, the site's input key). Loading and validating
    kb/ (YAML with line numbers) is the slowest step of a small build, so the view is
    kept in ``cache_dir`` keyed by the bytes of kb/, the manifest and the kb code.
    An invalid knowledge base raises KBError listing file:line problems: the build
    refuses it, as ingest does."""
    import json

    from scrutiny.atomic import write_text
    from scrutiny.kb.view import load_curated

    cache = key = None
    if cache_dir is not None and Path(project.kb_dir).is_dir():
        key = kb_key(project)
        cache = Path(cache_dir) / "site-kb.json"
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # no cache yet, or a torn one: read kb/
            data = {}
        if key is not None and data.get("key") == key:
            return Curated.from_data(data["curated"]), data["curated"]
    curated = load_curated(project)
    kb_data = curated.to_data()
    if cache is not None and key is not None:
        write_text(cache, json.dumps({"key": key, "curated": kb_data}, ensure_ascii=False, sort_keys=True))
    return curated, kb_data


def kb_key(project) -> str | None:
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
    except OSError:  # a file went away while reading: no cache this time
        return None
    return h.hexdigest()


def _gather_stages(ctx: SiteContext) -> None:
    from scrutiny.site.writer import input_key

    ctx.tags = SiteTags(ctx.store)
    ctx.fingerprints = ctx.doc_fingerprints()
    if ctx.tags.run is not None:
        from scrutiny.tags.queries import suggested_stakeholders

        min_mentions = int(getattr(ctx.project, "stakeholder_min_mentions", 3) or 3)
        # each document's mentions counted as kept by document, and their totals by
        # stakeholder (only the changed documents' read, and their stakeholders' totals moved)
        cache = ctx.cache_file("site-resolved.json")
        if cache is not None:
            found = {"totals": ctx.tags.resolved_totals(ctx.fingerprints, cache, min_mentions)}
        else:
            found = {"counts": None}
        for e in suggested_stakeholders(ctx.store, min_mentions=min_mentions, min_confidence=ctx.min_confidence,
                                        documents=False, **found):
            if e.id in ctx.stakeholders:
                continue
            ctx.stakeholders[e.id] = Stakeholder(id=e.id, name=e.name, kind=e.kind, aliases=list(e.aliases))
            ctx.suggested_stakeholders[e.id] = e
    ctx.xrefs = SiteXrefs(ctx.store)
    ctx.xref_key = ctx.xrefs.key()
    ctx.store_key = input_key(ctx.fingerprints, ctx.redirect_key(), ctx.xref_key) if ctx.store is not None else None
