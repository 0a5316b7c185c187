"""The shape of the code: each stage owns its tables, and imports flow one way.

1. Only the module that creates a table runs SQL on it (or, for a stage that is
   a package, the modules of that package): the SQL in every module's string
   literals is scanned for table names after FROM, JOIN, INTO, UPDATE and
   TABLE, and each table is mapped to the package or module holding its
   CREATE TABLE. Everyone else uses the owner's read API (docs/architecture.md).
2. The import graph between the package's parts has no cycle and no backward
   arrow: a part imports only parts of its own layer or of earlier ones.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import scrutiny

SRC = Path(scrutiny.__file__).parent
CREATE = re.compile(r"\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_]\w*)")
NAMED = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+([A-Za-z_]\w*)")

# Earliest first. A part may import its own layer and earlier ones, never a later one.
LAYERS = [
    ["scrutiny", "scrutiny.errors", "scrutiny.atomic", "scrutiny.refs", "scrutiny.schema", "scrutiny.names",
     "scrutiny.urls", "scrutiny.safeyaml", "scrutiny.pages", "scrutiny.fingerprint", "scrutiny.paths", "scrutiny.manifest",
     "scrutiny.project", "scrutiny.init", "scrutiny.metadata", "scrutiny.collector"],
    ["scrutiny.readers", "scrutiny.titles"],    # a read document, and its title from its own text
    ["scrutiny.passages"],
    ["scrutiny.db", "scrutiny.store", "scrutiny.lock"],   # the lock also holds a shared database
    ["scrutiny.stamps"],                    # source files' stamps and hashes, kept in the store
    ["scrutiny.anchor", "scrutiny.versions", "scrutiny.fetch", "scrutiny.whoosh_import", "scrutiny.query",
     "scrutiny.best_postings", "scrutiny.index",
     "scrutiny.pgsearch", "scrutiny.search", "scrutiny.search_eval",
     "scrutiny.find"],
    ["scrutiny.kb"],                        # curated input: the plain view later stages read
    ["scrutiny.nlp"],                       # spaCy components
    ["scrutiny.cluster"],                   # reading and tagging tasks on a Dask cluster
    ["scrutiny.tags"],                      # the tagging stage
    ["scrutiny.ingest"],                    # reads, stores, re-anchors, tags and indexes
    ["scrutiny.xref"],                      # the cross-reference stage
    ["scrutiny.cite", "scrutiny.verify"],
    ["scrutiny.site", "scrutiny.export"],
    ["scrutiny.evaluation"],
    ["scrutiny.pipeline"],
    ["scrutiny.watch"],                     # builds again on every change, the model kept loaded
    ["scrutiny.cli", "scrutiny.docs", "scrutiny.__main__"],
]


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path, ast.parse(path.read_text(encoding="utf-8"))


def _docstrings(tree) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                ids.add(id(first.value))
    return ids


def _strings(tree) -> list[str]:
    """Every string literal but docstrings (the constant parts of f-strings, joined)."""
    skip = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            out.append(" ".join(v.value for v in node.values if isinstance(v, ast.Constant)))
            for v in node.values:
                skip.add(id(v))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            out.append(node.value)
    return out


def _stage(module: str) -> str:
    """The part of the code a module belongs to: its package, or itself at the top level."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else module


def test_every_table_is_created_by_one_stage():
    created: dict[str, set[str]] = defaultdict(set)
    for module, _, tree in _modules():
        for text in _strings(tree):
            for table in CREATE.findall(text):
                created[table].add(_stage(module))
    assert {"documents", "passages", "passage_redirects", "nlp_mentions", "xref_links"} <= set(created)
    assert {t: s for t, s in created.items() if len(s) > 1} == {}


def test_no_module_runs_sql_on_another_stages_table():
    owner: dict[str, str] = {}
    sql_by_module: dict[str, list[str]] = {}
    for module, _, tree in _modules():
        strings = _strings(tree)
        sql_by_module[module] = strings
        for text in strings:
            for table in CREATE.findall(text):
                owner[table] = _stage(module)
    trespass = []
    for module, strings in sql_by_module.items():
        for text in strings:
            for table in NAMED.findall(text):
                if table in owner and owner[table] != _stage(module):
                    trespass.append(f"{module} names {table} (owned by {owner[table]}): {text.strip()[:80]!r}")
    assert trespass == [], "use the owner's read API instead:\n" + "\n".join(sorted(set(trespass)))


def test_the_scan_sees_sql_that_trespasses():
    """The check above can fail: SQL naming another stage's table is found, in a
    plain string and in an f-string."""
    tree = ast.parse('def f(db, doc):\n'
                     '    """Reads passages FROM passages (a docstring: not SQL)."""\n'
                     '    db.execute("SELECT m.text FROM nlp_mentions m JOIN passages p ON p.id = m.passage_id")\n'
                     '    db.execute(f"UPDATE xref_links SET score = 0 WHERE source_doc = {doc!r}")\n')
    found = {t for s in _strings(tree) for t in NAMED.findall(s)}
    assert found == {"nlp_mentions", "passages", "xref_links"}


def _imports(module: str, path: Path, tree) -> set[str]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "scrutiny"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[:len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] == "scrutiny":
                out.add(name)
    return out


def _part(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_imports_flow_one_way():
    layer_of = {part: i for i, parts in enumerate(LAYERS) for part in parts}
    unknown, backward = set(), []
    for module, path, tree in _modules():
        here = _part(module)
        if here not in layer_of:
            unknown.add(here)
            continue
        for name in _imports(module, path, tree):
            there = _part(name)
            if there not in layer_of:
                unknown.add(there)
            elif layer_of[there] > layer_of[here]:
                backward.append(f"{module} imports {name} (a later layer)")
    assert not unknown, f"place these in LAYERS (tests/test_architecture.py): {sorted(unknown)}"
    assert backward == [], "\n".join(sorted(backward))


def _module_graph() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (a package's import counts as its ``__init__``)."""
    modules = {module: (path, tree) for module, path, tree in _modules()}
    graph = {}
    for module, (path, tree) in modules.items():
        targets = set()
        for name in _imports(module, path, tree):
            while name and name not in modules:  # `from scrutiny.x import y` names a symbol of x
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles_between_modules():
    """Within a layer too: two modules importing each other (even lazily, inside
    a function) are one concern split in two, or a missing lower module."""
    # A package importing its own submodules (its public face) is not a cycle.
    graph = {m: {t for t in ts if not (m.startswith(t + ".") )} for m, ts in _module_graph().items()}
    assert _cycles(graph) == []


def test_the_cycle_check_can_fail():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
