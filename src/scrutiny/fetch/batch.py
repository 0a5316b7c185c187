"""Fetch many documents: at most ``max_parallel`` (four) at once, progress on a
terminal, each result recorded in the manifest as soon as it arrives."""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scrutiny.fetch.download import UnreachableHosts, new_client
from scrutiny.fetch.retrieve import FetchResult, fetch_document
from scrutiny.fetch.settings import FetchSettings
from scrutiny.names import PART_SUFFIX

STALE_PART_SECONDS = 600  # a .part untouched this long belongs to no live download


@dataclass
class FetchReport:
    results: list[FetchResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[FetchResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failed


class Progress:
    """Per-file byte bars and an overall bar (tqdm), only on a terminal."""

    def __init__(self, total: int, enabled: bool, slots: int):
        self.enabled = enabled
        self._lock = threading.Lock()
        self.overall = None
        self.slots: queue.Queue[int] = queue.Queue()
        for i in range(1, slots + 1):
            self.slots.put(i)
        if enabled:
            from tqdm import tqdm

            self.overall = tqdm(total=total, unit="doc", desc="fetch", position=0, leave=False)

    @contextmanager
    def file(self, name: str):
        if not self.enabled:
            yield None
            return
        from tqdm import tqdm

        slot = self.slots.get()
        bar = tqdm(desc=name[:32], unit="B", unit_scale=True, position=slot, leave=False)

        def update(done: int, total: int | None):
            with self._lock:
                if total and bar.total != total:
                    bar.total = total
                bar.update(done - bar.n)

        try:
            yield update
        finally:
            bar.close()
            self.slots.put(slot)

    def done(self) -> None:
        if self.overall is not None:
            with self._lock:
                self.overall.update(1)

    def close(self) -> None:
        if self.overall is not None:
            self.overall.close()


def clean_stale_parts(folder: Path, older_than: float = STALE_PART_SECONDS) -> int:
    """Remove temporary files a killed run left behind (never a live one)."""
    removed = 0
    if not folder.is_dir():
        return 0
    now = time.time()
    for part in folder.glob(f".*{PART_SUFFIX}"):
        try:
            if part.is_file() and not part.is_symlink() and now - part.stat().st_mtime > older_than:
                part.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def fetch_all(project, doc_ids=None, *, settings: FetchSettings | None = None, force: bool = False,
              accept_new: bool = False, pick: int | None = None, record: bool = True,
              progress: bool = False, client=None, on_result=None) -> FetchReport:
    """Fetch the manifest's documents (or ``doc_ids``), four at once. Present
    files are left alone unless ``force``. With ``record``, each result's
    provenance, sha256 and moved addresses are written to the manifest as it
    arrives. ``on_result(result)`` is called in the caller's thread."""
    from scrutiny.manifest import load_manifest, update_documents

    t0 = time.perf_counter()
    manifest = load_manifest(project.manifest_path)
    settings = settings or FetchSettings.from_project(manifest=manifest)
    ids = list(doc_ids) if doc_ids else list(manifest.documents)
    entries = [manifest.get(i) for i in ids]
    if pick is not None and len(entries) != 1:
        from scrutiny.errors import ScrutinyError

        raise ScrutinyError("--pick N chooses a file for one document: name exactly one DOC_ID")
    clean_stale_parts(project.sources_dir)
    report = FetchReport()
    bars = Progress(len(entries), progress, settings.max_parallel)
    hosts = UnreachableHosts()
    own = client is None
    client = client or new_client(settings)
    order = {e.id: i for i, e in enumerate(entries)}
    titles = {d.id: d.title for d in manifest.documents.values()}

    def one(entry):
        with bars.file(entry.id) as update:
            return fetch_document(project.root, entry, settings=settings, client=client, force=force,
                                  pick=pick, accept_new=accept_new, progress=update, hosts=hosts,
                                  others={k: v for k, v in titles.items() if k != entry.id})

    try:
        with ThreadPoolExecutor(max_workers=max(1, settings.max_parallel)) as pool:
            futures = [pool.submit(one, e) for e in entries]
            for fut in as_completed(futures):
                result = fut.result()
                bars.done()
                report.results.append(result)
                if record and result.update:
                    update_documents(project.manifest_path, {result.doc_id: result.update})
                if on_result is not None:
                    on_result(result)
    finally:
        bars.close()
        if own:
            client.close()
    report.results.sort(key=lambda r: order.get(r.doc_id, 0))
    report.seconds = time.perf_counter() - t0
    return report
