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

from scrutiny.nlp.headwords import FUNDERS_LEAD
from scrutiny.nlp.lines import funder_lines, table_rows
from scrutiny.nlp.author_lines import affiliations, author_line
from scrutiny.nlp.claim_rules import sentences
from scrutiny.nlp.coreference import antecedent
from scrutiny.nlp.spans import stakeholder_spans
from scrutiny.nlp.tie_parse import ROLE_NOUNS, parse_ties

E = r"§(\d+)§"
DET = r"(?:(?:the|a|an|its|their|his|her|former|then|current|interim|acting|new|first)\s+)*"
GAP = r"(?:,[^§,;]{1,90},\s*)?"  # a parenthetical clause between commas
ROLE = (
    r"(?:(?:deputy|assistant|associate|senior|joint|acting|interim|honorary|principal|company|lead) )?"
    r"(?:chief executive(?: officer)?|ceo|co-chair|vice[- ]chair|deputy chair|chair(?:man|woman|person)?|"
    r"non-executive director|(?:managing|executive|medical|national|clinical|programme|policy|research|finance|deputy|regional) director|"
    r"director(?:[- ]general)?|vice[- ]president|president|permanent secretary|secretary[- ]general|"
    r"general secretary|secretary of state(?: for [a-z ,]+?)?|minister(?: for [a-z ,]+?)?|"
    r"chief [a-z]+ (?:officer|adviser|advisor|scientist|economist)|national clinical director|"
    r"head|founder|co-founder|trustee|governor|commissioner|convenor|patron|ambassador|"
    r"vice[- ]chancellor|principal|dean|editor|leader|lead|chief|board member|member|fellow|researcher|"
    r"lecturer|professor|economist|analyst|manager|coordinator|organiser|secretary|treasurer|convener)"
)
REL_VERB_POSITION = r"(?:chairs|chaired|leads|led|heads|headed|runs|ran|directs|directed|founded|co-founded|manages|managed)"
ADV = r"(?:(?:previously|also|now|formerly|currently|once|still|recently|later|then|both|jointly|already)\s+)?"

# A list after a name, leaving room for appositions: "A, a GP in Leeds, B, the former director of C, and D"
_APPOS_L = r"(?:\s*,\s*(?:a|an|the|its|their|his|her)\s+(?:[^§;,]{2,60}?§\d+§|[^§;,]{1,60}(?=\s*,)))"
# "delivered by X and the charity Y": a word saying what the body is, before a member of a list
ITEM_DESCRIPTOR = r"(?:(?:charity|company|firm|consultancy|think tank|social enterprise|university)\s+)?"
MORE_LIST = rf"(?P<more>(?:{_APPOS_L}?\s*,\s*{DET}{ITEM_DESCRIPTOR}§\d+§)*(?:{_APPOS_L}?\s*,?\s*and\s+{DET}{ITEM_DESCRIPTOR}§\d+§)?)"

# "chief executive of the eating disorder charity X": words saying what the body is
BODY_DESCRIPTOR = (r"(?:(?:[a-z-]+\s+){0,3}?(?:charity|trust|organisation|network|think tank|company|body|campaign group|"
                   r"consultancy|union|watchdog|regulator)\s+)?")
# "X, Senior Fellow, Y", "X, Minister for Employment, Y": a post written between a person and a body
POST_WORDS = "|".join(sorted(ROLE_NOUNS | {"manager", "officer", "lead", "correspondent", "minister", "fellow"},
                             key=len, reverse=True))
POST_THEN_BODY = rf"(?P<role>(?:[a-z-]+\s+){{0,4}}?(?:{POST_WORDS})(?:\s+(?:for|of)\s+[a-z][a-z ,&-]{{0,40}}?)?)"
# what a body does with a programme ("runs", "delivers") in a relative clause or as a verb
RUNS = r"(?:runs?|ran|delivers?|delivered|provides?|provided|operates?|operated|offers?|offered|hosts?|hosted|manages?|managed)"

PATTERNS: list[tuple[str, str, float, re.Pattern]] = []  # (name, relation, confidence, regex)


def _p(name, relation, confidence, regex):
    PATTERNS.append((name, relation, confidence, re.compile(regex, re.I)))


# position / member_of ---------------------------------------------------------
_p("appos_role_of", "position", 0.85, rf"{E}\s*,\s*{DET}(?P<role>{ROLE})\s+(?:of|at|for|to)\s+{DET}{BODY_DESCRIPTOR}{E}")
_p("bracket_role_of", "position", 0.8, rf"{E}\s*\(\s*(?:[^§()]{{0,80}}?\b(?:and|,)\s+)?{DET}(?P<role>{ROLE})\s+(?:of|at|for)\s+{DET}{E}")
_p("is_role_of", "position", 0.8,
   rf"{E}\s*{GAP}(?:is|was|has been|had been|became|becomes|serves as|served as|acts as|acted as|"
   rf"was appointed(?: as)?|has been appointed(?: as)?|was named(?: as)?|was elected(?: as)?|takes over as|took over as)\s+"
   rf"(?:also\s+|now\s+|currently\s+|still\s+|then\s+)?{DET}(?P<role>{ROLE})\s+(?:of|at|for)\s+{DET}{E}")
_p("relcl_role_of", "position", 0.8,
   rf"{E}\s*,\s*who\s+(?:is|was|has been|had been|became|serves as|served as|(?:was|has been|had been) (?:appointed|named|elected)(?: as)?)"
   rf"\s+(?:also\s+)?{DET}(?P<role>{ROLE})\s+(?:of|at|for)\s+{DET}{E}")
_p("relcl_verb", "position", 0.8, rf"{E}\s*,?\s*who\s+(?:also\s+|now\s+|then\s+)?(?P<role>{REL_VERB_POSITION})\s+{DET}{E}")
_p("verb_position", "position", 0.7, rf"{E}\s*{GAP}(?:also\s+|now\s+)?(?P<role>{REL_VERB_POSITION})\s+{DET}{E}")
_p("role_of_appos", "position", 0.8, rf"\b{DET}(?P<role>{ROLE})\s+of\s+{DET}{E}\s*,\s*{E}")
_p("role_of_name", "position", 0.75, rf"\b{DET}(?P<role>{ROLE})\s+of\s+{DET}{E}\s+{E}")
_p("possessive_role", "position", 0.8, rf"{E}\s*(?:'s|’s|')\s+(?:own\s+|[a-z-]+\s+){{0,2}}?(?P<role>{ROLE})\s*,?\s*{E}")
_p("preposed_role", "position", 0.7, rf"{E}\s+(?P<role>{ROLE})\s*,?\s*{E}")
_p("member_of", "member_of", 0.85,
   rf"{E}\s*{GAP}(?:is|was|are|were|became|become|has been|have been|remains?)\s+(?:also\s+)?(?:a|an|one of the)?\s*(?:founding |full |former |leading |core |associate )?members?\s+of\s+{DET}{E}")
_p("appos_member_of", "member_of", 0.8,
   rf"{E}\s*,\s*(?:a|an|one of the)\s+(?:founding |full |former )?members?\s+(?:organisations?\s+|bodies\s+|body\s+)?of\s+{DET}{E}")
# "X, whose chief executive, Y, ...": Y holds the post at X
_p("whose_role", "position", 0.8, rf"{E}\s*,\s*whose\s+(?:[a-z-]+\s+)?(?P<role>{ROLE})\s*(?:,|is|was)\s*{E}")
_p("sat_on", "member_of", 0.8, rf"{E}\s*{GAP}(?:,\s*who\s+)?,?\s*{ADV}(?:sat|sits|served|serves|has served|had served|was|is)\s+on\s+{DET}{E}")
# (not "A joined B at the launch", "... for a visit", "... on a march": company, not membership)
_p("joined", "member_of", 0.7, rf"{E}\s*{GAP}(?:,\s*who\s+)?{ADV}(?:joined|has joined|have joined|had joined|will join)\s+{DET}{E}"
                              rf"(?!\s*(?:at|for|on)\s+(?:a|an|the|its|their)\s)")
_p("take_part", "member_of", 0.75,
   rf"{E}\s*{GAP}(?:has|have|had)\s+{ADV}(?:agreed to (?:take part in|join|sit on)|signed up to|become (?:a )?members? of|(?:all\s+)?affiliated (?:to|with))\s+{DET}(?:new\s+)?{E}")
_p("members_include", "member_of", 0.7, rf"{E}\s*(?:'s|’s)?\s*members?\s+(?:include|included|includes|were|are|(?:will|would)\s+include)\s+{DET}{E}(?P<more>(?:\s*,\s*{DET}§\d+§)*(?:\s*,?\s*and\s+{DET}§\d+§)?)")
_p("possessive_person", "position", 0.6, rf"{E}\s*(?:'s|’s)\s+{E}")
# "Ann Lowe, its chief executive, said": the post in a body named before ("its" read back to it)
_p("appos_body_role", "position", 0.7,
   rf"{E}\s*,\s*{E}\s+(?:(?:former|then|acting|interim|new|current)\s+)?(?P<role>{ROLE})\s*(?:,|\.|;|$)")
# "and ask its Mental Health Faculty to report": a body of the body "its" stands for
_p("its_body", "part_of", 0.65, rf"(?<![§\w]){E}\s+{E}")
_p("role_of_x_at", "position", 0.75,
   rf"{E}\s*,\s*{DET}(?P<role>{ROLE})\s+(?:of|for)\s+[a-z][a-z ,&'’-]{{1,40}}?\s+(?:at|with)\s+{DET}{E}")
_p("appos_possessive_role", "position", 0.75, rf"{E}\s*,\s*{DET}{E}\s*(?:'s|’s)\s+(?P<role>{ROLE})\b")
_p("works_for", "position", 0.6, rf"{E}\s*{GAP}{ADV}(?:works|worked|is working|was working)\s+(?:for|at)\s+{DET}{E}")
_p("whose_members", "member_of", 0.75,
   rf"{E}\s*,?\s*(?:(?:a|an|the)\s+(?:[a-z-]+\s+){{0,3}}?(?:coalition|alliance|network|partnership|federation|group|forum|body|association|consortium)\s+)?"
   rf"(?:whose|and its|which has)\s+members?\s+(?:this\s+(?:round|year|term)\s+)?(?:include|included|includes|are|were)\s+{DET}{E}(?P<more>(?:\s*,\s*{DET}§\d+§)*(?:\s*,?\s*and\s+{DET}§\d+§)?)")
# "The Bridging Minds service is a partnership between A and B": each runs it (each is a member of a body)
_p("partnership_between", "provides", 0.7,
   rf"{E}\s*(?:[a-z]+\s+)?(?:is|was|are|were)\s+(?:a|an)\s+(?:joint\s+|new\s+)*(?:partnership|collaboration|joint venture)\s+"
   rf"(?:between|of)\s+{DET}(?:[a-z]+\s+)?{E}{MORE_LIST}")
# "Members of the Clean Air Coalition include A and B"; "Its authors are A and B"
_p("members_of_include", "member_of", 0.75,
   rf"\bmembers\s+of\s+{DET}{E}\s+(?:include|included|includes|are|were)\s+{DET}{E}{MORE_LIST}")
_p("authors_are", "authored", 0.7,
   rf"{E}\s*(?:'s|’s)?\s+(?:co-)?authors?\s+(?:are|were|is|was|include|included)\s+{DET}{E}{MORE_LIST}")
# "Beth Lowe of Harrogate Citizens Advice" (a person of a body; checked to be a person)
_p("person_of", "position", 0.7, rf"{E}\s+of\s+{DET}{E}")
# "who is chair of X and a trustee of Y": a second post of the same person
_p("chain_role_of", "position", 0.75,
   rf"{E}\s*,?\s*(?:who\s+(?:is|was|has been)\s+|(?:is|was)\s+|,\s*)(?:also\s+)?{DET}{ROLE}\s+(?:of|at|for)\s+{DET}§\d+§"
   rf"\s*,?\s*(?:and|as well as)\s+(?:also\s+)?{DET}(?P<role>{ROLE})\s+(?:of|at|for)\s+{DET}{E}")
# "The Water Affordability Panel includes A, B and C"; "its members will include"
_p("body_includes", "member_of", 0.7,
   rf"{E}\s*(?:,\s*which\s+)?(?:includes|included|include|(?:will|would)\s+include|is made up of|comprises|brings together)\s+{DET}{E}{MORE_LIST}")
# "Professor A (Centre for X, Y University)": a person and, in brackets, where they work
_p("bracket_body", "position", 0.6, rf"{E}\s*\(\s*{DET}{E}\s*(?:,\s*[^§()]{{0,60}}?(?:§\d+§[^§()]{{0,20}}?)?)?\)")
# a reference in a list of notes or sources: "[1] Skills Body, Title of Report, October 2025.",
# "2. X Institute (2023), Title: subtitle", "Background papers: A Strategy; X Alliance, Title (2025)"
_p("reference_line", "authored", 0.7,
   rf"(?:^|\n|;\s*|:\s*)\s*(?:\[\d+\]\s*|\d+\.\s+)?{E}\s*(?:\((?:19|20)\d\d\))?\s*,\s*{E}(?:\s+(?:19|20)\d\d(?:[–-]\d{{2,4}})?)?\s*(?=[,:(.]|$)")
# "Title: subtitle (A and B, 2024)": the people in brackets with a year wrote it
_p("title_authors_year", "authored", 0.7,
   rf"{E}(?::[^§()\n]{{0,120}})?\s*\(\s*{E}(?P<more>(?:\s*,\s*§\d+§)*(?:\s*,?\s*and\s+§\d+§)?)\s*,\s*(?:19|20)\d\d\s*\)")
# "A (Head of Wellbeing, Y Logistics)", "B (Work and Health Lead, Unison)": a post, then the body, in brackets
_p("bracket_post_body", "position", 0.65,
   rf"{E}\s*(?:MP\s*)?\(\s*(?P<role>[^§(),;]{{0,40}}?\b{ROLE}\b[^§(),;]{{0,40}}?)\s*,\s*{DET}{E}\s*\)")
# "A (Tarrow East) (LD): ... as chair of the X Group, I ...": the speaker's post
_p("speaker_as_role", "position", 0.7,
   rf"{E}\s*(?:\([^§()]{{1,60}}\)\s*){{1,2}}:\s*[^§]{{0,80}}?\bas\s+(?:an?\s+|the\s+)?(?P<role>{ROLE})\s+(?:of|at|for)\s+{DET}{E}")
# "X is affiliated to Y"; "X is affiliated to Y and is a member of Z" (the second verb shares the subject)
_p("affiliated", "member_of", 0.8,
   rf"{E}\s*{GAP}(?:is|are|was|were|has been|have been|remains?)\s+(?:also\s+|formally\s+)?affiliated\s+(?:to|with)\s+{DET}{E}")
_p("chain_member_of", "member_of", 0.75,
   rf"{E}\s*{GAP}(?:is|are|was|were)\s+[^§;.]{{1,60}}?§\d+§\s*,?\s*and\s+(?:is|are|was|were)\s+(?:also\s+)?"
   rf"(?:a|an|one of the)\s+(?:founding |full |former |leading |core |associate )?members?\s+of\s+{DET}{E}")
# "X is a member of the Coalition, alongside A and B": each is a member
_p("member_alongside", "member_of", 0.75,
   rf"{E}\s*{GAP}(?:is|are|was|were|has been|have been)\s+(?:also\s+)?(?:a|an|one of the)?\s*(?:founding |full |former |leading )?"
   rf"members?\s+of\s+{DET}{E}\s*,?\s*(?:alongside|along with|together with)\s+{DET}{E}"
   rf"(?P<more>(?:\s*,\s*{DET}§\d+§)*(?:\s*,?\s*and\s+{DET}§\d+§)?)")
# "X is a subsidiary of the US-based Y", "X, a division of Y"
_p("subsidiary_of", "part_of", 0.8,
   rf"{E}\s*(?:,\s*(?:which\s+)?)?(?:is|was|has been|became|,)?\s*(?:now\s+)?(?:a|an)\s+(?:wholly[- ]owned\s+)?(?:[a-z]+\s+)?"
   rf"(?:subsidiary|division|arm|branch|subsidiary company)\s+of\s+{DET}(?:[A-Za-z]+-based\s+)?{E}")
# "Cold Homes, prepared for the Board by Lumen Analytics": Lumen wrote it, the Board commissioned it
_p("prepared_for_by", "authored", 0.8,
   rf"{E}\s*,?\s*(?:(?:a|an|the)\s+[a-z ]{{1,40}}?\s+)?(?:was\s+|were\s+)?(?:prepared|written|produced|compiled|carried out|conducted)\s+"
   rf"for\s+{DET}{E}\s+by\s+{DET}{E}")
# funded / provides (active forms) --------------------------------------------------
_p("allocates_funding", "funded", 0.75,
   rf"{E}\s*{GAP},?\s*(?:which\s+|who\s+)?(?:then\s+|also\s+)?(?:allocates|allocated|gives|gave|distributes|distributed|awards|awarded|channels|channelled|passes|passed)\s+(?:the\s+)?(?:funding|funds|grants?|money|its budget)\s+(?:on\s+)?to\s+{DET}{E}")
_p("invested_in", "funded", 0.7, rf"{E}\s*{GAP}(?:has\s+|have\s+|had\s+)?(?:invested|spent|put)\s+[^§;]{{0,60}}?\s+in(?:to)?\s+{DET}{E}")
_p("based_at", "part_of", 0.6, rf"{E}\s*,?\s*(?:which\s+is\s+|is\s+)?based\s+(?:at|within)\s+{DET}{E}")
# "X, a centre at Y", "X, a researcher at Y": part of / a position at
_p("appos_at", "part_of", 0.7, rf"{E}\s*,\s*(?:a|an|the)\s+(?P<role>[a-z][a-z -]{{0,40}}?)\s+(?:at|within|inside)\s+{DET}{E}")
_p("name_at", "part_of", 0.6, rf"{E}\s+at\s+{DET}{E}")
_p("joint_campaign", "provides", 0.75,
   rf"{E}\s+(?:is|was)\s+(?:a|an)\s+(?:joint\s+|new\s+|national\s+)*(?:campaign|programme|scheme|initiative|project|service)\s+(?:run\s+)?(?:by|of|from)\s+{DET}{E}(?P<more>(?:\s*,\s*{DET}§\d+§)*(?:\s*,?\s*and\s+{DET}§\d+§)?)")
_p("provider_of", "provides", 0.75,
   rf"{E}\s*[,(]\s*{DET}(?:private\s+|main\s+|lead\s+|sole\s+|largest\s+|biggest\s+)?(?:provider|supplier|contractor|operator|deliverer)\s+(?:of|for|to)\s+{DET}{E}")
# "X, a consortium of A and B", "X, a collaborative of A, B and the charity C": each is a member
_p("consortium_of", "member_of", 0.75,
   rf"{E}\s*,\s*(?:a|an)\s+(?:[a-z-]+\s+)?(?:consortium|collaborative|coalition|alliance|federation)\s+(?:of|between)\s+"
   rf"(?:[^§;,]{{0,40}}?,\s*)*?{DET}(?:charity\s+)?{E}{MORE_LIST}")
# "X, a joint unit of P and Q": part of each
_p("joint_unit_of", "part_of", 0.75,
   rf"{E}\s*,\s*(?:a|an)\s+joint\s+(?:[a-z-]+\s+)?(?:unit|centre|center|team|institute|hub|venture|service)\s+"
   rf"(?:of|between)\s+{DET}{E}{MORE_LIST}")
# "X, a weekly group that Y runs (jointly) with Z", "X, a programme the Trust has run since 2011":
# Y (and Z) provide X
_p("object_relative_runs", "provides", 0.75,
   rf"{E}\s*,\s*(?:a|an|the|its|our|their)\s+[^§;,]{{0,60}}?(?:\b(?:that|which)\s+|(?<=\s)){DET}{E}\s+(?:has\s+|have\s+|had\s+)?"
   rf"(?:also\s+|jointly\s+)?{RUNS}\b(?P<more>[^§;,]{{0,30}}?\bwith\s+(?:the\s+)?(?:charity\s+)?§\d+§)?")
# "X, the programme we run jointly with Z", "X, a group that the team delivers with the charity Z": Z provides X
_p("run_with", "provides", 0.7,
   rf"{E}\s*,\s*(?:(?:a|an|the|its|our|their)\s+[^§;,]{{0,60}}?\b)?(?:that\s+|which\s+)?(?:we|it|they|the team|the service|§\d+§)\s+"
   rf"(?:has\s+|have\s+)?(?:jointly\s+)?{RUNS}\s+(?:it\s+)?(?:jointly\s+)?with\s+(?:the\s+)?(?:charity\s+)?{E}")
_p("post_then_body", "position", 0.7,
   rf"{E}\s*,\s*{POST_THEN_BODY}\s*,\s*{DET}{E}(?=\s*(?:$|[|,;.(\n]|\d|and\b))")
# part_of ------------------------------------------------------------------------
_p("part_of", "part_of", 0.85,
   rf"{E}\s*,?\s*(?:which|that)?\s*(?:is|was|forms|formed|became|are|were)?\s*{ADV}(?:a|an)?\s*part\s+of\s+{DET}(?:[a-z]+\s+){{0,4}}{E}")
_p("unit_of", "part_of", 0.75,
   rf"{E}\s*,\s*(?:is\s+)?(?:a|an)\s+(?:executive\s+)?(?:agency|unit|division|arm|directorate|branch|subsidiary|team|department|body)\s+(?:of|within)\s+{DET}{E}")
# "The X Committee is appointed by the House of Commons": a committee of the House
_p("appointed_by_house", "part_of", 0.75,
   rf"{E}\s*(?:is|are|was|were|has been)\s+appointed\s+by\s+{DET}(?=§\d+§)(?P<house>){E}")
# "X is a statutory committee of Y", "X is a research centre within Y": a body that is one of Y's parts
_p("is_part_noun_of", "part_of", 0.7,
   rf"{E}\s*(?:,\s*which\s+|\s+noted\s+that\s+it\s+|\s+)(?:is|was)\s+(?:a|an|the)\s+(?:[a-z-]+\s+){{0,2}}?"
   rf"(?:committee|sub-committee|subcommittee|centre|center|unit|team|division|directorate|faculty|school|institute)\s+"
   rf"(?:of|within)\s+{DET}(?:board\s+of\s+(?:the\s+)?)?{E}")
_p("within", "part_of", 0.6, rf"{E}\s*,?\s*(?:(?:which|that)\s+)?(?:sits|sat|is|was|are|were)\s+(?:based\s+)?(?:within|inside)\s+{DET}{E}")
# authored / commissioned / published / funded ----------------------------------
_p("wrote", "authored", 0.7, rf"{E}\s*{GAP}{ADV}(?:wrote|authored|co-authored|drafted|prepared|produced)\s+{DET}{E}")
_p("chaired", "position", 0.7, rf"{E}\s*{GAP}{ADV}(?P<role>chaired|co-chaired|led|co-led|headed)\s+{DET}{E}")
# "published its report, Keeping Warm, on ...", "commissioned a study, Caring and Earning, from X"
DOC_NOUN_FIRST = (r"(?:(?:[a-z-]+\s+){0,2}?(?:report|review|study|paper|evaluation|briefing|plan|strategy|analysis|"
                  r"survey|guide|framework)\s*,\s*)?")
_p("commissioned_from", "authored", 0.75,
   rf"\bcommissioned\s+{DET}{DOC_NOUN_FIRST}{E}(?:\s*,\s*(?:a|an|the|its)\s+[^§;,]{{1,60}},)?\s*,?\s+from\s+{DET}{E}")
_p("doc_by", "authored", 0.7,
   rf"{E}\s*,\s*(?:a|an|the|their|its)\s+(?:[a-z-]+\s+){{0,3}}(?:report|review|study|paper|briefing|analysis|guide|plan|strategy|survey)\s+(?:by|from)\s+{DET}{E}(?P<more>(?:\s*,\s*{DET}§\d+§)*(?:\s*,?\s*and\s+{DET}§\d+§)?)")
_p("possessive_doc", "authored", 0.7,
   rf"{E}\s*(?:'s|’s)\s+(?:[a-z-]+\s+){{0,2}}(?:report|review|study|paper|briefing|plan|strategy|analysis)\s*,?\s*{DET}{E}")
_p("title_by", "authored", 0.6, rf"{E}\s+by\s+{DET}{E}(?P<more>(?:\s*,\s*{DET}§\d+§)*(?:\s*,?\s*and\s+{DET}§\d+§)?)")
_p("conducted", "authored", 0.65, rf"{E}\s*{GAP}{ADV}(?:carried out|conducted|undertook|undertaken)\s+{DET}{E}")
_p("contract_to", "provides", 0.75,
   rf"{E}\s*{GAP}(?:holds|held|won|was awarded|has been awarded|has|had)\s+(?:the\s+|a\s+|an\s+)?(?:[a-z-]+\s+)?contracts?\s+to\s+(?:deliver|run|provide|operate)\s+{DET}{E}")
_p("analysis_for", "authored", 0.7, rf"{E}\s*{GAP}(?:contributed|provided|supplied)\s+(?:the\s+)?(?:analysis|evidence|research|modelling)\s+(?:for|to)\s+{DET}{E}")
_p("commissioned", "commissioned", 0.75, rf"{E}\s*{GAP}{ADV}(?:has\s+|had\s+|will\s+)?(?:commissioned|commission)\s+{DET}{DOC_NOUN_FIRST}{E}")
_p("published", "published", 0.75, rf"{E}\s*{GAP}{ADV}(?:has\s+|had\s+|have\s+|will\s+(?:also\s+)?)?(?:published|issued|released|publish|publishes|issue|release)\s+{DET}(?:refreshed\s+|new\s+|revised\s+|updated\s+|first\s+)?{DOC_NOUN_FIRST}{E}")
# "X published its report, Y, ...": its own, so X wrote it too
_p("published_its", "authored", 0.7, rf"{E}\s*{GAP}{ADV}(?:has\s+|had\s+)?(?:published|released)\s+(?:its|their)\s+(?:[a-z-]+\s+){{0,2}}?(?:report|review|study|paper|evaluation|briefing|plan|strategy|analysis|survey)\s*,\s*{E}")
_p("funded", "funded", 0.75, rf"{E}\s*{GAP}{ADV}(?:has\s+|had\s+|have\s+|will\s+(?:also\s+)?)?(?:funded|paid for|sponsored|financed|bankrolled|funds|fund|finances|sponsors)\s+{DET}{E}")
# "Tamesford Council, which funds our Family Support Line": the body funds the programme
_p("which_funds", "funded", 0.75,
   rf"{E}\s*,\s*(?:which|who)\s+(?:also\s+|now\s+|currently\s+)?(?:funds|funded|fund|pays for|paid for|sponsors|sponsored)\s+"
   rf"(?:our|its|their|the)\s+{E}")
# "the Access to Work Support Service, which DWP funds through ...": the body funds the programme
_p("object_relative_funds", "funded", 0.75,
   rf"{E}\s*,\s*(?:which|that)\s+{DET}{E}\s+(?:also\s+|jointly\s+|now\s+)?(?:funds|funded|pays\s+for|paid\s+for|"
   rf"sponsors|sponsored|finances|financed)\b")
# "Cllr A declared an interest as a trustee of X", "A said that, as chair of X, she ...": a post
# of the person the sentence is about (the nearest name before "as")
_p("as_role_of", "position", 0.7,
   rf"{E}[^§;]{{0,80}}?\bas\s+(?:a|an|the)?\s*(?:former\s+|local\s+|honorary\s+)?(?P<role>{ROLE})\s+(?:of|at|for)\s+"
   rf"{DET}{BODY_DESCRIPTOR}{E}")
# "the Recovery College, which is run jointly with the charity X", "The campaign is run jointly
# with X": X runs it too
_p("run_jointly_with", "provides", 0.7,
   rf"{E}\s*,?\s*(?:which\s+|that\s+)?(?:is|are|was|were|will\s+be|has\s+been)\s+(?:also\s+)?"
   rf"(?:run|delivered|provided|organised|organized|operated)\s+jointly\s+with\s+{DET}(?:charity\s+)?{E}")
# provides -------------------------------------------------------------------------
_p("delivers_for", "provides", 0.8,
   rf"{E}\s*{GAP}(?:,\s*which\s+)?{ADV}(?:provides|provided|delivers|delivered|runs|ran|operates|operated|carries out|carried out|carry out|conducts|conducted|supplies|supplied|has provided|has delivered|provide|deliver)\s+[^§;]{{0,60}}?\b(?:for|to|on behalf of)\s+{DET}{E}")
# "X runs A and B", "X delivers A, a helpline for ..., and B": one tie per programme of the list
# (an apposition naming another body may stand between: "X, a unit within the Department for Y, runs P")
_p("delivers", "provides", 0.65,
   rf"{E}\s*(?:{GAP}|,\s*(?:a|an|the)\s+[^§;,]{{1,60}}?§\d+§\s*,\s*)(?:,\s*which\s+)?{ADV}(?:(?:will|also|now)\s+)?"
   rf"(?:provides|delivers|runs|operates|run|deliver|provide|operate)\s+{DET}§(?P<obj>\d+)§{MORE_LIST}")
# "X runs three grant programmes, including A and B"
_p("runs_including", "provides", 0.7,
   rf"{E}\s*{GAP}(?:,\s*which\s+)?{ADV}(?:provides|delivers|runs|operates|offers|manages)\s+(?:[a-z0-9-]+\s+){{0,4}}?"
   rf"(?:programmes|schemes|services|projects|funds|initiatives|campaigns)\s*,\s*(?:including|among them|such as)\s+{DET}{E}{MORE_LIST}")
# "X is a user-led charity that delivers P", "X, a charity which runs P and Q": X provides each
_p("body_that_runs", "provides", 0.7,
   rf"{E}\s*(?:,|\s+(?:is|was)\b)\s*(?:a|an)\s+[^§;,]{{0,60}}?\b(?:that|which)\s+(?:also\s+|now\s+|already\s+)?"
   rf"(?:provides|delivers|runs|operates|manages)\s+{DET}{E}{MORE_LIST}")
# "X provides the secretariat to Y", "We provide the secretariat for Y": X provides Y
_p("secretariat_to", "provides", 0.75,
   rf"{E}\s*{GAP}{ADV}(?:provides|provided|provide|runs|ran|run|hosts|hosted|host)\s+(?:the\s+|its\s+|a\s+)?secretariat\s+(?:to|for)\s+{DET}{E}")
_p("under_contract", "provides", 0.75,
   rf"{E}\s*{GAP}(?:,\s*which\s+)?[^§;]{{0,60}}?\b(?:under|through)\s+(?:a|an|the|its)\s+(?:[a-z-]+\s+)?contract\s+(?:with|from|for)\s+{DET}{E}")
_p("contract", "provides", 0.75, rf"{E}\s*{GAP}(?:holds|held|won|was awarded|has been awarded|has|had)\s+(?:the\s+|a\s+|an\s+)?(?:[a-z-]+\s+)?contracts?\s+[^§;]{{0,60}}?\b(?:with|from|for)\s+{DET}{E}")
_p("analysis_by", "authored", 0.75, rf"\b(?:the\s+)?(?:analysis|evidence review|research|modelling|evaluation)\s+(?:for|behind|underpinning)\s+{DET}{E}\s+(?:was|were|has been)\s+(?:provided|carried out|done|supplied|undertaken|conducted)\s+by\s+{DET}{E}")

# Patterns whose first placeholder is the object and the second the subject.
_FIRST_IS_OBJECT = {"analysis_by"}
# A line of those at a meeting (read by :meth:`TiePatterns._layout_ties`, not as prose).
_ATTENDANCE = re.compile(r"(?i)(?:^|\n)\s*(?:members\s+present|present|in\s+attendance|also\s+in\s+attendance|"
                         r"also\s+present|attending|apologies)\b[^\n]*$")
# A body whose members are bodies ("the X Network, which includes A, B and C").
COLLECTIVE_HEADS = frozenset("network coalition alliance partnership consortium federation forum association "
                             "collaborative".split())

CHAIR_ROLES = {"chaired": "chair", "co-chaired": "co-chair", "led": "lead", "headed": "head",
               "directed": "director", "managed": "manager"}

# Passive agents: "<object> ... <verb> by <subject>" and "with funding from <subject>".
# The object is the nearest stakeholder before the verb whose kind the relation
# accepts (other names may stand between: "prepared by X with funding from Y").
AGENT_VERBS = {
    "authored": ("written|prepared|produced|authored|co-authored|drafted|compiled|undertaken|conducted|carried out", 0.85),
    "chaired": ("chaired|co-chaired|led|headed|directed|managed", 0.8),
    "commissioned": ("commissioned|set up|established", 0.85),
    "published": ("published|issued|released", 0.85),
    "funded": ("funded|paid for|sponsored|financed|bankrolled", 0.85),
    "provides": ("provided|delivered|run|operated|supplied|hosted|administered", 0.8),
}
# An apposition after a member of a list: "A, a former chair of B, and C, the chief executive of D"
# (B may be a name the tagger did not find: then the apposition runs to the next comma).
APPOS = r"(?:\s*,\s*(?:a|an|the|its|their|his|her)\s+(?:[^§;,]{2,60}?§\d+§|[^§;,]{1,60}(?=\s*,)))"
MORE = (rf"(?P<more>(?:{APPOS}?\s*,\s*{DET}{ITEM_DESCRIPTOR}§\d+§)*(?:{APPOS}?\s*,?\s*(?:and|with|in partnership with|together with|alongside)\s+"
        rf"{DET}{ITEM_DESCRIPTOR}§\d+§)?)")
# "by the former judge X", "by its head of research, X", "by the charity X"
AGENT_DESCRIPTOR = (r"(?:(?:judge|economist|charity|campaigner|academic|consultancy|think tank|firm|company|"
                    r"journalist|lawyer|barrister|broadcaster|businessman|businesswoman|historian|professor)\s+"
                    r"|(?:board|trustees|governors|governing body|executive team|leadership team)\s+of\s+"
                    r"|(?:[a-z-]+\s+)?(?:grants?|donations?|funding|legacy|bequest)\s+from\s+(?:the\s+)?"
                    rf"|(?:{ROLE})(?:\s+of\s+[a-z]+(?:\s+[a-z]+)?)?\s*,\s*)")
_AGENT_RX = {
    rel: re.compile(rf"\b(?:part-|jointly\s+|co-)?(?:{verbs})\s+(?:on\s+(?:its|their)\s+behalf\s+|jointly\s+|in\s+\d{{4}}\s+|under\s+(?:a\s+)?contract\s+)?by\s+{DET}"
                    rf"(?:{AGENT_DESCRIPTOR})?{E}{MORE}", re.I)
    for rel, (verbs, _) in AGENT_VERBS.items()
}


# "The secretariat is provided by X" opening a sentence (the body served is in the sentence before).
_SECRETARIAT_BY = re.compile(r"\s*the\s+secretariat\s+(?:is|was|will\s+be|has\s+been)\s+(?:provided|run|hosted|supplied)\s+"
                             r"by\s+(?:the\s+)?", re.I)
# A line naming who funded the study above it, and a line signing for a body.
# what may follow a body's name on the line under a title: nothing, or a date ("November 2026"),
# or a description and a date ("case digest, January 2026")
_BODY_DATE_LINE = re.compile(
    r"\s*(?:,\s*(?:[A-Za-z][a-z]+(?:\s+[a-z]+){0,3}\s*,\s*)?(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December|Spring|Summer|Autumn|Winter)?\s*(?:19|20)\d\d)?\s*\.?\s*")
# a line naming a funder above its list of awards, and one award of such a list
_GRANTS_LEAD = re.compile(r"(?i)\b(?:grants?|awards?)\s+(?:made\s+)?by\b|\bmade the following (?:awards|grants)|"
                          r"\bwill (?:also\s+)?fund\s+[a-z ]{0,30}projects\b[^\n]*:\s*$")
_GRANT_ITEM = re.compile(r"£[\d.,]+\s*(?:m|k|bn|million|billion)?(?:\s+over\s+[a-z]+\s+years)?\s+to\s+")
_FUNDING_LINE = re.compile(r"(?i)^(?:funding|funder|funders|funded by|source of funding)\s*:")
_SIGNED = re.compile(r"(?i)^(?:signed|signed by|submitted by|signed on behalf of [^:]{1,80})\s*:")


# A list of a body's trustees or board: "Trustees who served during the year were", "Non-executive directors:"
_POST_LIST_HINT = re.compile(r"(?i)\b(?:trustees|directors|chief executive|members)\b|\(\s*(?:chair|treasurer)|\w\s*:")
_POST_LIST = re.compile(
    r"(?im)(?:^|(?<=[.;]\s))[ \t]*(?:(?:our|the|current)\s+)?(?P<label>trustees|board members|non-executive directors|"
    r"executive directors|directors|chief executive|members)(?:\s+of\s+(?:the\s+)?(?P<owner>[^:.\n]{2,80}?))?"
    r"(?:\s+who\s+(?:served|serve|have served)[^:.\n]{0,40}?)?\s*(?::|\s+(?:were|are)\b(?:[ \t]*:)?)")
# "Chair: A", "Vice-chair: B", "Research Fellow: C", "(Lead Member: Councillor D, ...)": a post, then who holds it
_ROLE_LABEL = re.compile(rf"(?im)(?:^[ \t]*|\()(?P<role>(?:[a-z-]+\s+){{0,2}}?{ROLE})\s*:[ \t]*")
_LISTED_ROLE = {"trustees": "trustee", "board members": "board member", "non-executive directors": "non-executive director",
                "executive directors": "executive director", "directors": "director", "chief executive": "chief executive"}
# "A (Treasurer) is a chartered accountant ...", opening a line or a sentence
_BRACKETED_POST = re.compile(
    rf"(?m)(?:^|(?<=[.]\s))[ \t]*(?P<name>[A-Z][^\n()]{{2,60}}?)\s*\((?P<role>{ROLE})\)\s+(?:is|was|has been)\b", re.I)
# "the board of X", "X's board (trustees, advisory board)": the body whose board is listed
_BOARD_OF = re.compile(r"(?i)\b(?:board|trustees|governors|board of trustees|board of directors)\s+of\s+(?:the\s+)?$")
_BOARD_AFTER = re.compile(r"(?i)^(?:'s|’s|')\s+(?:[a-z-]+\s+)?(?:board|trustees|governors)\b")


def _board_owner(text: str, spans, before: int):
    """The body named last before ``before`` as the owner of a board ("the board of X",
    "X's advisory board"), or None."""
    owner = None
    for s in spans:
        if s.label_ != "organisation" or s.end_char > before:
            continue
        if _BOARD_OF.search(text[max(0, s.start_char - 40):s.start_char]) or _BOARD_AFTER.match(text[s.end_char:s.end_char + 30]):
            if s._.source == "coref":
                continue
            owner = s
    return owner


def _members(more: str) -> list[int]:
    """The placeholders of a list continuation, leaving out those inside appositions."""
    inner = re.sub(APPOS, " ", more or "")
    return [int(x) for x in re.findall(r"§(\d+)§", inner)]
_FUNDING_FROM = re.compile(
    rf"\b(?:with|receives?|received|through|via|thanks to|supported by)\s+(?:(?:a|an)\s+)?(?:[£$€]?[\d.,]+\s*(?:m|million|bn|billion)?\s+)?"
    rf"(?:(?:core|small|large|major|new|further|additional|annual|initial|direct|extra|one-off)\s+)?"
    rf"(?:funding|financial support|grants?|money|support|donations?)\s+from\s+{DET}{E}{MORE}", re.I)
# "X has awarded grants totalling £1m to 19 groups, including A and B", "X awarded £40,000 to A":
# X funds each body named after "to" (a grant, funding or a sum said before it)
_AWARDED_TO = re.compile(
    rf"{E}\s*{GAP}(?:has\s+|have\s+|had\s+)?(?:also\s+)?awarded\s+(?=[^§.;]{{0,60}}?(?:grants?|funding|£|\bawards?\b))"
    rf"[^§.;]{{0,80}}?\bto\s+(?:[^§.;]{{0,50}}?\b(?:including|among them|such as)\s+)?{DET}{E}{MORE}", re.I)
# the subject an agent verb speaks of when the clause opens with a name: "X, a ... programme,
# is funded by Y" (an apposition or a relative clause between commas), "X is delivered by A on
# behalf of B and is funded by C" (a second verb of the same subject)
_CLAUSE_SUBJECT = re.compile(
    rf"^\s*{DET}§(\d+)§(?:\s*,[^;]*,\s*|\s+(?:is|was|are|were|has been|will be)\s+[^;]*?\s+and\s+)"
    rf"(?:is|was|are|were|has been|have been|will be)\s+(?:also\s+|now\s+|jointly\s+|partly\s+)?$", re.I)
_ROLE_FIRST = {"whose_role", "role_of_appos", "role_of_name", "possessive_role", "preposed_role", "possessive_person"}  # org first, person second
_SECOND_IS_SUBJECT = {"commissioned_from", "object_relative_funds"}  # "commissioned the Review from X": X authored it

DEP_VERBS = {}
for _rel, _forms in {
    "published": "publish publishes published publishing issue issues issued",
    "commissioned": "commission commissions commissioned",
    "funded": "fund funds funded finance finances financed sponsor sponsors sponsored",
    "authored": "write writes wrote written author authors authored co-authored draft drafted",
    "position": "chair chairs chaired lead leads led head heads headed",
    "provides": "deliver delivers delivered provide provides provided operate operates operated run runs ran",
    "member_of": "join joins joined",
}.items():
    for _form in _forms.split():
        DEP_VERBS[_form] = _rel


def _cells(raw: str, a: int) -> list[tuple[int, int]]:
    """The character ranges of a line's cells, split by "|" (the whole line when it has none)."""
    out, pos = [], a
    for cell in raw.split("|"):
        out.append((pos, pos + len(cell)))
        pos += len(cell) + 1
    return out


def _only_names(text: str, a: int, b: int, names, places: bool = False) -> bool:
    """Does the line ``a:b`` hold nothing but these names, joined by commas or "and"?
    ``places``: a nation may close it ("..., University of X, UK")."""
    rest = text[a:b]
    for s in sorted(names, key=lambda s: -s.start_char):
        rest = rest[:s.start_char - a] + rest[s.end_char - a:]
    if places:
        rest = re.sub(r",\s*(?:UK|England|Scotland|Wales|Northern Ireland|United Kingdom)\s*$", "", rest)
    return re.fullmatch(r"(?:[\s,&]|\band\b|\bMP\b)*", rest) is not None


_MINUTES_OF = re.compile(r"(?i)(?:draft\s+|unconfirmed\s+|extract\s+from\s+the\s+)?minutes\s+of\s+(?:the\s+)?"
                         r"(?:(?:[a-z]+\s+){0,2}meeting\s+of\s+(?:the\s+)?)?")
_MINUTES_AFTER = re.compile(r"(?i)\s*(?:[-\u2013\u2014:|,]\s*)?(?:draft\s+|extract\s+from\s+the\s+|unconfirmed\s+)?minutes\b")


def _council_like(span) -> bool:
    words = span.text.casefold().split()
    return bool(words) and words[-1] in ("council", "authority", "trust", "university", "assembly", "parliament")


UNIT_HEADS = frozenset("unit centre center team office directorate division hub lab laboratory institute "
                       "group secretariat hospital academy school clinic".split())


def _unit_like(doc, span) -> bool:
    """A body that is run by others: a unit, a centre, a team (its head word, or the
    head word of the name a back-reference stands for)."""
    words = span.text.casefold().split()
    if words and words[-1] in UNIT_HEADS:
        return True
    ante = antecedent(doc, span.start_char, span.end_char)
    if ante is not None:
        return doc.text[ante[0]:ante[1]].casefold().split()[-1:] and \
            doc.text[ante[0]:ante[1]].casefold().split()[-1] in UNIT_HEADS
    return False


# "..., a service that X runs jointly with Y and that is funded by Z": "and" and a relative
# pronoun before the verb the agent follows (the clause shares the antecedent of the one before)
_COORDINATED_RELATIVE = re.compile(
    r"\band\s+(?:that|which)\s+(?:is|was|are|were|has been|have been|will be)\s+(?:[a-z]+ly\s+)?$", re.I)


def _joined_across_names(sents, spans):
    """Sentence ranges with a boundary inside a name joined to the next ("... the Weir Valley" /
    "Eating Disorder Service, a team within ...": the parser cut a name in two)."""
    out = []
    for start, end in sents:
        if out and any(sp.start_char < out[-1][1] < sp.end_char for sp in spans):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _coordinated(masked: str, k: int) -> list[int]:
    """``k`` and the placeholders joined to it by "and" or commas alone
    ("§1§, §2§ and §3§ carry out ..."): each is a subject of what follows."""
    rx = re.compile(rf"(?:{DET}§\d+§\s*,\s*)*{DET}§\d+§\s*,?\s*(?:and|&|alongside|together with|along with|as well as)\s+{DET}§\d+§(?:\s*,)?", re.I)
    for m in rx.finditer(masked):
        nums = [int(x) for x in re.findall(r"§(\d+)§", m.group(0))]
        if k in nums:
            return nums
    return [k]


def _owner(masked: str, k: int, in_sent) -> int:
    """The person a body is named after in "§p§ of the §k§ ... wrote": the person acts."""
    if in_sent[k].label_ == "person":
        return k
    m = re.search(rf"§(\d+)§\s+of\s+{DET}§{k}§", masked, re.I)
    if m and in_sent[int(m.group(1))].label_ == "person":
        return int(m.group(1))
    return k


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
            sents = _joined_across_names(sents, spans)
            for s_start, s_end in sents:
                in_sent = [s for s in spans if s.start_char >= s_start and s.end_char <= s_end]
                if len(in_sent) < 2:
                    continue
                ties.extend(self._sentence_ties(doc, s_start, s_end, in_sent))
            if "ecretariat" in doc.text:
                ties.extend(self._secretariat_ties(doc, spans, sents))
        if len(spans) >= 2 and "\n" in doc.text:
            ties.extend(self._layout_ties(doc, spans))
        if len(spans) >= 2 and "\n" in doc.text and "£" in doc.text:
            ties.extend(self._grant_lines(doc, spans))
        if len(spans) >= 2 and _POST_LIST_HINT.search(doc.text):
            ties.extend(self._listed_posts(doc, spans))
        if len(spans) >= 2 and "|" in doc.text:
            ties.extend(self._table_rows(doc, spans))
        if len(spans) >= 2 and "\n" in doc.text and FUNDERS_LEAD.search(doc.text):
            ties.extend(self._funders_list(doc, spans))
        from scrutiny.nlp.calibration import calibrated

        for t in ties:
            t["raw_confidence"] = t["confidence"]
            t["confidence"] = calibrated("ties", t["confidence"])
        doc._.ties = ties
        return doc

    def _grant_lines(self, doc, spans):
        """A funder's list of awards, one a line, under a line naming the funder ("Selected grants
        made by the X Foundation", "The X Trust made the following awards:", "The X Trust will fund
        three projects under this theme:"): "£95,000 to A for its P scheme" (X funds A, A runs P),
        "£410,000 to A to test P" (X funds P, A runs it), "£1.2 million to Dr B ... for P" (X funds
        P), "A, £18,500, for a consultation" (X funds A)."""
        text = doc.text
        found: dict[tuple, dict] = {}
        funder = None
        pos = 0
        for raw in text.split("\n"):
            a, b = pos, pos + len(raw)
            pos = b + 1
            names = [s for s in spans if s.start_char >= a and s.end_char <= b and s._.source != "coref"]
            stripped = raw.strip()
            lead = a + len(raw) - len(raw.lstrip())
            if _GRANTS_LEAD.search(stripped) and not _GRANT_ITEM.match(stripped):
                bodies = [s for s in names if s.label_ == "organisation"]
                funder = bodies[0] if bodies else funder
                continue
            if funder is None or not names:
                continue
            item = _GRANT_ITEM.match(stripped)
            if item:
                recipient = next((s for s in names if s.start_char >= lead + item.end()
                                  and not text[lead + item.end():s.start_char].strip(" the")), None)
            elif names[0].start_char == lead and names[0].label_ == "organisation" \
                    and re.match(r"\s*,\s*£", text[names[0].end_char:b]):
                recipient = names[0]
            else:
                continue
            if recipient is None:
                continue
            prog = next((s for s in names if s.start_char > recipient.end_char and s.label_ == "programme"), None)
            before = text[recipient.end_char:prog.start_char] if prog is not None else ""
            if prog is not None and re.search(r"\bfor\s+(?:its|their)\s+$", before):
                self._add(found, doc, funder, recipient, "funded", "", 0.7, "grant_line", a, b)
                self._add(found, doc, recipient, prog, "provides", "", 0.65, "grant_line", a, b)
            elif prog is not None and re.search(r"\b(?:for|to (?:test|run|deliver|pilot|expand|develop))\s+(?:the\s+)?$",
                                                before):
                self._add(found, doc, funder, prog, "funded", "", 0.7, "grant_line", a, b)
                if recipient.label_ == "organisation" and not before.rstrip().endswith("for"):
                    self._add(found, doc, recipient, prog, "provides", "", 0.6, "grant_line", a, b)
            elif recipient.label_ == "organisation":
                self._add(found, doc, funder, recipient, "funded", "", 0.7, "grant_line", a, b)
        return list(found.values())

    def _funders_list(self, doc, spans):
        """A list of funders, one a bullet, under a line thanking them ("We are grateful to the
        following for their support:", "Thank you to our funders"): "- The X Trust (Kitchen
        Table, three-year grant)" says X funds the programme in its brackets."""
        found: dict[tuple, dict] = {}
        for a, b, start in funder_lines(doc.text):
            names = [s for s in spans if s.start_char >= a and s.end_char <= b and s._.source != "coref"]
            funder = next((s for s in names if s.label_ == "organisation"
                           and not doc.text[start:s.start_char].strip(" ").casefold().replace("the", "")), None)
            if funder is None:
                continue
            rest = doc.text[funder.end_char:b]
            if not rest.lstrip().startswith("("):
                continue
            close = funder.end_char + rest.find(")") if ")" in rest else b
            prog = next((s for s in names if s.label_ == "programme" and funder.end_char < s.start_char < close), None)
            if prog is not None:
                self._add(found, doc, funder, prog, "funded", "", 0.7, "funders_list", a, b)
        return list(found.values())

    def _table_rows(self, doc, spans):
        """A table flattened with "|" whose headings name a project or service column and an
        organisation or provider column ("Project | Organisation | Amount"): in each row, the
        body in the one runs the programme in the other."""
        found: dict[tuple, dict] = {}
        for a, b, cells, kinds in table_rows(doc.text):
            if "programme" not in kinds or "organisation" not in kinds:
                continue

            def cell_name(kind):
                x, y = cells[kinds.index(kind)]
                return next((s for s in spans if s.start_char >= x and s.end_char <= y and s.label_ == kind
                             and s._.source != "coref"), None)

            prog, body = cell_name("programme"), cell_name("organisation")
            if prog is not None and body is not None:
                self._add(found, doc, body, prog, "provides", "", 0.75, "table_row", a, b)
        return list(found.values())

    def _secretariat_ties(self, doc, spans, sents):
        """"The Forum on X will meet twice more. The secretariat is provided by Y.": Y provides
        the body the sentence before is about (its first body, or the body a back-reference
        there stands for: "The group has 64 members.")."""
        found: dict[tuple, dict] = {}
        for (p_start, p_end), (s_start, s_end) in zip(sents, sents[1:]):
            m = _SECRETARIAT_BY.match(doc.text, s_start, s_end)
            if m is None:
                continue
            subj = next((s for s in spans if s.start_char == m.end() and s._.source != "coref"), None)
            obj = next((s for s in spans if p_start <= s.start_char and s.end_char <= p_end
                        and s.label_ == "organisation"), None)  # "The group has 64 members.": the group
            if subj is not None and obj is not None and subj.label_ == "organisation":
                self._add(found, doc, subj, obj, "provides", "", 0.75, "secretariat_by", s_start, s_end)
        return list(found.values())

    def _layout_ties(self, doc, spans):
        """Ties the layout of a passage states: a "Present:" list under the body whose
        minutes they are ("Jo Wright (Chair)"), a committee's heading under its
        council's, and the byline under a title ("By A and B", "Published by X with
        funding from Y", "Report of the X Committee"), and an author line under a
        title ("A (University of X), B (Y Institute)")."""
        text = doc.text
        lines, pos = [], 0
        for raw in text.split("\n"):
            lines.append((pos, pos + len(raw), raw))
            pos += len(raw) + 1
        found: dict[tuple, dict] = {}

        def in_line(a, b):
            return [s for s in spans if s.start_char >= a and s.end_char <= b and s._.source != "coref"]

        heads = []      # (line index, span) of lines that are one body's name and nothing else
        title_line = None  # the index of the title's line
        members_of = None  # (line index, body) of a heading "Membership of the X Committee"
        header = None   # a body whose name is printed just above the title
        title = None    # the document a title line names
        authors_line = None  # the line under the title that holds only its authors' names
        for n, (a, b, raw) in enumerate(lines):
            names = in_line(a, b)
            stripped = raw.strip()
            if title is not None and names and _FUNDING_LINE.match(stripped):
                # "Funding: National Institute for X (NIHR1234)" under a study's title: it funded the study
                for who in names:
                    if who.label_ == "organisation":
                        self._add(found, doc, who, title, "funded", "", 0.75, "layout_funding", a, b)
                continue
            if names and self._signature(found, doc, spans, text, a, b, names, stripped):
                continue
            if title is not None and n <= 3 and names and all(s.label_ == "person" for s in names) \
                    and _only_names(text, a, b, names):
                # a byline of names alone under a title: "Dame Helen Okafor", "Dr A B and C D"
                for who in names:
                    self._add(found, doc, who, title, "authored", "", 0.7, "layout_byline", a, b)
                authors_line = n
                continue
            pieces = author_line(text, a, b) if title is not None and n <= 3 else None
            if pieces:
                # an author line: "A (University of X), B (Y Institute)", "A and B, Centre for Z,
                # University of X", "A and B, on behalf of the Z Network"
                by_offset = {(s.start_char, s.end_char): s for s in names}
                for people, bodies in affiliations(pieces):
                    people = [by_offset[(p.start, p.end)] for p in people if (p.start, p.end) in by_offset]
                    bodies_found = [(by_offset[(p.start, p.end)], p.behalf) for p in bodies
                                    if (p.start, p.end) in by_offset]
                    for who in people:
                        self._add(found, doc, who, title, "authored", "", 0.7, "layout_authors", a, b)
                    if not bodies_found:
                        continue
                    body, behalf = bodies_found[0]
                    for who in people:
                        self._add(found, doc, who, body, "member_of" if behalf else "position", "", 0.65,
                                  "layout_authors", a, b)
                    if behalf:
                        self._add(found, doc, body, title, "authored", "", 0.65, "layout_authors", a, b)
                    for (inner, _), (outer, _) in zip(bodies_found, bodies_found[1:]):
                        self._add(found, doc, inner, outer, "part_of", "", 0.65, "layout_authors", a, b)
                authors_line = n
                continue
            if authors_line is not None and authors_line == n - 1 and len(names) == 1 \
                    and names[0].label_ == "organisation" and _only_names(text, a, b, names):
                # the body under a title and its authors: the publisher
                self._add(found, doc, names[0], title, "published", "", 0.7, "layout_byline", a, b)
                continue
            if authors_line is not None and authors_line == n - 1 and len(names) >= 2 \
                    and all(s.label_ == "organisation" for s in names) and _only_names(text, a, b, names, places=True):
                # an affiliation line under the authors' names: "Department of X, University of Y":
                # each author works in the first body, which is part of the next
                people = [s for s in in_line(lines[n - 1][0], lines[n - 1][1]) if s.label_ == "person"]
                for who in people:
                    self._add(found, doc, who, names[0], "position", "", 0.65, "layout_affiliation", a, b)
                for inner, outer in zip(names, names[1:]):
                    self._add(found, doc, inner, outer, "part_of", "", 0.65, "layout_affiliation", a, b)
                continue
            lead = a + (len(raw) - len(raw.lstrip()))
            if title is not None and title.label_ == "document" and title_line == n - 1 and header is None \
                    and names and names[0].label_ == "organisation" and names[0].start_char == lead \
                    and _BODY_DATE_LINE.fullmatch(text[names[0].end_char:b]):
                # the body printed just under a title, alone or with a date: "Missed Warnings: ..." /
                # "Parliamentary and Health Service Ombudsman, case digest, January 2026" (its author)
                self._add(found, doc, names[0], title, "authored", "", 0.7, "layout_body_under", a, b)
                continue
            minutes_of = _MINUTES_OF.match(stripped)
            if names and names[0].label_ == "organisation" and (
                    (minutes_of and names[0].start_char == lead + minutes_of.end())
                    or (names[0].start_char == lead and _MINUTES_AFTER.match(text[names[0].end_char:b]))):
                # "Minutes of the Community Safety Committee held at ...", "X Committee - extract from the
                # minutes": the body whose minutes these are, under its council's heading if any
                if heads and _council_like(heads[-1][1]) and not _council_like(names[0]):
                    self._add(found, doc, names[0], heads[-1][1], "part_of", "", 0.7, "layout_heading", a, b)
                heads.append((n, names[0]))
                continue
            if len(names) == 1 and names[0].text.strip() == stripped.rstrip(":").strip() \
                    and names[0].label_ == "organisation":
                if heads and heads[-1][0] == n - 1 and _council_like(heads[-1][1]) and not _council_like(names[0]):
                    self._add(found, doc, names[0], heads[-1][1], "part_of", "", 0.7, "layout_heading", a, b)
                heads.append((n, names[0]))
                continue
            if names and names[0].label_ in ("document", "programme") and stripped.startswith(names[0].text) and n <= 1:
                title = names[0]
                title_line = n
                if heads and heads[-1][0] == n - 1 and title.label_ == "document":
                    # a body's name printed above a title: its author ("Care Quality Commission" over
                    # "Home Truths: A review of ..."), its publisher when a byline names the authors
                    header = (heads[-1][1], title, lines[heads[-1][0]][0], b)
                continue
            low = stripped.casefold()
            if members_of is not None and members_of[0] == n - 1 and names and all(x.label_ == "person" for x in names) \
                    and ";" in stripped and all(c.strip()[:1].isupper() and len(c.split()) <= 6 for c in stripped.split(";")):
                # "Membership of the X Committee" / "A (Chair); B; C": each a member, a role a post too
                for person in names:
                    role = re.match(r"\s*(?:MP\s*)?\(([^)]{1,60})\)", text[person.end_char:b])
                    self._add(found, doc, person, members_of[1], "member_of", "", 0.65, "layout_members", a, b)
                    if role and re.fullmatch(rf"(?i){ROLE}", role.group(1).strip()):
                        self._add(found, doc, person, members_of[1], "position", role.group(1).strip().lower(), 0.7,
                                  "layout_members", a, b)
                continue
            heading = re.match(r"(?i)(?:current\s+)?membership\s+of\s+(?:the\s+)?", stripped)
            if heading and len(names) == 1 and names[0].label_ == "organisation" \
                    and names[0].start_char == lead + heading.end() and not text[names[0].end_char:b].strip(" :"):
                members_of = (n, names[0])
                continue
            membership = re.search(r"(?:^|[.;]\s+)(?:current |committee |panel |board )?(?:membership|members)\s*:", low)
            if membership and heads:
                # "Current membership: A MP (Chair); B MP; C MP": each a member, a role a post too
                # (the list may follow a sentence on the same line)
                body = heads[-1][1]
                for person in (s for s in names if s.label_ == "person" and s.start_char >= lead + membership.end()):
                    role = re.match(r"\s*(?:MP\s*)?\(([^)]{1,60})\)", text[person.end_char:b])
                    self._add(found, doc, person, body, "member_of", "", 0.65, "layout_members", a, b)
                    if role and re.fullmatch(rf"(?i){ROLE}", role.group(1).strip()):
                        self._add(found, doc, person, body, "position", role.group(1).strip().lower(), 0.7,
                                  "layout_members", a, b)
                continue
            if low.startswith(("present", "members present", "attending", "in attendance", "also in attendance",
                               "also present")) and heads:
                attending = low.startswith(("in attendance", "also in attendance", "also present"))
                body = heads[-1][1]
                # officers in attendance work for the council or trust above a committee's heading
                employer = next((h for _, h in reversed(heads) if _council_like(h)), body)
                persons = [s for s in names if s.label_ == "person"]
                for person in persons:
                    after = text[person.end_char:b]
                    nxt_person = min((p.start_char for p in persons if p.start_char > person.end_char), default=b)
                    own = next((o for o in names if o.label_ == "organisation" and person.end_char < o.start_char < nxt_person
                                and re.fullmatch(r"\s*(?:\([^)]*\)\s*)?,\s*[^,;()\n§]{1,60}?,\s*(?:the\s+)?",
                                                 text[person.end_char:o.start_char])), None)
                    if own is not None:
                        # "Janeen Price, Chief Operating Officer, X Trust": the post is in X Trust; "Dr A
                        # (Chair), Chief Executive, Y Trust": Y's chief executive chairs the meeting's body
                        post_text = text[person.end_char:own.start_char].strip(" ,")
                        post_text = re.sub(r"^\([^)]*\)\s*,\s*", "", post_text).strip(" ,").lower()
                        self._add(found, doc, person, own, "position", post_text, 0.65, "layout_present_body", a, b)
                        chair = re.match(r"\s*\(([^)]{1,30})\)", after)
                        if chair and re.fullmatch(rf"(?i){ROLE}", chair.group(1).strip()) and not attending:
                            self._add(found, doc, person, body, "position", chair.group(1).strip().lower(), 0.7,
                                      "layout_present", a, b)
                        continue
                    post = re.match(rf"\s*,\s*(?P<role>(?i:{ROLE})(?:\s+(?:of|for)\s+[A-Za-z' ,&-]+?)?)\s*(?:\(|[.;]|$)",
                                    after)
                    if post:
                        # "Present: A, Chair; B, Chief Executive", "In attendance: C, Company Secretary"
                        self._add(found, doc, person, employer if attending else body,
                                  "position", post.group("role").strip().lower(), 0.65, "layout_present", a, b)
                        continue
                    other = next((o for o in names if o.label_ == "organisation" and o.start_char > person.end_char
                                  and re.fullmatch(r"\s*,\s*(?:the\s+)?", text[person.end_char:o.start_char])), None)
                    if other is not None and re.match(r"\s*(?:[.;]|$)", text[other.end_char:b]):
                        # "Also in attendance: C, Healthwatch Eastfield": from a body of their own
                        self._add(found, doc, person, other, "position", "", 0.6, "layout_present", a, b)
                        continue
                    role = re.match(r"\s*\(([^)]{1,60})\)", after)
                    if role and any(o.label_ == "organisation" and o.start_char > person.end_char
                                    and o.end_char <= person.end_char + role.end()
                                    and re.fullmatch(r"\s*\)\s*", text[o.end_char:person.end_char + role.end()])
                                    for o in names):
                        continue  # "Dr A (X Trust)": a post in their own body (a sentence pattern), not the meeting's
                    if role and attending:
                        # an officer in attendance: a post of the body's own ("Chief Executive"),
                        # not a guest from elsewhere ("Ann Lee (Eastfield Council)")
                        if re.fullmatch(rf"(?i){ROLE}(?:\s+(?:of|for)\s+[a-z ,&-]+)?", role.group(1).strip()):
                            self._add(found, doc, person, body, "position", role.group(1).strip().lower(), 0.65,
                                      "layout_attendance", a, b)
                    elif attending:
                        continue
                    elif role:
                        self._add(found, doc, person, body, "position", role.group(1).strip().lower(), 0.75,
                                  "layout_present", a, b)
                    elif body.text.casefold().split()[-1] in ("committee", "board", "panel", "group", "forum",
                                                             "taskforce", "commission"):
                        self._add(found, doc, person, body, "member_of", "", 0.65, "layout_present", a, b)
                continue
            if heads and not low.startswith(("in attendance", "to:", "to ")):
                # a post under the body's heading: "Dr Ann Lee, Chief Executive" in a list of those
                # present, "From: Jo Hart, General Secretary", "Apologies were received from Tom Reid,
                # Non-Executive Director."
                for person in (s for s in names if s.label_ == "person"):
                    post = re.match(rf"\s*,\s*(?P<role>(?i:{ROLE})(?:\s+(?:of|for)\s+[A-Za-z ,&-]+?)?)\s*(?:[.;]|$)",
                                    text[person.end_char:b])
                    if post and not any(o.start_char > person.end_char and o.start_char < person.end_char + post.end()
                                        for o in names):
                        self._add(found, doc, person, heads[-1][1], "position", post.group("role").strip().lower(), 0.65,
                                  "layout_post", a, b)
            chair = re.match(rf"(?i)^(?:the\s+)?(?P<role>chair(?:man|woman|person)?|vice[- ]chair|deputy chair)\s*,\s*", stripped)
            if chair and heads and names and names[0].label_ == "person" \
                    and names[0].start_char == a + (len(raw) - len(raw.lstrip())) + chair.end():
                # minutes under a body's name: "The Chair, Councillor Pat Hughes, welcomed ..."
                self._add(found, doc, names[0], heads[-1][1], "position", chair.group("role").lower(), 0.7,
                          "layout_chair", a, b)
            if title is not None and n <= 3:
                for c_start, c_end in _cells(raw, a):
                    self._byline_cell(found, doc, text, title, c_start, c_end,
                                      [s for s in names if s.start_char >= c_start and s.end_char <= c_end],
                                      cells="|" in raw)
        if header is not None:
            body, titled, h_start, h_end = header
            bylined = any(t["relation"] == "authored" and t["object"]["start"] == titled.start_char
                          and t["pattern"] in ("layout_byline", "layout_authors")
                          and t["subject"]["start"] != body.start_char for t in found.values())
            self._add(found, doc, body, titled, "published" if bylined else "authored", "", 0.65,
                      "layout_heading", h_start, h_end)
        return [t for t in found.values() if t["confidence"] >= self.min_confidence]

    def _listed_posts(self, doc, spans):
        """A body's trustees or board listed under its description: "Trustees who served during
        the year were A (Chair), B and C.", "Non-executive directors: A (Chair); B.", "Chief
        Executive: Dr C", "Members: A (X Institute) and B" under "Y's advisory board", and "A
        (Treasurer) is a chartered accountant ..." under "The board of Y meets ...". Each person
        holds the post (a trustee, a director, the post in brackets) in the body whose board it
        is ("the board of Y", "Y's trustees"), else in the body the passage speaks for; the
        members of a body's advisory board are members of the body."""
        from scrutiny.nlp.writer_body import writer_body

        text = doc.text
        found: dict[tuple, dict] = {}
        people = [s for s in spans if s.label_ == "person" and s._.source != "coref"]
        for m in _POST_LIST.finditer(text):
            label = m.group("label").casefold()
            end = re.search(r"\n|\.\s+(?=[A-Z])|\.$", text[m.end():])
            stop = m.end() + (end.start() if end else len(text) - m.end())
            if text[m.end() - 1] == ":" and not text[m.end():stop].strip():
                # "The trustees of X are:" and one person a line below it
                stop = m.end()
                for line in re.finditer(r"\n([ \t]*)([^\n]*)", text[m.end():]):
                    if not any(p.start_char == m.end() + line.start(2) for p in people):
                        break
                    stop = m.end() + line.end()
            listed = [p for p in people if m.end() <= p.start_char and p.end_char <= stop]
            if not listed:
                continue
            owner = m.group("owner")
            body = next((o for o in spans if o.label_ == "organisation" and o._.source != "coref"
                         and m.start("owner") <= o.start_char and o.end_char <= m.end("owner")), None) if owner else None
            body = body or _board_owner(text, spans, m.start())
            if body is None and label != "members":
                body = writer_body(doc, spans, m.start())
            if body is None:
                continue
            for who in listed:
                if label == "members":
                    self._add(found, doc, who, body, "member_of", "", 0.65, "listed_posts", m.start(), stop)
                    continue
                bracket = re.match(r"\s*\(([^)]{1,40})\)", text[who.end_char:stop])
                role = bracket.group(1).strip().lower() if bracket and re.fullmatch(rf"(?i){ROLE}", bracket.group(1).strip()) \
                    else _LISTED_ROLE.get(label, label.rstrip("s"))
                self._add(found, doc, who, body, "position", role, 0.7, "listed_posts", m.start(), stop)
        for m in _ROLE_LABEL.finditer(text):
            who = next((p for p in people if p.start_char == m.end()), None)
            line_end = text.find("\n", m.end())
            line = text[text.rfind("\n", 0, m.start()) + 1:line_end if line_end >= 0 else len(text)]
            if who is None or "|" in line:
                continue  # ("Chair: Dame A | Commissioned by ...": a cover line, read with its title)
            body = _board_owner(text, spans, m.start()) or writer_body(doc, spans, m.start())
            if body is not None:
                self._add(found, doc, who, body, "position", m.group("role").strip().lower(), 0.7, "listed_posts",
                          m.start(), who.end_char)
        for m in _BRACKETED_POST.finditer(text):
            who = next((p for p in people if p.start_char == m.start("name")), None)
            if who is None or who.end_char != m.end("name"):
                continue
            body = _board_owner(text, spans, m.start())
            if body is not None:
                self._add(found, doc, who, body, "position", m.group("role").strip().lower(), 0.7, "listed_posts",
                          m.start(), m.end())
        return [t for t in found.values() if t["confidence"] >= self.min_confidence]

    def _signature(self, found, doc, spans, text, a, b, names, stripped) -> bool:
        """A line signing for a body: "Signed: A, Chair, and B, Chief Executive", "Submitted
        by: A, President", "A and B, co-chairs, on behalf of the X Network", or a line holding
        only a name and a post ("Marcus Feld, Chair"). Each person holds the post in the body
        the line names ("on behalf of ..."), else in the body the passage speaks for."""
        people = [s for s in names if s.label_ == "person"]
        if not people:
            return False
        signed = _SIGNED.match(stripped) is not None
        posts = []
        for i, who in enumerate(people):
            nxt = people[i + 1].start_char if i + 1 < len(people) else b
            post = re.match(rf"\s*,\s*(?P<role>(?:[a-z-]+\s+){{0,2}}?{ROLE})s?\s*(?:,|$|\.)", text[who.end_char:nxt], re.I)
            posts.append(post.group("role").lower() if post else None)
        # "A and B, co-chairs, ...": one post after a pair of names
        if len(people) == 2 and posts[0] is None and posts[1] is not None \
                and re.fullmatch(r"\s+and\s+", text[people[0].end_char:people[1].start_char]):
            posts[0] = posts[1]
        if not any(posts):
            return False
        body = next((o for o in names if o.label_ == "organisation"
                     and re.search(r"(?i)\bon behalf of\s+(?:the\s+)?$", text[a:o.start_char])), None)
        if body is None:
            if not signed:
                return False  # "A, Director" under a heading: a byline, whose body the line does not say
            from scrutiny.nlp.writer_body import writer_body

            body = writer_body(doc, spans, a)
        if body is None:
            return False
        for who, role in zip(people, posts):
            if role:
                self._add(found, doc, who, body, "position", role, 0.7, "layout_signature", a, b)
        return True

    def _byline_cell(self, found, doc, text, title, a, b, names, cells=False):
        """A byline under a title, or one cell of a cover line split by "|" ("Hartwell
        Institute | Authors: A and B", "Chair: Dame A | Commissioned by the Ministry of X |
        February 2027"): who wrote, funded, published or commissioned the title. A cell
        holding one body's name and nothing else names its author."""
        stripped = text[a:b].strip()
        by = re.match(r"(?i)^(?:an?\s+(?:[a-z]+\s+){0,2}(?:by|from|of)|by|written by|prepared by|edited by|"
                      r"report of|briefing by|from\s*:|authors?\s*:|chair\s*:|"
                      r"(?:an?\s+)?(?:independent\s+)?(?:inquiry|review|commission|taskforce)\s+(?:chaired|led)\s+by|chaired by)",
                      stripped)  # "Inquiry chaired by A MP" under the title: its chair wrote it
        if by:
            for who in names:
                if who is title or who.label_ == "document":
                    continue
                before = text[a:who.start_char].casefold()
                if re.search(r"(?:with (?:funding|support|a grant) from|funded by)\s+(?:the\s+)?$", before):
                    self._add(found, doc, who, title, "funded", "", 0.75, "layout_byline", a, b)
                elif re.search(r"published by\s+(?:the\s+)?$", before):
                    self._add(found, doc, who, title, "published", "", 0.75, "layout_byline", a, b)
                elif title.label_ == "programme":
                    # "A campaign by X and Y" under its name: they run it
                    self._add(found, doc, who, title, "provides", "", 0.75, "layout_byline", a, b)
                else:
                    self._add(found, doc, who, title, "authored", "", 0.75, "layout_byline", a, b)
        elif stripped.casefold().startswith("published by"):
            for who in names:
                before = text[a:who.start_char].casefold()
                rel = "funded" if re.search(r"(?:funding|support|grant) from\s+(?:the\s+)?$", before) else "published"
                self._add(found, doc, who, title, rel, "", 0.75, "layout_byline", a, b)
        elif cells and re.match(r"(?i)commissioned by\s", stripped):
            for who in names:
                if not re.search(r"(?i)\bby\s+(?:the\s+)?$", text[a:who.start_char]):
                    continue
                self._add(found, doc, who, title, "commissioned", "", 0.75, "layout_byline", a, b)
        elif cells and len(names) == 1 and names[0].label_ == "organisation" and title.label_ == "document" \
                and names[0].text == stripped:
            self._add(found, doc, names[0], title, "authored", "", 0.65, "layout_byline", a, b)

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
                elif name == "joint_campaign":
                    pairs = [(o, a) for o in [b] + _members(m.groupdict().get("more"))]
                elif name in ("doc_by", "title_by"):
                    if in_sent[a].label_ != "document":
                        continue
                    pairs = [(o, a) for o in [b] + _members(m.groupdict().get("more"))]
                elif name in ("partnership_between", "members_of_include", "authors_are"):
                    members = [b] + _members(m.groupdict().get("more"))
                    pairs = [(o, a) for o in members]
                elif name == "chain_role_of":
                    pairs = [(a, nums[-1])]
                elif name == "chain_member_of":
                    pairs = [(a, nums[-1])]
                elif name == "member_alongside":
                    pairs = [(o, b) for o in [a, nums[2]] + _members(m.groupdict().get("more"))]
                elif name == "prepared_for_by":
                    if in_sent[a].label_ != "document":
                        continue
                    self._add(found, doc, in_sent[b], in_sent[a], "commissioned", "", conf - 0.05, name, s_start, s_end)
                    pairs = [(nums[2], a)]
                elif name == "body_includes":
                    if in_sent[a].label_ != "organisation":
                        continue
                    members_word = in_sent[a]._.source == "coref" and in_sent[a].text.casefold() == "members"
                    collective = in_sent[a].text.casefold().split()[-1] in COLLECTIVE_HEADS
                    pairs = [(o, a) for o in [b] + _members(m.groupdict().get("more"))
                             if in_sent[o].label_ == "person" or members_word or collective]
                    # a body "includes" people, its bodies may be partners; but "Members include A, B
                    # and C" (the members of the body just named) are members, bodies or people
                elif name == "whose_members":
                    pairs = [(o, a) for o in [b] + _members(m.groupdict().get("more"))]
                elif name == "appos_possessive_role":
                    pairs = [(a, b)]
                elif name == "appointed_by_house":
                    if not in_sent[a].text.casefold().split()[-1:] == ["committee"] \
                            or not re.match(r"(?i)(?:house of (?:commons|lords)|parliament|senedd|the scottish parliament)",
                                            in_sent[b].text):
                        continue
                    pairs = [(a, b)]
                elif name == "reference_line":
                    if in_sent[b].label_ != "document" or in_sent[a].label_ == "document":
                        continue
                    pairs = [(a, b)]
                elif name == "title_authors_year":
                    if in_sent[a].label_ != "document":
                        continue
                    pairs = [(o, a) for o in [b] + _members(m.groupdict().get("more"))
                             if in_sent[o].label_ in ("person", "organisation")]
                elif name in ("bracket_body", "bracket_post_body"):
                    if in_sent[a].label_ != "person" or in_sent[b].label_ != "organisation" \
                            or in_sent[b].text.casefold().split()[-1] in ROLE_NOUNS:
                        continue  # (but "Sophie Tran (Town Clerk)": a post)
                    # "In attendance: Dan Roe (Eastvale Council)": a guest holds a post in their own
                    # body (the g, k and m passages tie each such person to the body in brackets)
                    pairs = [(a, b)]
                elif name == "speaker_as_role":
                    pairs = [(a, nums[-1])]
                elif name == "appos_body_role":
                    if in_sent[b]._.source != "coref" or in_sent[b].text.casefold() not in ("its", "our"):
                        continue
                    pairs = [(a, b)]
                elif name == "its_body":
                    if in_sent[a]._.source != "coref" or in_sent[a].text.casefold() != "its" \
                            or in_sent[b].label_ != "organisation":
                        continue
                    pairs = [(b, a)]
                elif name == "consortium_of":
                    pairs = [(o, a) for o in [b] + _members(m.groupdict().get("more"))]
                elif name == "joint_unit_of":
                    pairs = [(a, o) for o in [b] + _members(m.groupdict().get("more"))]
                elif name in ("delivers", "runs_including", "body_that_runs"):
                    b = int(m.groupdict().get("obj") or b)
                    # the rest of a list only when it is a list of programmes ("X runs A and B";
                    # not "X runs A and Y Trust ...", where Y may start a clause of its own)
                    pairs = [(a, b)] + [(a, o) for o in _members(m.groupdict().get("more"))
                                        if in_sent[b].label_ == "programme" and in_sent[o].label_ == "programme"]
                elif name == "object_relative_runs":
                    pairs = [(o, a) for o in [b] + [int(x) for x in re.findall(r"§(\d+)§", m.group("more") or "")]]
                elif name in ("run_with", "run_jointly_with"):
                    # "X, which we run jointly with Z": Z, and the body "we" stands for, provide X
                    pairs = [(n, a) for n in nums[1:]]
                elif name in _SECOND_IS_SUBJECT:
                    pairs = [(b, a)]
                else:
                    pairs = [(a, b)]
                if name not in ("members_include", "joint_campaign", "doc_by", "title_by", "whose_members", "body_includes",
                                "partnership_between", "members_of_include", "authors_are", "member_alongside",
                                "prepared_for_by", "object_relative_runs", "run_with", "consortium_of",
                                "joint_unit_of", "its_body", "run_jointly_with", "which_funds", "reference_line",
                                "object_relative_funds",
                                "title_authors_year") \
                        and name not in _ROLE_FIRST | _FIRST_IS_OBJECT:
                    # "Capita and Maximus carry out ...": each member of a list before the verb
                    pairs = [(x, o) for si, o in pairs
                             for x in (_owner(masked, y, in_sent) for y in _coordinated(masked, si))
                             if x == si or (in_sent[x].label_ == "person") == (in_sent[si].label_ == "person")]
                if name in ("person_of", "chain_role_of", "post_then_body", "as_role_of") \
                        and in_sent[pairs[0][0]].label_ != "person":
                    continue
                if name in ("appos_at", "name_at") and in_sent[a].label_ == "person":
                    relation_here = "position"
                elif name == "partnership_between" and in_sent[a].label_ == "organisation":
                    relation_here = "member_of"  # "the Alliance is a partnership between A and B"
                elif name == "possessive_person" and in_sent[b].label_ == "programme":
                    continue  # "the Trust's Carers at Work programme": no writer ties a body to what it owns so
                elif name == "possessive_person" and in_sent[b].label_ != "person":
                    relation_here = "part_of"  # "Eastmoor Council's Planning Committee"
                    pairs = [(b, a)]
                else:
                    relation_here = relation
                rel = relation_here
                if rel == "position" and role in ("member", "fellow", "board member"):
                    rel = "member_of"
                if name == "appos_at" and rel == "part_of":
                    role = ""
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
                subjects = [int(m.group(1))] + _members(m.groupdict().get("more"))
                part = re.match(r"§\s*(?:'s|’s)\s+§(\d+)§", masked[m.end(1):])
                if part and in_sent[int(part.group(1))].label_ == "organisation" and not m.groupdict().get("more"):
                    subjects = [int(part.group(1))]  # "run by the University of X's School of Nursing": the school
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
                opening = _CLAUSE_SUBJECT.match(clause)
                if opening and in_sent[int(opening.group(1))].label_ != "person":
                    candidates = [int(opening.group(1))]
                    syntactic = candidates[0]
                if rx is _FUNDING_FROM and not clause.strip():
                    # "With a small grant from X, Y held six events": the body after the comma (which
                    # the list after X took for a second funder)
                    after = re.fullmatch(rf"\s*,\s*{DET}§(\d+)§", m.groupdict().get("more") or "") \
                        or re.match(rf"\s*,\s*{DET}§(\d+)§", masked[m.end():])
                    if after:
                        candidates = [int(after.group(1))]
                        subjects = [si for si in subjects if si != candidates[0]]
                shared = _COORDINATED_RELATIVE.search(clause) if syntactic is None else None
                first = list(re.finditer(r"\b(?:that|which)\b", clause[:shared.start()])) if shared else []
                if first:
                    # "P, a service that X runs and that is funded by Y": the second relative clause
                    # has the first one's antecedent, the last name before the first pronoun
                    earlier = [int(x) for x in re.findall(r"§(\d+)§", clause[:first[-1].start()])]
                    if earlier:
                        candidates = [earlier[-1]]
                if re.search(r"secretariat\s+(?:is\s+|was\s+)?$", masked[max(0, m.start() - 30):m.start()], re.I) and candidates:
                    candidates = [candidates[0]]  # "X, with a secretariat provided by Y": Y provides X
                for oi in reversed(candidates):
                    if oi in subjects:
                        continue
                    if len(candidates) > 1 and re.search(rf"\b(?:at|near|within|based in)\s+{DET}$",
                                                         clause[:clause.find(f"§{oi}§")]):
                        continue  # "the Unit, based at X and directed by Y": Y directs the Unit, not X
                    at = clause.find(f"§{oi}§")
                    if re.search(rf"\bby\s+{DET}$", clause[:at]) and (
                            rel == "funded" or re.match(rf"§{oi}§\s*,?\s*(?:and|but|then)\s+(?:is\s+|was\s+|will\s+be\s+)?$",
                                                        clause[at:])):
                        continue  # "prepared by X with funding from Y", "funded by X and run by Y": X is an agent
                    obj = in_sent[oi]
                    if relation == "position" and obj.label_ == "document":
                        relation_here, role_here = "authored", "chair"
                    elif relation == "authored" and obj.label_ == "programme" and in_sent[subjects[0]].label_ == "organisation" \
                            and re.match(r"(?:carried out|conducted|undertaken)\b", m.group(0), re.I):
                        relation_here, role_here = "provides", ""  # "Assessments for PIP are carried out by X": X delivers PIP's
                    elif relation == "position" and obj.label_ == "programme" and in_sent[subjects[0]].label_ == "organisation":
                        relation_here, role_here = "provides", ""  # "a pilot led by NHS England": the body runs it
                    else:
                        relation_here, role_here = relation, role
                    if relation == "provides" and obj.label_ == "organisation" and (
                            _unit_like(doc, obj) or re.match(r"(?:jointly\s+)?run\b", m.group(0), re.I)) \
                            and not re.match(r"hosted\b", m.group(0), re.I) \
                            and obj.text.casefold().split()[-1] not in ("service", "services"):
                        # (a named service run by a body is what it provides: "the X Eating Disorder
                        # Service, run by Y Trust")
                        # a body hosted by another is provided by it, not a part of it
                        # "the unit, which is jointly run by P and Q": the unit is part of each
                        for si in subjects:
                            self._add(found, doc, obj, in_sent[si], "part_of", "", conf, "agent_run_unit", s_start, s_end)
                        break
                    if rel == "commissioned" and re.search(r"\b(?:set up|established)\s", m.group(0), re.I) \
                            and not re.search(r"(?i)\b(?:inquiry|review|commission|taskforce|panel)\b", obj.text):
                        continue  # "a survey set up by ONS" is its own work; "an inquiry set up by" a government is commissioned
                    allowed = vocab.relations[relation_here]["object"]
                    if obj.label_ not in allowed:
                        continue
                    for si in subjects:
                        self._add(found, doc, in_sent[si], obj, relation_here, role_here,
                                  conf - (0.1 if candidates[-1] != oi else 0.0), f"agent_{rel}", s_start, s_end)
                    break

        for m in _AWARDED_TO.finditer(masked):
            funder = in_sent[int(m.group(1))]
            if funder.label_ != "organisation":
                continue
            for ri in [int(m.group(2))] + _members(m.groupdict().get("more")):
                if in_sent[ri].label_ in ("organisation", "programme") and in_sent[ri] is not funder:
                    self._add(found, doc, funder, in_sent[ri], "funded", "", 0.7, "awarded_to", s_start, s_end)

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
        # "X is delivered by A on behalf of B, with funding from C": the funding is for what
        # the verb acts on (its object, or its subject in the passive), not for the name
        # nearest before it; "A delivers X with a grant from C": for X
        verb = token.head if token.dep_ == "prep" and token.head.pos_ in ("VERB", "AUX") else None
        if verb is not None:
            for dep in ("dobj", "nsubjpass", "nsubj"):
                for arg in (c for c in verb.children if c.dep_ == dep):
                    for idx in candidates:
                        span = in_sent[idx]
                        if span.start <= arg.i < span.end:
                            return idx
        for _ in range(5):
            if token.dep_ not in ("conj", "acl", "relcl", "advcl", "xcomp", "auxpass", "ccomp", "appos") \
                    or token.head is token:
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
        ends = [antecedent(doc, x.start_char, x.end_char) or (x.start_char, x.end_char) for x in (subj, obj)]
        if ends[0] == ends[1]:
            return  # "the review" and the review it stands for
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
        span = doc.char_span(s_start, s_end, alignment_mode="expand")
        if span is not None:
            for subj, obj, relation, role, conf, how in parse_ties(span, in_sent):
                if relation == "position" and role in ("member", "fellow", "board member"):
                    relation = "member_of"
                self._add(found, doc, subj, obj, relation, role or "", conf, how, s_start, s_end)
        token_span = {}
        for span in in_sent:
            for t in span:
                token_span[t.i] = span
        for span in in_sent:
            verb = span.root.head
            dep = span.root.dep_
            if dep == "appos" and verb.dep_ in ("nsubj", "nsubjpass") and verb.i not in token_span:
                # "The charity, Home Ahead, runs X": the name in apposition to the subject acts
                dep, verb = verb.dep_, verb.head
            if verb.pos_ not in ("VERB", "AUX") and dep != "pobj":
                continue
            if dep == "pobj" and verb.lower_ == "by" and verb.dep_ == "agent":
                # passive: <object> was <verb>ed by <subject>
                v = verb.head
                rel = _verb_relation(v)
                if not rel:
                    continue
                for child in v.children:
                    if rel == "provides" and v.lower_ == "run" and child.i in token_span \
                            and token_span[child.i].label_ == "organisation" and _unit_like(doc, token_span[child.i]):
                        continue  # a unit or hospital run by a body is part of it (the agent patterns say so)
                    if child.dep_ in ("nsubjpass",) and child.i in token_span:
                        self._add(found, doc, span, token_span[child.i], rel, "", 0.65, "dep_passive", s_start, s_end)
            elif dep == "nsubj":
                rel = _verb_relation(verb)
                if not rel:
                    continue
                if rel == "member_of" and any(c.dep_ == "prep" and c.lower_ in ("at", "for", "on")
                                              and any(g.dep_ == "pobj" and any(d.dep_ in ("det", "poss") for d in g.children)
                                                      for g in c.children) for c in verb.children):
                    continue  # "A joined B at the launch": company, not membership
                for child in verb.children:
                    if child.dep_ == "dobj" and child.i not in token_span:
                        # "runs the Get Online Together scheme": the name before the object noun
                        named = [c for c in child.children if c.dep_ == "compound" and c.i in token_span]
                        if named:
                            child = named[-1]
                    if child.dep_ in ("dobj", "compound") and child.i in token_span:
                        role = verb.lower_ if rel == "position" else ""
                        self._add(found, doc, span, token_span[child.i], rel, role, 0.6, "dep_active", s_start, s_end)
