"""The Jinja2 environment, page addresses and the render-or-skip step.

Templates come from the project's ``site_templates/`` first (a campaign can
override any page, partial or static file there), then from the theme that
ships inside this package (``scrutiny/site/theme/``, found with
``importlib.resources``, so a wheel install has it too). Autoescape is on for
every template: extracted text is never marked safe.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import jinja2

from scrutiny.errors import ScrutinyError
from scrutiny.site.writer import Writer, input_key

SITE_CODE = Path(__file__).resolve().parent


def theme_dir() -> Path:
    """The theme shipped with scrutiny: page templates, ``_partials`` and ``static/``."""
    theme = resources.files("scrutiny.site").joinpath("theme")
    if not isinstance(theme, Path) or not (theme / "base.html").is_file():
        raise ScrutinyError(
            f"scrutiny's site theme is missing from the installed package ({theme}): "
            "reinstall scrutiny (the wheel must include scrutiny/site/theme/)")
    return theme


THEME_DIR = theme_dir()


def template_dirs(project) -> list[Path]:
    """Where templates and static files are looked up, first match wins:
    the project's ``site_templates/`` (when it exists), then the theme."""
    dirs = []
    own = Path(project.templates_dir)
    if own.is_dir():
        _check_confined(project, own)
        dirs.append(own)
    if THEME_DIR.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(THEME_DIR)
    return dirs


def _check_confined(project, own: Path) -> None:
    """Every template and static file of the project's theme lies inside the
    project: a symbolic link leading out of it would publish what it points at."""
    from scrutiny.paths import check_inside

    root = Path(project.root)
    check_inside(root, own, "the theme folder")
    for path in sorted(own.rglob("*")):
        if path.is_symlink():
            check_inside(root, path, "the theme file")


# Kept by a long-lived process (``scrutiny watch``, :func:`keep_compiled`), so that each
# template is compiled once and each kind's code key worked out once, not at every build:
# the environments by their folders and the fingerprint of what is in them
# (:func:`fingerprint`: any change to a template is a new one), and the code keys by the
# folders, that fingerprint and the kind. The process's own code does not change while
# it runs; None: nothing kept (a command's one build).
_ENVS: dict[tuple, jinja2.Environment] | None = None
_CODE_KEYS: dict[tuple, str] | None = None


def keep_compiled(on: bool = True) -> None:
    """Keep (or stop keeping, and let go of) the compiled templates and code keys."""
    global _ENVS, _CODE_KEYS
    _ENVS, _CODE_KEYS = ({}, {}) if on else (None, None)


def make_env(dirs: list[Path], fp: str | None = None) -> jinja2.Environment:
    """The environment that renders from ``dirs``; with ``fp`` (their :func:`fingerprint`)
    while :func:`keep_compiled` is on, the one made already for the same folders and files."""
    if fp is None or _ENVS is None:
        return _new_env(dirs)
    key = (tuple(str(d) for d in dirs), fp)
    env = _ENVS.get(key)
    if env is None:
        if len(_ENVS) >= 4:
            _ENVS.clear()
        env = _ENVS[key] = _new_env(dirs)
    return env


def _new_env(dirs: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.ChainableUndefined,  # optional KB fields may be absent
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    from scrutiny.pages import page_ref
    from scrutiny.passages import ocr_confidence, ocr_note

    env.globals["page_ref"] = page_ref  # pages as the document prints them: page_ref(doc, p.page, p.page_end)
    env.globals["ocr_note"] = ocr_note  # "Text recognised by OCR, confidence 91%." or None
    env.globals["ocr_confidence"] = ocr_confidence
    return env


def fingerprint(dirs: list[Path]) -> str:
    """Hash of the templates, static files and site code: whether anything the
    site is made of changed (the up-to-date stamp, :mod:`.uptodate`). A page's
    own key names only what renders its kind (:meth:`Renderer.code_key`)."""
    h = hashlib.sha256()
    files = [(top, p) for top in dirs for p in sorted(top.rglob("*")) if p.is_file()]
    files += [(SITE_CODE, p) for p in sorted(SITE_CODE.glob("*.py"))]
    for top, path in files:
        h.update(str(path.relative_to(top)).encode())
        h.update(path.read_bytes())
    from scrutiny import pages, passages  # the templates number pages and mark OCR with them

    h.update(Path(pages.__file__).read_bytes())
    h.update(Path(passages.__file__).read_bytes())
    return h.hexdigest()


# The modules whose code shapes the pages of one kind (besides its templates): a change
# to any other module (the writer, the publishing, the search index...) renders no page
# again. Keyed by template, or by the name of a data file kind ("cite", "parts");
# "cite/" stands for the citation code and the citeproc versions (citations._code_version).
_PAGE_CODE = ("site/generators.py", "site/render.py", "site/layout.py", "site/tags.py", "site/essays.py",
              "site/netmap.py", "pages.py", "passages.py", "urls.py", "anchor.py", "refs.py")
RENDER_CODE: dict[str, tuple[str, ...]] = {
    "document.html": _PAGE_CODE + ("site/parts.py", "site/citations.py", "cite/"),
    "claim.html": _PAGE_CODE + ("site/citations.py", "cite/"),
    "essay.html": _PAGE_CODE + ("site/citations.py", "cite/"),
    "stakeholder.html": _PAGE_CODE + ("site/named_lists.py", "site/citations.py", "cite/"),   # sources: citations
    "named.html": _PAGE_CODE + ("site/named_lists.py",),   # a stakeholder's list of the documents naming it
    "redirect.html": ("site/generators.py", "site/render.py", "pages.py", "passages.py", "anchor.py"),
    "cite": ("site/generators.py", "site/citations.py", "cite/", "pages.py", "passages.py"),
    "parts": ("site/generators.py", "site/parts.py"),
}
PACKAGE = SITE_CODE.parent


def code_files(kind: str) -> tuple[str, ...]:
    """The package files (relative to ``scrutiny/``) whose code renders pages of ``kind``."""
    return RENDER_CODE.get(kind, _PAGE_CODE)


def template_closure(env: jinja2.Environment, name: str) -> list[tuple[str, str]]:
    """``[(template name, source)]`` of ``name`` and every template it extends,
    includes or imports, transitively, as the environment finds them (a project's
    own ``site_templates/`` first). A reference made at render time from a
    variable cannot be followed: every template is then part of the key."""
    from jinja2 import meta

    seen: dict[str, str] = {}
    todo = [name]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        source = env.loader.get_source(env, n)[0]
        seen[n] = source
        for ref in meta.find_referenced_templates(env.parse(source)):
            if ref is None:
                for other in env.loader.list_templates():
                    if other.endswith(".html") and other not in seen:
                        todo.append(other)
            else:
                todo.append(ref)
    return sorted(seen.items())


def depth_root(rel: str) -> str:
    """The relative prefix from page ``rel`` back to the site root ("", "../", "../../")."""
    return "../" * rel.count("/")


class Renderer:
    def __init__(self, env: jinja2.Environment, writer: Writer, common: dict, fp: str):
        self.env = env
        self.writer = writer
        self.common = common
        self.fp = fp
        self._code: dict[str, str] = {}
        self._common: bytes | None = None
        self.rendered = 0
        self.where: dict[str, str] = {}   # passage id -> the file of its document's part (long documents)

    def urls(self, rel: str) -> "Urls":
        return Urls(depth_root(rel), self.where)

    def code_key(self, kind: str) -> str:
        """What renders pages of ``kind`` (a template, or "cite"/"parts"): its
        templates (with those it uses) and the modules of :data:`RENDER_CODE`.
        A page's key holds this, not the whole site's code: changing one
        template, or code that renders no page, renders only what it touches."""
        kept = None if _CODE_KEYS is None else (tuple(getattr(self.env.loader, "searchpath", ())), self.fp, kind)
        key = self._code.get(kind) or (_CODE_KEYS.get(kept) if kept else None)
        if key is None:
            h = hashlib.sha256(kind.encode() + b"\x00")
            if kind.endswith(".html"):
                for name, source in template_closure(self.env, kind):
                    h.update(name.encode() + b"\x00" + source.encode("utf-8") + b"\x01")
            for rel in code_files(kind):
                if rel == "cite/":
                    from scrutiny.site.citations import _code_version

                    h.update(b"cite/\x00" + _code_version().encode() + b"\x01")
                else:
                    h.update(rel.encode() + b"\x00" + (PACKAGE / rel).read_bytes() + b"\x01")
            key = self._code[kind] = h.hexdigest()
            if kept and _CODE_KEYS is not None:
                if len(_CODE_KEYS) > 200:
                    _CODE_KEYS.clear()
                _CODE_KEYS[kept] = key
        self._code[kind] = key
        return key

    def key(self, rel: str, template: str, key_data) -> str | None:
        if key_data is None:
            return None
        if self._common is None:   # encoded once, as input_key would (the same key)
            import json

            self._common = json.dumps(self.common, sort_keys=True, ensure_ascii=False, default=str,
                                      separators=(",", ":")).encode("utf-8")
        return input_key(self.code_key(template), template, rel, self._common, key_data)

    def fresh(self, rel: str, template: str, key_data) -> bool:
        """True (and the page counts as unchanged) when its inputs did not change."""
        return self.writer.fresh(rel, self.key(rel, template, key_data))

    def page(self, rel: str, template: str, key_data, make_context, checked: bool = False) -> None:
        """Render ``template`` to ``rel`` unless its inputs (``key_data``) are unchanged.

        ``make_context`` is only called when the page has to be rendered;
        ``checked=True`` when the caller already asked :meth:`fresh`.
        """
        key = self.key(rel, template, key_data)
        if not checked and self.writer.fresh(rel, key):
            return
        root = depth_root(rel)
        context = dict(self.common)
        context.update(root=root, page_path=rel, u=Urls(root, self.where))
        context.update(make_context())
        html = self.env.get_template(template).render(**context)
        self.rendered += 1
        self.writer.write(rel, html, key)

    def data(self, rel: str, text: str, key: str | None = None) -> None:
        self.writer.write(rel, text, key or input_key(text))


class Urls:
    """Page addresses relative to the current page: ``u.doc('x')`` -> ``../../doc/x/index.html``.

    Every link names its file (``index.html``, or the part of a long document a
    passage is on): the site works opened from a folder (``file://``), where a
    link to a folder shows a file listing. ``where`` maps the passages of long
    documents to their part's file (``scrutiny.site.parts``); any other passage
    is on its document's ``index.html``.
    """

    __slots__ = ("root", "where")

    def __init__(self, root: str, where: dict | None = None):
        self.root = root
        self.where = where if where is not None else {}

    def home(self):
        return f"{self.root}index.html"

    def doc(self, doc_id, pid=None):
        page = self.where.get(pid, "index.html") if pid else "index.html"
        return f"{self.root}doc/{doc_id}/{page}" + (f"#p-{pid}" if pid else "")

    def doc_part(self, doc_id, page_file, fragment=None):
        return f"{self.root}doc/{doc_id}/{page_file}" + (f"#{fragment}" if fragment else "")

    def passage(self, passage):
        """The passage's place in its document's pages (a Passage or PassageRef)."""
        return self.doc(passage.doc_id, passage.id)

    def permalink(self, pid):
        return f"{self.root}p/{pid}/index.html"

    def claim(self, claim_id):
        return f"{self.root}claims/{claim_id}/index.html"

    def stakeholder(self, sid):
        return f"{self.root}stakeholders/{sid}/index.html"

    def named(self, sid, file):
        """A page of the list of documents naming a stakeholder (``site.named_lists``)."""
        return f"{self.root}stakeholders/{sid}/{file}"

    def essay(self, essay_id):
        return f"{self.root}critique/{essay_id}/index.html"

    def section(self, name):
        return f"{self.root}{name}/index.html"

    def section_page(self, name, file):
        """Another page of a section (``documents/2019.html``)."""
        return f"{self.root}{name}/{file}"

    def static(self, name):
        return f"{self.root}static/{name}"
