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
    "stakeholders.yaml": "# People, organisations, documents and programmes. See README: adding a stakeholder.\nstakeholders: []\n",
    "ties.yaml": "# Ties between stakeholders, each with its sources. See README: adding a tie.\nties: []\n",
    "claims.yaml": "# The contested claims register. See README: adding a claim.\nclaims: []\n",
    "sources.json": "[]\n",
    "critique/README.md": "Critique essays go here, one Markdown file each.\n",
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
