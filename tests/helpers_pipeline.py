"""A small campaign of our own synthetic text for the pipeline tests: one policy
document, one critique essay about it, one stakeholder the policy names."""

from __future__ import annotations

import json
from pathlib import Path

POLICY = """# The Example Recovery Plan

## Waiting times

The plan commits every trust to cut waiting times for talking therapies to six weeks by 2027.

## Workforce

The Northfield Example Trust will train four hundred new peer support workers for community services.
"""

CRITIQUE = """---
id: plan-critique
title: What the Example Recovery Plan leaves out
document: plan
author: A. Campaigner
date: 2025-01
---

# What the plan leaves out

The promise to cut waiting times for talking therapies to six weeks counts only the first appointment,
so trusts can meet it while people wait months for the second.

The [[doc:plan]] names [[stakeholder:northfield]] as the trust that will train the peer support workers.
"""

STAKEHOLDERS = """stakeholders:
  - id: northfield
    name: Northfield Example Trust
    kind: organisation
    sector: nhs_body
    sources:
      - {source: plan, locator: section "Workforce"}
"""

SOURCES = [{"id": "plan", "type": "report", "title": "The Example Recovery Plan",
            "publisher": "Department of Examples", "issued": {"date-parts": [[2025]]}}]


def fill_project(root: Path) -> None:
    """Our own synthetic policy document, a critique essay and one stakeholder."""
    (root / "corpus" / "sources" / "plan.md").write_text(POLICY, encoding="utf-8")
    (root / "kb" / "critique" / "plan-critique.md").write_text(CRITIQUE, encoding="utf-8")
    (root / "kb" / "stakeholders.yaml").write_text(STAKEHOLDERS, encoding="utf-8")
    (root / "kb" / "sources.json").write_text(json.dumps(SOURCES, indent=2), encoding="utf-8")
    manifest = root / "corpus" / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + """
[documents.plan]
title = "The Example Recovery Plan"
kind = "policy"
publisher = "Department of Examples"
date = "2025"
licence = "OGL-UK-3.0"
source = "plan.md"

[documents.plan-critique]
title = "What the Example Recovery Plan leaves out"
kind = "critique"
date = "2025-01"
licence = "CC-BY-4.0"
source = "kb/critique/plan-critique.md"
""", encoding="utf-8")


def seed_claim_model(built, root: Path) -> None:
    """Give a new project the claim classifier another project trained (cached
    under .scrutiny/ by a hash of its training data, code and model, whatever the
    project): a build then skips 12 s of training and changes nothing else."""
    models = sorted(built.data_dir.rglob("claim-model-*.pickle"))
    assert models, f"no trained claim model under {built.data_dir}"
    for model in models:
        dest = root / ".scrutiny" / model.relative_to(built.data_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(model.read_bytes())
