"""What the dependency parse says about a sentence, as tokens for the claim model.

The claim model (:mod:`.claim_model`) reads the sentence's words and the rules that
fired; these tokens add what the parse knows (the pipeline runs without the
lemmatizer, so the root verb is read by its lower-cased form and its tag):

- ``p_root_<word>``: the sentence's root word, and ``p_roottag_<TAG>`` its tag
  (``VBD`` past, ``VBZ``/``VBP`` present, ``VB`` with a modal, ``NN`` for no verb);
- ``p_modal_<word>``: a modal attached to the root ("will", "should", "must");
- ``p_finite`` / ``p_nofinite``: whether any verb of the sentence is finite;
- ``p_number``: a number in the sentence;
- ``p_we``: "we" as the root's subject (first-person plural: pledges and calls);
- ``p_eval``: a comparative or superlative (adjective or adverb), or an evaluative adjective, anywhere
  in the sentence ("a serious failure"); ``p_eval_root`` when it is the root or
  hangs on it ("the provision is inadequate").

Cheap: one pass over the sentence's tokens and the root's children.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^a-z0-9]+")
_FINITE = frozenset({"VBD", "VBP", "VBZ", "MD"})
# Adjectives that judge (a short list of our own: the model learns which matter).
EVALUATIVE = frozenset("""
adequate inadequate effective ineffective successful unsuccessful good poor bad better worse best worst
serious significant insufficient sufficient unacceptable acceptable appropriate inappropriate clear unclear
welcome disappointing encouraging worrying concerning alarming impressive weak strong fragile robust
excellent outstanding failing unfair fair unsafe safe unsustainable sustainable vital essential crucial
critical important necessary unnecessary valuable useful helpful limited patchy inconsistent consistent
slow urgent wrong right difficult easy complex unrealistic realistic ambitious modest remarkable striking
""".split())


def _word(text: str) -> str:
    return _WORD.sub("_", text.lower()).strip("_") or "_"


def parse_tokens(span) -> list[str]:
    """The parse tokens of one sentence (a spaCy ``Span``); [] without a parse."""
    doc = span.doc
    if not len(span) or not doc.has_annotation("DEP"):
        return []
    out = []
    root = next((t for t in span if t.dep_ == "ROOT" and not t.is_space), None)
    if root is not None:
        out.append(f"p_root_{_word(root.text)}")
        out.append(f"p_roottag_{root.tag_ or 'none'}")
        for child in root.children:
            if child.tag_ == "MD":
                out.append(f"p_modal_{_word(child.text)}")
            elif child.dep_ in ("nsubj", "nsubjpass") and child.lower_ == "we":
                out.append("p_we")
            if child.pos_ == "ADJ" and child.lower_ in EVALUATIVE and "p_eval_root" not in out:
                out.append("p_eval_root")
        if root.pos_ == "ADJ" and root.lower_ in EVALUATIVE and "p_eval_root" not in out:
            out.append("p_eval_root")
    finite = number = graded = False
    for t in span:
        finite = finite or t.tag_ in _FINITE
        number = number or t.like_num
        graded = graded or (t.tag_ in ("JJR", "JJS", "RBR", "RBS") or (t.pos_ == "ADJ" and t.lower_ in EVALUATIVE))
    out.append("p_finite" if finite else "p_nofinite")
    if number:
        out.append("p_number")
    if graded:
        out.append("p_eval")
    return out
