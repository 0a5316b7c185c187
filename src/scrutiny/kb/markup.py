"""Cross-reference markup in critique essays.

    [[claim:iapt-recovery-rate]]            a claim in kb/claims.yaml
    [[stakeholder:paul-farmer|Paul Farmer]] a stakeholder, shown as "Paul Farmer"
    [[doc:fyfvmh]]                          a document of corpus/manifest.toml
    [[passage:PASSAGE_ID]]                  an ingested passage (checked by `scrutiny verify`)

``find_refs`` lists the references with their line numbers; ``render_plain``
replaces each by its label (or its id when it has none); ``render`` lets a
caller (the site) turn each into a link.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable

from scrutiny.kb.model import Ref

from scrutiny.refs import OPEN_RE, REF_RE, REF_TYPES  # noqa: F401  (the syntax, shared)


def find_refs(text: str, first_line: int = 1) -> list[Ref]:
    """Every ``[[type:id]]`` reference in ``text``, with 1-based line numbers.

    ``first_line`` is the line number of the first line of ``text`` in its
    file (for essays whose body follows front matter).
    """
    refs = []
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    for m in REF_RE.finditer(text):
        line = bisect.bisect_right(line_starts, m.start()) - 1 + first_line
        label = " ".join(m.group(3).split()) if m.group(3) is not None else None
        refs.append(Ref(type=m.group(1).lower(), id=m.group(2), label=label or None,
                        line=line, start=m.start(), end=m.end()))
    return refs


def malformed(text: str, first_line: int = 1) -> list[int]:
    """Line numbers of ``[[`` that do not start a well-formed reference."""
    starts = {ref.start for ref in find_refs(text)}
    return [text.count("\n", 0, m.start()) + first_line
            for m in OPEN_RE.finditer(text) if m.start() not in starts]


def render(text: str, fn: Callable[[Ref], str]) -> str:
    """Replace each reference by ``fn(ref)``."""
    out, pos = [], 0
    for ref in find_refs(text):
        out.append(text[pos:ref.start])
        out.append(fn(ref))
        pos = ref.end
    out.append(text[pos:])
    return "".join(out)


def render_plain(text: str, labels: Callable[[Ref], str | None] | None = None) -> str:
    """The text with each reference replaced by its label.

    A reference without a label shows ``labels(ref)`` when given (for example
    a stakeholder's name looked up in the knowledge base), else its id.
    """
    def plain(ref: Ref) -> str:
        if ref.label:
            return ref.label
        return (labels(ref) if labels else None) or ref.id

    return render(text, plain)
