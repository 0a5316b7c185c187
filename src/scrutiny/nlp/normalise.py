"""Name keys: the form two mentions must share to be the same stakeholder.

"Mind", "MIND" and "Mind's" share a key; so do "the Taskforce" and "Taskforce".
Honorifics ("Lord", "Dr", "Professor"...) are generic words, not names: they are
stripped when people's names are compared.
"""

from __future__ import annotations

import re
import unicodedata

_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                            "\u2013": "-", "\u2014": "-", "\u00a0": " ", "\u00ad": None})
_WS = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"(?:'s|s')$|'$")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_DET = re.compile(r"^(?:the|a|an)\s+", re.I)

HONORIFICS = frozenset(
    "lord lady baroness baron sir dame dr doctor prof professor mr mrs ms miss mx "
    "rt hon right honourable rev reverend cllr councillor mp".split()
)


def clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    return _WS.sub(" ", text).strip()


def strip_name(text: str) -> str:
    """Surface text -> display name: no leading article, no possessive, no edge punctuation."""
    text = clean(text)
    text = _DET.sub("", text)
    text = _POSSESSIVE.sub("", text)
    name = _EDGE.sub("", text).strip()
    if name.count("(") > name.count(")") and text.rstrip().endswith(")"):
        name += ")"  # "National Security Council (Resilience)" keeps its closing bracket
    return name


def key(text: str) -> str:
    """Comparison key: case-folded display name."""
    return strip_name(text).casefold()


def person_parts(name: str) -> tuple[list[str], str]:
    """(given names, surname) with honorifics dropped."""
    words = [w for w in re.split(r"[\s.]+", strip_name(name)) if w]
    words = [w for w in words if w.casefold() not in HONORIFICS]
    if not words:
        return [], ""
    return words[:-1], words[-1].casefold()


def has_honorific(name: str) -> bool:
    first = strip_name(name).split(" ", 1)[0].rstrip(".").casefold()
    return first in HONORIFICS


def acronym_of(long: str) -> str:
    """Initials of the capitalised words: 'Department for Work and Pensions' -> 'DWP'."""
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w-]*", strip_name(long)) if w[0].isupper())


def acronym_matches(short: str, long: str) -> bool:
    """Does ``short`` abbreviate ``long``? Tolerant of lower-case function words
    and of letters taken from inside a word (HEE, NICE, IAPT)."""
    s = re.sub(r"[^A-Za-z]", "", short).upper()
    if len(s) < 2:
        return False
    caps = acronym_of(long).upper()
    if s == caps:
        return True
    words = re.findall(r"[A-Za-z][\w-]*", strip_name(long))
    initials_all = "".join(w[0] for w in words).upper()
    if s == initials_all:
        return True
    # Letters in order, the first letter matching the first word.
    letters = strip_name(long).upper()
    if not words or s[0] != words[0][0].upper():
        return False
    pos = 0
    for ch in s:
        pos = letters.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return len(s) >= 0.5 * len(caps) and len(s) <= 2 * max(1, len(words))


_ACRONYM = re.compile(r"^[A-Z][A-Za-z&]*[A-Z]$|^[A-Z]{2,}s?$")


def is_acronym(text: str) -> bool:
    """Whether ``text`` is written as an acronym ("DWP", "NHSE", "MPs"). Here, not in the
    acronyms component, so that the resolution reads it without importing spaCy."""
    return 2 <= len(text) <= 8 and bool(_ACRONYM.match(text)) and sum(c.isupper() for c in text) >= 2
