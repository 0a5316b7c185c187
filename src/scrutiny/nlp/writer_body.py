"""The body a passage speaks for: who "our" and "we" are.

A charity's annual report, a trust's response or a society's submission says "our
Chief Executive", "our work is funded by ..." and closes with "Signed: A, Chair". The
body meant is the one the passage itself puts forward, not the nearest name before
"our" ("... the X Advisory Board, on which our President sits": the board is not the
writer). Read in this order:

- a heading: a line among the passage's first three that holds one organisation's
  name and nothing else, or the first cell of such a line split by "|"
  ("Kinfolk Carers Alliance | London | Permanent");
- else the first organisation that is the subject of a sentence before the given
  point ("Riverbank Housing Trust accepts all six recommendations.", "The Association
  of X will survey its members ...").

None when neither is there: "our" is then left alone.
"""

from __future__ import annotations

import re

SUBJECT_DEPS = frozenset(("nsubj", "nsubjpass"))


def _heading(doc, orgs):
    text = doc.text
    pos = 0
    for n, raw in enumerate(text.split("\n")[:3]):
        a, b = pos, pos + len(raw)
        pos = b + 1
        cell = raw.split("|")[0]
        lead = len(cell) - len(cell.lstrip())
        stripped = cell.strip().rstrip(":").strip()
        if not stripped:
            continue
        for s in orgs:
            if s.start_char == a + lead and s.text == stripped:
                return s
    return None


def _subject(span) -> bool:
    root = span.root
    if root.dep_ in SUBJECT_DEPS:
        return True
    # "The charity, Home Ahead, runs ...": a name in apposition to the subject
    return root.dep_ == "appos" and root.head.dep_ in SUBJECT_DEPS


def writer_body(doc, spans, before: int):
    """The organisation span the passage speaks for, named before character ``before``, or None."""
    orgs = [s for s in spans if s.label_ == "organisation" and s._.source != "coref" and s.start_char < before]
    if not orgs:
        return None
    head = _heading(doc, orgs)
    if head is not None:
        return head
    if doc.has_annotation("DEP"):
        subject = next((s for s in orgs if _subject(s)), None)
        if subject is not None:
            return subject
    return None


# After "our": a post ("our Chief Executive, A", "our President, Professor B") or what the
# body does ("Our work is funded by ...", "our research is supported by a grant from ...").
OUR_WORK = re.compile(r"(?i)(?:work|research|services?|activities|campaigning|programmes?)\s+(?:is|are|has been|have been|was|were)\s+"
                      r"(?:(?:also|largely|mainly|generously|currently|kindly)\s+)?(?:funded|supported|paid for|made possible)\b")
