"""A throwaway PostgreSQL server for the test run, started from the installed binaries.

If MEDBRIDGE_TEST_POSTGRES_URL is set, that server is used instead. Nothing here touches
the machine's own clusters: the data directory is a temporary folder, deleted at the end.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def find_postgres_bin() -> str | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for directory in reversed(candidates):
        if os.path.exists(os.path.join(directory, "initdb")):
            return directory
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TemporaryPostgres:
    def __init__(self, bin_dir: str, settings: dict[str, str] | None = None):
        self.bin_dir = bin_dir
        self.settings = settings or {}   # server settings beyond the defaults (benchmarks)
        self.root = tempfile.mkdtemp(prefix="medbridge-pg-")
        self.data = os.path.join(self.root, "data")
        self.port = _free_port()
        # initdb refuses to run as root; use the postgres account the Debian package creates.
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.prefix:
            shutil.chown(self.root, "postgres")

    def _run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, cwd=self.root)

    def start(self) -> str:
        self._run(os.path.join(self.bin_dir, "initdb"), "-D", self.data, "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        self._run(os.path.join(self.bin_dir, "pg_ctl"), "-D", self.data, "-w", "-l",
                  os.path.join(self.root, "log"), "-o",
                  f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
                  "-c synchronous_commit=off -c full_page_writes=off"
                  + "".join(f" -c {name}={value}" for name, value in self.settings.items()), "start")
        url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return url
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("temporary PostgreSQL did not start")

    def stop(self) -> None:
        subprocess.run([*self.prefix, os.path.join(self.bin_dir, "pg_ctl"), "-D", self.data,
                        "-m", "immediate", "stop"], capture_output=True, cwd=self.root)
        shutil.rmtree(self.root, ignore_errors=True)
