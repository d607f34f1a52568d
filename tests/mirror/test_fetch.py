"""The mirror's HTTP fetch: each failure of the followed log named, no answer read unbounded."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from judicial_verify.mirror.services import MAX_RESPONSE_BYTES, FetchError, http_fetch

BODIES = {"/log/tile/0/000": b"a" * 8192, "/log/tile/entries/000": b"b" * (MAX_RESPONSE_BYTES + 1)}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = BODIES.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/log"
    server.shutdown()
    server.server_close()


def test_it_reads_each_path_below_the_logs_url(url: str) -> None:
    assert http_fetch(url)(["tile/0/000", "tile/0/000"]) == [b"a" * 8192] * 2


def test_it_names_a_path_the_log_does_not_serve(url: str) -> None:
    with pytest.raises(FetchError, match=r"GET http://127.0.0.1:\d+/log/tile/1/000 answered 404"):
        http_fetch(url)(["tile/0/000", "tile/1/000"])


def test_it_refuses_an_answer_larger_than_any_bundle(url: str) -> None:
    with pytest.raises(FetchError, match=r"answered more than 16777472 bytes"):
        http_fetch(url)(["tile/entries/000"])


def test_it_refuses_a_url_that_is_not_http() -> None:
    with pytest.raises(FetchError, match=r"file:///etc/ is not an http:// or https:// URL"):
        http_fetch("file:///etc/")
