"""The query language of ``scrutiny search`` and of the site's search box.

One grammar, two implementations that must agree: this module (the CLI, which
hands the parsed query to Whoosh with :func:`to_whoosh`) and
``site/theme/static/query.js`` (the browser). ``tests/test_search_parity.py``
runs the same queries through both and compares the parsed trees and the
results.

Syntax::

    words             every word must be present (in the text or the headings)
    "exact phrase"    the words next to each other, in order; punctuation,
                      hyphens and small words ("of", "the") between them do not count
    a OR b            either; OR joins the words either side of it:
                      ``iapt recovery OR remission`` = iapt AND (recovery OR remission)
    NOT word, -word   leave out passages with the word
    ( ... )           grouping
    heading:word      the word in the passage's section headings (also
                      ``heading:"a phrase"``, ``heading:(a OR b)``)
    word*             words starting with "word" (at least two letters; the index holds
                      stems, and ``associat*`` finds "associate", stemmed ``associ``:
                      see :func:`shorter_stems`)

Words are analysed as the index analyses them (Whoosh's ``StemmingAnalyzer``:
lower case, English stop words out, Porter stems), so ``pensions`` finds
``pension`` and ``State-Pension`` is the phrase ``"state pension"``.

The parsed query is a small tree of frozen dataclasses (:class:`Term`,
:class:`Phrase`, :class:`Prefix`, :class:`And`, :class:`Or`, :class:`Not`)
that any engine can translate: :func:`to_whoosh` for the Whoosh index,
:func:`to_dict` for JSON. A term's ``field`` is ``None`` for the default
fields (text and heading, scored as the sum of both) or ``"heading"``/``"text"``.

Only Whoosh's analyser is imported (lazily): this module is on the path of
``scrutiny search``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from scrutiny.errors import ScrutinyError

FIELDS = ("text", "heading")
# White space as both implementations see it (Python's and JavaScript's \s differ).
WHITESPACE = " \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
OPERATORS = ("AND", "OR", "NOT")
_FIELD = re.compile(r"^(heading|text):", re.IGNORECASE)
_WORD = re.compile(r"^\w+$")
MIN_PREFIX = 2

NOT_ONLY = "NOT only leaves things out: give a word or phrase to look for as well"
NO_WORDS = "no word to search for (only small words such as “the”)"
SHORT_PREFIX = "a search for words starting with some letters needs at least two letters before the *"


class QueryError(ScrutinyError):
    """A query that cannot be run; the message says why (the site shows the same words)."""


@dataclass(frozen=True)
class Term:
    text: str                 # an analysed token (stemmed)
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]    # analysed tokens, next to each other in this order
    field: str | None = None


@dataclass(frozen=True)
class Prefix:
    text: str                 # lower-cased, matched against the index's (stemmed) terms
    field: str | None = None


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


Node = Union[Term, Phrase, Prefix, And, Or, Not]

_ANALYZER = None


def analyzer():
    """The analyser of the index's text and heading fields (Whoosh's StemmingAnalyzer)."""
    global _ANALYZER
    if _ANALYZER is None:
        from scrutiny.whoosh_import import prepare

        prepare()
        from whoosh.analysis import StemmingAnalyzer

        _ANALYZER = StemmingAnalyzer()
    return _ANALYZER


def analyse(text: str) -> list[str]:
    """The tokens the index holds for ``text``, in order."""
    return [t.text for t in analyzer()(text)]


def analyse_positions(text: str) -> list[tuple[str, int]]:
    """(token, position) for ``text`` as the index stores it (stop words out, positions renumbered)."""
    return [(t.text, t.pos) for t in analyzer()(text, positions=True)]


# --- lexer ------------------------------------------------------------------------------------

def _lex(q: str) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    i, n = 0, len(q)
    while i < n:
        c = q[i]
        if c in WHITESPACE:
            i += 1
            continue
        if c in "()":
            out.append((c, None))
            i += 1
            continue
        if c == '"':
            j = q.find('"', i + 1)
            if j < 0:
                j = n
            out.append(("phrase", q[i + 1:j]))
            i = j + 1
            continue
        j = i
        while j < n and q[j] not in WHITESPACE and q[j] not in '()"':
            j += 1
        _word(q[i:j], out)
        i = j
    return out


def _word(word: str, out: list) -> None:
    if word in OPERATORS:
        out.append((word, None))
        return
    if word.startswith("-") and len(word) > 1:
        out.append(("NOT", None))
        word = word[1:]
    m = _FIELD.match(word)
    if m:
        out.append(("field", m.group(1).lower()))
        word = word[m.end():]
        if not word:
            return
    out.append(("word", word))


# --- parser -----------------------------------------------------------------------------------

class _Parser:
    def __init__(self, tokens):
        self.toks = tokens
        self.pos = 0

    def peek(self):
        return self.toks[self.pos][0] if self.pos < len(self.toks) else None

    def query(self):
        items = []
        while self.pos < len(self.toks):
            items.append(self.conj())
            if self.peek() == ")":   # a stray closing bracket
                self.pos += 1
        return And(tuple(items))

    def conj(self):
        items = []
        while self.pos < len(self.toks):
            t = self.peek()
            if t == ")":
                break
            if t in ("AND", "OR"):   # explicit AND, or a dangling OR
                self.pos += 1
                continue
            items.append(self.disj())
        return And(tuple(items))

    def disj(self):
        parts = [self.unary()]
        while self.peek() == "OR":
            self.pos += 1
            if self.peek() in (None, ")", "AND", "OR"):
                break
            parts.append(self.unary())
        return Or(tuple(parts)) if len(parts) > 1 else parts[0]

    def unary(self):
        kind, value = self.toks[self.pos]
        self.pos += 1
        if kind == "NOT":
            if self.peek() in (None, ")", "AND", "OR"):
                return None
            inner = self.unary()
            return Not(inner) if inner is not None else None
        if kind == "field":
            if self.peek() in (None, ")", "AND", "OR"):
                return None
            return _with_field(self.unary(), value)
        if kind == "(":
            inner = self.conj()
            if self.peek() == ")":
                self.pos += 1
            return inner
        if kind == "phrase":
            return _phrase(value)
        return _word_node(value)


def _word_node(word: str):
    if word.endswith("*"):
        prefix = word.rstrip("*").lower()
        if _WORD.match(prefix):
            if len(prefix) < MIN_PREFIX:
                raise QueryError(SHORT_PREFIX)
            return Prefix(prefix)
        word = word.rstrip("*")
    return _phrase(word)


def shorter_stems(prefix: str) -> list[str]:
    """The index holds stems: "associate" is ``associ``, shorter than ``associat*``.
    A word starting with the prefix has a stem that starts with it, or that it
    starts with -- these: the prefix less its last one to four letters, down to
    three letters."""
    return [prefix[:k] for k in range(max(3, len(prefix) - 4), len(prefix))]


def _phrase(text: str):
    toks = analyse(text)
    if not toks:
        return None
    if len(toks) == 1:
        return Term(toks[0])
    return Phrase(tuple(toks))


def _with_field(node, field: str):
    """``node`` with ``field`` on each word that names none of its own."""
    if node is None:
        return None
    if isinstance(node, Term):
        return node if node.field else Term(node.text, field)
    if isinstance(node, Prefix):
        return node if node.field else Prefix(node.text, field)
    if isinstance(node, Phrase):
        return node if node.field else Phrase(node.words, field)
    if isinstance(node, Not):
        return Not(_with_field(node.item, field))
    return type(node)(tuple(_with_field(x, field) for x in node.items))


def _simplify(node):
    if node is None or isinstance(node, (Term, Phrase, Prefix)):
        return node
    if isinstance(node, Not):
        inner = _simplify(node.item)
        if inner is None:
            return None
        return inner.item if isinstance(inner, Not) else Not(inner)
    cls = type(node)
    items = []
    for x in node.items:
        x = _simplify(x)
        if x is None:
            continue
        for y in (x.items if isinstance(x, cls) else (x,)):
            if y not in items:
                items.append(y)
    if not items:
        return None
    return items[0] if len(items) == 1 else cls(tuple(items))


def _positive(node) -> bool:
    """Does ``node`` find something by itself (not only leave things out)?"""
    if isinstance(node, (Term, Phrase, Prefix)):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_positive(x) for x in node.items)
    return all(_positive(x) for x in node.items)


def _check(node) -> None:
    if isinstance(node, Not):
        _check(node.item)
        return
    if isinstance(node, (And, Or)):
        if not _positive(node):
            raise QueryError(NOT_ONLY)
        for x in node.items:
            _check(x)


def parse(q: str) -> Node | None:
    """The query ``q`` as a tree; None when it has no word to look for (only
    small words such as "the"). Raises :class:`QueryError` for a query that
    only leaves things out, or a prefix shorter than two letters."""
    node = _simplify(_Parser(_lex(q)).query())
    if node is None:
        return None
    if not _positive(node):
        raise QueryError(NOT_ONLY)
    _check(node)
    return node


# --- output -----------------------------------------------------------------------------------

def to_dict(node) -> dict | None:
    """The tree as JSON-able data (the same shape query.js builds)."""
    if node is None:
        return None
    if isinstance(node, Term):
        return {"term": node.text, "field": node.field}
    if isinstance(node, Prefix):
        return {"prefix": node.text, "field": node.field}
    if isinstance(node, Phrase):
        return {"phrase": list(node.words), "field": node.field}
    if isinstance(node, Not):
        return {"not": to_dict(node.item)}
    return {"and" if isinstance(node, And) else "or": [to_dict(x) for x in node.items]}


def positive_terms(node) -> tuple[set[str], set[str]]:
    """(terms, prefixes) a result is found by (outside NOT): what highlighting marks
    (a prefix's shorter stems are among the terms)."""
    terms: set[str] = set()
    prefixes: set[str] = set()

    def walk(n, neg):
        if isinstance(n, Term) and not neg:
            terms.add(n.text)
        elif isinstance(n, Phrase) and not neg:
            terms.update(n.words)
        elif isinstance(n, Prefix) and not neg:
            prefixes.add(n.text)
            terms.update(shorter_stems(n.text))
        elif isinstance(n, Not):
            walk(n.item, not neg)
        elif isinstance(n, (And, Or)):
            for x in n.items:
                walk(x, neg)

    if node is not None:
        walk(node, False)
    return terms, prefixes


def to_whoosh(node):
    """The Whoosh query for ``node``: a term in the default fields is the sum of
    its scores in the text and in the headings (as Whoosh's MultifieldParser
    made it); a prefix is scored as the sum of the words it expands to."""
    from whoosh import query as Q

    def fields(n):
        return (n.field,) if n.field else FIELDS

    def one(n):
        if isinstance(n, Term):
            qs = [Q.Term(f, n.text) for f in fields(n)]
        elif isinstance(n, Phrase):
            qs = [_phrase_query()(f, list(n.words)) for f in fields(n)]
        elif isinstance(n, Prefix):
            # the words starting with the prefix, and the stems it starts with (each word once)
            qs = [Q.Or([Q.Prefix(f, n.text, constantscore=False)] + [Q.Term(f, t) for t in shorter_stems(n.text)])
                  for f in fields(n)]
        elif isinstance(n, Or):
            return Q.Or([one(x) for x in n.items])
        elif isinstance(n, And):
            pos = [one(x) for x in n.items if not isinstance(x, Not)]
            neg = [one(x.item) for x in n.items if isinstance(x, Not)]
            q = pos[0] if len(pos) == 1 else Q.And(pos)
            if neg:
                # Require(q, Not(...)), not AndNot: whoosh's AndNot keeps a document the
                # excluded words also match when their postings start before it
                # (tests/test_search.py::test_not_leaves_out_every_passage_with_the_word)
                q = Q.Require(q, Q.Not(neg[0] if len(neg) == 1 else Q.Or(neg)))
            return q
        else:
            raise QueryError(NOT_ONLY)   # parse() never returns a bare NOT
        return qs[0] if len(qs) == 1 else Q.Or(qs)

    return one(node)


_PHRASE = None


def _phrase_query():
    """Whoosh's ``Phrase`` query, with a quicker test of whether a passage holds the
    phrase (the same answer, hence the same hits, scores and order).

    Whoosh's phrase matcher (``SpanNear2`` with ``slop=1``, ``mindist=1``,
    ``ordered``) builds and merges span objects at every passage holding all
    the words; a passage holds the phrase exactly when a position ``p`` of the
    first word has the i-th word at ``p + i``, which is what is tested here
    (with sets of positions). The spans it reports are those Whoosh's gives."""
    global _PHRASE
    if _PHRASE is not None:
        return _PHRASE
    from whoosh import matching
    from whoosh import query as Q
    from whoosh.query.spans import Span, SpanNear2

    class PhraseMatcher(SpanNear2.SpanNear2Matcher):
        def _get_spans(self):
            if self.slop != 1 or self.mindist != 1 or not self.ordered:
                return super()._get_spans()
            ms = self.ms
            first = ms[0].value_as("positions")
            rest = [frozenset(m.value_as("positions")) for m in ms[1:]]
            last = len(ms) - 1
            return [Span(p, p + last) for p in first
                    if all(p + i in pos for i, pos in enumerate(rest, 1))]

    class PhraseSpans(SpanNear2):
        def matcher(self, searcher, context=None):
            ms = [q.matcher(searcher, context) for q in self.qs]
            return PhraseMatcher(ms, slop=self.slop, ordered=self.ordered, mindist=self.mindist)

    class Phrase(Q.Phrase):
        def matcher(self, searcher, context=None):
            # Whoosh's Phrase.matcher, with PhraseSpans for SpanNear2
            fieldname = self.fieldname
            if fieldname not in searcher.schema:
                return matching.NullMatcher()
            field = searcher.schema[fieldname]
            if not field.format or not field.format.supports("positions"):
                raise QueryError(f"phrase search: the {fieldname!r} field has no positions")
            terms = []
            reader = searcher.reader()
            for word in self.words:
                try:
                    word = field.to_bytes(word)
                except ValueError:
                    return matching.NullMatcher()
                if (fieldname, word) not in reader:
                    return matching.NullMatcher()   # a word not in the index: no passage holds the phrase
                terms.append(Q.Term(fieldname, word))
            m = PhraseSpans(terms, slop=self.slop, ordered=True, mindist=1).matcher(searcher, context)
            if self.boost != 1.0:
                m = matching.WrappingMatcher(m, boost=self.boost)
            return m

    _PHRASE = Phrase
    return Phrase
