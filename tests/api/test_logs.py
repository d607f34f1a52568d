"""What the API logs never holds a record's metadata, an API token or a verification code:
not in the records our code and Django log (caplog), nor in the lines the stderr handler
writes."""

import io
import logging
from collections.abc import Iterator

import pytest

from tests.people import Actor, sha
from tests.publishing import integrate_and_publish

pytestmark = pytest.mark.django_db

METADATA = {
    "document_type": "judgment-ZXQV-7731-unique",
    "served_at": "2026-11-20T10:00:00+08:00",
    "recipient": "Zhuge Kongming-4417",
}


@pytest.fixture
def stderr() -> Iterator[io.StringIO]:
    """What the configured stderr handler writes, with its own formatter."""
    (handler,) = [h for h in logging.getLogger().handlers if h.name == "stderr"]
    assert isinstance(handler, logging.StreamHandler)
    lines = io.StringIO()
    before = handler.setStream(lines)
    try:
        yield lines
    finally:
        handler.setStream(before)


def test_anchoring_logs_neither_metadata_nor_token_nor_code(
    court: Actor, caplog: pytest.LogCaptureFixture, stderr: io.StringIO
) -> None:
    caplog.set_level(logging.DEBUG)
    assert court.token is not None
    record = {"kind": "served_document", "sha256": sha("summons"), "metadata": METADATA}
    response = court.client.post("/api/v1/entries", record, format="json")
    assert response.status_code == 202
    code = response.json()["entries"][0]["code"]
    integrate_and_publish()
    # Failures that Django logs with the request's path: a bad body, an unknown path that
    # holds the code, a mistyped code and a token that names no one.
    court.client.post("/api/v1/entries", {**record, "kind": "nonsense"}, format="json")
    court.client.get(f"/api/v1/codes/{code}/no-such-thing")
    court.client.get(f"/api/v1/codes/{code[:-2]}00")
    court.client.credentials(HTTP_AUTHORIZATION=f"Token {court.token[:-1]}x")
    court.client.get("/api/v1/entries")

    written = stderr.getvalue()
    assert "Not Found: /api/v1/codes/[redacted]/no-such-thing" in written
    for secret in [court.token, court.token[:-1], *METADATA.values(), code, code[:-2]]:
        assert secret not in written
    for secret in [court.token, court.token[:-1], *METADATA.values()]:
        assert secret not in caplog.text
