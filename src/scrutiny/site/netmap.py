"""The stakeholder network: laid out at build time with networkx, drawn as SVG.

The layout is deterministic: nodes and edges are added in sorted order, the
spring layout has a fixed seed, and coordinates are rounded to one decimal, so
two builds give the same bytes. The SVG itself is written by the
``_netmap.html`` partial (autoescaped like every template), from the plain
data this module returns: every node is a link to its page, every tie a line
labelled with its relation.
"""

from __future__ import annotations

import math

WIDTH = 1200
HEIGHT = 900
MARGIN = 90
RADIUS = {"person": 9, "organisation": 12, "document": 11, "programme": 10}
SEED = 20160215
CELL = 235  # pixels per square root of a component's node count


def layout(stakeholders: dict[str, dict], ties: list[dict], href, relation_label) -> dict:
    """{width, height, nodes: [...], edges: [...]} for the ties among known stakeholders."""
    import networkx as nx

    ties = [t for t in ties if t.get("subject") in stakeholders and t.get("object") in stakeholders]
    ids = sorted({t["subject"] for t in ties} | {t["object"] for t in ties})
    if not ids:
        return {"width": WIDTH, "height": HEIGHT, "nodes": [], "edges": []}
    g = nx.Graph()
    g.add_nodes_from(ids)
    for t in sorted(ties, key=lambda t: t["id"]):
        if g.has_edge(t["subject"], t["object"]):
            g[t["subject"]][t["object"]]["weight"] += 1
        else:
            g.add_edge(t["subject"], t["object"], weight=1)
    where_xy = _pack(g)
    height = max(int(max((y for _, y in where_xy.values()), default=0) + MARGIN), 300)

    def place(node):
        return where_xy[node]

    nodes = []
    where = {}
    for node in ids:
        st = stakeholders[node]
        x, y = place(node)
        where[node] = (x, y)
        kind = st.get("kind") or "organisation"
        name = st.get("name") or node
        nodes.append({"id": node, "x": x, "y": y, "r": RADIUS.get(kind, 10), "kind": kind,
                      "label": name, "short": _short(name), "href": href(node),
                      "degree": g.degree(node)})
    edges = []
    pair_count: dict[tuple, int] = {}
    for t in sorted(ties, key=lambda t: (t["subject"], t["object"], t["relation"], t["id"])):
        (x1, y1), (x2, y2) = where[t["subject"]], where[t["object"]]
        pair = tuple(sorted((t["subject"], t["object"])))
        n = pair_count.get(pair, 0)
        pair_count[pair] = n + 1
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1.0
        r1 = RADIUS.get(stakeholders[t["subject"]].get("kind"), 10) + 2
        r2 = RADIUS.get(stakeholders[t["object"]].get("kind"), 10) + 6
        ux, uy = dx / dist, dy / dist
        # several ties between one pair: their labels stack along the normal
        off = 11 * n
        edges.append({
            "id": t["id"], "relation": t["relation"],
            "subject": t["subject"], "object": t["object"],
            "subject_label": stakeholders[t["subject"]].get("name") or t["subject"],
            "object_label": stakeholders[t["object"]].get("name") or t["object"],
            "subject_href": href(t["subject"]), "object_href": href(t["object"]),
            "x1": round(x1 + ux * r1, 1), "y1": round(y1 + uy * r1, 1),
            "x2": round(x2 - ux * r2, 1), "y2": round(y2 - uy * r2, 1),
            "lx": round((x1 + x2) / 2 - uy * off, 1), "ly": round((y1 + y2) / 2 + ux * off - 3, 1),
            "label": relation_label(t["relation"]), "role": t.get("role") or "",
            "title": f'{stakeholders[t["subject"]].get("name")} {relation_label(t["relation"])} '
                     f'{stakeholders[t["object"]].get("name")}' + (f' ({t["role"]})' if t.get("role") else ""),
        })
    return {"width": WIDTH, "height": height, "nodes": nodes, "edges": edges}


def _short(name: str, limit: int = 30) -> str:
    if len(name) <= limit:
        return name
    return name[:limit].rsplit(" ", 1)[0].rstrip(",:;") + "…"


def _pack(g) -> dict:
    """Lay out each connected component on its own, then shelve them left to right.

    A spring layout of the whole graph pushes components apart and squeezes each
    into a knot; laying them out one by one keeps every component readable.
    """
    import networkx as nx

    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    out: dict = {}
    x0, y0, shelf = 0.0, 0.0, 0.0
    usable = WIDTH - 2 * MARGIN
    for comp in comps:
        n = len(comp)
        side = min(usable, CELL * math.sqrt(n)) if n > 1 else CELL * 0.6
        if x0 > 0 and x0 + side > usable:
            x0, y0, shelf = 0.0, y0 + shelf + 40, 0.0
        # A subgraph view iterates its nodes in set order (which changes with the
        # hash seed): build the component as a graph of its own, in sorted order.
        sub = nx.Graph()
        sub.add_nodes_from(comp)
        sub.add_weighted_edges_from(sorted((min(u, v), max(u, v), d.get("weight", 1))
                                           for u, v, d in g.subgraph(comp).edges(data=True)))
        if n == 1:
            pos = {comp[0]: (0.5, 0.5)}
        else:
            raw = nx.spring_layout(sub, seed=SEED, k=2.2 / math.sqrt(n), iterations=300)
            xs = [p[0] for p in raw.values()]
            ys = [p[1] for p in raw.values()]
            sx, sy = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
            pos = {v: ((p[0] - min(xs)) / sx, (p[1] - min(ys)) / sy) for v, p in raw.items()}
        for v in comp:
            px, py = pos[v]
            out[v] = (round(MARGIN + x0 + px * side, 1), round(MARGIN + y0 + py * side * 0.8, 1))
        x0 += side + 60
        shelf = max(shelf, side * 0.8)
    return out
