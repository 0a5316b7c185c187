"""How fetch talks to the web: addresses of GOV.UK and the archives, deadlines,
rates, caps. Every address can be changed (tests point them at 127.0.0.1).

Settings come from, in order: the defaults below, the manifest's ``[fetch]``
table, the environment (``SCRUTINY_GOVUK_URL``, ``SCRUTINY_UKGWA_URL``,
``SCRUTINY_WAYBACK_URL``, ``SCRUTINY_WAYBACK_API_URL``, ``SCRUTINY_FETCH_ARCHIVES``,
``SCRUTINY_MIRROR_DIRS``), and the arguments of the call or the command line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from scrutiny import __version__

MiB = 1024 * 1024


@dataclass(frozen=True)
class FetchSettings:
    # where the publishers' services and the archives answer
    govuk_url: str = "https://www.gov.uk"                          # pages and /api/content/<path>
    ukgwa_url: str = "https://webarchive.nationalarchives.gov.uk/ukgwa"  # /cdx and /<ts>id_/<url>
    wayback_url: str = "https://web.archive.org"                   # /cdx/search/cdx and /web/<ts>id_/<url>
    wayback_api_url: str = "https://archive.org"                   # /wayback/available
    archives: bool = True              # look in the archives when the live copy is gone
    # limits of one download
    connect_timeout: float = 10.0      # seconds to open a connection
    read_timeout: float = 30.0         # seconds of silence before giving up
    deadline: float = 600.0            # seconds for one file, all retries included
    min_rate: float = 2048.0           # bytes per second, averaged over rate_window
    rate_window: float = 30.0          # seconds
    max_bytes: int = 200 * MiB         # one file
    max_page_bytes: int = 5 * MiB      # a landing page or an API answer
    retries: int = 3                   # resumptions after a dropped connection
    max_redirects: int = 10
    max_parallel: int = 4              # downloads at once
    archive_tries: int = 3             # captures tried per archive and address
    contact: str = ""                  # added to the User-Agent (an e-mail or a web address)
    trust_env: bool = True             # honour HTTP(S)_PROXY and friends
    mirror_dirs: tuple[Path, ...] = field(default_factory=tuple)  # folders outside the project trusted for mirrors

    @property
    def user_agent(self) -> str:
        import httpx

        contact = f"; {self.contact}" if self.contact else ""
        return (f"scrutiny/{__version__} (policy-document research tool; fetches the documents "
                f"a campaign cites{contact}) python-httpx/{httpx.__version__}")

    def with_(self, **changes) -> "FetchSettings":
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in changes.items() if k in known and v is not None})

    @classmethod
    def from_project(cls, project=None, manifest=None, **overrides) -> "FetchSettings":
        """Defaults, then the manifest's ``[fetch]`` table, the environment, ``overrides``."""
        base = cls()
        table = {}
        if manifest is not None:
            table = dict(getattr(manifest, "fetch", {}) or {})
        elif project is not None:
            from scrutiny.manifest import load_manifest

            table = dict(load_manifest(project.manifest_path).fetch or {})
        env = os.environ
        for key, name in (("govuk_url", "SCRUTINY_GOVUK_URL"), ("ukgwa_url", "SCRUTINY_UKGWA_URL"),
                          ("wayback_url", "SCRUTINY_WAYBACK_URL"),
                          ("wayback_api_url", "SCRUTINY_WAYBACK_API_URL")):
            if env.get(name):
                table[key] = env[name]
        if env.get("SCRUTINY_FETCH_ARCHIVES"):
            table["archives"] = env["SCRUTINY_FETCH_ARCHIVES"].strip().lower() not in ("0", "no", "false", "off")
        dirs = [d for d in env.get("SCRUTINY_MIRROR_DIRS", "").split(os.pathsep) if d.strip()]
        if dirs:
            table["mirror_dirs"] = tuple(Path(d).expanduser() for d in dirs)
        for key in ("govuk_url", "ukgwa_url", "wayback_url", "wayback_api_url"):
            if isinstance(table.get(key), str):
                table[key] = table[key].rstrip("/")
        for key in ("max_parallel", "retries", "max_redirects", "archive_tries"):
            if key in table:
                table[key] = max(1, int(table[key]))
        settings = base.with_(**table)
        return settings.with_(**overrides)
