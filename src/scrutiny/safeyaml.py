"""YAML (and text files) from a shared corpus, read within bounds.

Every YAML scrutiny reads from a project (the ``kb/`` files, Markdown front
matter, the review decisions) goes through :func:`load`, which refuses, as one
:class:`InputLimitError` naming the line:

* a document nested deeper than :data:`MAX_DEPTH` levels;
* anchors and aliases that expand the document by more than
  :data:`ALIAS_BUDGET` values beyond those written out (a "billion laughs"
  bomb: ten lines that expand to billions of values once anything walks them),
  or an alias inside the value it names (a structure that contains itself).

The expansion is measured on ruamel's node graph, where an alias is a shared
node, so a bomb costs no more to measure than to parse. ruamel's C loader
would skip the check, so the pure-Python loader is always used.

:func:`read_text` reads a text file of at most ``max_bytes`` as UTF-8 and
names the byte offset (and line) of the first byte that is not UTF-8.
"""

from __future__ import annotations

from pathlib import Path

from scrutiny.errors import ScrutinyError

MAX_DEPTH = 64             # nesting levels, counted after aliases are expanded
ALIAS_BUDGET = 100_000     # values aliases may add beyond the ones written out
KB_FILE_BYTES = 4 * 1024 * 1024      # a kb/ file (today's largest is 34 KB)
FRONT_MATTER_BYTES = 64 * 1024       # the YAML block at the top of a Markdown file


class InputLimitError(ScrutinyError):
    """A file over one of the bounds above, or not UTF-8 text.

    ``line`` is the 1-based line of the offending value (None when the whole
    file is at fault); ``reason`` says what is wrong and what to do, without
    the file name (callers put ``file:line`` in front)."""

    def __init__(self, reason: str, line: int | None = None):
        self.reason = reason
        self.line = line
        super().__init__(f"line {line}: {reason}" if line else reason)


def read_text(path, max_bytes: int = KB_FILE_BYTES) -> str:
    """The file's text, refusing one over ``max_bytes`` or not in UTF-8
    (:class:`InputLimitError`; OSError passes through)."""
    path = Path(path)
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputLimitError(f"the file is over the {_size(max_bytes)} cap for this kind of file "
                              "(split it, or check that it is the file you meant)")
    return decode_utf8(data)


def decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputLimitError(f"is not UTF-8 text: byte 0x{data[exc.start]:02x} at byte offset {exc.start} "
                              "(save the file as UTF-8)", line) from None


def load(text: str, typ: str = "safe", constructor=None, max_bytes: int | None = None):
    """Parse one YAML document within the bounds. ``typ`` is ruamel's ("safe"
    or "rt"); ``constructor`` replaces ruamel's constructor class. Syntax
    errors are ruamel's own ``YAMLError``; bounds are :class:`InputLimitError`."""
    if max_bytes is not None and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise InputLimitError(f"the YAML is over the {_size(max_bytes)} cap (is it the text you meant?)")
    from ruamel.yaml.composer import MaxDepthExceededError

    yaml = _yaml(typ)
    if constructor is not None:
        yaml.Constructor = constructor
    try:
        return yaml.load(text)
    except MaxDepthExceededError as exc:
        mark = exc.problem_mark
        raise InputLimitError(f"this value nests more than {MAX_DEPTH} levels deep; flatten it",
                              mark.line + 1 if mark is not None else None) from None


def _yaml(typ: str):
    from ruamel.yaml import YAML

    yaml = YAML(typ=typ, pure=True)
    yaml.Composer = _bounded_composer()
    yaml.max_depth = MAX_DEPTH
    return yaml


_COMPOSER = None


def _bounded_composer():
    global _COMPOSER
    if _COMPOSER is None:
        from ruamel.yaml.composer import Composer

        class BoundedComposer(Composer):
            def compose_document(self):
                node = super().compose_document()
                if node is not None:
                    check_expansion(node)
                return node

        _COMPOSER = BoundedComposer
    return _COMPOSER


def _children(node) -> list:
    value = node.value
    if not isinstance(value, list):
        return []  # a scalar
    out = []
    for item in value:
        if isinstance(item, tuple):  # a mapping's (key, value)
            out.extend(item)
        else:
            out.append(item)
    return out


def check_expansion(root, budget: int = ALIAS_BUDGET, max_depth: int = MAX_DEPTH) -> None:
    """Refuse a node graph whose expansion (every alias written out) holds more
    than ``budget`` values beyond its distinct nodes, nests deeper than
    ``max_depth``, or contains itself. Iterative: a chain of aliases cannot
    exhaust Python's stack."""
    cap = 1 << 62                    # sizes saturate here: a bomb's are astronomical
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    nodes: dict[int, object] = {}
    visiting: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            kids = _children(node)
            size[key] = min(cap, 1 + sum(size[id(c)] for c in kids))
            depth[key] = 1 + max((depth[id(c)] for c in kids), default=0)
            visiting.discard(key)
            if depth[key] > max_depth:
                raise InputLimitError(
                    f"this value nests more than {max_depth} levels deep once its aliases (*name) are "
                    "written out; flatten it", _line(node))
            continue
        if key in size:
            continue
        if key in visiting:
            raise InputLimitError(
                "an alias (*name) inside the value it names makes a structure that contains itself; "
                "write the value out instead", _line(node))
        visiting.add(key)
        nodes[key] = node
        stack.append((node, True))
        for child in _children(node):
            ck = id(child)
            if ck in visiting:
                raise InputLimitError(
                    "an alias (*name) inside the value it names makes a structure that contains itself; "
                    "write the value out instead", _line(child))
            if ck not in size:
                stack.append((child, False))
    if size[id(root)] > len(size) + budget:
        # name the anchored value that expands most: the bomb's last line
        anchored = [n for k, n in nodes.items() if getattr(n, "anchor", None) is not None]
        worst = max(anchored, key=lambda n: size[id(n)], default=root)
        raise InputLimitError(
            f"anchors and aliases (&name, *name) expand this document to {_count(size[id(root)])} values "
            f"from {len(size):,} written out, over the limit of {budget:,} more (a \"billion laughs\" "
            "bomb?); write the values out instead of aliasing them", _line(worst))


def _line(node) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _count(n: int) -> str:
    return "more than 4.6e18" if n >= 1 << 62 else f"{n:,}"


def _size(n: int) -> str:
    return f"{n // 1048576} MiB" if n >= 1048576 else f"{n // 1024} KiB"
