"""A served document's page (/v/CODE): what the holder of its code sees of its service."""

from django.urls import reverse
from django.utils import translation

from judicial_verify.court_time import court_time
from judicial_verify.ledger.models import Entry
from judicial_verify.ledger.publish import checkpoint_publish
from judicial_verify.records.models import Node, Record
from judicial_verify.records.selectors import entry_view
from judicial_verify.records.services import AnchorItem, record_code, records_anchor
from tests.anchoring import anchor, anchor_behind_the_service, anchor_unpublished
from tests.people import Actor, node_of, sha
from tests.publishing import integrate_and_publish

from .page_text import page_text

SERVED = {"document_type": "summons", "served_at": "2026-11-20T10:00:00+08:00"}


def _serve(court: Node) -> tuple[int, str]:
    """Anchors a summons as served by `court`; returns its index and verification code."""
    item = AnchorItem(kind="served_document", sha256=sha("summons"), metadata=SERVED)
    (anchored,) = records_anchor(node=court, items=[item])
    integrate_and_publish()
    code = record_code(anchored.record)
    assert code is not None
    return Entry.objects.get(submission=anchored.record.submission).index, code


def _page(person: Actor, code: str) -> str:
    response = person.client.get(
        reverse("portal:served", kwargs={"code": code}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    page: str = response.content.decode()
    return page


def test_it_shows_the_receipt_the_serving_court_recorded(public: Actor, court: Actor) -> None:
    index, code = _serve(node_of(court))
    received = {"received_at": "2026-11-21T09:00:00+08:00"}
    anchor(node_of(court), sha("receipt"), kind="service_receipt", metadata=received, ref=index)
    assert "Received, 21 Nov 2026, 09:00 (Beijing time, UTC+8)" in _page(public, code)


def test_it_ignores_a_receipt_another_node_recorded(
    public: Actor, court: Actor, other_court: Actor
) -> None:
    index, code = _serve(node_of(court))
    received = {"received_at": "2026-11-21T09:00:00+08:00"}
    anchor_behind_the_service(
        node_of(other_court), sha("receipt"), kind="service_receipt", metadata=received, ref=index
    )
    page = _page(public, code)
    assert "Not recorded yet" in page
    assert "Received," not in page


def test_it_shows_no_receipt_integrated_but_not_yet_published(public: Actor, court: Actor) -> None:
    index, code = _serve(node_of(court))
    received = {"received_at": "2026-11-21T09:00:00+08:00"}
    anchor_unpublished(
        node_of(court), sha("receipt"), kind="service_receipt", metadata=received, ref=index
    )
    assert "Not recorded yet" in _page(public, code)
    checkpoint_publish()
    assert "Received, 21 Nov 2026, 09:00 (Beijing time, UTC+8)" in _page(public, code)


def test_a_served_document_not_yet_published_has_no_page(public: Actor, court: Actor) -> None:
    anchor(node_of(court), sha("published"))
    anchor_unpublished(node_of(court), sha("summons"), kind="served_document", metadata=SERVED)
    code = record_code(Record.objects.get(sha256=sha("summons")))
    assert code is not None
    url = reverse("portal:served", kwargs={"code": code})
    assert public.client.get(url).status_code == 404
    checkpoint_publish()
    assert public.client.get(url).status_code == 200


def test_it_shows_when_it_was_served_in_the_court_s_time_zone(public: Actor, court: Actor) -> None:
    _, code = _serve(node_of(court))
    page = _page(public, code)
    assert "<dt>Served</dt>" in page
    assert (
        '<time datetime="2026-11-20T10:00:00+08:00">20 Nov 2026, 10:00 (Beijing time, UTC+8)'
        in page
    )
    assert "(UTC)" not in page


def test_a_verified_file_is_said_proven_in_one_sentence_with_its_receipt_and_report(
    public: Actor, court: Actor
) -> None:
    index, code = _serve(node_of(court))
    time = entry_view(index).entry.time
    response = public.client.get(
        reverse("portal:served", kwargs={"code": code}),
        {"sha256": sha("summons")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    with translation.override("en"):
        shown = court_time(time)
    words = " ".join(page_text(html))
    assert (
        f"Anchored by {node_of(court).name} on {shown}, record {index}, unchanged since." in words
    )
    report = reverse("portal:report", kwargs={"index": index})
    assert f'href="{report}?sha256={sha("summons")}"' in html
    assert f'href="{reverse("api:entries-receipt", kwargs={"index": index})}"' in html
    # The hashes and the raw time are for a careful reader, under technical details.
    technical = html.split('<details class="technical">')[1].split("</details>")[0]
    assert sha("summons") in technical
    assert time in technical


def test_a_file_that_differs_is_told_what_to_do_and_whom_to_ask(
    public: Actor, court: Actor
) -> None:
    node = node_of(court)
    node.contact = "021-12368"
    node.save()
    _, code = _serve(node)
    response = public.client.get(
        reverse("portal:served", kwargs={"code": code}),
        {"sha256": sha("a scan")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    words = " ".join(page_text(response.content.decode()))
    assert "Content differs from the document that was served" in words
    assert "A printed, scanned, photographed or re-saved copy" in words
    assert "check that this is the PDF the court sent you" in words
    assert f"Questions: {node.name}, 021-12368" in words


def test_no_contact_is_offered_where_the_court_gave_none(public: Actor, court: Actor) -> None:
    _, code = _serve(node_of(court))
    response = public.client.get(
        reverse("portal:served", kwargs={"code": code}),
        {"sha256": sha("a scan")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Questions:" not in response.content.decode()
