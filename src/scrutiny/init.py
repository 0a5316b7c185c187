"""`scrutiny init DIR`: a new, empty project another campaign can fill.

It creates every folder a project uses as input: ``corpus/sources/`` (the
documents), ``kb/`` and ``kb/critique/`` (the knowledge base), and
``site_templates/`` (overrides of the theme). What scrutiny derives
(``.scrutiny/``, ``site/``) is made by the stages that write it.
"""

from __future__ import annotations

from pathlib import Path

from scrutiny.atomic import write_text
from scrutiny.errors import ProjectError
from scrutiny.project import MANIFEST, Project

MANIFEST_TEMPLATE = """\
# The documents of this corpus, one [documents.<id>] table each.
# Fields: title, short_title, kind ("policy" or "critique"), publisher,
# authors (a list), date (YYYY, YYYY-MM or YYYY-MM-DD), url (official page or
# file), licence, source (file name under corpus/sources/). `scrutiny fetch`
# and `scrutiny ingest` fill in sha256.

[project]
name = "{name}"
# The public address of the published site, used in permalinks and citations.
base_url = ""
# The spaCy model the taggers load (falls back to rules alone, with a warning).
spacy_model = "en_core_web_sm"

[documents]
"""

KB_FILES = {
    "stakeholders.yaml": (
        "# People, organisations, documents and programmes, each with its sources.\n"
        "# Format and examples: docs/kb.md (adding a stakeholder). Check with `scrutiny kb check`.\n"
        "stakeholders: []\n"
    ),
    "ties.yaml": (
        "# Ties between stakeholders (relation, role, start, end), each with its sources.\n"
        "# Relations are listed in the vocabulary (docs/kb.md: adding a tie).\n"
        "ties: []\n"
    ),
    "claims.yaml": (
        "# The claims register: contested claims, the documents that make them, how to find\n"
        "# them once ingested (search terms or passage ids), the critique and the evidence.\n"
        "claims: []\n"
    ),
    "sources.json": "[]\n",
    "critique/README.md": (
        "Critique essays go here, one Markdown file each, starting with YAML front matter\n"
        "(id, title, document, author, date). Each essay is also a `kind = \"critique\"` document\n"
        "in corpus/manifest.toml with `source = \"kb/critique/<file>.md\"`. See docs/kb.md.\n"
    ),
}


TEMPLATES_README = """\
The site's look. scrutiny ships a theme (templates, partials and static files);
a file here with the same name as one of the theme's replaces it, file by file:
`_footer.html` changes the footer of every page, `static/site.css` the style
sheet. Other files here (a logo under static/) are added to the site. Start
from the theme's own file: `python -c "import scrutiny.site.render as r; print(r.THEME_DIR)"`
prints where it is. See docs/site.md (Theme) in the scrutiny repository.
"""


def init_project(directory, name: str | None = None, database: str | None = None) -> Path:
    """A new project in ``directory``; ``database``: a PostgreSQL address for a
    shared store (`scrutiny init --database` connects to it first)."""
    root = Path(directory).resolve()
    if (root / MANIFEST).exists():
        raise ProjectError(f"{root} is already a scrutiny project ({MANIFEST} exists)")
    if database is not None and not database.startswith(("postgresql://", "postgres://")):
        raise ProjectError(f"--database {database!r}: give a postgresql:// address")
    root.mkdir(parents=True, exist_ok=True)
    project = Project(root)
    for folder in (project.sources_dir, project.kb_dir / "critique", project.templates_dir / "static"):
        folder.mkdir(parents=True, exist_ok=True)
    manifest = MANIFEST_TEMPLATE.format(name=(name or root.name).replace('"', "'"))
    if database is not None:
        import tomlkit

        manifest = manifest.replace("\n[documents]", "# The shared store and full-text index (PostgreSQL).\n"
                                    f"database = {tomlkit.string(database).as_string()}\n\n[documents]", 1)
    write_text(root / MANIFEST, manifest)
    files = {project.kb_dir / rel: text for rel, text in KB_FILES.items()}
    files[project.templates_dir / "README.md"] = TEMPLATES_README
    for path, text in files.items():
        if not path.exists():
            write_text(path, text)
    gitignore = root / ".gitignore"
    if not gitignore.exists():
        write_text(gitignore, ".scrutiny/\ncorpus/sources/\nsite/\ninbox/\n")
    return root
