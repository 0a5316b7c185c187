"""Resolve mentions to stakeholders across the whole corpus.

One stakeholder per name, however it is written:

- curated names and aliases win (case-insensitive, possessive stripped);
- "Mind", "MIND" and "Mind's" share a key (:func:`scrutiny.nlp.normalise.key`);
- an acronym a document defines ("Full Name (FN)") joins its long form, in that
  document and, when no other document defines it otherwise, everywhere;
- people: honorifics are dropped ("Professor Ann Lee" = "Ann Lee"), and a
  surname alone or with a title ("Lord Stevenson") joins the one full name with
  that surname in the same document, else the only one in the corpus.

Names nobody curated get an id from their display name (a slug); the kind is
the confidence-weighted majority of their mentions' kinds.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from functools import lru_cache

from scrutiny.nlp import normalise
from scrutiny.nlp.normalise import is_acronym
from scrutiny.nlp.normalise import has_honorific

# The normalisations are pure functions of a mention's text, and a corpus writes
# the same few thousand names tens of thousands of times: each distinct text is
# normalised once per process (resolution reads every mention of the corpus).
strip_name = lru_cache(maxsize=1 << 16)(normalise.strip_name)
key = lru_cache(maxsize=1 << 16)(normalise.key)


@lru_cache(maxsize=1 << 16)
def _person_parts(name: str) -> tuple[tuple[str, ...], str]:
    given, surname = normalise.person_parts(name)
    return tuple(given), surname


def person_parts(name: str) -> tuple[list[str], str]:
    """:func:`scrutiny.nlp.normalise.person_parts`, remembered by text."""
    given, surname = _person_parts(name)
    return list(given), surname


class Resolver:
    def __init__(self, curated):
        self.alias: dict[str, str] = {}
        self.curated_ids = set(curated.stakeholders) | set(curated.documents)
        for sid, _kind, surface in curated.names():
            self.alias.setdefault(key(surface), sid)
        for sid in curated.stakeholders:
            self.alias.setdefault(sid.casefold(), sid)

    def resolve(self, mentions: list[dict], acronyms: list[tuple[str, str, str]]):
        """Returns ``({mention rowid: stakeholder id}, [extracted stakeholder dicts])``."""
        doc_acr: dict[tuple[str, str], str] = {}
        global_acr: dict[str, set] = defaultdict(set)
        common: set[str] = set()  # acronyms of ordinary words ("HFSS"): not names anywhere
        for short, long, doc_id in acronyms:
            if long.islower():
                common.add(short)
                continue
            doc_acr.setdefault((doc_id, short), long)
            global_acr[short].add(key(long))

        # Pass 1: a cluster key per mention.
        ckey: dict[int, str] = {}
        assigned: dict[int, str] = {}
        surnames_doc: dict[tuple[str, str], set] = defaultdict(set)
        surnames_all: dict[str, set] = defaultdict(set)
        for m in mentions:
            rid = m["rowid"]
            if m.get("curated_id"):
                assigned[rid] = m["curated_id"]
                continue
            k = key(m["text"])
            if k in self.alias:
                assigned[rid] = self.alias[k]
                continue
            text = strip_name(m["text"])
            if text in common and text not in global_acr:
                assigned[rid] = None
                continue
            if is_acronym(text):
                long = doc_acr.get((m["doc_id"], text))
                if long is None and len(global_acr.get(text, ())) == 1:
                    long_key = next(iter(global_acr[text]))
                else:
                    long_key = key(long) if long else None
                if long_key:
                    if long_key in self.alias:
                        assigned[rid] = self.alias[long_key]
                        continue
                    k = long_key
            if m["kind"] == "person":
                given, surname = person_parts(text)
                if surname:
                    k = " ".join([g.casefold() for g in given] + [surname])
                    if given:
                        surnames_doc[(m["doc_id"], surname)].add(k)
                        surnames_all[surname].add(k)
                    if k in self.alias:
                        assigned[rid] = self.alias[k]
                        continue
            ckey[rid] = k
        # Pass 2: surname-only people join a unique full name.
        for m in mentions:
            rid = m["rowid"]
            if rid not in ckey or m["kind"] != "person":
                continue
            given, surname = person_parts(strip_name(m["text"]))
            if given or not surname:
                continue
            full = surnames_doc.get((m["doc_id"], surname)) or surnames_all.get(surname) or set()
            if len(full) == 1:
                ckey[rid] = next(iter(full))
        # Clusters -> extracted stakeholders.
        clusters: dict[str, list[dict]] = defaultdict(list)
        by_rid = {m["rowid"]: m for m in mentions}
        for rid, k in ckey.items():
            clusters[k].append(by_rid[rid])
        extracted = []
        used_ids = set(self.curated_ids)
        for k in sorted(clusters):
            ms = clusters[k]
            kind = cluster_kind([(strip_name(m["text"]), m["kind"], m["confidence"]) for m in ms])
            surfaces = Counter(strip_name(m["text"]) for m in ms)
            name = display_name(surfaces, kind)
            sid = slug(name) or "stakeholder"
            base, n = sid, 1
            while sid in used_ids:
                n += 1
                sid = f"{base}-{n}"
            used_ids.add(sid)
            for m in ms:
                assigned[m["rowid"]] = sid
            aliases = sorted({s for s in surfaces if s != name}, key=lambda s: (s.casefold(), s))
            extracted.append({
                "id": sid, "name": name, "kind": kind, "aliases": aliases, "mentions": len(ms),
                "confidence": round(max(float(m["confidence"] or 0) for m in ms), 3),
            })
        return assigned, extracted


def cluster_kind(mentions) -> str:
    """The kind of an extracted stakeholder from its mentions' ``(name, kind, confidence)``:
    the confidence-weighted majority (exact sums, ties broken by name: the same whatever
    order the mentions come in), of the mentions by name when it has any besides bare
    acronyms: "National Security Risk Assessment" is a document however often the
    recogniser reads "NSRA" alone as an organisation."""
    named = [m for m in mentions if not is_acronym(m[0] or "")]
    weights = defaultdict(list)
    for _name, kind, confidence in (named or mentions):
        weights[kind].append(float(confidence or 0.5))
    return max(weights, key=lambda k: (math.fsum(weights[k]), k))


def display_name(surfaces: Counter, kind: str) -> str:
    """The name a cluster of mentions is shown by; the last key (the text itself)
    makes it the same whatever order the mentions were counted in."""
    names = sorted(surfaces)
    non_acronyms = [s for s in names if not is_acronym(s)]
    pool = non_acronyms or names
    if kind == "person":
        return max(pool, key=lambda s: (len(person_parts(s)[0]), not has_honorific(s), surfaces[s], len(s), s))
    # Prefer the most frequent written form with capitals, then the longest.
    return max(pool, key=lambda s: (surfaces[s], any(c.isupper() for c in s), len(s), s))


def slug(name: str) -> str:
    from slugify import slugify

    return slugify(name, max_length=60, word_boundary=True)
