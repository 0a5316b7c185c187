"""How Zotero's Embedded Metadata translator turns ``citation_author`` tags into
creators: a Python restatement, for the tests, of the logic of
``processHighwireCreators`` (zotero/translators, "Embedded Metadata.js") and
``Zotero.Utilities.cleanAuthor`` (zotero/utilities, utilities.js), written from
reading them (their code is not copied here). docs/cite.md says how it was
checked against the real JavaScript.

In short: each tag is split at semicolons; a lone tag with commas between
multi-word parts is split at the commas; each name is then cleaned of
leading/trailing punctuation and, when it holds a comma, read as "Last, First"
(split at the first comma), else split at its LAST space ("Cabinet Office"
becomes first name "Cabinet", last name "Office"). A first name of one to three
capitals becomes initials ("JQ" -> "J. Q."), and single letters get a full stop.
"""

from __future__ import annotations

import re

_EDGE = "\\s\u00a0.,/\\[\\]:"
_CAPS = "A-Z\u0400-\u042f"


def clean_author(author: str, use_comma: bool) -> dict:
    all_caps = re.compile(f"^[{_CAPS}]+$")
    initial = re.compile(f"^-?[{_CAPS}]$")
    author = re.sub(f"^[{_EDGE}]+", "", author)
    author = re.sub(f"[{_EDGE}]+$", "", author)
    author = re.sub(r"[\s\u00a0]+", " ", author, count=1)
    first = None
    if use_comma:
        author = re.sub(r"\.([^ ])", r". \1", author, count=1)
        parts = re.split(r"[,\u060c] ?", author)
        if len(parts) > 1:
            last, first = parts[0], parts[1]
        else:
            last = author
    else:
        space = len(author)
        while True:
            space = author.rfind(" ", 0, space) if space > 0 else -1
            last = author[space + 1:]
            first = author[:space] if space >= 0 else ""
            if (last[:1].isalpha()) or space <= 0:
                break
    if first and all_caps.match(first) and len(first) < 4 and (len(first) == 1 or last.upper() != last):
        first = " ".join(f"{ch}." for ch in first)
    if first:
        names = re.split(r"(?:[\s.]+|(?=-))",
                         re.sub(r"\s*([\u002D\u00AD\u2010-\u2015\u2212\u2E3A\u2E3B])\s*", "-",
                                re.sub(r"[\s,]+$", "", re.sub(r"^[\s.]+", "", first)), count=1))
        out = ""
        for name in names:
            out += name + ("." if initial.match(name) else "") + " "
        first = out.replace(" -", "-").strip()
    return {"firstName": first or "", "lastName": last}


def highwire_creators(values: list[str], language: str = "en") -> list[dict]:
    """The creators Zotero makes from the contents of the page's citation_author tags."""
    out, previous = [], None
    for value in values:
        creators = re.split(r"\s*;\s*", value)
        if len(creators) == 1 and len(values) == 1:
            by_comma = re.split(r"\s*,\s*", creators[0])
            spanish = (len(by_comma) == 2 and language in ("es", "spa", "Spanish", "español")
                       and (len(by_comma[0].split(" ")) == 2
                            or (len(by_comma[0].split(" ")) > 2
                                and re.search(r"[À-ú]|\b[Dd]e\b", by_comma[0]))))
            if len(by_comma) > 1 and " " in by_comma[0] and " " in by_comma[1] and not spanish:
                creators = by_comma
        for creator in creators:
            creator = creator.strip()
            if not creator or not re.search(r"[^\s,\-.;]", creator):
                continue
            if previous and creator == previous:
                continue
            previous = creator
            out.append(clean_author(creator, "," in creator))
    return out
