"""Fetch one manifest document, trying in turn:

1. its local ``mirrors`` (inside the project, or in a folder the user trusts
   with ``--mirror-dir`` / ``SCRUTINY_MIRROR_DIRS``);
2. its ``url``: the file itself, or a landing page (a GOV.UK page goes
   straight to the Content API; an HTML page received where a file was
   expected is read for links);
3. its landing page (``page_url``, or ``url`` when that was a page): the file
   that best matches the title;
4. the archives (UK Government Web Archive, then the Wayback Machine) for the
   file's address, nearest capture to the document's date first, then for the
   landing page's captures and the file they link to.

A ``sha256`` pinned in the manifest must match: a different live file is
refused (the archives may still hold the pinned one) unless ``accept_new``.
Nothing is overwritten without keeping the old file as a dated version.
The result says what was tried, what came of each try, and where to put the
file by hand.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from scrutiny.errors import ProjectError
from scrutiny.fetch import landing
from scrutiny.fetch.archive import ARCHIVES, captures
from scrutiny.fetch.download import DownloadError, GotPage, UnreachableHosts, download, get_page, new_client
from scrutiny.fetch.provenance import Provenance, now_iso
from scrutiny.fetch.settings import FetchSettings
from scrutiny.manifest import DocumentEntry
from scrutiny.names import copy_new, part_path, safe_file_name, shown
from scrutiny.paths import check_inside, confined_source, is_inside, lexical_problem, source_path_rel

FAILED = ("missing", "failed", "refused", "ambiguous")
FILE_EXTS = (".pdf", ".docx", ".doc", ".txt", ".md", ".html", ".htm", ".odt", ".rtf")


@dataclass
class Attempt:
    what: str          # the address or archive tried
    outcome: str       # what came of it

    def line(self) -> str:
        return f"{self.what}: {self.outcome}"


@dataclass
class FetchResult:
    doc_id: str
    status: str        # downloaded | copied | present | missing | failed | refused | ambiguous
    path: Path | None
    message: str = ""
    sha256: str | None = None
    provenance: Provenance | None = None
    attempts: list[Attempt] = field(default_factory=list)
    candidates: list = field(default_factory=list)     # landing.Candidate, for an ambiguous page
    update: dict = field(default_factory=dict)         # manifest fields to record

    @property
    def ok(self) -> bool:
        return self.status not in FAILED

    hint: str = ""     # the short conclusion of a failure (what to do), for a terminal

    def lines(self) -> list[str]:
        """For a terminal: the summary, then one indented line per try."""
        first = self.hint or (self.message.splitlines()[0] if self.message else "")
        out = [f"{self.doc_id}: {self.status}: {first}".rstrip(": ")]
        if not self.ok and self.attempts:
            out += [f"  tried {a.line()}" for a in self.attempts]
        out += [f"  {line}" for line in self.message.splitlines()[1:]]
        return out

    def to_json(self) -> dict:
        return {
            "id": self.doc_id, "status": self.status, "path": str(self.path) if self.path else None,
            "message": self.message, "sha256": self.sha256,
            "retrieved": self.provenance.to_manifest() if self.provenance else None,
            "tried": [{"what": a.what, "outcome": a.outcome} for a in self.attempts],
            "candidates": [{"n": i, "url": c.url, "label": c.label, "score": round(c.score, 3)}
                           for i, c in enumerate(self.candidates, 1)],
        }


def sha256_file(path, chunk: int = 1 << 20) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def fetch_document(root, entry: DocumentEntry, *, settings: FetchSettings | None = None, client=None,
                   force: bool = False, pick: int | None = None, accept_new: bool = False,
                   progress=None, hosts: UnreachableHosts | None = None,
                   max_bytes: int | None = None, others: dict[str, str] | None = None) -> FetchResult:
    """Fetch one manifest document into its source path. Never raises for a
    network or content problem: the result's status and message say it.
    ``others`` ({id: title} of the manifest's other documents) keeps a landing
    page's link to one of them from being taken for this one."""
    root = Path(root) if isinstance(root, (str, os.PathLike)) else Path(root.root)  # a Project too
    settings = (settings or FetchSettings()).with_(max_bytes=max_bytes)
    try:
        dest = confined_source(root, entry)
    except ProjectError as exc:
        return FetchResult(entry.id, "refused", None, str(exc))
    rel = shown(source_path_rel(root, dest))
    if (dest.exists() or dest.is_symlink()) and not force:
        if dest.is_file():
            return FetchResult(entry.id, "present", dest, "already present", sha256_file(dest))
        return FetchResult(entry.id, "refused", None, f"{rel} exists but is not a file: refused")
    own = client is None
    client = client or new_client(settings)
    try:
        return _Fetch(root, entry, dest, rel, settings, client, hosts or UnreachableHosts(),
                      progress, accept_new, pick, others or {}).run()
    finally:
        if own:
            client.close()


def _unwrap(url: str) -> str:
    """The original address inside an archive's replay address, else ``url``."""
    m = re.search(r"/\d{14}(?:[a-z]{2}_)?/(https?:/{1,2}.*)$", url)
    if not m:
        return url
    original = m.group(1)
    return re.sub(r"^(https?:)/(?!/)", r"\1//", original)


def _looks_like_file(url: str) -> bool:
    return Path(urlsplit(url).path).suffix.lower() in FILE_EXTS


class _Fetch:
    def __init__(self, root, entry, dest, rel, settings, client, hosts, progress, accept_new, pick, others):
        self.root, self.entry, self.dest, self.rel = root, entry, dest, rel
        self.settings, self.client, self.hosts, self.progress = settings, client, hosts, progress
        self.accept_new, self.pick, self.others = accept_new, pick, others
        self.pinned = None if accept_new else entry.sha256
        self.attempts: list[Attempt] = []
        self.tried: set[str] = set()     # addresses downloaded from
        self.asked: set[str] = set()     # addresses the archives were asked about
        self.mismatch: list[str] = []
        # the kind of file a landing page must offer: the source's own (a .txt or
        # .html source cannot come from a page's PDF links)
        self.want = (dest.suffix.lower(),) if dest.suffix.lower() in landing.FILE_TYPES else ()

    # --- the plan ---------------------------------------------------------------------
    def run(self) -> FetchResult:
        entry = self.entry
        for mirror in entry.mirrors:
            result = self.from_mirror(mirror)
            if result is not None:
                return result
        if not entry.url and not entry.page_url:
            how = "no URL in the manifest" + (" and no usable mirror" if entry.mirrors else "")
            return self.result("missing", f"{how}; put the file by hand at {self.rel}")
        page = page_html = None
        url_was_page = False
        if self.pick is not None and entry.page_url:
            page = entry.page_url  # the user chooses among the landing page's files
        elif entry.url:
            if urlsplit(entry.url).scheme.lower() not in ("http", "https"):
                return self.result("refused", f"url {shown(entry.url)} is not an http(s) address: refused; "
                                   f"put the file by hand at {self.rel}")
            if landing.govuk_path(entry.url, self.settings.govuk_url) and not _looks_like_file(entry.url):
                page, url_was_page = entry.url, True
            else:
                got = self.try_file(entry.url, "live")
                if isinstance(got, FetchResult):
                    got.update["url_checked"] = True
                    return got
                if isinstance(got, GotPage):
                    page, page_html, url_was_page = entry.url, (got.final_url, got.html), True
        if page is None and entry.page_url:
            page = entry.page_url
        chosen = None
        if page is not None:
            resolution = self.resolve(page, page_html)
            if resolution is not None and self.pick is not None:
                try:
                    resolution = landing.pick(resolution, self.pick)
                except ValueError as exc:
                    return self.result("refused", str(exc), candidates=resolution.candidates)
            if resolution is not None and resolution.ambiguous:
                return self.result(
                    "ambiguous",
                    f"the landing page {shown(page)} offers several files and {resolution.reason}; "
                    f"choose one with `scrutiny fetch {entry.id} --pick N`:\n{resolution.listing()}",
                    candidates=resolution.candidates)
            if resolution is not None and resolution.chosen is not None:
                chosen = resolution.chosen.url
                if chosen not in self.tried:
                    got = self.try_file(chosen, "live", page_url=page)
                    if isinstance(got, FetchResult):
                        got.update.update({"url": chosen, "url_checked": True})
                        if url_was_page or not entry.page_url:
                            got.update["page_url"] = page
                        moved = "" if url_was_page or not entry.url else f" (moved from {shown(entry.url)})"
                        got.message = f"{resolution.reason}; {got.message}{moved}"
                        return got
        elif self.pick is not None:
            return self.result("refused", "--pick chooses among a landing page's files, and this document "
                               "has no landing page (no page_url, and its url is a file)")
        if self.settings.archives:
            # the file's address, the file the page pointed to, then the page itself
            # (a captured page is read for the file it linked to)
            for target in dict.fromkeys(u for u in (entry.url, chosen, page) if u):
                result = self.from_archives(target, page_url=page)
                if result is not None:
                    return result
        return self.failed()

    # --- the pieces -------------------------------------------------------------------
    def from_mirror(self, mirror: str) -> FetchResult | None:
        shown_m = shown(mirror)
        path = Path(mirror).expanduser()
        path = path if path.is_absolute() else self.root / path
        trusted = [d for d in self.settings.mirror_dirs if is_inside(path, d)]
        if lexical_problem(mirror) is not None or not is_inside(path, self.root):
            if not trusted:
                self.attempts.append(Attempt(
                    f"mirror {shown_m}", "outside the project: refused (a manifest may only name mirrors "
                    "inside the project; to use a folder outside it, pass --mirror-dir DIR or set "
                    "SCRUTINY_MIRROR_DIRS)"))
                return None
        if not path.is_file():
            self.attempts.append(Attempt(f"mirror {shown_m}", "not there"))
            return None
        tmp = part_path(self.dest, tag=str(os.getpid()))
        try:
            self.dest.parent.mkdir(parents=True, exist_ok=True)
            copy_new(path, tmp)
            sha = sha256_file(tmp)
            if self.pinned and sha != self.pinned:
                self.mismatch.append(f"mirror {shown_m}")
                self.attempts.append(Attempt(f"mirror {shown_m}", f"a different file (sha256 {sha[:12]}…, "
                                             f"the manifest pins {self.pinned[:12]}…)"))
                return None
            old = self.keep_old(sha)
            os.replace(tmp, self.dest)
        except OSError as exc:
            self.attempts.append(Attempt(f"mirror {shown_m}", f"cannot copy: {exc.strerror}"))
            return None
        except ProjectError as exc:
            self.attempts.append(Attempt(f"mirror {shown_m}", str(exc)))
            return None
        finally:
            if tmp.exists():
                tmp.unlink()
        prov = Provenance("mirror", mirror=mirror, size=self.dest.stat().st_size, at=now_iso(), sha256=sha)
        return self.done("copied", f"copied from {shown_m}", sha, prov, old)

    def try_file(self, url: str, source: str, *, page_url: str | None = None, capture=None):
        """Download ``url``; a FetchResult on success, the GotPage when it was an
        HTML page, None otherwise (the reason is in the attempts)."""
        what = shown(capture.view_url) if capture else shown(url)
        self.tried.add(url)
        try:
            got = download(self.client, url, self.dest, settings=self.settings, progress=self.progress,
                           hosts=self.hosts)
        except GotPage as exc:
            self.attempts.append(Attempt(what, exc.reason))
            return exc
        except DownloadError as exc:
            self.attempts.append(Attempt(what, exc.reason))
            return None
        try:
            if self.pinned and got.sha256 != self.pinned:
                self.mismatch.append(what)
                self.attempts.append(Attempt(what, f"a different file (sha256 {got.sha256[:12]}…, the manifest "
                                                   f"pins {self.pinned[:12]}…)"))
                return None
            old = self.keep_old(got.sha256)
            got.commit(self.dest)
        except OSError as exc:
            self.attempts.append(Attempt(what, f"cannot write {self.rel}: {exc.strerror}"))
            return None
        except ProjectError as exc:
            self.attempts.append(Attempt(what, str(exc)))
            return None
        finally:
            got.discard()
        prov = Provenance(
            source, url=capture.original if capture else url, page_url=page_url,
            final_url=None if capture else (got.final_url if got.final_url != url else None),
            archive_url=capture.view_url if capture else None, capture=capture.when if capture else None,
            content_type=got.content_type or None, size=got.size, at=now_iso(), sha256=got.sha256)
        extra = []
        if got.redirects:
            extra.append(f"after {len(got.redirects)} redirect(s) to {shown(got.final_url)}")
        if got.resumed:
            extra.append(f"resumed {got.resumed} time(s)")
        if capture:
            msg = f"retrieved from {capture.name}, capture of {capture.day} ({what})"
        else:
            msg = f"downloaded from {what}"
        if extra:
            msg += f" ({'; '.join(extra)})"
        return self.done("downloaded", msg, got.sha256, prov, old)

    def keep_old(self, new_sha: str) -> str | None:
        """Before replacing a different existing file, keep it as a dated version."""
        if not self.dest.is_file() or self.dest.is_symlink():
            return None
        old_sha = sha256_file(self.dest)
        if old_sha == new_sha:
            return None
        retrieved = self.entry.extra.get("retrieved") or {}
        stamp = str(retrieved.get("at") or "")[:10] if isinstance(retrieved, dict) else ""
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", stamp):
            stamp = datetime.fromtimestamp(self.dest.stat().st_mtime, timezone.utc).strftime("%Y-%m-%d")
        folder = self.dest.parent / "versions"
        target = folder / safe_file_name(f"{self.dest.stem}.{stamp}.{old_sha[:8]}{self.dest.suffix}")
        check_inside(self.root, target, "the old version's place")
        folder.mkdir(exist_ok=True)
        if target.is_symlink() or not target.is_file() or sha256_file(target) != old_sha:
            tmp = part_path(target, tag=str(os.getpid()))
            try:
                copy_new(self.dest, tmp)
                os.replace(tmp, target)
            finally:
                if tmp.exists():
                    tmp.unlink()
        return source_path_rel(self.root, target)

    def done(self, status: str, message: str, sha: str, prov: Provenance, old: str | None) -> FetchResult:
        # a local mirror copy is not a retrieval worth recording (and re-copying it on
        # every fresh checkout must not rewrite the manifest): only its sha256 is kept
        update = {"retrieved": prov.to_manifest()} if prov.source != "mirror" else {}
        if sha != self.entry.sha256:
            update["sha256"] = sha
        if old:
            versions = [v for v in self.entry.extra.get("old_versions") or [] if v != old]
            update["old_versions"] = [*versions, old]
            message += f"; the previous file is kept as {shown(old)}"
        return FetchResult(self.entry.id, status, self.dest, message, sha, prov, list(self.attempts), update=update)

    def resolve(self, page: str, page_html: tuple[str, str] | None):
        """The landing page's candidates, ranked; None when the page cannot be read."""
        entry, settings = self.entry, self.settings
        api = landing.govuk_api_url(page, settings.govuk_url)
        found = []
        if api:
            try:
                final, status, ctype, text = get_page(self.client, api, settings, hosts=self.hosts,
                                                      accept="application/json")
                if status < 400:
                    found = landing.from_govuk_api(text, final)
                    if not found:
                        self.attempts.append(Attempt(f"GOV.UK Content API {shown(api)}", "lists no attachment"))
                else:
                    self.attempts.append(Attempt(f"GOV.UK Content API {shown(api)}", f"HTTP {status}"))
            except DownloadError as exc:
                self.attempts.append(Attempt(f"GOV.UK Content API {shown(api)}", exc.reason))
        if not found:
            if page_html is None:
                try:
                    final, status, ctype, text = get_page(self.client, page, settings, hosts=self.hosts)
                except DownloadError as exc:
                    self.attempts.append(Attempt(f"landing page {shown(page)}", exc.reason))
                    return None
                if status >= 400:
                    self.attempts.append(Attempt(f"landing page {shown(page)}", f"the server answered HTTP {status}"))
                    return None
                page_html = (final, text)
            found = landing.file_links(page_html[1], page_html[0])
        resolution = landing.rank(found, entry.title, entry.short_title, self.want, page_url=page,
                                  others=self.others)
        if resolution.chosen is None and not resolution.ambiguous:
            self.attempts.append(Attempt(f"landing page {shown(page)}", resolution.reason))
        return resolution

    def from_archives(self, target: str, page_url: str | None = None, depth: int = 0) -> FetchResult | None:
        """Captures of ``target``, nearest to the document's date first. A capture
        that is an HTML page (a landing page) is read for the file it linked to."""
        if target in self.asked:
            return None
        self.asked.add(target)
        notes: list = []
        for archive, found in captures(self.client, target, self.entry.date, self.settings, self.hosts, notes):
            for cap in found[:self.settings.archive_tries]:
                got = self.try_file(cap.raw_url, archive, capture=cap, page_url=page_url)
                if isinstance(got, FetchResult):
                    return got
                if isinstance(got, GotPage) and depth == 0:
                    result = self.from_archived_page(cap, got.html)
                    if result is not None:
                        return result
        for archive, reason in notes:
            self.attempts.append(Attempt(f"{ARCHIVES[archive]} for {shown(target)}", reason))
        return None

    def from_archived_page(self, cap, html: str) -> FetchResult | None:
        """An archived landing page: the file it linked to, live or archived."""
        links = landing.file_links(html, cap.original)
        for c in links:
            c.url = _unwrap(c.url)
        resolution = landing.rank(links, self.entry.title, self.entry.short_title, self.want,
                                  page_url=cap.original, others=self.others)
        if resolution.chosen is None:
            self.attempts.append(Attempt(f"{shown(cap.view_url)} (as archived)", resolution.reason))
            return None
        url = resolution.chosen.url
        if url not in self.tried:
            got = self.try_file(url, "live", page_url=cap.original)
            if isinstance(got, FetchResult):
                got.update["url"] = url
                return got
        return self.from_archives(url, page_url=cap.original, depth=1)

    def result(self, status: str, message: str, candidates=None) -> FetchResult:
        return FetchResult(self.entry.id, status, None, message, attempts=list(self.attempts),
                           candidates=list(candidates or []))

    def failed(self) -> FetchResult:
        by_hand = f"put the file by hand at {self.rel}"
        if self.mismatch:
            return self.result(
                "refused",
                f"the file has changed: every copy found differs from the sha256 pinned in the manifest "
                f"({self.pinned[:12]}…), so nothing was overwritten; to take the new file run "
                f"`scrutiny fetch {self.entry.id} --force --accept-new` (the old one is kept as a dated "
                f"version), or {by_hand}")
        tried = "; ".join(a.line() for a in self.attempts) or "nothing to try"
        result = self.result("failed", f"{tried}; {by_hand}")
        result.hint = f"no copy found; {by_hand}"
        return result
