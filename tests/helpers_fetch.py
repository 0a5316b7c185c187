"""A local imitation of the publishers and the web archives, on 127.0.0.1.

One HTTP server plays every host: GOV.UK under ``/govuk`` (pages and the Content
API), a think tank under ``/ippr``, an NHS body under ``/nhse``, the UK
Government Web Archive under ``/ukgwa`` and the Wayback Machine under
``/wayback`` (availability answer, CDX index and raw ``id_`` captures). The
page shapes are our own, written for these tests; every file is our own tiny
PDF. Routes are set per test with ``web.route(path, ...)``.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from scrutiny.fetch import FetchSettings


def pdf(label: str, size: int = 0) -> bytes:
    """A small file that starts like a PDF, with our own label in it."""
    body = f"%PDF-1.4\n% scrutiny test file: {label}\n".encode()
    if size > len(body):
        body += b"0" * (size - len(body) - 6)
    return body + b"\n%%EOF\n"


class Route:
    def __init__(self, status=200, ctype="application/pdf", body=b"", headers=None, handler=None):
        self.status, self.ctype, self.body = status, ctype, body
        self.headers = headers or {}
        self.handler = handler
        self.hits = 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        web: Web = self.server.web
        parts = urlsplit(self.path)
        web.log.append((self.command, self.path, dict(self.headers)))
        route = web.routes.get(self.path) or web.routes.get(parts.path)
        if route is None:
            for prefix, r in web.prefixes:
                if self.path.startswith(prefix):
                    route = r
                    break
        if route is None:
            return self.send(404, "text/html; charset=utf-8", b"<html><body>Not found</body></html>")
        route.hits += 1
        if route.handler is not None:
            return route.handler(self, parse_qs(parts.query))
        return self.send(route.status, route.ctype, route.body, route.headers)

    def send(self, status, ctype, body: bytes, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def redirect(self, location, status=302):
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)
        # a client that hangs up early (as fetch does on purpose) is no error


class Web:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.prefixes: list[tuple[str, Route]] = []
        self.log: list = []
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.web = self
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, body: bytes = b"", ctype: str = "application/pdf", status: int = 200,
              headers=None, handler=None, prefix: bool = False) -> Route:
        r = Route(status, ctype, body, headers, handler)
        if prefix:
            self.prefixes.append((path, r))
        else:
            self.routes[path] = r
        return r

    def page(self, path: str, html: str) -> Route:
        return self.route(path, html.encode(), "text/html; charset=utf-8")

    def json(self, path: str, data) -> Route:
        return self.route(path, json.dumps(data).encode(), "application/json")

    def requested(self, fragment: str) -> int:
        return sum(1 for _, p, _ in self.log if fragment in p)

    def reset(self):
        self.routes.clear()
        self.prefixes.clear()
        self.log.clear()
        self._captures.clear()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- the archives ----------------------------------------------------------------
    def settings(self, **changes) -> FetchSettings:
        """Settings that send every service to this server, with short deadlines."""
        base = dict(govuk_url=self.url("/govuk"), ukgwa_url=self.url("/ukgwa"),
                    wayback_url=self.url("/wayback"), wayback_api_url=self.url("/wayback-api"),
                    connect_timeout=2.0, read_timeout=2.0, deadline=5.0, min_rate=200.0,
                    rate_window=1.0, trust_env=False)
        base.update(changes)
        return FetchSettings().with_(**base)

    def ukgwa_capture(self, original: str, timestamp: str, body: bytes, ctype="application/pdf"):
        """The UK Government Web Archive holds ``body`` as ``original`` at ``timestamp``."""
        caps = self._captures.setdefault(("ukgwa", original), [])
        caps.append(timestamp)
        self.route(f"/ukgwa/{timestamp}id_/{original}", body, ctype)
        self._serve_cdx("ukgwa")

    def wayback_capture(self, original: str, timestamp: str, body: bytes, ctype="application/pdf"):
        caps = self._captures.setdefault(("wayback", original), [])
        caps.append(timestamp)
        self.route(f"/wayback/web/{timestamp}id_/{original}", body, ctype)
        self._serve_cdx("wayback")

    @property
    def _captures(self) -> dict:
        if not hasattr(self, "_caps"):
            self._caps = {}
        return self._caps

    def _serve_cdx(self, archive: str):
        web = self

        def ukgwa_cdx(h, q):
            url = (q.get("url") or [""])[0]
            lines = [json.dumps({"urlkey": url, "timestamp": ts, "url": url, "mime": "application/pdf",
                                 "status": "200"}) for ts in web._captures.get(("ukgwa", url), [])]
            h.send(200, "text/x-ndjson", ("\n".join(lines) + "\n").encode() if lines else b"")

        def wayback_cdx(h, q):
            url = (q.get("url") or [""])[0]
            rows = [["timestamp", "original", "mimetype", "statuscode"]]
            rows += [[ts, url, "application/pdf", "200"] for ts in web._captures.get(("wayback", url), [])]
            h.send(200, "application/json", json.dumps(rows if len(rows) > 1 else []).encode())

        def available(h, q):
            url = (q.get("url") or [""])[0]
            target = (q.get("timestamp") or ["20990101"])[0]
            caps = web._captures.get(("wayback", url), [])
            snap = {}
            if caps:
                ts = min(caps, key=lambda t: abs(int(t[:8]) - int(target[:8])))
                snap = {"closest": {"status": "200", "available": True, "timestamp": ts,
                                    "url": f"http://web.archive.invalid/web/{ts}/{url}"}}
            h.send(200, "application/json", json.dumps({"url": url, "archived_snapshots": snap}).encode())

        if archive == "ukgwa":
            self.route("/ukgwa/cdx", handler=ukgwa_cdx)
        else:
            self.route("/wayback/cdx/search/cdx", handler=wayback_cdx)
            self.route("/wayback-api/wayback/available", handler=available)


def drip(total: bytes, pause: float):
    """A handler that sends one byte, then waits ``pause`` seconds, and so on."""
    def handler(h, q):
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.send_header("Content-Length", str(len(total)))
        h.end_headers()
        try:
            for i in range(len(total)):
                h.wfile.write(total[i:i + 1])
                h.wfile.flush()
                time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass
    return handler


def dropping(total: bytes, cut: int, ranges: bool = True):
    """A handler that drops the connection after ``cut`` bytes on the first
    request, then serves ``Range`` requests (206) when ``ranges``."""
    state = {"n": 0}

    def handler(h, q):
        state["n"] += 1
        rng = h.headers.get("Range")
        if rng and ranges:
            start = int(rng.split("=")[1].split("-")[0])
            part = total[start:]
            h.send_response(206)
            h.send_header("Content-Type", "application/pdf")
            h.send_header("Content-Length", str(len(part)))
            h.send_header("Content-Range", f"bytes {start}-{len(total) - 1}/{len(total)}")
            h.send_header("ETag", '"v1"')
            h.end_headers()
            h.wfile.write(part)
            return
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.send_header("Content-Length", str(len(total)))
        h.send_header("Accept-Ranges", "bytes")
        h.send_header("ETag", '"v1"')
        h.end_headers()
        if state["n"] == 1:
            h.wfile.write(total[:cut])
            h.wfile.flush()
            h.close_connection = True
            import socket

            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        h.wfile.write(total)
    handler.state = state
    return handler


def govuk_item(title: str, attachments: list[dict]) -> dict:
    """A GOV.UK content item in the Content API's shape (our own values)."""
    return {
        "base_path": "/government/publications/x", "title": title, "document_type": "independent_report",
        "schema_name": "publication", "locale": "en",
        "details": {"attachments": attachments, "documents": [], "featured_attachments": [a["id"] for a in attachments]},
    }


def govuk_attachment(n: int, title: str, url: str, filename: str) -> dict:
    return {"id": f"a{n}", "attachment_type": "file", "content_type": "application/pdf", "title": title,
            "url": url, "filename": filename, "file_size": 1000, "number_of_pages": 10}


def govuk_page(attachments: list[tuple[str, str]]) -> str:
    """A GOV.UK publication page with attachment markup (gem-c-attachment)."""
    blocks = "".join(
        f'<section class="gem-c-attachment"><div class="gem-c-attachment__thumbnail">'
        f'<a href="{url}" tabindex="-1" aria-hidden="true">thumb</a></div>'
        f'<div class="gem-c-attachment__details"><h3 class="gem-c-attachment__title">'
        f'<a class="govuk-link gem-c-attachment__link" href="{url}">{title}</a></h3>'
        f'<p class="gem-c-attachment__metadata">PDF, 1 MB, 10 pages</p>'
        f'<a href="mailto:alt@example.org">Request an accessible format.</a></div></section>'
        for title, url in attachments)
    return (f"<!doctype html><html><head><title>Publication</title></head><body><main>"
            f"<h1>A publication</h1><section id='documents'>{blocks}</section></main></body></html>")


def ippr_page(links: list[tuple[str, str]]) -> str:
    """A think tank's report page: a summary, then download links."""
    items = "".join(f'<li><a class="button" href="{url}">{text}</a></li>' for text, url in links)
    return (f"<!doctype html><html><body><nav><a href='/ippr/about'>About</a>"
            f"<a href='/ippr/files/annual-review.pdf'>Our annual review</a></nav>"
            f"<article><h1>A report page</h1><p>Our own words about a report.</p>"
            f"<ul class='downloads'>{items}</ul></article></body></html>")
