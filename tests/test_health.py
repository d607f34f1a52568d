"""/health: liveness of the process and its database."""

from unittest import mock

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client


@pytest.mark.django_db
def test_it_answers_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"ok"


@pytest.mark.django_db
def test_it_is_never_cached(client: Client) -> None:
    assert "no-cache" in client.get("/health")["Cache-Control"]


def test_it_answers_503_with_a_reason_when_the_database_does_not(client: Client) -> None:
    refused = OperationalError("connection refused")
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        response = client.get("/health")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"database unavailable"


def test_it_refuses_to_change_anything(client: Client) -> None:
    assert client.post("/health").status_code == 405


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_answers_ok_on_postgresql(client: Client) -> None:
    assert connection.vendor == "postgresql"
    assert client.get("/health").content == b"ok"
