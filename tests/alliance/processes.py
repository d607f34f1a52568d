"""The alliance's other processes for tests/alliance: the log as a deployment runs it (gunicorn
and a Celery worker on its own database, STATE_DIR and Redis), a mirror following a log
(`manage.py mirror`), and a log server in the test process that serves another log's tiles as
they are until told to serve a forked tree instead."""

import http.client
import json
import queue
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO

from tests.witness_servers import REPO, START_SECONDS, ServerProcess

STOP_SECONDS = 30


def http_request(
    method: str, url: str, body: bytes | None = None, headers: Mapping[str, str] | None = None
) -> tuple[int, str, bytes]:
    """Sends one request to an http:// URL; returns the status, content type and body."""
    parts = urllib.parse.urlsplit(url)
    assert parts.scheme == "http", url
    target = f"{parts.path}?{parts.query}" if parts.query else parts.path
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
    try:
        connection.request(method, target, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


@dataclass(kw_only=True)
class LogServer(ServerProcess):
    """The log: its web server and one Celery worker integrating, with the witness policy."""

    origin: str
    redis_url: str
    policy: Path | None = None
    worker: "subprocess.Popen[bytes] | None" = None

    def __str__(self) -> str:
        return f"log {self.origin}"

    def settings(self) -> dict[str, str]:
        settings = {
            "LOG_ORIGIN": self.origin,
            "REDIS_URL": self.redis_url,
            # A refused connection fails at once; a witness that hangs is given two seconds.
            "WITNESS_TIMEOUT": "2",
            # Workers sweep for pending entries every quarter of this: every 2 seconds.
            "INTEGRATION_BACKLOG_MAX_AGE": "8",
            "LOG_LEVEL": "WARNING",
        }
        if self.policy is not None:
            settings["WITNESS_POLICY"] = str(self.policy)
        return settings

    def worker_start(self) -> None:
        """Starts a Celery worker on the log's default queue, as `celery -A judicial_verify
        worker` runs in production, and returns once the log sees it answer."""
        command = [
            sys.executable, "-m", "celery", "-A", "judicial_verify", "worker", "--pool=solo",
            "-n", f"alliance-log-{uuid.uuid4().hex[:8]}@%h", "--loglevel=WARNING",
        ]  # fmt: skip
        self.worker = subprocess.Popen(command, cwd=REPO, env=self.environ())
        # Ready once the log's /status finds a worker answering (it asks them itself).
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert self.worker.poll() is None, f"{self}: the Celery worker exited"
            _, _, body = http_request("GET", f"{self.base_url}/status")
            if json.loads(body).get("worker") == "up":
                return
            assert time.monotonic() < deadline, f"{self}: no Celery worker answers"
            time.sleep(1)

    def stop(self) -> None:
        super().stop()
        if self.worker is not None:
            self.worker.terminate()
            self.worker.wait(timeout=STOP_SECONDS)
            self.worker = None


class Lines:
    """The lines a process writes to a stream, read as they come by a thread of their own."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()

        def read() -> None:
            for line in stream:
                self.lines.put(line.decode())

        threading.Thread(target=read, daemon=True).start()

    def next(self, timeout: float) -> str:
        """The next line; fails when none comes within `timeout` seconds."""
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line within {timeout} s") from None

    def until(self, text: str, timeout: float) -> list[str]:
        """The lines up to the first one holding `text`, that one included."""
        deadline = time.monotonic() + timeout
        seen = [self.next(max(0.0, deadline - time.monotonic()))]
        while text not in seen[-1]:
            seen.append(self.next(max(0.0, deadline - time.monotonic())))
        return seen


@dataclass(kw_only=True)
class Mirror(ServerProcess):
    """`manage.py mirror URL --policy FILE`, following a log; its output read as it comes."""

    following: "subprocess.Popen[bytes] | None" = None
    output: Lines | None = None

    def __str__(self) -> str:
        return f"mirror on {self.database}"

    def settings(self) -> dict[str, str]:
        return {"PYTHONUNBUFFERED": "1"}  # each round's line as it is written

    def follow(self, url: str, policy: Path) -> None:
        self.following = self.manage("mirror", url, "--policy", str(policy), "--interval", "0.3")
        assert self.following.stdout is not None
        self.output = Lines(self.following.stdout)

    def line(self, timeout: float) -> str:
        """The next line the mirror printed; fails when none comes within `timeout`."""
        assert self.output is not None
        return self.output.next(timeout)

    def exited(self, timeout: float) -> tuple[int, str]:
        """Its exit code and what it wrote to stderr, once it has stopped by itself."""
        assert self.following is not None
        assert self.following.stderr is not None
        code = self.following.wait(timeout=timeout)
        return code, self.following.stderr.read().decode()

    def stop(self) -> None:
        if self.following is not None and self.following.poll() is None:
            self.following.terminate()
            self.following.wait(timeout=STOP_SECONDS)


class ForkingLog:
    """A log's tlog-tiles API as a server in this process: every GET below /log/ is answered
    with what the real log answers, except the paths `fork` has been given, whose bytes are
    the forked tree's."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.forked: Mapping[str, bytes] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/log/"

    def fork(self, paths: Mapping[str, bytes]) -> None:
        """From now on, serves these paths (`checkpoint`, `tile/...`) with these bytes."""
        self.forked = dict(paths)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str) -> tuple[int, bytes]:
        if not path.startswith("/log/"):
            return 404, b"not a log path\n"
        below = path.removeprefix("/log/")
        if below in self.forked:
            return 200, self.forked[below]
        status, _, body = http_request("GET", self.upstream + below)
        return status, body

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        log = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                status, body = log.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the test's output is the assertions'

        return Handler
