"""Kept PostgreSQL connections: Django checks one before a request reuses it
(CONN_HEALTH_CHECKS), and replaces one the server has ended."""

import select
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import RequestFactory

pytestmark = pytest.mark.postgres


@pytest.fixture
def kept() -> Any:
    """A connection of its own, as a worker keeps one between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _end(ended: Any, *, by: Any) -> None:
    """Session `by` ends session `ended`, as a restart would; returns once the server's
    goodbye is there to read on `ended`'s socket."""
    with by.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [ended.connection.info.backend_pid])
    select.select([ended.connection.fileno()], [], [], 5)


@pytest.mark.django_db
def test_kept_connections_are_checked_before_reuse() -> None:
    assert connection.settings_dict["ENGINE"] == "django.db.backends.postgresql"
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_a_connection_the_server_ended_is_not_usable(kept: Any) -> None:
    _end(kept, by=connection)
    assert not kept.is_usable()


@pytest.mark.django_db(transaction=True)
def test_a_request_after_the_server_ended_the_kept_connection_is_answered(kept: Any) -> None:
    # Through Django's WSGI handler, as gunicorn calls it: its request signals are what
    # check a kept connection (the test client leaves them out).
    def health() -> str:
        statuses = []

        def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> Any:
            statuses.append(status)

        body = b"".join(WSGIHandler()(RequestFactory().get("/health").environ, start_response))
        return f"{statuses[0]} {body.decode()}"

    assert health() == "200 OK ok"
    pid = connection.connection.info.backend_pid
    _end(connection, by=kept)
    assert health() == "200 OK ok"
    assert connection.connection.info.backend_pid != pid
