"""spaCy component ``scrutiny_coreference``: "the review" is the report named before.

Definite descriptions ("the review", "the report", "the coalition", "the unit",
"the scheme"), a sentence-opening "It" or "Its", "Members include ..." and a
capitalised head word before a role ("Council leader X") are resolved to the
stakeholder they stand for: the nearest name before them **in the same passage**
whose kind fits the head word, preferring one whose name contains it ("the
Taskforce" -> "Rivers Recovery Taskforce"). Nothing is resolved across passages.
A sentence-opening "She" or "He" stands for the first person of the sentence just
before (when the given name does not say otherwise); "its" inside a sentence, before
a post after a comma ("X, its chief executive,") or before a name ("its Mental Health
Faculty"), for the nearest body before it in the sentence, or the first body of the
sentence just before. "our" before a post ("our Chief Executive, A,") or before what the
body does ("Our work is funded by ...") stands for the body the passage speaks for
(:mod:`scrutiny.nlp.writer_body`).

Each resolved phrase becomes a span of the stakeholder group with source
``coref``, the antecedent's kind and curated id, and ``doc._.coref`` maps its
character offsets to the antecedent's (read it with :func:`antecedent`; kept as
``{start: [end, antecedent start, antecedent end]}`` so that a doc made in
another process, which comes back through msgpack, reads the same), so the tie patterns can use it as a tie
end and the tagging stage resolves it to the antecedent's stakeholder. A
back-reference is never a name: it is not counted as one, and never names a
stakeholder.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from scrutiny.nlp.spans import make_span, overlaps, set_stakeholder_spans, stakeholder_spans
from scrutiny.nlp.writer_body import OUR_WORK, writer_body

if not Doc.has_extension("coref"):
    Doc.set_extension("coref", default=None)



def antecedent(doc, start: int, end: int) -> tuple[int, int] | None:
    """The character offsets of the name the back-reference at ``start:end`` stands for."""
    found = (doc._.coref or {}).get(start)
    if found is None or found[0] != end:
        return None
    return (found[1], found[2])


DOCUMENT_HEADS = frozenset("review report plan strategy framework study paper briefing inquiry guidance toolkit "
                           "consultation analysis white green document evaluation".split())
ORGANISATION_HEADS = frozenset("coalition alliance network unit centre center group taskforce commission committee forum "
                               "partnership trust foundation institute charity union agency council board department company "
                               "body organisation organization panel service association federation consortium "
                               "collaborative team office authority ministry operator college university hub firm "
                               "academy hospital society".split())
PROGRAMME_HEADS = frozenset("scheme programme program campaign fund pilot initiative project grant helpline "
                            "trial".split())
ROLE_AFTER = frozenset("leader chief chair chairman chairwoman director head secretary spokesperson spokesman "
                       "spokeswoman founder manager boss".split())
_DETS = frozenset("the this that its their our".split())


def head_kind(word: str) -> str | None:
    w = word.casefold()
    if w in DOCUMENT_HEADS:
        return "document"
    if w in PROGRAMME_HEADS:
        return "programme"
    if w in ORGANISATION_HEADS:
        return "organisation"
    return None


def _described_as(doc, span, word: str) -> bool:
    """The passage says what ``span`` is, with ``word`` as the head: "X is a coalition
    of ...", "X, a research unit at ...", "X, the ministry's own agency", a subtitle
    ("X: An Independent Review of ...")."""
    after = doc.text[span.end_char:span.end_char + 100]
    if re.match(rf"[ \t]*:[ \t]*(?:(?:a|an|the)\s+)?(?:[\w'’-]+[ \t]+){{0,5}}?{re.escape(word)}s?\b", after, re.I):
        return True  # a title and its subtitle: "Stronger Minds: A Workforce Plan for ..." ... "this plan"
    return re.match(rf"\s*(?:,\s*|\s+(?:is|was|has been|became)\s+)(?:also\s+)?(?:a|an|the)\s+"
                    rf"(?:[\w'’-]+\s+){{0,3}}?{re.escape(word)}s?\b", after, re.I) is not None


def _role_follows(doc, i: int) -> bool:
    """Does a post follow at ``i`` ("chief executive", "former chair", "head of policy")?"""
    from scrutiny.nlp.tie_parse import ROLE_NOUNS

    for k in range(i, min(i + 3, len(doc))):
        if doc[k].lower_ in ROLE_NOUNS and doc[k].pos_ == "NOUN":
            return True
        if not (doc[k].is_lower and doc[k].is_alpha):
            return False
    return False


WRITER = "\x00writer"  # the head word of "our": the body the passage speaks for


def _our_post(doc, i: int) -> bool:
    """A post after "our", then a comma: "our Chief Executive, A", "our head of policy, B"."""
    from scrutiny.nlp.tie_parse import ROLE_NOUNS

    for k in range(i, min(i + 4, len(doc))):
        if not doc[k].is_alpha:
            return False
        if doc[k].lower_ in ROLE_NOUNS and k + 1 < len(doc) and doc[k + 1].text == ",":
            return True
    return False


WE_RUN = frozenset("run runs ran provide provided deliver delivered operate operated host hosted manage managed".split())


def _we_run(doc, i: int) -> bool:
    """A verb of running a service after "we", an adverb or "will" between: "we run",
    "we also provide", "we will deliver", "we have run"."""
    for k in range(i, min(i + 3, len(doc))):
        if doc[k].lower_ in WE_RUN:
            return True
        if doc[k].lower_ not in ("also", "jointly", "now", "still", "already", "will", "have", "currently"):
            return False
    return False


def _sentences_between(doc, end: int, start: int) -> int:
    """How many sentences start between token ``end`` and token ``start``."""
    return sum(1 for t in doc[end:start] if t.is_sent_start)


def _gender_fits(span, pronoun: str) -> bool:
    """Does the person's given name (when it tells) agree with "he" or "she"?"""
    from scrutiny.nlp.people import HONORIFICS, _detector

    words = [t.text for t in span if t.lower_.rstrip(".") not in HONORIFICS]
    if not words:
        return True
    gender = _detector().get_gender(words[0])
    if gender in ("male", "mostly_male"):
        return pronoun == "he"
    if gender in ("female", "mostly_female"):
        return pronoun == "she"
    return True


@Language.factory("scrutiny_coreference", default_config={"confidence": 0.7})
def make_coreference(nlp, name, confidence: float):
    return Coreference(name, confidence)


class Coreference:
    def __init__(self, name, confidence=0.7):
        self.name = name
        self.confidence = confidence

    def __call__(self, doc):
        spans = stakeholder_spans(doc)
        doc._.coref = {}
        if not spans:
            return doc
        added = []
        sent_starts = {t.i for t in doc if t.is_sent_start}
        for tok in doc:
            found = self._candidate(doc, tok, sent_starts)
            if found is None:
                continue
            start, end, kinds, word = found
            if overlaps(doc[start:end], spans) or overlaps(doc[start:end], added):
                continue
            ante = self._antecedent(spans + added, start, kinds, word, doc)
            if ante is not None and ante._.source == "coref":
                # "This report was ... Its authors": through the back-reference to the name
                first = antecedent(doc, ante.start_char, ante.end_char)
                ante = next((s for s in spans if (s.start_char, s.end_char) == first), None) if first else None
                if ante is None:
                    continue
            if ante is None:
                continue
            span = make_span(doc, start, end, ante.label_, "coref", self.confidence, ante.kb_id_)
            added.append(span)
            doc._.coref[span.start_char] = [span.end_char, ante.start_char, ante.end_char]
        if added:
            set_stakeholder_spans(doc, spans + added)
        return doc

    @staticmethod
    def _candidate(doc, tok, sent_starts):
        """(start, end, kinds, head word) of a back-reference starting at ``tok``, or None."""
        i = tok.i
        low = tok.lower_
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        # "It is part-funded by ...", "Its director, ...": a sentence opening with it
        if low in ("it", "its") and i in sent_starts:
            if low == "its" and nxt is not None and nxt.lower_ in ("author", "authors", "co-authors", "findings"):
                return i, i + 1, ("document",), None  # "Its authors are ...": the document before
            return i, i + 1, ("organisation", "programme", "document"), None
        # "She sits on the board of ...": a person named in the sentence before
        if low in ("he", "she") and i in sent_starts:
            return i, i + 1, ("person",), None
        # "Ann Lowe, its chief executive, said", "and ask its Mental Health Faculty to ...": a
        # body named before, in the same sentence or the one before
        if low == "its" and i not in sent_starts and nxt is not None and (
                (nxt.is_title and nxt.is_alpha and not nxt.is_sent_start)
                or (doc[i - 1].text == "," and _role_follows(doc, i + 1))):
            return i, i + 1, ("organisation",), None
        # "our Chief Executive, A", "Our work is funded by ...": the body the passage speaks for
        if low == "our" and nxt is not None and (_our_post(doc, i + 1)
                                                 or OUR_WORK.match(doc.text, nxt.idx)):
            return i, i + 1, ("organisation",), WRITER
        # "We provide the secretariat to X", "X, which we run jointly with Y": the body the
        # passage speaks for, when what follows is what a body runs
        if low == "we" and _we_run(doc, i + 1):
            return i, i + 1, ("organisation",), WRITER
        # "Members include ..." opening a sentence: the members of the body just named
        if low == "members" and i in sent_starts and nxt is not None and nxt.lower_ in ("include", "included", "are", "were"):
            return i, i + 1, ("organisation",), None
        # "the review", "the Coalition", "this scheme" (not "the review team")
        if low in _DETS and nxt is not None and head_kind(nxt.text) and nxt.text[:1].isalpha():
            after = doc[i + 2] if i + 2 < len(doc) else None
            if after is not None and after.is_alpha and after.is_lower and after.pos_ in ("NOUN", "PROPN") \
                    and after.dep_ == "compound":
                return None
            if after is not None and after.is_title and not after.is_sent_start:
                return None  # "the Review of X": a name, not a back-reference
            if low in ("its", "their", "our"):
                return None
            return i, i + 2, (head_kind(nxt.text),), nxt.lower_
        # "Council leader X": a capitalised head word before a role
        if tok.is_title and head_kind(tok.text) == "organisation" and nxt is not None and nxt.lower_ in ROLE_AFTER \
                and (i == 0 or not doc[i - 1].is_title):
            return i, i + 1, ("organisation",), tok.lower_
        return None

    @staticmethod
    def _antecedent(spans, start, kinds, word, doc):
        if word == WRITER:
            return writer_body(doc, spans, doc[start].idx)
        before = [s for s in spans if s.end <= start and s._.source != "coref" and s.label_ in kinds]
        if word is None:
            # a pronoun may stand for what a back-reference stood for ("This report ... Its authors")
            before = sorted([s for s in spans if s.end <= start and s.label_ in kinds], key=lambda s: s.start)
        if not before:
            return None
        if word is None:
            # a pronoun: the first name of the sentence before (its subject, most often); a
            # possessive inside a sentence ("Ann Lowe, its chief executive"): the nearest body
            # named before it in the same sentence, if any
            sent_start = doc[start].sent.start
            if start > sent_start and doc[start].lower_ == "its":
                same = [s for s in before if s.start >= sent_start]
                if same:
                    return same[-1]
            prev = [s for s in before if s.start < sent_start]
            if not prev:
                return None
            last_sent = doc[prev[-1].start].sent
            if (doc[start].lower_ in ("he", "she") or start > sent_start) \
                    and _sentences_between(doc, last_sent.end, sent_start) > 0:
                return None  # "She", "X, its chief executive": a name of the sentence just before
            in_last = [s for s in prev if s.start >= last_sent.start]
            found = in_last[0] if in_last else prev[-1]
            if doc[start].lower_ in ("he", "she") and not _gender_fits(found, doc[start].lower_):
                return None
            return found
        named = [s for s in before if word in s.text.casefold()]
        if named:
            return named[-1]
        described = [s for s in before if _described_as(doc, s, word)]
        if described:
            return described[-1]  # "End Hunger Now is a coalition of ..." ... "the coalition"
        if head_kind(word) == "organisation":
            return None  # "the council" with no council named before: not resolved
        return before[-1]
