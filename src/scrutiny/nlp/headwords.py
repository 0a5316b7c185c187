"""Generic head nouns that say what kind of thing a capitalised name is.

These are ordinary English words ("Department", "Review", "Programme"), not
names: a name ending in one of them is taken to be an organisation, a document
or a programme. Honorifics mark people. Words that make a span a place, a date
or a section reference are listed too, so they are never taken for stakeholders.
"""

import re

ORGANISATION = frozenset("""
agency alliance assembly association authority bank board bureau cabinet centre center
charity coalition college commission committee company confederation consultancy consultants consulting
corporation council associates partners llp analytics economics solutions labs
court department directorate executive federation forum foundation fund group hospital
inspectorate institute institution league ltd limited ministry network nhs office ombudsman
organisation organization panel parliament partnership plc practice press secretariat service services
society taskforce team treasury trust union unit university
faculty collective collaborative branch school academy clinic surgery foodbank church
jobcentre mind chamber
judiciary constabulary police tribunal tribunals hub infirmary cic cio
""".split())

DOCUMENT = frozenset("""
act assessment bill book charter code consultation evaluation framework green guidance guide guidelines inquiry
manifesto paper plan policy principles regulation regulations report response review
standards statement strategy study survey view white census
""".split())

PROGRAMME = frozenset("""
allowance benefit campaign credit deal grant initiative offer payment pension pilot programme program project scheme
helpline apprenticeship apprenticeships trial pathway awards fellowship fellowships pay pledge covenant
""".split())

# One of these words alone is not a name ("the Government", "the Department",
# "the Committee"): which body is meant is not in the word.
GENERIC_SINGLE = frozenset("""
government department committee state council board trust taskforce commission agency office
ministry review report plan strategy programme scheme fund team unit panel group service services campaign initiative project pilot grant levy minutes
authority secretary minister ministers chair inquiry act bill paper framework guidance policy
network partnership alliance coalition union society association institute centre university
company organisation organization foundation charity court college forum executive cabinet command
convention treaty agreement directive charter protocol code offer assessment evaluation conference
jobcentre chamber police tribunal tribunals hub constabulary
icb icbs ics ccg ccgs houses
""".split())

# A capitalised phrase ending in one of these names a post or a group of people,
# not a body: "Chief Social Scientist", "Departmental Chief Scientific Advisers".
ROLE_HEADS = frozenset("""
scientist scientists adviser advisers advisor advisors practitioner practitioners secretary
officer officers analyst analysts servants staff heads head members member clinicians
correspondent correspondents reporter reporters editor editors specialist specialists worker workers
coordinator coordinators coroner coroners clerk clerks
""".split())

NOT_STAKEHOLDER_FIRST = frozenset("""
annex appendix box chapter figure page paragraph para part recommendation section table
item step stage phase level tier option question point principle objective priority
article clause schedule rule regulation footnote note version minutes apologies present contents summary source
action resolved agenda foreword preface acknowledgements glossary
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
""".split())

# Lower-case words allowed inside a capitalised name ("Department for Work and Pensions").
NAME_JOINERS = frozenset("for of and the on &".split())


# "Support Line", "Crisis Line": a telephone service, not a line of anything else.
LINE_SERVICES = frozenset("support advice crisis help information listening".split())


_YEAR = re.compile(r"(?:19|20)\d\d(?:[/–-](?:\d\d|(?:19|20)\d\d))?")


# A line thanking a list of funders, one a bullet below it ("We are grateful to the following
# for their support:"): "- The X Trust (Kitchen Table, three-year grant)".
FUNDERS_LEAD = re.compile(r"(?i)\b(?:our funders|(?:thanks?|thank you)\s+(?:to|go to)\s+(?:our|the following)\s+"
                          r"(?:funders|supporters)|grateful to the following|funded by the following|"
                          r"supported by the following)\b")
# Column headings of a table flattened with "|" and the kind of name their cells hold.
TABLE_COLUMNS = {**{w: "organisation" for w in ("organisation", "organization", "provider", "providers", "grantee",
                                                "recipient", "funder", "partner", "lead partner", "delivery partner",
                                                "lead organisation", "supplier", "contractor", "charity", "body")},
                 **{w: "programme" for w in ("project", "service", "programme", "scheme", "initiative")}}


def kind_from_head(words: list[str]) -> str | None:
    """Kind suggested by the head of a name, or None: its last word, or its first
    when a preposition follows ("Department for ...", "University of ...")."""
    if not words:
        return None
    if len(words) >= 3 and words[1].casefold() in ("for", "of", "on") \
            and words[0].casefold() in ORGANISATION | PROGRAMME | DOCUMENT:
        first = words[0].casefold()
        return "programme" if first in PROGRAMME else "document" if first in DOCUMENT - ORGANISATION else "organisation"
    # "Independent Review of Prison Health": a head noun before "of" / "for" / "into"
    for i in range(1, len(words) - 2):
        if words[i + 1].casefold() in ("of", "for", "on", "into") and words[i][:1].isupper():
            w = words[i].casefold()
            if w in DOCUMENT - ORGANISATION:
                return "document"
            if w in PROGRAMME:
                return "programme"
            if w in ORGANISATION:
                return "organisation"
    if len(words) >= 2 and words[-1] == "Plus":
        return kind_from_head(words[:-1])  # "Jobcentre Plus": the word before names the kind
    if len(words) >= 2 and _YEAR.fullmatch(words[-1]):
        return kind_from_head(words[:-1])  # "Workforce Census 2025", "Annual Report 2024/25": the year is no head
    head = words[-1].casefold().strip(".,;:'\"")
    if head == "line" and len(words) >= 2 and words[-2].casefold() in LINE_SERVICES:
        return "programme"  # "the Dale Farming Support Line": a helpline
    if head in DOCUMENT:
        return "document"
    if head in PROGRAMME:
        return "programme"
    if head in ORGANISATION:
        return "organisation"
    return None


# All-capital words that are not names of anyone: places, things, posts.
NOT_NAME_ACRONYMS = frozenset("""
UK US USA GB IT AI TV PM AM CEO MP MPs GP GPs A&E ICT HR VAT GDP COVID HIV PDF OK ID IDs PC PCs SME SMEs
NB CV CVs FAQ FAQs QR SMS URL URLs
PhD PhDs STEM GCSE GCSEs NVQ NVQs MSc BSc MBA EO PNT GNSS
LGBT LGBTQ LGBTQI LGBTQIA BAME BME
""".split())


# Words of a post's portfolio ("Director of Adult Social Services"), not of a body's name.
PORTFOLIO_WORDS = frozenset("""
public health social care adult adults children childrens young people services service education housing planning
digital transformation corporate resources human quality research community communities mental medicine medical
clinical services primary secondary workforce estates legal governance safeguarding environment transport economy
skills culture sport justice welfare employment pensions work learning casework complaints and the of for
""".split())

# Nations and words of a place that, alone, name no stakeholder.
NATIONS = frozenset("England Scotland Wales Ireland UK Britain".split())
PLACES = frozenset("Northern Great United Kingdom Europe London".split())
