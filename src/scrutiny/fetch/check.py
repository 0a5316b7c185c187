"""``scrutiny fetch --check``: what moved, without downloading.

For every document: does its ``url`` still answer, and with what (the file, an
HTML page, an error); where it redirects; does its landing page answer; and is
there a capture in the UK Government Web Archive or the Wayback Machine. Only
the answers' headers are read (the body of a file is never downloaded).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from scrutiny.fetch.archive import captures
from scrutiny.fetch.download import DownloadError, UnreachableHosts, new_client, open_url
from scrutiny.fetch.settings import FetchSettings
from scrutiny.names import shown


@dataclass
class Answer:
    url: str
    status: int | None = None          # HTTP status of the final answer
    final_url: str | None = None       # after redirects
    redirects: int = 0
    content_type: str | None = None
    size: int | None = None
    error: str | None = None           # when there was no answer

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400

    def describe(self) -> str:
        if self.error:
            return self.error
        what = f"HTTP {self.status}"
        if self.content_type:
            what += f" {self.content_type}"
        if self.size:
            what += f", {self.size / 1048576:.1f} MiB"
        if self.redirects:
            what += f", after {self.redirects} redirect(s) to {shown(self.final_url)}"
        return what


@dataclass
class CheckResult:
    doc_id: str
    url: Answer | None = None
    page: Answer | None = None
    archived: list[dict] = field(default_factory=list)   # {"archive", "capture", "url"} of the nearest captures
    archive_notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.url is None and self.page is None:
            return "no address"
        if self.url is not None and self.url.ok and not (self.url.content_type or "").startswith("text/html"):
            return "moved" if self.url.redirects else "ok"
        if self.url is not None and self.url.ok:
            return "landing page"
        if self.page is not None and self.page.ok:
            return "file gone, page answers"
        return "archived only" if self.archived else "gone"

    def lines(self) -> list[str]:
        out = [f"{self.doc_id}: {self.verdict}"]
        if self.url is not None:
            out.append(f"  url {shown(self.url.url)}: {self.url.describe()}")
        if self.page is not None:
            out.append(f"  page {shown(self.page.url)}: {self.page.describe()}")
        for a in self.archived:
            out.append(f"  archived: {a['name']}, capture of {a['capture'][:10]} <{shown(a['url'])}>")
        for note in self.archive_notes:
            out.append(f"  archives: {note}")
        return out

    def to_json(self) -> dict:
        d = asdict(self)
        d["verdict"] = self.verdict
        return d


def probe(client, url: str, settings: FetchSettings, hosts=None) -> Answer:
    """Ask for ``url`` and read only the answer's headers."""
    answer = Answer(url)
    deadline_at = time.monotonic() + max(settings.connect_timeout, settings.read_timeout) * 2
    try:
        response, chain = open_url(client, url, settings, deadline_at, {"Accept-Encoding": "identity"}, hosts)
    except DownloadError as exc:
        answer.error = exc.reason
        return answer
    try:
        answer.status = response.status_code
        answer.final_url = str(response.url)
        answer.redirects = len(chain)
        answer.content_type = response.headers.get("content-type", "").split(";")[0].strip().lower() or None
        length = response.headers.get("content-length", "")
        answer.size = int(length) if length.isdigit() else None
    finally:
        response.close()  # the body is never read
    return answer


def check_document(entry, *, settings: FetchSettings, client, hosts=None) -> CheckResult:
    result = CheckResult(entry.id)
    if entry.url:
        result.url = probe(client, entry.url, settings, hosts)
    if entry.page_url:
        result.page = probe(client, entry.page_url, settings, hosts)
    if settings.archives:
        notes: list = []
        for target in dict.fromkeys(u for u in (entry.url, entry.page_url) if u):
            for archive, found in captures(client, target, entry.date, settings, hosts, notes):
                if found:
                    c = found[0]
                    result.archived.append({"archive": archive, "name": c.name, "capture": c.when,
                                            "url": c.view_url, "of": target})
            if result.archived:
                break
        result.archive_notes = [f"{a}: {reason}" for a, reason in notes if reason != "no capture"]
    return result


def check_all(project, doc_ids=None, *, settings: FetchSettings | None = None, client=None) -> list[CheckResult]:
    from scrutiny.manifest import load_manifest

    manifest = load_manifest(project.manifest_path)
    settings = settings or FetchSettings.from_project(manifest=manifest)
    entries = [manifest.get(i) for i in (doc_ids or list(manifest.documents))]
    entries = [e for e in entries if e.url or e.page_url]
    hosts = UnreachableHosts()
    own = client is None
    client = client or new_client(settings)
    try:
        with ThreadPoolExecutor(max_workers=settings.max_parallel) as pool:
            return list(pool.map(lambda e: check_document(e, settings=settings, client=client, hosts=hosts),
                                 entries))
    finally:
        if own:
            client.close()
