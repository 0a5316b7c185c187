"""The cross-reference markup shared by the knowledge base, the Markdown
reader and the site: ``[[type:id]]`` or ``[[type:id|label]]``.

Only the syntax lives here (no imports beyond ``re``), so that a reader can
render references as plain text without loading the knowledge base.
"""

from __future__ import annotations

import re

REF_TYPES = ("claim", "stakeholder", "doc", "passage")
# A label may wrap onto the next line (as Markdown paragraphs do) but not past
# a blank line; neither part may contain "]".
REF_RE = re.compile(r"\[\[\s*([A-Za-z_]+)\s*:\s*([^\]|\n]*?)\s*(?:\|((?:[^\]\n]|\n(?![ \t]*\n))*))?\]\]")
OPEN_RE = re.compile(r"\[\[")


def plain_label(kind: str, ident: str, label: str | None) -> str:
    """What a reference reads as in plain text: its label, else its id with
    hyphens as spaces (a passage id stays as it is)."""
    if label and label.strip():
        return " ".join(label.split())
    return ident if kind == "passage" else ident.replace("-", " ")
