"""The project's own processes as real servers for the tests, as alliance members run them:
gunicorn serving judicial_verify.wsgi on a loopback port, each with its own PostgreSQL
database (migrated), STATE_DIR and settings. A witness has its own cosigning key and no log of
its own."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.db import connection
from psycopg import sql

from judicial_verify.tlog.cosignature import generate_cosigner_key

REPO = Path(__file__).resolve().parent.parent
START_SECONDS = 60
# The test run's own settings, which a process must not inherit: it has its own database and
# state, and no Redis, log key or policy but those its settings() give it.
NOT_INHERITED = (
    "DATABASE_URL", "STATE_DIR", "REDIS_URL", "LOG_ORIGIN", "LOG_SIGNING_KEY",
    "LOG_SIGNING_KEY_FILE", "WITNESS_NAME", "WITNESS_SIGNING_KEY", "WITNESS_SIGNING_KEY_FILE",
    "WITNESS_POLICY", "DJANGO_ALLOW_ASYNC_UNSAFE",
)  # fmt: skip


DROP_DATABASE = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
CREATE_DATABASE = sql.SQL("CREATE DATABASE {}")


def free_port() -> int:
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


def databases_create(names: Sequence[str]) -> None:
    """Creates each database anew, on the PostgreSQL server of the test database."""
    with _admin_connection() as admin:
        for name in names:
            admin.execute(DROP_DATABASE.format(sql.Identifier(name)))
            admin.execute(CREATE_DATABASE.format(sql.Identifier(name)))


def databases_drop(names: Sequence[str]) -> None:
    with _admin_connection() as admin:
        for name in names:
            admin.execute(DROP_DATABASE.format(sql.Identifier(name)))


@dataclass(kw_only=True)
class ServerProcess:
    """One of the project's processes as a deployment runs it: its own PostgreSQL database
    and STATE_DIR, the settings `settings()` gives, gunicorn on a loopback port."""

    database: str
    state: Path
    port: int = field(default_factory=free_port)
    process: "subprocess.Popen[bytes] | None" = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def settings(self) -> dict[str, str]:
        """Its own settings, beside its database and state."""
        return {}

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
            **self.settings(),
        }

    def manage(self, *args: str) -> "subprocess.Popen[bytes]":
        """Starts `manage.py args...` as this process would run it; the caller waits for it."""
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.environ(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def start(self, workers: int = 1) -> None:
        """Starts its server and returns once it answers /health."""
        command = [
            sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers), "--no-control-socket", "--log-level", "warning",
            "judicial_verify.wsgi",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=REPO, env=self.environ())
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert self.process.poll() is None, f"{self} exited"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, f"{self} did not answer"
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@dataclass(kw_only=True)
class WitnessServer(ServerProcess):
    """One witness: its name in the tests' policies, its key, its database, state and port."""

    name: str
    skey: str
    vkey: str

    def __str__(self) -> str:
        return f"witness {self.name}"

    @property
    def url(self) -> str:
        """Its tlog-witness submission prefix, as a policy names it."""
        return f"{self.base_url}/witness"

    def settings(self) -> dict[str, str]:
        return {"WITNESS_NAME": self.vkey.split("+", 1)[0], "WITNESS_SIGNING_KEY": self.skey}


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
    for name, state in zip(names, states, strict=True):
        skey, vkey = generate_cosigner_key(f"{name}.alliance.example/witness")
        database = f"{connection.settings_dict['NAME']}_{name}"
        witnesses.append(
            WitnessServer(name=name, skey=skey, vkey=vkey, database=database, state=state)
        )
    databases_create([w.database for w in witnesses])
    finished([w.manage("migrate", "--verbosity", "0") for w in witnesses])
    for witness in witnesses:
        witness.start()
    return witnesses


def witnesses_remove(witnesses: Sequence[WitnessServer]) -> None:
    """Stops the witnesses and drops their databases."""
    for witness in witnesses:
        witness.stop()
    databases_drop([w.database for w in witnesses])
