"""/api/v1/codes/CODE/check of a copy of a served PDF: an update of it, the same text, or
content that differs on named pages."""

import hashlib
from typing import Any

import pytest

from judicial_verify.ledger.models import Entry
from judicial_verify.records.models import Record
from tests.people import Actor, sha
from tests.publishing import integrate_and_publish

pytestmark = pytest.mark.django_db

SUMMONS = sha("summons.pdf")
SERVED = {"document_type": "summons", "served_at": "2026-11-20T10:00:00+08:00"}
PAGES = [sha(f"page {n}") for n in range(1, 4)]
EDITED = [PAGES[0], PAGES[1], sha("page 3 with another date")]


def content_of(pages: list[str]) -> str:
    return "pdf-text/v1:" + hashlib.sha256(b"".join(bytes.fromhex(p) for p in pages)).hexdigest()


def serve(court: Actor, *, pages: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "served_document",
        "sha256": SUMMONS,
        "metadata": SERVED,
        "content": content_of(PAGES),
    }
    if pages:
        body["pages"] = PAGES
    (entry,) = court.client.post("/api/v1/entries", body, format="json").json()["entries"]
    integrate_and_publish()
    served: dict[str, Any] = entry | {"index": Entry.objects.get(submission=entry["id"]).index}
    return served


def check(actor: Actor, code: str, body: object) -> Any:
    return actor.client.post(f"/api/v1/codes/{code}/check", body, format="json")


def test_a_copy_of_the_served_text_is_same_text(court: Actor, public: Actor) -> None:
    served = serve(court)
    answer = check(public, served["code"], {"sha256": sha("copy"), "content": content_of(PAGES)})
    assert answer.status_code == 200
    body = answer.json()
    assert body["outcome"] == "same_text"
    assert body["index"] == served["index"]
    assert "a court decides what weight this copy has" in body["message"]["en"]
    assert "该副本的证明力由法院认定" in body["message"]["zh"]


def test_a_signed_update_of_the_served_file_is_an_earlier_revision(
    court: Actor, public: Actor
) -> None:
    served = serve(court)
    body = {"sha256": sha("signed"), "revisions": [sha("draft"), SUMMONS]}
    answer = check(public, served["code"], body).json()
    assert answer["outcome"] == "earlier_revision"
    assert answer["proof_url"].endswith(f"/entries/{served['index']}/proof")


def test_content_that_differs_names_the_pages(court: Actor, public: Actor) -> None:
    served = serve(court)
    body = {"sha256": sha("edited"), "content": content_of(EDITED), "pages": EDITED}
    answer = check(public, served["code"], body).json()
    assert answer["outcome"] == "content_differs"
    assert answer["pages_differing"] == [3]
    assert (
        "Its text differs from the anchored document's as well. Pages whose text "
        in (answer["message"]["en"])
    )
    assert "index" not in answer


def test_pages_are_not_named_when_the_served_pages_were_not_kept(
    court: Actor, public: Actor
) -> None:
    served = serve(court, pages=False)
    body = {"sha256": sha("edited"), "content": content_of(EDITED), "pages": EDITED}
    answer = check(public, served["code"], body).json()
    assert answer["outcome"] == "content_differs"
    assert "pages_differing" not in answer
    assert "Its text differs" in answer["message"]["en"]


def test_kept_pages_that_no_longer_make_up_the_content_are_not_believed(
    court: Actor, public: Actor
) -> None:
    served = serve(court)
    Record.objects.filter(sha256=SUMMONS).update(pages=b"".join(bytes.fromhex(p) for p in EDITED))
    body = {"sha256": sha("edited"), "content": content_of(EDITED), "pages": EDITED}
    answer = check(public, served["code"], body).json()
    assert "pages_differing" not in answer


def test_a_page_more_or_less_is_a_page_that_differs(court: Actor, public: Actor) -> None:
    served = serve(court)
    longer = [*PAGES, sha("page 4")]
    body = {"sha256": sha("longer"), "content": content_of(longer), "pages": longer}
    assert check(public, served["code"], body).json()["pages_differing"] == [4]
