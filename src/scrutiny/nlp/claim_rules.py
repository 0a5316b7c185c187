"""spaCy component ``scrutiny_claim_rules``: hand-written patterns for claim kinds.

For every sentence it records which rules fired, per claim kind, in
``doc._.claims`` (a list of dicts ``{start, end, rules: {kind: [rule, ...]}}``,
character offsets into ``doc.text``). The classifier (:mod:`.claim_model`) reads
the rule hits as features and makes the final call; on its own this component
already tags the clear cases (its ``decide`` function).

Numbers: a digit string counts towards a statistic only when it is not a year
("In 2016 ..."), a financial year ("2020/21"), a date ("1 April 2019"), a
paragraph or section number ("8.1.", "paragraph 4.23", "section 3") or a list
number. Percentages, money and "one in four" always count.
"""

from __future__ import annotations

import re

from spacy.language import Language

MONTHS = ("january february march april may june july august september october november december "
          "jan feb mar apr jun jul aug sep sept oct nov dec").split()
REFERENCE_WORDS = frozenset(
    "section sections paragraph paragraphs para paras chapter chapters page pages p pp figure fig "
    "table annex appendix box recommendation recommendations article clause schedule part step "
    "phase level tier stage band grade version no number footnote note question q point principle "
    "option priority objective chart item rule reg regulation act key".split()
)
QUANTIFIERS = frozenset(
    "about around over under nearly almost some than just only more fewer less least most approximately "
    "roughly circa c up to all every each another".split()
)
DATE_PREPS = frozenset("in since by from until till to between before after during of and or".split())

_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)(?:s)?$")
_FIN_YEAR = re.compile(r"^(?:19|20)\d\d[/-]\d\d(?:\d\d)?$")
_DIGITS = re.compile(r"\d")
_SECTION_NUM = re.compile(r"^\d+(?:\.\d+)+\.?$")
_UNIT_SUFFIX = re.compile(r"^\d[\d,.]*(?:m|bn|k|mn|g|kg|km|mph|ft|hrs?|pm|am)$", re.I)


def _rx(*alternatives):
    return re.compile(r"(?:" + "|".join(alternatives) + r")", re.I)


STAT_PATTERNS = {
    "percent": _rx(r"\d\s?%", r"\d\s?per\s?cent\b", r"\d\s?percent", r"percentage points?"),
    "money": _rx(r"[£$€]\s?\d", r"\d\s?(?:bn|billion|million|mn)\b", r"\b(?:billion|million) (?:pounds|people|adults|children|workers)"),
    "ratio": _rx(r"\b(?:one|two|three|four|five|six|seven|eight|nine|\d+) (?:in|out of) (?:every )?(?:two|three|four|five|six|seven|eight|nine|ten|twenty|a hundred|\d+)\b"),
    "fraction": _rx(r"\b(?:half|a third|two[- ]thirds|a quarter|three[- ]quarters|a fifth|a tenth) of\b",
                    r"\b(?:doubled|tripled|trebled|halved)\b", r"\btwice as (?:many|likely)\b",
                    r"\b(?:half|twice|(?:two|three|four|five|ten) times) as (?:many|much|likely|often|long|high)\b"),
}
COMMIT_PATTERNS = {
    "we_will": _rx(r"\bwe (?:will|shall|are going to|intend to|plan to|aim to|expect to)\b",
                   r"\bwe'll\b"),
    "actor_will": _rx(r"\b(?:government|department|ministers?|nhs(?: england)?|council|agency|service|trust|board|authority|secretary of state) (?:will|shall)\b(?! (?:need|have|often|not|be able))"),
    "committed": _rx(r"\b(?:are|is|remain|remains|have been|has been) (?:fully )?committed to\b",
                     r"\bcommit(?:s|ted|ting)? (?:the government |itself |ourselves )?to\b", r"\b(?:we|i|they|government|department|ministers?) (?:have |has )?pledged?\b", r"\bpledged? to\b", r"\bpledges to\b", r"\bour (?:ambition|aim|goal|commitment|intention) is\b"),
    "target": _rx(r"\btargets?\b", r"\bby (?:the end of )?(?:19|20)\d\d(?:/\d\d)?\b", r"\bby (?:april|march|the end of) ", r"\bwithin (?:the next )?(?:two|three|four|five|ten|\d+) years\b"),
    "there_will_be": _rx(r"\bthere will be\b", r"\bwill be (?:invested|delivered|introduced|rolled out|expanded|created|recruited|published|set up|established|launched|available|funded|extended|increased)\b"),
    "will_future": _rx(r"\b(?:will|shall)\s+(?:also\s+|now\s+|then\s+|shortly\s+|soon\s+|therefore\s+)?(?!not\b|need\b|have\b|be able\b|be (?:difficult|hard|easy|possible|necessary|impossible|unlikely|likely)\b|take\b|often\b|likely\b|probably\b|inevitably\b|apply\b|depend\b|vary\b)[a-z]+"),
    "planned": _rx(r"\b(?:are|is|were|was|have been|has been|had been) (?:now |also |already )?(?:being )?(?:planned|allocated|earmarked|set aside|budgeted|ring-?fenced|pledged|promised|committed)\b",
                   r"\b(?:plans?|aims?|intends?|expects?) to (?!be (?:difficult|hard|likely|unlikely))",
                   r"\b(?:an?|its|our|the|their) (?:ambition|aim|goal|target|plan|pledge|commitment) (?:to|of)\b",
                   r"\bset(?:s|ting)? out (?:an?|its|our|their|the) (?:ambition|aim|goal|target|plan)\b",
                   r"\b(?:is|are) (?:due|set|scheduled|expected) to (?:close|open|start|begin|end|launch|be (?:published|completed|opened|closed|launched|introduced))\b",
                   r"\b(?:is|are) to (?:close|open|end|start|begin|launch|merge|move|be (?:closed|opened|merged|replaced|extended|expanded|published))\b",
                   r"\b(?:has|have) (?:also )?agreed to (?:take part|join|fund|provide|deliver|host|support|work|publish|pilot|extend|share|sign)\b",
                   r"\b(?:has|have) (?:both |also )?signed up\b"),
    "additional": _rx(r"\d[\d,.]*\s*(?:million|billion|bn|m)?\s+(?:additional|extra|more|new|further)\b",
                      r"\b(?:a further|an additional|an extra) (?:£|\d)"),
    "minuted": _rx(r"^\s*(?:actions?|resolved|agreed|decision)\s*[:\-–]", r"^\s*(?:resolved|agreed)\s*,?\s*that\b"),
    "investing": _rx(r"\b(?:we are|we're|is|are) (?:now )?(?:investing|providing|funding|introducing|developing|establishing|putting in place|taking forward|working (?:with|to))\b",
                     r"\bwill (?:invest|fund|provide|deliver|introduce|create|recruit|publish|establish|launch|expand|extend|ensure|set out|consult|review|work|continue|support|develop|build|increase|bring forward)\b"),
}
RECOMMEND_PATTERNS = {
    "should": _rx(r"\bshould\b", r"\bought to\b", r"\bmust\b"),
    "recommend": _rx(r"\brecommends?\b(?! compensation)", r"\bwe (?:strongly |further |therefore )?(?:urge|encourage|invite)\b", r"\burg(?:e|es|ed|ing)\b", r"\bcall(?:s|ed|ing)? (?:on|upon|for)\b",
                     r"\bwe invite\b", r"\bwe would (?:like to see|encourage)\b", r"\bencourage[sd]? .{0,40}\bto\b"),
    "asks": _rx(r"\bwants? (?:the |every |all |each |its |their |ministers\b|government\b|councils?\b|[A-Z])[^.;:]{0,60}?\bto (?!be (?:seen|done)\b)",
                r"\b(?:would like|wish(?:es)?) to see\b", r"\bask(?:s|ed|ing)? (?:that|for)\b",
                r"\bask(?:s|ed|ing)? (?:the|every|all|each|its|our|their|ministers|government|councils?|members?|[A-Z]\w+)\b[^.;:]{0,60}?\bto\b",
                r"\b(?:has |have )?(?:written|wrote) to\b[^.;]{0,80}?\b(?:asking|calling|urging|seeking|requesting)\b",
                r"\b(?:is|are) (?:pressing|pushing|lobbying|campaigning) for\b", r"\bdemand(?:s|ed|ing)? (?:that|an?|the)\b"),
    # a proposed resolution in a paper to a board or a cabinet: "1.1 That Cabinet approves the strategy."
    "motion": _rx(r"^\s*(?:\d+(?:\.\d+)*\.?\s+|\(?[a-z]\)\s+)?that\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){1,6}"
                  r"(?:approves?|agrees?|notes?|delegates?|endorses?|authorises?|authorizes?|adopts?|supports?|"
                  r"requests?|instructs?|considers?|recommends?|asks?|commissions?)\b"),
    "need_to": _rx(r"\b(?:needs?|has|have) to be\b", r"\bneeds? to\b", r"\bit is (?:essential|important|vital|crucial|necessary|imperative) that\b",
                   r"\bit is (?:essential|important|vital|crucial|necessary|imperative) to (?!recognise|note|remember|understand|acknowledge|be clear)",
                   r"\bthere (?:is|remains|will be) (?:also )?a (?:clear |pressing |strong |real )?need\b", r"\b(?:is|are) (?:urgently |badly )?needed\b",
                   r"\bhave a responsibility to\b", r"\bcould (?:be|usefully)\b", r"\bit is time (?:to|for)\b",
                   r"\bwould (?:also |greatly |certainly )?benefit from\b", r"\bdeserves? (?:a|an|better|more|the)\b",
                   r"\b(?:has|have) to (?:have|start|be|include|come)\b", r"\brequires? us to\b",
                   r"\bline of action\b", r"\b(?:a|the) first step (?:would|should|must) be\b", r"\bwhat (?:we|is) need(?:ed|s)? is\b"),
}
ASSESS_PATTERNS = {
    "agree": _rx(r"\b(?:we|government|department|committee) (?:agrees?|accepts?|acknowledges?|recognises?|welcomes?|disagrees?|rejects?|does not accept|do not accept|do not agree|does not agree)\b",
                 r"\bwe (?:believe|consider|think|are (?:not )?persuaded|are (?:not )?convinced)\b"),
    "change": _rx(r"\b(?:has|have|had) (?:significantly |substantially |greatly |steadily )?(?:improved|worsened|deteriorated|increased|decreased|fallen|risen|declined|failed|grown|reduced|succeeded|fallen short)\b"),
    "cause": _rx(r"\bbecause\b", r"\bdue to\b", r"\bled to\b", r"\blead(?:s|ing)? to\b", r"\bresult(?:ed|s)? in\b", r"\bas a result\b", r"\bcaused?\b", r"\bdriven by\b", r"\bcontribut(?:ed|es|ing) to\b"),
    "evidence": _rx(r"\bevidence (?:shows|suggests|indicates|is clear)\b", r"\b(?:there is|there was) (?:little|no|limited|strong|clear|good) evidence\b", r"\bit is clear\b", r"\bclearly\b"),
    "evaluative": _rx(r"\b(?:is|are|was|were|remains?|has been|have been) (?:not |too |very |highly |deeply |increasingly |largely )?(?:effective|ineffective|inadequate|insufficient|unacceptable|successful|unsuccessful|poor|better|worse|fragmented|underfunded|unsustainable|flawed|fit for purpose|failing|in crisis|robust|reasonable|unreasonable|appropriate|inappropriate|misleading|significant|limited|weak|strong|unlikely|likely)\b",
                      r"\b(?:too (?:few|many|little|much|slow|long))\b", r"\black of\b", r"\bfailure\b", r"\bcrisis\b"),
}
# Words that turn a "should" into something else: a complaint about the past
# ("should have acted") or a refusal ("does not agree that it should").
NOT_A_CALL_PATTERNS = {
    "should_have": _rx(r"\b(?:should|ought to|could|must) (?:not )?have (?:been )?[a-z]+ed\b", r"\bshould have\b"),
    "bare_agreement": _rx(r"^\s*(?:the government|we|the department|ministers|the council|the board|nhs england)\s+(?:(?:partially|fully|broadly|therefore) )?"
                          r"(?:agrees?|accepts?|notes?|welcomes?|supports?)(?: with)?(?: (?:this|the|that|these|those|all|both)(?: [a-z]+)?)? (?:recommendations?|proposals?|conclusions?)"
                          r"(?: in (?:principle|part|full))?\s*\.?\s*$"),
    "refusal": _rx(r"\b(?:does|do|did) not (?:agree|accept|believe|think)\b[^.;]{0,60}\bshould\b",
                   r"\b(?:rejects?|disagrees? with) (?:the |this |that )?(?:recommendation|proposal|call|suggestion)\b"),
}
REPORTED_PATTERNS = {
    "reported": _rx(r"\b(?:said|says|told|argued|argues|warned|warns|claimed|claims|found|finds|concluded|believes|believed|described|called (?:it|the|this)|criticised|criticized|condemned|welcomed|praised|blamed|blaming)\b"),
}
ALL_PATTERNS = {
    "statistic": STAT_PATTERNS,
    "commitment": COMMIT_PATTERNS,
    "recommendation": RECOMMEND_PATTERNS,
    "assessment": ASSESS_PATTERNS,
    "not_call": NOT_A_CALL_PATTERNS,
    "reported": REPORTED_PATTERNS,
}
_IMPERATIVE_OK = re.compile(r"^[A-Z][a-z]+$")


@Language.factory("scrutiny_claim_rules", default_config={"min_alpha_tokens": 2})
def make_claim_rules(nlp, name, min_alpha_tokens: int):
    return ClaimRules(name, min_alpha_tokens)


def sentences(doc, min_alpha_tokens: int = 2):
    """Sentence spans, with fragments (a lone "8.1." or "(a)") joined to the next
    sentence on the same line; white space at either end left out. A line of
    its own ("We will:", a heading) is never joined to the next line."""
    out, pending = [], None
    for sent in doc.sents:
        start = pending if pending is not None else sent.start
        alpha = sum(1 for t in sent if t.is_alpha)
        ends_line = any("\n" in t.text for t in sent if t.is_space) or "\n" in sent[-1].whitespace_
        if alpha < min_alpha_tokens and sent.end < len(doc) and not ends_line:
            pending = start
            continue
        pending = None
        out.append(doc[start:sent.end])
    if pending is not None:
        if out:
            out[-1] = doc[out[-1].start:len(doc)]
        else:
            out.append(doc[pending:len(doc)])
    trimmed = []
    for span in out:
        a, b = span.start, span.end
        while a < b and doc[a].is_space:
            a += 1
        while b > a and doc[b - 1].is_space:
            b -= 1
        if a < b:
            trimmed.append(doc[a:b])
    return trimmed


_QTY = r"[£$€]?\d[\d,.]*\s?(?:%|per ?cent\b|percent\b|million\b|billion\b|bn\b|m\b|k\b)?"
# Figures referred back to, not stated: "from those 62% and 73% figures", "these £40m estimates".
BACK_REFERENCED = re.compile(
    r"\b(?:those|these|the above|the same|the earlier|the previous|such)\s+(?:" + _QTY + r"(?:\s*,\s*|\s+(?:and|or)\s+)?){1,8}"
    r"\s*(?:[a-z-]+\s+){0,2}(?:figures?|estimates?|statistics?|numbers?|rates?|percentages?|results?|findings?|totals?|"
    r"sums?|amounts?)\b", re.I)
# A threshold that defines a class, not a measure: "(those costing over £5 million)",
# "households earning less than £20,000", "firms employing more than 250 people".
THRESHOLD = re.compile(
    r"\b(?:costing|worth|valued at|earning|employing|paying|paid|exceeding|with (?:a )?(?:budgets?|turnovers?|incomes?) of)\s+"
    r"(?:(?:over|more than|less than|fewer than|under|above|below|at least|up to|in excess of|no more than|not more than)\s+)?"
    + _QTY, re.I)


def unmeasured_spans(sent) -> list[tuple[int, int]]:
    """Character spans (relative to the sentence) of quantities that state no
    measure: figures referred back to ("those 62% and 73% figures") and thresholds
    that define a class ("schemes costing over £5 million")."""
    text = sent.text
    spans = [m.span() for m in BACK_REFERENCED.finditer(text)]
    for m in THRESHOLD.finditer(text):
        if m.group(0).lower().startswith(("costing", "earning", "employing", "paying", "paid", "exceeding", "with")) \
                or re.search(r"\b(?:over|more than|less than|fewer than|under|above|below|at least|up to|in excess of|"
                             r"no more than|not more than)\b", m.group(0), re.I):
            spans.append(m.span())
    return spans


def _in_spans(tok, base: int, spans) -> bool:
    at = tok.idx - base
    return any(a <= at < b for a, b in spans)


def statistic_numbers(sent) -> list[str]:
    """Digit tokens in a sentence that are quantities, not dates or references."""
    found = []
    toks = list(sent)
    skipped: set[int] = set()
    last = len(toks) - 1
    while last >= 0 and toks[last].is_space:
        last -= 1
    unmeasured = unmeasured_spans(sent)
    for k, tok in enumerate(toks):
        text = tok.text
        if not _DIGITS.search(text):
            continue
        if unmeasured and _in_spans(tok, sent.start_char, unmeasured):
            skipped.add(k)
            continue
        if not _is_quantity(toks, k, last, skipped):
            skipped.add(k)
            continue
        found.append(text)
    return found


def _is_quantity(toks, k, last, skipped) -> bool:
    """Is the digit token ``toks[k]`` a counted or measured quantity?"""
    text = toks[k].text
    prev = toks[k - 1].lower_.rstrip(".") if k > 0 else ""
    prev2 = toks[k - 2].lower_.rstrip(".") if k > 1 else ""
    nxt = toks[k + 1].lower_ if k + 1 < len(toks) else ""
    core = text.strip("().,;:[]")
    if not core or not any(c.isdigit() for c in core):
        return False
    if re.search(r"[A-Za-z]", core) and not _UNIT_SUFFIX.match(core):
        return False  # COVID-19, M25, A1, 1950s-born, Under-18s: names and labels
    if _FIN_YEAR.match(core) or _YEAR.match(core):
        # A year is a statistic only when it counts something ("2016 staff").
        return nxt in ("%", "percent") or nxt.endswith("people")
    if "/" in core:
        return False  # 24/7, 2020/21, dates
    if prev in REFERENCE_WORDS or (prev in ("(", "[") and prev2 in REFERENCE_WORDS):
        return False  # paragraph 4.23, section 3, (page 12)
    if prev in ("-", "–", "to", "and", "or", ",") and (k - 2) in skipped:
        return False  # the end of a range of references: paragraphs 495-496
    if _SECTION_NUM.match(core) and (k == 0 or prev in ("(", "see", "in", "at", "under", "and", ",")):
        return False
    if k == 0 and (nxt in (".", ")") or text.endswith(".")):
        return False  # list number "1." / "3)"
    if k == 0 and re.match(r"^\d{1,3}$", core) and k + 1 < len(toks) and toks[k + 1].is_title:
        return False  # a footnote's own marker: "1 Government response to ..."
    if k >= last - 1 and re.match(r"^\d{1,3}\.?$", text) and k > 0 and toks[k - 1].pos_ == "NOUN" \
            and toks[k - 1].is_lower and (k == last or toks[last].is_punct):
        return False  # a note mark after the sentence's last word: "... associated issues 1."
    if k >= last - 1 and (text.endswith(".") or nxt == ".") and re.match(r"^\d{1,3}\.?$", text) and prev in (".", "", ")"):
        return False  # a paragraph number run on after the sentence: "... conclusions. 25."
    if prev in ("age", "aged", "ages") or (prev in ("of", "the") and prev2 in ("age", "ages")):
        return False  # an age limit: "up to the age of 16", "children aged 5"
    if prev == "within" and nxt.rstrip("s") in ("day", "week", "month", "year", "hour", "working day"):
        return False  # a time limit in a demand: "within 28 days"
    if prev in MONTHS or nxt.rstrip(".") in MONTHS:
        return False  # 1 April 2019, April 2019
    if re.match(r"^\d{1,2}[:.]\d\d$", core) and nxt in ("am", "pm", "hours", "hrs"):
        return False  # a time of day
    if k > 0 and (toks[k - 1].is_title or toks[k - 1].is_upper) and re.match(r"^\d{1,3}$", core) \
            and prev not in QUANTIFIERS \
            and not (nxt in ("%", "per", "percent") or nxt.endswith("s")):
        return False  # a label after a proper noun: NHS 111, Article 8, Tier 3
    return True


# --- pledges read from the parse -------------------------------------------------
# (word forms, not lemmas: the tagger's pipeline runs without the lemmatizer)
# Participles whose passive with a quantity or a sum as subject states a plan or an
# allocation ("4,800 posts are planned", "£72 million is being invested").
PLAN_PARTICIPLES = frozenset("planned allocated invested funded earmarked budgeted committed ring-fenced ringfenced "
                             "promised pledged assigned provided".split())
# What a sum of money or a number of posts is called when it is the subject.
RESOURCE_NOUNS = frozenset("funding money budget grant resource investment fund sum capital place post bed "
                           "staff".split())
# Verbs of an intention ("the trust plans to open", "the board has agreed to").
INTEND_FORMS = frozenset("plan plans intend intends aim aims pledge pledges pledged promise promises promised "
                         "commit commits committed propose proposes agreed decided resolved undertakes".split())
# Subjects that act: bodies and their officers ("the council will", "officers will").
AGENT_NOUNS = frozenset("""
government department ministry minister council trust board officer team agency authority service company firm
employer institute committee executive cabinet partnership charity union organisation body provider university
college school panel commission regulator inspectorate coalition alliance network group director secretary chair
leader leadership management hospital practice icb nhs we
""".split())
# What "will" does not pledge: states, changes nobody does, and the future of things.
NOT_ACTIONS = frozenset("""
be have need see face find remain become seem happen depend vary mean cost lose suffer struggle feel get fall
rise grow decline decrease continue take apply require lead result affect prove
""".split())
SPEECH_FORMS = frozenset("said says told tells confirmed confirms announced announces stated states indicated "
                         "promised promises pledged insisted added explained".split())
# Subjects of "is to ..." that name a task, not who will act ("the challenge is to").
TASK_NOUNS = frozenset("challenge question task problem answer point idea key issue danger risk temptation option "
                       "solution difficulty test hope aim purpose goal ambition priority way".split())
BE_TO_NOT = frozenset("welcomed expected regretted commended noted found seen hoped said avoided".split())


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _agentive(subj) -> bool:
    """A subject that can make a pledge: a proper name, "we", or a body or its officers."""
    if subj is None:
        return False
    if subj.pos_ == "PROPN" or subj.lower_ in ("we", "us"):
        return True
    return _singular(subj.lower_) in AGENT_NOUNS


def _child(tok, *deps):
    return next((c for c in tok.children if c.dep_ in deps), None)


def _has_quantity(tok) -> bool:
    return any(t.like_num or t.tag_ == "$" or t.text in ("£", "$", "€") for t in tok.subtree)


def parse_commitments(sent) -> list[str]:
    """Pledges the dependency parse shows without "will" or "we will":

    - ``planned_quantity``: a quantity or a sum as the subject of a passive verb of
      planning or allocation, now or from now ("A further 4,800 posts are planned",
      "£72 million is being invested", "funding has been allocated for");
    - ``is_to``: "X is to <verb>" ("the council is to recommission", "workers are to
      increase to 2,000"), not a task ("the challenge is to") nor "is to be welcomed";
    - ``intends``: a body "plans", "intends", "aims", "has agreed" to act;
    - ``agent_will``: a body, its officers or "we" will act ("The Department for Work
      and Pensions will pilot ...", "Officers will present ..."), not a state or a change
      ("demand will rise");
    - ``reported_pledge``: someone said a body would or will act ("He said the trust
      would recruit 80 nurses", "The CQC said it would return");
    - ``new_quantity``: a quantity of new or additional things that a body creates,
      includes or funds ("These include 2,000 additional posts").
    """
    if not sent.doc.has_annotation("DEP"):
        return []
    found = []
    for tok in sent:
        low = tok.lower_
        if tok.tag_ == "VBN" and low in PLAN_PARTICIPLES:
            aux = {c.lower_ for c in tok.children if c.dep_ in ("auxpass", "aux")}
            subj = _child(tok, "nsubjpass")
            past = bool(aux & {"was", "were", "had"})
            if aux & {"is", "are", "being", "been", "be"} and not past and subj is not None \
                    and (_has_quantity(subj) or _singular(subj.lower_) in RESOURCE_NOUNS):
                found.append("planned_quantity")
        elif low in ("is", "are") and tok.dep_ in ("ROOT", "conj", "ccomp"):
            xcomp = _child(tok, "xcomp")
            subj = _child(tok, "nsubj")
            if xcomp is not None and xcomp.tag_ == "VB" and any(c.lower_ == "to" for c in xcomp.children) \
                    and subj is not None and _singular(subj.lower_) not in TASK_NOUNS \
                    and subj.lower_ not in ("it", "this", "that", "what", "which"):
                after = _child(xcomp, "xcomp", "acomp", "oprd", "attr")
                if not (xcomp.lower_ == "be" and (after is None or after.lower_ in BE_TO_NOT)):
                    found.append("is_to")
        elif low in INTEND_FORMS and tok.tag_ in ("VBZ", "VBP", "VBN", "VBD") and tok.dep_ in ("ROOT", "conj", "ccomp"):
            xcomp = _child(tok, "xcomp")
            if xcomp is not None and xcomp.tag_ == "VB" and _agentive(_child(tok, "nsubj")) \
                    and (tok.tag_ in ("VBZ", "VBP") or any(c.lower_ in ("has", "have") for c in tok.children)):
                found.append("intends")
        elif tok.tag_ == "MD" and low in ("will", "shall", "'ll", "would") and tok.head.tag_ == "VB":
            verb = tok.head
            if verb.lower_ in NOT_ACTIONS or any(c.dep_ == "auxpass" for c in verb.children):
                continue
            subj = _child(verb, "nsubj")
            if low == "shall" and (subj is None or subj.lower_ not in ("we", "i")):
                continue  # "The department shall issue ...": a directive, not a pledge
            if instrument_effect(verb, subj):
                continue  # "The grant will help families buy ...": what a scheme will do, a prediction
            reported = verb.dep_ == "ccomp" and verb.head.lower_ in SPEECH_FORMS
            if reported and subj is not None and (_agentive(subj) or subj.lower_ in ("it", "they")):
                found.append("reported_pledge")
            elif low != "would" and verb.dep_ in ("ROOT", "conj") and _agentive(subj):
                found.append("agent_will")
        elif tok.tag_ in ("VBZ", "VBP", "VB") and low in ("include", "includes", "create", "creates", "recruit",
                                                           "fund", "funds", "provide", "provides", "open", "train"):
            obj = _child(tok, "dobj")
            if obj is not None and any(c.dep_ == "nummod" for c in obj.children) \
                    and any(c.lower_ in ("additional", "extra", "new", "further") for c in obj.children):
                found.append("new_quantity")
    return list(dict.fromkeys(found))


# What a scheme, a grant or a change is (not who acts), and what it will do to people:
# "The Plug-In Grant will help drivers buy ...", "These reforms will allow councils to ...".
INSTRUMENT_NOUNS = frozenset("""
grant grants scheme schemes programme programmes program fund funding investment investments strategy strategies
policy policies plan plans reform reforms change changes measure measures legislation bill act framework tool tools
system systems approach package initiative initiatives pilot pilots project projects guidance standard standards
regulation regulations rule rules money budget allowance payment payments credit relief levy tax duty
""".split())
EFFECT_VERBS = frozenset("""
help enable allow benefit improve encourage mean boost transform reduce cut lower raise strengthen empower make give
save bring open unlock drive attract stimulate incentivise
""".split())


def instrument_effect(verb, subj) -> bool:
    """Is ``subj will verb`` what a scheme or a change will do ("The grant will also help
    buyers ...") rather than a pledge by someone who acts?"""
    if subj is None or verb.lower_ not in EFFECT_VERBS:
        return False
    return subj.lower_ in INSTRUMENT_NOUNS


def name_spans(sent) -> list[tuple[int, int]]:
    """Where the stakeholder names of a sentence stand, relative to its start: the words
    of "Carers in Crisis" or "Dr Omar Said" are not the sentence's own judgement."""
    from scrutiny.nlp.spans import stakeholder_spans

    base = sent.start_char
    return [(s.start_char - base, s.end_char - base) for s in stakeholder_spans(sent.doc)
            if s.start >= sent.start and s.end <= sent.end and s._.source != "coref"]


def plain_text(sent) -> str:
    """The sentence with its stakeholder names blanked out (same length, same offsets)."""
    return _blank(sent.text, name_spans(sent))


def rule_hits(sent) -> dict[str, list[str]]:
    text = sent.text
    # Words that look like a call or a pledge but are not one here are blanked out
    # for that kind's patterns (the sentence's length and offsets stay the same);
    # a judgement is never read from the words of a name.
    not_calls = not_call_spans(sent)
    directives = directive_spans(sent)
    plain = plain_text(sent)
    for_kind = {"recommendation": _blank(text, not_calls), "commitment": _blank(text, directives),
                "statistic": _blank(text, unmeasured_spans(sent)), "assessment": plain, "reported": plain}
    hits: dict[str, list[str]] = {}
    for kind, patterns in ALL_PATTERNS.items():
        source = for_kind.get(kind, text)
        names = [name for name, rx in patterns.items() if rx.search(source)]
        if names:
            hits[kind] = names
    pledges = parse_commitments(sent)
    if sent.doc.has_annotation("DEP") and any(
            t.tag_ == "MD" and t.lower_ in ("will", "'ll") and t.head.tag_ == "VB" and t.head.dep_ in ("ROOT", "conj")
            and instrument_effect(t.head, _child(t.head, "nsubj")) for t in sent):
        hits.setdefault("prediction", []).append("instrument_effect")
    if pledges:
        hits.setdefault("commitment", []).extend(p for p in pledges if p not in hits.get("commitment", ()))
    if not_calls:
        hits.setdefault("not_call", []).append("not_a_call")
    if directives:
        # "The department shall issue ...": a directive to someone else (an inquiry's
        # recommendation quoted in a response), not the speaker's pledge
        hits.setdefault("recommendation", []).append("directive")
    nums = statistic_numbers(sent)
    if nums:
        hits.setdefault("statistic", []).append("number")
        if allocated_only(sent):
            # "we have confirmed a £400m programme": an allocated sum, a commitment
            hits.setdefault("commitment", []).append("allocated_sum")
    if "statistic" in hits and reported_count(sent):
        hits["statistic"].append("reported_count")
    if bare_agreement(sent):
        hits.setdefault("not_call", []).append("bare_agreement")
    # A call to act without "should": the sentence opens with a bare verb.
    first = next((t for t in sent if not (t.is_punct or t.like_num or t.is_space
                                           or re.match(r"^\(?[a-z0-9ivx]{1,4}[.)]$", t.text))), None)
    if first is not None and first.tag_ == "VB" and _IMPERATIVE_OK.match(first.text):
        hits.setdefault("recommendation", []).append("imperative")
    return hits


REPORTING_LEMMAS = frozenset("find say report show estimate reveal tell record cite".split())
_COUNT_ENTS = frozenset({"CARDINAL", "PERCENT", "QUANTITY"})


def reported_count(sent) -> bool:
    """A count reported, and nothing else said of it: the sentence's main verb reports
    ("found", "said", "showed") and the counted people or things are the subject of the
    report or of what it reports ("It found that one in five older prisoners had an unmet
    need", "Nine in ten care workers said they had considered leaving"). What the counted
    have or do is what was counted, not a judgement; a judging word in the main clause
    (outside what is reported) still makes one."""
    if not sent.doc.has_annotation("DEP"):
        return False
    root = sent.root
    if root.lemma_.lower() not in REPORTING_LEMMAS and root.lower_ not in ("found", "said", "says", "finds", "shows"):
        return False
    clauses = [root] + [c for c in root.children if c.dep_ in ("ccomp",)]
    counted = False
    for verb in clauses:
        for subj in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
            if any(t.ent_type_ in _COUNT_ENTS or t.like_num for t in subj.subtree):
                counted = True
    if not counted:
        return False
    reported = {t.i for c in root.children if c.dep_ == "ccomp" for t in c.subtree}
    outside = " ".join(t.text for t in sent if t.i not in reported and t.i != root.i)
    return not JUDGEMENT_CUE.search(outside)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        for i in range(max(a, 0), min(b, len(chars))):
            chars[i] = " "
    return "".join(chars)


# --- words that look like a call but make none -----------------------------------
# "Should the panel decide ...", "..., should a major incident occur": a condition.
CONDITIONAL_SHOULD = re.compile(
    r"(?:^\s*(?:\(?\d{1,3}[.)]\s+)?|[,;(\u2013\u2014]\s*|\b(?:and|or|but|unless)\s+)([Ss]hould)\s+"
    r"(?:the|this|that|these|those|it|they|we|you|he|she|there|any|such|an?|no|[A-Z][\w'\u2019-]*)\b")
# "... plans for each risk should they arise", "... altered should the agency become ...":
# a "should" followed by a subject, wherever it stands, is a condition (a call has its
# verb straight after "should").
INVERTED_SHOULD = re.compile(r"\b(should)\s+(?:they|it|he|she|there|(?:this|these|those|such|an?|the)\s+"
                             r"(?!(?:year|years|month|months|week|weeks|time|summer|autumn|winter|spring|financial|coming|next|"
                             r"same|first|current)\b))", re.I)
# "..., as urged in Recommendation 15", "as recommended by the Committee", "as Government
# must do": a call word in an "as" clause refers to a call or compares with one; it makes none.
AS_CALL = re.compile(r"\bas (?:(?:also|previously|originally|first|already) )?((?:urged|recommended|called for|proposed|"
                     r"suggested|requested|advocated))\b|\bas (?:(?:the|a|an|all|every|any) )?(?:[\w'\u2019-]+ ){1,3}"
                     r"((?:must|should|ought to|needs? to|has to|have to)) (?:do|be done)\b", re.I)
# Past encouragement nobody is named as giving ("providers have been encouraged to
# adopt ..."): a description of what was done, not a call.
PAST_PASSIVE_CALLS = frozenset("encouraged urged invited".split())
# "It should be noted that ...": a caveat, not a call.
NOTED_SHOULD = re.compile(r"\bit (should|must) (?:also |further )?be (?:noted|remembered|borne in mind|stressed|"
                          r"emphasi[sz]ed|recogni[sz]ed|acknowledged|pointed out|said|added|observed|understood)\b", re.I)
# Verbs whose "that" clause reports what someone recognises, not what they call for:
# "the ombudsman recognised that bodies need to balance ..." is a judgement.
RECOGNISE_FORMS = frozenset("recognise recognises recognised recognising recognize recognizes recognized acknowledge "
                            "acknowledges acknowledged accept accepts accepted understand understands understood "
                            "appreciate appreciates appreciated note notes noted know knows knew realise realises "
                            "realised sees saw".split())
# Nouns whose "to" clause names a power, not a call: "the power to recommend".
CAPACITY_NOUNS = frozenset("ability power powers right rights freedom discretion option opportunity scope "
                           "flexibility capacity means duty".split())
# Verbs whose "to" clause says what something is for ("is used to encourage").
PURPOSE_HEADS = frozenset("used designed intended aimed meant working".split())
CALL_WORDS = frozenset("should must ought need needs recommend recommends encourage encourages encouraged urge "
                       "urges could".split())


def not_call_spans(sent) -> list[tuple[int, int]]:
    """Character spans (relative to the sentence) of call words that call on nobody:
    a conditional "should" ("Should the panel decide ..."), "it should be noted", and,
    read from the parse, a call word inside a "how" or "whether" clause ("considering
    how we can encourage ..."), a noun's "to" clause ("the power to recommend"), a
    "that" clause of recognising ("recognised that bodies need to ..."), or "could be"
    with a noun ("Awards could be a single payment": an option described)."""
    text = sent.text
    spans = [m.span(1) for m in CONDITIONAL_SHOULD.finditer(text)] + [m.span(1) for m in NOTED_SHOULD.finditer(text)]
    if not text.rstrip("\"'\u201d\u2019)]").endswith("?"):
        spans += [m.span(1) for m in INVERTED_SHOULD.finditer(text)]
    for m in AS_CALL.finditer(text):
        spans.append(m.span(1) if m.group(1) else m.span(2))
    if not sent.doc.has_annotation("DEP"):
        return spans
    base = sent.start_char
    for tok in sent:
        if tok.lower_ in PAST_PASSIVE_CALLS and tok.tag_ == "VBN" \
                and any(c.dep_ == "auxpass" and c.lower_ in ("was", "were", "been") for c in tok.children) \
                and not any(c.dep_ in ("aux", "agent") and (c.tag_ == "MD" or c.dep_ == "agent") for c in tok.children):
            spans.append((tok.idx - base, tok.idx + len(tok.text) - base))
            continue
        if tok.lower_ not in CALL_WORDS:
            continue
        clause = tok.head if tok.dep_ in ("aux", "auxpass") else tok
        if tok.lower_ == "should" and not text.rstrip("\"'\u201d\u2019)]").endswith("?") and any(
                c.dep_ in ("nsubj", "nsubjpass", "expl") and c.i > tok.i for c in clause.children):
            # "... altered should the agency become ...": a subject after "should", a condition
            spans.append((tok.idx - base, tok.idx + len(tok.text) - base))
            continue
        if tok.lower_ in ("need", "needs") and tok.dep_ in ("relcl", "acl"):
            # "the skills that staff need to do the job": what something covers, not a call
            spans.append((tok.idx - base, tok.idx + len(tok.text) - base))
            continue
        if tok.lower_ == "could":
            if clause.lower_ == "be" and any(c.dep_ == "attr" for c in clause.children):
                spans.append((tok.idx - base, clause.idx + len(clause.text) - base))
            continue
        if _embedded(clause) or (tok.lower_ in ("need", "needs") and any(
                c.dep_ == "aux" and c.lower_ in ("would", "could", "might") for c in tok.children)):
            # "we would need to set up a scheme": what an option would take, not a call
            spans.append((tok.idx - base, tok.idx + len(tok.text) - base))
    return spans


def _embedded(verb) -> bool:
    """Is this clause a "how"/"whether" question, a noun's "to" clause, or what someone
    recognises (not what they ask for)?"""
    node = verb
    that_clause = False
    for _ in range(8):
        if any(c.lower_ in ("how", "whether", "why") and c.dep_ in ("advmod", "mark") for c in node.children):
            return True
        if node.dep_ == "acl" and node.head.lower_ in CAPACITY_NOUNS:
            return True
        if node.dep_ in ("xcomp", "advcl") and node.head.lower_ in PURPOSE_HEADS:
            return True   # "taxation is used to encourage ...": what a measure is for
        that_clause = that_clause or node.dep_ == "ccomp" or any(c.dep_ == "mark" and c.lower_ == "that"
                                                                 for c in node.children)
        if that_clause and node.head.lower_ in RECOGNISE_FORMS and node.head is not node:
            return True
        if node.dep_ in ("ROOT", "relcl", "advcl") or node.head is node:
            return False
        node = node.head
    return False


def directive_spans(sent) -> list[tuple[int, int]]:
    """"shall" with a subject other than the speaker ("The department shall issue ...",
    "A lawyer shall be appointed"): a directive, the way an inquiry words its
    recommendations, not a pledge. Character spans relative to the sentence."""
    base = sent.start_char
    spans = []
    for tok in sent:
        if tok.lower_ != "shall":
            continue
        verb = tok.head
        subj = _child(verb, "nsubj", "nsubjpass") if sent.doc.has_annotation("DEP") else None
        if subj is None and tok.i > sent.start:
            prev = sent.doc[tok.i - 1]
            subj = prev if prev.lower_ in ("we", "i") else None
        if subj is not None and subj.lower_ in ("we", "i"):
            continue
        spans.append((tok.idx - base, tok.idx + len(tok.text) - base))
    return spans


# --- sums that are allocated, not measured ---------------------------------------
FUNDING_NOUNS = frozenset("programme programmes program investment investments fund funds funding package packages "
                          "grant grants scheme schemes initiative budget allocation settlement pot boost injection "
                          "commitment deal".split())
ALLOCATING_FORMS = frozenset("confirmed allocated allocating allocate allocates committed committing commit commits "
                             "announced announcing pledged pledging earmarked earmarking ring-fenced ringfenced "
                             "investing invest invests providing provide provides funding fund funds".split())
# "has invested £X", "is being provided with £X": allocating only with a perfect or a passive
ALLOCATING_WITH_AUX = frozenset("invested provided funded awarded".split())
# Spending that is planned, not measured: "made provision to spend", "plans to invest", "will spend".
SPENDING_FORMS = frozenset("spend invest allocate provide distribute commit".split())
PROVISION_WORDS = frozenset("provision plan plans planned intend intends intended aim aims committed commitment "
                            "budgeted aside earmarked pledged promised allocated available agreed expect expects "
                            "propose proposes proposed decided".split())
_MONEY_UNITS = frozenset("m bn k million billion mn thousand".split())
_SUM_MODIFIERS = frozenset("new additional extra further record national capital multi-year year annual one-off "
                           "government public of for and &".split())


def allocated_only(sent) -> bool:
    """Is every quantity of the sentence a sum of money that is allocated ("we have
    confirmed a £400m programme", "through the £175m Data Programme", "a record
    £162 million investment in ...", "£85m across the funding period")? A sum
    allocated or planned is a commitment, not a statistic; a sum spent, earned or
    measured stays a statistic."""
    text = sent.text
    if STAT_PATTERNS["percent"].search(text) or STAT_PATTERNS["ratio"].search(text) \
            or STAT_PATTERNS["fraction"].search(text):
        return False
    toks = list(sent)
    last = len(toks) - 1
    unmeasured = unmeasured_spans(sent)
    quantities = [k for k, t in enumerate(toks) if _DIGITS.search(t.text) and _is_quantity(toks, k, last, set())
                  and not (unmeasured and _in_spans(t, sent.start_char, unmeasured))]
    if not quantities:
        return False
    for k in quantities:
        if not _allocated_sum(toks, k):
            return False
    return True


def _allocated_sum(toks, k) -> bool:
    start = k - 1 if k > 0 and toks[k - 1].text in ("£", "$", "€") else k
    if start == k and not re.match(r"^[£$€]", toks[k].text):
        return False  # not money
    end = k + 1
    if end < len(toks) and toks[end].lower_ in _MONEY_UNITS:
        end += 1
    # after the sum: "... programme", "... of funding", "across the funding period"
    j, seen = end, 0
    while j < len(toks) and seen < 7:
        t = toks[j]
        low = t.lower_
        if low in FUNDING_NOUNS and not (j + 1 < len(toks) and toks[j + 1].lower_ in ("cut", "cuts", "gap", "shortfall")):
            return True
        if low in ("of", "in") and j + 1 < len(toks) and toks[j + 1].lower_ in ("funding", "investment", "new", "additional",
                                                                              "extra", "capital", "grant"):
            j += 1
            seen += 1
            continue
        if low in ("across", "over") and any(x.lower_ in ("funding", "spending") for x in toks[j + 1:j + 6]) \
                and any(x.lower_ in ("period", "round", "review") for x in toks[j + 1:j + 7]):
            return True
        if t.is_title or t.like_num or low in _SUM_MODIFIERS or (t.is_punct and t.text in ("-", "\u2013")):
            j += 1
            seen += 1
            continue
        break
    # the sum as the subject of a passive that allocates it: "£72 million is being invested in ...",
    # "£18 million has been allocated to ..."
    node = toks[k]
    while node.dep_ in ("nummod", "quantmod", "compound") and node.head is not node:
        node = node.head
    if node.dep_ == "nsubjpass" and node.head.lower_ in PLAN_PARTICIPLES | ALLOCATING_WITH_AUX | ALLOCATING_FORMS:
        return True
    # before the sum: "investment of ...", "confirmed a ...", "is investing ...", "has invested ..."
    if start >= 2 and toks[start - 1].lower_ == "of" and toks[start - 2].lower_ in FUNDING_NOUNS:
        return True
    i = start - 1
    while i >= 0 and toks[i].lower_ in ("a", "an", "the", "up", "to", "over", "nearly", "almost", "more", "than",
                                         "further", "additional", "extra", "record", "around", "about", "some"):
        i -= 1
    if i >= 0:
        verb = toks[i]
        if verb.lower_ in ALLOCATING_FORMS and verb.pos_ in ("VERB", "AUX"):
            return True
        if verb.lower_ in SPENDING_FORMS and i >= 1 and (
                toks[i - 1].lower_ in ("will", "shall", "'ll")
                or (toks[i - 1].lower_ == "to" and i >= 2 and toks[i - 2].lower_ in PROVISION_WORDS)):
            return True   # "we have made provision to spend £1.5bn", "the board will spend £2m"
        if verb.lower_ in ALLOCATING_WITH_AUX and any(c.lower_ in ("has", "have", "is", "are", "be", "being", "been", "will")
                                                       for c in verb.children):
            return True
    return False


READ_AGREEMENT = frozenset("welcome welcomes welcomed agree agrees agreed accept accepts accepted note notes noted "
                           "support supports supported endorse endorses endorsed thank thanks".split())
REPORT_NOUNS = frozenset("report reports recommendation recommendations conclusion conclusions finding findings "
                         "proposal proposals work inquiry review publication response contribution contributions "
                         "analysis".split())


# what names a report as a whole, not one of its conclusions
WHOLE_REPORT_NOUNS = frozenset("report reports work inquiry review publication response contribution contributions "
                               "analysis".split())


# A welcome of a report as a whole and thanks to those who gave evidence, nothing said about what it found.
_WELCOME_AND_THANKS = re.compile(
    r"^\s*(?:the\s+)?(?:government|department|ministers?|we|[A-Z][\w'’ ]{0,60}?)\s+(?:welcomes?|welcomed)\s+(?:the\s+)?"
    r"[^.;:]{0,120}?\b(?:report|review|inquiry|work)\b(?:\s*,[^.;:]{1,100}?)?\s*,?\s*and\s+"
    r"(?:thanks?|thanked|(?:is|are|was|were)\s+grateful\s+to|would\s+like\s+to\s+thank)\b", re.I)


_GAVE_EVIDENCE = re.compile(r"\b(?:gave|given|giving|submitted|provided)\s+(?:oral\s+|written\s+)?evidence\b", re.I)


def _possessive_name(tok) -> bool:
    """"the Committee‘s conclusion" with a left quote for the apostrophe (as some PDFs have it):
    the parser makes "Committee ‘s" a compound; a name and its possessive mark, nothing more."""
    marks = ("'s", "’s", "‘s")
    return tok.dep_ == "compound" and any(t.text in marks for t in tok.head.subtree) \
        and all(t.pos_ == "PROPN" or t.text in marks for t in tok.subtree)


def bare_agreement(sent) -> bool:
    """"The Government welcomes the Committee's report on X, and agrees with most of its
    conclusions and recommendations.": agreement with a report as a whole, nothing
    said about what (read from the parse: every main verb one of agreeing, every
    object a report or its recommendations, no clause saying what is agreed)."""
    thanks = _WELCOME_AND_THANKS.match(sent.text)
    if thanks and not JUDGEMENT_CUE.search(_GAVE_EVIDENCE.sub(" ", sent.text[thanks.end():])):
        return True  # "... welcomes the Committee's report, Title, and thanks all who gave evidence": courtesy
    if not sent.doc.has_annotation("DEP"):
        return False
    root = sent.root
    verbs = [root] + [c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
    if any(v.lower_ not in READ_AGREEMENT for v in verbs):
        return False
    if not _agentive(_child(root, "nsubj")):
        return False
    whole = []
    for v in verbs:
        objects = []
        for c in v.children:
            if c.dep_ in ("ccomp", "xcomp", "advcl", "acomp", "attr", "oprd", "dative", "npadvmod"):
                return False
            if c.dep_ == "dobj":
                objects.append(c)
            elif c.dep_ == "prep" and c.lower_ in ("with", "to"):
                objects.extend(x for x in c.children if x.dep_ == "pobj")
            elif c.dep_ == "prep":
                return False
        if not objects:
            return False
        whole.extend(o for o in objects if o.lower_ in WHOLE_REPORT_NOUNS or (
            o.lower_ in ("recommendation", "proposal") and any(c.lower_ in ("this", "that") for c in o.children))
            or ((o.lower_ in ("recommendation", "recommendations", "proposal", "proposals")
                 or (o.lower_ in ("conclusion", "conclusions", "finding", "findings", "view", "views")
                     and not any(c.dep_ == "neg" for c in v.children)))
                and all(c.dep_ in ("det", "poss", "predet") or _possessive_name(c) or (
                    c.dep_ == "prep" and c.lower_ in ("of", "from", "in")
                    and not any(t.pos_ in ("VERB", "AUX") for t in c.subtree)) for c in o.children)))
        # "does not accept this recommendation": the answer to one recommendation, said of it whole;
        # "agrees with the Committee's recommendation": which one is not said, nor what it asks;
        # "agrees with the Committee's conclusion": nor what it concludes (the annotators' brief:
        # a bare statement of agreement is no claim; "does not agree with its conclusion" is one)
        for o in objects:
            if any(t.like_num for t in o.subtree):
                return False  # "We have accepted 15 of its 21 recommendations": a count, and a pledge
            words = {t.lower_ for t in o.subtree}
            if not words & REPORT_NOUNS or any(t.dep_ in ("relcl", "acl", "ccomp", "advcl") and t.lower_ not in ("set",)
                                               for t in o.subtree):
                return False
    # "welcomes the report": the report as a whole, as "agrees with its conclusion" is
    return bool(whole)


STRONG = {
    "statistic": {"percent", "money", "ratio", "number", "fraction"},
    "commitment": {"we_will", "committed", "minuted", "planned_quantity", "is_to", "intends", "agent_will",
                   "reported_pledge", "new_quantity"},
    "recommendation": {"recommend", "should", "asks", "motion"},
    "assessment": {"agree"},
}


def strong(kind: str, hits: dict[str, list[str]]) -> bool:
    """Did a strong pattern of ``kind`` fire (and nothing that undoes it)?"""
    if kind == "recommendation" and "not_call" in hits and "recommend" not in hits.get(kind, ()) \
            and "asks" not in hits.get(kind, ()):
        return False  # "should have acted", "does not agree that it should"
    return any(n in STRONG.get(kind, ()) for n in hits.get(kind, ()))


# --- sentences that are never claims, and lines that complete a lead-in ---------------

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:uk|org|com|gov|net|int|eu)(?:/\S*)?", re.I)
_FINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
_LEAD_RECOMMEND = re.compile(r"\b(?:should|must|ought to|recommends?|recommended|urges?|urged|calls? (?:on|upon|for)|asks?|asked|needs? to)\b", re.I)
_LEAD_COMMIT = re.compile(r"\b(?:will|shall|are going to|intends? to|plans? to|commits? to|committed to|pledges? to|aims? to|next steps)\b|"
                          r"^\s*(?:it was\s+)?(?:resolved|agreed|decided|decisions?)\s*(?:that)?\s*$|"
                          r"\b(?:therefore\s+|further\s+)?(?:resolves|resolved|agrees|decides)(?:\s+(?:that|to))?\s*$", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")

# Shapes of sentence that make no claim whatever their words.
NO_CLAIM_SHAPES = frozenset({"heading", "no_verb", "url", "lead_in", "question", "fragment", "notice", "definition",
                             "procedure", "duties"})
# The formulas of a meeting's or a debate's procedure and of a paper's or a letters page's
# small print: they move, note, thank and give way, and make no claim.
PROCEDURE = re.compile(
    r"\bI beg to move\b|\b(?:it is|it's|it has been) a (?:great )?(?:pleasure|privilege|honour) to serve under\b|"
    r"^\W*I (?:will|shall) give way\b|\bgive way\?\W*$|^\W*(?:question|amendment|motion) (?:put and )?"
    r"(?:agreed to|negatived|withdrawn)\b|\bthat this house has considered\b|"
    r"\bminutes of the (?:last |previous )?meeting\b[^.;]{0,80}\b(?:agreed|approved|confirmed|signed)\b|"
    r"^\W*(?:\(?[a-z0-9]{1,3}[.)]\s*)?(?:resolved\W*)?that the [a-z ]{1,40} be noted\W*$|"
    r"\bthe meeting (?:closed|ended|finished) at\b|\bletters may be edited\b|"
    r"\bthe authors? (?:would like to|wish to) thank\b|\berrors (?:remain|are) (?:the authors?['’]?s?|our|my) own\b|"
    r"\breaders (?:can|may|are invited to) (?:share|send|write|contact|email|e-mail)\b", re.I)
# A publication's small print: copyright and licence notices, where to send enquiries,
# catalogue numbers. It makes no claim, whatever its "must" or "should".
NOTICE = re.compile(
    r"\bcrown copyright\b|\u00a9|\bcopyright (?:holders?|owners?|information|material)\b|\bthird[- ]party copyright\b|"
    r"\bopen government licen[cs]e\b|\blicensed under the terms\b|\bre-?use (?:this|the) (?:information|publication)\b|"
    r"\benquiries (?:regarding|about|concerning) this (?:publication|document|report)\b|\bISBN\b|"
    r"\b(?:the )?views expressed (?:in this (?:report|paper|briefing|document) )?are (?:those of the authors?|the authors?'?s?)\b|"
    r"\bthis (?:publication|document) is (?:also )?available (?:at|from|on|to download)\b|"
    r"\bpresented to parliament (?:by|pursuant)\b|\bby command of (?:his|her) majesty\b|"
    # where to write: "any enquiries about the panel should be directed to its secretariat"
    r"\b(?:enquiries|queries|questions|correspondence|comments|feedback)\b[^.;]{0,100}?\b(?:should|must|can|may) "
    r"(?:also )?be (?:directed|sent|addressed|emailed|e-mailed|forwarded|submitted)\s+to\b|"
    r"\busing the (?:following|details below|address below|form below)\b|\bat the following (?:e-?mail )?address\b", re.I)
# A definition of a term ("12 Statistically robust means ...", "The term 'carer' refers to
# ...", "'Low income' is defined as ..."): a footnote or a glossary, no claim.
DEFINITION = re.compile(
    r"^\s*(?:\d{1,3}\s+(?=[A-Z\"'\u201c\u2018]))?(?:(?:[Tt]he|[Aa]) (?:term|phrase|word|expression) )?"
    r"(?:[\"'\u201c\u2018][^\"'\u201d\u2019]{1,60}[\"'\u201d\u2019]|[A-Z][\w-]*(?: [\w-]+){0,5}?) "
    r"(?:is defined as|are defined as|is (?:the )?(?:term|phrase) used (?:for|to describe)|is used to (?:describe|mean|refer to))\b|"
    r"^\s*\d{1,3}\s+(?!(?:The|This|That|These|Those|It|Its|Their|Our|Such|Any|We|They)\b)[A-Z][\w-]*(?: [\w-]+){0,4}? "
    r"(?:means|refers to)\b|"
    r"^\s*(?:\d{1,3}\s+)?(?:(?:[Tt]he|[Aa]) (?:term|phrase|word|expression) )?[\"'\u201c\u2018][^\"'\u201d\u2019]{1,60}"
    r"[\"'\u201d\u2019] (?:means|refers to)\b|^\s*(?:[Tt]he|[Aa]) (?:term|phrase|word|expression) [\w-]+(?: [\w-]+){0,3}? "
    r"(?:means|refers to)\b")
# a list marker before a line's words: "(a)", "iv.", "3)", a bullet or a dash
_MARKER = re.compile(r"^\s*(?:[\u2022\u25cf\u25aa\u2013\u2014*\-\u00b7]|\(?[a-z0-9ivx]{1,4}[.)])\s+", re.I)
_OPEN_QUOTE = re.compile(r"^[\"'\u201c\u2018(\[]+")
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "expl", "csubj", "csubjpass"})
# the last word of a sentence cut off by a page or column break
_OPEN_END_POS = frozenset({"DET", "ADP", "CCONJ", "SCONJ", "AUX", "PART"})


def _starts_line(text: str, start: int) -> bool:
    left = text[:start].rstrip(" \t")
    return not left or left.endswith("\n")


def lead_kind(text: str) -> str | None:
    """What the lines after a lead-in ending with ":" are: "We will:" -> commitment,
    "The Government should:" -> recommendation, "We have:" -> None (each line on its own)."""
    body = text.rstrip().rstrip(":")
    if _LEAD_RECOMMEND.search(body):
        return "recommendation"
    if _LEAD_COMMIT.search(body):
        return "commitment"
    return None


def _title_case(words: list[str]) -> bool:
    content = [w for w in words if len(w) > 3 or w[:1].isupper()]
    caps = sum(1 for w in content if w[:1].isupper())
    return bool(content) and caps / len(content) >= 0.6


def sentence_shape(sent, text: str, start: int, end: int, parsed: bool) -> str | None:
    """Why the sentence ``text[start:end]`` can make no claim, or None:

    - ``lead_in``: it ends with ":" ("We will:", "The Government should:");
    - ``url``: a web address and a few words ("Find out more at www...");
    - ``heading``: a line of its own without a full stop, short or in title case
      (titles, headlines, bylines, labels such as "Item 4: Response times");
    - ``no_verb``: no verb at all ("Present: ...", "Summary 3", "(Paragraph 22)"),
      when the model tags parts of speech.
    """
    from scrutiny.nlp.lines import line_of

    body = text[start:end].strip()
    if body.endswith(":"):
        return "lead_in"
    if body.rstrip("\"'\u201d\u2019)]").endswith("?"):
        return "question"  # "5. How does the policy affect carers?"
    if parsed and _fragment(sent, body):
        return "fragment"
    if NOTICE.search(body):
        return "notice"
    if DEFINITION.search(body):
        return "definition"
    if PROCEDURE.search(body):
        return "procedure"
    if parsed and _reported_question(sent):
        return "question"  # "Members asked whether the scheme had been costed."
    if parsed and _addressed_duties(sent):
        return "duties"
    if _URL.search(body):
        rest = _WORD.findall(_URL.sub(" ", body))
        if len(rest) < 8:
            return "url"
    words = _WORD.findall(body)
    if not _FINAL.search(body) and line_of(text, start, end) and (len(words) <= 14 or _title_case(words)):
        return "heading"
    if parsed and not any(t.pos_ in ("VERB", "AUX") for t in sent):
        return "no_verb"
    return None


def _reported_question(sent) -> bool:
    """A question someone asked, reported ("Dr A asked whether the plan had been costed"):
    the root is "ask" or "query", its clause opens with "whether", "if" or a wh-word, and
    nothing else is said beside it."""
    root = sent.root
    if root.lemma_.lower() not in ("ask", "query", "wonder") or any(t.dep_ == "conj" for t in root.children):
        return False
    clauses = [t for t in root.children if t.dep_ in ("ccomp", "advcl", "xcomp")]
    return len(clauses) == 1 and any(
        t.lower_ in ("whether", "if", "how", "why", "what", "when", "who", "which") and t.i < clauses[0].i
        for t in clauses[0].subtree)


_WANTED = frozenset("someone somebody person people candidate candidates individual applicant applicants "
                    "volunteer volunteers colleague colleagues".split())


def _a_person_wanted(tok) -> bool:
    from scrutiny.nlp.tie_parse import ROLE_NOUNS

    return tok.lower_ in _WANTED or tok.lower_ in ROLE_NOUNS or any(
        c.dep_ == "relcl" and any(w.lower_ == "who" for w in c.children) for c in tok.children)


def _addressed_duties(sent) -> bool:
    """What the reader will do ("You will hold a caseload of ...", "Reporting to the
    director, you will lead ..."): a job's duties or a guide's steps, not a pledge; and
    whom a job advert looks for ("We are looking for someone who ...")."""
    root = sent.root
    subjects = [t for t in root.children if t.dep_ in ("nsubj", "nsubjpass")]
    if [t.lower_ for t in subjects] == ["we"] and root.lower_ in ("looking", "seeking", "recruiting") \
            and not any(t.dep_ in ("conj", "advcl") for t in root.children):
        wanted = [c for c in root.children if c.dep_ == "dobj"] + [
            o for c in root.children if c.dep_ == "prep" and c.lower_ == "for" for o in c.children if o.dep_ == "pobj"]
        if wanted and all(_a_person_wanted(o) for o in wanted):
            return True  # "We are looking for a nurse who ...": whom a job advert wants, no claim
    if not subjects or not all(t.lower_ == "you" for t in subjects):
        return False
    aux = {t.lower_ for t in root.children if t.dep_ == "aux"}
    # "You will hold ...", "You must have experience of ...", "You do not need a degree": duties and requirements
    return bool(aux & {"will", "'ll", "shall"}) or ("must" in aux and root.lower_ in ("have", "be")) \
        or root.lower_ in ("need", "needs")


def _fragment(sent, body: str) -> bool:
    """A piece of a sentence rather than a sentence: a list item ending with ";" that
    has no subject, words continuing a sentence the page or a footnote cut
    (it opens in lower case), or one cut off before its end ("... funded by the")."""
    if body[:1] in (",", ";", ")", "]") or body[:2] in (". ", ": "):
        return True   # ", the ombudsman acknowledged that ...": the start was cut off
    marked = bool(_MARKER.match(body))
    rest = _OPEN_QUOTE.sub("", _MARKER.sub("", body, count=1))
    first = rest[:1]
    has_subject = any(t.dep_ in _SUBJECT_DEPS for t in sent)
    if first.islower():
        if not marked:
            return True   # the rest of a sentence begun elsewhere
        if not has_subject:
            return True   # "- to improve access to services;": a bullet without a subject
    stripped = body.rstrip()
    if stripped.endswith(";") or re.search(r";\s*(?:and|or)$", stripped):
        if not has_subject:
            return True
    words = [t for t in sent if not (t.is_space or t.is_punct)]
    if len(words) >= 2 and stripped.endswith((",", "\u2013", "\u2014", " -", "(", "/")):
        return True   # "35% of those who knew of it,": cut off by a page break or a bad split
    if words and not _FINAL.search(stripped) and not stripped.endswith((";", ":")) \
            and words[-1].pos_ in _OPEN_END_POS and len(words) >= 4:
        return True   # "... the scheme will be funded by the"
    return False


_CONDITIONAL = re.compile(r"\b(?:would|could|might)\b", re.I)
# A figure taken as a working assumption or as a test's threshold, not counted or measured:
# "a take-up of 50% is assumed for illustration", "significant at the 5% level".
_ASSUMED_FIGURE = re.compile(
    r"\b(?:assum(?:e|es|ed|ing|ption|ptions)|illustrative|for (?:the purposes? of )?illustration|hypothetical|"
    r"(?:statistically )?significan(?:t|ce) at (?:the )?\S+ (?:level|threshold)|significance (?:level|threshold)|"
    r"confidence (?:level|interval))\b", re.I)
# Sentences that say who runs, funds, leads or belongs to what.
RELATIONAL = re.compile(
    r"\b(?:(?:run|delivered|funded|part-funded|co-funded|led|chaired|hosted|commissioned|published|written|prepared|"
    r"managed|operated|owned|administered|supported|sponsored|carried out|set up|founded|backed)"
    r"(?: jointly| directly| solely| mainly| largely)? by|members? of|part of|buys|commissions|"
    r"sits? within|based (?:at|in|within)|(?:unit|centre|team|arm|agency|division|subsidiary) (?:of|within|at)|"
    r"joint (?:campaign|programme|initiative|venture)|members (?:include|included|are)|runs|provides|delivers|operates|"
    r"(?:with|through) (?:funding|a grant|grants) from|produced by|affiliated (?:to|with)|authors (?:are|were|include)|"
    r"commissioned|carry out|carries out|is (?:a|an) (?:[a-z-]+ ){0,2}(?:charity|campaign|network|coalition|organisation|"
    r"company|body|unit|centre|think tank|trust|group|forum|alliance|partnership|union|service))\b", re.I)
# An assessment judges: it has a word that evaluates, compares, gives a cause, or
# reports someone's judgement. A sentence with none ("X is run by Y", "X is a
# member of Y", "The group sits within the department") describes, and makes none.
ASSESSMENT_CUE = re.compile(r"""\b(?:
good|bad|better|worse|best|worst|poor|poorly|weak|weaker|strong|stronger|effective|ineffective|efficient|inefficient|
inadequate|adequate|insufficient|sufficient|unacceptable|acceptable|successful|unsuccessful|success|fail|fails|failed|failing|failure|
fragile|unsustainable|sustainable|robust|flawed|broken|crisis|critical|serious|severe|significant|significantly|important|
essential|vital|crucial|key|main|major|biggest|greatest|real|clear|clearly|evident|obvious|unfair|fair|fairer|arbitrary|
unworkable|harmful|damaging|disgrace|shameful|welcome|welcomed|welcomes|concern|concerns|concerned|concerning|worrying|
alarming|troubling|positive|negative|wrong|mistake|excellent|outstanding|impressive|disappointing|disappointed|low|lower|
high|higher|too|enough|lack|lacks|lacking|shortage|shortages|gap|gaps|barrier|barriers|problem|problems|problematic|risk|
risks|risky|difficult|difficulty|hard|harder|easier|complex|slow|slower|slowly|rushed|behind|improve|improved|improves|
improving|improvement|improvements|worsen|worsened|worsening|deteriorat\w*|declin\w*|undermin\w*|strengthen\w*|
because|due|led|lead|leads|leading|result|results|resulted|caused|cause|causes|driven|reason|reasons|contribut\w*|owing|
therefore|hence|means|meant|help|helps|helped|prevent|prevents|prevented|reduce|reduces|reduced|increase|increases|
believe|believes|think|thinks|consider|considers|agree|agrees|agreed|disagree|argue|argues|argued|said|says|say|told|warn|
warned|warns|found|find|finds|suggest|suggests|suggested|show|shows|showed|shown|evidence|view|opinion|seem|seems|appear|
appears|likely|unlikely|could|would|may|might|should|ought|called|described|criticis\w*|criticiz\w*|praised|condemned|blamed|
blaming|recognis\w*|acknowledg\w*|accept|accepts|accepted|ignored|neglect\w*|remain|remains|remained|still|only|just|
little|less|more|most|much|many|few|fewer|far|well|hardly|barely|simply|never|always|already|yet|despite|however|although|
unless|unlike|than|compared|whether|excessive|overstretched|underfunded|unmet|struggl\w*|pressure|pressures|morale|
quality|value|benefit|benefits|impact|impacts|affect|affects|affected|matter|matters|deserve\w*|right|rights|needs?|demand
)\b""", re.I | re.X)


# A judgement: a word that evaluates, compares, gives a cause, predicts, or reports
# someone's judgement ("the review recognised", "X is clear that"). Narrower than
# ASSESSMENT_CUE: no modal verbs, quantifiers or words that only describe.
JUDGEMENT_CUE = re.compile(r"""\b(?:
good|bad|better|worse|best|worst|poor|poorly|weak|weaker|weakness\w*|strong|stronger|strength\w*|effective\w*|ineffective|efficient|
inefficient|inadequate|adequate|insufficient|sufficient|unacceptable|acceptable|successful|unsuccessful|success|succeed\w*|fail\w*|
fragile|unsustainable|sustainable|robust|flawed|broken|crisis|critical|serious|seriously|severe|significant|significantly|
important|importance|essential|vital|crucial|clear|clearly|evident|obvious|unfair|fair|fairer|arbitrary|unworkable|harm|harmful|damag\w*|
disgrace|shameful|welcome|welcomed|welcomes|concern|concerns|concerned|concerning|worrying|alarming|troubling|positive|
positively|negative|negatively|wrong|mistake\w*|excellent|outstanding|impressive|disappoint\w*|too|enough|lack|lacks|lacking|
shortage\w*|gap|gaps|barrier\w*|problem\w*|risk|risks|risky|difficult\w*|hard|harder|easier|easy|complex|complexity|slow|slower|
slowly|rushed|improv\w*|worsen\w*|deteriorat\w*|declin\w*|undermin\w*|strengthen\w*|because|due|led|leads|leading|resulted|
caused|causes|driven|reason|reasons|contribut\w*|owing|therefore|hence|believe\w*|think|thinks|considers?|considered|agree\w*|
disagree\w*|argue\w*|warn\w*|found|finds|suggest\w*|shows?|showed|shown|demonstrat\w*|evidence|view|seems?|appears?|likely|unlikely|
expect\w*|forecast\w*|predict\w*|projected|projections?|anticipat\w*|recognis\w*|recogniz\w*|acknowledg\w*|accept\w*|
ignored|neglect\w*|than|compared|comparison|despite|however|although|excessive|overstretched|underfunded|unmet|struggl\w*|
pressure|pressures|valuable|value|benefit\w*|impact\w*|affect\w*|deserve\w*|confident|confidence|satisfied|unclear|uncertain\w*|
inconsistent\w*|consistent|proportionate|disproportionate\w*|necessary|unnecessary|appropriate|inappropriate|reasonable|unreasonable|
vulnerable|unprecedented|substantial|considerable|limited|greater|higher|lower|larger|smaller|increas\w*|reduc\w*|rise|rising|rose|
fall|falling|fell|grow|growing|grew|unable|inevitabl\w*|likelihood|potential|potentially|strongly|properly|unfortunately|regrettabl\w*|
rightly|wrongly|sadly|notabl\w*|remarkabl\w*|urgent|urgently|costly|expensive|affordable|unaffordable|means|meant|
challeng\w*|lesson|lessons|unprepared|preparedness|resilien\w*|inequalit\w*|disadvantag\w*|transparen\w*|
accountab\w*|proud|pleased|not|never|no longer|nothing|real|overdue|reluctant\w*|impossible|progress|fit for purpose|realistic|unrealistic
)\b""", re.I | re.X)
# Sentences that only say that something was done, exists or works in a certain way:
# who set up, commissioned, amended, referred or investigated what, what a framework,
# project or role is or does, what remedies "can include", where data "would flow".
DESCRIPTIVE = re.compile(
    r"\b(?:was|were|has been|have been|had been|is|are) (?:\w+ly )?(?:established|set up|created|commissioned|amended|referred|"
    r"investigated|selected|appointed|launched|introduced|published|announced|convened|formed|constituted|tasked|asked|invited|"
    r"designed|developed|used|made up|composed|chaired|led|held|given|passed|laid|issued|agreed|extended|replaced|revised)\b|"
    r"\b(?:engages?|engaged|engaging|works?|worked|liaises?|liaised|meets?|met|corresponds?) (?:closely |regularly )?with\b|"
    r"\b(?:can|may|could|will|would) (?:also )?(?:include|involve|cover|comprise|consist of|flow|feed|be used|be shared|be held|"
    r"be stored|be sent|be passed|apply)\b|"
    r"\b(?:is|are|was|were) (?:responsible|accountable) for\b|\b(?:the|its|their|whose) (?:role|remit|purpose|function|job|task) "
    r"(?:of [^.,;]{1,60} )?(?:is|was|will be|includes?)\b|"
    r"\b(?:is|are|was|were) (?:an?|the) (?:\w+ ){0,3}(?:framework|project|programme|scheme|tool|system|process|mechanism|body|"
    r"platform|database|service|fund|board|panel|group|committee|forum|network|initiative|role|post|office|team)\b|"
    r"\b(?:commissioned|amended|referred|investigated|selected|established|appointed|set up|launched|published|convened|"
    r"submitted|received|wrote to|met(?! by)|met with|visited|attended|asked|brings? together|brought together|"
    r"sets? out (?:how|what|when|who|where|which|the (?:steps|process|arrangements|approach|roles?)))\b", re.I)
CROSS_REFERENCE = re.compile(
    r"\b(?:later|below|above|earlier|elsewhere|further on) in (?:this|the) (?:response|document|report|chapter|section|paper|annex)\b|"
    r"\b(?:is|are|will be|has been|have been) (?:captured|covered|set out|addressed|discussed|described|considered|dealt with|"
    r"explained|detailed|summarised) (?:later|below|above|further|elsewhere|in (?:section|chapter|paragraph|annex|appendix|part)s?\b)|"
    r"^\s*\(?see (?:section|chapter|paragraph|annex|appendix|page|also|below|above)\b", re.I)
# A prediction about how things will be, not a pledge: "claim volumes will be high",
# "it will be very difficult to ...", "costs are expected to rise".
PREDICTION = re.compile(
    r"\b(?:will|is going to|are going to|may well|would) (?:be|remain|become|prove|grow|stay|get) (?:very |much |far |even |extremely |particularly |"
    r"significantly |increasingly |more |less |too |so |quite |relatively |likely to be )?(?:difficult|hard|high|higher|low|lower|large|"
    r"larger|small|smaller|great|greater|significant|substantial|challenging|costly|expensive|complex|impossible|limited|"
    r"considerable|slow|slower|busy|heavy|sizeable|unlikely|likely|severe|worse|better|lengthy|long|longer|uncertain|stretched)\b|"
    r"\b(?:is|are|was|were) (?:widely |currently |now )?(?:expected|forecast|projected|predicted|likely|unlikely|anticipated) to "
    r"(?!(?:open|close|start|begin|end|launch|be (?:published|completed|opened|closed|launched|introduced|laid))\b)", re.I)
_WILL = frozenset({"we_will", "actor_will", "will_future", "investing", "committed"})
# A figure measured against a target or a plan ("1,140 homes, against a target of 1,600").
AGAINST_TARGET = re.compile(r"\bagainst (?:a|an|the|its|their|our) (?:[a-z-]+ )?(?:target|plan|ambition|trajectory|goal|aim) of\b", re.I)
_PLEDGE = frozenset({"we_will", "committed", "minuted", "agent_will", "is_to", "intends", "planned_quantity", "reported_pledge"})
# a count out of a total: "9 of the Panel's 12 recommendations", "14 out of 20 councils"
COUNT_OF = re.compile(r"\b\d[\d,]*\s+(?:out\s+)?of\s+(?:(?:the|its|their|our|his|her|these|those|all)\s+|"
                      r"[A-Z][\w-]*(?:'s|\u2019s)?\s+){0,3}\d[\d,]*\s+[a-z]")
ACCEPTED_COUNT = re.compile(r"\b(?:we|government|department|ministers?)\b[^.;]{0,30}\baccept(?:s|ed)?\b[^.;]*\brecommendations\b", re.I)
_QUOTE_MARKS = re.compile(r"[\"\u201c\u201d]|(?:^|\s)[\u2018']\w")


def _judgement(kinds: dict, hits: dict, text: str, scores: dict, plain: str | None = None) -> dict:
    """The kinds a sentence keeps given what it says rather than its shape: an
    assessment judges (evaluates, compares, gives a cause, predicts, or reports a
    judgement) and a plain description does not; a prediction is an assessment, not a
    pledge or a call; a call needs a word that calls; a cross-reference ("set out later
    in this response") is neither."""
    kinds = dict(kinds)
    plain = plain or text
    rec_hits = set(hits.get("recommendation", ()))
    if "motion" in rec_hits:
        # "1.1 That Cabinet approves the strategy": a resolution proposed, a call on the body
        if not hits.get("assessment") and not JUDGEMENT_CUE.search(plain):
            kinds.pop("assessment", None)
        kinds.setdefault("recommendation", (round(max(scores.get("recommendation", 0.0), 0.7), 3), "rule"))
    strong_rec = bool(rec_hits & {"recommend", "asks", "should"} or "imperative" in rec_hits)
    predicted = bool(PREDICTION.search(text)) or "instrument_effect" in hits.get("prediction", ())
    if CROSS_REFERENCE.search(text):
        kinds.pop("assessment", None)
        kinds.pop("statistic", None)
        if not strong_rec:
            kinds.pop("recommendation", None)
        if not set(hits.get("commitment", ())) & {"we_will", "committed", "minuted", "actor_will"}:
            kinds.pop("commitment", None)
    if predicted:
        if "commitment" in kinds and not set(hits.get("commitment", ())) & {"we_will", "committed", "minuted"}:
            kinds.pop("commitment")
        if "recommendation" in kinds and not rec_hits & {"recommend", "asks", "should"}:
            kinds.pop("recommendation")
        if not kinds.get("commitment") and not kinds.get("recommendation") and not CROSS_REFERENCE.search(text):
            kinds.setdefault("assessment", (round(max(scores.get("assessment", 0.0), 0.6), 3), "rule"))
    if "directive" in rec_hits:
        # an inquiry's "X shall ..." quoted in a response: a call on X, not a pledge or a judgement
        if not set(hits.get("commitment", ())) & STRONG["commitment"]:
            kinds.pop("commitment", None)
        if "agree" not in hits.get("assessment", ()):
            kinds.pop("assessment", None)
        kinds.setdefault("recommendation", (round(max(scores.get("recommendation", 0.0), 0.7), 3), "rule"))
    if "allocated_sum" in hits.get("commitment", ()):
        # "we have confirmed a £400m programme": an allocated sum is a commitment, not a statistic
        kinds.pop("statistic", None)
        if not predicted:
            kinds.setdefault("commitment", (round(max(scores.get("commitment", 0.0), 0.7), 3), "rule"))
    if "statistic" in hits and "statistic" not in kinds and COUNT_OF.search(text):
        # "We have accepted 9 of the Panel's 12 recommendations": a count out of a total
        kinds["statistic"] = (round(max(scores.get("statistic", 0.0), 0.6), 3), "rule")
    if "statistic" in hits and ACCEPTED_COUNT.search(text) and COUNT_OF.search(text):
        # accepting a count of recommendations is a pledge to act on them (the labelled sets' convention)
        kinds.setdefault("commitment", (round(max(scores.get("commitment", 0.0), 0.6), 3), "rule"))
    if "not_a_call" in hits.get("not_call", ()) and not rec_hits - {"imperative"}:
        kinds.pop("recommendation", None)   # "Should the panel decide ...", "It should be noted that ..."
        if kinds.get("assessment", (0, ""))[1] == "model" and not hits.get("assessment") \
                and not JUDGEMENT_CUE.search(plain):
            kinds.pop("assessment")   # what was left of it describes: "Awards could be a single payment."
    if AGAINST_TARGET.search(text) and not set(hits.get("commitment", ())) & _PLEDGE:
        # "recruited 214 staff, against a plan of 260": a measure, not a pledge
        kinds.pop("commitment", None)
        if "statistic" in hits:
            kinds.setdefault("statistic", (round(max(scores.get("statistic", 0.0), 0.6), 3), "rule"))
    if "recommendation" in kinds and not rec_hits and set(hits.get("commitment", ())) & _WILL:
        kinds.pop("recommendation")   # "the government will reference ...": a pledge, no word that calls
    if "assessment" in kinds and not predicted and DESCRIPTIVE.search(text) \
            and not (JUDGEMENT_CUE.search(_descriptive_rest(plain)) or hits.get("assessment") or "reported" in hits):
        kinds.pop("assessment")       # "The panel was set up in 2019 to advise ministers."
    if "statistic" in kinds and kinds.get("assessment", (0, ""))[1] == "model" \
            and set(hits.get("assessment", ())) <= {"change"} \
            and not JUDGEMENT_CUE.search(REPORTED_FIGURE.sub(" ", plain)):
        kinds.pop("assessment")       # "She said admissions had risen by 40 per cent": a figure reported
    if "reported_count" in hits.get("statistic", ()) and kinds.get("assessment", (0, ""))[1] == "model" \
            and not set(hits.get("assessment", ())) & {"agree", "cause", "evidence"}:
        kinds.pop("assessment")       # "It found that one in five prisoners had an unmet need": a count
        kinds.setdefault("statistic", (round(max(scores.get("statistic", 0.0), 0.6), 3), "rule"))
    if "reported_pledge" in hits.get("commitment", ()) and kinds.get("assessment", (0, ""))[1] == "model" \
            and not hits.get("assessment") and not JUDGEMENT_CUE.search(REPORTED_FIGURE.sub(" ", plain)):
        kinds.pop("assessment")       # "The college has said it will pilot a fund": a pledge reported, nothing judged
    if "assessment" in kinds and "recommendation" in kinds and "should" in rec_hits \
            and _QUOTE_MARKS.search(text) and not hits.get("assessment"):
        kinds.pop("assessment")       # a quoted "should": a call, not a judgement
    return kinds


# Words that only report or move a figure ("told the board that referrals had doubled"):
# with nothing else that judges, a reported figure is a statistic, not an assessment.
REPORTED_FIGURE = re.compile(
    r"\b(?:found|finds|find|said|says|say|told|tells|reported|reports|showed|shows|shown|estimated|estimates)\b(?: that)?|"
    r"\b(?:has|have|had)? ?(?:risen|rose|rise|rises|fallen|fell|falls|fall|increased|increases|decreased|decreases|"
    r"declined|declines|doubled|halved|grown|grew|tripled|trebled)\b", re.I)


def _descriptive_rest(text: str) -> str:
    return DESCRIPTIVE.sub(" ", text)


def apply_shape(claim: dict, kinds: dict, text: str = "") -> dict:
    """The kinds a sentence keeps given its shape (``claim["shape"]``, ``claim["lead"]``)
    and its words: a bare "The Government agrees with this recommendation." makes no
    claim, and a figure in a conditional projection ("would prevent 18,000 evictions"),
    an assumption ("a take-up of 50% is assumed") or a test's threshold ("significant at
    the 5% level") is not a statistic."""
    hits = claim.get("rules") or {}
    if "bare_agreement" in hits.get("not_call", ()):
        return {}
    if "statistic" in kinds and text and _ASSUMED_FIGURE.search(text):
        kinds = {k: v for k, v in kinds.items() if k != "statistic"}  # an assumption or a threshold, not a count
    if ("statistic" in kinds or ("commitment" in kinds and "statistic" in hits)) and text and _CONDITIONAL.search(text):
        kinds = {k: v for k, v in kinds.items() if k != "statistic"}
        if "commitment" in kinds and not strong("commitment", hits):
            kinds.pop("commitment")  # "could help an extra 60,000 people": a projection, not a pledge
        if "recommendation" not in kinds and "commitment" not in kinds:
            # "would prevent an estimated 18,000 evictions": a projection, a judgement
            kinds.setdefault("assessment", (round(max((claim.get("scores") or {}).get("assessment", 0.0), 0.6), 3), "rule"))
    if "should_have" in hits.get("not_call", ()) and "recommendation" not in hits.get("recommendation", ()):
        kinds = {k: v for k, v in kinds.items() if k != "recommendation"}
        kinds.setdefault("assessment", (round(max((claim.get("scores") or {}).get("assessment", 0.0), 0.7), 3), "rule"))
    plain = claim.get("plain") or text   # the words of names blanked out
    if "assessment" in kinds and text and RELATIONAL.search(text) \
            and not ASSESSMENT_CUE.search(RELATIONAL.sub(" ", plain)):
        kinds = {k: v for k, v in kinds.items() if k != "assessment"}  # "The group is led by ..."
    if text:
        kinds = _judgement(kinds, hits, text, claim.get("scores") or {}, plain)
    shape = claim.get("shape")
    if shape == "bullet":
        lead = claim.get("lead")
        if lead:
            p = (claim.get("scores") or {}).get(lead, 0.0)
            return {lead: (round(max(p, 0.8), 3), "rule")}
        return {} if claim.get("fragment") else kinds
    if shape in NO_CLAIM_SHAPES:
        return {}
    return kinds


def decide(hits: dict[str, list[str]]) -> dict[str, float]:
    """Rules alone: kinds whose strong patterns fired, with a fixed confidence."""
    out = {}
    for kind, names in hits.items():
        strong = STRONG.get(kind, set())
        if any(n in strong for n in names):
            out[kind] = 0.7
    return out


# dot leaders of a table of contents or an index
_LEADERS = re.compile(r"(?:\.\s?){6,}|\u2026{2,}|(?:\.\s){4,}")


class ClaimRules:
    def __init__(self, name, min_alpha_tokens=2):
        self.name = name
        self.min_alpha_tokens = min_alpha_tokens

    def __call__(self, doc):
        claims = []
        text = doc.text
        parsed = doc.has_annotation("POS") or doc.has_annotation("TAG")
        lead = None   # the kind a "...:" line gives the lines after it
        leading = False
        for sent in sentences(doc, self.min_alpha_tokens):
            if _LEADERS.search(sent.text):
                continue  # a contents line ("Summary ........ 4") makes no claim
            start, end = sent.start_char, sent.end_char
            shape = sentence_shape(sent, text, start, end, parsed)
            claim = {"start": start, "end": end, "rules": rule_hits(sent), "kinds": {}, "shape": shape}
            plain = plain_text(sent)
            if plain != sent.text:
                claim["plain"] = plain
            if shape == "lead_in":
                # "... them. We will:" ends its line: the lines below complete it
                leading = not text[end:].lstrip(" \t") or text[end:].lstrip(" \t").startswith("\n")
                lead = lead_kind(text[start:end])
                claim["lead"] = lead
            elif leading and _starts_line(text, start) and shape in (None, "heading", "no_verb", "fragment"):
                claim["shape"] = "bullet"  # a line completing the lead-in above
                claim["lead"] = lead
                if shape == "fragment":
                    claim["fragment"] = True
            elif leading and _starts_line(text, start) and shape == "procedure":
                pass  # "(a) That the report be noted.": an item of the list that makes no claim
            else:
                leading = False
            claims.append(claim)
        doc._.claims = claims
        return doc
