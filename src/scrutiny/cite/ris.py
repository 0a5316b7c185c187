"""CSL-JSON items as RIS records (EndNote, Zotero, Mendeley, rispy)."""

from __future__ import annotations

_TYPES = {
    "report": "RPRT",
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "book": "BOOK",
    "chapter": "CHAP",
    "webpage": "ELEC",
    "article": "GEN",
    "post": "BLOG",
}


def _name(n: dict) -> str:
    if n.get("literal"):
        return n["literal"]
    return f"{n.get('family', '')}, {n['given']}" if n.get("given") else n.get("family", "")


def to_ris(item: dict) -> str:
    """One CSL-JSON item as one RIS record (CRLF-free, one tag per line)."""
    lines = [("TY", _TYPES.get(item.get("type", ""), "GEN")), ("ID", item["id"])]
    for n in item.get("author") or []:
        lines.append(("AU", _name(n)))
    lines.append(("TI", item.get("title", "")))
    if item.get("title-short"):
        lines.append(("ST", item["title-short"]))
    if item.get("container-title"):
        lines.append(("T2", item["container-title"]))
    if item.get("publisher"):
        lines.append(("PB", item["publisher"]))
    if item.get("publisher-place"):
        lines.append(("CY", item["publisher-place"]))
    parts = ((item.get("issued") or {}).get("date-parts") or [[]])[0]
    if parts:
        lines.append(("PY", str(parts[0])))
        # YYYY/MM/DD/other: "2018///", "2016/02//", "2016/02/01/"
        lines.append(("DA", "/".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]]) + "/" * (4 - len(parts))))
    for key, tag in (("volume", "VL"), ("issue", "IS"), ("DOI", "DO"), ("ISBN", "SN")):
        if item.get(key):
            lines.append((tag, str(item[key])))
    if item.get("page"):
        from scrutiny.pages import split

        start, end = split(item["page"])
        lines.append(("SP", start))
        if end:
            lines.append(("EP", end))
    if item.get("URL"):
        lines.append(("UR", item["URL"]))
    acc = ((item.get("accessed") or {}).get("date-parts") or [[]])[0]
    if len(acc) == 3:
        lines.append(("Y2", "{:04d}/{:02d}/{:02d}".format(*acc)))
    if item.get("note"):
        lines.append(("N1", " ".join(item["note"].split())))
    if item.get("annote"):
        lines.append(("N1", item["annote"]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in lines)
