"""Authors as CSL names: people split into family and given names, organisations kept whole.

A manifest author is a string or a CSL name table. A table is taken as it is
(``{family = "...", given = "..."}`` or ``{literal = "..."}``). A string is
read as follows:

- "Family, Given" is a person ("Farmer, Paul"); "Name," (a comma with nothing
  after it) is an organisation written so that it is never split;
- a name holding a word organisations use (Taskforce, Department, England,
  NHS, Review...), an acronym ("DWP", "NHS England"), "&" or digits is an
  organisation, kept whole;
- two to five words, each a capitalised word, an initial ("J.", "Q."), or a
  particle ("van", "de", "da"...), are a person, parsed by ``nameparser``
  (titles such as Lord, Dr or Professor dropped, "Jr." kept as a suffix):
  "J. Smith", "Jane Q. Smith", "Ana María García";
- anything else is kept whole. When in doubt a name is kept whole: "Farmer,
  P." from a split organisation would be wrong, a whole personal name is
  merely plainer.

The same CSL name feeds every output: the CSL styles, BibTeX (a literal is
braced), RIS, and the pages' ``citation_author`` tags (:func:`highwire_name`),
which Zotero's Embedded Metadata translator splits the way
``docs/cite.md`` describes.
"""

from __future__ import annotations

import re

# Words that mark a name as an organisation's (checked case-insensitively).
ORG_WORDS = frozenset(
    """
    academy agency alliance association authority bank board bureau campaign centre center
    charity college commission committee company council department digital directorate
    education england executive federation forum foundation fund government group guardian
    health healthcare hospital inc institute institution limited ltd network nhs office
    organisation organization panel partnership party programme review royal school service
    services society taskforce team the trust union unit university wales scotland ireland
    britain kingdom sciences plc llp ministry parliament house lords commons treasury cabinet
    secretariat consortium coalition observatory
    """.split()
)
PARTICLES = frozenset("van von der den de del della da das dos du di la le ter ten y bin al el st".split())
_INITIAL = re.compile(r"^(?:\w\.){1,3}$|^\w$")
_WORD = re.compile(r"^[^\W\d_][\w'\u2019.-]*$")


def is_acronym(word: str) -> bool:
    """"NHS", "DWP", "IPPR": two or more capitals, no full stops (initials "J.R." are not)."""
    letters = word.strip("()'\u2019,")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def is_organisation(name: str) -> bool:
    words = name.split()
    if any(w.lower().strip(".,()'\u2019s") in ORG_WORDS or w.lower().strip(".,()") in ORG_WORDS for w in words):
        return True
    if any(is_acronym(w) for w in words):
        return True
    return "&" in name or any(ch.isdigit() for ch in name)


def looks_personal(name: str) -> bool:
    """Two to five words, each capitalised, an initial or a particle, and no
    word of an organisation: a person's name."""
    words = name.split()
    if not 2 <= len(words) <= 5 or is_organisation(name):
        return False
    for w in words:
        if w.lower() in PARTICLES:
            continue
        if not _WORD.match(w) or not w[0].isupper():
            return False
    return any(not _INITIAL.match(w) and w.lower() not in PARTICLES for w in words)


def csl_name(author) -> dict:
    """One manifest author as a CSL name object."""
    if isinstance(author, dict):
        allowed = {"family", "given", "literal", "suffix", "dropping-particle", "non-dropping-particle"}
        return {k: str(v) for k, v in author.items() if k in allowed and v}
    name = " ".join(str(author).split())
    if not name:
        return {}
    if "," in name:
        family, _, given = name.partition(",")
        family, given = family.strip(), given.strip()
        if family and not given:
            return {"literal": family}  # "Cabinet Office,": a name that is never split
        if family and given and not is_organisation(family) and "," not in given \
                and looks_personal(f"{given} {family}"):
            return _person(f"{given} {family}", family=family)
        return {"literal": name}
    if looks_personal(name):
        return _person(name)
    return {"literal": name}


def _person(name: str, family: str | None = None) -> dict:
    from nameparser import HumanName

    parsed = HumanName(name)
    if family is not None:  # written "Family, Given": the family name is what stood before the comma
        given = " ".join(w for w in name[: len(name) - len(family)].split()
                         if w.lower().strip(".") not in parsed.C.titles)
        out = {"family": family, "given": given}
    else:
        last = parsed.last
        given = " ".join(p for p in (parsed.first, parsed.middle) if p)
        if not last:  # "Lord Darzi": a title and one name
            last, given = given, ""
        out = {"family": last, "given": given}
    if parsed.suffix:
        out["suffix"] = parsed.suffix
    return {k: v for k, v in out.items() if v}


def display_name(name: dict) -> str:
    """A CSL name as people write it: "Jane Q. Smith", "Cabinet Office"."""
    if name.get("literal"):
        return name["literal"]
    parts = [name.get("given"), name.get("dropping-particle"), name.get("non-dropping-particle"),
             name.get("family")]
    text = " ".join(p for p in parts if p)
    return f"{text}, {name['suffix']}" if name.get("suffix") else text


def highwire_name(name: dict) -> str:
    """A CSL name as a ``citation_author`` (and ``DC.creator``) value.

    A person is "Family, Given" (Google Scholar's inverted form, which Zotero's
    translator splits at the comma); an organisation is "Name," -- the inverted
    form with no given name, which Zotero keeps whole as the last name instead
    of splitting it at its last space ("Cabinet Office" would become
    "Office, Cabinet")."""
    if name.get("literal"):
        return f"{name['literal']},"
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    given = " ".join(p for p in (name.get("given"), name.get("dropping-particle")) if p)
    if name.get("suffix"):
        given = f"{given} {name['suffix']}".strip()
    return f"{family}, {given}" if given else f"{family},"
