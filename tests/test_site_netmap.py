"""The network map's layout: names and tie labels do not overlap, the drawing's
viewBox holds everything drawn, the SVG scales to the page, tie labels are
short with their full wording in <title>, and the layout is deterministic."""

from __future__ import annotations

import re

from scrutiny.kb.model import Stakeholder, Tie
from scrutiny.site.netmap import _overlap, collisions, layout

LABELS = {"position": "holds a position in", "member_of": "is a member of", "authored": "authored",
          "commissioned": "commissioned", "part_of": "is part of", "provides": "provides"}


def dense():
    """A dense synthetic group with long names (like a department, its agencies and
    programmes), plus a panel with spokes and a few small separate groups."""
    names = ["Department for Examples and Illustrations", "Office of Synthetic Statistics",
             "Sample Agency Plus", "Ministry of Imaginary Affairs", "Pilot Programme for Placeholders",
             "The Future of Example Work", "The Example Work Green Paper", "Fictional Welfare Programme",
             "Made-up Health Service", "Invented Employment Scheme", "Hypothetical Taskforce",
             "Review Panel of Examples"]
    st = {f"n{i}": Stakeholder(f"n{i}", n, "document" if "Paper" in n or "Future" in n else
                               "programme" if "Programme" in n or "Scheme" in n else "organisation")
          for i, n in enumerate(names)}
    pairs = [(0, 1, "commissioned"), (0, 4, "commissioned"), (0, 5, "authored"), (0, 6, "authored"),
             (1, 5, "authored"), (1, 6, "authored"), (2, 4, "provides"), (2, 7, "part_of"), (3, 7, "commissioned"),
             (4, 7, "part_of"), (8, 9, "provides"), (9, 7, "part_of"), (3, 5, "authored"), (10, 0, "member_of"),
             (10, 1, "member_of"), (2, 0, "part_of"), (3, 4, "commissioned")]
    for i in range(6):
        st[f"p{i}"] = Stakeholder(f"p{i}", f"Panel member organisation {i}", "organisation")
        pairs.append((f"p{i}", 11, "member_of"))
    for i in range(4):
        st[f"s{i}a"] = Stakeholder(f"s{i}a", f"Small group {i} lead", "person")
        st[f"s{i}b"] = Stakeholder(f"s{i}b", f"Small group {i} report with a long title", "document")
        pairs.append((f"s{i}a", f"s{i}b", "authored"))
    ties = []
    for k, (a, b, rel) in enumerate(pairs):
        a = a if isinstance(a, str) else f"n{a}"
        b = b if isinstance(b, str) else f"n{b}"
        ties.append(Tie(id=f"t{k:02d}", subject=a, object=b, relation=rel))
    ties.append(Tie(id="t99", subject="n0", object="n1", relation="position", role="adviser"))
    return st, ties


def net():
    st, ties = dense()
    return layout(st, ties, lambda s: f"../stakeholders/{s}/", lambda r: LABELS.get(r, r))


def test_names_and_tie_labels_do_not_overlap():
    n = net()
    assert len(n["nodes"]) == 12 + 6 + 8 and len(n["edges"]) == 28
    assert collisions(n) == {"names": 0, "labels": 0}


def test_the_view_box_holds_everything_drawn():
    n = net()
    x0, y0, x1, y1 = n["x0"], n["y0"], n["x0"] + n["width"], n["y0"] + n["height"]
    for b in [m["box"] for m in n["nodes"]] + [e["box"] for e in n["edges"]]:
        assert x0 <= b[0] and b[2] <= x1 and y0 <= b[1] and b[3] <= y1


def test_short_tie_labels_keep_their_full_wording_for_the_title():
    n = net()
    e = next(e for e in n["edges"] if e["relation"] == "position")
    assert e["short"] == "position in" and e["label"] == "holds a position in"
    assert e["title"].endswith("holds a position in Office of Synthetic Statistics (adviser)")
    assert next(e for e in n["edges"] if e["relation"] == "authored")["short"] == "authored"


def test_layout_is_deterministic():
    assert net() == net()


def test_svg_at_its_own_size_with_full_wording_in_titles_and_whole_names():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from scrutiny.site.render import THEME_DIR

    env = Environment(loader=FileSystemLoader(str(THEME_DIR)), autoescape=select_autoescape())
    svg = env.get_template("_netmap.html").render(net=net())
    head = svg.split(">", 1)[0]
    w, h = re.search(r'viewBox="-?[\d.]+ -?[\d.]+ ([\d.]+) ([\d.]+)"', head).groups()
    assert f'width="{w}" height="{h}"' in head      # one unit, one CSS pixel: 12 px text
    # a shortened name is there whole too, shown on hover and focus (site.css)
    assert ('class="short">Department for Examples and…</text><text x=' in svg
            and 'class="full">Department for Examples and Illustrations</text>' in svg)
    assert "<title>Department for Examples and Illustrations holds a position in Office of Synthetic Statistics (adviser)</title>position in</text>" in svg


def test_overlap_helper():
    assert _overlap((0, 0, 10, 10), (5, 5, 15, 15)) == 25
    assert _overlap((0, 0, 10, 10), (10, 0, 20, 10)) == 0
