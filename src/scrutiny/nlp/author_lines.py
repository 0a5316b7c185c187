"""Author lines of papers and studies: the line under a title that names its authors
and where they work.

    Ann Lee (University of X), Bo Chen (Y Institute)
    Ann Lee and Professor Bo Chen, Centre for Z, University of X
    Ann Lee, University of X; Bo Chen, Y Health Wales
    Ann Lee, Bo Chen and Dr Cy Dahl (Z Data Lab, University of X)
    Ann Lee and Bo Chen, on behalf of the Z Research Network

The line is read by its punctuation alone (no model), so that a name the recogniser
misreads ("Marta Quell" as a body) or glues to the next ("Centre for Z, University of
X" as one) is read right: a piece is a body when a word of it says so ("University",
"Institute", "Lab", a head noun, a nation at its end), a person when it is two to four
capitalised words, with an honorific or not. Every piece must be one or the other, or
the line is no author line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrutiny.nlp.headwords import kind_from_head
from scrutiny.nlp.normalise import HONORIFICS, is_acronym

# Words that make a piece of an author line a body wherever they stand in it.
BODY_WORDS = frozenset("""university college school institute institution lab laboratory centre center unit
department hospital trust foundation network group observatory council agency service academy""".split())
POST_WORDS = frozenset("correspondent editor reporter writer columnist officer manager".split())
BODY_TAILS = frozenset("England Scotland Wales Ireland UK London".split())
_SEPARATORS = re.compile(r"\s*(?:;|,|\(|\)|\bon behalf of\b(?:\s+the\b)?)\s*")
_WORD = re.compile(r"^(?:[A-Z][\w'’-]*|of|for|and|the|&|in|on)$")


@dataclass(frozen=True)
class Piece:
    start: int      # offsets in the text the line was read from
    end: int
    kind: str       # "person" or "organisation"
    behalf: bool    # after "on behalf of"


def _kind(words: list[str]) -> str | None:
    if not words or not all(_WORD.match(w) for w in words) or not words[0][:1].isupper():
        return None
    low = [w.casefold().strip("'’") for w in words]
    if kind_from_head(words) == "organisation" or any(w in BODY_WORDS for w in low) or words[-1] in BODY_TAILS:
        return "organisation"
    if kind_from_head(words) is not None:
        return None
    from scrutiny.nlp.people import ROLE_WORDS

    if low[0] in ("by", "from", "with", "to") or any((w in ROLE_WORDS or w in POST_WORDS) and w.rstrip(".") not in HONORIFICS
                                                       for w in low):
        return None  # "By Jo Lee, Health Correspondent": a news byline, a post
    names = [w for w in words if w.casefold().rstrip(".") not in HONORIFICS]
    if 2 <= len(names) <= 3 and all(w[:1].isupper() and not is_acronym(w) for w in names) \
            and all(w.casefold() not in ("of", "for", "and", "the", "in", "on") for w in words):
        return "person"
    return None


def author_line(text: str, a: int, b: int) -> list[Piece] | None:
    """The people and bodies of the line ``text[a:b]``, in order, or None when it is no
    author line (a piece that is neither, no person, a sentence ending in a stop)."""
    line = text[a:b]
    stripped = line.strip()
    if not stripped or stripped[-1] in ".:!?" or len(stripped.split()) > 40 or not re.search(r"[,;(]", stripped):
        return None
    pieces: list[Piece] = []
    pos = 0
    behalf = False
    for sep in list(_SEPARATORS.finditer(line)) + [None]:
        chunk_end = sep.start() if sep else len(line)
        chunk = line[pos:chunk_end]
        if chunk.strip():
            found = _read_chunk(chunk, a + pos, behalf)
            if found is None:
                return None
            pieces.extend(found)
        if sep is None:
            break
        behalf = "behalf" in sep.group(0)
        pos = sep.end()
    if len(pieces) < 2 or not any(p.kind == "person" for p in pieces):
        return None
    return pieces


def _read_chunk(chunk: str, offset: int, behalf: bool) -> list[Piece] | None:
    lead = len(chunk) - len(chunk.lstrip())
    body = chunk.strip()
    if body.casefold().startswith("the "):
        lead += 4
        body = body[4:]
    words = body.split()
    kind = _kind(words)
    if kind is not None:
        return [Piece(offset + lead, offset + lead + len(body), kind, behalf)]
    # "Ann Lee and Professor Bo Chen": people joined by "and"
    out = []
    pos = 0
    for part in re.split(r"(\s+(?:and|&)\s+)", body):
        if re.fullmatch(r"\s+(?:and|&)\s+", part):
            pos += len(part)
            continue
        if _kind(part.split()) != "person":
            return None
        out.append(Piece(offset + lead + pos, offset + lead + pos + len(part), "person", behalf))
        pos += len(part)
    return out


def affiliations(pieces: list[Piece]) -> list[tuple[list[Piece], list[Piece]]]:
    """The pieces in groups: people, then the bodies after them, which are every one of
    those people's ("Ann Lee and Bo Chen, Centre for Z, University of X")."""
    groups: list[tuple[list[Piece], list[Piece]]] = []
    for p in pieces:
        if p.kind == "person":
            if not groups or groups[-1][1]:
                groups.append(([], []))
            groups[-1][0].append(p)
        elif groups:
            groups[-1][1].append(p)
    return groups
