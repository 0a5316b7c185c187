"""Ties read from the dependency parse: who holds a post, who sits on a body.

The phrase patterns of :mod:`scrutiny.nlp.tie_patterns` see a sentence as a
string with its names replaced by placeholders, so a relative clause, an
adverb or an apposition between a name and its verb hides the tie. Here the
clause is read from the parse instead:

- the **subject** of a verb is its ``nsubj``/``nsubjpass`` (a relative pronoun
  stands for the noun the clause hangs from; a verb joined by "and" shares the
  subject of the first; a role noun with a name in apposition stands for the
  name: "Its medical director, Dr A, is ...");
- **"sits on / serves on"** a body, or on "the board (panel, council ...) of" a
  body: the subject is a member of it;
- **"is / was / became / served as / was appointed (as)"** a role noun "of",
  "at" or "for" a body: the subject (a person) holds that post there ("was
  previously head of policy at X", "served as chief economist at X"); a
  "member" of a body is a member of it;
- a **role noun** with a body as its possessor and a person in apposition
  ("Its former chief executive, A"; "X's head of research, B") or a person
  whose apposition is such a noun ("B, X's head of research").

Each finding is ``(subject span, object span, relation, role, confidence,
how)``; :class:`~scrutiny.nlp.tie_patterns.TiePatterns` checks the kinds and
keeps the best confidence per tie.
"""

from __future__ import annotations

from scrutiny.nlp.people import ROLE_WORDS

# Nouns that name a post a person holds (their modifiers make the role: "chief nurse").
ROLE_NOUNS = ROLE_WORDS | frozenset("""
executive officer nurse fellow lead editor correspondent partner economist scientist adviser advisor
registrar superintendent inspector ombudsman auditor actuary architect engineer solicitor counsel
representative rapporteur ambassador envoy patron governor presenter reporter columnist
""".split())
# A body's part that people sit on: "the board of X", "the council of X".
SEAT_NOUNS = frozenset("""
board council committee panel executive trustees governors senate court cabinet body group forum
""".split())
# Verb forms (the pipeline runs without a lemmatizer).
COPULAS = frozenset("""
is are was were be been being becomes became become remains remained remain serves served serve serving
acts acted act appointed named elected made
""".split())
SIT_VERBS = frozenset("sit sits sat sitting serve serves served serving".split())
_RELATIVE = frozenset("who which that whom".split())
_NOT_ROLE_MODIFIERS = frozenset("former then previous current new interim acting its their his her the a an".split())


def _span_of(token, token_span):
    return token_span.get(token.i)


def _subjects(verb, token_span, depth: int = 0):
    """The stakeholder spans a verb is said of (see the module's docstring)."""
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subj and verb.dep_ == "conj" and depth < 3:
        return _subjects(verb.head, token_span, depth + 1)
    if not subj and verb.dep_ == "acl":
        subj = [verb.head]  # "Its director, A, previously served as ...", parsed as a clause of "director"
    out = []
    for s in subj:
        group = [s] + [c for c in s.children if c.dep_ == "conj"]
        if s.lower_ in _RELATIVE and verb.dep_ == "relcl":
            # the name just before "who" (the parser may hang the clause on the first of a list)
            before = s.doc[s.i - 1] if s.i > 0 else None
            if before is not None and before.is_punct and s.i > 1:
                before = s.doc[s.i - 2]
            group = [before if before is not None and before.i in token_span else verb.head]
        for t in group:
            span = _span_of(t, token_span)
            if span is None:
                # "Its medical director, Dr A, ...": the name in apposition
                span = next((_span_of(c, token_span) for c in t.children
                             if c.dep_ == "appos" and _span_of(c, token_span) is not None), None)
            if span is not None:
                out.append(span)
    return out


def _bodies_after(token, token_span, depth: int = 0):
    """Spans reached from ``token`` through "of/at/for/with/within" + object, once or twice
    ("head of policy at X": through "policy")."""
    out = []
    for prep in token.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("of", "at", "for", "with", "within", "in"):
            continue
        for pobj in prep.children:
            if pobj.dep_ != "pobj":
                continue
            span = _span_of(pobj, token_span)
            if span is not None:
                out.append((prep.lower_, span))
            elif depth < 1 and pobj.is_lower:
                out.extend(_bodies_after(pobj, token_span, depth + 1))
    return out


def _role_text(noun) -> str:
    mods = [c for c in noun.children if c.i < noun.i and c.dep_ in ("amod", "compound") and c.is_lower
            and c.is_alpha and c.lower_ not in _NOT_ROLE_MODIFIERS]
    words = [t.lower_ for t in sorted(mods, key=lambda t: t.i)] + [noun.lower_]
    of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is not None:
        obj = next((c for c in of.children if c.dep_ == "pobj" and c.is_lower), None)
        if obj is not None:
            words += ["of", obj.lower_]  # "head of policy"
    return " ".join(words)


def parse_ties(sent_tokens, in_sent):
    """Ties the parse of one sentence states among its stakeholder spans."""
    token_span = {t.i: span for span in in_sent for t in span}
    found = []
    for tok in sent_tokens:
        if tok.pos_ in ("VERB", "AUX"):
            found.extend(_verb_ties(tok, token_span))
        if tok.pos_ == "NOUN" and tok.lower_ in ROLE_NOUNS and tok.i not in token_span:
            found.extend(_role_noun_ties(tok, token_span))
    return found


def _verb_ties(verb, token_span):
    lemma = verb.lower_
    out = []
    subjects = None
    if lemma in SIT_VERBS:
        for prep in verb.children:
            if prep.dep_ != "prep" or prep.lower_ != "on":
                continue
            for pobj in prep.children:
                if pobj.dep_ != "pobj":
                    continue
                body = _span_of(pobj, token_span)
                bodies = [body] if body is not None else (
                    [s for p, s in _bodies_after(pobj, token_span) if p == "of"] if pobj.lower_ in SEAT_NOUNS else [])
                subjects = subjects if subjects is not None else _subjects(verb, token_span)
                for s in subjects:
                    for b in bodies:
                        out.append((s, b, "member_of", None, 0.75, "parse_sits_on"))
    if lemma in COPULAS:
        nouns = [c for c in verb.children if c.dep_ in ("attr", "oprd", "acomp")]
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.lower_ == "as":
                nouns += [c for c in prep.children if c.dep_ == "pobj"]
        nouns = [n for n in nouns if n.lower_ in ROLE_NOUNS and n.i not in token_span]
        for noun in nouns:
            bodies = _bodies_after(noun, token_span) or [
                (p, s) for p, s in _bodies_after(verb, token_span) if p in ("at", "with", "for")]
            if not bodies:
                continue
            subjects = subjects if subjects is not None else _subjects(verb, token_span)
            role = _role_text(noun)
            for s in subjects:
                for p, b in bodies[:1]:
                    if noun.lower_ == "member" and p == "of":
                        out.append((s, b, "member_of", None, 0.75, "parse_member_of"))
                    elif s.label_ == "person" and b.label_ == "organisation":
                        out.append((s, b, "position", role, 0.75, "parse_role_of"))
    return out


def _role_noun_ties(noun, token_span):
    """"Its former chief executive, A": a role with a body as possessor and a person beside it."""
    owner = next((_span_of(c, token_span) for c in noun.children
                  if c.dep_ == "poss" and _span_of(c, token_span) is not None), None)
    if owner is None or owner.label_ != "organisation":
        return []
    people = [_span_of(c, token_span) for c in noun.children if c.dep_ == "appos"]
    if noun.dep_ == "appos":
        people.append(_span_of(noun.head, token_span))
    role = _role_text(noun)
    return [(p, owner, "position", role, 0.75, "parse_possessed_role")
            for p in people if p is not None and p.label_ == "person"]
