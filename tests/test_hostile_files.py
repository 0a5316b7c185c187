"""Decompression bombs and oversized files are refused within a memory cap, in
seconds, with one clear line; the good file of the same run is ingested.

Each test runs `scrutiny ingest` in a subprocess and measures the peak resident
memory of it and its reader workers (see helpers_hostile.run_measured). The
bombs are made by the tests, about 1 MB each, expanding to 1 GiB.
"""

from __future__ import annotations

import pytest

from bench.fixtures import make_docx
from helpers_hostile import big_html, docx_bomb, markdown_good, pdf_flate_bomb, run_measured

# Peak resident memory allowed for a whole `scrutiny ingest --no-tag` run that
# meets a bomb, its reader workers included (before these checks: 2.1 GB for
# the DOCX, 2.1 GB for the PDF, 1.1 GB for the HTML page; now about 40 MB).
CAP_MB = 150


def _ingest(project, *files, extra=()):
    res = run_measured("ingest", *files, "--no-tag", *extra, root=project.root, timeout=90)
    res.assert_clean()
    return res


def _one_error(res, path) -> str:
    lines = [ln for ln in res.err.splitlines() if ln.strip()]
    assert len(lines) == 1, res.err
    assert lines[0].startswith(f"{path}: "), lines[0]
    return lines[0]


@pytest.fixture
def good(tmp_path):
    return markdown_good(tmp_path / "good-note.md")


def _good_went_through(res):
    assert "good-note: 1 pages" in res.out and "1 documents ready, 1 failed" in res.out, res.out


def test_docx_zip_bomb(project, tmp_path, good):
    make_docx(tmp_path / "real.docx")
    bomb = docx_bomb(tmp_path / "bomb.docx", tmp_path / "real.docx", expanded_mb=1024)
    assert bomb.stat().st_size < 2 * 1048576
    res = _ingest(project, bomb, good)
    line = _one_error(res, bomb)
    assert "expand to 1,025 MiB when unzipped" in line and "zip bomb" in line
    _good_went_through(res)
    assert res.peak_mb < CAP_MB and res.seconds < 30, (res.peak_mb, res.seconds)
    print(f"DOCX zip bomb (1 GiB): peak RSS {res.peak_mb:.0f} MB, {res.seconds:.1f} s")


def test_pdf_flate_bomb(project, tmp_path, good):
    bomb = pdf_flate_bomb(tmp_path / "bomb.pdf", expanded_mb=1024)
    assert bomb.stat().st_size < 2 * 1048576
    res = _ingest(project, bomb, good)
    line = _one_error(res, bomb)
    assert "compressed stream" in line and "decompression bomb" in line
    _good_went_through(res)
    assert res.peak_mb < CAP_MB and res.seconds < 30, (res.peak_mb, res.seconds)
    print(f"PDF flate bomb (1 GiB stream): peak RSS {res.peak_mb:.0f} MB, {res.seconds:.1f} s")


def test_fifty_megabyte_html_page(project, tmp_path, good):
    page = big_html(tmp_path / "huge.html", mb=50)
    res = _ingest(project, page, good)
    line = _one_error(res, page)
    assert "over the 16 MiB cap for HTML" in line
    _good_went_through(res)
    assert res.peak_mb < CAP_MB and res.seconds < 30, (res.peak_mb, res.seconds)
    print(f"HTML page of 50 MB: peak RSS {res.peak_mb:.0f} MB, {res.seconds:.1f} s")


def test_the_worker_memory_cap_catches_what_no_check_does(project, tmp_path, good):
    """A 60 MB text file passes every per-format check but needs more than a
    64 MiB cap to decode: the worker is stopped and the file refused."""
    big = tmp_path / "long.txt"
    line = ("Plain words about pensions, letters and the dates that changed. " * 16 + "\n\n").encode()
    big.write_bytes(line * (60 * 1048576 // len(line)))
    res = _ingest(project, big, good, extra=("--max-memory", "64"))
    message = _one_error(res, big)
    assert "needed more than the 64 MiB memory cap" in message and "--max-memory" in message
    _good_went_through(res)
    assert res.peak_mb < 64 + 64, res.peak_mb   # the cap, plus what the worker starts with
    print(f"60 MB text under a 64 MiB worker cap: peak RSS {res.peak_mb:.0f} MB, {res.seconds:.1f} s")


def test_a_slow_file_is_stopped_at_the_time_limit(project, tmp_path, good):
    page = big_html(tmp_path / "long-page.html", mb=12)   # about half a minute to read
    res = _ingest(project, page, good, extra=("--read-timeout", "1"))
    message = _one_error(res, page)
    assert "took longer than the 1 s limit" in message
    _good_went_through(res)
    assert res.seconds < 20
