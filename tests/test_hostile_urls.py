"""Only http, https and mailto addresses (and the site's own relative links) are
ever rendered as links; `kb check` refuses every other scheme with file:line;
`scrutiny serve` sends the pages' CSP as a header, and the site ships `_headers`."""

from __future__ import annotations

import re
import urllib.request
from html.parser import HTMLParser

import pytest

from helpers_hostile import run_measured
from helpers_kb import line_of, write_project
from helpers_site import make_kb, make_store
from scrutiny.urls import is_safe, scheme

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(2)",
    " \tjava\nscript:alert(3)",
    "\x01javascript:alert(4)",
    "vbscript:msgbox(5)",
    "data:text/html,<script>alert(6)</script>",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_browser_would_see_these_schemes(url):
    assert scheme(url) in ("javascript", "vbscript", "data", "file") and not is_safe(url)


def test_the_allowed_ones():
    assert all(is_safe(u) for u in ("https://example.org/a", "http://x", "mailto:a@example.org",
                                    "../doc/a/", "#p-1", "page.html", "java%09script:alert(1)"))
    assert not is_safe("../doc/a/", relative=False)


def test_kb_check_rejects_other_schemes_with_file_and_line(tmp_path):
    root = write_project(
        tmp_path / "p",
        manifest=lambda t: t.replace('date = "2020-03"', 'date = "2020-03"\nurl = "JavaScript:alert(1)"')
                            .replace('name = "synthetic"', 'name = "synthetic"\nbase_url = "javascript:alert(0)"'),
        stakeholders=lambda t: t.replace("    sector: charity\n",
                                         "    sector: charity\n    url: \"java\\tscript:alert(2)\"\n"
                                         "    description: \"See [the site](vbscript:msgbox(3)).\"\n"),
        sources=lambda t: t.replace('"title": "About Helping Hands"',
                                    '"title": "About Helping Hands",\n    "URL": "data:text/html,x"'),
        claims=lambda t: t.replace("    critique: The rate counts only widgets that were seen at all.",
                                   "    critique: The rate counts only widgets seen at all <javascript:alert(4)>."),
        essay=lambda t: t + "\nA [harmless-looking link](javascript:alert(5)) and a [good one](https://example.org).\n",
    )
    res = run_measured("kb", "check", root=root)
    res.assert_clean()
    assert res.rc == 1
    manifest = (root / "corpus/manifest.toml").read_text().split("\n")
    url_line = manifest.index('url = "JavaScript:alert(1)"') + 1
    base_line = manifest.index('base_url = "javascript:alert(0)"') + 1
    expected = [
        f"corpus/manifest.toml:{url_line}: [documents.widget-review] url the javascript: scheme is not allowed",
        f"corpus/manifest.toml:{base_line}: [project] base_url",
        f"kb/stakeholders.yaml:{line_of('stakeholders', 'sector: charity') + 1}: stakeholder 'helping-hands': `url` "
        "the javascript: scheme is not allowed",
        f"kb/stakeholders.yaml:{line_of('stakeholders', 'sector: charity') + 2}: stakeholder 'helping-hands': "
        "`description` links to 'vbscript:msgbox(3)'",
        "kb/sources.json:",
        f"kb/claims.yaml:{line_of('claims', 'critique:')}: claim 'widget-rate': `critique` links to 'javascript:alert(4)'",
        "kb/critique/widget-essay.md:",
    ]
    for text in expected:
        assert text in res.err, (text, res.err)
    assert "`URL` the data: scheme is not allowed" in res.err
    assert "a link to 'javascript:alert(5)'" in res.err and "example.org" not in res.err


class _Links(HTMLParser):
    """Every address an element could navigate to or load."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite"):
                self.urls.append((tag, name, value))
            elif tag == "meta" and name == "content" and ("http-equiv", "refresh") in attrs:
                m = re.search(r"url=(.*)$", value, re.IGNORECASE)
                if m:
                    self.urls.append((tag, "refresh", m.group(1)))


def test_the_site_never_renders_another_scheme_as_a_link(project):
    """The renderer does not rely on the check: a knowledge base handed to it
    directly, and a manifest that was never checked, carry hostile addresses."""
    from scrutiny.site import build_site

    passages = make_store(project)
    text = project.manifest_path.read_text(encoding="utf-8")
    text = text.replace('url = "https://example.org/alpha.pdf"', 'url = "javascript:alert(\'manifest\')"')
    text = text.replace('url = "https://example.org/beta.pdf"', 'url = " JAVA\\tSCRIPT:alert(1)"')
    text = text.replace('base_url = ""', 'base_url = "javascript:alert(0)"')
    project.manifest_path.write_text(text, encoding="utf-8")
    kb = make_kb(passages)
    kb.stakeholders["northfield"].url = "javascript:alert('stakeholder')"
    kb.stakeholders["taskforce"].url = "https://example.org/taskforce"
    kb.stakeholders["ann-example"].description += " [x](vbscript:msgbox(1)) <javascript:alert(2)> ![i](data:x)"
    kb.sources["census"]["URL"] = "data:text/html,<script>alert('csl')</script>"
    kb.claims[0].critique += " [click](javascript:alert('critique')) [ok](mailto:a@example.org)"
    kb.essays[0].body += "\n[one](JAVASCRIPT:alert(3)) [two](file:///etc/passwd) [fine](https://example.org/essay)\n"
    stats = build_site(project, curated=kb)
    seen, bad = 0, []
    for page in project.site_dir.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, attr, url in parser.urls:
            seen += 1
            if not is_safe(url):
                bad.append((str(page.relative_to(project.site_dir)), tag, attr, url))
    assert seen > 500 and bad == [], bad[:10]
    html = "".join(p.read_text(encoding="utf-8") for p in project.site_dir.rglob("*.html"))
    # the safe ones are still links, the refused ones are gone
    for good in ("https://example.org/taskforce", "mailto:a@example.org", "https://example.org/essay"):
        assert f'href="{good}"' in html, good
    assert any("base_url" in note for note in stats.notes)


def test_serve_sends_the_pages_csp_and_the_site_ships_headers(project):
    import socket
    import subprocess
    import sys
    import time

    from scrutiny.site import build_site
    from scrutiny.site.headers import CSP, HEADERS

    make_store(project)
    build_site(project, curated=make_kb())
    page = (project.site_dir / "index.html").read_text(encoding="utf-8")
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert meta == CSP   # base.html and the header never drift apart
    headers = (project.site_dir / "_headers").read_text(encoding="utf-8")
    assert "/*\n" in headers and f"  Content-Security-Policy: {HEADERS['Content-Security-Policy']}\n" in headers
    assert "frame-ancestors 'none'" in HEADERS["Content-Security-Policy"]

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "scrutiny", "--root", str(project.root), "serve", "--no-build",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/doc/alpha/", timeout=2) as resp:
                    got = dict(resp.headers)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("scrutiny serve did not answer")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert got["Content-Security-Policy"] == HEADERS["Content-Security-Policy"]
    assert got["X-Content-Type-Options"] == "nosniff"
    assert b"Traceback" not in err
