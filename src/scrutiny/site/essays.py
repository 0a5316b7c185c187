"""Critique essays (Markdown) as HTML, their ``[[type:id|label]]`` references as links.

markdown-it-py renders the Markdown with raw HTML switched off (a ``<script>``
in an essay shows as text); a link or image whose scheme is not http, https or
mailto (see :mod:`scrutiny.urls`) is rendered as its text alone. A small inline rule turns each cross-reference into a link made by the
caller's ``resolve(type, id) -> (href, title) | None``; an unresolved
reference stays visible as its label, marked as such.
"""

from __future__ import annotations

import re
from typing import Callable

from markupsafe import Markup

from scrutiny.refs import REF_RE

Resolver = Callable[[str, str], "tuple[str, str] | None"]


def _ref_rule(resolve: Resolver, labels: Callable[[str, str], str | None]):
    def rule(state, silent):
        src = state.src
        if not src.startswith("[[", state.pos):
            return False
        m = REF_RE.match(src, state.pos)
        if not m:
            return False
        if not silent:
            kind, ident = m.group(1).lower(), m.group(2)
            label = (m.group(3) or "").strip() or labels(kind, ident) or ident
            target = resolve(kind, ident)
            if target:
                href, title = target
                tok = state.push("link_open", "a", 1)
                tok.attrs = {"href": href, "class": f"ref ref-{kind}"}
                if title:
                    tok.attrs["title"] = title
                state.push("text", "", 0).content = label
                state.push("link_close", "a", -1)
            else:
                tok = state.push("em_open", "em", 1)
                tok.attrs = {"class": "ref-missing"}
                state.push("text", "", 0).content = f"{label} (not on this site)"
                state.push("em_close", "em", -1)
        state.pos = m.end()
        return True

    return rule


def render_markdown(body: str, resolve: Resolver, labels=None) -> Markup:
    from markdown_it import MarkdownIt

    from scrutiny.urls import is_safe

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = is_safe  # http, https, mailto and relative links only
    md.inline.ruler.before("link", "scrutiny_ref", _ref_rule(resolve, labels or (lambda k, i: None)))
    # Headings inside an essay start below the page's own <h1>.
    html = md.render(body)
    html = re.sub(r"<(/?)h([1-5])>", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}>", html)
    return Markup(html)


def plain_refs(text: str, labels=None) -> str:
    """Text with every reference replaced by its label (for titles and summaries)."""
    def sub(m):
        return (m.group(3) or "").strip() or (labels(m.group(1).lower(), m.group(2)) if labels else None) or m.group(2)

    return REF_RE.sub(sub, text or "")
