"""The log line format: one record a line, with secrets redacted.

No view logs a request body, so metadata never reaches a log; what can reach one is a
request's path or headers (Django's "Not Found: /api/v1/codes/...", gunicorn's access log,
an exception's message), and with them a credential. `redact` takes out API tokens, the
Authorization header's value and anything shaped like a verification code, on every line
our handlers write, tracebacks included.
"""

import logging
import re
import time
from collections.abc import Callable

REDACTED = "[redacted]"

_SECRETS = [
    # Node and personal API tokens (records.credentials): the prefix stays, to tell which.
    (re.compile(r"\b(jv[np]_)[A-Za-z0-9_-]+"), rf"\1{REDACTED}"),
    # An Authorization header's value, whatever its scheme, as a header line, a keyword or
    # a dict entry (HTTP_AUTHORIZATION': 'Token ...').
    (re.compile(r"""(?i)(authorization['"]?\s*[:=]\s*['"]?)[^'"\r\n,}]+"""), rf"\1{REDACTED}"),
    # Verification codes (records.codes): 19 characters and a check symbol, in any case,
    # the check symbol maybe percent-encoded, the groups of four run together or parted as
    # people type them and URLs carry them: hyphens, spaces, `+` or `%20` (`%2D`). Anything
    # of that shape goes, a mistyped code included: it is within a character of a real one.
    # Not within a longer hyphenated run, so UUIDs (Celery task ids) stay readable.
    (
        re.compile(
            r"(?<![0-9A-Za-z-])(?:[0-9A-Za-z]{4}(?:[- +]|%20|%2[Dd])?){4}[0-9A-Za-z]{3}"
            r"(?:[0-9A-Za-z*~$=]|%[0-9A-Fa-f]{2})(?![0-9A-Za-z-])"
        ),
        REDACTED,
    ),
]


def redact(text: str) -> str:
    """Returns `text` with API tokens, Authorization values and verification codes replaced."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class OneLineFormatter(logging.Formatter):
    """One record, one line, times in UTC, secrets redacted: newlines in messages and
    tracebacks are escaped so a log collector never splits a record or mistakes part of one
    for another."""

    converter: Callable[[float | None], time.struct_time] = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record)).replace("\n", "\\n")
