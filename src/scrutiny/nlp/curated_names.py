"""spaCy component ``scrutiny_curated_names``: names people have listed win.

Fed with the knowledge base's stakeholders (names and aliases) and with the
manifest's document titles through :meth:`CuratedNames.add_names`. Matching is
case-insensitive ("MIND" finds "Mind") but an alias written with capitals never
matches an all-lower-case run of words ("mind" the noun is not the charity).
A curated span replaces any overlapping span found by the statistical model.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Span
from spacy.util import filter_spans

from scrutiny.nlp.spans import make_span, overlaps, set_stakeholder_spans, stakeholder_spans


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

    def add_names(self, names) -> None:
        """``names``: iterable of ``(stakeholder_id, kind, surface_name)``."""
        for sid, kind, surface in names:
            surface = (surface or "").strip()
            if len(surface) < self.min_chars:
                continue
            match_key = f"scr{self.count}"
            self.count += 1
            self.entries[match_key] = (sid, kind, surface)
            self.matcher.add(match_key, [self.nlp.make_doc(surface)])

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
