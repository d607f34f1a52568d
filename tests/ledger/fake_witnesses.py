"""Witnesses inside the test process, on loopback ports, answering add-checkpoint as each test
tells them: for the odd answers (slow, garbled, refused, forged) a real witness never gives.

The default answer cosigns whatever checkpoint it is sent, with the fake's own key, as a
witness that checks nothing would; tests/witness_servers.py runs the real witness.
"""

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from judicial_verify.tlog.cosignature import (
    Cosigner,
    format_signature_line,
    generate_cosigner_key,
    parse_add_checkpoint,
)


@dataclass(frozen=True)
class Reply:
    """An answer: a status, its content type and body, after `delay` seconds; or, with
    `raw`, those bytes written to the socket as they are, which are no HTTP at all."""

    status: int = 200
    content_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    delay: float = 0.0
    raw: bytes | None = None


Answer = Callable[[bytes], Reply]


@dataclass
class FakeWitness:
    """One witness: its policy name, cosigner key and URL, and the requests it was sent."""

    name: str
    cosigner: Cosigner
    answers: list[Answer] = field(default_factory=list)
    requests: list[bytes] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def vkey(self) -> str:
        return self.cosigner.verifier_key

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/witness"

    def cosign(self, body: bytes) -> Reply:
        """Cosigns the checkpoint of an add-checkpoint body, checking nothing."""
        note = parse_add_checkpoint(body).checkpoint
        text = note[: note.rindex(b"\n\n") + 1].decode()
        line = format_signature_line(self.cosigner.cosign(text, int(time.time())))
        return Reply(body=line.encode())

    def answer(self, body: bytes) -> Reply:
        """The next answer the test queued, else a cosignature."""
        self.requests.append(body)
        return self.answers.pop(0)(body) if self.answers else self.cosign(body)


def _handler(witness: FakeWitness) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            if self.path != "/witness/add-checkpoint":
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers["Content-Length"]))
            reply = witness.answer(body)
            time.sleep(reply.delay)
            if reply.raw is not None:
                self.wfile.write(reply.raw)
                self.close_connection = True
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test's output is the assertions'

    return Handler


def fake_witness(name: str) -> FakeWitness:
    """A new fake witness serving on a loopback port; close_all stops it."""
    witness = FakeWitness(name, Cosigner(generate_cosigner_key(f"{name}.example/witness")[0]))
    witness.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(witness))
    # A short poll: shutdown waits for the loop's next look.
    serve = witness.server.serve_forever
    threading.Thread(target=serve, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return witness


def close_all(witnesses: Sequence[FakeWitness]) -> None:
    for witness in witnesses:
        if witness.server is not None:
            witness.server.shutdown()
            witness.server.server_close()


def policy_write(
    path: Path,
    log_vkey: str,
    witnesses: Sequence[tuple[str, str, str | None]],
    *,
    quorum: str,
    groups: Sequence[str] = (),
) -> Path:
    """Writes a tlog-policy naming the log's key, the witnesses (name, vkey, URL or None),
    the group lines given and the quorum."""
    lines = [f"log {log_vkey}"]
    lines += [" ".join(filter(None, ("witness", name, vkey, url))) for name, vkey, url in witnesses]
    lines += [*groups, f"quorum {quorum}"]
    path.write_text("\n".join(lines) + "\n")
    return path
