from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from judicial_verify.ledger.models import Checkpoint, Entry

pytestmark = pytest.mark.django_db

Grow = Callable[..., int]


@pytest.fixture
def admin_client_with_log(client: Client, grow: Grow) -> Client:
    grow(3)
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw-not-used"))
    return client


def test_an_admin_can_look_at_entries_and_checkpoints(admin_client_with_log: Client) -> None:
    c = admin_client_with_log
    assert c.get("/admin/ledger/entry/").status_code == 200
    assert c.get("/admin/ledger/entry/1/change/").status_code == 200
    assert (
        c.get(f"/admin/ledger/checkpoint/{Checkpoint.objects.get().pk}/change/").status_code == 200
    )


def test_not_even_an_admin_can_add_change_or_delete_entries(admin_client_with_log: Client) -> None:
    c = admin_client_with_log
    before = bytes(Entry.objects.get(index=1).data)
    assert c.get("/admin/ledger/entry/add/").status_code == 403
    assert c.post("/admin/ledger/entry/1/delete/", {"post": "yes"}).status_code == 403
    assert c.post("/admin/ledger/entry/1/change/", {"sha256": "0" * 64}).status_code == 403
    assert bytes(Entry.objects.get(index=1).data) == before


def test_a_stranger_is_sent_to_sign_in(client: Client, grow: Grow) -> None:
    grow(1)
    response = client.get("/admin/ledger/entry/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
