"""Where a source file's bytes came from, as recorded in the manifest.

Each fetched document gets a ``[documents.<id>.retrieved]`` table::

    [documents.thriving-at-work.retrieved]
    from = "ukgwa"                      # live | ukgwa | wayback | mirror
    url = "https://assets.publishing.service.gov.uk/.../thriving-at-work.pdf"
    page_url = "https://www.gov.uk/government/publications/thriving-at-work-..."
    final_url = "..."                   # after redirects
    archive_url = "https://webarchive.nationalarchives.gov.uk/ukgwa/20180302101112/https://..."
    capture = "2018-03-02T10:11:12Z"    # when the archive captured it
    content_type = "application/pdf"
    size = 1234567
    at = "2026-05-01T09:30:00Z"         # when scrutiny retrieved it
    sha256 = "..."

The document's page on the site says it in words ("retrieved from the UK
Government Web Archive, capture of 2018-03-02").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from scrutiny.fetch.archive import ARCHIVES

FROM = {"live": "the publisher's site", "mirror": "a local copy", **ARCHIVES}


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Provenance:
    source: str                       # live | ukgwa | wayback | mirror
    url: str | None = None            # the address asked for (the original, for an archive)
    page_url: str | None = None       # the landing page it was found on
    final_url: str | None = None      # after redirects
    archive_url: str | None = None    # the capture as the archive shows it
    capture: str | None = None        # ISO time of the capture
    content_type: str | None = None
    size: int | None = None
    at: str | None = None             # ISO time of retrieval
    sha256: str | None = None
    mirror: str | None = None         # the local copy's path, relative to the root

    def to_manifest(self) -> dict:
        d = asdict(self)
        d["from"] = d.pop("source")
        order = ("from", "url", "page_url", "final_url", "archive_url", "capture", "mirror",
                 "content_type", "size", "at", "sha256")
        return {k: d[k] for k in order if d.get(k) not in (None, "")}

    @classmethod
    def from_manifest(cls, table: dict | None) -> "Provenance | None":
        if not isinstance(table, dict) or not table.get("from"):
            return None
        known = {k: table.get(k) for k in ("url", "page_url", "final_url", "archive_url", "capture",
                                            "content_type", "size", "at", "sha256", "mirror")}
        return cls(source=str(table["from"]), **known)

    def describe(self) -> str:
        """One line in words: "retrieved from the UK Government Web Archive,
        capture of 2018-03-02, on 2026-05-01"."""
        where = FROM.get(self.source, self.source)
        parts = [f"retrieved from {where}"]
        if self.capture:
            parts.append(f"capture of {self.capture[:10]}")
        if self.at:
            parts.append(f"on {self.at[:10]}")
        return ", ".join(parts)
