import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from judicial_verify.ledger.audit import log_audit
from judicial_verify.ledger.models import Entry
from judicial_verify.records.models import Node, Record
from judicial_verify.tlog.entry import decode_entry

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_anchors_sample_documents_the_visitor_can_verify(log_state: Path) -> None:
    call_command("setup_demo", stdout=StringIO())
    kinds = [decode_entry(bytes(e.data)).kind for e in Entry.objects.order_by("index")]
    assert kinds == ["mediation_agreement", "evidence", "served_document", "service_receipt"]
    assert len(list((log_state / "demo").iterdir())) == 4
    assert log_audit().entries == 4


def test_it_adds_nothing_to_a_log_that_has_entries() -> None:
    call_command("setup_demo", stdout=StringIO())
    out = StringIO()
    call_command("setup_demo", stdout=out)
    assert Entry.objects.count() == 4
    assert "already has entries" in out.getvalue()


def test_it_names_the_sample_courts_as_the_portal_shows_them() -> None:
    call_command("setup_demo", stdout=StringIO())
    names = dict(Node.objects.values_list("code", "name"))
    assert names["sh-pudong-court"] == "上海市浦东新区人民法院"
    assert len(names) == 3


def _printed(out: str, label: str) -> str:
    (line,) = [line.strip() for line in out.splitlines() if line.strip().startswith(label)]
    return line.removeprefix(label).strip()


def test_it_prints_the_served_documents_code_and_its_page(fast_passwords: None) -> None:
    out = StringIO()
    call_command("setup_demo", "--site", "http://127.0.0.1:8300", stdout=out)
    code = _printed(out.getvalue(), "the served summons' verification code:")
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}-[0-9A-Z]{3}[0-9A-Z*~$=]", code)
    assert _printed(out.getvalue(), "open") == f"http://127.0.0.1:8300/v/{code}"
    page = Client().get(f"/v/{code}", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "上海市浦东新区人民法院" in page.content.decode()


def test_its_judge_signs_in_and_finds_the_records_by_the_printed_case_number(
    fast_passwords: None,
) -> None:
    out = StringIO()
    call_command("setup_demo", stdout=out)
    username = _printed(out.getvalue(), "user name:")
    password = _printed(out.getvalue(), "password:").removesuffix("(shown only this once)")
    case_number = _printed(out.getvalue(), "and searches the case number")
    client = Client()
    signed_in = client.post(
        reverse("portal:sign-in"), {"username": username, "password": password.strip()}
    )
    assert signed_in["Location"] == reverse("portal:judge-search")
    page = client.get(signed_in["Location"], {"case_number": case_number})
    served = Entry.objects.order_by("index")[2]
    assert f'href="{reverse("portal:judge-record", kwargs={"index": served.index})}"' in (
        page.content.decode()
    )
    assert "王某诉李某合同纠纷案传票" in page.content.decode()


def test_it_gives_each_sample_record_metadata() -> None:
    call_command("setup_demo", stdout=StringIO())
    for record in Record.objects.all():
        assert record.metadata, record.kind
    assert Record.objects.get(kind="served_document").metadata["recipient"] == "李某"


def test_a_second_run_prints_the_code_and_the_judge_again_but_no_password(
    fast_passwords: None,
) -> None:
    first = StringIO()
    call_command("setup_demo", stdout=first)
    again = StringIO()
    call_command("setup_demo", stdout=again)
    code = "the served summons' verification code:"
    assert _printed(again.getvalue(), code) == _printed(first.getvalue(), code)
    assert _printed(again.getvalue(), "user name:") == "demo-judge"
    assert "as printed when it was made" in _printed(again.getvalue(), "password:")
    assert User.objects.filter(username="demo-judge").count() == 1
