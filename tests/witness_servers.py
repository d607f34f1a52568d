"""The project's own witness as real server processes for the tests, as an alliance member runs
it: gunicorn serving judicial_verify.wsgi on a loopback port, each witness with its own
PostgreSQL database (migrated), STATE_DIR and cosigning key, and no log of its own."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.db import connection
from psycopg import sql

from judicial_verify.tlog.cosignature import generate_cosigner_key

REPO = Path(__file__).resolve().parent.parent
START_SECONDS = 60
# The test run's own settings, which a witness must not inherit: it has its own database and
# state, no Redis, no log key and no policy.
NOT_INHERITED = (
    "DATABASE_URL", "STATE_DIR", "REDIS_URL", "LOG_SIGNING_KEY", "LOG_SIGNING_KEY_FILE",
    "WITNESS_NAME", "WITNESS_SIGNING_KEY", "WITNESS_SIGNING_KEY_FILE", "WITNESS_POLICY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)  # fmt: skip


DROP_DATABASE = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
CREATE_DATABASE = sql.SQL("CREATE DATABASE {}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _admin_connection() -> psycopg.Connection:
    """A connection to the PostgreSQL server of the test database, to create databases."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@dataclass
class WitnessServer:
    """One witness: its name in the tests' policies, its key, its database, state and port."""

    name: str
    skey: str
    vkey: str
    database: str
    state: Path
    port: int
    process: "subprocess.Popen[bytes] | None" = None

    @property
    def url(self) -> str:
        """Its tlog-witness submission prefix, as a policy names it."""
        return f"http://127.0.0.1:{self.port}/witness"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def environ(self) -> dict[str, str]:
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        database_url = (
            f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{self.database}"
        )
        inherited = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        return {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "judicial_verify.settings",
            "DATABASE_URL": database_url,
            "STATE_DIR": str(self.state),
            "WITNESS_NAME": self.vkey.split("+", 1)[0],
            "WITNESS_SIGNING_KEY": self.skey,
        }

    def manage(self, *args: str) -> "subprocess.Popen[bytes]":
        """Starts `manage.py args...` as this witness; the caller waits for it."""
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.environ(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def start(self) -> None:
        """Starts its server and returns once it answers /health."""
        command = [
            sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
            "--workers", "1", "--no-control-socket", "--log-level", "warning",
            "judicial_verify.wsgi",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=REPO, env=self.environ())
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert self.process.poll() is None, f"witness {self.name} exited"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, f"witness {self.name} did not answer"
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


def finished(processes: Sequence["subprocess.Popen[bytes]"]) -> list[str]:
    """Waits for each process; returns their outputs; fails naming the first that failed."""
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
        outputs.append(out.decode())
    return outputs


def witnesses_start(names: Sequence[str], states: Sequence[Path]) -> list[WitnessServer]:
    """Creates and migrates a database for each witness, then starts them all."""
    witnesses = []
    with _admin_connection() as admin:
        for name, state in zip(names, states, strict=True):
            database = f"{connection.settings_dict['NAME']}_{name}"
            admin.execute(DROP_DATABASE.format(sql.Identifier(database)))
            admin.execute(CREATE_DATABASE.format(sql.Identifier(database)))
            skey, vkey = generate_cosigner_key(f"{name}.alliance.example/witness")
            witnesses.append(WitnessServer(name, skey, vkey, database, state, _free_port()))
    finished([w.manage("migrate", "--verbosity", "0") for w in witnesses])
    for witness in witnesses:
        witness.start()
    return witnesses


def witnesses_remove(witnesses: Sequence[WitnessServer]) -> None:
    """Stops the witnesses and drops their databases."""
    for witness in witnesses:
        witness.stop()
    with _admin_connection() as admin:
        for witness in witnesses:
            admin.execute(DROP_DATABASE.format(sql.Identifier(witness.database)))
