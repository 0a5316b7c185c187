"""The theme ships inside the package; a project's own site_templates/ overrides
any template, partial or static file of it, file by file."""

from __future__ import annotations

from pathlib import Path

import scrutiny
from scrutiny.site import build_site
from scrutiny.site.render import THEME_DIR, template_dirs

REPO = Path(__file__).resolve().parents[1]


def test_theme_lives_inside_the_package():
    package = Path(scrutiny.__file__).resolve().parent
    assert THEME_DIR.resolve().is_relative_to(package)
    for name in ("base.html", "document.html", "_footer.html", "static/site.css", "static/search.js"):
        assert (THEME_DIR / name).is_file(), name
    # the repository root is a project like any other: no theme of its own there
    assert not (REPO / "site_templates").exists()


def test_a_fresh_project_overrides_nothing(project):
    own = project.root / "site_templates"
    assert sorted(p.relative_to(own).as_posix() for p in own.rglob("*")) == ["README.md", "static"]
    assert template_dirs(project) == [own, THEME_DIR]
    build_site(project)
    assert (project.site_dir / "static/site.css").read_bytes() == (THEME_DIR / "static/site.css").read_bytes()
    assert not (project.site_dir / "static/README.md").exists()
    assert "Built with scrutiny" in (project.site_dir / "index.html").read_text(encoding="utf-8")


def test_project_overrides_a_partial_a_page_and_a_static_file(project):
    own = project.root / "site_templates"
    (own / "_footer.html").write_text('<footer class="site-footer">Campaign footer 7f3a</footer>\n', encoding="utf-8")
    (own / "method.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Our own method page 7f3a</h1>{% endblock %}\n',
        encoding="utf-8")
    (own / "static" / "site.css").write_text("body { color: rebeccapurple; }\n", encoding="utf-8")
    (own / "static" / "campaign.css").write_text(".logo { width: 4rem; }\n", encoding="utf-8")

    assert template_dirs(project) == [own, THEME_DIR]
    stats = build_site(project)
    site = project.site_dir
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Campaign footer 7f3a" in home                      # the partial, on every page
    assert "Built with scrutiny" not in home
    assert "Our own method page 7f3a" in (site / "method/index.html").read_text(encoding="utf-8")
    assert (site / "static/site.css").read_text(encoding="utf-8") == "body { color: rebeccapurple; }\n"
    assert (site / "static/campaign.css").is_file()            # a file the theme does not have
    # everything not overridden comes from the theme, byte for byte
    assert (site / "static/print.css").read_bytes() == (THEME_DIR / "static/print.css").read_bytes()
    assert "<nav" in (site / "documents/index.html").read_text(encoding="utf-8")

    # removing an override brings the theme's file back
    (own / "static" / "site.css").unlink()
    build_site(project)
    assert (site / "static/site.css").read_bytes() == (THEME_DIR / "static/site.css").read_bytes()
    assert stats.pages > 5


def test_every_page_names_an_icon_the_site_publishes(project):
    """Without an icon of its own every page served over HTTP makes the browser ask
    for /favicon.ico, a 404 in the publisher's logs on every visit."""
    import re
    from urllib.parse import urljoin

    build_site(project)
    site = project.site_dir
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue   # a redirect stub, not a page anyone stays on
        icons = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
        assert len(icons) == 1, page
        target = urljoin(page.relative_to(site).as_posix(), icons[0])
        assert (site / target).is_file(), (page, icons[0])
    assert (site / "static/favicon.svg").read_bytes() == (THEME_DIR / "static/favicon.svg").read_bytes()
