"""The stakeholder graph as a networkx MultiDiGraph (GraphML for Gephi, igraph, yEd).

Nodes: the knowledge base's stakeholders, those the tagger found, and the
corpus documents (kind ``document``); their ids are the stakeholder ids and
``doc:<id>``, the same in every export. Edges: curated ties (relation, role,
dates, their sources as text and the passages that evidence them), and
``named_in`` edges from a stakeholder to each document naming it, weighted by
the number of mentions; each edge's id is the tie id (or
``named_in:<stakeholder>:<document>``), its ``label`` what Gephi shows
("chair of", "named in"), and ``relation`` its type.

GraphML keys are named after what they hold (``node_label``,
``edge_relation``..., never ``d0``, ``d1``, which older Gephi reads as
labels; a node's and an edge's ``label`` need two ids) and typed: every node
or edge gives each attribute a value of the same type (GraphML has no null: a
missing value is an empty string, a missing number 0). Each edge also carries
its id as ``edge_key``, for readers (igraph) that do not keep GraphML's edge
ids.
"""

from __future__ import annotations


def stakeholder_graph(data, base_url: str = ""):
    import networkx as nx

    from scrutiny.cite.csl import permalink
    from scrutiny.schema import vocabulary

    relations = vocabulary().relations
    g = nx.MultiDiGraph(name="scrutiny stakeholders")
    kb = data.kb
    sources = kb.sources if kb else {}

    def node(nid, label, kind, sector="", aliases=(), doc_id="", origin="curated", mentions=0):
        g.add_node(nid, label=label or nid, kind=kind or "", sector=sector or "", aliases="; ".join(aliases),
                   doc_id=doc_id or "", origin=origin, mentions=int(mentions or 0))

    for st in (kb.stakeholders.values() if kb else []):
        node(st.id, st.name, st.kind, st.sector, st.aliases, st.doc_id)
    for st in data.extracted_stakeholders:
        if st.id not in g:
            node(st.id, st.name, st.kind, aliases=st.aliases, origin="extracted", mentions=st.mentions)
    for d in data.documents:
        nid = _doc_node(kb, d["id"])
        if nid not in g:
            node(nid, d.get("short_title") or d["title"], "document", doc_id=d["id"])
        else:
            g.nodes[nid]["doc_id"] = d["id"]
    for tie in (kb.ties if kb else []):
        for end in (tie.subject, tie.object):
            if end not in g:
                node(end, end, "", origin="referenced")
        rel = relations.get(tie.relation) or {}
        label = rel.get("label", tie.relation.replace("_", " "))
        g.add_edge(tie.subject, tie.object, key=tie.id, edge_key=tie.id, label=label + (f" ({tie.role})" if tie.role else ""),
                   relation=tie.relation, role=tie.role or "", start=str(tie.start or ""), end=str(tie.end or ""),
                   status="curated", sources="; ".join(_source_text(sources, r) for r in tie.sources),
                   passages=" ".join(permalink(p, base_url) for p in tie.passages), weight=1.0)
    titles = {d["id"]: d.get("title") or d["id"] for d in data.documents}
    for row in data.stakeholder_docs:
        sid, nid = row.stakeholder_id, _doc_node(kb, row.doc_id)
        if sid not in g or nid not in g or sid == nid:
            continue
        g.add_edge(sid, nid, key=f"named_in:{sid}:{row.doc_id}", edge_key=f"named_in:{sid}:{row.doc_id}",
                   label="named in", relation="named_in", role="",
                   start="", end="", status="derived",
                   sources=f"{titles.get(row.doc_id, row.doc_id)}: {row.mentions} mentions in {row.passages} passages",
                   passages="", weight=float(row.mentions))
    return g


def _source_text(sources: dict, ref) -> str:
    """A tie's source as text: its title (or id), locator and address."""
    item = sources.get(ref.source) or {}
    text = item.get("title") or ref.source
    if ref.locator:
        text += f", {ref.locator}"
    if item.get("URL"):
        text += f" <{item['URL']}>"
    return text


def _doc_node(kb, doc_id: str) -> str:
    """A document that is also a stakeholder (kind document, doc: <id>) is one node."""
    for st in (kb.stakeholders.values() if kb else []):
        if st.doc_id == doc_id:
            return st.id
    return f"doc:{doc_id}"


def graphml(g) -> str:
    """The graph as GraphML text with named, typed keys (see the module's notes)."""
    import networkx as nx
    from lxml import etree

    text = "\n".join(nx.generate_graphml(g, encoding="utf-8", prettyprint=True))
    root = etree.fromstring(text.encode("utf-8"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    names = {}
    for key in root.findall("g:key", ns):
        new = f"{key.get('for')}_{key.get('attr.name')}"
        names[key.get("id")] = new
        key.set("id", new)
    for data in root.iter("{http://graphml.graphdrawing.org/xmlns}data"):
        data.set("key", names[data.get("key")])
    return etree.tostring(root, encoding="unicode", pretty_print=True)
