"""spaCy component ``scrutiny_tie_patterns``: candidate ties between stakeholders.

Within each sentence, every stakeholder span is replaced by a placeholder
(``§3§``) and phrase patterns in the relation vocabulary are matched over the
result: "X, chief executive of Y", "Y's chair, X", "X, who chairs the Y",
"chaired by X", "prepared by X with funding from Y", "X is a member of Y",
"X, which is part of Y", "published by", "commissioned by", "X delivers Y for
Z"... Dependency patterns (verb with a subject and an object that are both
stakeholders) add what the phrases miss when a parser is loaded.

Each candidate is checked against the vocabulary's allowed subject and object
kinds; a statistical kind that does not fit may be re-read (an "ORG" named as
the thing a body published is a document), at a lower confidence. Results go
to ``doc._.ties`` as dicts with character offsets of subject, object and
sentence, a confidence and the pattern's name.
"""

from __future__ import annotations

import re

from spacy.language import Language

from scrutiny.nlp.claim_rules import sentences
from scrutiny.nlp.spans import stakeholder_spans

E = r"§(\d+)§"
DET = r"(?:(?:the|a|an|its|their|his|her|former|then|current|interim|acting|new|first)\s+)*"
GAP = r"(?:,[^§,;]{1,90},\s*)?"  # a parenthetical clause between commas
ROLE = (
    r"(?:chief executive(?: officer)?|ceo|co-chair|vice[- ]chair|deputy chair|chair(?:man|woman|person)?|"
    r"non-executive director|(?:managing|executive|medical|national|clinical|programme|policy|research|finance|deputy|regional) director|"
    r"director(?:[- ]general)?|vice[- ]president|president|permanent secretary|secretary[- ]general|"
    r"general secretary|secretary of state(?: for [a-z ,]+?)?|minister(?: for [a-z ,]+?)?|"
    r"chief [a-z]+ (?:officer|adviser|advisor|scientist|economist)|national clinical director|"
    r"head|founder|co-founder|trustee|governor|commissioner|convenor|patron|ambassador|"
    r"vice[- ]chancellor|principal|dean|editor|leader|lead|chief|board member|member|fellow)"
)
REL_VERB_POSITION = r"(?:chairs|chaired|leads|led|heads|headed|runs|ran|directs|directed|founded|co-founded|manages|managed)"

PATTERNS: list[tuple[str, str, float, re.Pattern]] = []  # (name, relation, confidence, regex)


def _p(name, relation, confidence, regex):
    PATTERNS.append((name, relation, confidence, re.compile(regex, re.I)))


# position / member_of ---------------------------------------------------------
_p("appos_role_of", "position", 0.85, rf"{E}\s*,\s*{DET}(?P<role>{ROLE})\s+(?:of|at|for|to)\s+{DET}{E}")
_p("bracket_role_of", "position", 0.8, rf"{E}\s*\(\s*(?:[^§()]{{0,80}}?\b(?:and|,)\s+)?{DET}(?P<role>{ROLE})\s+(?:of|at|for)\s+{DET}{E}")
_p("is_role_of", "position", 0.8,
   rf"{E}\s*{GAP}(?:is|was|has been|had been|became|becomes|serves as|served as|acts as|acted as|"
   rf"was appointed(?: as)?|has been appointed(?: as)?|was named(?: as)?|was elected(?: as)?|takes over as|took over as)\s+"
   rf"(?:also\s+|now\s+|currently\s+|still\s+|then\s+)?{DET}(?P<role>{ROLE})\s+(?:of|at|for)\s+{DET}{E}")
_p("relcl_role_of", "position", 0.8,
   rf"{E}\s*,\s*who\s+(?:is|was|has been|had been|became|serves as|served as)\s+(?:also\s+)?{DET}(?P<role>{ROLE})\s+(?:of|at|for)\s+{DET}{E}")
_p("relcl_verb", "position", 0.8, rf"{E}\s*,?\s*who\s+(?:also\s+|now\s+|then\s+)?(?P<role>{REL_VERB_POSITION})\s+{DET}{E}")
_p("verb_position", "position", 0.7, rf"{E}\s*{GAP}(?:also\s+|now\s+)?(?P<role>{REL_VERB_POSITION})\s+{DET}{E}")
_p("role_of_appos", "position", 0.8, rf"\b{DET}(?P<role>{ROLE})\s+of\s+{DET}{E}\s*,\s*{E}")
_p("role_of_name", "position", 0.75, rf"\b{DET}(?P<role>{ROLE})\s+of\s+{DET}{E}\s+{E}")
_p("possessive_role", "position", 0.8, rf"{E}\s*(?:'s|’s|')\s+(?:own\s+)?(?P<role>{ROLE})\s*,?\s*{E}")
_p("preposed_role", "position", 0.7, rf"{E}\s+(?P<role>{ROLE})\s*,?\s*{E}")
_p("member_of", "member_of", 0.85,
   rf"{E}\s*{GAP}(?:is|was|are|were|became|become|has been|have been|remains?)\s+(?:also\s+)?(?:a|an|one of the)?\s*(?:founding |full |former |leading |core |associate )?members?\s+of\s+{DET}{E}")
_p("appos_member_of", "member_of", 0.8, rf"{E}\s*,\s*(?:a|an|one of the)\s+(?:founding |full |former )?members?\s+of\s+{DET}{E}")
_p("sat_on", "member_of", 0.8, rf"{E}\s*{GAP}(?:,\s*who\s+)?(?:sat|sits|served|serves|has served|had served|was|is)\s+on\s+{DET}{E}")
_p("joined", "member_of", 0.7, rf"{E}\s*{GAP}(?:,\s*who\s+)?(?:joined|has joined)\s+{DET}{E}")
_p("members_include", "member_of", 0.7, rf"{E}\s*(?:'s|’s)?\s*members?\s+(?:include|included|includes|were|are)\s+{DET}{E}(?P<more>(?:\s*,\s*{DET}§\d+§)*(?:\s*,?\s*and\s+{DET}§\d+§)?)")
_p("possessive_person", "position", 0.6, rf"{E}\s*(?:'s|’s)\s+{E}")
# funded / provides (active forms) --------------------------------------------------
_p("allocates_funding", "funded", 0.75,
   rf"{E}\s*{GAP},?\s*(?:which\s+|who\s+)?(?:then\s+|also\s+)?(?:allocates|allocated|gives|gave|distributes|distributed|awards|awarded|channels|channelled|passes|passed)\s+(?:the\s+)?(?:funding|funds|grants?|money|its budget)\s+(?:on\s+)?to\s+{DET}{E}")
_p("invested_in", "funded", 0.7, rf"{E}\s*{GAP}(?:has\s+|have\s+|had\s+)?(?:invested|spent|put)\s+[^§;]{{0,60}}?\s+in(?:to)?\s+{DET}{E}")
_p("based_at", "part_of", 0.6, rf"{E}\s*,?\s*(?:which\s+is\s+|is\s+)?based\s+(?:at|within)\s+{DET}{E}")
_p("provider_of", "provides", 0.75,
   rf"{E}\s*[,(]\s*{DET}(?:private\s+|main\s+|lead\s+|sole\s+|largest\s+|biggest\s+)?(?:provider|supplier|contractor|operator|deliverer)\s+(?:of|for|to)\s+{DET}{E}")
# part_of ------------------------------------------------------------------------
_p("part_of", "part_of", 0.85,
   rf"{E}\s*,?\s*(?:which|that)?\s*(?:is|was|forms|formed|became|are|were)?\s*(?:a|an)?\s*part\s+of\s+{DET}{E}")
_p("unit_of", "part_of", 0.75,
   rf"{E}\s*,\s*(?:is\s+)?(?:a|an)\s+(?:executive\s+)?(?:agency|unit|division|arm|directorate|branch|subsidiary|team|department|body)\s+(?:of|within)\s+{DET}{E}")
_p("within", "part_of", 0.6, rf"{E}\s*,?\s*(?:which|that)\s+(?:sits|sat)\s+(?:within|inside|in)\s+{DET}{E}")
# authored / commissioned / published / funded ----------------------------------
_p("wrote", "authored", 0.7, rf"{E}\s*{GAP}(?:wrote|authored|co-authored|drafted|prepared|produced|led|chaired)\s+{DET}{E}")
_p("analysis_for", "authored", 0.7, rf"{E}\s*{GAP}(?:contributed|provided|supplied)\s+(?:the\s+)?(?:analysis|evidence|research|modelling)\s+(?:for|to)\s+{DET}{E}")
_p("commissioned", "commissioned", 0.75, rf"{E}\s*{GAP}(?:has\s+|had\s+)?commissioned\s+{DET}{E}")
_p("published", "published", 0.75, rf"{E}\s*{GAP}(?:has\s+|had\s+|have\s+)?(?:published|issued|released)\s+{DET}{E}")
_p("funded", "funded", 0.75, rf"{E}\s*{GAP}(?:has\s+|had\s+)?(?:funded|paid for|sponsored|financed|bankrolled)\s+{DET}{E}")
# provides -------------------------------------------------------------------------
_p("delivers_for", "provides", 0.8,
   rf"{E}\s*{GAP}(?:,\s*which\s+)?(?:provides|provided|delivers|delivered|runs|ran|operates|operated|carries out|carried out|conducts|conducted|supplies|supplied|has provided|has delivered)\s+[^§;]{{0,60}}?\b(?:for|to|on behalf of)\s+{DET}{E}")
_p("delivers", "provides", 0.65, rf"{E}\s*{GAP}(?:,\s*which\s+)?(?:provides|delivers|runs|operates)\s+{DET}{E}")
_p("contract", "provides", 0.75, rf"{E}\s*{GAP}(?:holds|held|won|was awarded|has been awarded|has|had)\s+(?:the\s+|a\s+|an\s+)?(?:[a-z-]+\s+)?contracts?\s+[^§;]{{0,60}}?\b(?:with|from|for)\s+{DET}{E}")
_p("analysis_by", "authored", 0.75, rf"\b(?:the\s+)?(?:analysis|evidence review|research|modelling|evaluation)\s+(?:for|behind|underpinning)\s+{DET}{E}\s+(?:was|were|has been)\s+(?:provided|carried out|done|supplied|undertaken|conducted)\s+by\s+{DET}{E}")

# Patterns whose first placeholder is the object and the second the subject.
_FIRST_IS_OBJECT = {"analysis_by"}

CHAIR_ROLES = {"chaired": "chair", "co-chaired": "co-chair", "led": "lead", "headed": "head",
               "directed": "director", "managed": "manager"}

# Passive agents: "<object> ... <verb> by <subject>" and "with funding from <subject>".
# The object is the nearest stakeholder before the verb whose kind the relation
# accepts (other names may stand between: "prepared by X with funding from Y").
AGENT_VERBS = {
    "authored": ("written|prepared|produced|authored|co-authored|drafted|compiled|undertaken|conducted|carried out", 0.85),
    "chaired": ("chaired|co-chaired|led|headed|directed|managed", 0.8),
    "commissioned": ("commissioned", 0.85),
    "published": ("published|issued|released", 0.85),
    "funded": ("funded|paid for|sponsored|financed|bankrolled", 0.85),
    "provides": ("provided|delivered|run|operated|supplied", 0.8),
}
_AGENT_RX = {
    rel: re.compile(rf"\b(?:{verbs})\s+(?:on\s+(?:its|their)\s+behalf\s+|jointly\s+|in\s+\d{{4}}\s+)?by\s+{DET}{E}(?P<more>(?:\s*,\s*{DET}§\d+§)*(?:\s*,?\s*(?:and|with)\s+{DET}§\d+§)?)", re.I)
    for rel, (verbs, _) in AGENT_VERBS.items()
}
_FUNDING_FROM = re.compile(rf"\bwith\s+(?:funding|financial support|a grant|grants|money|support)\s+from\s+{DET}{E}", re.I)
_ROLE_FIRST = {"role_of_appos", "role_of_name", "possessive_role", "preposed_role", "possessive_person"}  # org first, person second

DEP_VERBS = {}
for _rel, _forms in {
    "published": "publish publishes published publishing issue issues issued",
    "commissioned": "commission commissions commissioned",
    "funded": "fund funds funded finance finances financed sponsor sponsors sponsored",
    "authored": "write writes wrote written author authors authored co-authored draft drafted",
    "position": "chair chairs chaired lead leads led head heads headed",
    "provides": "deliver delivers delivered provide provides provided operate operates operated",
    "member_of": "join joins joined",
}.items():
    for _form in _forms.split():
        DEP_VERBS[_form] = _rel


def _verb_relation(token):
    return DEP_VERBS.get(token.lower_) or DEP_VERBS.get(token.lemma_.lower())


@Language.factory("scrutiny_tie_patterns", default_config={"use_dependencies": True, "min_confidence": 0.5})
def make_tie_patterns(nlp, name, use_dependencies: bool, min_confidence: float):
    return TiePatterns(name, use_dependencies, min_confidence)


def _vocab():
    from scrutiny.schema import vocabulary

    return vocabulary()


def _span_info(span, kind=None):
    return {"start": span.start_char, "end": span.end_char, "text": span.text,
            "kind": kind or span.label_, "kb_id": span.kb_id_, "source": span._.source}


def fit_kinds(relation: str, subj, obj):
    """(subject kind, object kind, penalty) allowed by the vocabulary, or None."""
    vocab = _vocab()
    rel = vocab.relations[relation]
    sk, ok = subj.label_, obj.label_
    if sk in rel["subject"] and ok in rel["object"]:
        return sk, ok, 0.0
    new_s, new_o, penalty = sk, ok, 0.0
    if sk not in rel["subject"]:
        if subj._.source == "curated" or not rel["subject"]:
            return None
        new_s, penalty = rel["subject"][0], penalty + 0.15
        if sk == "person" and "organisation" in rel["subject"]:
            new_s = "organisation"
    if ok not in rel["object"]:
        if obj._.source == "curated":
            return None
        new_o, penalty = rel["object"][0], penalty + 0.15
    return new_s, new_o, penalty


class TiePatterns:
    def __init__(self, name, use_dependencies=True, min_confidence=0.5):
        self.name = name
        self.use_dependencies = use_dependencies
        self.min_confidence = min_confidence

    def __call__(self, doc):
        spans = stakeholder_spans(doc)
        ties = []
        # Ask once per doc, not per sentence.
        self._parsed = len(spans) >= 2 and doc.has_annotation("DEP")
        if len(spans) >= 2:
            sents = [(c["start"], c["end"]) for c in (doc._.claims or [])] or [
                (s.start_char, s.end_char) for s in sentences(doc)]
            for s_start, s_end in sents:
                in_sent = [s for s in spans if s.start_char >= s_start and s.end_char <= s_end]
                if len(in_sent) < 2:
                    continue
                ties.extend(self._sentence_ties(doc, s_start, s_end, in_sent))
        doc._.ties = ties
        return doc

    def _sentence_ties(self, doc, s_start, s_end, in_sent):
        # Build the placeholder string, remembering where each piece came from.
        text = doc.text  # Doc.text joins every token: take it once
        pieces, pos, anchors, length = [], s_start, [], 0
        for n, span in enumerate(in_sent):
            for piece, orig in ((text[pos:span.start_char], pos), (f"§{n}§", None)):
                anchors.append((length, orig))
                pieces.append(piece)
                length += len(piece)
            pos = span.end_char
        anchors.append((length, pos))
        pieces.append(text[pos:s_end])
        masked = "".join(pieces)
        found: dict[tuple, dict] = {}
        for name, relation, conf, rx in PATTERNS:
            for m in rx.finditer(masked):
                nums = [int(x) for x in re.findall(r"§(\d+)§", m.group(0))]
                a, b = nums[0], nums[1]
                role = (m.groupdict().get("role") or "").lower()
                pairs = []
                if name in _FIRST_IS_OBJECT:
                    pairs = [(b, a)]
                elif name in _ROLE_FIRST:
                    pairs = [(b, a)]
                elif name == "members_include":
                    members = [b] + [int(x) for x in re.findall(r"§(\d+)§", m.groupdict().get("more") or "")]
                    pairs = [(s, a) for s in members]
                else:
                    pairs = [(a, b)]
                rel = relation
                if relation == "position" and role in ("member", "fellow", "board member"):
                    rel = "member_of"
                for si, oi in pairs:
                    self._add(found, doc, in_sent[si], in_sent[oi], rel, role, conf, name, s_start, s_end)
        self._agent_ties(found, doc, masked, anchors, in_sent, s_start, s_end)
        if self.use_dependencies and self._parsed:
            self._dependency_ties(found, doc, in_sent, s_start, s_end)
        return [t for t in found.values() if t["confidence"] >= self.min_confidence]

    def _agent_ties(self, found, doc, masked, anchors, in_sent, s_start, s_end):
        vocab = _vocab()
        for rel, rx in list(_AGENT_RX.items()) + [("funded", _FUNDING_FROM)]:
            conf = AGENT_VERBS[rel][1] if rel in AGENT_VERBS else 0.8
            for m in rx.finditer(masked):
                subjects = [int(m.group(1))] + [int(x) for x in re.findall(r"§(\d+)§", m.groupdict().get("more") or "")]
                before = masked[:m.start()]
                clause = re.split(r";|\.\s", before)[-1]
                candidates = [int(x) for x in re.findall(r"§(\d+)§", clause)]
                relation, role = rel, ""
                if rel == "chaired":
                    verb = m.group(0).split()[0].lower()
                    relation, role = "position", CHAIR_ROLES.get(verb, verb)
                syntactic = (self._attached_to(doc, masked, anchors, m.start(), in_sent, candidates)
                             if self._parsed else None)
                if syntactic is not None:
                    candidates = [syntactic]
                for oi in reversed(candidates):
                    if oi in subjects:
                        continue
                    if len(candidates) > 1 and re.search(rf"\b(?:at|near|within|based in)\s+{DET}$",
                                                         clause[:clause.find(f"§{oi}§")]):
                        continue  # "the Unit, based at X and directed by Y": Y directs the Unit, not X
                    if rel == "funded" and re.search(rf"\bby\s+{DET}$", clause[:clause.find(f"§{oi}§")]):
                        continue  # "prepared by X with funding from Y": X is an agent, not what was funded
                    obj = in_sent[oi]
                    if relation == "position" and obj.label_ == "document":
                        relation_here, role_here = "authored", "chair"
                    else:
                        relation_here, role_here = relation, role
                    allowed = vocab.relations[relation_here]["object"]
                    if obj.label_ not in allowed:
                        continue
                    for si in subjects:
                        self._add(found, doc, in_sent[si], obj, relation_here, role_here,
                                  conf - (0.1 if candidates[-1] != oi else 0.0), f"agent_{rel}", s_start, s_end)
                    break

    @staticmethod
    def _attached_to(doc, masked, anchors, masked_pos, in_sent, candidates):
        """With a parse: the candidate the participle ("directed" in "the Unit, based at
        X and directed by Y") hangs from, climbing conj/acl/relcl links; else None."""
        orig = None
        for (m_start, o_start), nxt in zip(anchors, anchors[1:] + [(len(masked), None)]):
            if m_start <= masked_pos < nxt[0] and o_start is not None:
                orig = o_start + (masked_pos - m_start)
                break
        if orig is None:
            return None
        token = next((t for t in doc if t.idx <= orig < t.idx + len(t)), None)
        if token is None:
            return None
        for _ in range(5):
            if token.dep_ not in ("conj", "acl", "relcl", "advcl", "xcomp", "auxpass", "ccomp") or token.head is token:
                break
            token = token.head
            for idx in candidates:
                span = in_sent[idx]
                if span.start <= token.i < span.end:
                    return idx
        return None

    def _add(self, found, doc, subj, obj, relation, role, conf, pattern, s_start, s_end):
        if subj is obj or subj.text.casefold() == obj.text.casefold():
            return
        if relation == "position" and obj.label_ == "document":
            relation = "authored"  # "X, who chaired the Review": chairing a document is authoring it
        fitted = fit_kinds(relation, subj, obj)
        if fitted is None:
            return
        sk, ok, penalty = fitted
        conf = round(max(0.0, conf - penalty), 3)
        k = (subj.start_char, relation, obj.start_char)
        if k in found and found[k]["confidence"] >= conf:
            return
        found[k] = {
            "relation": relation, "role": role or None, "confidence": conf, "pattern": pattern,
            "subject": _span_info(subj, sk), "object": _span_info(obj, ok),
            "sent_start": s_start, "sent_end": s_end,
        }

    def _dependency_ties(self, found, doc, in_sent, s_start, s_end):
        token_span = {}
        for span in in_sent:
            for t in span:
                token_span[t.i] = span
        for span in in_sent:
            verb = span.root.head
            dep = span.root.dep_
            if verb.pos_ not in ("VERB", "AUX") and dep != "pobj":
                continue
            if dep == "pobj" and verb.lower_ == "by" and verb.dep_ == "agent":
                # passive: <object> was <verb>ed by <subject>
                v = verb.head
                rel = _verb_relation(v)
                if not rel:
                    continue
                for child in v.children:
                    if child.dep_ in ("nsubjpass",) and child.i in token_span:
                        self._add(found, doc, span, token_span[child.i], rel, "", 0.65, "dep_passive", s_start, s_end)
            elif dep == "nsubj":
                rel = _verb_relation(verb)
                if not rel:
                    continue
                for child in verb.children:
                    if child.dep_ == "dobj" and child.i in token_span:
                        role = verb.lower_ if rel == "position" else ""
                        self._add(found, doc, span, token_span[child.i], rel, role, 0.6, "dep_active", s_start, s_end)
