"""Reading ``kb/`` into a :class:`KnowledgeBase`, keeping a line number for every problem.

Files (all optional; an absent file is an empty list):

    kb/stakeholders.yaml   stakeholders: [...]
    kb/ties.yaml           ties: [...]
    kb/claims.yaml         claims: [...]
    kb/sources.json        the bibliography, a CSL-JSON array (or kb/sources.yaml, CSL-YAML)
    kb/critique/*.md       essays with YAML front matter (README.md is skipped)

Any other file in ``kb/`` (for example ``reviewed.yaml``, the tagger's review
decisions) is left alone. This module checks each file on its own (fields,
types, dates, duplicate ids); :mod:`scrutiny.kb.validate` then checks that
every id points somewhere.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from scrutiny.kb.dates import DATE_HELP, parse_date
from scrutiny.kb.markup import find_refs, malformed
from scrutiny.kb.model import (
    Claim, ClaimDocument, Essay, Evidence, Fact, KBError, KnowledgeBase, Problem,
    SourceRef, Stakeholder, Tie,
)

STAKEHOLDERS = "stakeholders.yaml"
TIES = "ties.yaml"
CLAIMS = "claims.yaml"
SOURCES = ("sources.json", "sources.yaml")
CRITIQUE_DIR = "critique"
ESSAY_SKIP = {"readme.md"}

STAKEHOLDER_FIELDS = ("id", "name", "kind", "sector", "aliases", "description", "url",
                      "sources", "doc", "facts")
TIE_FIELDS = ("id", "subject", "relation", "object", "role", "start", "end", "sources",
              "passages", "note")
CLAIM_FIELDS = ("id", "statement", "kinds", "status", "documents", "critique", "evidence",
                "sources", "note")
ESSAY_FIELDS = ("id", "title", "document", "author", "date", "summary")
SOURCE_REF_HELP = 'write `sources: [{source: <id in kb/sources.json>, locator: "para 12"}]`'

# CSL 1.0.2 item types, so that citation tools accept the bibliography.
CSL_TYPES = frozenset("""
article article-journal article-magazine article-newspaper bill book broadcast chapter
classic collection dataset document entry entry-dictionary entry-encyclopedia event
figure graphic hearing interview legal_case legislation manuscript map motion_picture
musical_score pamphlet paper-conference patent performance periodical
personal_communication post post-weblog regulation report review review-book software
song speech standard thesis treaty webpage
""".split())


@lru_cache(maxsize=1)
def _constructor():
    from ruamel.yaml.constructor import RoundTripConstructor

    class TextDatesConstructor(RoundTripConstructor):
        pass

    TextDatesConstructor.add_constructor("tag:yaml.org,2002:timestamp",
                                         lambda self, node: self.construct_scalar(node))
    return TextDatesConstructor


def _load(text: str):
    """Round-trip load (keeps line numbers) within :mod:`scrutiny.safeyaml`'s
    bounds, leaving dates as text.

    ruamel would turn ``2016-02-30`` into an exception without a line number;
    as text, :func:`scrutiny.kb.dates.parse_date` reports it with its line.
    """
    from scrutiny import safeyaml

    return safeyaml.load(text, typ="rt", constructor=_constructor(), max_bytes=safeyaml.KB_FILE_BYTES)


class Reader:
    """Collects problems while turning YAML nodes into model objects."""

    def __init__(self, kb_dir: Path):
        self.kb_dir = Path(kb_dir)
        self.problems: list[Problem] = []
        # files that could not be parsed: ids pointing into them are not checked
        self.unreadable: set[str] = set()

    # --- plumbing ------------------------------------------------------------
    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.kb_dir.parent).as_posix()
        except ValueError:
            return str(path)

    def problem(self, file: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def load_yaml(self, path: Path, text: str | None = None):
        """Round-trip load (keeps line numbers); None, with a problem, on a syntax error."""
        from ruamel.yaml.error import YAMLError

        from scrutiny.safeyaml import InputLimitError

        file = self.display(path)
        try:
            if text is None:
                text = self.read_text(path)
            return _load(text)
        except InputLimitError as exc:
            self.problem(file, exc.line, exc.reason)
        except OSError as exc:
            self.problem(file, None, f"cannot be read: {exc.strerror or exc}")
        except (YAMLError, ValueError) as exc:  # syntax, duplicate keys, bad tagged values
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = mark.line + 1 if mark is not None else None
            what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            self.problem(file, line, f"is not valid YAML/JSON: {what} "
                         "(check indentation, colons and quotes on this line)")
        return None

    def read_text(self, path: Path) -> str:
        """A kb file's text: UTF-8, within the size cap, and inside the project
        (the folder holding kb/): a symbolic link leading out of it is refused,
        never read (InputLimitError otherwise)."""
        from scrutiny import safeyaml
        from scrutiny.names import shown
        from scrutiny.paths import is_inside

        if not is_inside(path, self.kb_dir.parent):
            try:
                target = shown(Path(path).resolve())
            except (OSError, RuntimeError):
                target = "a symbolic link loop"
            raise safeyaml.InputLimitError(f"leads through a symbolic link to {target}, outside the project: "
                                           "refused (remove the link and put the file itself there)")
        return safeyaml.read_text(path, safeyaml.KB_FILE_BYTES)

    @staticmethod
    def key_line(node, key, default: int | None) -> int | None:
        try:
            return node.lc.key(key)[0] + 1
        except (AttributeError, KeyError, TypeError):
            return default

    @staticmethod
    def item_line(seq, index: int, default: int | None) -> int | None:
        try:
            return seq.lc.item(index)[0] + 1
        except (AttributeError, KeyError, TypeError, IndexError):
            return default

    def entries(self, path: Path, key: str):
        """Yield (mapping, line) for each entry of the top-level ``key:`` list."""
        if not path.is_file():
            return
        file = self.display(path)
        data = self.load_yaml(path)
        if data is None:
            self.unreadable.add(key)
            if path.stat().st_size and not any(p.file == file for p in self.problems):
                self.problem(file, 1, f"has no `{key}:` list (start the file with `{key}:`)")
            return
        if not isinstance(data, dict) or key not in data:
            self.problem(file, 1, f"has no top-level `{key}:` list (start the file with `{key}:`)")
            return
        items = data[key]
        if items is None:
            return
        if not isinstance(items, list):
            self.problem(file, self.key_line(data, key, 1),
                         f"`{key}:` must be a list of entries, each starting with `- id: ...`")
            return
        for i, item in enumerate(items):
            line = self.item_line(items, i, 1)
            if not isinstance(item, dict):
                self.problem(file, line, "this entry must be a set of fields "
                             "(`- id: ...` followed by indented `name: ...` lines)")
                continue
            yield item, line

    def unknown_fields(self, node, allowed, file, line, what: str) -> None:
        for key in node:
            if key not in allowed:
                self.problem(file, self.key_line(node, key, line),
                             f"{what} has an unknown field `{key}` "
                             f"(known fields: {', '.join(allowed)})")

    def text(self, node, key, file, line, what, required=False) -> str | None:
        value = node.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(file, line, f"{what} has no `{key}` (add `{key}: ...`)")
            return None
        if isinstance(value, (dict, list, bool)):
            hint = " (put it in quotes if you mean the word)" if isinstance(value, bool) else ""
            self.problem(file, self.key_line(node, key, line),
                         f"{what}: `{key}` must be text, not {_type_name(value)}{hint}")
            return None
        return str(value).strip()

    def url(self, node, key, file, line, what) -> str | None:
        """A web address: text with an http, https or mailto scheme (anything
        else would become a live link, e.g. ``javascript:``)."""
        from scrutiny import urls

        value = node.get(key)
        if value is None or value == "":
            return None
        why = urls.problem(value)
        if why:
            self.problem(file, self.key_line(node, key, line), f"{what}: `{key}` {why}")
            return None
        return value.strip()

    def markdown(self, node, key, file, line, what, required=False) -> str | None:
        """Text rendered as Markdown on the site: its links must be http, https,
        mailto or relative (the site drops any other, so it is an error here)."""
        from scrutiny import urls

        value = self.text(node, key, file, line, what, required)
        if value:
            first = self.key_line(node, key, line) or line
            for offset, url in urls.unsafe_markdown_links(value):
                self.problem(file, first + offset if first else None,
                             f"{what}: `{key}` links to {url[:60]!r}, whose {urls.scheme(url)}: scheme is not "
                             "allowed (use an https://, http://, mailto: or relative address)")
        return value

    def strings(self, node, key, file, line, what) -> list[str]:
        value = node.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value.strip()]
        if not isinstance(value, list) or any(isinstance(v, (dict, list, bool)) or v is None for v in value):
            self.problem(file, self.key_line(node, key, line),
                         f"{what}: `{key}` must be a list of text items, e.g. `{key}: [a, b]`")
            return []
        return [str(v).strip() for v in value]

    def date(self, node, key, file, line, what) -> str | None:
        value = node.get(key)
        if value is None or value == "":
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.problem(file, self.key_line(node, key, line),
                         f"{what}: bad date in `{key}`: {exc} ({DATE_HELP})")
            return None

    def ident(self, node, file, line, what, seen: dict) -> str | None:
        from scrutiny.manifest import ID_RE

        ident = self.text(node, "id", file, line, what, required=True)
        if ident is None:
            return None
        id_line = self.key_line(node, "id", line)
        if not ID_RE.match(ident):
            self.problem(file, id_line, f"{what} id {ident!r} must be lower-case letters, digits "
                         "and hyphens, starting with a letter or digit (e.g. `paul-farmer`)")
        if ident in seen:
            self.problem(file, id_line, f"duplicate id {ident!r} (also at {seen[ident]}; "
                         "give each entry its own id)")
        else:
            seen[ident] = f"{file}:{id_line}"
        return ident

    def source_refs(self, node, file, line, what, required=True) -> list[SourceRef]:
        value = node.get("sources")
        if value is None or value == []:
            if required:
                self.problem(file, line, f"{what} has no sources: every fact needs one ({SOURCE_REF_HELP})")
            return []
        if not isinstance(value, list):
            value_line = self.key_line(node, "sources", line)
            self.problem(file, value_line, f"{what}: `sources` must be a list ({SOURCE_REF_HELP})")
            return []
        refs = []
        for i, item in enumerate(value):
            item_line = self.item_line(value, i, line)
            if isinstance(item, str) and item.strip():
                refs.append(SourceRef(item.strip(), None, item_line))
            elif isinstance(item, dict) and isinstance(item.get("source"), str) and item["source"].strip():
                extra = [k for k in item if k not in ("source", "locator")]
                if extra:
                    self.problem(file, item_line, f"{what}: a source has unknown field "
                                 f"`{extra[0]}` (a source has `source` and `locator`)")
                loc = item.get("locator")
                if isinstance(loc, (dict, list, bool)):
                    self.problem(file, item_line, f"{what}: a source's `locator` must be text such as "
                                 f"\"p. 12\", not {_type_name(loc)}")
                    loc = None
                refs.append(SourceRef(item["source"].strip(),
                                      str(loc).strip() if loc not in (None, "") else None, item_line))
            else:
                self.problem(file, item_line, f"{what}: each source needs a `source` id ({SOURCE_REF_HELP})")
        return refs

    # --- files -----------------------------------------------------------------
    def stakeholders(self, kb: KnowledgeBase) -> None:
        path = self.kb_dir / STAKEHOLDERS
        file = self.display(path)
        seen: dict = {}
        for node, line in self.entries(path, "stakeholders"):
            ident = self.ident(node, file, line, "stakeholder", seen)
            what = f"stakeholder {ident!r}" if ident else "stakeholder"
            self.unknown_fields(node, STAKEHOLDER_FIELDS, file, line, what)
            st = Stakeholder(
                id=ident or "", name=self.text(node, "name", file, line, what, required=True) or "",
                kind=self.text(node, "kind", file, line, what, required=True) or "",
                sector=self.text(node, "sector", file, line, what),
                aliases=self.strings(node, "aliases", file, line, what),
                description=self.markdown(node, "description", file, line, what),
                url=self.url(node, "url", file, line, what),
                sources=self.source_refs(node, file, line, what),
                doc_id=self.text(node, "doc", file, line, what),
                facts=self.facts(node, file, line, what),
                file=file, line=line,
                lines={k: self.key_line(node, k, line) for k in node},
            )
            if ident and ident not in kb.stakeholders:
                kb.stakeholders[ident] = st

    def facts(self, node, file, line, what) -> list[Fact]:
        value = node.get("facts")
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(file, self.key_line(node, "facts", line),
                         f"{what}: `facts` must be a list of `- what: ..., value: ..., sources: [...]`")
            return []
        facts = []
        for i, item in enumerate(value):
            item_line = self.item_line(value, i, line)
            if not isinstance(item, dict):
                self.problem(file, item_line, f"{what}: each fact needs `what`, `value` and `sources`")
                continue
            fwhat = f"{what}, fact"
            self.unknown_fields(item, ("what", "value", "sources", "note"), file, item_line, fwhat)
            facts.append(Fact(
                what=self.text(item, "what", file, item_line, fwhat, required=True) or "",
                value=self.text(item, "value", file, item_line, fwhat, required=True) or "",
                sources=self.source_refs(item, file, item_line, fwhat),
                note=self.text(item, "note", file, item_line, fwhat), line=item_line,
            ))
        return facts

    def ties(self, kb: KnowledgeBase) -> None:
        path = self.kb_dir / TIES
        file = self.display(path)
        seen: dict = {}
        added: set = set()
        for node, line in self.entries(path, "ties"):
            ident = self.ident(node, file, line, "tie", seen)
            what = f"tie {ident!r}" if ident else "tie"
            self.unknown_fields(node, TIE_FIELDS, file, line, what)
            tie = Tie(
                id=ident or "",
                subject=self.text(node, "subject", file, line, what, required=True) or "",
                relation=self.text(node, "relation", file, line, what, required=True) or "",
                object=self.text(node, "object", file, line, what, required=True) or "",
                role=self.text(node, "role", file, line, what),
                start=self.date(node, "start", file, line, what),
                end=self.date(node, "end", file, line, what),
                sources=self.source_refs(node, file, line, what),
                passages=self.strings(node, "passages", file, line, what),
                note=self.text(node, "note", file, line, what),
                file=file, line=line,
                lines={k: self.key_line(node, k, line) for k in node},
            )
            if ident and ident not in added:
                added.add(ident)
                kb.ties.append(tie)

    def claims(self, kb: KnowledgeBase) -> None:
        path = self.kb_dir / CLAIMS
        file = self.display(path)
        seen: dict = {}
        added: set = set()
        for node, line in self.entries(path, "claims"):
            ident = self.ident(node, file, line, "claim", seen)
            what = f"claim {ident!r}" if ident else "claim"
            self.unknown_fields(node, CLAIM_FIELDS, file, line, what)
            kinds = self.strings(node, "kinds", file, line, what)
            if not kinds and "kinds" not in node:
                self.problem(file, line, f"{what} has no `kinds` (add e.g. `kinds: [statistic]`)")
            claim = Claim(
                id=ident or "",
                statement=self.text(node, "statement", file, line, what, required=True) or "",
                kinds=kinds,
                status=self.text(node, "status", file, line, what, required=True) or "",
                documents=self.claim_documents(node, file, line, what),
                critique=self.markdown(node, "critique", file, line, what),
                evidence=self.evidence(node, file, line, what),
                sources=self.source_refs(node, file, line, what),
                file=file, line=line,
                lines={k: self.key_line(node, k, line) for k in node},
            )
            if ident and ident not in added:
                added.add(ident)
                kb.claims.append(claim)

    def claim_documents(self, node, file, line, what) -> list[ClaimDocument]:
        value = node.get("documents")
        help_ = "e.g. `documents: [{doc: fyfvmh, locate: {search: \"recovery rate\"}}]`"
        if value is None or value == []:
            self.problem(file, line, f"{what} names no `documents` that make it ({help_})")
            return []
        if not isinstance(value, list):
            self.problem(file, self.key_line(node, "documents", line), f"{what}: `documents` must be a list ({help_})")
            return []
        out = []
        for i, item in enumerate(value):
            item_line = self.item_line(value, i, line)
            if not isinstance(item, dict) or not item.get("doc"):
                self.problem(file, item_line, f"{what}: each document needs a `doc` id ({help_})")
                continue
            self.unknown_fields(item, ("doc", "locate"), file, item_line, f"{what}, document")
            locate = item.get("locate") or {}
            search, passages = None, []
            if isinstance(locate, dict):
                self.unknown_fields(locate, ("search", "passages"), file, item_line, f"{what}, locate")
                search = self.text(locate, "search", file, item_line, f"{what}, locate")
                passages = self.strings(locate, "passages", file, item_line, f"{what}, locate")
            if not search and not passages:
                self.problem(file, item_line, f"{what}: document {item['doc']!r} has no way to find the "
                             "claim in its text (add `locate: {search: \"a few words\"}` or "
                             "`locate: {passages: [PASSAGE_ID]}`; never a typed-in quote)")
            doc = self.text(item, "doc", file, item_line, f"{what}, document")
            if doc is None:
                continue
            out.append(ClaimDocument(doc, search, passages, item_line))
        return out

    def evidence(self, node, file, line, what) -> list[Evidence]:
        value = node.get("evidence")
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(file, self.key_line(node, "evidence", line),
                         f"{what}: `evidence` must be a list of `- statement: ..., sources: [...]`")
            return []
        out = []
        for i, item in enumerate(value):
            item_line = self.item_line(value, i, line)
            if not isinstance(item, dict):
                self.problem(file, item_line, f"{what}: each piece of evidence needs `statement` and `sources`")
                continue
            ewhat = f"{what}, evidence"
            self.unknown_fields(item, ("statement", "sources"), file, item_line, ewhat)
            out.append(Evidence(
                statement=self.markdown(item, "statement", file, item_line, ewhat, required=True) or "",
                sources=self.source_refs(item, file, item_line, ewhat), line=item_line,
            ))
        return out

    def sources(self, kb: KnowledgeBase) -> dict[str, int]:
        """Read the CSL bibliography; returns id -> line for later checks."""
        lines: dict[str, int] = {}
        present = [self.kb_dir / name for name in SOURCES if (self.kb_dir / name).is_file()]
        if len(present) > 1:
            self.problem(self.display(present[1]), None, f"both {SOURCES[0]} and {SOURCES[1]} exist; "
                         "keep the bibliography in one of them")
        if not present:
            return lines
        path = present[0]
        file = self.display(path)
        if path.suffix == ".json":
            from scrutiny.safeyaml import InputLimitError

            try:
                json.loads(self.read_text(path))
            except json.JSONDecodeError as exc:
                self.problem(file, exc.lineno, f"is not valid JSON: {exc.msg} "
                             "(check commas and quotes; it must be a CSL-JSON array `[{...}, ...]`)")
                self.unreadable.add("sources")
                return lines
            except (OSError, InputLimitError):
                pass  # reported by load_yaml
        data = self.load_yaml(path)
        if data is None:
            self.unreadable.add("sources")
            return lines
        if isinstance(data, dict) and "references" in data:  # CSL-YAML as pandoc writes it
            data = data["references"]
        if not isinstance(data, list):
            self.problem(file, 1, "must be a CSL-JSON array of bibliography entries `[{\"id\": ..., "
                         "\"type\": ..., \"title\": ...}, ...]`")
            return lines
        seen: dict = {}
        for i, item in enumerate(data):
            line = self.item_line(data, i, 1)
            if not isinstance(item, dict):
                self.problem(file, line, "each bibliography entry must be an object with id, type and title")
                continue
            ident = self.ident(item, file, line, "source", seen)
            what = f"source {ident!r}" if ident else "source"
            ctype = self.text(item, "type", file, line, what, required=True)
            if ctype and ctype not in CSL_TYPES:
                self.problem(file, self.key_line(item, "type", line),
                             f"{what}: type {ctype!r} is not a CSL type (use e.g. report, webpage, "
                             "post-weblog, article-journal, book, document)")
            self.text(item, "title", file, line, what, required=True)
            bad = set()
            if "URL" in item and self.url(item, "URL", file, line, what) is None and item["URL"] not in (None, ""):
                bad.add("URL")
            for key in item:
                why = _csl_value_problem(key, item[key])
                if why:
                    bad.add(key)
                    self.problem(file, self.key_line(item, key, line), f"{what}: `{key}` {why}")
            if ident and ident not in kb.sources:
                # a field of the wrong type is reported above and left out, so that
                # readers of a partial knowledge base never meet it
                kb.sources[ident] = json.loads(json.dumps({k: v for k, v in item.items() if k not in bad},
                                                          default=str))
                lines[ident] = line
        return lines

    def essays(self, kb: KnowledgeBase) -> None:
        folder = self.kb_dir / CRITIQUE_DIR
        if not folder.is_dir():
            return
        seen: dict = {}
        for path in sorted(folder.glob("*.md")):
            if path.name.lower() in ESSAY_SKIP:
                continue
            essay = self.essay(path, seen)
            if essay is not None:
                kb.essays.append(essay)

    def essay(self, path: Path, seen: dict) -> Essay | None:
        file = self.display(path)
        from scrutiny.safeyaml import InputLimitError

        try:
            text = self.read_text(path)
        except InputLimitError as exc:
            self.problem(file, exc.line, exc.reason)
            return None
        except OSError as exc:
            self.problem(file, None, f"cannot be read: {exc.strerror or exc}")
            return None
        lines = text.split("\n")
        if not lines or lines[0].strip() != "---":
            self.problem(file, 1, "an essay starts with YAML front matter: a `---` line, then "
                         "id, title, document, author, date, then a closing `---` line")
            return None
        try:
            close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            self.problem(file, 1, "the front matter has no closing `---` line")
            return None
        # a blank first line stands in for the opening `---`, so YAML line numbers are file lines
        meta = self.load_yaml(path, "\n" + "\n".join(lines[1:close]))
        if meta is None:
            if not any(p.file == file for p in self.problems):
                self.problem(file, 2, "the front matter is empty (add id, title, document, author, date)")
            return None
        if not isinstance(meta, dict):
            self.problem(file, 2, "the front matter must be `field: value` lines")
            return None

        self.unknown_fields(meta, ESSAY_FIELDS, file, 1, "the front matter")
        ident = self.ident(meta, file, 1, "essay", seen)
        title = self.text(meta, "title", file, 1, "essay", required=True)
        doc = self.text(meta, "document", file, 1, "essay")
        date = None
        if meta.get("date") not in (None, ""):
            try:
                date = parse_date(meta["date"])
            except ValueError as exc:
                self.problem(file, self.key_line(meta, "date", 1), f"essay: bad date: {exc} ({DATE_HELP})")
        body_line = close + 2
        body = "\n".join(lines[close + 1:])
        from scrutiny import urls

        for offset, url in urls.unsafe_markdown_links(body):
            self.problem(file, body_line + offset, f"a link to {url[:60]!r}: its {urls.scheme(url)}: scheme "
                         "is not allowed (use an https://, http://, mailto: or relative address)")
        for bad in malformed(body, first_line=body_line):
            self.problem(file, bad, "`[[` starts no well-formed reference (write [[type:id]] or "
                         "[[type:id|label]], closed with `]]` in the same paragraph)")
        essay = Essay(id=ident or "", path=file, title=title or "", doc_id=doc,
                      refs=find_refs(body, first_line=body_line),
                      author=self.text(meta, "author", file, 1, "essay"), date=date,
                      body=body, body_line=body_line, lines={k: self.key_line(meta, k, 1) for k in meta})
        return essay if ident else None


# CSL 1.0.2 variables by type (the rest are text or numbers).
CSL_NAME_VARS = frozenset("""
author chair collection-editor compiler composer container-author contributor curator director
editor editorial-director executive-producer guest host illustrator interviewer narrator organizer
original-author performer producer recipient reviewed-author script-writer series-creator translator
""".split())
CSL_DATE_VARS = frozenset("accessed available-date event-date issued original-date submitted".split())
_NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal")
_NAME_HELP = 'a list of names, e.g. [{"family": "Farmer", "given": "Paul"}] or [{"literal": "NHS England"}]'


def _csl_value_problem(key: str, value) -> str | None:
    """Why ``value`` cannot be CSL variable ``key`` (None when it can): the
    shapes citeproc and every citation tool expect."""
    if key in ("id", "type", "title", "URL"):
        return None  # checked with their own messages
    if key in CSL_NAME_VARS:
        if not isinstance(value, list) or not value:
            return f"must be {_NAME_HELP}"
        for name in value:
            if isinstance(name, dict) and any(k in name and not isinstance(name[k], str) for k in _NAME_PARTS):
                return f"has a name part that is not text ({_NAME_HELP})"
            if not isinstance(name, dict) or not any(isinstance(name.get(k), str) and name[k].strip()
                                                     for k in ("family", "given", "literal")):
                return f"must be {_NAME_HELP}"
        return None
    if key in CSL_DATE_VARS:
        return None if _csl_date_ok(value) else 'is a bad date (CSL dates look like {"date-parts": [[2017, 7]]})'
    if key == "custom":
        return None if isinstance(value, dict) else "must be an object of your own fields"
    if key == "categories":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else "must be a list of text items"
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return f"must be text or a number, not {_type_name(value)}"
    return None


def _type_name(value) -> str:
    for kind, name in ((bool, "true/false"), (list, "a list"), (dict, "an object"), (type(None), "null")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _csl_date_ok(value) -> bool:
    if not isinstance(value, dict):
        return False
    if "raw" in value or "literal" in value:
        return all(isinstance(value[k], str) for k in ("raw", "literal") if k in value)
    parts = value.get("date-parts")
    return (isinstance(parts, list) and bool(parts)
            and all(isinstance(p, list) and 1 <= len(p) <= 3 and all(isinstance(n, int) for n in p)
                    for p in parts))


def read_kb(kb_dir: Path) -> tuple[KnowledgeBase, Reader, dict[str, int]]:
    """Read every kb file; returns the (possibly partial) KB, the reader with its problems,
    and the bibliography's id -> line map."""
    reader = Reader(kb_dir)
    kb = KnowledgeBase()
    source_lines = reader.sources(kb)
    reader.stakeholders(kb)
    reader.ties(kb)
    reader.claims(kb)
    reader.essays(kb)
    return kb, reader, source_lines


def load_kb(kb_dir, manifest=None) -> KnowledgeBase:
    """Load and validate ``kb_dir``; raise :class:`KBError` listing every problem.

    ``manifest`` is a :class:`scrutiny.manifest.Manifest`, a path to one, or
    None to use ``<kb_dir>/../corpus/manifest.toml`` when it exists. Document
    ids (claims, essays, stakeholders of kind document) are checked against it.
    """
    kb, problems = load_with_problems(kb_dir, manifest)
    if problems:
        raise KBError(problems)
    return kb


def load_with_problems(kb_dir, manifest=None) -> tuple[KnowledgeBase, list[Problem]]:
    """The (possibly partial) knowledge base and every problem found in it."""
    from scrutiny.kb.validate import validate

    kb_dir = Path(kb_dir)
    kb, reader, _ = read_kb(kb_dir)
    manifest = _manifest(kb_dir, manifest, reader)
    return kb, reader.problems + validate(kb, kb_dir, manifest, skip=reader.unreadable)


def _manifest(kb_dir: Path, manifest, reader: Reader):
    from scrutiny.errors import ProjectError
    from scrutiny.manifest import Manifest, read_manifest

    if isinstance(manifest, Manifest):
        return manifest
    path = Path(manifest) if manifest is not None else kb_dir.parent / "corpus" / "manifest.toml"
    if manifest is None and not path.is_file():
        return None
    try:
        return read_manifest(path)
    except ProjectError as exc:
        reader.problem(reader.display(path), None, f"cannot check document ids: {exc}")
        return None
