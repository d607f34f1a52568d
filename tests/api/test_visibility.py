"""Who sees a record's metadata: its anchoring node, and the judges of that court signed in.
Everyone else (another node, another court's judges, lawyers, the public) sees public
fields only, on every read endpoint: an entry by index, and verification by hash or upload."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from judicial_verify.records.credentials import personal_token_issue
from judicial_verify.records.models import Profile, Record
from judicial_verify.tlog.entry import metadata_commitment
from tests.anchoring import CASE
from tests.people import Actor, node_of

from .anchoring import anchor

pytestmark = pytest.mark.django_db

DOCUMENT = b"%PDF-1.7 the judgment"
SERVED = {
    "case_number": "(2026) 京0105民初7号",
    "document_type": "judgment",
    "recipient": "Li Si",
    "served_at": "2026-11-20T10:00:00+08:00",
    "method": "electronic",
}


def sha_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _by_index(client: APIClient, index: int) -> Any:
    return client.get(f"/api/v1/entries/{index}")


def _by_hash(client: APIClient, index: int) -> Any:
    return client.get("/api/v1/verify", {"sha256": sha_of(DOCUMENT)})


def _by_upload(client: APIClient, index: int) -> Any:
    upload = SimpleUploadedFile("judgment.pdf", DOCUMENT)
    return client.post("/api/v1/verify", {"file": upload}, format="multipart")


def _entries(response: Any, index: int) -> list[dict[str, Any]]:
    answer = response.json()
    return [e for e in answer.get("entries", [answer]) if e["index"] == index]


Reader = Callable[[APIClient, int], Any]
READERS: list[Reader] = [_by_index, _by_hash, _by_upload]
reader = pytest.mark.parametrize("read", READERS, ids=["entry", "verify", "upload"])


def seen(actor: Actor, index: int, read: Reader) -> Any:
    """The metadata the actor gets for the entry at `index`."""
    (entry,) = _entries(read(actor.client, index), index)
    return entry["metadata"]


@pytest.fixture
def index(court: Actor) -> int:
    """A record of the court's, with its parties and case number."""
    return anchor(court, sha_of(DOCUMENT))


@reader
def test_the_anchoring_node_sees_the_full_metadata(court: Actor, index: int, read: Reader) -> None:
    assert seen(court, index, read) == CASE


@reader
def test_another_node_sees_no_metadata(other_court: Actor, index: int, read: Reader) -> None:
    assert seen(other_court, index, read) is None


@reader
def test_a_judge_of_the_anchoring_court_sees_the_full_metadata(
    judge: Actor, index: int, read: Reader
) -> None:
    assert seen(judge, index, read) == CASE


@reader
def test_a_judge_of_another_court_sees_no_metadata(
    other_judge: Actor, index: int, read: Reader
) -> None:
    assert seen(other_judge, index, read) is None


@reader
def test_a_lawyer_sees_no_metadata(lawyer: Actor, index: int, read: Reader) -> None:
    assert seen(lawyer, index, read) is None


@reader
def test_the_public_sees_no_metadata(public: Actor, index: int, read: Reader) -> None:
    assert seen(public, index, read) is None


@reader
def test_a_judge_using_a_personal_token_sees_what_the_public_sees(
    judge: Actor, index: int, read: Reader
) -> None:
    assert judge.user is not None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {personal_token_issue(user=judge.user)}")
    assert seen(Actor(client=client), index, read) is None


@reader
def test_a_lawyer_signed_in_sees_what_the_public_sees(
    lawyer: Actor, index: int, read: Reader
) -> None:
    assert lawyer.user is not None
    client = APIClient()
    client.force_login(lawyer.user)
    assert seen(Actor(client=client), index, read) is None


@reader
def test_a_person_signed_in_without_a_role_sees_what_the_public_sees(
    index: int, read: Reader
) -> None:
    client = APIClient()
    client.force_login(User.objects.create_user("clerk"))
    assert seen(Actor(client=client), index, read) is None


@reader
def test_a_suspended_node_sees_what_the_public_sees(court: Actor, index: int, read: Reader) -> None:
    node = node_of(court)
    node.suspended = True
    node.save()
    assert seen(court, index, read) is None


@reader
def test_a_judge_moved_to_another_court_no_longer_sees_the_metadata(
    judge: Actor, other_court: Actor, index: int, read: Reader
) -> None:
    Profile.objects.filter(user=judge.user).update(court=node_of(other_court))
    assert seen(judge, index, read) is None


@reader
def test_the_public_fields_are_the_same_for_everyone(
    court: Actor, public: Actor, index: int, read: Reader
) -> None:
    (full,) = _entries(read(court.client, index), index)
    (public_view,) = _entries(read(public.client, index), index)
    assert {k: v for k, v in full.items() if not k.startswith("metadata")} == {
        k: v for k, v in public_view.items() if not k.startswith("metadata")
    }


def test_a_judge_sees_their_courts_record_but_not_another_courts_of_the_same_document(
    court: Actor, other_court: Actor, judge: Actor, other_judge: Actor
) -> None:
    theirs = {"case_number": "(2026) 沪0101民初9号", "parties": ["Zhao"]}
    anchor(court, sha_of(DOCUMENT))
    anchor(other_court, sha_of(DOCUMENT), metadata=theirs)
    for actor, expected in ((judge, [CASE, None]), (other_judge, [None, theirs])):
        entries = actor.client.get("/api/v1/verify", {"sha256": sha_of(DOCUMENT)}).json()
        assert [e["metadata"] for e in entries["entries"]] == expected


def test_whoever_sees_the_metadata_can_recompute_its_commitment(judge: Actor, index: int) -> None:
    entry = judge.client.get(f"/api/v1/entries/{index}").json()
    salt = bytes.fromhex(entry["metadata_salt"])
    assert salt == bytes(Record.objects.get().salt)
    assert metadata_commitment(salt, entry["metadata"]) == entry["meta"]


@reader
def test_the_salt_is_shown_only_with_the_metadata(public: Actor, index: int, read: Reader) -> None:
    (entry,) = _entries(read(public.client, index), index)
    assert entry["metadata_salt"] is None


@pytest.mark.parametrize("actor_name", ["public", "lawyer", "other_judge", "other_court"])
def test_no_answer_to_others_holds_any_metadata_value(
    court: Actor, request: pytest.FixtureRequest, actor_name: str
) -> None:
    index = anchor(court, sha_of(DOCUMENT), kind="served_document", metadata=SERVED)
    actor: Actor = request.getfixturevalue(actor_name)
    for read in READERS:
        text = json.dumps(_entries(read(actor.client, index), index), ensure_ascii=False)
        for value in SERVED.values():
            assert value not in text


@reader
def test_an_answer_showing_metadata_is_never_stored_by_a_cache(
    judge: Actor, index: int, read: Reader
) -> None:
    response = read(judge.client, index)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@reader
def test_every_answer_varies_by_who_asks(public: Actor, index: int, read: Reader) -> None:
    response = read(public.client, index)
    assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    assert "no-store" not in response.get("Cache-Control", "")
