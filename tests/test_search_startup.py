"""What a `scrutiny search` process pays before its query: the manifest's [project]
table read without the documents' tables, and Whoosh's segment files opened in
place (not copied into memory)."""

import io
import pickle
import random

import pytest

import scrutiny.manifest as manifest_mod
from scrutiny.errors import ProjectError
from scrutiny.index import build_index, open_index
from scrutiny.manifest import load_manifest, load_project_table
from scrutiny.passages import Passage
from scrutiny.project import Project
from scrutiny.whoosh_import import _ViewFile

from conftest import run_cli

MANIFEST = """# our own synthetic manifest
[project]
name = "Startup test"   # a comment
base_url = ""
database = "{database}"

[documents]

[documents.alpha]
title = "Alpha note"
source = "alpha.txt"

[fetch]
retries = 2

[documents.beta]
title = "Beta note"
source = "beta.md"
authors = ["A. Writer"]

[site]
min_confidence = 0.5
"""


def _write(tmp_path, text):
    path = tmp_path / "manifest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_project_table_is_the_whole_manifests(tmp_path):
    for database in ("", "postgresql://user@host/db"):
        path = _write(tmp_path, MANIFEST.format(database=database))
        manifest_mod._LOADED.clear()
        assert load_project_table(path) == load_manifest(path).project
        assert load_project_table(path)["database"] == database


def test_project_table_in_root_dotted_keys_and_after_the_documents(tmp_path):
    path = _write(tmp_path, 'project.name = "Dotted"\n[documents.alpha]\ntitle = "A"\n'
                            '[project.extra]\nnote = "kept"\n')
    manifest_mod._LOADED.clear()
    assert load_project_table(path) == {"name": "Dotted", "extra": {"note": "kept"}}


def test_project_table_does_not_parse_the_documents(tmp_path, monkeypatch):
    path = _write(tmp_path, MANIFEST.format(database="") + "".join(
        f'\n[documents.d{i}]\ntitle = "Note {i}"\n' for i in range(50)))
    manifest_mod._LOADED.clear()

    def refuse(*args, **kwargs):
        raise AssertionError("the whole manifest was parsed")

    monkeypatch.setattr(manifest_mod, "_parse_manifest", refuse)
    assert load_project_table(path)["name"] == "Startup test"


def test_a_multiline_string_is_read_whole(tmp_path):
    """A header-like line inside a document's multi-line string: the text is not cut
    (cutting at that line would read a [project] table that is not there)."""
    path = _write(tmp_path, '[project]\nname = "Real"\n\n[documents.alpha]\ntitle = "A"\nnote = """\n'
                            '[project]\nname = "Inside a string"\n"""\n')
    manifest_mod._LOADED.clear()
    assert load_project_table(path) == {"name": "Real"} == load_manifest(path).project


def test_a_bad_project_setting_names_its_line(tmp_path):
    path = _write(tmp_path, MANIFEST.replace('database = "{database}"', "database = 5"))
    manifest_mod._LOADED.clear()
    with pytest.raises(ProjectError, match=r"manifest.toml:5: \[project\] database must be text"):
        load_project_table(path)
    bad = _write(tmp_path, '[project]\nname = "x"\nname = "twice"\n')
    with pytest.raises(ProjectError, match="invalid TOML"):
        load_project_table(bad)


def _passages():
    return [Passage(id=f"d-{i}", doc_id="d", ord=i, kind="paragraph", page=1 + i, page_end=1 + i,
                    text=f"Synthetic words about ferry timetables, number {i}.") for i in range(30)]


def test_search_does_not_parse_the_documents(project, monkeypatch):
    project.ensure_data_dir()
    build_index(project.index_path, {"d": "D"}, _passages())
    manifest_mod._LOADED.clear()

    def refuse(*args, **kwargs):
        raise AssertionError("the whole manifest was parsed")

    monkeypatch.setattr(manifest_mod, "_parse_manifest", refuse)
    out = run_cli("search", "ferry", root=project.root).output
    assert out.splitlines()[0] == "30 passages match 'ferry'; showing 10"
    assert Project(project.root).database is None


def test_segment_files_are_read_in_place(tmp_path):
    """Whoosh's BufferFile keeps the memoryview of the mmap (no io.BytesIO copy), and
    the index answers as before through the in-place reader."""
    from whoosh.filedb.structfile import BufferFile

    link = tmp_path / "data" / "index"
    build_index(link, {"d": "D"}, _passages())
    ix = open_index(link)
    with ix.searcher() as s:
        reader = s.reader()
        files = [f for f in vars(reader._terms).values() if isinstance(f, BufferFile)]
        files += [f for f in vars(reader._perdoc).values() if isinstance(f, BufferFile)]
        assert files
        for f in files:
            assert isinstance(f._buf, memoryview) and "file" not in vars(f)
            assert not isinstance(f.file, io.BytesIO)
        assert len(list(s.documents(doc_id="d"))) == 30
        m = reader.postings("text", b"ferri")
        assert len(list(m.all_ids())) == 30


def test_view_file_reads_as_bytesio_does():
    rng = random.Random(7)
    data = b"".join(pickle.dumps(x, p) for p in (0, 2, 4)
                    for x in ([1, "a\nb", 2.5], {"k": (1, 2)}, b"x" * 300)) + b"tail\nlast"
    a, b = io.BytesIO(data), _ViewFile(memoryview(data))
    for _ in range(400):
        op = rng.choice(["read", "readline", "seek", "tell", "pickle", "readinto"])
        if op == "read":
            n = rng.choice([-1, 0, 1, 5, 100, 10**6])
            assert a.read(n) == b.read(n)
        elif op == "readline":
            n = rng.choice([-1, 3, 200])
            assert a.readline(n) == b.readline(n)
        elif op == "seek":
            pos = rng.randrange(0, len(data) + 5)
            assert a.seek(pos) == b.seek(pos)
        elif op == "readinto":
            x, y = bytearray(7), bytearray(7)
            assert a.readinto(x) == b.readinto(y) and x == y
        elif op == "tell":
            assert a.tell() == b.tell()
        else:
            a.seek(0)
            b.seek(0)
            for _ in range(9):
                assert pickle.load(a) == pickle.load(b)
                assert a.tell() == b.tell()
        assert a.tell() == b.tell()
