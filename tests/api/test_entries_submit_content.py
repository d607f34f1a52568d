"""POST /api/v1/entries with a content fingerprint and page fingerprints, computed by the
node with our library or CLI."""

import hashlib
from typing import Any

import pytest

from judicial_verify.ledger.models import Entry
from judicial_verify.records.models import Record
from judicial_verify.tlog.entry import decode_entry
from judicial_verify.tlog.fingerprint import format_content, page_fingerprint
from tests.people import Actor, sha
from tests.publishing import integrate_and_publish

pytestmark = pytest.mark.django_db

URL = "/api/v1/entries"
PAGES = [page_fingerprint("第一页"), page_fingerprint("第二页")]
CONTENT = format_content(hashlib.sha256(b"".join(PAGES)).digest())
PAGES_HEX = [p.hex() for p in PAGES]


def post(actor: Actor, body: object) -> Any:
    return actor.client.post(URL, body, format="json")


def test_a_node_anchors_a_content_fingerprint_in_the_entry(court: Actor) -> None:
    body = {"kind": "evidence", "sha256": sha("decision"), "content": CONTENT, "pages": PAGES_HEX}
    assert post(court, body).status_code == 202
    integrate_and_publish()
    assert decode_entry(bytes(Entry.objects.get().data)).content == CONTENT
    assert Record.objects.get().page_fingerprints() == PAGES


def test_a_batch_mixes_records_with_and_without_content(court: Actor) -> None:
    body = [
        {"kind": "evidence", "sha256": sha("scan")},
        {"kind": "evidence", "sha256": sha("decision"), "content": CONTENT},
    ]
    assert post(court, body).status_code == 202
    integrate_and_publish()
    entries = [decode_entry(bytes(e.data)) for e in Entry.objects.order_by("index")]
    assert [e.content for e in entries] == [None, CONTENT]


def test_page_fingerprints_that_do_not_make_up_the_content_are_refused(court: Actor) -> None:
    # 422: each is well formed, as the schema says, but together they are not.
    body = [
        {"kind": "evidence", "sha256": sha("a")},
        {"kind": "evidence", "sha256": sha("b"), "content": CONTENT, "pages": PAGES_HEX[::-1]},
    ]
    response = post(court, body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "pages_mismatch"
    (where,) = response.json()["error"]["fields"]
    assert where["item"] == 1
    assert where["field"] == "pages"
    assert "do not make up the content" in where["message"]
    assert not Record.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"content": "pdf-text/v1:" + "A" * 64}, "content"),
        ({"content": 42}, "content"),
        ({"content": CONTENT, "pages": "not a list"}, "pages"),
        ({"content": CONTENT, "pages": [1, 2]}, "pages"),
        ({"content": CONTENT, "pages": []}, "pages"),
    ],
)
def test_a_malformed_content_or_pages_is_a_400_naming_it(
    court: Actor, extra: dict[str, object], field: str
) -> None:
    response = post(court, {"kind": "evidence", "sha256": sha("x"), **extra})
    assert response.status_code == 400
    assert [f["field"] for f in response.json()["error"]["fields"]] == [field]


def test_pages_without_a_content_are_refused(court: Actor) -> None:
    response = post(court, {"kind": "evidence", "sha256": sha("x"), "pages": PAGES_HEX})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "pages"
