"""Which addresses scrutiny ever renders as links: ``http``, ``https`` and ``mailto``.

Anything a campaign writes (a manifest ``url``, a stakeholder's ``url``, a
bibliography entry's ``URL``, a link in an essay or a description) becomes an
``href`` only when its scheme is one of :data:`SCHEMES`; relative links (no
scheme) are allowed where the site writes its own or an essay links within
the site. ``javascript:``, ``data:``, ``vbscript:``, ``file:`` and every other
scheme are refused by ``scrutiny kb check`` (with ``file:line``) and dropped
by the site's renderer, which does not rely on the check having run.

The scheme is read as a browser reads it: leading and trailing control
characters and spaces are ignored and tabs and newlines anywhere are removed
(``"java\\tscript:"`` is ``javascript:``), and case does not matter.
"""

from __future__ import annotations

import re

SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_INSIDE = re.compile(r"[\t\n\r]")


def scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url`` (lower case), or None for a relative link."""
    cleaned = _INSIDE.sub("", url.strip("".join(map(chr, range(0x21)))))
    m = _SCHEME.match(cleaned)
    return m.group(1).lower() if m else None


def is_safe(url, relative: bool = True) -> bool:
    """True for an http, https or mailto address, and (with ``relative``) a relative one."""
    if not isinstance(url, str):
        return False
    s = scheme(url)
    return relative if s is None else s in SCHEMES


def safe_href(url, relative: bool = False) -> str | None:
    """``url`` when it may be rendered as a link, else None (then no link is made)."""
    return url.strip() if is_safe(url, relative) and url.strip() else None


def problem(url) -> str | None:
    """Why ``url`` cannot be a document's or stakeholder's address (None when it can):
    it must be text starting with https://, http:// or mailto:."""
    if not isinstance(url, str):
        return f"must be text (a web address in quotes), not {type(url).__name__}"
    s = scheme(url)
    if s is None:
        return (f"{url.strip()[:80]!r} is not a full web address "
                "(write it with its scheme: https://...)")
    if s not in SCHEMES:
        return (f"the {s}: scheme is not allowed in a link (use an https://, http:// or mailto: "
                "address)")
    return None


def markdown_links(text: str) -> list[tuple[int, str]]:
    """``(line, address)`` of every link and image in Markdown ``text`` (line
    0-based within the text), read as the site's renderer reads them."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.validateLink = lambda url: True  # see every address, also those the renderer drops
    out = []
    for block in md.parse(text or ""):
        line = block.map[0] if block.map else 0
        for tok in block.children or []:
            if tok.type in ("link_open", "image"):
                out.append((line, str(tok.attrGet("href") if tok.type == "link_open" else tok.attrGet("src"))))
    return out


def unsafe_markdown_links(text: str) -> list[tuple[int, str]]:
    """The links and images in ``text`` that the site will not render as such."""
    return [(line, url) for line, url in markdown_links(text) if not is_safe(url)]
