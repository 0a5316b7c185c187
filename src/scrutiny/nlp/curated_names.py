"""spaCy component ``scrutiny_curated_names``: names people have listed win.

Fed with the knowledge base's stakeholders (names and aliases) and with the
manifest's document titles through :meth:`CuratedNames.add_names`. Matching is
case-insensitive ("MIND" finds "Mind") but an alias written with capitals never
matches an all-lower-case run of words ("mind" the noun is not the charity).
A curated span replaces any overlapping span found by the statistical model.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Span
from spacy.util import filter_spans

from scrutiny.nlp.spans import make_span, overlaps, set_stakeholder_spans, stakeholder_spans


GRAM = 4   # characters: the key of a waiting name (shorter names go into the matcher at once)
_SPACE = re.compile(r"\s+")


def _squashed(text: str) -> str:
    return _SPACE.sub("", text.lower())


@Language.factory(
    "scrutiny_curated_names",
    default_config={"min_chars": 2, "confidence": 1.0},
)
def make_curated_names(nlp, name, min_chars: int, confidence: float):
    return CuratedNames(nlp, name, min_chars=min_chars, confidence=confidence)


class CuratedNames:
    def __init__(self, nlp, name="scrutiny_curated_names", min_chars=2, confidence=1.0):
        self.nlp = nlp
        self.name = name
        self.min_chars = min_chars
        self.confidence = confidence
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.entries: dict[str, tuple[str, str, str]] = {}  # match key -> (id, kind, surface)
        self.count = 0
        # Names not in the matcher yet, by the first GRAM characters of their squashed
        # lower-case text: a name goes into the matcher when a text that may hold it comes
        # (tokenising 10,000 titles for a text that names none of them is most of the cost)
        self.waiting: dict[str, dict[str, list[str]]] = {}   # gram -> squashed text -> match keys

    def set_names(self, names) -> None:
        """Forget every name, then add ``names``: the state a new component given
        ``names`` would have (the same match keys, in the same order)."""
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.entries, self.count, self.waiting = {}, 0, {}
        self.add_names(names)

    def add_names(self, names) -> None:
        """``names``: iterable of ``(stakeholder_id, kind, surface_name)``."""
        for sid, kind, surface in names:
            surface = (surface or "").strip()
            if len(surface) < self.min_chars:
                continue
            match_key = f"scr{self.count}"
            self.count += 1
            self.entries[match_key] = (sid, kind, surface)
            squashed = _squashed(surface)
            if surface.isascii() and len(squashed) >= GRAM:
                self.waiting.setdefault(squashed[:GRAM], {}).setdefault(squashed, []).append(match_key)
            else:
                self.matcher.add(match_key, [self.nlp.make_doc(surface)])

    def _admit(self, text: str) -> None:
        """Put into the matcher the waiting names ``text`` may hold. The matcher compares
        tokens' lower-case forms, so a name it finds in a text is, lower-cased with its
        white space taken out, part of the text so squashed (an ASCII name: lower-casing
        is then character by character). Names of the same squashed text go in together,
        in the order they were given, as they would have gone in at once: the matcher
        lists the names of one span in the order they were added."""
        if not self.waiting:
            return
        squashed = _squashed(text)
        grams = {squashed[i:i + GRAM] for i in range(len(squashed) - GRAM + 1)}
        for gram in grams & self.waiting.keys():
            group = self.waiting[gram]
            for name in [n for n in group if n in squashed]:
                for match_key in group.pop(name):
                    self.matcher.add(match_key, [self.nlp.make_doc(self.entries[match_key][2])])
            if not group:
                del self.waiting[gram]

    def _case_fits(self, span, surface: str) -> bool:
        """A capitalised word of the name never matches a lower-case word of the text
        ("the Taskforce" is not "the taskforce"); all-capitals text is accepted."""
        if span.text == surface or span.text.isupper():
            return True
        words = self.nlp.make_doc(surface)
        if len(words) != len(span):
            return not span.text.islower()
        for want, got in zip(words, span):
            if any(c.isupper() for c in want.text) and got.text.islower():
                return False
        return True

    @staticmethod
    def _inside_longer_name(doc, start: int, end: int) -> bool:
        """A one-word name ("Work", "Mind") that is part of a longer capitalised
        name ("Institute for Fair Work", "Mind Matters UK") is not that stakeholder."""
        after = doc[end] if end < len(doc) else None
        before = doc[start - 1] if start > 0 else None
        if after is not None and (after.is_title or after.is_upper) and not after.is_punct and after.i != start:
            return True
        if before is not None and before.is_title and not before.is_sent_start and before.lower_ not in ("the", "a", "an"):
            return True
        if before is not None and before.lower_ in ("for", "of", "and") and start > 1 and doc[start - 2].is_title:
            return True
        return False

    def __call__(self, doc):
        if not self.entries:
            return doc
        self._admit(doc.text)
        found = []
        strings = self.nlp.vocab.strings
        for match_id, start, end in self.matcher(doc):
            sid, kind, surface = self.entries[strings[match_id]]
            if not self._case_fits(doc[start:end], surface):
                continue
            if end - start == 1 and doc[start].is_title and self._inside_longer_name(doc, start, end):
                continue
            found.append(Span(doc, start, end, label=kind, kb_id=sid))
        if not found:
            return doc
        found = [make_span(doc, s.start, s.end, s.label_, "curated", self.confidence, s.kb_id_)
                 for s in filter_spans(found)]
        others = [s for s in stakeholder_spans(doc) if not overlaps(s, found)]
        set_stakeholder_spans(doc, found + others)
        return doc
