"""Walk a built site and report every broken internal link or anchor.

Checks ``href`` and ``src`` attributes (and ``<meta http-equiv=refresh>``
targets) of every HTML file: the target file must exist and a ``#fragment``
must be an ``id`` in the target page. A link to a folder is broken: opened from
a folder (``file://``) it would show a file listing, so links name ``index.html``.
External links (with a scheme) are not fetched: the site must work offline;
:func:`external_requests` lists assets that would load from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {"href", "src"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, str]] = []   # (tag, attr, value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag == "link" and (a.get("rel") or "").lower() in ("canonical", "alternate"):
            tag = "link-ref"  # names an address; the browser does not load it
        for attr in LINK_ATTRS:
            if a.get(attr) is not None:
                self.links.append((tag, attr, a[attr]))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            content = a.get("content") or ""
            if "url=" in content.lower():
                self.links.append((tag, "refresh", content[content.lower().index("url=") + 4:].strip()))

    handle_startendtag = handle_starttag


@dataclass
class Broken:
    page: str
    link: str
    reason: str

    def __str__(self):
        return f"{self.page}: {self.link}: {self.reason}"


def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def check_site(site_dir) -> tuple[list[Broken], dict]:
    """([broken links], {"pages", "links"}) for every HTML file under ``site_dir``."""
    site = Path(site_dir).resolve()
    pages = sorted(site.rglob("*.html"))
    parsed: dict[Path, _Page] = {}

    def get(path: Path) -> _Page:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    broken: list[Broken] = []
    n_links = 0
    for page in pages:
        info = get(page)
        rel_page = page.relative_to(site).as_posix()
        for tag, attr, value in info.links:
            n_links += 1
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                continue  # external: not fetched (see external_requests)
            if value.startswith("/"):
                broken.append(Broken(rel_page, value, "root-absolute link: breaks when the site is not at the domain root"))
                continue
            if parts.path:
                target = (page.parent / unquote(parts.path)).resolve()
                if site != target and site not in target.parents:
                    broken.append(Broken(rel_page, value, "points outside the site"))
                    continue
                if target.is_dir():
                    # opened from a folder (file://), a link to a folder shows a file listing
                    broken.append(Broken(rel_page, value, "a link to a folder: name its index.html "
                                                          "(the site must work opened from a folder)"))
                    continue
                if not target.is_file():
                    broken.append(Broken(rel_page, value, "no such file"))
                    continue
            else:
                target = page
            if parts.fragment:
                if target.suffix != ".html":
                    continue
                if unquote(parts.fragment) not in get(target).ids:
                    broken.append(Broken(rel_page, value, f"no id {parts.fragment!r} in {target.relative_to(site).as_posix()}"))
    return broken, {"pages": len(pages), "links": n_links}


def external_requests(site_dir) -> list[str]:
    """Assets (scripts, styles, images, frames) that would load from another address."""
    site = Path(site_dir)
    out = []
    for page in sorted(site.rglob("*.html")):
        info = _parse(page)
        for tag, attr, value in info.links:
            if tag in ("a", "link-ref") or attr == "refresh":
                continue  # a link is followed only when a reader clicks it
            if urlsplit(value).scheme or value.startswith("//"):
                out.append(f"{page.relative_to(site).as_posix()}: <{tag} {attr}={value}>")
    for css in sorted(site.rglob("*.css")):
        text = css.read_text(encoding="utf-8")
        if "url(http" in text or "@import" in text:
            out.append(f"{css.relative_to(site).as_posix()}: loads a remote resource")
    return out
