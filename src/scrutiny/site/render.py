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


def make_env(dirs: list[Path]) -> jinja2.Environment:
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
    """Hash of the templates, static files and site code: any change rebuilds every page."""
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


def depth_root(rel: str) -> str:
    """The relative prefix from page ``rel`` back to the site root ("", "../", "../../")."""
    return "../" * rel.count("/")


class Renderer:
    def __init__(self, env: jinja2.Environment, writer: Writer, common: dict, fp: str):
        self.env = env
        self.writer = writer
        self.common = common
        self.fp = fp
        self.rendered = 0
        self.where: dict[str, str] = {}   # passage id -> the file of its document's part (long documents)

    def urls(self, rel: str) -> "Urls":
        return Urls(depth_root(rel), self.where)

    def key(self, rel: str, template: str, key_data) -> str | None:
        return input_key(self.fp, template, rel, self.common, key_data) if key_data is not None else None

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

    def essay(self, essay_id):
        return f"{self.root}critique/{essay_id}/index.html"

    def section(self, name):
        return f"{self.root}{name}/index.html"

    def static(self, name):
        return f"{self.root}static/{name}"
