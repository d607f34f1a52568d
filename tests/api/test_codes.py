import hashlib
import json
import re
from typing import Any

import pytest
import segno
from django.conf import settings

from judicial_verify.ledger.models import Entry
from judicial_verify.rate_limits import rate_parse
from judicial_verify.records.codes import code_from_secret
from judicial_verify.records.outcomes import COPY_DIFFERS, english_and_chinese
from judicial_verify.tlog.entry import decode_entry
from tests.anchoring import anchor_behind_the_service
from tests.people import Actor, sha
from tests.publishing import integrate_and_publish

pytestmark = pytest.mark.django_db

SERVED = {
    "case_number": "(2026) 京0105民初1号",
    "title": "Wang v. Li",
    "recipient": "Li Si",
    "document_type": "summons",
    "served_at": "2026-11-20T10:00:00+08:00",
    "method": "electronic",
}
SUMMONS = sha("summons")
# Well-formed, with a correct check symbol, but no served document has it.
UNKNOWN_CODE = code_from_secret(bytes(range(12)))
WRONG_CODES = [
    UNKNOWN_CODE,
    UNKNOWN_CODE[:-1] + ("0" if UNKNOWN_CODE[-1] != "0" else "1"),  # bad check symbol
    "not-a-code",
    "0" * 40,
]


def anchor(court: Actor, body: dict[str, Any]) -> dict[str, Any]:
    (entry,) = court.client.post("/api/v1/entries", body, format="json").json()["entries"]
    integrate_and_publish()
    anchored: dict[str, Any] = entry | {"index": Entry.objects.get(submission=entry["id"]).index}
    return anchored


def serve(court: Actor, metadata: dict[str, str] = SERVED) -> dict[str, Any]:
    """Anchors the summons as served; returns its submission answer with its index."""
    return anchor(court, {"kind": "served_document", "sha256": SUMMONS, "metadata": metadata})


def receive(court: Actor, served: dict[str, Any], text: str, **metadata: str) -> dict[str, Any]:
    return anchor(
        court,
        {
            "kind": "service_receipt",
            "sha256": sha(text),
            "ref": served["index"],
            "metadata": metadata,
        },
    )


def entry_time(index: int) -> str:
    return decode_entry(bytes(Entry.objects.get(index=index).data)).time


def get(actor: Actor, code: str) -> Any:
    return actor.client.get(f"/api/v1/codes/{code}")


def check(actor: Actor, code: str, body: object) -> Any:
    return actor.client.post(f"/api/v1/codes/{code}/check", body, format="json")


def test_the_holder_of_a_code_gets_the_service_record(court: Actor, public: Actor) -> None:
    served = serve(court)
    response = get(public, served["code"])
    assert response.status_code == 200
    assert response.json() == {
        "code": served["code"],
        "court": {"code": "court-a", "name": "北京市朝阳区人民法院"},
        "document_type": "summons",
        "served_at": "2026-11-20T10:00:00+08:00",
        "method": "electronic",
        "index": served["index"],
        "anchored_at": entry_time(served["index"]),
        "receipt": {
            "status": "not_received",
            "received_at": None,
            "method": None,
            "index": None,
            "anchored_at": None,
        },
    }


def test_the_service_record_holds_no_case_number_title_or_party(
    court: Actor, public: Actor
) -> None:
    served = serve(court)
    receive(court, served, "receipt", recipient="Li Si", received_at="2026-11-21T09:00:00+08:00")
    text = json.dumps(get(public, served["code"]).json(), ensure_ascii=False)
    for private in ("case_number", "民初", "title", "Wang", "recipient", "Li Si"):
        assert private not in text


def test_the_service_record_is_not_kept_by_caches(court: Actor, public: Actor) -> None:
    assert "no-store" in get(public, serve(court)["code"])["Cache-Control"]


def test_without_a_recorded_service_time_the_anchoring_time_is_the_served_time(
    court: Actor, public: Actor
) -> None:
    served = serve(court, {"document_type": "judgment"})
    record = get(public, served["code"]).json()
    assert record["served_at"] == entry_time(served["index"])
    assert record["method"] is None


def test_a_recorded_receipt_shows_when_and_how_it_was_received(court: Actor, public: Actor) -> None:
    served = serve(court)
    receipt = receive(
        court, served, "receipt", received_at="2026-11-21T09:30:00+08:00", method="electronic"
    )
    assert get(public, served["code"]).json()["receipt"] == {
        "status": "received",
        "received_at": "2026-11-21T09:30:00+08:00",
        "method": "electronic",
        "index": receipt["index"],
        "anchored_at": entry_time(receipt["index"]),
    }


def test_a_receipt_without_a_recorded_time_was_received_when_it_was_anchored(
    court: Actor, public: Actor
) -> None:
    served = serve(court)
    receipt = receive(court, served, "receipt")
    status = get(public, served["code"]).json()["receipt"]
    assert status["received_at"] == entry_time(receipt["index"])


def test_the_newest_receipt_is_the_one_shown(court: Actor, public: Actor) -> None:
    served = serve(court)
    receive(court, served, "first", received_at="2026-11-21T09:00:00+08:00", method="post")
    receive(court, served, "second", received_at="2026-11-22T09:00:00+08:00", method="in_person")
    status = get(public, served["code"]).json()["receipt"]
    assert (status["received_at"], status["method"]) == ("2026-11-22T09:00:00+08:00", "in_person")


def test_a_receipt_another_node_recorded_does_not_count(
    court: Actor, other_court: Actor, public: Actor
) -> None:
    served = serve(court)
    assert other_court.node is not None
    anchor_behind_the_service(
        other_court.node,
        sha("a receipt court B has no business recording"),
        kind="service_receipt",
        metadata={"received_at": "2026-11-21T09:00:00+08:00"},
        ref=served["index"],
    )
    assert get(public, served["code"]).json()["receipt"]["status"] == "not_received"


def test_a_receipt_of_another_document_does_not_count(court: Actor, public: Actor) -> None:
    served = serve(court)
    other = anchor(court, {"kind": "served_document", "sha256": sha("judgment")})
    receive(court, other, "receipt of the judgment")
    assert get(public, served["code"]).json()["receipt"]["status"] == "not_received"


@pytest.mark.parametrize(
    "typed", [str.lower, lambda c: c.replace("-", ""), lambda c: c.replace("-", " ")]
)
def test_a_code_may_be_typed_in_any_case_with_or_without_hyphens(
    court: Actor, public: Actor, typed: Any
) -> None:
    served = serve(court)
    assert get(public, typed(served["code"])).json()["index"] == served["index"]


@pytest.mark.parametrize("code", WRONG_CODES)
def test_a_wrong_code_is_a_404_that_says_nothing_of_why(
    court: Actor, public: Actor, code: str
) -> None:
    serve(court)
    response = get(public, code)
    assert response.status_code == 404
    assert response.json() == get(public, UNKNOWN_CODE).json()
    assert response.json()["error"]["code"] == "not_found"


def test_the_served_file_is_verified(court: Actor, public: Actor) -> None:
    served = serve(court)
    response = check(public, served["code"], {"sha256": SUMMONS})
    assert response.status_code == 200
    answer = response.json()
    index = served["index"]
    assert answer["outcome"] == "verified"
    assert (answer["index"], answer["anchored_at"]) == (index, entry_time(index))
    assert answer["court"] == {"code": "court-a", "name": "北京市朝阳区人民法院"}
    assert answer["proof_url"] == f"http://testserver/api/v1/entries/{index}/proof"
    assert answer["receipt_url"] == f"http://testserver/api/v1/entries/{index}/receipt"
    assert "北京市朝阳区人民法院" in answer["message"]["en"]
    assert "核验通过" in answer["message"]["zh"]


def test_the_verified_answer_leads_to_the_entrys_proof_and_receipt(
    court: Actor, public: Actor
) -> None:
    answer = check(public, serve(court)["code"], {"sha256": SUMMONS}).json()
    assert public.client.get(answer["proof_url"]).status_code == 200
    assert public.client.get(answer["receipt_url"]).status_code == 200


def test_a_hash_in_upper_case_is_the_same_hash(court: Actor, public: Actor) -> None:
    served = serve(court)
    assert check(public, served["code"], {"sha256": SUMMONS.upper()}).json()["outcome"] == (
        "verified"
    )


def test_another_file_differs_and_the_answer_explains_copies(court: Actor, public: Actor) -> None:
    served = serve(court)
    answer = check(public, served["code"], {"sha256": sha("printed and scanned")}).json()
    assert answer["outcome"] == "content_differs"
    assert "index" not in answer
    english, chinese = answer["message"]["en"], answer["message"]["zh"]
    for words in ("printed", "scanned", "re-saved", "original electronic file", "art. 5"):
        assert words in english
    for words in ("打印", "扫描", "另存", "原始电子文件", "电子签名法》第五条"):
        assert words in chinese


def test_the_answer_explains_copies_in_the_catalogues_words(court: Actor, public: Actor) -> None:
    served = serve(court)
    answer = check(public, served["code"], {"sha256": sha("re-saved")}).json()
    english, chinese = english_and_chinese(COPY_DIFFERS)
    assert english in answer["message"]["en"]
    assert chinese in answer["message"]["zh"]


def test_checking_with_a_wrong_code_is_the_same_404(court: Actor, public: Actor) -> None:
    serve(court)
    response = check(public, UNKNOWN_CODE, {"sha256": SUMMONS})
    assert response.status_code == 404
    assert response.json() == get(public, UNKNOWN_CODE).json()


@pytest.mark.parametrize(
    "body", [{}, {"sha256": "xyz"}, {"sha256": SUMMONS[:-1]}, {"sha256": 7}, {"sha256": None}]
)
def test_a_hash_that_is_not_64_hex_digits_is_a_400_naming_sha256(
    court: Actor, public: Actor, body: object
) -> None:
    response = check(public, serve(court)["code"], body)
    assert response.status_code == 400
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["sha256"]


def test_the_qr_code_is_an_svg_of_the_portal_page_of_the_code(court: Actor, public: Actor) -> None:
    served = serve(court)
    response = public.client.get(f"/api/v1/codes/{served['code'].lower()}/qr")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "max-age" in response["Cache-Control"]
    drawn = segno.make(served["verify_url"], error="m").svg_inline()
    path = re.compile(r' d="([^"]+)"')
    assert path.findall(response.content.decode()) == path.findall(drawn)


def test_a_client_that_accepts_only_svg_gets_the_qr_code(court: Actor, public: Actor) -> None:
    served = serve(court)
    response = public.client.get(f"/api/v1/codes/{served['code']}/qr", HTTP_ACCEPT="image/svg+xml")
    assert response.status_code == 200


def test_the_qr_code_of_a_wrong_code_is_the_same_404_in_json(court: Actor, public: Actor) -> None:
    serve(court)
    response = public.client.get(f"/api/v1/codes/{UNKNOWN_CODE}/qr", HTTP_ACCEPT="image/svg+xml")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == get(public, UNKNOWN_CODE).json()


def limit() -> int:
    """The configured number of distinct codes a client may name in the window."""
    return rate_parse(settings.CODE_LOOKUP_RATE)[0]


def guess(n: int) -> str:
    """The nth of distinct well-formed codes that no served document has."""
    return code_from_secret(hashlib.sha256(f"guess {n}".encode()).digest())


def test_the_request_past_the_rate_is_429_with_retry_after(public: Actor) -> None:
    for n in range(limit()):
        assert get(public, guess(n)).status_code == 404
    response = get(public, guess(limit()))
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_every_code_named_counts_found_or_not(court: Actor, public: Actor) -> None:
    codes = [serve(court)["code"], "nonsense", *(guess(n) for n in range(limit() - 2))]
    askers = [
        lambda code: get(public, code),
        lambda code: check(public, code, {"sha256": SUMMONS}),
        lambda code: public.client.get(f"/api/v1/codes/{code}/qr"),
    ]
    for i, code in enumerate(codes):
        assert askers[i % len(askers)](code).status_code != 429
    assert get(public, UNKNOWN_CODE).status_code == 429


def test_the_limit_is_per_client_address(public: Actor) -> None:
    for n in range(limit() + 1):
        get(public, guess(n))
    response = public.client.get(f"/api/v1/codes/{UNKNOWN_CODE}", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 404


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(public: Actor) -> None:
    for n in range(limit()):
        public.client.get(f"/api/v1/codes/{guess(n)}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = public.client.get(f"/api/v1/codes/{UNKNOWN_CODE}", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429
