"""Kept PostgreSQL connections: checked before a request reuses them without a round trip
(judicial_verify/postgresql), and replaced when the server has ended them."""

import select
from typing import Any
from unittest import mock

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.db.backends.postgresql import base as django_postgresql
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
def test_the_backend_is_ours() -> None:
    assert connection.settings_dict["ENGINE"] == "judicial_verify.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_a_kept_connection_is_usable_without_asking_the_server(kept: Any) -> None:
    with mock.patch.object(django_postgresql.DatabaseWrapper, "is_usable") as asked:
        assert kept.is_usable()
    asked.assert_not_called()


@pytest.mark.django_db
def test_a_connection_the_server_ended_is_not_usable(kept: Any) -> None:
    _end(kept, by=connection)
    assert not kept.is_usable()


@pytest.mark.django_db
def test_a_connection_in_a_transaction_is_asked(kept: Any) -> None:
    kept.set_autocommit(False)
    with kept.cursor() as cursor:
        cursor.execute("SELECT 1")
    with mock.patch.object(django_postgresql.DatabaseWrapper, "is_usable") as asked:
        kept.is_usable()
    asked.assert_called_once()
    kept.rollback()


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
