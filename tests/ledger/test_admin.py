from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from judicial_verify.ledger.models import Checkpoint, Entry, WitnessStatus

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


def test_an_admin_sees_which_witnesses_fail_and_cannot_edit_them(
    admin_client_with_log: Client,
) -> None:
    now, later = timezone.now(), timezone.now() + timedelta(seconds=1)
    WitnessStatus.objects.create(vkey="w1+01+x", name="w1", size=3, cosigned=now)
    failing = WitnessStatus.objects.create(
        vkey="w2+02+x", name="w2", size=1, cosigned=now, error="answered 503", failed=later
    )
    c = admin_client_with_log
    page = c.get("/admin/ledger/witnessstatus/").content.decode()
    assert "answered 503" in page
    assert page.count('alt="True"') == 1  # w2 alone is failing
    assert c.get(f"/admin/ledger/witnessstatus/{failing.pk}/change/").status_code == 200
    assert (
        c.post(f"/admin/ledger/witnessstatus/{failing.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert WitnessStatus.objects.count() == 2


def test_a_witness_is_failing_while_its_last_answer_is_a_failure() -> None:
    earlier, later = timezone.now(), timezone.now() + timedelta(seconds=1)
    assert not WitnessStatus(name="w", vkey="k").failing
    assert WitnessStatus(name="w", vkey="k", failed=earlier).failing
    assert WitnessStatus(name="w", vkey="k", cosigned=earlier, failed=later).failing
    assert not WitnessStatus(name="w", vkey="k", cosigned=later, failed=earlier).failing
