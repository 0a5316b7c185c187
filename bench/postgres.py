"""A throw-away PostgreSQL cluster for the tests and `make bench-scale`: Debian's initdb/pg_ctl, a
temporary folder, a Unix socket in it and no TCP port. initdb refuses to run as
root, so as root the cluster belongs to the ``postgres`` user (made by Debian's
package) and its commands run through ``runuser``. Each test gets a database
of its own."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class Cluster:
    def __init__(self):
        bindir = pg_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="scrutiny-pg-"))
        self.data = self.folder / "data"
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres"
            shutil.chown(self.folder, user=self.user)
        self._counter = itertools.count()
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "scrutiny", "--no-sync", "-E", "UTF8",
                  "--locale=C.UTF-8")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-k {self.folder} -c listen_addresses='' -F -c fsync=off -c full_page_writes=off", "start")

    def _run(self, tool: str, *args: str) -> None:
        argv = [str(self.bindir / tool), *args]
        if self.user:
            argv = ["runuser", "-u", self.user, "--", *argv]
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=self.folder)
        if proc.returncode != 0:
            raise RuntimeError(f"{tool} failed: {proc.stderr or proc.stdout}")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://scrutiny@/{dbname}?host={self.folder}"

    def new_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
