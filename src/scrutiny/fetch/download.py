"""One robust download: the bytes of a URL into a temporary file beside its
destination, or a clear reason why not.

- an overall deadline per file and a minimum transfer rate (a trickling server
  is cut off), connect and read timeouts no longer than either;
- redirects followed by hand, at most ``max_redirects``, a loop named as such,
  never to a scheme other than http(s); the chain is recorded;
- a dropped connection resumes with ``Range`` (and ``If-Range``) when the
  server allows it, else starts again, at most ``retries`` times;
- the content type and the first bytes must fit what is expected (a PDF starts
  with ``%PDF-``); an HTML page where a file was expected is handed back as a
  ``GotPage`` so the caller can look for the file it links to;
- a size cap, checked against Content-Length and while streaming;
- the temporary ``.part`` file is removed on every failure: ``Downloaded.commit``
  renames it onto the destination, ``Downloaded.discard`` removes it.

``get_page`` reads a small text answer (a landing page, an API or archive
answer) under the same deadlines.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scrutiny.errors import FetchError
from scrutiny.fetch.settings import FetchSettings
from scrutiny.names import open_new, part_path, shown

# what a file extension says we should receive
EXPECTED_TYPES = {
    ".pdf": ("application/pdf", "application/x-pdf", "application/octet-stream", "binary/octet-stream",
             "application/download", "application/force-download"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "application/octet-stream", "binary/octet-stream", "application/zip"),
    ".html": ("text/html", "application/xhtml+xml"),
    ".htm": ("text/html", "application/xhtml+xml"),
    ".txt": ("text/plain",),
    ".md": ("text/markdown", "text/plain", "text/x-markdown"),
}
MAGIC = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04"}
HTML_TYPES = ("text/html", "application/xhtml+xml")


class DownloadError(FetchError):
    """A download that did not give the file. ``kind`` says why, for the caller
    to decide what to try next: gone (404/410), http (another status), connect,
    timeout, slow, deadline, redirects, scheme, cap, type, dropped."""

    def __init__(self, url: str, kind: str, reason: str, status: int | None = None):
        self.url, self.kind, self.reason, self.status = url, kind, reason, status
        super().__init__(f"{shown(url)}: {reason}")


class GotPage(DownloadError):
    """An HTML page where a file was expected: perhaps a landing page."""

    def __init__(self, url: str, final_url: str, html: str, what: str):
        super().__init__(url, "html", f"expected a {what} file but the server sent an HTML page")
        self.final_url = final_url
        self.html = html


@dataclass
class Downloaded:
    url: str                   # the address asked for
    final_url: str             # after redirects
    redirects: list[str]       # the addresses passed through, in order
    content_type: str
    size: int
    sha256: str
    part: Path
    resumed: int = 0           # how many times a dropped transfer was resumed
    restarted: int = 0         # how many times it had to start again from byte 0
    seconds: float = 0.0
    _done: bool = field(default=False, repr=False)

    def commit(self, dest: Path) -> None:
        """Move the downloaded bytes onto ``dest`` (atomic rename, same folder)."""
        with open(self.part, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(self.part, dest)
        self._done = True

    def discard(self) -> None:
        if not self._done:
            try:
                self.part.unlink()
            except FileNotFoundError:
                pass
            self._done = True


def new_client(settings: FetchSettings):
    import httpx

    return httpx.Client(
        timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
        follow_redirects=False,
        headers={"User-Agent": settings.user_agent},
        limits=httpx.Limits(max_connections=max(4, settings.max_parallel * 2),
                            max_keepalive_connections=settings.max_parallel),
        trust_env=settings.trust_env,
    )


class UnreachableHosts:
    """Hosts that refused a connection in this run: later requests to them fail
    at once with the same reason (an offline run does not knock on every door
    several times). Shared by the download threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._hosts: dict[str, str] = {}

    def check(self, url: str) -> None:
        host = urlsplit(url).netloc
        with self._lock:
            reason = self._hosts.get(host)
        if reason:
            raise DownloadError(url, "connect", f"{reason} (as earlier in this run)")

    def mark(self, url: str, reason: str) -> None:
        with self._lock:
            self._hosts.setdefault(urlsplit(url).netloc, reason)


def _why(exc) -> str:
    text = str(exc)
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "the name does not resolve: offline?"
    if "refused" in text.lower():
        return "connection refused"
    return text or type(exc).__name__


def _timeout(settings: FetchSettings, remaining: float):
    import httpx

    quiet = max(0.05, min(settings.read_timeout, settings.rate_window, remaining))
    return httpx.Timeout(quiet, connect=max(0.05, min(settings.connect_timeout, remaining)))


def _mib(n: float) -> str:
    return f"{n / 1048576:.1f} MiB"


def open_url(client, url: str, settings: FetchSettings, deadline_at: float, headers: dict,
          hosts: UnreachableHosts | None):
    """Send a GET, following redirects by hand. Returns (response, chain): the
    response is open (streaming) and must be closed by the caller."""
    import httpx

    chain: list[str] = []
    seen = {url}
    current = url
    while True:
        scheme = urlsplit(current).scheme.lower()
        if scheme not in ("http", "https"):
            where = f" (redirected from {shown(chain[-1])})" if chain else ""
            raise DownloadError(url, "scheme", f"not an http(s) address: {shown(current)}{where}")
        if hosts is not None:
            hosts.check(current)
        remaining = deadline_at - time.monotonic()
        if remaining <= 0:
            raise DownloadError(url, "deadline", f"no answer within the {settings.deadline:.0f} s deadline")
        try:
            request = client.build_request("GET", current, headers=headers, timeout=_timeout(settings, remaining))
            response = client.send(request, stream=True, follow_redirects=False)
        except httpx.ConnectTimeout:
            raise DownloadError(url, "connect", f"cannot connect to {urlsplit(current).netloc}: "
                                f"no answer in {settings.connect_timeout:.0f} s") from None
        except httpx.ConnectError as exc:
            reason = f"cannot connect to {urlsplit(current).netloc} ({_why(exc)})"
            if hosts is not None:
                hosts.mark(current, f"cannot connect to {urlsplit(current).netloc}")
            raise DownloadError(url, "connect", reason) from None
        except httpx.TimeoutException:
            raise DownloadError(url, "timeout", f"no answer in {settings.read_timeout:.0f} s") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise DownloadError(url, "scheme", f"not a usable address: {exc}") from None
        except httpx.HTTPError as exc:
            raise DownloadError(url, "connect", f"request failed: {type(exc).__name__}: {exc}") from None
        if not response.is_redirect:
            return response, chain
        response.close()
        nxt = response.next_request
        if nxt is None:
            raise DownloadError(url, "http", f"HTTP {response.status_code} redirect without a Location")
        target = str(nxt.url)
        chain.append(current)
        if target in seen:
            loop = " → ".join(shown(u) for u in [*chain, target])
            raise DownloadError(url, "redirects", f"redirects in a loop: {loop}")
        if len(chain) >= settings.max_redirects:
            raise DownloadError(url, "redirects", f"more than {settings.max_redirects} redirects "
                                f"(last: {shown(target)})")
        seen.add(target)
        current = target


def get_page(client, url: str, settings: FetchSettings, *, hosts: UnreachableHosts | None = None,
             accept: str = "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.5"):
    """A small text answer: returns (final_url, status, content_type, text).
    4xx/5xx answers are returned (the caller decides); transport failures raise
    DownloadError."""
    import httpx

    deadline_at = time.monotonic() + min(settings.deadline, max(settings.rate_window, settings.read_timeout) * 2)
    response, chain = open_url(client, url, settings, deadline_at, {"Accept": accept}, hosts)
    try:
        ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
        body = bytearray()
        try:
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > settings.max_page_bytes:
                    raise DownloadError(url, "cap", f"the page is over the {_mib(settings.max_page_bytes)} cap "
                                        "for pages")
                if time.monotonic() > deadline_at:
                    raise DownloadError(url, "deadline", "the page did not arrive in time")
        except httpx.TimeoutException:
            raise DownloadError(url, "timeout", "the page stopped arriving") from None
        except httpx.HTTPError as exc:
            raise DownloadError(url, "dropped", f"the connection broke: {type(exc).__name__}") from None
        encoding = response.charset_encoding or "utf-8"
        try:
            text = bytes(body).decode(encoding, errors="replace")
        except LookupError:
            text = bytes(body).decode("utf-8", errors="replace")
        return str(response.url), response.status_code, ctype, text
    finally:
        response.close()


def download(client, url: str, dest: Path, *, settings: FetchSettings, progress=None,
             hosts: UnreachableHosts | None = None) -> Downloaded:
    """Download ``url`` for ``dest`` (whose extension says what to expect) into a
    temporary file beside it. Returns a Downloaded to commit or discard; on any
    failure the temporary file is gone and DownloadError says why.

    ``progress(done_bytes, total_bytes_or_None)`` is called as bytes arrive.
    """
    import httpx

    dest = Path(dest)
    ext = dest.suffix.lower()
    what = ext[1:].upper() or "file"
    expected = EXPECTED_TYPES.get(ext)
    magic = MAGIC.get(ext)
    started = time.monotonic()
    deadline_at = started + settings.deadline
    part = part_path(dest, tag=f"{os.getpid()}-{threading.get_ident() % 100000}")
    h = hashlib.sha256()
    size = 0
    total: int | None = None
    validator: str | None = None
    first = b""
    checked = as_page = False
    final_url, chain, ctype = url, [], ""
    resumed = restarted = attempts = 0
    ok = False
    fh = None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fh = open_new(part)  # never through a planted symlink
        while True:
            headers = {"Accept-Encoding": "identity"}
            if size:
                headers["Range"] = f"bytes={size}-"
                if validator:
                    headers["If-Range"] = validator
            response, hops = open_url(client, url, settings, deadline_at, headers, hosts)
            try:
                status = response.status_code
                if attempts == 0:
                    chain, final_url = hops, str(response.url)
                if status >= 400:
                    kind = "gone" if status in (404, 410) else "http"
                    raise DownloadError(url, kind, f"the server answered HTTP {status}", status=status)
                rtype = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if size and status == 206:
                    start = _range_start(response.headers.get("content-range", ""))
                    if start != size:
                        raise DownloadError(url, "dropped", "the server resumed at the wrong place "
                                            f"(byte {start}, not {size})")
                    resumed += 1
                elif size:
                    # the server ignored Range (or the file changed): start again
                    fh.seek(0)
                    fh.truncate()
                    h = hashlib.sha256()
                    size, first, checked, as_page = 0, b"", False, False
                    restarted += 1
                if not size:
                    ctype = rtype
                    if rtype in HTML_TYPES and ext not in (".html", ".htm"):
                        raise GotPage(url, str(response.url), _read_page(response, settings), what)
                    if expected and rtype and rtype not in expected:
                        raise DownloadError(url, "type", f"expected a {what} file but the server sent {rtype!r}")
                    length = response.headers.get("content-length", "")
                    total = int(length) if length.isdigit() else None
                    if total is not None and total > settings.max_bytes:
                        raise DownloadError(url, "cap", f"{_mib(total)} is over the {_mib(settings.max_bytes)} cap")
                    validator = response.headers.get("etag") or response.headers.get("last-modified")
                    if (validator or "").startswith("W/"):
                        validator = None  # a weak validator cannot guard a byte range
                window_t, window_size = time.monotonic(), size
                try:
                    for chunk in response.iter_raw():  # as it arrives: no buffering up to a chunk size
                        if not chunk:
                            continue
                        size += len(chunk)
                        if size > settings.max_bytes:
                            raise DownloadError(url, "cap", f"the download passed the {_mib(settings.max_bytes)} cap")
                        h.update(chunk)
                        fh.write(chunk)
                        if magic and not checked:
                            first += chunk[:SNIFF - len(first)]
                            checked = _check_magic(url, first, magic, what)
                            as_page = checked == "page"
                        if as_page and size >= settings.max_page_bytes:
                            break  # enough of the page to look for links
                        if progress:
                            progress(size, total)
                        now = time.monotonic()
                        if now > deadline_at:
                            raise DownloadError(url, "deadline", f"not finished within the {settings.deadline:.0f} s "
                                                f"deadline ({_mib(size)} received)")
                        if now - window_t >= settings.rate_window:
                            rate = (size - window_size) / (now - window_t)
                            if rate < settings.min_rate:
                                raise DownloadError(url, "slow", f"too slow: {rate:.0f} bytes/s over "
                                                    f"{now - window_t:.1f} s (the minimum is "
                                                    f"{settings.min_rate:.0f} bytes/s)")
                            window_t, window_size = now, size
                except (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout):
                    raise DownloadError(url, "slow", f"too slow: no data for {_timeout(settings, 1e9).read:g} s "
                                        f"({_mib(size)} received)") from None
                except (httpx.RemoteProtocolError, httpx.ReadError, httpx.NetworkError) as exc:
                    attempts += 1
                    if attempts > settings.retries or time.monotonic() > deadline_at:
                        raise DownloadError(url, "dropped", f"the connection broke {attempts} times "
                                            f"({type(exc).__name__}); gave up") from None
                    continue
                if as_page:
                    fh.flush()
                    with open(part, "rb") as again:
                        html = again.read(settings.max_page_bytes)
                    raise GotPage(url, str(response.url), _decode(html, response), what)
                if magic and not checked:
                    raise DownloadError(url, "type", f"expected a {what} file but received only {size} bytes")
                if total is not None and size < total and status != 206:
                    attempts += 1
                    if attempts > settings.retries:
                        raise DownloadError(url, "dropped", f"the transfer stopped at {size} of {total} bytes")
                    continue
                break
            finally:
                response.close()
        if size == 0:
            raise DownloadError(url, "type", "the server sent an empty file")
        fh.close()
        ok = True
        return Downloaded(url=url, final_url=final_url, redirects=chain, content_type=ctype, size=size,
                          sha256=h.hexdigest(), part=part, resumed=resumed, restarted=restarted,
                          seconds=time.monotonic() - started)
    finally:
        if fh is not None and not fh.closed:
            fh.close()
        if not ok:
            try:
                part.unlink()
            except FileNotFoundError:
                pass


def _range_start(content_range: str) -> int | None:
    # "bytes 200-999/1000"
    try:
        unit, _, rest = content_range.partition(" ")
        return int(rest.split("-", 1)[0]) if unit.strip().lower() == "bytes" else None
    except ValueError:
        return None


SNIFF = 64  # bytes looked at to tell a file from an HTML page


def _check_magic(url, first: bytes, magic: bytes, what: str):
    """True when ``first`` starts like the expected file; False when more bytes
    are needed to tell; "page" for an HTML page; raises for anything else."""
    if first.startswith(magic):
        return True
    if len(first) < len(magic) and magic.startswith(first):
        return False
    stripped = first.lstrip()
    if not stripped and len(first) < SNIFF:
        return False
    if stripped[:1] == b"<":
        return "page"
    raise DownloadError(url, "type", f"expected a {what} file but received something else "
                        f"(it starts with {first[:8]!r})")


def _decode(body: bytes, response) -> str:
    try:
        return body.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _read_page(response, settings: FetchSettings) -> str:
    """The HTML of a page received where a file was expected (capped), for the
    caller to look for links in."""
    import httpx

    body = bytearray()
    try:
        for chunk in response.iter_raw():
            body += chunk
            if len(body) >= settings.max_page_bytes:
                break
    except httpx.HTTPError:
        pass  # a partial page is still worth reading for links
    return _decode(bytes(body), response)
