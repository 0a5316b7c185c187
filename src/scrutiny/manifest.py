"""The corpus manifest: ``corpus/manifest.toml``, one table per document.

    [project]
    name = "..."
    base_url = "https://example.org/scrutiny/"

    [documents.fyfvmh]
    title = "The Five Year Forward View for Mental Health"
    short_title = "Five Year Forward View"
    kind = "policy"            # or "critique"
    publisher = "NHS England"
    authors = ["Mental Health Taskforce"]
    date = "2016-02"
    url = "https://..."
    licence = "OGL-UK-3.0"
    source = "fyfvmh.pdf"      # file name under corpus/sources/
    sha256 = "..."             # recorded by fetch / ingest

Reading uses the standard library's ``tomllib``; edits go through ``tomlkit``
so that comments and layout written by people survive.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from scrutiny.errors import ProjectError
from scrutiny.paths import lexical_problem

DOC_KINDS = ("policy", "critique")
ID_RE = re.compile(r"\A[a-z0-9][a-z0-9-]*\Z")   # \Z: "evil\n" is not an id
ID_MAX = 100
FIELDS = (
    "title", "short_title", "kind", "publisher", "authors", "date", "url",
    "licence", "source", "sha256", "language", "notes",
)

# The type of every value the manifest may hold. Unknown keys are kept as they are.
_TEXT, _FLAG, _TEXTS, _TABLE, _DATE, _NUMBER = "text", "flag", "texts", "table", "date", "number"
DOCUMENT_TYPES = {
    "title": _TEXT, "short_title": _TEXT, "kind": _TEXT, "publisher": _TEXT,
    "authors": _TEXTS, "date": _DATE, "url": _TEXT, "page_url": _TEXT, "licence": _TEXT,
    "source": _TEXT, "sha256": _TEXT, "language": _TEXT, "notes": _TEXT,
    "mirrors": _TEXTS, "url_checked": _FLAG, "licence_checked": _FLAG, "republish": _FLAG,
    "registered": _FLAG, "retrieved": _TABLE, "old_versions": _TEXTS,
}
RETRIEVED_TYPES = {
    "from": _TEXT, "url": _TEXT, "final_url": _TEXT, "page_url": _TEXT, "archive": _TEXT,
    "archive_url": _TEXT, "capture": _TEXT, "content_type": _TEXT, "size": _NUMBER,
    "at": _DATE, "sha256": _TEXT,
}
PROJECT_TYPES = {"name": _TEXT, "base_url": _TEXT, "spacy_model": _TEXT, "database": _TEXT, "scheduler": _TEXT}
FETCH_TYPES = {
    "govuk_url": _TEXT, "ukgwa_url": _TEXT, "wayback_url": _TEXT, "wayback_api_url": _TEXT,
    "deadline": _NUMBER, "min_rate": _NUMBER, "rate_window": _NUMBER, "connect_timeout": _NUMBER,
    "read_timeout": _NUMBER, "max_bytes": _NUMBER, "retries": _NUMBER, "max_redirects": _NUMBER,
    "max_parallel": _NUMBER, "archive_tries": _NUMBER, "archives": _FLAG, "trust_env": _FLAG,
    "contact": _TEXT,
}
# [site]: what the published site shows. min_confidence: machine tags (suggested ties,
# extracted stakeholders) below it are folded away, one click from the page;
# claim_min_confidence: the same for machine-tagged claims; stakeholder_min_mentions: an
# extracted stakeholder named this often gets its own page.
SITE_TYPES = {"min_confidence": _NUMBER, "claim_min_confidence": _NUMBER, "stakeholder_min_mentions": _NUMBER}
_WANT = {
    _TEXT: "text in quotes", _FLAG: "true or false", _TEXTS: "a list of texts in quotes",
    _TABLE: "a table", _DATE: "a date (YYYY, YYYY-MM or YYYY-MM-DD, in quotes)", _NUMBER: "a number",
}
SHA256_RE = re.compile(r"\A[0-9a-f]{64}\Z")


@dataclass
class DocumentEntry:
    id: str
    title: str
    kind: str = "policy"
    short_title: str | None = None
    publisher: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    url: str | None = None
    licence: str | None = None
    source: str | None = None
    sha256: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.short_title or self.title

    @property
    def page_url(self) -> str | None:
        """The publisher's landing page, when ``url`` is the file itself."""
        return self.extra.get("page_url")

    @property
    def mirrors(self) -> list[str]:
        return list(self.extra.get("mirrors") or [])

    def to_dict(self) -> dict:
        d = {
            "id": self.id, "title": self.title, "short_title": self.short_title,
            "kind": self.kind, "publisher": self.publisher, "authors": list(self.authors),
            "date": self.date, "url": self.url, "licence": self.licence,
            "source": self.source, "sha256": self.sha256,
        }
        d.update(self.extra)
        return d


@dataclass
class Manifest:
    path: Path
    project: dict
    documents: dict[str, DocumentEntry]
    fetch: dict = field(default_factory=dict)
    site: dict = field(default_factory=dict)

    def get(self, doc_id: str) -> DocumentEntry:
        try:
            return self.documents[doc_id]
        except KeyError:
            known = ", ".join(sorted(self.documents)) or "none"
            raise ProjectError(f"{self.path}: no document with id {quoted(doc_id)} (known: {known})") from None


def _str_date(value):
    # TOML dates load as datetime.date; keep them as ISO strings.
    return value.isoformat() if hasattr(value, "isoformat") else value


def shown(text) -> str:
    from scrutiny.names import shown as _shown

    return _shown(text)


def quoted(text) -> str:
    """``repr(text)`` with bidi and other invisible characters escaped too."""
    return shown(repr(text))


def _kind_of(value) -> str:
    import datetime as dt

    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a flag)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {quoted(value)}"
    if isinstance(value, list):
        odd = next((v for v in value if not isinstance(v, str)), None)
        return f"a list holding {_kind_of(odd)}" if odd is not None else "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (dt.date, dt.time)):
        return f"the date {value.isoformat()}"
    return type(value).__name__


def _fits(value, want: str) -> bool:
    import datetime as dt

    if want == _TEXT:
        return isinstance(value, str)
    if want == _FLAG:
        return isinstance(value, bool)
    if want == _TEXTS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if want == _TABLE:
        return isinstance(value, dict)
    if want == _DATE:
        return isinstance(value, (str, dt.date)) and not isinstance(value, bool)
    if want == _NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return True


class _Lines:
    """Line numbers of tables and keys in the manifest's text (tomllib has none)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    @staticmethod
    def _key_pattern(key: str) -> str:
        return r"""(?:%s|"%s"|'%s')""" % (re.escape(key), re.escape(key), re.escape(key))

    def table(self, *names: str) -> int | None:
        dotted = r"\s*\.\s*".join(self._key_pattern(n) for n in names)
        pat = re.compile(r"^\s*\[\s*" + dotted + r"\s*\]\s*(?:#.*)?$")
        for i, line in enumerate(self.lines, 1):
            if pat.match(line):
                return i
        return None

    def key(self, key: str, *table: str) -> int | None:
        start = self.table(*table) if table else 0
        if start is None:
            # an inline table or dotted keys: the first line naming the last table part
            name = re.compile(r"(?<![\w-])" + self._key_pattern(table[-1]) + r"(?![\w-])")
            return next((i for i, line in enumerate(self.lines, 1) if name.search(line)), None)
        pat = re.compile(r"^\s*" + self._key_pattern(key) + r"\s*=")
        for i in range(start, len(self.lines)):
            line = self.lines[i]
            if re.match(r"^\s*\[", line):
                break
            if pat.match(line):
                return i + 1
        return start or None


class _Checker:
    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = _Lines(text)
        self.problems: list[str] = []

    def problem(self, line: int | None, message: str) -> None:
        where = f"{self.path}:{line}" if line else f"{self.path}"
        self.problems.append(f"{where}: {message}")

    def table(self, table: dict, types: dict, *names: str) -> None:
        label = "[" + ".".join(names) + "]"
        for key, want in types.items():
            if key in table and not _fits(table[key], want):
                self.problem(self.lines.key(key, *names),
                             f"{label} {key} must be {_WANT[want]}, not {_kind_of(table[key])}")

    def raise_if_any(self) -> None:
        if self.problems:
            more = len(self.problems) - 1
            tail = f" (and {more} more problem{'s' if more > 1 else ''} in the manifest)" if more else ""
            raise ProjectError(self.problems[0] + tail)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ProjectError(f"{path}: manifest not found") from None
    except IsADirectoryError:
        raise ProjectError(f"{path}: this is a folder, not the manifest file") from None
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read the manifest: {exc.strerror}") from None


def _decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ProjectError(
            f"{path}:{line}: not UTF-8 text: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} "
            "(save the manifest as UTF-8)") from None
    return text[1:] if text.startswith("\ufeff") else text


_LOADED: dict[str, tuple[bytes, "Manifest"]] = {}   # path -> (its bytes, the manifest they gave)


def load_manifest(path) -> Manifest:
    """Read and check ``corpus/manifest.toml``. Any problem (bad TOML, text that
    is not UTF-8, a value of the wrong type, a source leaving the project) is a
    ProjectError naming ``file:line``, the value and the fix.

    A process parses a manifest once per content: the file is read every time,
    and when its bytes are those of the last load, a copy of that manifest is
    returned (the stages of one build, the knowledge base check and the tagger
    all read it; parsing 10,000 tables takes a second)."""
    return _copy(read_manifest(path), Path(path))


def read_manifest(path) -> Manifest:
    """:func:`load_manifest` for a caller that only reads: the remembered manifest
    itself, not a copy of its 10,000 entries (a tenth of a second each time).

    The caller must change nothing in it (its entries, their lists and tables, the
    project, fetch and site tables): a stage that edits the manifest takes a copy
    from :func:`load_manifest`. A test builds a project through every stage in one
    process and checks that the remembered manifest is still its file's parse."""
    path = Path(path)
    raw = _read_bytes(path)
    cached = _LOADED.get(str(path))
    if cached is not None and cached[0] == raw:
        return cached[1]
    manifest = _kept_parse(path, raw)
    if manifest is None:
        manifest = _parse_manifest(path, _decode(path, raw))
        _keep_parse(path, raw, manifest)
    _LOADED.clear()   # one manifest remembered: a process works on one project
    _LOADED[str(path)] = (raw, manifest)
    return manifest


# --- the last parse, kept in the project's data folder ------------------------------------
# Each process (`scrutiny ingest FILE`, then the build's stages) would otherwise parse
# and check a manifest of 10,000 tables again (half a second); what a parse gave is
# kept beside the store, under the sha256 of the manifest's bytes and of this module.

def _parse_file(path: Path) -> Path | None:
    """Where the parse of the manifest at ``path`` is kept: the data folder of its
    project, when the manifest is a project's and that folder exists."""
    from scrutiny.paths import DATA_DIR, MANIFEST

    if tuple(path.parts[-len(MANIFEST.parts):]) != MANIFEST.parts:
        return None
    folder = path.parents[len(MANIFEST.parts) - 1] / DATA_DIR
    return folder / "manifest-parse.json" if folder.is_dir() else None


def _parse_key(raw: bytes) -> str:
    import hashlib

    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(b"\0" + raw)
    return h.hexdigest()


def _kept_parse(path: Path, raw: bytes) -> "Manifest | None":
    import json

    where = _parse_file(path)
    if where is None:
        return None
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
        if data.get("key") != _parse_key(raw):
            return None
        documents = {}
        for doc_id, fields in data["documents"].items():
            entry = object.__new__(DocumentEntry)
            entry.__dict__.update(fields)
            documents[doc_id] = entry
        return Manifest(path=path, project=data["project"], documents=documents, fetch=data["fetch"],
                        site=data["site"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None      # none kept, or torn: parsed again


def _keep_parse(path: Path, raw: bytes, manifest: "Manifest") -> None:
    import json

    from scrutiny.atomic import write_text

    where = _parse_file(path)
    if where is None:
        return
    try:
        text = json.dumps({"key": _parse_key(raw), "project": manifest.project, "fetch": manifest.fetch,
                           "site": manifest.site,
                           "documents": {k: e.__dict__ for k, e in manifest.documents.items()}},
                          ensure_ascii=False)
    except (TypeError, ValueError):
        return           # a value JSON cannot hold (a TOML time in [project]): parsed each time
    try:
        write_text(where, text)
    except OSError:
        pass             # a read-only project: parsed each time


def load_project_table(path) -> dict:
    """The manifest's ``[project]`` table, read without its documents' tables.

    What a command needing only the project's settings (``scrutiny search``: is
    there a shared database?) reads: the text without its ``[documents.<id>]``
    tables is parsed, so a manifest of 10,000 documents costs milliseconds, not
    the second that parsing and checking every document takes. The project
    table is checked as :func:`load_manifest` checks it (a ProjectError naming
    ``file:line``). A manifest whose layout this cannot cut safely (a multi-line
    string, or text that does not parse once cut) is read whole by
    :func:`load_manifest`, with its errors."""
    path = Path(path)
    raw = _read_bytes(path)
    cached = _LOADED.get(str(path))
    if cached is not None and cached[0] == raw:
        return dict(cached[1].project)
    text = _decode(path, raw)
    if '"""' in text or "'''" in text:
        return load_manifest(path).project
    # the root table (the text before the first header), then each table whose header is
    # not a plain [documents...] one, up to the next header of any kind (the documents'
    # headers are skipped by the expression, in C: not one Python step per document)
    first = _ANY_HEADER.search(text)
    kept = [text[:first.start()] if first else text]
    for m in _OTHER_HEADER.finditer(text):
        end = _ANY_HEADER.search(text, m.end())
        kept.append(text[m.start():end.start() if end else len(text)])
    try:
        project = tomllib.loads("".join(kept)).get("project") or {}
    except tomllib.TOMLDecodeError:
        return load_manifest(path).project   # its error, with the line in the whole file
    if not isinstance(project, dict) or any(
            key in project and not _fits(project[key], want) for key, want in PROJECT_TYPES.items()):
        check = _Checker(path, text)
        if not isinstance(project, dict):
            check.problem(check.lines.table("project") or check.lines.key("project"),
                          f"project must be a table ([project]), not {_kind_of(project)}")
        else:
            check.table(project, PROJECT_TYPES, "project")
        check.raise_if_any()
    return dict(project)


def _copy(manifest: "Manifest", path: Path) -> "Manifest":
    """A copy the caller may change without changing the remembered one."""
    return Manifest(path=path, project=_plain_copy(manifest.project),
                    documents={k: copy_entry(e) for k, e in manifest.documents.items()},
                    fetch=_plain_copy(manifest.fetch), site=_plain_copy(manifest.site))


def copy_entry(e: DocumentEntry) -> DocumentEntry:
    """A copy of an entry (its lists and tables copied too), without the cost of
    ``dataclasses.replace`` and ``copy.deepcopy``: a copy is made of every entry each
    time a remembered manifest of 10,000 documents is handed out."""
    c = object.__new__(DocumentEntry)
    c.__dict__.update(e.__dict__)
    c.authors = list(e.authors)
    c.extra = _plain_copy(e.extra) if e.extra else {}
    return c


def _plain_copy(value):
    """A copy of TOML's plain data (tables, lists, texts, numbers, flags)."""
    if isinstance(value, dict):
        return {k: _plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_copy(v) for v in value]
    return value


def _parse_manifest(path: Path, text: str) -> Manifest:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"{path}: invalid TOML: {exc}") from None
    check = _Checker(path, text)
    project = data.get("project") or {}
    fetch = data.get("fetch") or {}
    site = data.get("site") or {}
    documents = data.get("documents") or {}
    for name, table, types in (("project", project, PROJECT_TYPES), ("fetch", fetch, FETCH_TYPES),
                               ("site", site, SITE_TYPES)):
        if not isinstance(table, dict):
            check.problem(check.lines.table(name) or check.lines.key(name),
                          f"{name} must be a table ([{name}]), not {_kind_of(table)}")
        else:
            check.table(table, types, name)
    if isinstance(site, dict):
        for key in site:
            if key not in SITE_TYPES:
                check.problem(check.lines.key(key, "site"), f"[site] has no setting {quoted(key)} "
                              f"(the settings are {', '.join(sorted(SITE_TYPES))})")
        for setting in ("min_confidence", "claim_min_confidence"):
            value = site.get(setting)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and not 0 <= value <= 1:
                check.problem(check.lines.key(setting, "site"),
                              f"[site] {setting} must be between 0 and 1, not {value}")
    if isinstance(fetch, dict):
        for key in fetch:
            if key not in FETCH_TYPES:
                check.problem(check.lines.key(key, "fetch"), f"[fetch] has no setting {quoted(key)} "
                              f"(the settings are {', '.join(sorted(FETCH_TYPES))})")
    if not isinstance(documents, dict):
        check.problem(check.lines.key("documents"), f"documents must be tables ([documents.<id>]), "
                      f"not {_kind_of(documents)}")
        documents = {}
    check.raise_if_any()
    docs = {}
    for doc_id, table in documents.items():
        # a table's line is looked for only when there is a problem to place: finding
        # it scans the text, and doing that for every document made a load quadratic
        header = lambda: check.lines.table("documents", doc_id)  # noqa: E731
        if not ID_RE.match(doc_id) or len(doc_id) > ID_MAX:
            check.problem(header() or check.lines.key(doc_id, "documents"),
                          f"document id {quoted(doc_id)} must be lower-case letters, digits and hyphens, "
                          f"starting with a letter or digit, at most {ID_MAX} characters")
            continue
        label = f"[documents.{doc_id}]"
        if not isinstance(table, dict):
            check.problem(check.lines.key(doc_id, "documents"),
                          f"documents.{doc_id} must be a table ({label}), not {_kind_of(table)}")
            continue
        before = len(check.problems)
        check.table(table, DOCUMENT_TYPES, "documents", doc_id)
        if isinstance(table.get("retrieved"), dict):
            check.table(table["retrieved"], RETRIEVED_TYPES, "documents", doc_id, "retrieved")
        if len(check.problems) > before:
            continue
        line = lambda key: check.lines.key(key, "documents", doc_id)  # noqa: E731
        if not (table.get("title") or "").strip():
            check.problem(header(), f"{label} needs a title (title = \"...\")")
        kind = table.get("kind", "policy")
        if kind not in DOC_KINDS:
            check.problem(line("kind"), f"{label} kind {quoted(kind)} is not one of {', '.join(DOC_KINDS)}")
        if table.get("sha256") is not None and not SHA256_RE.match(table["sha256"]):
            check.problem(line("sha256"), f"{label} sha256 must be 64 lower-case hexadecimal digits "
                          "(as `sha256sum` prints), or left out")
        source = table.get("source")
        if source is not None:
            from scrutiny.names import NAME_MAX, has_control

            problem = lexical_problem(source)
            if problem is None and has_control(source):
                problem = "contains a control character (a newline?)"
            if problem is None and any(len(part.encode("utf-8")) > NAME_MAX for part in re.split(r"[\\/]", source)):
                problem = f"has a name longer than {NAME_MAX} bytes"
            if problem:
                check.problem(line("source"), f"{label} source {quoted(source)} {problem}: refused "
                              "(a source is a file name under corpus/sources/, or a path inside the project "
                              "such as kb/critique/essay.md)")
        authors = table.get("authors") or []
        if isinstance(authors, str):
            authors = [authors]
        known = {"title", "short_title", "kind", "publisher", "authors", "date", "url",
                 "licence", "source", "sha256"}
        docs[doc_id] = DocumentEntry(
            id=doc_id,
            title=table["title"] if isinstance(table.get("title"), str) else "",
            kind=kind,
            short_title=table.get("short_title"),
            publisher=table.get("publisher"),
            authors=list(authors),
            date=_str_date(table.get("date")),
            url=table.get("url"),
            licence=table.get("licence"),
            source=source,
            sha256=table.get("sha256"),
            extra={k: _plain(v) for k, v in table.items() if k not in known},
        )
    check.raise_if_any()
    return Manifest(path=path, project=dict(project), documents=docs, fetch=dict(fetch),
                    site=dict(site) if isinstance(site, dict) else {})


def _plain(value):
    """TOML values as plain data: dates as ISO strings, sub-tables as dicts."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return _str_date(value)


class _Remove:
    def __repr__(self):
        return "REMOVE"


REMOVE = _Remove()   # an update value that takes the key out of the document's table


def update_documents(path, updates: dict[str, dict]) -> None:
    """Add or update document tables, keeping comments and layout (atomic write).
    A value of None or [] is left alone; :data:`REMOVE` takes the key out.

    A few documents are edited in place: only their own tables are parsed and
    written again (a new one is appended), so registering one file costs the
    same in a manifest of ten documents or ten thousand. A manifest laid out in
    a way this does not follow (quoted or dotted table names, documents written
    as inline tables) is parsed whole, as are many updates at once."""
    from scrutiny.atomic import write_text

    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else None
    tables: dict[str, str] = {}   # doc id -> its table's text as written
    spliced = _splice(text, updates, tables) if text is not None and len(updates) <= 50 else None
    write_text(path, spliced if spliced is not None else _update_whole(text, updates))
    if spliced is not None:
        _remember_update(path, text, tables)


def _remember_update(path: Path, before: str, tables: dict[str, str]) -> None:
    """When the manifest remembered by :func:`load_manifest` is the one just
    edited, remember the edited one too, reading only the tables that changed
    (a table that does not load is left to the next whole load to report)."""
    cached = _LOADED.get(str(path))
    if cached is None or cached[0] != before.encode("utf-8"):
        return
    _LOADED.clear()
    try:
        entries = {}
        for doc_id, table in tables.items():
            entries[doc_id] = _parse_manifest(path, table).documents[doc_id]
        raw = path.read_bytes()
    except (ProjectError, KeyError, OSError):
        return
    # a new remembered manifest sharing the unchanged entries (none is ever changed
    # in place: readers hold the old one, editors their own copies)
    old = cached[1]
    manifest = Manifest(path=path, project=old.project, documents={**old.documents, **entries}, fetch=old.fetch,
                        site=old.site)
    _LOADED[str(path)] = (raw, manifest)
    _keep_parse(path, raw, manifest)


def _update_whole(text: str | None, updates: dict[str, dict]) -> str:
    import tomlkit

    doc = tomlkit.parse(text) if text is not None else tomlkit.document()
    if "documents" not in doc:
        doc["documents"] = tomlkit.table(is_super_table=True)
    documents = doc["documents"]
    for doc_id, fields in updates.items():
        if doc_id not in documents:
            documents[doc_id] = tomlkit.table()
        _apply(documents[doc_id], fields)
    return tomlkit.dumps(doc)


def _apply(table, fields: dict) -> None:
    import tomlkit

    for key, value in fields.items():
        if value is REMOVE:
            if key in table:
                del table[key]
            continue
        if value is None or value == []:
            continue
        if isinstance(value, dict):
            sub = tomlkit.table()
            for k, v in value.items():
                if v is not None:
                    sub.add(k, v)
            sub.add(tomlkit.nl())
            value = sub
        table[key] = value


_ANY_HEADER = re.compile(r"^[ \t]*\[.*$", re.M)
_PLAIN_HEADER = re.compile(r"[ \t]*\[([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\][ \t]*(?:#.*)?")
# a header line (_ANY_HEADER) that is not a plain [documents] or [documents.<...>] header
_OTHER_HEADER = re.compile(r"^(?![ \t]*\[documents(?:\.[A-Za-z0-9_-]+)*\][ \t]*(?:#.*)?$)[ \t]*\[.*$", re.M)


def _splice(text: str, updates: dict[str, dict], tables: dict[str, str]) -> str | None:
    """``text`` with each updated document's table parsed, changed and put back
    in its place (a new document's table appended; ``tables`` receives each
    one's new text); None when the layout is not plain ``[documents.<id>]``
    tables (the caller then parses the whole file)."""
    import tomlkit

    if '"""' in text or "'''" in text:
        return None         # a multi-line string could hold a line like a header
    headers = []   # (start offset, table name)
    for m in _ANY_HEADER.finditer(text):
        plain = _PLAIN_HEADER.fullmatch(m.group())
        if plain is None:
            return None     # [[arrays]], quoted names: not this simple layout
        headers.append((m.start(), plain.group(1)))
    first = headers[0][0] if headers else len(text)
    if re.search(r"^[ \t]*documents[ \t]*[.=]", text[:first], re.M):
        return None         # documents as dotted keys or an inline table
    for i, (start, name) in enumerate(headers):
        if name == "documents":
            end = headers[i + 1][0] if i + 1 < len(headers) else len(text)
            body = text[start:end].split("\n", 1)[1] if "\n" in text[start:end] else ""
            if any(line.strip() and not line.strip().startswith("#") for line in body.splitlines()):
                return None  # tables written inside [documents]
    for doc_id, fields in updates.items():
        mine = [i for i, (_s, name) in enumerate(headers)
                if name == f"documents.{doc_id}" or name.startswith(f"documents.{doc_id}.")]
        if mine and (mine != list(range(mine[0], mine[-1] + 1)) or headers[mine[0]][1] != f"documents.{doc_id}"):
            return None     # its sub-tables apart from it, or before it
        if not mine:
            doc = tomlkit.document()
            doc["documents"] = tomlkit.table(is_super_table=True)
            doc["documents"][doc_id] = tomlkit.table()
            _apply(doc["documents"][doc_id], fields)
            tables[doc_id] = tomlkit.dumps(doc).lstrip("\n")
            text = text.rstrip("\n") + "\n\n" + tables[doc_id]
        else:
            start = headers[mine[0]][0]
            end = headers[mine[-1] + 1][0] if mine[-1] + 1 < len(headers) else len(text)
            doc = tomlkit.parse(text[start:end])
            _apply(doc["documents"][doc_id], fields)
            tables[doc_id] = tomlkit.dumps(doc)
            text = text[:start] + tables[doc_id] + text[end:]
        headers = [(m.start(), plain.group(1)) for m in _ANY_HEADER.finditer(text)
                   if (plain := _PLAIN_HEADER.fullmatch(m.group()))]
    return text


# --- licences -------------------------------------------------------------------------

_OPEN_LICENCE = re.compile(
    r"""^\s*(?:
        ogl\b | open\s+government\s+licen[cs]e            # Open Government Licence, any version
      | cc[-\s]?by\b | creative\s+commons\s+attribution   # CC-BY and its NC/ND/SA variants
      | cc[-\s]?0\b | cc[-\s]?zero\b | creative\s+commons\s+zero
      | public\s+domain\b | (?:odc[-\s]?)?pddl\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def may_republish(doc: dict) -> bool:
    """Whether the site may republish a document's full text.

    ``doc`` is a manifest or store dict. An explicit boolean ``republish`` field
    (from the document's manifest table) wins; otherwise the ``licence`` decides:
    True for open licences (Open Government Licence / OGL*, CC-BY* including the
    NC, ND and SA variants, CC0, public domain, PDDL), False for anything else
    (all rights reserved, an unknown licence, none recorded).
    """
    explicit = (doc or {}).get("republish")
    if isinstance(explicit, bool):
        return explicit
    licence = (doc or {}).get("licence")
    if not isinstance(licence, str) or not licence.strip():
        return False
    return bool(_OPEN_LICENCE.match(licence))
