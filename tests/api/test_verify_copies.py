"""/api/v1/verify and /api/v1/codes/CODE/check with what a client computed from a PDF: the
five outcomes (records/copies.py, docs/pdf-text-v1.md)."""

import hashlib
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from judicial_verify.ledger.models import Entry
from judicial_verify.tlog.fingerprint import (
    fingerprint_pdf,
    revision_ends,
)
from tests.people import Actor, sha
from tests.publishing import integrate_and_publish

from .anchoring import anchor

pytestmark = pytest.mark.django_db

URL = "/api/v1/verify"
SAME_TEXT_EN = (
    "The text of this copy is identical to the anchored document; layout, images and "
    "signatures were not compared; a court decides what weight this copy has."
)
SAME_TEXT_ZH = (
    "该副本的文本与存证文件完全一致；版式、图片和签名未作比对；该副本的证明力由法院认定。"
)

# Page fingerprints as a node computed them from its PDF, and a copy's whose page 2 differs.
ANCHORED_PAGES = [sha(f"page {n}") for n in range(1, 4)]
COPY_PAGES = [ANCHORED_PAGES[0], sha("page 2, one figure changed"), ANCHORED_PAGES[2]]


def content_of(pages: list[str]) -> str:
    return "pdf-text/v1:" + hashlib.sha256(b"".join(bytes.fromhex(p) for p in pages)).hexdigest()


CONTENT = content_of(ANCHORED_PAGES)


def anchor_pdf(court: Actor, sha256: str = sha("decision.pdf")) -> int:
    return anchor(court, sha256, content=CONTENT, pages=ANCHORED_PAGES)


def post(actor: Actor, body: dict[str, Any]) -> Any:
    return actor.client.post(URL, body, format="json")


def test_the_anchored_bytes_are_verified_as_before(court: Actor, public: Actor) -> None:
    index = anchor_pdf(court)
    answer = public.client.get(URL, {"sha256": sha("decision.pdf"), "content": CONTENT}).json()
    assert (answer["outcome"], answer["anchored"]) == ("verified", True)
    assert [e["index"] for e in answer["entries"]] == [index]
    assert answer["matching_entries"] == []


def test_a_copy_of_the_same_text_is_same_text_never_verified(court: Actor, public: Actor) -> None:
    index = anchor_pdf(court)
    answer = public.client.get(URL, {"sha256": sha("re-saved copy"), "content": CONTENT}).json()
    assert (answer["outcome"], answer["anchored"], answer["entries"]) == ("same_text", False, [])
    assert [e["index"] for e in answer["matching_entries"]] == [index]
    assert answer["message"] == {"en": SAME_TEXT_EN, "zh": SAME_TEXT_ZH}


def test_same_text_entries_carry_proofs_a_client_can_check(court: Actor, public: Actor) -> None:
    anchor_pdf(court)
    answer = post(public, {"sha256": sha("copy"), "content": CONTENT}).json()
    (entry,) = answer["matching_entries"]
    assert entry["proof"]["hashes"] is not None
    assert answer["verifier_keys"]


def test_an_incremental_update_is_an_earlier_revision(court: Actor, public: Actor) -> None:
    index = anchor_pdf(court)
    revisions = [sha("first save"), sha("decision.pdf")]
    answer = public.client.get(
        URL, {"sha256": sha("signed decision.pdf"), "revision": revisions}
    ).json()
    assert answer["outcome"] == "earlier_revision"
    assert answer["revision_sha256"] == sha("decision.pdf")
    assert [e["index"] for e in answer["matching_entries"]] == [index]
    assert "incremental update of the anchored document" in answer["message"]["en"]
    assert "增量更新" in answer["message"]["zh"]


def test_the_longest_anchored_revision_is_the_one_answered(court: Actor, public: Actor) -> None:
    anchor(court, sha("rev 1"))
    anchor(court, sha("rev 2"))
    revisions = [sha("rev 1"), sha("rev 2"), sha("rev 3")]
    answer = post(public, {"sha256": sha("rev 4"), "revisions": revisions}).json()
    assert answer["revision_sha256"] == sha("rev 2")


def test_bytes_come_before_revisions_and_revisions_before_text(court: Actor, public: Actor) -> None:
    anchor_pdf(court, sha("original"))
    anchor(court, sha("update"))
    body = {"sha256": sha("update"), "revisions": [sha("original")], "content": CONTENT}
    assert post(public, body).json()["outcome"] == "verified"
    body |= {"sha256": sha("update 2"), "revisions": [sha("original")]}
    assert post(public, body).json()["outcome"] == "earlier_revision"


def test_a_file_matching_nothing_is_not_anchored(court: Actor, public: Actor) -> None:
    anchor_pdf(court)
    body = {"sha256": sha("x"), "content": content_of(COPY_PAGES), "revisions": [sha("y")]}
    answer = post(public, body).json()
    assert (answer["outcome"], answer["matching_entries"]) == ("not_anchored", [])


def test_a_named_record_whose_text_differs_says_which_pages(court: Actor, public: Actor) -> None:
    index = anchor_pdf(court)
    body = {
        "sha256": sha("edited"),
        "index": index,
        "content": content_of(COPY_PAGES),
        "pages": COPY_PAGES,
    }
    answer = post(public, body).json()
    assert answer["outcome"] == "content_differs"
    assert answer["pages_differing"] == [2]
    assert "Pages whose text differs: 2." in answer["message"]["en"]
    assert "文本不同的页码：2。" in answer["message"]["zh"]
    assert "Electronic Signature Law, art. 5" in answer["message"]["en"]


def test_a_named_record_of_the_same_text_is_same_text(court: Actor, public: Actor) -> None:
    index = anchor_pdf(court)
    answer = public.client.get(
        URL, {"sha256": sha("copy"), "index": str(index), "content": CONTENT}
    ).json()
    assert answer["outcome"] == "same_text"
    assert [e["index"] for e in answer["matching_entries"]] == [index]


def test_a_named_record_without_content_says_only_the_bytes_differ(
    court: Actor, public: Actor
) -> None:
    index = anchor(court, sha("photo"))
    answer = post(public, {"sha256": sha("other"), "index": index, "content": CONTENT}).json()
    assert answer["outcome"] == "content_differs"
    assert "pages_differing" not in answer
    assert "text differs" not in answer["message"]["en"]


def test_a_named_record_that_does_not_exist_is_a_404(court: Actor, public: Actor) -> None:
    anchor_pdf(court)
    assert public.client.get(URL, {"sha256": sha("x"), "index": "99"}).status_code == 404


def test_page_fingerprints_that_do_not_make_up_the_content_are_a_422(public: Actor) -> None:
    body = {"sha256": sha("x"), "content": CONTENT, "pages": COPY_PAGES}
    response = post(public, body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "pages_mismatch"


@pytest.mark.parametrize(
    "params",
    [
        {"content": "pdf-text/v1:XYZ"},
        {"content": CONTENT.upper()},
        {"revision": "not a hash"},
        {"revision": [sha(str(n)) for n in range(33)]},
        {"index": "-1"},
    ],
)
def test_a_malformed_parameter_is_a_400(public: Actor, params: dict[str, Any]) -> None:
    response = public.client.get(URL, {"sha256": sha("x"), **params})
    assert response.status_code == 400


def test_copies_are_looked_up_only_when_the_bytes_are_not_anchored(
    court: Actor, public: Actor
) -> None:
    anchor_pdf(court)
    extra: dict[str, str | list[str]] = {"content": CONTENT, "revision": [sha("earlier")]}
    public.client.get(URL, {"sha256": sha("decision.pdf")})  # caches warm
    with CaptureQueriesContext(connection) as plain:
        public.client.get(URL, {"sha256": sha("decision.pdf")})
    with CaptureQueriesContext(connection) as anchored_with_extra:
        public.client.get(URL, {"sha256": sha("decision.pdf"), **extra})
    with CaptureQueriesContext(connection) as unknown:
        public.client.get(URL, {"sha256": sha("unknown")})
    with CaptureQueriesContext(connection) as unknown_with_extra:
        public.client.get(URL, {"sha256": sha("unknown"), **extra})
    assert len(anchored_with_extra.captured_queries) == len(plain.captured_queries)
    assert len(unknown_with_extra.captured_queries) > len(unknown.captured_queries)


def test_a_pdf_anchored_by_the_api_is_found_from_a_re_saved_copy(
    court: Actor, public: Actor
) -> None:
    # End to end with real PDFs: the node fingerprints with our library, the client too.
    from tests.pdfs import DECISION, chinese_pdf, incrementally_updated_pdf, resaved_pdf

    original = chinese_pdf([DECISION, "第二页"])
    fingerprint = fingerprint_pdf(original)
    body = {
        "kind": "evidence",
        "sha256": hashlib.sha256(original).hexdigest(),
        "content": fingerprint.content,
        "pages": fingerprint.pages_hex(),
    }
    assert court.client.post("/api/v1/entries", body, format="json").status_code == 202
    integrate_and_publish()
    copy = resaved_pdf(original)
    answer = post(
        public,
        {"sha256": hashlib.sha256(copy).hexdigest(), "content": fingerprint_pdf(copy).content},
    ).json()
    assert answer["outcome"] == "same_text"
    updated = incrementally_updated_pdf(original)
    revisions = [hashlib.sha256(updated[:end]).hexdigest() for end in revision_ends(updated)]
    answer = post(
        public, {"sha256": hashlib.sha256(updated).hexdigest(), "revisions": revisions}
    ).json()
    assert answer["outcome"] == "earlier_revision"
    assert answer["matching_entries"][0]["index"] == Entry.objects.get().index


def test_a_copy_s_report_link_carries_what_tells_it_apart(court: Actor, public: Actor) -> None:
    index = anchor_pdf(court)
    answer = public.client.get(URL, {"sha256": sha("copy"), "content": CONTENT}).json()
    (entry,) = answer["matching_entries"]
    assert entry["report_url"] == (
        f"http://testserver/report/{index}.pdf?sha256={sha('copy')}"
        f"&content={CONTENT.replace('/', '%2F').replace(':', '%3A')}"
    )
    assert public.client.get(entry["report_url"]).status_code == 200
