"""A judicial alliance on this machine, for a demonstration: a court's log and three witnesses
run by other institutions, each a server process of its own, any two witnesses a quorum.

    python -m judicial_verify.alliance_demo FOLDER [--port 8000]     (scripts/alliance)

Each member keeps its state (SQLite database, keys) in a folder of its own under FOLDER, as
separate institutions would; the log runs its tasks in-process. The members are set up as the
README's "Running an alliance" says: each witness makes its key and trusts the log's key, the
court writes the witness policy naming them, and the log signs its first checkpoints only
with their cosignatures. Run again on the same FOLDER, it starts the same alliance. It prints
the URLs and the policy, and stops every process on Ctrl-C (or SIGTERM).

Only the standard library: each member is a `manage.py` process, configured as an operator
would configure it, through its environment.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parent.parent
LOG_ORIGIN = "court.alliance.localhost/log"
# The witnesses: their names in the policy, and the institutions that run them.
INSTITUTIONS = {
    "procuratorate": {"zh-hans": "北京市人民检察院", "en": "Beijing People's Procuratorate"},
    "notary": {"zh-hans": "北京市方圆公证处", "en": "Beijing Fangyuan Notary Office"},
    "arbitration": {"zh-hans": "北京仲裁委员会", "en": "Beijing Arbitration Commission"},
}
QUORUM = 2
COURT = ("demo-court", "北京互联网法院")
START_SECONDS = 60
STOP_SECONDS = 20
# Settings of the shell that started the demo which would point a member at another
# member's, or a deployment's, database, broker, state or keys.
NOT_INHERITED = (
    "DATABASE_URL", "REDIS_URL", "STATE_DIR", "LOG_ORIGIN", "LOG_SIGNING_KEY",
    "LOG_SIGNING_KEY_FILE", "WITNESS_NAME", "WITNESS_SIGNING_KEY", "WITNESS_SIGNING_KEY_FILE",
    "WITNESS_POLICY", "WITNESS_INSTITUTIONS", "DJANGO_SETTINGS_MODULE",
)  # fmt: skip


class DemoError(Exception):
    """A member could not be set up or started; the message says which and why."""


@dataclass
class Member:
    """One institution's process: its name, state folder, port and settings."""

    name: str
    state: Path
    port: int
    settings: dict[str, str]
    process: "subprocess.Popen[bytes] | None" = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environ(self) -> dict[str, str]:
        inherited = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        return {**inherited, "STATE_DIR": str(self.state), **self.settings}

    def manage(self, *args: str) -> str:
        """Runs `manage.py args...` as this member; returns what it printed."""
        done = subprocess.run(  # noqa: S603 (this interpreter, the project's manage.py)
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.environ(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise DemoError(f"{self.name}: manage.py {args[0]} failed:\n{done.stderr.strip()}")
        return done.stdout.strip()

    def start(self) -> None:
        """Starts its web server and returns once it answers /health."""
        command = [
            sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
            "--workers", "1", "--threads", "4", "--no-control-socket",
            "--log-level", "warning", "judicial_verify.wsgi",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=REPO, env=self.environ())  # noqa: S603 (gunicorn)
        deadline = time.monotonic() + START_SECONDS
        while self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.2)
        raise DemoError(f"{self.name}: its server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _ports(first: int, count: int) -> list[int]:
    """`count` ports from `first` on, or free ones chosen by the system when `first` is 0."""
    if first:
        return list(range(first, first + count))
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _private_folder(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _private_write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def members(folder: Path, first_port: int) -> tuple[Member, list[Member]]:
    """The log and the witnesses, each with its state folder under `folder`."""
    log_port, *witness_ports = _ports(first_port, 1 + len(INSTITUTIONS))
    log = Member("court", folder / "court", log_port, {"LOG_ORIGIN": LOG_ORIGIN})
    witnesses = [
        Member(name, folder / name, port, {"WITNESS_NAME": f"{name}.alliance.localhost/witness"})
        for name, port in zip(INSTITUTIONS, witness_ports, strict=True)
    ]
    return log, witnesses


def policy_text(log_vkey: str, witnesses: Sequence[tuple[Member, str]]) -> str:
    """The court's tlog-policy: its log key, each witness's key and URL, the quorum."""
    lines = [f"log {log_vkey}"]
    lines += [f"witness {w.name} {vkey} {w.url}/witness" for w, vkey in witnesses]
    lines += [f"group alliance {QUORUM} {' '.join(w.name for w, _ in witnesses)}"]
    lines += ["quorum alliance"]
    return "\n".join(lines) + "\n"


def alliance_start(folder: Path, first_port: int) -> list[Member]:
    """Sets every member up (once per folder) and starts them: the witnesses first, since the
    log publishes nothing they have not cosigned. Returns them, the log first."""
    log, witnesses = members(folder, first_port)
    for member in (log, *witnesses):
        _private_folder(member.state)
        member.manage("migrate", "--noinput", "--verbosity", "0")
    # The pages' styles and translations, as scripts/serve prepares them.
    log.manage("compile_translations", "--verbosity", "0")
    log.manage("collectstatic", "--noinput", "--verbosity", "0")
    log_vkey = log.manage("log_key")
    vkeys = []
    for witness in witnesses:
        vkeys.append(witness.manage("witness_key"))
        witness.manage("witness_trust", log_vkey)
    policy = folder / "log.policy"
    policy.write_text(policy_text(log_vkey, list(zip(witnesses, vkeys, strict=True))))
    institutions = folder / "institutions.json"
    institutions.write_text(json.dumps(INSTITUTIONS, ensure_ascii=False, indent=2) + "\n")
    log.settings |= {"WITNESS_POLICY": str(policy), "WITNESS_INSTITUTIONS": str(institutions)}
    started: list[Member] = []
    try:
        for witness in witnesses:
            witness.start()
            started.append(witness)
        # The empty tree and a few sample records, cosigned; once per folder.
        log.manage("setup_demo")
        token_file = log.state / "demo-court.token"
        if not token_file.exists():
            _private_write(token_file, log.manage("create_node", *COURT) + "\n")
        log.start()
        started.insert(0, log)
    except BaseException:
        for member in started:
            member.stop()
        raise
    return started


def announce(folder: Path, running: Sequence[Member]) -> None:
    log, *witnesses = running
    token = (log.state / "demo-court.token").read_text().strip()
    print(f"The alliance is running; each member's state is under {folder}.\n")
    print(f"  the court's log   {log.url}/log/  (the portal: {log.url}/)")
    for w in witnesses:
        print(f"  witness {w.name:14} {w.url}/witness  ({INSTITUTIONS[w.name]['en']})")
    print(f"\nThe witness policy, {folder / 'log.policy'} (served at {log.url}/log/policy):\n")
    print((folder / "log.policy").read_text())
    print(f"Anchor a document as the court {COURT[0]} ({COURT[1]}):\n")
    print("  SHA=$(sha256sum agreement.pdf | cut -d' ' -f1)")
    print(
        f'  curl -X POST "{log.url}/api/v1/entries?wait=10" -H "Authorization: Token {token}" '
        """-H "Content-Type: application/json" -d '{"kind": "evidence", "sha256": "'"$SHA"'"}'"""
    )
    pids = ", ".join(f"{w.name} {w.process.pid}" for w in witnesses if w.process is not None)
    print(f"\nStop witnesses (processes {pids}) and {log.url}/status names them.")
    print("Ctrl-C stops the whole alliance.", flush=True)


def alliance_run(folder: Path, first_port: int) -> int:
    """Starts the alliance, prints how to use it and runs until Ctrl-C or SIGTERM (exit 0),
    or until a member's server exits by itself (exit 1)."""
    try:
        running = alliance_start(folder, first_port)
    except DemoError as e:
        print(f"alliance: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("alliance: interrupted while starting; stopped", file=sys.stderr)
        return 130
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        announce(folder, running)
        while not stopping:
            # A terminal's Ctrl-C reaches the members too: one that exits then is stopping.
            for member in running:
                exited = member.process is not None and member.process.poll() is not None
                if exited and not stopping:
                    print(f"alliance: {member.name}'s server exited; stopping", file=sys.stderr)
                    return 1
            time.sleep(0.2)
        return 0
    finally:
        for member in running:
            member.stop()
        print("alliance: stopped", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/alliance", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=REPO / "var" / "alliance",
        help="where each member keeps its state (default: var/alliance)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8000,
        help="the log's port; the witnesses take the next three (0: any free ports)",
    )
    args = parser.parse_args(argv)
    return alliance_run(_private_folder(args.folder.resolve()), args.port)


if __name__ == "__main__":
    sys.exit(main())
