"""The Whoosh full-text index of passages (BM25F, English stemming).

The index is built into a fresh directory and then swapped in atomically by
replacing the ``.scrutiny/index`` symlink, so a search running during a
rebuild, or a rebuild killed half-way, never sees a broken index. Each
directory is named after the process building it (``index-<time>-<pid>-<random>``):
a build removes only directories of processes that are gone (or its own),
never another live build's, and keeps the index it replaced, so that a
search that opened it just before the swap can finish.

Only ``whoosh`` is imported here: this module is on ``scrutiny search``'s path.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrutiny.passages import Passage

SCHEMA_VERSION = 4  # 2: "paged" (does the source have page numbers?); 3: "rank" by passage kind;
# 4: printed page labels ("page_label", "printed")


def schema():
    from whoosh import fields
    from whoosh.analysis import StemmingAnalyzer

    analyzer = StemmingAnalyzer()
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
        heading=fields.TEXT(analyzer=analyzer, stored=True, field_boost=1.5),
        text=fields.TEXT(analyzer=analyzer, stored=True, phrase=True),
        tags=fields.KEYWORD(commas=True, lowercase=True, stored=True),
        stakeholders=fields.KEYWORD(commas=True, lowercase=True, stored=True),
    )


@dataclass(frozen=True)
class IndexSummary:
    passages: int       # passages indexed
    seconds: float
    rate: float         # passages per second


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

    from scrutiny.pages import label, printed_number
    from scrutiny.passages import KIND_RANK

    facets = facets or {}
    index_link = Path(index_link)
    parent = index_link.parent
    parent.mkdir(parents=True, exist_ok=True)
    import tempfile

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
        with writer:
            page_labels = page_labels or {}
            for p in passages:
                f = facets.get(p.id)
                labels = page_labels.get(p.doc_id)
                printed = printed_number(labels, p.page)
                writer.add_document(
                    passage_id=p.id, doc_id=p.doc_id, doc_label=documents.get(p.doc_id, p.doc_id),
                    paged=paged is None or p.doc_id in paged,
                    ord=p.ord, kind=p.kind, page=p.page, page_end=p.page_end,
                    page_label=label(labels, p.page), page_end_label=label(labels, p.page_end),
                    **({"printed": printed} if printed is not None else {}),
                    rank=round(100 * KIND_RANK.get(p.kind, 1.0)), layout=_shown_layout(p.layout),
                    heading=p.heading, text=p.text,
                    tags=",".join(f.tags) if f else "", stakeholders=",".join(f.stakeholders) if f else "",
                )
        (target / "SCRUTINY_INDEX").write_text(f"{SCHEMA_VERSION}\n{len(passages)}\n{content_version}\n")
        previous = _live_target(index_link)
        _swap(index_link, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    seconds = time.perf_counter() - t0
    _remove_stale(parent, keep={target.name, previous})
    return IndexSummary(passages=len(passages), seconds=seconds, rate=len(passages) / seconds if seconds else 0.0)


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
    from whoosh import index as windex

    from scrutiny.errors import ProjectError

    if not index_exists(index_link):
        raise ProjectError(f"no search index at {index_link}: run `scrutiny ingest` first")
    return windex.open_dir(str(Path(index_link).resolve()))
