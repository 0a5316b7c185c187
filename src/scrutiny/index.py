"""The Whoosh full-text index of passages (BM25F, English stemming).

The index is built into a fresh directory and then swapped in atomically by
replacing the ``.scrutiny/index`` symlink, so a search running during a
rebuild, or a rebuild killed half-way, never sees a broken index. Each
directory is named after the process building it (``index-<time>-<pid>-<random>``):
a build removes only directories of processes that are gone (or its own),
never another live build's, and keeps the index it replaced, so that a
search that opened it just before the swap can finish.

Beside each Whoosh segment the index keeps that segment's postings best first
(:mod:`scrutiny.best_postings`), written when the segment is new.

Only ``whoosh`` is imported here: this module is on ``scrutiny search``'s path.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from scrutiny import best_postings

if TYPE_CHECKING:
    from scrutiny.passages import Passage

SCHEMA_VERSION = 5  # 2: "paged" (does the source have page numbers?); 3: "rank" by passage kind;
# 4: printed page labels ("page_label", "printed"); 5: headings without the document's title, weighed less

# The ranking, shared with the site's search index (scrutiny.site.search_index computes
# the same BM25F scores for the browser): Whoosh's BM25F with these parameters; a word in
# a passage's section headings counts HEADING_BOOST of a word in its text, so a heading
# weighs in without drowning the passages that say the words themselves.
B, K1 = 0.75, 1.2
HEADING_BOOST = 0.5
# A first heading over this share of a document's passages is its title: the
# document's name, not the heading of a section (it would match every passage).
TITLE_SHARE = 0.8


def search_headings(passages: "list[Passage]") -> dict[str, str]:
    """{passage id: what its heading field holds}: its section headings, outermost
    first, without the document's title. ``passages`` are all those of one or
    more documents (the title is found per document)."""
    from collections import Counter, defaultdict

    by_doc = defaultdict(list)
    for p in passages:
        by_doc[p.doc_id].append(p)
    out = {}
    for doc_passages in by_doc.values():
        firsts = Counter(p.heading_path[0] for p in doc_passages if p.heading_path)
        title = None
        if firsts:
            top, n = firsts.most_common(1)[0]
            if n >= TITLE_SHARE * len(doc_passages):
                title = top
        for p in doc_passages:
            path = p.heading_path[1:] if p.heading_path and p.heading_path[0] == title else p.heading_path
            out[p.id] = " > ".join(path)
    return out


def schema():
    from whoosh import fields

    from scrutiny.query import analyzer

    analyzer = analyzer()
    return fields.Schema(
        passage_id=fields.ID(stored=True, unique=True),
        doc_id=fields.ID(stored=True),
        doc_label=fields.STORED(),
        paged=fields.STORED(),    # False for flowing text (HTML, Markdown...): no page to show
        ord=fields.STORED(),
        kind=fields.ID(stored=True),
        # a passage's score is multiplied by this (scrutiny.passages.KIND_RANK):
        # figures, contents pages and covers come below the body text
        rank=fields.NUMERIC(int, sortable=True),  # per cent
        layout=fields.STORED(),   # OCR confidence, a table's label: what a hit shows
        page=fields.NUMERIC(int, stored=True),   # physical: the PDF's page index + 1
        page_end=fields.STORED(),
        # the pages as the document prints them (scrutiny.pages): what a hit shows
        page_label=fields.STORED(),
        page_end_label=fields.STORED(),
        printed=fields.NUMERIC(int),  # the printed page as a number, for --page (none for "iv")
        heading=fields.TEXT(analyzer=analyzer, stored=True, field_boost=HEADING_BOOST),
        text=fields.TEXT(analyzer=analyzer, stored=True, phrase=True),
        tags=fields.KEYWORD(commas=True, lowercase=True, stored=True),
        stakeholders=fields.KEYWORD(commas=True, lowercase=True, stored=True),
    )


@dataclass(frozen=True)
class IndexSummary:
    passages: int       # passages indexed (written) by this run
    seconds: float
    rate: float         # passages per second
    mode: str = "rebuilt"       # rebuilt (a fresh index swapped in) | updated (segments added) | current
    documents_added: int = 0    # documents whose passages were (re)written
    documents_deleted: int = 0  # documents whose passages were deleted (changed or removed)
    segments: int = 0           # segments of the live index afterwards
    best_files: int = 0         # segments whose best-first file was written (scrutiny.best_postings)


@dataclass(frozen=True)
class DocumentSource:
    """One document as the index needs it: its label in results, whether it has
    page numbers, its printed page labels, a fingerprint of everything the index
    holds of it (its passages and their tags), and how to read its passages
    and their facets (only called for documents that are (re)written)."""

    doc_id: str
    label: str
    paged: bool
    page_labels: list | None
    fingerprint: str
    passages: Callable[[], "Iterable[Passage]"]
    facets: Callable[[], dict]


DOCS_FILE = "SCRUTINY_DOCS.json"   # {doc id: fingerprint} of what the index holds
REBUILD_SHARE = 0.3                # more documents than this share changed: a fresh index is faster


def build_index(index_link: Path, documents: dict, passages: "list[Passage]", facets: dict | None = None,
                procs: int | None = None, limitmb: int = 256, content_version: int = 0,
                paged: set | None = None, page_labels: dict | None = None) -> IndexSummary:
    """Index ``passages`` into a new directory and swap it in.

    ``documents`` maps doc id -> label shown in results (short title).
    ``facets`` maps passage id -> its tags (an object with ``tags``, the claim
    kinds, and ``stakeholders``, the stakeholder ids named).
    ``paged`` holds the ids of documents with page numbers (None: all of them).
    ``page_labels`` maps doc id -> the printed label of each page (see
    scrutiny.pages; a document not in it is numbered as its pages are).
    """
    from whoosh import index as windex

    facets = facets or {}
    index_link = Path(index_link)
    parent = index_link.parent
    parent.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(prefix=f"index-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-", dir=parent))
    os.chmod(target, 0o755)
    t0 = time.perf_counter()
    passages = list(passages)
    if procs is None:
        procs = min(2, os.cpu_count() or 1) if len(passages) >= 5000 else 1
    try:
        ix = windex.create_in(str(target), schema())
        if procs > 1:
            writer = ix.writer(procs=procs, limitmb=limitmb, multisegment=True)
        else:
            writer = ix.writer(limitmb=limitmb)
        headings = search_headings(passages)
        with writer:
            page_labels = page_labels or {}
            for p in passages:
                _add(writer, p, documents.get(p.doc_id, p.doc_id), paged is None or p.doc_id in paged,
                     page_labels.get(p.doc_id), facets.get(p.id), headings[p.id])
        best_postings.ensure(target)
        (target / "SCRUTINY_INDEX").write_text(f"{SCHEMA_VERSION}\n{len(passages)}\n{content_version}\n")
        previous = _live_target(index_link)
        _swap(index_link, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    seconds = time.perf_counter() - t0
    _remove_stale(parent, keep={target.name, previous})
    return IndexSummary(passages=len(passages), seconds=seconds, rate=len(passages) / seconds if seconds else 0.0)


def _add(writer, p: "Passage", doc_label: str, paged: bool, labels, f, heading: str) -> None:
    """Index one passage; ``heading`` is its heading field (``search_headings``)."""
    from scrutiny.pages import label, printed_number
    from scrutiny.passages import KIND_RANK

    printed = printed_number(labels, p.page)
    writer.add_document(
        passage_id=p.id, doc_id=p.doc_id, doc_label=doc_label, paged=paged,
        ord=p.ord, kind=p.kind, page=p.page, page_end=p.page_end,
        page_label=label(labels, p.page), page_end_label=label(labels, p.page_end),
        **({"printed": printed} if printed is not None else {}),
        rank=round(100 * KIND_RANK.get(p.kind, 1.0)), layout=_shown_layout(p.layout),
        heading=heading, text=p.text,
        tags=",".join(f.tags) if f else "", stakeholders=",".join(f.stakeholders) if f else "",
    )


def indexed_documents(index_link: Path) -> dict[str, str] | None:
    """{doc id: fingerprint} of what the live index holds (None: no index of this
    schema, or one made before fingerprints were kept: it is rebuilt)."""
    import json

    if index_content_version(index_link) is None:
        return None
    try:
        return json.loads((Path(index_link) / DOCS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def update_index(index_link: Path, documents: "dict[str, DocumentSource]", content_version: int = 0,
                 rebuild: bool = False, procs: int | None = None, limitmb: int = 256) -> IndexSummary:
    """Bring the index to ``documents`` doing as little as it can.

    The live index keeps the fingerprint of every document it holds. Documents
    whose fingerprint changed, and documents gone, are deleted from it; changed
    and new ones are written to a new segment by a Whoosh writer on the live
    index, and small segments are merged as Whoosh's writer does
    (``MERGE_SMALL``: the big segments are never rewritten for a few documents).
    A fresh index is built and swapped in instead when there is none (or one of
    an older schema), when ``rebuild`` is asked for (``--rebuild``), or when
    more than :data:`REBUILD_SHARE` of the documents changed.
    """
    import json

    from scrutiny.atomic import write_text

    t0 = time.perf_counter()
    old = None if rebuild else indexed_documents(index_link)
    changed = [d for doc_id, d in documents.items() if old is None or old.get(doc_id) != d.fingerprint]
    removed = [doc_id for doc_id in (old or {}) if doc_id not in documents]
    if old is not None and not changed and not removed:
        if index_content_version(index_link) != content_version:
            _write_stamp(Path(index_link).resolve(), content_version, _doc_count(index_link))
        # an index written before the best-first files, or stopped before writing one: written now
        best = best_postings.ensure(Path(index_link).resolve())
        return IndexSummary(passages=0, seconds=time.perf_counter() - t0, rate=0.0, mode="current",
                            segments=_segments(index_link), best_files=best)
    if old is None or len(changed) + len(removed) > max(20, REBUILD_SHARE * len(documents)):
        return _rebuild(index_link, documents, content_version, procs, limitmb, t0)
    from whoosh import index as windex
    from whoosh.writing import MERGE_SMALL

    target = Path(index_link).resolve()
    ix = windex.open_dir(str(target))
    writer = ix.writer(limitmb=limitmb)
    added = 0
    try:
        for doc_id in [d.doc_id for d in changed if d.doc_id in old] + removed:
            writer.delete_by_term("doc_id", doc_id)
        for d in changed:
            facets = d.facets()
            ps = list(d.passages())
            headings = search_headings(ps)
            for p in ps:
                _add(writer, p, d.label, d.paged, d.page_labels, facets.get(p.id), headings[p.id])
                added += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=MERGE_SMALL)
    best = best_postings.ensure(target)   # the new segment's (and a merged one's) best-first file
    fingerprints = {doc_id: fp for doc_id, fp in old.items() if doc_id not in removed}
    fingerprints.update({d.doc_id: d.fingerprint for d in changed})
    write_text(target / DOCS_FILE, json.dumps(fingerprints, sort_keys=True))
    # counted from the table of contents' segments, without opening a reader on each
    _write_stamp(target, content_version, sum(seg.doc_count() for seg in windex.open_dir(str(target))._segments()))
    seconds = time.perf_counter() - t0
    return IndexSummary(passages=added, seconds=seconds, rate=added / seconds if seconds else 0.0, mode="updated",
                        documents_added=len(changed),
                        documents_deleted=len([d for d in changed if d.doc_id in old]) + len(removed),
                        segments=_segments(index_link), best_files=best)


def _doc_count(index_link: Path) -> int:
    try:
        return int((Path(index_link) / "SCRUTINY_INDEX").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _write_stamp(target: Path, content_version: int, passages: int) -> None:
    from scrutiny.atomic import write_text

    write_text(target / "SCRUTINY_INDEX", f"{SCHEMA_VERSION}\n{passages}\n{content_version}\n")


def _segments(index_link: Path) -> int:
    from whoosh import index as windex

    try:
        ix = windex.open_dir(str(Path(index_link).resolve()))
        return len(ix._segments())
    except Exception:  # noqa: BLE001 - a count for the report only
        return 0


def _rebuild(index_link, documents: "dict[str, DocumentSource]", content_version, procs, limitmb, t0):
    """A fresh index of every document, streamed one document at a time."""
    import json

    def passages():
        for d in documents.values():
            facets = d.facets()
            for p in d.passages():
                yield p, d, facets.get(p.id)

    summary, best = _build(index_link, passages(), content_version, procs, limitmb,
                     extra={DOCS_FILE: json.dumps({k: d.fingerprint for k, d in documents.items()}, sort_keys=True)})
    seconds = time.perf_counter() - t0
    return IndexSummary(passages=summary, seconds=seconds, rate=summary / seconds if seconds else 0.0,
                        mode="rebuilt", documents_added=len(documents), segments=_segments(index_link),
                        best_files=best)


def _build(index_link, rows, content_version, procs, limitmb, extra: dict) -> tuple[int, int]:
    """Write ``rows`` ((passage, DocumentSource, facets)) into a new directory and swap it in;
    (passages written, best-first files written)."""
    from whoosh import index as windex

    index_link = Path(index_link)
    parent = index_link.parent
    parent.mkdir(parents=True, exist_ok=True)
    # a name no other build has (two builds of one process in one second must not
    # share a folder: the second would delete the live index)
    target = Path(tempfile.mkdtemp(prefix=f"index-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-", dir=parent))
    os.chmod(target, 0o755)
    n = 0
    try:
        ix = windex.create_in(str(target), schema())
        procs = procs or 1
        writer = ix.writer(procs=procs, limitmb=limitmb, multisegment=True) if procs > 1 else ix.writer(limitmb=limitmb)
        with writer:
            from itertools import groupby

            for _, group in groupby(rows, key=lambda row: row[0].doc_id):   # a document's passages together
                group = list(group)
                headings = search_headings([p for p, _, _ in group])
                for p, d, f in group:
                    _add(writer, p, d.label, d.paged, d.page_labels, f, headings[p.id])
                    n += 1
        for name, text in extra.items():
            (target / name).write_text(text, encoding="utf-8")
        best = best_postings.ensure(target)
        (target / "SCRUTINY_INDEX").write_text(f"{SCHEMA_VERSION}\n{n}\n{content_version}\n")
        previous = _live_target(index_link)
        _swap(index_link, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    _remove_stale(parent, keep={target.name, previous})
    return n, best


def _shown_layout(layout: dict | None) -> dict | None:
    """What a search hit shows of a passage's layout: OCR confidence, label."""
    if not layout:
        return None
    out = {k: layout[k] for k in ("ocr", "label") if layout.get(k)}
    return out or None


def _swap(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` atomically (rename of a fresh symlink)."""
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target.name, tmp)
    if link.exists() and not link.is_symlink():  # an old layout: a real directory
        shutil.rmtree(link)
    os.replace(tmp, link)


def _live_target(link: Path) -> str | None:
    """The name of the directory the index link points at now."""
    try:
        return Path(os.readlink(link)).name
    except OSError:
        return None


def _builder_pid(name: str) -> int | None:
    """The pid in ``index-<time>-<pid>-<random>`` (None for another layout)."""
    parts = name.split("-")
    return int(parts[2]) if len(parts) >= 3 and parts[2].isdigit() else None


def _remove_stale(parent: Path, keep: set) -> None:
    """Remove index directories no search needs: not the live one, not the one
    it replaced, and never one that another running process is building."""
    from scrutiny.lock import pid_alive

    for path in parent.glob("index-*"):
        if path.name in keep or path.is_symlink() or not path.is_dir():
            continue
        pid = _builder_pid(path.name)
        if pid is not None and pid != os.getpid() and pid_alive(pid):
            continue  # another process's index, being built or just swapped in
        shutil.rmtree(path, ignore_errors=True)


def passages_with_words(index_link: Path, texts, most: int | None = None) \
        -> tuple[dict[str, set[str] | None], float] | None:
    """For each of ``texts``, the ids of the live index's passages whose text holds
    every token the index makes of it (stemmed, stop words left out): a coarse
    filter, the caller makes the exact test on the passages' text. A text of no
    indexed token maps to None (the index cannot narrow it down), and so does one
    held by more than ``most`` passages (their ids would be read from every one's
    stored fields: for common words a scan of the store is quicker).

    Returns (that dict, the time the index's documents were last written, as a
    timestamp: a document stored after it may not be in the index as it is), or
    None when there is no index here."""
    from scrutiny.query import analyse

    if index_content_version(index_link) is None:
        return None
    target = Path(index_link).resolve()
    try:
        written = (target / DOCS_FILE).stat().st_mtime
    except OSError:
        return None
    out: dict[str, set[str] | None] = {}
    ix = open_index(index_link)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for text in texts:
            terms = sorted(set(analyse(text)))
            if not terms:
                out[text] = None
                continue
            docs: set[int] | None = None
            for term in terms:
                found = set(reader.postings("text", term).all_ids()) if ("text", term) in reader else set()
                docs = found if docs is None else docs & found
                if not docs:
                    break
            if most is not None and docs is not None and len(docs) > most:
                out[text] = None
                continue
            out[text] = {searcher.stored_fields(n)["passage_id"] for n in docs or ()}
    return out, written


def index_exists(index_link: Path) -> bool:
    return (Path(index_link) / "SCRUTINY_INDEX").is_file()


def index_content_version(index_link: Path) -> int | None:
    """The store content version the live index was built from (None: no index)."""
    try:
        lines = (Path(index_link) / "SCRUTINY_INDEX").read_text().split()
        if int(lines[0]) != SCHEMA_VERSION:
            return None
        return int(lines[2])
    except (OSError, IndexError, ValueError):
        return None


def open_index(index_link: Path):
    from scrutiny.whoosh_import import prepare

    prepare()
    from whoosh import index as windex

    from scrutiny.errors import ProjectError

    if not index_exists(index_link):
        raise ProjectError(f"no search index at {index_link}: run `scrutiny ingest` first")
    return windex.open_dir(str(Path(index_link).resolve()))
