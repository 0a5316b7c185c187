import os
import stat

import pytest

from scrutiny.atomic import write_if_changed, write_text


def test_new_files_get_the_umask_mode_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        write_text(tmp_path / "a.txt", "hello")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644


def test_rewrite_keeps_the_existing_mode(tmp_path):
    p = tmp_path / "b.txt"
    p.write_text("x")
    p.chmod(0o640)
    write_text(p, "y")
    assert stat.S_IMODE(p.stat().st_mode) == 0o640 and p.read_text() == "y"


def test_failed_write_leaves_old_content_and_no_temp_file(tmp_path):
    from scrutiny.atomic import atomic_open

    p = tmp_path / "c.txt"
    p.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_open(p) as fh:
            fh.write("half")
            raise RuntimeError("killed")
    assert p.read_text() == "old"
    assert [x.name for x in tmp_path.iterdir()] == ["c.txt"]


def test_write_if_changed(tmp_path):
    p = tmp_path / "d.txt"
    assert write_if_changed(p, "same") is True
    assert write_if_changed(p, "same") is False
    assert write_if_changed(p, "new") is True and p.read_text() == "new"
