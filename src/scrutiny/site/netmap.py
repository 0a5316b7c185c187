"""The stakeholder network: laid out at build time with networkx, drawn as SVG.

Each connected group of ties is laid out on its own (a seeded spring layout),
then a collision pass pushes apart nodes whose boxes -- the mark and its name
underneath, measured from the name's length -- overlap; the groups are shelved
left to right. Tie labels are placed one by one along their line at the first
spot free of names and of labels already placed. The drawing's ``viewBox`` is
the box around everything drawn, so nothing is clipped. It is shown at its own
size (one unit, one CSS pixel: names and tie labels are 12 px, readable at any
screen width) in a frame that scrolls both ways, with buttons to zoom out to
the width of the page and back; a stakeholder's page draws its own
neighbourhood (:func:`neighbourhood`), small enough for a phone. A name
shortened on the map is shown whole on hover and on keyboard focus.

The layout is deterministic: nodes and edges are added in sorted order, the
spring layout has a fixed seed, every pass runs in sorted order and
coordinates are rounded to one decimal, so two builds give the same bytes. The
SVG itself is written by the ``_netmap.html`` partial (autoescaped like every
template), from the plain data this module returns: every node is a link to
its page, every tie a line with a short label and its full wording in
``<title>``.
"""

from __future__ import annotations

from scrutiny.kb.model import Stakeholder, Tie

import math

WIDTH = 1200          # the width the groups are shelved into (a wider group widens the drawing)
MARGIN = 16
RADIUS = {"person": 9, "organisation": 12, "document": 11, "programme": 10}
SEED = 20160215
NODE_CHAR = 7.4       # average advance of a 12px bold character (names)
EDGE_CHAR = 7.0       # average advance of a 12px character (tie labels)
NAME_BELOW = 13       # baseline of a name below its mark
PAD = 8               # space kept between two boxes
GROUP_GAP = 48
EDGE_LENGTH = 90      # pixels between the names at the two ends of a typical tie
_PREFIXES = ("is a ", "is an ", "is ", "holds a ", "holds an ")


def layout(stakeholders: dict[str, Stakeholder], ties: list[Tie], href, relation_label) -> dict:
    """{x0, y0, width, height, nodes: [...], edges: [...]} for the ties among known
    stakeholders; (x0, y0, width, height) is the SVG's viewBox."""
    import networkx as nx

    ties = [t for t in ties if t.subject in stakeholders and t.object in stakeholders]
    ids = sorted({t.subject for t in ties} | {t.object for t in ties})
    if not ids:
        return {"x0": 0, "y0": 0, "width": WIDTH, "height": 300, "nodes": [], "edges": []}
    g = nx.Graph()
    g.add_nodes_from(ids)
    for t in sorted(ties, key=lambda t: t.id):
        if g.has_edge(t.subject, t.object):
            g[t.subject][t.object]["weight"] += 1
        else:
            g.add_edge(t.subject, t.object, weight=1)

    info = {}
    for node in ids:
        st = stakeholders[node]
        kind = st.kind or "organisation"
        name = st.name or node
        short = _short(name)
        r = RADIUS.get(kind, 10)
        half = max(r, _width(short, NODE_CHAR) / 2)
        # box around the mark and its name, as offsets from the centre: left, top, right, bottom
        info[node] = {"kind": kind, "name": name, "short": short, "r": r,
                      "box": (half, r, half, r + NAME_BELOW + 4)}
    where = _pack(g, {n: i["box"] for n, i in info.items()})

    nodes = []
    for node in ids:
        i = info[node]
        x, y = where[node]
        nodes.append({"id": node, "x": x, "y": y, "r": i["r"], "kind": i["kind"],
                      "label": i["name"], "short": i["short"], "href": href(node),
                      "ly": round(y + i["r"] + NAME_BELOW, 1), "degree": g.degree(node),
                      "box": tuple(round(c, 1) for c in _abs((x, y), i["box"]))})
    obstacles = [_abs(where[n], info[n]["box"]) for n in ids]
    placed: list[tuple] = []
    edges = []
    for t in sorted(ties, key=lambda t: (t.subject, t.object, t.relation, t.id)):
        (x1, y1), (x2, y2) = where[t.subject], where[t.object]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1.0
        r1 = info[t.subject]["r"] + 2
        r2 = info[t.object]["r"] + 6
        ux, uy = dx / dist, dy / dist
        full = relation_label(t.relation)
        short = _short_relation(full)
        lx, ly, box = _place_label(x1, y1, x2, y2, _width(short, EDGE_CHAR), obstacles, placed)
        placed.append(box)
        subject, obj = info[t.subject]["name"], info[t.object]["name"]
        edges.append({
            "id": t.id, "relation": t.relation,
            "subject": t.subject, "object": t.object,
            "subject_label": subject, "object_label": obj,
            "subject_href": href(t.subject), "object_href": href(t.object),
            "x1": round(x1 + ux * r1, 1), "y1": round(y1 + uy * r1, 1),
            "x2": round(x2 - ux * r2, 1), "y2": round(y2 - uy * r2, 1),
            "lx": lx, "ly": ly, "label": full, "short": short, "role": t.role or "",
            "box": tuple(round(c, 1) for c in box),
            "title": f"{subject} {full} {obj}" + (f' ({t.role})' if t.role else ""),
        })
    boxes = obstacles + placed
    x0 = min(b[0] for b in boxes) - MARGIN
    y0 = min(b[1] for b in boxes) - MARGIN
    x1 = max(b[2] for b in boxes) + MARGIN
    y1 = max(b[3] for b in boxes) + MARGIN
    return {"x0": round(x0, 1), "y0": round(y0, 1), "width": round(x1 - x0, 1), "height": round(y1 - y0, 1),
            "nodes": nodes, "edges": edges}


def neighbourhood(sid: str, stakeholders: dict[str, Stakeholder], ties: list[Tie], href, relation_label) -> dict:
    """The map of one stakeholder's ties (it and the stakeholders it is tied to)."""
    mine = [t for t in ties if sid in (t.subject, t.object)]
    return layout(stakeholders, mine, href, relation_label)


def collisions(net: dict) -> dict:
    """{names, labels}: how many pairs of names overlap, and how many tie labels
    overlap a name or another tie label (what the layout tries to keep at 0)."""
    nodes = [n["box"] for n in net["nodes"]]
    labels = [e["box"] for e in net["edges"]]
    names = sum(1 for i, a in enumerate(nodes) for b in nodes[i + 1:] if _overlap(a, b) > 0)
    bad = sum(1 for i, a in enumerate(labels)
              if any(_overlap(a, b) > 0 for b in nodes) or any(_overlap(a, b) > 0 for b in labels[i + 1:]))
    return {"names": names, "labels": bad}


def _width(text: str, per_char: float) -> float:
    return len(text) * per_char


def _short(name: str, limit: int = 30) -> str:
    if len(name) <= limit:
        return name
    return name[:limit].rsplit(" ", 1)[0].rstrip(",:;") + "…"


def _short_relation(label: str) -> str:
    """The label drawn on a line: the relation's wording without a leading
    "is a"/"holds a" ("is a member of" -> "member of"); the whole is in <title>."""
    for p in _PREFIXES:
        if label.startswith(p) and len(label) > len(p):
            return label[len(p):]
    return label


def _abs(xy, box) -> tuple[float, float, float, float]:
    x, y = xy
    left, top, right, bottom = box
    return (x - left, y - top, x + right, y + bottom)


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _place_label(x1, y1, x2, y2, w, obstacles, placed):
    """(x, y, box) of a tie's label: the first spot along the line (middle first)
    whose box meets no name and no label already placed; else the least covered."""
    dx, dy = x2 - x1, y2 - y1
    dist = math.hypot(dx, dy) or 1.0
    nx_, ny_ = -dy / dist, dx / dist
    best = None
    for t in (0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75, 0.18, 0.82):
        for off in (0.0, 8.0, -8.0, 16.0, -16.0, 24.0, -24.0):
            cx = x1 + dx * t + nx_ * off
            cy = y1 + dy * t + ny_ * off
            lx, ly = round(cx, 1), round(cy + 4, 1)
            box = (lx - w / 2 - 2, ly - 11, lx + w / 2 + 2, ly + 3)
            cover = sum(_overlap(box, o) for o in obstacles) + sum(_overlap(box, o) for o in placed)
            if cover == 0:
                return lx, ly, box
            if best is None or cover < best[0]:
                best = (cover, lx, ly, box)
    return best[1], best[2], best[3]


def _separate(pos: dict, boxes: dict, rounds: int = 400) -> dict:
    """Push apart, pair by pair along the shorter way out, nodes whose boxes overlap."""
    ids = sorted(pos)
    pos = {v: list(p) for v, p in pos.items()}
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                ba, bb = _abs(pos[a], boxes[a]), _abs(pos[b], boxes[b])
                ox = min(ba[2], bb[2]) - max(ba[0], bb[0]) + PAD
                oy = min(ba[3], bb[3]) - max(ba[1], bb[1]) + PAD
                if ox <= 0 or oy <= 0:
                    continue
                moved = True
                if ox <= oy:
                    sign = 1.0 if pos[b][0] >= pos[a][0] else -1.0
                    pos[a][0] -= sign * ox / 2
                    pos[b][0] += sign * ox / 2
                else:
                    sign = 1.0 if pos[b][1] >= pos[a][1] else -1.0
                    pos[a][1] -= sign * oy / 2
                    pos[b][1] += sign * oy / 2
        if not moved:
            break
    return {v: (p[0], p[1]) for v, p in pos.items()}


def _pack(g, boxes: dict) -> dict:
    """Lay out each connected group on its own, separate its boxes, then shelve
    the groups left to right.

    A spring layout of the whole graph pushes groups apart and squeezes each
    into a knot; laying them out one by one keeps every group readable.
    """
    import networkx as nx

    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    out: dict = {}
    laid = []
    x0, y0, shelf = 0.0, 0.0, 0.0
    for comp in comps:
        n = len(comp)
        # A subgraph view iterates its nodes in set order (which changes with the
        # hash seed): build the group as a graph of its own, in sorted order.
        sub = nx.Graph()
        sub.add_nodes_from(comp)
        sub.add_weighted_edges_from(sorted((min(u, v), max(u, v), d.get("weight", 1))
                                           for u, v, d in g.subgraph(comp).edges(data=True)))
        if n == 1:
            pos = {comp[0]: (0.0, 0.0)}
        else:
            raw = _initial(sub)
            # scale so that a typical tie is EDGE_LENGTH long, plus the names at its ends
            # (longer names need more room), the page being wider than tall
            lengths = sorted(math.hypot(raw[u][0] - raw[v][0], raw[u][1] - raw[v][1]) or 1e-6
                             for u, v in sub.edges())
            typical = lengths[len(lengths) // 2]
            mean_half = sum(boxes[v][0] for v in comp) / n
            scale = (EDGE_LENGTH + mean_half) / typical
            pos = {v: (p[0] * scale * 1.3, p[1] * scale) for v, p in sorted(raw.items())}
            pos = _separate(pos, boxes)
        ext = [_abs(pos[v], boxes[v]) for v in comp]
        left, top = min(b[0] for b in ext), min(b[1] for b in ext)
        w, h = max(b[2] for b in ext) - left, max(b[3] for b in ext) - top
        laid.append((comp, pos, left, top, w, h))
    # shelve: as wide as the widest group (or WIDTH), left to right, then the next row
    width = max([WIDTH] + [w for *_, w, _h in laid])
    for comp, pos, left, top, w, h in laid:
        if x0 > 0 and x0 + w > width:
            x0, y0, shelf = 0.0, y0 + shelf + GROUP_GAP, 0.0
        for v in comp:
            px, py = pos[v]
            out[v] = (round(x0 + px - left, 1), round(y0 + py - top, 1))
        x0 += w + GROUP_GAP
        shelf = max(shelf, h)
    return out


def _initial(sub) -> dict:
    """Positions before the collision pass: stress majorization (ties of even
    length, so a dense group is not squeezed into a knot while its long arms
    stretch), started from a seeded spring layout. Numpy only: Kamada-Kawai in
    networkx would import scipy.optimize (a third of a second) for the same."""
    import networkx as nx
    import numpy as np

    start = nx.spring_layout(sub, seed=SEED, k=2.2 / math.sqrt(len(sub)), iterations=300)
    nodes = list(sub)
    n = len(nodes)
    if n < 3:
        return start
    index = {v: i for i, v in enumerate(nodes)}
    d = np.zeros((n, n))
    for v, lengths in nx.all_pairs_shortest_path_length(sub):
        for u, k in lengths.items():
            d[index[v], index[u]] = k
    w = np.zeros((n, n))
    off = d > 0
    w[off] = d[off] ** -2.0
    vmat = np.diag(w.sum(axis=1)) - w
    vinv = np.linalg.pinv(vmat)
    x = np.array([start[v] for v in nodes], dtype=float)
    # the spring layout's scale to graph distances
    span = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
    x *= (d[off].mean() / span[off].mean()) if span[off].mean() > 0 else 1.0
    for _ in range(300):
        dist = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
        with np.errstate(divide="ignore", invalid="ignore"):
            b = np.where(dist > 1e-9, -w * d / dist, 0.0)
        np.fill_diagonal(b, 0.0)
        np.fill_diagonal(b, -b.sum(axis=1))
        new = vinv @ (b @ x)
        if np.abs(new - x).max() < 1e-5:
            x = new
            break
        x = new
    return {v: (float(x[i, 0]), float(x[i, 1])) for i, v in enumerate(nodes)}
