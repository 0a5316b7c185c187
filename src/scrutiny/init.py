"""`scrutiny init DIR`: a new, empty project another campaign can fill."""

from __future__ import annotations

from pathlib import Path

from scrutiny.atomic import write_text
from scrutiny.errors import ProjectError
from scrutiny.project import MANIFEST

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


def init_project(directory, name: str | None = None) -> Path:
    root = Path(directory).resolve()
    if (root / MANIFEST).exists():
        raise ProjectError(f"{root} is already a scrutiny project ({MANIFEST} exists)")
    root.mkdir(parents=True, exist_ok=True)
    (root / "corpus" / "sources").mkdir(parents=True, exist_ok=True)
    write_text(root / MANIFEST, MANIFEST_TEMPLATE.format(name=(name or root.name).replace('"', "'")))
    for rel, text in KB_FILES.items():
        path = root / "kb" / rel
        if not path.exists():
            write_text(path, text)
    gitignore = root / ".gitignore"
    if not gitignore.exists():
        write_text(gitignore, ".scrutiny/\ncorpus/sources/\nsite/\n")
    return root
