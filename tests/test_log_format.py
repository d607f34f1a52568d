"""Log records: one line each, UTC times, secrets redacted; gunicorn's access log too."""

import hashlib
import io
import logging
import re
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from judicial_verify import access_log
from judicial_verify.log_format import OneLineFormatter, redact
from judicial_verify.records.codes import code_format, code_from_secret


def record_with_traceback() -> logging.LogRecord:
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        return logging.LogRecord("ledger", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())


def test_it_writes_a_record_with_a_traceback_on_one_line() -> None:
    line = OneLineFormatter("%(levelname)s %(message)s").format(record_with_traceback())
    assert "\n" not in line
    assert line.startswith("ERROR failed\\nTraceback")
    assert "ValueError: first line\\nsecond line" in line


def test_it_stamps_records_in_utc() -> None:
    line = OneLineFormatter("%(asctime)s").format(record_with_traceback())
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line)


CODE = code_from_secret(bytes(range(12)))
TOKEN = "jvn_" + "Q" * 43


@pytest.mark.parametrize(
    "secret",
    [
        TOKEN,
        "jvp_abc-DEF_123",
        CODE,
        CODE.lower(),
        code_format(CODE),
        code_format(CODE).lower(),
        CODE[:-1] + "%24",
        code_format(CODE).replace("-", " "),
        code_format(CODE).replace("-", "+"),
        code_format(CODE).replace("-", "%20"),
        code_format(CODE).replace("-", "%2D").lower(),
        code_format(CODE).replace("-", " ").lower(),
    ],
)
def test_it_redacts_tokens_and_verification_codes(secret: str) -> None:
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "at /x/%s/y", (secret,), None
    )
    line = OneLineFormatter("%(message)s").format(record)
    assert secret not in line
    assert "[redacted]" in line


def test_it_redacts_the_authorization_header_whatever_its_scheme() -> None:
    line = redact("{'HTTP_AUTHORIZATION': 'Basic dXNlcjpwYXNz', 'PATH_INFO': '/api/'}")
    assert line == "{'HTTP_AUTHORIZATION': '[redacted]', 'PATH_INFO': '/api/'}"


def test_it_redacts_secrets_in_tracebacks() -> None:
    try:
        raise ValueError(f"no such token {TOKEN}")
    except ValueError:
        record = logging.LogRecord("api", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert TOKEN not in OneLineFormatter("%(message)s").format(record)


@pytest.mark.parametrize(
    "text",
    [
        "integrated entries 0..999",
        "task 550e8400-e29b-41d4-a716-446655440000 succeeded",
        "sha256 " + hashlib.sha256(b"x").hexdigest(),
        "2026-11-27T09:00:00.000Z level=INFO logger=judicial_verify.ledger",
    ],
)
def test_it_leaves_ordinary_lines_alone(text: str) -> None:
    assert redact(text) == text


def test_it_redacts_a_code_in_a_query_string_however_it_was_typed() -> None:
    spaced = code_format(CODE).lower().replace("-", "+")
    line = redact(f"GET /?code={spaced}&lang=en HTTP/1.1")
    assert line == "GET /?code=[redacted]&lang=en HTTP/1.1"


def test_gunicorn_s_access_log_is_redacted() -> None:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", '"%(r)s" %(s)s "%(f)s" %({authorization}i)s')
    log = access_log.Logger(config)
    lines = io.StringIO()
    log.access_log.addHandler(logging.StreamHandler(lines))
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/v1/codes/{code_format(CODE).replace('-', '%20')}",
        "PATH_INFO": f"/api/v1/codes/{CODE}",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://verify.court.example/v/{code_format(CODE)}",
    }
    response = SimpleNamespace(status="200 OK", sent=2, headers=[])
    request = SimpleNamespace(headers=[("AUTHORIZATION", f"Token {TOKEN}")])
    log.access(response, request, environ, timedelta(milliseconds=3))
    line = lines.getvalue()
    assert line.startswith('"GET /api/v1/codes/[redacted] HTTP/1.1" 200')
    assert CODE not in line
    assert code_format(CODE) not in line
    assert TOKEN not in line
