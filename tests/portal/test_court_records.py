"""Judges search their own court's records by case number and open one with its full
metadata; every other person is refused, and nothing tells them whether a record exists."""

from collections.abc import Mapping

import pytest
from django.urls import reverse

from judicial_verify.ledger.publish import checkpoint_publish
from judicial_verify.records.models import Node
from judicial_verify.records.services import AnchorItem, records_anchor
from tests.anchoring import (
    CASE,
    CASE_NUMBER,
    TITLE,
    anchor,
    anchor_behind_the_service,
    anchor_unpublished,
)
from tests.people import Actor, node_of, sha

SEARCH = reverse("portal:judge-search")


def _record_url(index: int | str) -> str:
    return reverse("portal:judge-record", kwargs={"index": index})


def anchor_pending(node: Node, sha256: str, metadata: Mapping[str, object] = CASE) -> None:
    """Anchors one case file as `node` and leaves it for the integrator: no index yet."""
    records_anchor(
        node=node, items=[AnchorItem(kind="case_file", sha256=sha256, metadata=metadata)]
    )


def _search(person: Actor, case_number: str, language: str = "en") -> str:
    response = person.client.get(
        SEARCH, {"case_number": case_number}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    page: str = response.content.decode()
    return page


def test_it_lists_the_courts_records_of_a_case(judge: Actor, court: Actor) -> None:
    index = anchor(node_of(court), sha("judgment"))
    page = _search(judge, CASE_NUMBER)
    assert f'href="{_record_url(index)}"' in page
    assert "Case file" in page
    assert sha("judgment") in page
    assert "<time datetime=" in page
    assert "Case number</dt><dd>(2026) 京0105民初1号" in page
    assert "Parties</dt><dd>王某, 李某" in page


def test_it_labels_kinds_and_fields_in_chinese(judge: Actor, court: Actor) -> None:
    anchor(node_of(court), sha("judgment"))
    page = _search(judge, CASE_NUMBER, language="zh-hans")
    assert "案卷" in page
    assert "案号</dt><dd>(2026) 京0105民初1号" in page
    assert "当事人</dt><dd>王某、李某" in page


def test_it_labels_choices_by_what_they_mean(judge: Actor, court: Actor) -> None:
    served = {"case_number": CASE_NUMBER, "method": "electronic"}
    anchor(node_of(court), sha("summons"), kind="served_document", metadata=served)
    assert "Method of service</dt><dd>Electronic service" in _search(judge, CASE_NUMBER)
    assert "送达方式</dt><dd>电子送达" in _search(judge, CASE_NUMBER, language="zh-hans")


@pytest.mark.parametrize("typed", ["京0105民初1号", "（2026） 京0105民初1号", "(2026) 京0105民初1"])
def test_it_finds_a_case_by_part_of_its_number_or_full_width_brackets(
    judge: Actor, court: Actor, typed: str
) -> None:
    anchor(node_of(court), sha("judgment"))
    assert sha("judgment") in _search(judge, typed)


def test_it_does_not_find_another_case(judge: Actor, court: Actor) -> None:
    anchor(node_of(court), sha("judgment"))
    page = _search(judge, "京0105民初2号")
    assert sha("judgment") not in page
    assert "Your court has anchored no record for case 京0105民初2号." in page


def test_it_shows_a_record_not_yet_in_the_log_as_pending(judge: Actor, court: Actor) -> None:
    anchor_pending(node_of(court), sha("pending"))
    page = _search(judge, CASE_NUMBER)
    assert sha("pending") in page
    assert "Pending: not yet in the log" in page


def test_it_shows_a_record_integrated_but_not_yet_published_as_pending(
    judge: Actor, court: Actor
) -> None:
    anchor(node_of(court), sha("published"))
    index = anchor_unpublished(node_of(court), sha("unpublished"))
    page = _search(judge, CASE_NUMBER)
    assert sha("unpublished") in page
    assert "Pending: not yet in the log" in page
    assert f'href="{_record_url(index)}"' not in page
    assert judge.client.get(_record_url(index)).status_code == 404
    checkpoint_publish()
    assert "Pending: not yet in the log" not in _search(judge, CASE_NUMBER)
    assert judge.client.get(_record_url(index)).status_code == 200


def test_it_never_lists_another_courts_records(
    judge: Actor, other_judge: Actor, court: Actor, other_court: Actor
) -> None:
    anchor(node_of(court), sha("ours"))
    anchor(node_of(other_court), sha("theirs"))
    page = _search(judge, CASE_NUMBER)
    assert sha("ours") in page
    assert sha("theirs") not in page
    assert sha("ours") not in _search(other_judge, CASE_NUMBER)


def test_it_refuses_a_lawyer_the_search(lawyer: Actor, court: Actor) -> None:
    anchor(node_of(court), sha("judgment"))
    response = lawyer.client.get(SEARCH, {"case_number": CASE_NUMBER})
    assert response.status_code == 403
    assert sha("judgment") not in response.content.decode()


def test_it_sends_an_anonymous_visitor_to_sign_in(public: Actor) -> None:
    response = public.client.get(SEARCH, {"case_number": CASE_NUMBER})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign-in"))


def test_it_keeps_search_results_out_of_caches(judge: Actor, court: Actor) -> None:
    anchor(node_of(court), sha("judgment"))
    response = judge.client.get(SEARCH, {"case_number": CASE_NUMBER})
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_it_shows_a_judge_the_full_record(judge: Actor, court: Actor) -> None:
    index = anchor(node_of(court), sha("judgment"))
    response = judge.client.get(_record_url(index), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert f"Record {index}" in page
    assert sha("judgment") in page
    assert "北京市朝阳区人民法院 (court-a)" in page
    assert "Title</dt><dd>王某诉李某合同纠纷" in page
    assert "Case number</dt><dd>(2026) 京0105民初1号" in page
    assert f'href="/report/{index}.pdf"' in page
    assert f'href="/api/v1/entries/{index}/receipt"' in page


def test_it_shows_a_served_documents_receipt_to_its_courts_judge(
    judge: Actor, court: Actor
) -> None:
    served = anchor(node_of(court), sha("summons"), kind="served_document", metadata={})
    receipt = anchor(
        node_of(court), sha("receipt"), kind="service_receipt", metadata={}, ref=served
    )
    page = judge.client.get(_record_url(served)).content.decode()
    assert f'href="{_record_url(receipt)}"' in page
    receipt_page = judge.client.get(_record_url(receipt)).content.decode()
    assert f'href="{_record_url(served)}"' in receipt_page


def test_it_shows_no_receipt_another_node_recorded_for_the_courts_document(
    judge: Actor, court: Actor, other_court: Actor
) -> None:
    served = anchor(node_of(court), sha("summons"), kind="served_document", metadata={})
    foreign = anchor_behind_the_service(
        node_of(other_court), sha("receipt"), kind="service_receipt", metadata={}, ref=served
    )
    page = judge.client.get(_record_url(served), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{_record_url(foreign)}"' not in page
    assert f"Record {foreign}" not in page


def test_it_shows_another_courts_record_as_not_found(other_judge: Actor, court: Actor) -> None:
    index = anchor(node_of(court), sha("judgment"))
    theirs = other_judge.client.get(_record_url(index))
    missing = other_judge.client.get(_record_url(index + 1))
    assert theirs.status_code == missing.status_code == 404
    assert TITLE not in theirs.content.decode()
    assert sha("judgment") not in theirs.content.decode()


def test_it_refuses_a_lawyer_any_record_alike(lawyer: Actor, court: Actor) -> None:
    index = anchor(node_of(court), sha("judgment"))
    assert lawyer.client.get(_record_url(index)).status_code == 403
    assert lawyer.client.get(_record_url(index + 1)).status_code == 403


def test_it_sends_an_anonymous_visitor_to_sign_in_for_a_record(public: Actor, court: Actor) -> None:
    index = anchor(node_of(court), sha("judgment"))
    response = public.client.get(_record_url(index))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign-in"))


@pytest.mark.parametrize(
    "index",
    ["abc", "-1", "1.5", "٣", "00", "99999999999999999999", str(2**63), str(2**63 - 1)],
)
def test_it_answers_a_bad_record_number_with_not_found(
    judge: Actor, court: Actor, index: str
) -> None:
    anchor(node_of(court), sha("judgment"))
    assert judge.client.get(_record_url(index)).status_code == 404
