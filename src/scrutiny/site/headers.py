"""The HTTP headers the site is served with, in one place.

Every page carries its Content-Security-Policy in a ``<meta>`` element (see
``base.html``; a test keeps the two identical), which stops injected script
even where the host sends no headers. ``scrutiny serve`` also sends it as a
header, with what only a header can say (``frame-ancestors``), and the build
writes ``_headers``, the file Netlify and Cloudflare Pages read, with the
same headers for every path. A campaign publishing elsewhere can copy them
into its server's configuration.
"""

from __future__ import annotations

# The policy of base.html's <meta http-equiv="Content-Security-Policy">.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'")

HEADERS = {
    "Content-Security-Policy": CSP + "; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}

HEADERS_FILE = "_headers"


def headers_file() -> str:
    """``_headers`` in the format of Netlify and Cloudflare Pages: these headers on every path."""
    lines = ["# Security headers for static hosts that read this file (Netlify, Cloudflare Pages).",
             "# Written by scrutiny's site build; the pages carry the same policy in <meta>.", "/*"]
    lines += [f"  {name}: {value}" for name, value in HEADERS.items()]
    return "\n".join(lines) + "\n"


def handler_class():
    """A SimpleHTTPRequestHandler that sends :data:`HEADERS` with every response."""
    from http.server import SimpleHTTPRequestHandler

    class Handler(SimpleHTTPRequestHandler):
        def end_headers(self):
            for name, value in HEADERS.items():
                self.send_header(name, value)
            super().end_headers()

    return Handler
