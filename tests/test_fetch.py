"""fetch: timeouts, content-type checks, size caps, offline notices, mirrors.

A tiny HTTP server on 127.0.0.1 plays the publisher.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from scrutiny.fetch import fetch_document, sha256_file
from scrutiny.manifest import DocumentEntry

PDF_BYTES = b"%PDF-1.4\n% our own tiny test payload\n%%EOF\n"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path == "/doc.pdf":
            self._send(200, "application/pdf", PDF_BYTES)
        elif self.path == "/landing.pdf":
            self._send(200, "text/html; charset=utf-8", b"<html><body>Cookie wall</body></html>")
        elif self.path == "/lying.pdf":
            self._send(200, "application/octet-stream", b"<!doctype html><html>login</html>")
        elif self.path == "/big.pdf":
            self._send(200, "application/pdf", b"%PDF-" + b"0" * 5000)
        elif self.path == "/slow.pdf":
            time.sleep(1.5)
            self._send(200, "application/pdf", PDF_BYTES)
        else:
            self._send(404, "text/plain", b"nope")

    def _send(self, code, ctype, body):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def entry(url, source="doc.pdf", **extra):
    return DocumentEntry(id="doc", title="Doc", url=url, source=source, extra=extra)


def test_download_records_sha(tmp_path, server):
    r = fetch_document(tmp_path, entry(f"{server}/doc.pdf"))
    assert r.status == "downloaded"
    assert r.path.read_bytes() == PDF_BYTES
    assert r.sha256 == sha256_file(r.path)
    # second time: present, nothing downloaded
    assert fetch_document(tmp_path, entry(f"{server}/doc.pdf")).status == "present"


def test_html_instead_of_pdf_is_refused(tmp_path, server):
    r = fetch_document(tmp_path, entry(f"{server}/landing.pdf"))
    assert r.status == "failed"
    assert "HTML page" in r.message and "by hand" in r.message
    assert not (tmp_path / "corpus" / "sources" / "doc.pdf").exists()
    r = fetch_document(tmp_path, entry(f"{server}/lying.pdf"))
    assert r.status == "failed" and "HTML page" in r.message
    assert list((tmp_path / "corpus" / "sources").glob("*")) == []  # no partial file left


def test_size_cap(tmp_path, server):
    r = fetch_document(tmp_path, entry(f"{server}/big.pdf"), max_bytes=1000)
    assert r.status == "failed" and "cap" in r.message


def test_timeout(tmp_path, server):
    client = httpx.Client(timeout=httpx.Timeout(0.3, connect=0.3))
    r = fetch_document(tmp_path, entry(f"{server}/slow.pdf"), client=client)
    assert r.status == "failed" and "timed out" in r.message


def test_http_error_and_offline(tmp_path, server):
    r = fetch_document(tmp_path, entry(f"{server}/missing.pdf"))
    assert r.status == "failed" and "404" in r.message
    # a port nobody listens on: connection refused, a clear notice
    r = fetch_document(tmp_path, entry("http://127.0.0.1:9/doc.pdf"))
    assert r.status == "failed"
    assert "cannot connect" in r.message and "corpus/sources/doc.pdf" in r.message


def test_mirror_is_copied(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "copy.txt").write_text("Our own mirrored text.\n")
    r = fetch_document(tmp_path, entry("http://127.0.0.1:9/x.txt", source="x.txt", mirrors=["elsewhere/copy.txt"]))
    assert r.status == "copied"
    assert (tmp_path / "corpus" / "sources" / "x.txt").read_text() == "Our own mirrored text.\n"


def test_no_url_says_where_to_put_the_file(tmp_path):
    r = fetch_document(tmp_path, entry(None, source="hand.pdf"))
    assert r.status == "missing" and "corpus/sources/hand.pdf" in r.message
