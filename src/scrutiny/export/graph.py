"""The stakeholder graph as a networkx MultiDiGraph (GraphML for Gephi).

Nodes: the knowledge base's stakeholders and the corpus documents (kind
``document``). Edges: curated ties (relation, role, dates), and "named_in"
edges from a stakeholder to each document it is named in, weighted by the
number of mentions. GraphML has no null, so missing values are empty strings.
"""

from __future__ import annotations


def stakeholder_graph(data):
    import networkx as nx

    g = nx.MultiDiGraph(name="scrutiny stakeholders")
    kb = data.kb
    for st in (kb.stakeholders.values() if kb else []):
        g.add_node(st.id, label=st.name, kind=st.kind, sector=st.sector or "",
                   aliases="; ".join(st.aliases), doc_id=st.doc_id or "")
    for d in data.documents:
        node = _doc_node(kb, d["id"])
        if node not in g:
            g.add_node(node, label=d.get("short_title") or d["title"], kind="document", sector="",
                       aliases="", doc_id=d["id"])
        else:
            g.nodes[node]["doc_id"] = d["id"]
    for tie in (kb.ties if kb else []):
        for end in (tie.subject, tie.object):
            if end not in g:
                g.add_node(end, label=end, kind="", sector="", aliases="", doc_id="")
        g.add_edge(tie.subject, tie.object, key=tie.id, relation=tie.relation, role=tie.role or "",
                   start=tie.start or "", end=tie.end or "", status="curated",
                   sources=len(tie.sources), passages=len(tie.passages), weight=1)
    for row in data.stakeholder_docs:
        sid, node = row.stakeholder_id, _doc_node(kb, row.doc_id)
        if sid not in g or node not in g or sid == node:
            continue
        g.add_edge(sid, node, key=f"named_in:{sid}:{row.doc_id}", relation="named_in", role="",
                   start="", end="", status="derived", sources=0, passages=row.passages,
                   weight=row.mentions)
    return g


def _doc_node(kb, doc_id: str) -> str:
    """A document that is also a stakeholder (kind document, doc: <id>) is one node."""
    for st in (kb.stakeholders.values() if kb else []):
        if st.doc_id == doc_id:
            return st.id
    return f"doc:{doc_id}"


def write_graphml(data, path) -> None:
    import networkx as nx

    nx.write_graphml(stakeholder_graph(data), str(path), encoding="utf-8", prettyprint=True)
