"""Text clean-up shared by the readers: Unicode normalisation and the
joining of words split across line ends.

Normalisation (:func:`clean`): NFKC (so ligatures such as U+FB01 become
"fi", non-breaking spaces become spaces, full-width forms become ASCII), soft
hyphens removed, control characters dropped, white space collapsed. Curly
quotes and dashes are kept exactly as the document has them: NFKC leaves them
alone, and a quotation shown to a user must be the document's own text.

Line-end hyphenation (:class:`Dehyphenator`): a reader marks every place where
a line ended in a hyphen between two letters with :data:`HYPHEN_MARK`. Once the
whole document is known, each mark is resolved with the document's own
vocabulary (no dictionary needed):

1. the joined word occurs elsewhere in the document, unhyphenated -> join
   ("recom-" + "mendation" -> "recommendation");
2. else the hyphenated form occurs elsewhere in the document -> keep the hyphen
   ("high-" + "level" when "high-level" appears somewhere else);
3. else the second part starts with a capital or a digit -> keep ("non-EU");
4. else the first part is a common compounding prefix (non, self, well, ...)
   and the second part is a word of the document -> keep ("non-clinical");
5. else both parts are words the document uses on their own (at least two
   letters each) -> keep ("evidence-based");
6. otherwise join: a fragment that is not a word is a broken word.
"""

from __future__ import annotations

import re
import unicodedata

HYPHEN_MARK = "\ufffe"  # pdfium's own marker for a hyphen at a line end
# Where a block's text goes on overleaf: a reader puts it in the text it hands to
# the Dehyphenator (which keeps it in place) and then takes it out, recording
# the offsets. :func:`clean` removes it like any control character.
PAGE_MARK = "\x01"
# A note call ("...in 2025" + raised "6") travels through the same steps
# wrapped in these (private-use characters, which NFKC leaves alone); then
# :func:`take_marks` takes it out of the text and records where it stood.
CALL_OPEN, CALL_CLOSE = "\ue000", "\ue001"
_CALL = re.compile(CALL_OPEN + "([^" + CALL_CLOSE + "]*)" + CALL_CLOSE)

# Prefixes that usually make hyphenated compounds in policy English.
COMPOUND_PREFIXES = frozenset(
    "non self well co cross multi anti semi ex pre post sub inter intra mid long short high low "
    "part full cost time user service people child age evidence decision".split()
)

_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b\ufeff]")
_SPLIT = re.compile(r"[\s.,;:!?()\[\]{}\"\u201c\u201d\u2018/\u2013\u2014*]+")
_MARKED = re.compile(r"([^\W\d_]+)\s*" + HYPHEN_MARK + r"\s*(" + PAGE_MARK + r"*)\s*([^\W_]+)", re.UNICODE)


_MARK_OR_CALL = re.compile(PAGE_MARK + "|" + CALL_OPEN + "([^" + CALL_CLOSE + "]*)" + CALL_CLOSE
                           + "|[" + CALL_OPEN + CALL_CLOSE + "]")


def take_marks(text: str) -> tuple[str, list[int], list[tuple[int, str]]]:
    """Take :data:`PAGE_MARK` and the wrapped note calls out of a block's final
    text: (text, offsets where each further page begins, [(offset, mark)] of
    the calls, each standing right after the text it follows)."""
    if PAGE_MARK not in text and CALL_OPEN not in text and CALL_CLOSE not in text:
        return text, [], []
    out: list[str] = []
    breaks: list[int] = []
    calls: list[tuple[int, str]] = []
    n = pos = 0
    for m in _MARK_OR_CALL.finditer(text):  # the text between marks is copied in one piece
        piece = text[pos:m.start()]
        out.append(piece)
        n += len(piece)
        pos = m.end()
        token = m.group()
        if token == PAGE_MARK:
            breaks.append(n)
        elif m.group(1) is not None:
            if calls and calls[-1][0] == n:  # digit by digit ("5", "1"): one call "51"
                calls[-1] = (n, calls[-1][1] + m.group(1))
            else:
                calls.append((n, m.group(1)))
        # else a stray half of a pair: never text
    out.append(text[pos:])
    return "".join(out), breaks, calls


def clean(text: str) -> str:
    """NFKC, no soft hyphens or control characters, white space collapsed.
    Keeps :data:`HYPHEN_MARK` (resolve it with :class:`Dehyphenator`)."""
    if not text:
        return ""
    if not text.isascii():
        marked = HYPHEN_MARK in text
        if marked:
            text = text.replace(HYPHEN_MARK, "\x00")
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        if marked:
            text = text.replace("\x00", HYPHEN_MARK)
    if _CONTROL_RE.search(text):
        text = _CONTROL_RE.sub("", text)
    return " ".join(text.split())


class Dehyphenator:
    """Resolve :data:`HYPHEN_MARK` in a document's texts (see the module doc)."""

    def __init__(self, texts):
        self.texts = texts
        self._words: set[str] | None = None
        self._compounds: set[str] = set()

    def _vocabulary(self) -> set[str]:
        if self._words is None:
            tokens = set(_SPLIT.split("\n".join(self.texts).replace(PAGE_MARK, "").lower()))
            tokens = {t.strip("-'\u2019") for t in tokens if HYPHEN_MARK not in t}
            self._compounds = {t for t in tokens if "-" in t}
            words = {t for t in tokens if "-" not in t}
            for c in self._compounds:
                words.update(c.split("-"))
            self._words = words
        return self._words

    def decide(self, left: str, right: str) -> bool:
        """True to keep the hyphen ("high-level"), False to join."""
        words = self._vocabulary()
        joined = (left + right).lower()
        if joined in words:
            return False
        if f"{left}-{right}".lower() in self._compounds:
            return True
        if right[:1].isupper() or right[:1].isdigit():
            return True
        lw, rw = left.lower(), right.lower()
        known_right = rw in words or rw[:-1] in words
        if lw in COMPOUND_PREFIXES and known_right:
            return True
        if len(lw) >= 2 and len(rw) >= 2 and lw in words and known_right:
            return True
        return False

    def resolve(self, text: str) -> str:
        if HYPHEN_MARK not in text:
            return text

        def fix(m: re.Match) -> str:
            left, pages, right = m.group(1), m.group(2), m.group(3)
            return f"{left}-{pages}{right}" if self.decide(left, right) else left + pages + right

        text = _MARKED.sub(fix, text)
        # a mark not between two words (e.g. "2010-" + "11") is a plain hyphen
        return text.replace(HYPHEN_MARK, "-")
