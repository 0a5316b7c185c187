"""spaCy component ``scrutiny_lines``: a line of its own is a sentence of its own.

A passage read from Markdown, plain text, HTML or DOCX can hold several lines:
a title above its byline, "Present:" lists, "We will:" and the bullets that
complete it. The parser would read "Maternity unit to close\\nThe trust
said ..." as one sentence; this component, placed before the parser (or the
sentencizer), starts a sentence after every line break, and leaves every
other boundary to the parser.

:func:`line_of` tells, for a sentence, whether it stands on a line of its own
(nothing but white space between it and the line breaks or the passage's
edges on either side).
"""

from __future__ import annotations

from spacy.language import Language


@Language.factory("scrutiny_lines")
def make_lines(nlp, name):
    return Lines(name)


class Lines:
    def __init__(self, name):
        self.name = name

    def __call__(self, doc):
        after_break = False
        for tok in doc:
            if tok.is_space:
                if "\n" in tok.text:
                    after_break = True
                continue
            if after_break:
                tok.is_sent_start = True
            elif tok.i > 0 and "\n" in doc[tok.i - 1].whitespace_:
                tok.is_sent_start = True
            after_break = "\n" in tok.whitespace_
        return doc


def line_of(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` a line of its own (line breaks or the edges around it)?"""
    before = text[:start]
    after = text[end:]
    left = before.rstrip(" \t")
    right = after.lstrip(" \t")
    return (not left or left.endswith("\n")) and (not right or right.startswith("\n"))
