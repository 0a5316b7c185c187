"""Pages as the document prints them: the labels the PDF reader decides, and
every place that shows a page (cite, show, search, the site) giving them,
while links into the PDF keep the physical page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from conftest import run_cli
from bench.layout import NUMBERED_LABELS, NUMBERED_SENTENCES, make_numbered_pdf
from scrutiny.pages import decide, label, locator, page_ref, split
from scrutiny.readers import read

PDFTOTEXT = shutil.which("pdftotext")


# -- deciding the labels ------------------------------------------------------------------

def test_pdf_labels_win_and_an_unlabelled_page_is_bracketed():
    assert decide(4, ["", "i", "1", "2"], {3: "7"}) == ["[1]", "i", "1", "2"]
    assert decide(3, ["C-1", "3", "4"]) == ["C-1", "3", "4"]


def test_pdf_labels_that_are_the_physical_numbers_say_nothing():
    # a producer's default 1, 2, 3: the printed numbers decide
    assert decide(5, ["1", "2", "3", "4", "5"], {2: "1", 3: "2", 4: "3"}) == ["[1]", "1", "2", "3", "4"]
    assert decide(3, ["1", "2", "3"]) is None


def test_printed_numbers_count_on_over_unnumbered_pages():
    printed = {2: "i", 3: "ii", 5: "1", 6: "2", 8: "4"}  # 4: a blank page; 7: a chapter opener
    assert decide(9, None, printed) == ["[1]", "i", "ii", "iii", "1", "2", "3", "4", "5"]


def test_printed_numbers_that_do_not_count_one_way_are_not_used():
    assert decide(6, None, {2: "1", 3: "2", 4: "7", 5: "4"}) is None        # one page out of step
    assert decide(6, None, {2: "1", 3: "2"}) is None                          # too few to tell
    assert decide(6, None, {4: "ii", 2: "1", 3: "2", 5: "4"}) is None         # roman after arabic
    assert decide(6, None, {1: "1", 2: "2", 3: "3"}) is None                  # the physical numbers


def test_locators_and_references():
    labels = ["C-1", "C-2", "i", "ii", "1", "2"]
    assert label(labels, 5) == "1" and label(labels, 9) == "9" and label(None, 4) == "4"
    assert label({"page_labels": labels}, 3) == "i"
    assert locator(labels, 5, 6) == "1-2" and locator(labels, 3, 4) == "i-ii"
    assert locator(labels, 1, 2) == "C-1\u2013C-2" and locator(labels, 1) == "C-1"
    assert split("C-1") == ("C-1", None) and split("1-2") == ("1", "2") and split("C-1\u2013C-2") == ("C-1", "C-2")
    assert split("iv-vi") == ("iv", "vi")
    assert page_ref(labels, 5, 6) == "pp. 1\u20132" and page_ref(labels, 5) == "p. 1"
    assert page_ref(labels, 3, 3, words=True) == "page i"


# -- the PDF reader -----------------------------------------------------------------------

@pytest.mark.parametrize("labels,printed", [(False, True), (True, True), (True, False)],
                         ids=["printed-only", "printed-and-labels", "labels-only"])
def test_reader_gives_pages_their_printed_labels(tmp_path, labels, printed):
    path = tmp_path / "numbered.pdf"
    where = make_numbered_pdf(path, labels=labels, printed=printed)
    doc = read(path)
    assert doc.page_labels == NUMBERED_LABELS
    for sentence, page in where.items():
        (block,) = [b for b in doc.blocks if b.text.startswith(sentence)]
        assert block.page == page  # the physical page stays the block's page


def test_reader_without_any_numbers_gives_no_labels(tmp_path):
    path = tmp_path / "plain.pdf"
    make_numbered_pdf(path, labels=False, printed=False)
    assert read(path).page_labels is None


# -- everywhere a page is shown -----------------------------------------------------------

@pytest.fixture(scope="module")
def numbered_project(tmp_path_factory):
    from scrutiny.init import init_project
    from scrutiny.project import Project

    root = tmp_path_factory.mktemp("pages") / "proj"
    init_project(root)
    pdf = root.parent / "annual-review.pdf"
    make_numbered_pdf(pdf)
    result = run_cli("ingest", pdf, "--no-tag", root=root)
    assert result.exit_code == 0, result.output
    from scrutiny.manifest import update_documents

    update_documents(root / "corpus" / "manifest.toml", {"annual-review": {
        "licence": "OGL-UK-3.0", "url": "https://example.org/annual-review.pdf", "publisher": "Widget Council",
        "date": "2031-03"}})
    result = run_cli("ingest", "--no-tag", root=root)
    assert result.exit_code == 0, result.output
    return Project(root)


def _hit(project, words: str) -> dict:
    result = run_cli("search", f'"{words}"', "--json", root=project.root)
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.output)["hits"]
    return hit


def test_search_show_and_cite_give_the_printed_page(numbered_project):
    project = numbered_project
    hit = _hit(project, NUMBERED_SENTENCES[4][:-1])  # on physical page 6, printed 3
    assert (hit["page"], hit["page_label"]) == (6, "3")
    plain = run_cli("search", f'"{NUMBERED_SENTENCES[4][:-1]}"', root=project.root).output
    assert ", p. 3" in plain and "p. 6" not in plain
    shown = run_cli("show", hit["passage_id"], root=project.root).output
    assert "p. 3" in shown.splitlines()[0] and "p. 6" not in shown
    for style, wanted in (("harvard", "p. 3."), ("apa", "(p. 3)"), ("bibtex", "pages = {3}"), ("ris", "SP  - 3")):
        text = run_cli("cite", hit["passage_id"], "--style", style, root=project.root).output
        assert wanted in text, (style, text)
    foreword = _hit(project, NUMBERED_SENTENCES[0][:-1])  # physical page 2, printed i
    text = run_cli("cite", foreword["passage_id"], root=project.root).output
    assert "p. i." in text and foreword["page"] == 2


def test_search_page_filter_takes_the_printed_page(numbered_project):
    result = run_cli("search", "widget OR repairs OR council", "--page", "3", "--json", "-n", "50",
                     root=numbered_project.root)
    hits = json.loads(result.output)["hits"]
    assert hits and {h["page_label"] for h in hits} == {"3"} and {h["page"] for h in hits} == {6}


def test_site_page_markers_permalinks_and_cite_control_give_the_printed_page(numbered_project):
    from scrutiny.site import build_site

    project = numbered_project
    build_site(project)
    hit = _hit(project, NUMBERED_SENTENCES[4][:-1])
    html = (project.site_dir / "doc" / "annual-review" / "index.html").read_text(encoding="utf-8")
    # the marker says the printed page; its anchor and its link into the PDF, the physical one
    assert re.search(r'id="page-6"><span>Page 3</span> <a class="pdf-page" '
                     r'href="https://example.org/annual-review.pdf#page=6"', html)
    assert '<span>Page [1]</span>' in html and '<span>Page ii</span>' in html
    block = html[html.index(f'id="p-{hit["passage_id"]}"'):]
    block = block[:block.index("</div>")]
    assert 'data-loc="3"' in block and "Permanent link to this passage, </span>p. 3</a>" in block
    from helpers_site import script_data

    cite = script_data(project.site_dir / "doc" / "annual-review" / "cite.js")
    assert "p. 3." in cite["locators"]["3"]["harvard"] and "p. i." in cite["locators"]["i"]["harvard"]
    assert "6" not in cite["locators"]
    # the site's own search records show the printed page too
    records = "".join(f.read_text(encoding="utf-8") for f in (project.site_dir / "search").rglob("r/*.js"))
    assert '"pg":"3"' in records.replace(" ", "")


# -- the real PDFs ---------------------------------------------------------------------------

def _foot_numbers(path) -> dict[int, str]:
    """Physical page -> the bare number pdftotext prints as the page's last line."""
    out = {}
    text = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, text=True, check=True).stdout
    for n, page in enumerate(text.split("\f")[:-1], start=1):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        if lines and re.fullmatch(r"\d{1,3}", lines[-1]):
            out[n] = lines[-1]
    return out


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_real_pdfs_pages_carry_the_number_printed_on_them(real_pdfs):
    """Where a document numbers its pages (a number at the foot of most of
    them), each such page's label is that number; a document that does not
    (a few notes' numbers at a page foot) keeps the physical numbers."""
    numbered = 0
    for path in real_pdfs:
        doc = read(path)
        foot = _foot_numbers(path)
        if len(foot) >= 0.5 * doc.pages:
            numbered += 1
            assert doc.page_labels is not None, path.name
            wrong = {n: (v, doc.page_labels[n - 1]) for n, v in foot.items() if doc.page_labels[n - 1] != v}
            assert not wrong, f"{path.name}: pages whose label is not the number printed on them: {wrong}"
        else:
            assert doc.page_labels is None, f"{path.name}: {doc.page_labels}"
    assert numbered >= 2  # the Covid-19 and the Space Economy responses


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_real_pdf_citation_gives_the_printed_page(real_pdfs, tmp_path):
    """End to end on the Covid-19 Inquiry response: a sentence pdftotext
    finds on physical page 10 (printed 9) is cited as p. 9."""
    path = next((p for p in real_pdfs if p.name.startswith("covid-inquiry")), None)
    if path is None:
        pytest.skip("the Covid-19 Inquiry response is not among the real PDFs")
    from scrutiny.init import init_project

    root = tmp_path / "proj"
    init_project(root)
    result = run_cli("ingest", path, "--no-tag", root=root)
    assert result.exit_code == 0, result.output
    page = subprocess.run([PDFTOTEXT, "-f", "10", "-l", "10", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert page.split()[-1] == "9"  # what the page prints at its foot
    words = max((ln for ln in page.splitlines() if len(ln.split()) >= 8), key=len).split()[:6]
    result = run_cli("search", '"' + " ".join(w.strip(",.;:") for w in words) + '"', "--json", root=root)
    hit = json.loads(result.output)["hits"][0]
    assert (hit["page"], hit["page_label"]) == (10, "9")
    assert "p. 9." in run_cli("cite", hit["passage_id"], root=root).output
