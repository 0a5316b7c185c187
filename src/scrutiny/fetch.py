"""Download manifest documents into ``corpus/sources/``.

Every download has connect and read timeouts, a size cap (checked against
Content-Length before reading and while streaming), a content-type check (a
login page or landing page served instead of a PDF is refused), and its
sha256 is recorded in the manifest. Files land atomically. When the network
is out of reach, each document gets one line saying where to put it by hand.
A manifest entry may list local ``mirrors`` (paths relative to the root) that
are copied when present.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from scrutiny.errors import FetchError
from scrutiny.manifest import DocumentEntry

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0

# what a file extension says we should receive
EXPECTED_TYPES = {
    ".pdf": ("application/pdf", "application/x-pdf", "application/octet-stream", "binary/octet-stream"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "application/octet-stream", "application/zip"),
    ".html": ("text/html", "application/xhtml+xml"),
    ".htm": ("text/html", "application/xhtml+xml"),
    ".txt": ("text/plain",),
    ".md": ("text/markdown", "text/plain", "text/x-markdown"),
}
MAGIC = {".pdf": b"%PDF-", ".docx": b"PK"}


@dataclass
class FetchResult:
    doc_id: str
    status: str          # "downloaded" | "copied" | "present" | "missing" | "failed"
    path: Path | None
    message: str = ""
    sha256: str | None = None


def source_name(entry: DocumentEntry) -> str:
    """The file name a document's source has (or will have) in corpus/sources/."""
    if entry.source:
        return entry.source
    ext = Path(urlparse(entry.url or "").path).suffix.lower() or ".pdf"
    return f"{entry.id}{ext}"


def source_path(root: Path, entry: DocumentEntry) -> Path:
    name = source_name(entry)
    return (root / name) if "/" in name else (root / "corpus" / "sources" / name)


def sha256_file(path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def fetch_document(root: Path, entry: DocumentEntry, *, force: bool = False,
                   max_bytes: int = DEFAULT_MAX_BYTES, client=None, progress: bool = False) -> FetchResult:
    dest = source_path(root, entry)
    by_hand = f"put the file by hand at {dest.relative_to(root) if dest.is_relative_to(root) else dest}"
    if dest.exists() and not force:
        return FetchResult(entry.id, "present", dest, "already present", sha256_file(dest))
    for mirror in entry.extra.get("mirrors", []) or []:
        mpath = (root / mirror).resolve()
        if mpath.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".{dest.name}.part")
            shutil.copyfile(mpath, tmp)
            tmp.replace(dest)
            return FetchResult(entry.id, "copied", dest, f"copied from {mirror}", sha256_file(dest))
    if not entry.url:
        return FetchResult(entry.id, "missing", None, f"no URL in the manifest; {by_hand}")
    try:
        sha = _download(entry.url, dest, max_bytes=max_bytes, client=client, progress=progress)
    except FetchError as exc:
        return FetchResult(entry.id, "failed", None, f"{exc}; {by_hand}")
    return FetchResult(entry.id, "downloaded", dest, f"downloaded from {entry.url}", sha)


def _download(url: str, dest: Path, *, max_bytes: int, client=None, progress: bool = False) -> str:
    import httpx

    ext = dest.suffix.lower()
    own_client = client is None
    if own_client:
        client = httpx.Client(
            timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
            follow_redirects=True,
            headers={"User-Agent": "scrutiny/0.1 (+policy document research tool)"},
        )
    tmp = dest.with_name(f".{dest.name}.part")
    try:
        with client.stream("GET", url) as resp:
            if resp.status_code >= 400:
                raise FetchError(f"{url}: the server answered HTTP {resp.status_code}")
            ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
            expected = EXPECTED_TYPES.get(ext)
            if expected and ctype and ctype not in expected:
                what = "an HTML page" if "html" in ctype else f"{ctype!r}"
                raise FetchError(
                    f"{url}: expected a {ext[1:].upper()} file but the server sent {what} "
                    "(a landing page, cookie wall or login page?)"
                )
            length = resp.headers.get("content-length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"{url}: {int(length) / 1048576:.1f} MiB is over the {max_bytes / 1048576:.0f} MiB cap")
            dest.parent.mkdir(parents=True, exist_ok=True)
            h = hashlib.sha256()
            size = 0
            bar = None
            if progress:
                from tqdm import tqdm

                bar = tqdm(total=int(length) if length and length.isdigit() else None,
                           unit="B", unit_scale=True, desc=dest.name, leave=False)
            first = b""
            with open(tmp, "wb") as fh:
                for chunk in resp.iter_bytes(1 << 16):
                    if not first:
                        first = chunk[:16]
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"{url}: the download passed the {max_bytes / 1048576:.0f} MiB cap")
                    h.update(chunk)
                    fh.write(chunk)
                    if bar:
                        bar.update(len(chunk))
            if bar:
                bar.close()
            magic = MAGIC.get(ext)
            if magic and not first.lstrip().startswith(magic):
                kind = "an HTML page" if first.lstrip()[:1] == b"<" else "something else"
                raise FetchError(f"{url}: expected a {ext[1:].upper()} file but received {kind}")
            tmp.replace(dest)
            return h.hexdigest()
    except httpx.TimeoutException:
        raise FetchError(f"{url}: timed out (connect {CONNECT_TIMEOUT:.0f}s / read {READ_TIMEOUT:.0f}s)") from None
    except httpx.ConnectError as exc:
        raise FetchError(f"{url}: cannot connect (offline, or the host is unreachable: {exc})") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: download failed: {type(exc).__name__}: {exc}") from None
    finally:
        if tmp.exists():
            tmp.unlink()
        if own_client:
            client.close()
