"""From a landing page to the document it offers.

Publishers link their reports from a page about them rather than giving the
file's own address. Two kinds of page:

- **GOV.UK publication pages**: the Content API (``<govuk>/api/content/<path>``)
  lists the attachments with their addresses, titles, file names and content
  types; when the API does not answer, the page's own attachment markup
  (``gem-c-attachment``, ``section.attachment``) gives the same;
- **any other HTML page** (a think tank, an NHS body, a charity): every link to
  a PDF or DOCX file, with its link text, title and file name.

``rank`` scores each candidate against the manifest's title (words in common,
both ways, with a penalty for variants the title does not ask for: easy read,
summary, annex, Welsh...), explains the pick, and refuses to guess when two
candidates are close: the caller lists them and asks for ``--pick N``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from scrutiny.names import shown

FILE_TYPES = {
    ".pdf": ("application/pdf",),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
}
STOPWORDS = frozenset("""
a an and are as at be by for from in into is it its of on or our the their this to with your
pdf docx doc file download downloads kb mb bytes pages page version opens new window html
""".split())
# words that mark a variant of the document rather than the document itself
VARIANTS = frozenset("""
summary executive annex annexe appendix appendice accessible welsh cymraeg infographic leaflet
poster factsheet technical table data letter impact assessment equality slide presentation
briefing glossary easyread
""".split())
VARIANT_PHRASES = ((re.compile(r"\beasy[\s_-]*read\b", re.I), "easyread"),
                   (re.compile(r"\blarge[\s_-]*print\b", re.I), "largeprint"),
                   (re.compile(r"\bresponse[\s_-]*form\b", re.I), "responseform"))
# editions of one report: a title that names one rules out the others
EDITIONS = frozenset("interim final draft progress update consultation outcome".split())
CLOSE = 0.10          # two candidates closer than this are too close to call
WEAK = 0.25           # a best score under this is not a match among several


@dataclass
class Candidate:
    url: str
    texts: list[str] = field(default_factory=list)   # link text, title, attachment title...
    content_type: str | None = None
    origin: str = "page"                              # govuk-api | govuk-page | page
    score: float = 0.0
    why: str = ""

    @property
    def filename(self) -> str:
        return unquote(PurePosixPath(urlsplit(self.url).path).name)

    @property
    def label(self) -> str:
        text = next((t for t in self.texts if t and t.lower() not in ("download", "pdf", "download pdf")), "")
        return text or self.filename

    @property
    def ext(self) -> str:
        suffix = PurePosixPath(urlsplit(self.url).path).suffix.lower()
        if suffix in FILE_TYPES:
            return suffix
        for ext, types in FILE_TYPES.items():
            if (self.content_type or "").lower() in types:
                return ext
        return suffix


@dataclass
class Resolution:
    page_url: str
    candidates: list[Candidate]            # best first
    chosen: Candidate | None
    reason: str                            # why this one, or why none
    ambiguous: bool = False

    def listing(self, limit: int = 9) -> str:
        lines = []
        for i, c in enumerate(self.candidates[:limit], 1):
            lines.append(f"  {i}. {shown(c.label)!s} <{shown(c.url)}> (match {c.score:.2f})")
        return "\n".join(lines)


# --- GOV.UK ---------------------------------------------------------------------------

def govuk_path(url: str, govuk_url: str) -> str | None:
    """The GOV.UK path of ``url`` when it is a GOV.UK page (not an asset), else None."""
    base = govuk_url.rstrip("/")
    if not url.startswith(base + "/"):
        return None
    path = urlsplit(url).path
    base_path = urlsplit(base).path.rstrip("/")
    path = path[len(base_path):] if base_path and path.startswith(base_path) else path
    if path.startswith("/api/") or PurePosixPath(path).suffix.lower() in (".pdf", ".docx", ".csv", ".odt"):
        return None
    return path.strip("/") or None


def govuk_api_url(url: str, govuk_url: str) -> str | None:
    path = govuk_path(url, govuk_url)
    return f"{govuk_url.rstrip('/')}/api/content/{path}" if path else None


def from_govuk_api(text: str, base_url: str) -> list[Candidate]:
    """Attachments of a GOV.UK content item: ``details.attachments`` (and the
    consultation variants), then any attachment markup in ``details.documents``."""
    try:
        item = json.loads(text)
    except ValueError:
        return []
    details = item.get("details") if isinstance(item, dict) else None
    if not isinstance(details, dict):
        return []
    found: list[Candidate] = []
    for key in ("attachments", "final_outcome_attachments", "public_feedback_attachments"):
        for att in details.get(key) or []:
            if not isinstance(att, dict) or not isinstance(att.get("url"), str):
                continue
            if att.get("attachment_type") == "html":
                continue  # an HTML version: a page, not a file
            texts = [str(att[k]) for k in ("title", "filename") if isinstance(att.get(k), str)]
            found.append(Candidate(urljoin(base_url, att["url"]), texts,
                                   att.get("content_type") if isinstance(att.get("content_type"), str) else None,
                                   origin="govuk-api"))
    for key in ("documents", "final_outcome_documents", "public_feedback_documents"):
        for html in details.get(key) or []:
            if isinstance(html, str):
                found.extend(file_links(html, base_url, origin="govuk-api"))
    return _merge(found)


# --- any HTML page --------------------------------------------------------------------

def file_links(html: str, base_url: str, origin: str = "page") -> list[Candidate]:
    """Links to PDF and DOCX files on an HTML page, with their texts."""
    import lxml.html
    from lxml import etree

    try:
        doc = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = doc.find(".//base[@href]")
    if base is not None and isinstance(base.get("href"), str):
        base_url = urljoin(base_url, base.get("href"))
    found = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        url = urljoin(base_url, href)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        declared = (a.get("type") or "").split(";")[0].strip().lower()
        ext = PurePosixPath(urlsplit(url).path).suffix.lower()
        in_attachment = _in_attachment(a)
        if ext not in FILE_TYPES and not any(declared in t for t in FILE_TYPES.values()) and not (
                in_attachment is not None and ext not in (".html", ".htm", "")):
            continue
        texts = [_clean(a.text_content()), _clean(a.get("title")), _clean(a.get("aria-label"))]
        if in_attachment is not None:
            title = in_attachment.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), "
                                        "' gem-c-attachment__title ') or contains(concat(' ', "
                                        "normalize-space(@class), ' '), ' title ')]")
            texts += [_clean(t.text_content()) for t in title[:1]]
        texts.append(unquote(PurePosixPath(urlsplit(url).path).name))
        origin_here = "govuk-page" if in_attachment is not None and origin == "page" else origin
        found.append(Candidate(url, [t for t in texts if t], declared or None, origin=origin_here))
    return _merge(found)


def _in_attachment(a):
    """The GOV.UK attachment block around a link, if any."""
    node = a
    for _ in range(8):
        node = node.getparent()
        if node is None:
            return None
        cls = f" {node.get('class') or ''} "
        if " gem-c-attachment " in cls or (node.tag == "section" and " attachment " in cls):
            return node
    return None


def _clean(text) -> str:
    return " ".join(str(text or "").split())


def _merge(found: list[Candidate]) -> list[Candidate]:
    """One candidate per address (the same file is often linked twice)."""
    merged: dict[str, Candidate] = {}
    for c in found:
        key = c.url.split("#")[0]
        if key in merged:
            have = merged[key]
            have.texts += [t for t in c.texts if t not in have.texts]
            have.content_type = have.content_type or c.content_type
        else:
            merged[key] = Candidate(key, list(dict.fromkeys(c.texts)), c.content_type, c.origin)
    return list(merged.values())


# --- choosing -------------------------------------------------------------------------

def words(text: str) -> list[str]:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text or "")
    for pattern, word in VARIANT_PHRASES:
        text = pattern.sub(f" {word} ", text)
    out = []
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if w in STOPWORDS:
            continue
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


def _score(title: set[str], short: set[str], text: str, whole: set[str]) -> tuple[float, str]:
    """How well one text of a candidate matches the title; ``whole`` (the words
    of all its texts) decides whether it is a variant or another edition."""
    cand = set(words(text))
    if not cand or not title:
        return 0.0, ""
    common = title & cand
    cover = len(common) / len(title)          # how much of the title the candidate has
    precision = len(common) / len(cand)       # how much of the candidate is the title
    score = 0.5 * cover + 0.5 * precision
    if short - title and short <= cand:
        score += 0.1  # the short title says something the title does not
    variants = sorted((whole & (VARIANTS | {w for _, w in VARIANT_PHRASES})) - title)
    if variants:
        score -= min(0.5, 0.25 * len(variants))
    other_edition = sorted((whole & EDITIONS) - title) if title & EDITIONS else []
    if other_edition:
        score -= 0.3
    why = f"{len(common)} of the title's {len(title)} words"
    if variants:
        why += f"; a variant ({', '.join(variants)})"
    if other_edition:
        why += f"; another edition ({', '.join(other_edition)})"
    return max(0.0, score), why


def rank(candidates: list[Candidate], title: str, short_title: str | None = None,
         want: tuple[str, ...] = (".pdf", ".docx"), page_url: str = "",
         others: dict[str, str] | None = None) -> Resolution:
    """Score ``candidates`` against the document's title and pick one, or say
    why not (none, or two too close to call). ``others`` ({id: title}) are the
    manifest's other documents: a link that matches one of them better is that
    document, not this one."""
    if not want:
        return Resolution(page_url, [], None, "the source is not a PDF or DOCX file, which is all a landing "
                          "page's links are searched for")
    usable = [c for c in candidates if c.ext in want]
    if not usable:
        kinds = " or ".join(w[1:].upper() for w in want)
        besides = f" ({len(candidates)} link(s) to other kinds of file)" if candidates else ""
        return Resolution(page_url, [], None, f"the page links to no {kinds} file{besides}")
    t = set(words(title))
    s = set(words(short_title or "")) - STOPWORDS
    for c in usable:
        pieces = [*c.texts, " ".join(c.texts)]  # each text alone, and all of them together
        whole = set(words(pieces[-1]))
        best = max((_score(t, s, text, whole) for text in pieces), default=(0.0, ""), key=lambda x: x[0])
        c.score, c.why = best
        for other_id, other_title in (others or {}).items():
            o = set(words(other_title))
            if o and o != t:
                theirs = max(_score(o, set(), text, whole)[0] for text in pieces)
                if theirs > c.score:
                    c.score = max(0.0, c.score - 0.3)
                    c.why += f"; it matches the manifest's {other_id} better"
                    break
    usable.sort(key=lambda c: (-c.score, c.origin != "govuk-api", c.url))
    top = usable[0]
    kind = top.ext[1:].upper()
    if len(usable) == 1:
        return Resolution(page_url, usable, top, f"the only {kind} linked from the page: "
                          f"{shown(top.label)} (match {top.score:.2f})")
    second = usable[1]
    if top.score - second.score < CLOSE or top.score < WEAK:
        why = (f"two links match the title about as well ({top.score:.2f} and {second.score:.2f})"
               if top.score >= WEAK else f"no link matches the title well (best {top.score:.2f})")
        return Resolution(page_url, usable, None, why, ambiguous=True)
    return Resolution(page_url, usable, top,
                      f"picked {shown(top.label)} of {len(usable)} {kind} links: it matches the title best "
                      f"({top.why}; match {top.score:.2f}, next {second.score:.2f}: {shown(second.label)})")


def pick(resolution: Resolution, n: int) -> Resolution:
    """The user's choice (1-based, as listed) among the candidates."""
    if not 1 <= n <= len(resolution.candidates):
        raise ValueError(f"--pick {n}: the page offers {len(resolution.candidates)} candidate(s)")
    c = resolution.candidates[n - 1]
    return Resolution(resolution.page_url, resolution.candidates, c, f"your pick (--pick {n}): {shown(c.label)}")
