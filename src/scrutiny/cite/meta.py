"""A document's description for the ``<head>`` of its pages, from its CSL item.

Three vocabularies, all made from the one CSL-JSON item every citation is
rendered from (:func:`scrutiny.cite.csl_item`), so that Zotero, Google
Scholar, a Dublin Core harvester and a search engine read the same title,
authors and date as ``scrutiny cite`` prints:

- Highwire Press ``citation_*`` tags (Google Scholar's inclusion guidelines;
  what Zotero's Embedded Metadata translator reads first). Authors are
  written "Family, Given" for a person and "Name," for an organisation
  (:func:`scrutiny.cite.people.highwire_name`); dates in Scholar's forms,
  "2016/02/01" or "2016" (it has no year-and-month form);
- Dublin Core (``DC.title``, ``DC.creator``, ``DC.date`` as W3CDTF:
  "2016-02"...);
- schema.org JSON-LD (a ``Report`` or an ``Article``, its authors as
  ``Person`` with given and family names or as ``Organization``).
"""

from __future__ import annotations

import json

from scrutiny.cite.people import highwire_name

_SCHEMA_TYPES = {"report": "Report", "webpage": "Article", "post-weblog": "BlogPosting",
                 "article-journal": "ScholarlyArticle", "book": "Book"}


def _parts(item: dict, key: str = "issued") -> list[int]:
    return [int(p) for p in (((item.get(key) or {}).get("date-parts") or [[]])[0]) if str(p).isdigit()]


def scholar_date(item: dict) -> str | None:
    """The item's date as Google Scholar reads it: "YYYY/MM/DD", or "YYYY"."""
    parts = _parts(item)
    if not parts:
        return None
    return "{:04d}/{:02d}/{:02d}".format(*parts) if len(parts) == 3 else f"{parts[0]:04d}"


def iso_date(item: dict) -> str | None:
    """The item's date as W3CDTF / ISO 8601: "2016", "2016-02", "2016-02-01"."""
    parts = _parts(item)
    if not parts:
        return None
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:3])])


def head_meta(item: dict, *, page_url: str | None = None, pdf_url: str | None = None,
              source_url: str | None = None, language: str = "en") -> list[tuple[str, str]]:
    """(name, content) pairs for ``<meta name=... content=...>``: citation_* then DC.*
    ``page_url`` is the page's own address on the site, ``source_url`` the
    document's official one, ``pdf_url`` its PDF."""
    out: list[tuple[str, str]] = [("citation_title", item.get("title") or "")]
    for name in item.get("author") or []:
        value = highwire_name(name)
        # Zotero splits every citation_author at its first comma: an organisation whose
        # name holds one ("Department for Digital, Culture, Media and Sport") would be cut
        # in two, so it is given as the publisher only (and whole in DC and JSON-LD)
        if not (name.get("literal") and "," in name["literal"]):
            out.append(("citation_author", value))
    date = scholar_date(item)
    if date:
        out += [("citation_publication_date", date), ("citation_date", date)]
    if item.get("publisher"):
        out.append(("citation_publisher", item["publisher"]))
        if item.get("type") == "report":
            out.append(("citation_technical_report_institution", item["publisher"]))
    if item.get("container-title"):
        out.append(("citation_journal_title", item["container-title"]))
    for key, tag in (("volume", "citation_volume"), ("issue", "citation_issue"), ("DOI", "citation_doi"),
                     ("ISBN", "citation_isbn"), ("ISSN", "citation_issn")):
        if item.get(key):
            out.append((tag, str(item[key])))
    if pdf_url:
        out.append(("citation_pdf_url", pdf_url))
    if page_url:
        out.append(("citation_public_url", page_url))
    out.append(("citation_language", language))
    # Dublin Core (the prefix declared by <link rel="schema.DC">)
    out.append(("DC.title", item.get("title") or ""))
    for name in item.get("author") or []:
        out.append(("DC.creator", highwire_name(name).rstrip(",") if name.get("literal") else highwire_name(name)))
    if item.get("publisher"):
        out.append(("DC.publisher", item["publisher"]))
    if iso_date(item):
        out.append(("DC.date", iso_date(item)))
    out.append(("DC.type", "Text"))
    out.append(("DC.language", language))
    identifier = page_url or source_url
    if identifier:
        out.append(("DC.identifier", identifier))
    if source_url and source_url != identifier:
        out.append(("DC.source", source_url))
    if item.get("x-license"):
        out.append(("DC.rights", item["x-license"]))
    return out


def json_ld(item: dict, *, page_url: str | None = None, source_url: str | None = None,
            language: str = "en") -> str:
    """schema.org JSON-LD for the item, safe inside ``<script type="application/ld+json">``."""
    data: dict = {"@context": "https://schema.org", "@type": _SCHEMA_TYPES.get(item.get("type", ""), "CreativeWork"),
                  "name": item.get("title") or "", "headline": (item.get("title") or "")[:110]}
    authors = []
    for name in item.get("author") or []:
        if name.get("literal"):
            authors.append({"@type": "Organization", "name": name["literal"]})
        else:
            from scrutiny.cite.people import display_name

            person = {"@type": "Person", "name": display_name(name), "familyName": name.get("family", "")}
            if name.get("given"):
                person["givenName"] = name["given"]
            authors.append(person)
    if authors:
        data["author"] = authors
    if item.get("publisher"):
        data["publisher"] = {"@type": "Organization", "name": item["publisher"]}
    if iso_date(item):
        data["datePublished"] = iso_date(item)
    if page_url:
        data["url"] = page_url
    if source_url and source_url != page_url:
        data["sameAs"] = source_url
    if item.get("x-license"):
        data["license"] = item["x-license"]
    data["inLanguage"] = language
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # never "</script>" (or "<!--") inside the element
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
