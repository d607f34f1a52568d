"""A node's contact: where people ask about its records, shown when a check fails. Set when the
node is registered, corrected in the admin, and given to the demo's serving court."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from judicial_verify.records.credentials import credential_find
from judicial_verify.records.models import Node

pytestmark = pytest.mark.django_db

CONTACT = "021-12368, 上海市浦东新区丁香路611号"


def test_create_node_records_the_contact_it_is_given() -> None:
    out = StringIO()
    call_command(
        "create_node", "sh-pd-court", "上海市浦东新区人民法院", "--contact", CONTACT, stdout=out
    )
    node = Node.objects.get(code="sh-pd-court")
    assert node.contact == CONTACT
    credential = credential_find(out.getvalue().strip())
    assert credential is not None
    assert credential.node == node


def test_a_node_registered_without_a_contact_has_none() -> None:
    call_command("create_node", "bj-court", "北京互联网法院", stdout=StringIO())
    assert Node.objects.get(code="bj-court").contact == ""


def test_an_admin_corrects_a_node_s_contact_but_not_its_code(client: Client) -> None:
    call_command("create_node", "bj-court", "北京互联网法院", stdout=StringIO())
    node = Node.objects.get(code="bj-court")
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw-not-used"))
    url = f"/admin/records/node/{node.pk}/change/"
    form = {"code": "renamed", "name": node.name, "type": node.type, "contact": CONTACT}
    assert client.post(url, form).status_code == 302
    node.refresh_from_db()
    assert (node.code, node.contact) == ("bj-court", CONTACT)
    assert client.get("/admin/records/node/add/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_demo_s_serving_court_has_a_contact() -> None:
    call_command("setup_demo", stdout=StringIO())
    assert "12368" in Node.objects.get(code="sh-pudong-court").contact
