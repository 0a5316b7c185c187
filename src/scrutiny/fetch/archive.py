"""Captures of a lost address in the web archives.

Two archives, in this order:

- the **UK Government Web Archive** (The National Archives), which keeps
  GOV.UK and the NHS bodies' sites: its CDX index ``<ukgwa>/cdx?url=...``;
- the **Internet Archive's Wayback Machine**: its availability answer
  ``<api>/wayback/available?url=...&timestamp=...`` (the capture closest to a
  date) and its CDX index ``<wayback>/cdx/search/cdx?url=...&output=json``.

Both replay a capture's original bytes (not the archive's page around it) at
``.../<14-digit timestamp>id_/<original address>``. Captures are tried nearest
to the document's date first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlencode

from scrutiny.fetch.download import DownloadError, get_page
from scrutiny.fetch.settings import FetchSettings

ARCHIVES = {
    "ukgwa": "the UK Government Web Archive",
    "wayback": "the Internet Archive's Wayback Machine",
}


@dataclass
class Capture:
    archive: str          # "ukgwa" | "wayback"
    timestamp: str        # YYYYMMDDhhmmss
    original: str         # the address as it was captured
    raw_url: str          # the capture's own bytes (the id_ form)
    view_url: str         # the capture as the archive shows it to a reader
    mime: str | None = None
    status: str | None = None

    @property
    def when(self) -> str:
        """The capture time as ISO 8601 (UTC), e.g. 2018-03-02T10:11:12Z."""
        ts = (self.timestamp + "00000000000000")[:14]
        try:
            return datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return self.timestamp

    @property
    def day(self) -> str:
        return self.when[:10]

    @property
    def name(self) -> str:
        return ARCHIVES.get(self.archive, self.archive)


def target_timestamp(date: str | None) -> str | None:
    """A 14-digit timestamp for a manifest date (YYYY, YYYY-MM, YYYY-MM-DD)."""
    digits = "".join(ch for ch in str(date or "") if ch.isdigit())[:8]
    if len(digits) < 4:
        return None
    digits = digits + "0101"[len(digits) - 4:] if len(digits) < 8 else digits
    return (digits + "000000")[:14]


def _distance(ts: str, target: str | None) -> float:
    if not target:
        return -float(ts[:14] or 0)  # no date: the newest first
    try:
        a = datetime.strptime((ts + "00000000000000")[:14], "%Y%m%d%H%M%S")
        b = datetime.strptime(target, "%Y%m%d%H%M%S")
    except ValueError:
        return float("inf")
    return abs((a - b).total_seconds())


def raw_url(base: str, timestamp: str, original: str) -> str:
    return f"{base.rstrip('/')}/{timestamp}id_/{original}"


def view_url(base: str, timestamp: str, original: str) -> str:
    return f"{base.rstrip('/')}/{timestamp}/{original}"


def _rows(text: str) -> list[dict]:
    """CDX answers in either shape: a JSON array whose first row names the fields
    (the Wayback Machine), or one JSON object per line (pywb, the UKGWA), or
    space-separated lines (urlkey timestamp original mime status digest length)."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            data = json.loads(text)
        except ValueError:
            return []
        if not data or not isinstance(data, list) or not isinstance(data[0], list):
            return []
        head = [str(h) for h in data[0]]
        return [dict(zip(head, map(str, row))) for row in data[1:] if isinstance(row, list)]
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                rows.append({k: str(v) for k, v in obj.items()})
        else:
            parts = line.split()
            if len(parts) >= 5:
                rows.append({"urlkey": parts[0], "timestamp": parts[1], "original": parts[2],
                             "mimetype": parts[3], "statuscode": parts[4]})
    return rows


def _captures_from_rows(rows: list[dict], archive: str, replay_base: str) -> list[Capture]:
    out = []
    for r in rows:
        ts = r.get("timestamp", "")
        original = r.get("original") or r.get("url") or ""
        status = r.get("statuscode") or r.get("status")
        if not (ts.isdigit() and original):
            continue
        if status and status not in ("200", "-"):
            continue  # a captured error page or redirect: not the document
        out.append(Capture(archive, ts, original, raw_url(replay_base, ts, original),
                           view_url(replay_base, ts, original), r.get("mimetype") or r.get("mime"), status))
    return out


def _ordered(captures: list[Capture], target: str | None, first: Capture | None = None) -> list[Capture]:
    seen, out = set(), []
    for c in ([first] if first else []) + sorted(captures, key=lambda c: (_distance(c.timestamp, target), c.timestamp)):
        if c.timestamp in seen:
            continue
        seen.add(c.timestamp)
        out.append(c)
    return out


def ukgwa_captures(client, url: str, date: str | None, settings: FetchSettings, hosts=None) -> list[Capture]:
    """Captures of ``url`` in the UK Government Web Archive, nearest to ``date`` first."""
    query = urlencode({"url": url, "output": "json"})
    final, status, _, text = get_page(client, f"{settings.ukgwa_url}/cdx?{query}", settings, hosts=hosts,
                                      accept="application/json,text/plain;q=0.9,*/*;q=0.5")
    if status == 404:
        return []
    if status >= 400:
        raise DownloadError(final, "http", f"the archive's index answered HTTP {status}", status=status)
    return _ordered(_captures_from_rows(_rows(text), "ukgwa", settings.ukgwa_url), target_timestamp(date))


def wayback_captures(client, url: str, date: str | None, settings: FetchSettings, hosts=None) -> list[Capture]:
    """Captures of ``url`` in the Wayback Machine: the availability answer's
    closest capture, then the CDX index's, nearest to ``date`` first."""
    target = target_timestamp(date)
    replay = f"{settings.wayback_url}/web"
    closest = None
    params = {"url": url, **({"timestamp": target} if target else {})}
    try:
        _, status, _, text = get_page(client, f"{settings.wayback_api_url}/wayback/available?{urlencode(params)}",
                                      settings, hosts=hosts, accept="application/json")
        if status < 400:
            snap = (json.loads(text).get("archived_snapshots") or {}).get("closest") or {}
            if snap.get("available") and str(snap.get("status", "200")) == "200" and str(snap.get("timestamp", "")).isdigit():
                ts = str(snap["timestamp"])
                closest = Capture("wayback", ts, url, raw_url(replay, ts, url), view_url(replay, ts, url), None, "200")
    except (ValueError, AttributeError):
        closest = None  # an answer that is not the expected JSON: the CDX index decides
    query = urlencode({"url": url, "output": "json", "fl": "timestamp,original,mimetype,statuscode",
                       "filter": "statuscode:200", "collapse": "digest", "limit": "200"})
    _, status, _, text = get_page(client, f"{settings.wayback_url}/cdx/search/cdx?{query}", settings,
                                  hosts=hosts, accept="application/json")
    rows = _rows(text) if status < 400 else []
    return _ordered(_captures_from_rows(rows, "wayback", replay), target, closest)


FINDERS = (("ukgwa", ukgwa_captures), ("wayback", wayback_captures))


def captures(client, url: str, date: str | None, settings: FetchSettings, hosts=None, notes: list | None = None):
    """Captures of ``url``, archive by archive (UKGWA first), nearest to
    ``date`` first within each. An archive that cannot be asked is noted in
    ``notes`` and skipped."""
    for archive, finder in FINDERS:
        try:
            found = finder(client, url, date, settings, hosts=hosts)
        except DownloadError as exc:
            if notes is not None:
                notes.append((archive, exc.reason))
            continue
        if not found and notes is not None:
            notes.append((archive, "no capture"))
        yield archive, found
