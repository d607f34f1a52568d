"""gunicorn's access log, redacted: `gunicorn --logger-class judicial_verify.access_log.Logger`.

gunicorn writes its access lines itself, outside Django's logging, so they get the same
redaction (judicial_verify.log_format.redact) here: a request line can carry a verification
code in its path, and headers logged by a custom format a token.
"""

from datetime import timedelta
from typing import Any

from gunicorn import glogging

from .log_format import REDACTED, redact

# Headers whose whole value is a credential, in gunicorn's atom names.
_SECRET_HEADERS = ("{authorization}i", "{cookie}i", "{proxy-authorization}i")


def _redacted(name: str, value: Any) -> Any:
    if name in _SECRET_HEADERS:
        return REDACTED
    return redact(value) if isinstance(value, str) else value


class Logger(glogging.Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: _redacted(name, value) for name, value in atoms.items()}
