from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from judicial_verify.ledger.audit import log_audit
from judicial_verify.ledger.models import Entry
from judicial_verify.records.models import Node
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
