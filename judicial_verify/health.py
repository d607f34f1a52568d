"""Liveness: the process answers and its database does."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_answers(asker: str) -> bool:
    """Whether `SELECT 1` runs on the default database; if not, logs why, naming `asker`."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("%s: the database does not answer", asker)
        return False
    return True


@require_safe
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """200 `ok` when `SELECT 1` runs on the default database, else 503 with a short reason."""
    if not database_answers("health"):
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
