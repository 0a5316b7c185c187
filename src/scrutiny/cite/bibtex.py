"""CSL-JSON items as BibTeX entries (what Zotero, JabRef and biber read).

Field values are wrapped in braces with the LaTeX special characters escaped,
so that a decoder (for example bibtexparser's LaTeX decoding) gives back the
exact text, quotes included.
"""

from __future__ import annotations

import re

_ENTRY_TYPES = {
    "report": "techreport",
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "chapter": "incollection",
    "thesis": "phdthesis",
    "paper-conference": "inproceedings",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile("|".join(re.escape(c) for c in _ESCAPES))


def escape(text: str) -> str:
    return _SPECIAL.sub(lambda m: _ESCAPES[m.group(0)], text)


def bibtex_key(item_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_:-]", "-", item_id)


def _names(names: list[dict]) -> str:
    out = []
    for n in names:
        if n.get("literal"):
            out.append("{" + escape(n["literal"]) + "}")  # corporate: braced, never split
        else:
            family = escape(n.get("family", ""))
            given = escape(n.get("given", ""))
            out.append(f"{family}, {given}" if given else family)
    return " and ".join(out)


def to_bibtex(item: dict) -> str:
    """One CSL-JSON item as one BibTeX entry."""
    kind = _ENTRY_TYPES.get(item.get("type", ""), "misc")
    fields: list[tuple[str, str]] = []
    if item.get("author"):
        fields.append(("author", _names(item["author"])))
    fields.append(("title", "{" + escape(item.get("title", "")) + "}"))
    publisher = item.get("publisher")
    if publisher:
        fields.append(("institution" if kind == "techreport" else "publisher", escape(publisher)))
    if item.get("container-title"):
        fields.append(("journal", escape(item["container-title"])))
    for key in ("volume", "issue"):
        if item.get(key):
            fields.append(("number" if key == "issue" else key, escape(str(item[key]))))
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    if parts[0]:
        fields.append(("year", str(parts[0][0])))
        if len(parts[0]) > 1:
            fields.append(("month", _MONTHS[parts[0][1] - 1]))
    if item.get("page"):
        from scrutiny.pages import split

        first, last = split(item["page"])
        fields.append(("pages", f"{first}--{last}" if last else first))
    if item.get("URL"):
        fields.append(("url", item["URL"]))
    acc = (item.get("accessed") or {}).get("date-parts") or [[]]
    if len(acc[0]) == 3:
        fields.append(("urldate", "{:04d}-{:02d}-{:02d}".format(*acc[0])))
    if item.get("DOI"):
        fields.append(("doi", item["DOI"]))
    if item.get("note"):
        fields.append(("note", escape(item["note"])))
    if item.get("annote"):  # last: the site's Cite control adds it the same way
        fields.append(("annote", escape(item["annote"])))
    body = ",\n".join(
        f"  {name} = {value}" if name in ("month",) else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@{kind}{{{bibtex_key(item['id'])},\n{body}\n}}\n"
