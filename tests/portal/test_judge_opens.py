"""A judge who verifies a document on / is led to the court's record, with its full
metadata, when their own court anchored it (issue 14.7); nobody else is."""

from django.urls import reverse

from tests.anchoring import anchor
from tests.people import Actor, node_of, sha


def _result(person: Actor, sha256: str, index: int | None = None) -> str:
    params = {"sha256": sha256} | ({"index": str(index)} if index is not None else {})
    response = person.client.get("/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page: str = response.content.decode()
    return page


def _link(index: int) -> str:
    return f'<a href="{reverse("portal:judge-record", kwargs={"index": index})}">'


def test_a_judge_verifying_their_courts_record_is_led_to_it(judge: Actor, court: Actor) -> None:
    index = anchor(node_of(court), sha("judgment"))
    page = _result(judge, sha("judgment"))
    assert _link(index) in page
    assert f"Open record {index} in your court's records" in page


def test_a_judge_is_led_to_their_courts_record_the_file_differs_from(
    judge: Actor, court: Actor
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    page = _result(judge, sha("a re-saved copy"), index)
    assert "Content differs from record" in page
    assert _link(index) in page


def test_a_judge_of_another_court_is_not_led_to_it(other_judge: Actor, court: Actor) -> None:
    index = anchor(node_of(court), sha("judgment"))
    assert _link(index) not in _result(other_judge, sha("judgment"))


def test_the_public_and_a_lawyer_are_not_led_to_it(
    public: Actor, lawyer: Actor, court: Actor
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    for person in (public, lawyer):
        page = _result(person, sha("judgment"))
        assert "Verified: this document is anchored in the log" in page
        assert _link(index) not in page


def test_a_judge_is_led_only_to_their_courts_entries_of_a_document(
    judge: Actor, court: Actor, other_court: Actor
) -> None:
    theirs = anchor(node_of(other_court), sha("judgment"))
    ours = anchor(node_of(court), sha("judgment"))
    page = _result(judge, sha("judgment"))
    assert _link(ours) in page
    assert _link(theirs) not in page
