import base64
import hashlib
import io
import json
import tracemalloc
from typing import Any

import pytest
from django.conf import LazySettings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, ClientHandler, encode_multipart

from judicial_verify.ledger.keys import log_key_rotate
from judicial_verify.ledger.models import Checkpoint as CheckpointRow
from judicial_verify.ledger.models import Entry as EntryRow
from judicial_verify.ledger.read import verifier_keys
from judicial_verify.ledger.submit import entries_submit
from judicial_verify.records.models import Node, Record
from judicial_verify.records.services import AnchorItem, records_anchor
from judicial_verify.tlog.entry import Entry, decode_entry
from judicial_verify.tlog.tree import leaf_hash, verify_inclusion
from tests.anchoring import CASE
from tests.ledger.tamper import guards_lifted
from tests.people import Actor, node_of, sha
from tests.publishing import integrate_and_publish

from .anchoring import anchor, signed_checkpoint

pytestmark = pytest.mark.django_db

URL = "/api/v1/verify"
SERVED = {"document_type": "summons", "served_at": "2026-11-20T10:00:00+08:00"}


def verify(actor: Actor, sha256: str) -> Any:
    return actor.client.get(URL, {"sha256": sha256})


def upload(actor: Actor, content: bytes, field: str = "file", **extra: Any) -> Any:
    return actor.client.post(URL, {field: _file(content)}, format="multipart", **extra)


def _file(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("summons.pdf", content, content_type="application/pdf")


def test_it_finds_the_entry_anchoring_a_document(court: Actor, public: Actor) -> None:
    index = anchor(court, sha("agreement"))
    answer = verify(public, sha("agreement")).json()
    assert answer["sha256"] == sha("agreement")
    assert answer["anchored"] is True
    assert [e["index"] for e in answer["entries"]] == [index]


def test_it_finds_every_entry_anchoring_a_document_oldest_first(
    court: Actor, other_court: Actor, public: Actor
) -> None:
    first = anchor(court, sha("evidence"), kind="evidence", metadata={})
    second = anchor(other_court, sha("evidence"), kind="evidence", metadata={})
    entries = verify(public, sha("evidence")).json()["entries"]
    assert [(e["index"], e["node"]["code"]) for e in entries] == [
        (first, "court-a"),
        (second, "court-b"),
    ]


def test_a_document_not_anchored_gets_an_empty_list(court: Actor, public: Actor) -> None:
    anchor(court, sha("something else"))
    answer = verify(public, sha("never anchored")).json()
    assert (answer["anchored"], answer["entries"]) == (False, [])
    assert answer["verifier_keys"] == verifier_keys()


def test_a_log_that_has_signed_nothing_has_anchored_nothing(public: Actor) -> None:
    response = verify(public, sha("anything"))
    assert response.status_code == 200
    assert response.json() == {
        "sha256": sha("anything"),
        "anchored": False,
        "outcome": "not_anchored",
        "entries": [],
        "matching_entries": [],
        "verifier_keys": [],
    }


def test_a_submitted_record_is_not_anchored_until_integrated(court: Actor, public: Actor) -> None:
    records_anchor(node=node_of(court), items=[AnchorItem(kind="evidence", sha256=sha("new"))])
    assert verify(public, sha("new")).json()["entries"] == []
    integrate_and_publish()
    assert len(verify(public, sha("new")).json()["entries"]) == 1


def test_it_shows_the_public_fields_of_an_entry(court: Actor, public: Actor) -> None:
    index = anchor(court, sha("served"), kind="served_document", metadata=SERVED)
    receipt = anchor(court, sha("receipt"), kind="service_receipt", metadata={}, ref=index)
    (entry,) = verify(public, sha("receipt")).json()["entries"]
    stored = decode_entry(base64.b64decode(entry["entry"]))
    assert entry["index"] == receipt
    assert entry["kind"] == "service_receipt"
    assert entry["kind_label"] == {"en": "Receipt of service", "zh": "送达回证"}
    assert entry["node"] == {"code": "court-a", "name": "北京市朝阳区人民法院", "type": "court"}
    assert entry["time"] == stored.time
    assert entry["ref"] == index
    assert entry["sha256"] == sha("receipt")
    assert entry["meta"] == stored.meta


def test_the_entry_bytes_hash_to_the_leaf_its_proof_leads_from(court: Actor, public: Actor) -> None:
    for n in range(5):
        anchor(court, sha(f"filler {n}"))
    anchor(court, sha("agreement"))
    (entry,) = verify(public, sha("agreement")).json()["entries"]
    data = base64.b64decode(entry["entry"])
    assert base64.b64decode(entry["leaf_hash"]) == leaf_hash(data)
    assert decode_entry(data).sha256 == sha("agreement")
    assert entry["proof"]["tree_size"] == proven_size(entry) == 6


def proven_size(entry: dict[str, Any]) -> int:
    """Checks the entry's proof up to its signed checkpoint; returns that checkpoint's size."""
    checkpoint = signed_checkpoint(entry["checkpoint"]["note"])
    verify_inclusion(
        leaf_hash=leaf_hash(base64.b64decode(entry["entry"])),
        index=entry["index"],
        size=checkpoint.size,
        proof=[base64.b64decode(h) for h in entry["proof"]["hashes"]],
        root=checkpoint.root_hash,
    )
    return checkpoint.size


def test_it_shows_the_checkpoint_the_proof_leads_to(court: Actor, public: Actor) -> None:
    anchor(court, sha("agreement"))
    (entry,) = verify(public, sha("agreement")).json()["entries"]
    checkpoint = entry["checkpoint"]
    signed = signed_checkpoint(checkpoint["note"])
    assert checkpoint["origin"] == signed.origin == "judicial-verify.localhost/log"
    assert checkpoint["size"] == signed.size
    assert base64.b64decode(checkpoint["root_hash"]) == signed.root_hash
    assert checkpoint["verifier_key"] in verifier_keys()
    stored = CheckpointRow.objects.get(size=signed.size)
    assert checkpoint["signed"] == stored.signed.isoformat().replace("+00:00", "Z")


def test_the_answer_proves_against_the_newest_checkpoint_as_the_log_grows(
    court: Actor, public: Actor
) -> None:
    anchor(court, sha("agreement"))
    first = verify(public, sha("agreement")).json()["entries"][0]["checkpoint"]
    anchor(court, sha("later"))
    (entry,) = verify(public, sha("agreement")).json()["entries"]
    assert proven_size(entry) == first["size"] + 1


def test_a_rotated_key_is_listed_once_it_has_signed(court: Actor, public: Actor) -> None:
    anchor(court, sha("before"))
    (old,) = verify(public, sha("before")).json()["verifier_keys"]
    log_key_rotate()
    anchor(court, sha("after"))
    answer = verify(public, sha("before")).json()
    new = answer["entries"][0]["checkpoint"]["verifier_key"]
    assert new != old
    assert answer["verifier_keys"] == [new, old]


def test_a_node_renamed_shows_its_new_name_at_once(court: Actor, public: Actor) -> None:
    anchor(court, sha("agreement"))
    (entry,) = verify(public, sha("agreement")).json()["entries"]
    assert entry["node"]["name"] == "北京市朝阳区人民法院"
    Node.objects.filter(code="court-a").update(name="Court A, renamed")
    (entry,) = verify(public, sha("agreement")).json()["entries"]
    assert entry["node"]["name"] == "Court A, renamed"


def test_an_entry_without_a_record_names_its_node_by_code(court: Actor, public: Actor) -> None:
    # Entries the ledger took directly (its own `anchor` command) have no record here.
    entry = Entry(
        kind="evidence",
        sha256=sha("bare"),
        node="court-a",
        time="2026-11-27T09:00:00.000Z",
        meta=sha("metadata"),
    )
    entries_submit(entries=[entry])
    integrate_and_publish()
    (found,) = verify(public, sha("bare")).json()["entries"]
    assert found["node"] == {"code": "court-a", "name": "北京市朝阳区人民法院", "type": "court"}
    assert found["metadata"] is None


def test_the_public_answer_reads_no_metadata_and_the_owners_reads_it_once(
    court: Actor, public: Actor
) -> None:
    from judicial_verify.records.selectors import (
        Viewer,
        metadata_visible,
        verification_by_sha256,
    )

    anchor(court, sha("agreement"))
    (proven,) = verification_by_sha256(sha("agreement")).entries
    record = proven.view.record
    assert record is not None
    assert {"metadata", "salt"} <= record.get_deferred_fields()
    assert metadata_visible(proven.view, Viewer()) is None
    assert {"metadata", "salt"} <= record.get_deferred_fields()
    metadata = metadata_visible(proven.view, Viewer(node=node_of(court)))
    assert metadata is not None
    assert metadata["case_number"] == CASE["case_number"]
    assert not {"metadata", "salt"} & record.get_deferred_fields()


def test_it_accepts_a_hash_in_upper_case(court: Actor, public: Actor) -> None:
    anchor(court, sha("agreement"))
    answer = verify(public, sha("agreement").upper()).json()
    assert answer["sha256"] == sha("agreement")
    assert len(answer["entries"]) == 1


@pytest.mark.parametrize(
    "value", ["", "xyz", sha("x")[:63], sha("x") + "0", "g" * 64, f" {sha('x')[1:]}", "é" * 64]
)
def test_it_refuses_what_is_not_a_sha256_naming_the_field(public: Actor, value: str) -> None:
    response = verify(public, value)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"][0]["field"] == "sha256"


def test_it_asks_for_the_sha256_when_it_is_missing(public: Actor) -> None:
    response = public.client.get(URL)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == [{"field": "sha256", "message": "is required"}]


def test_an_uploaded_file_is_hashed_on_the_server(court: Actor, public: Actor) -> None:
    content = b"%PDF-1.7 the summons" * 1000
    anchor(court, hashlib.sha256(content).hexdigest())
    answer = upload(public, content).json()
    assert answer["sha256"] == hashlib.sha256(content).hexdigest()
    assert answer["file_size"] == len(content)
    by_hash = verify(public, answer["sha256"]).json()
    assert {k: v for k, v in answer.items() if k != "file_size"} == by_hash


def test_an_uploaded_file_not_anchored_gets_an_empty_list(public: Actor) -> None:
    answer = upload(public, b"a re-saved copy").json()
    assert (answer["anchored"], answer["entries"]) == (False, [])
    assert answer["sha256"] == hashlib.sha256(b"a re-saved copy").hexdigest()


def test_an_empty_file_is_hashed_too(public: Actor) -> None:
    answer = upload(public, b"").json()
    assert (answer["sha256"], answer["file_size"]) == (hashlib.sha256(b"").hexdigest(), 0)


def test_a_file_of_exactly_the_limit_is_hashed(public: Actor, settings: LazySettings) -> None:
    settings.VERIFY_UPLOAD_MAX_BYTES = 200_000
    response = upload(public, b"x" * 200_000)
    assert response.status_code == 200
    assert response.json()["file_size"] == 200_000


def test_a_file_past_the_limit_is_refused_with_413(public: Actor, settings: LazySettings) -> None:
    settings.VERIFY_UPLOAD_MAX_BYTES = 200_000
    response = upload(public, b"x" * 200_001)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large"
    assert "200000 bytes" in error["message"]


def test_a_body_that_says_it_is_too_large_is_refused_before_it_is_read(
    public: Actor, settings: LazySettings
) -> None:
    settings.VERIFY_UPLOAD_MAX_BYTES = 1000
    body = encode_multipart(BOUNDARY, {"file": _file(b"x" * 10)})
    response = public.client.post(
        URL, body, content_type=MULTIPART_CONTENT, CONTENT_LENGTH=str(1000 + 64 * 1024 + 1)
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_an_upload_must_be_the_multipart_field_file(public: Actor) -> None:
    response = upload(public, b"summons", field="document")
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "file"


def test_an_upload_of_two_files_is_refused(public: Actor) -> None:
    response = public.client.post(URL, {"file": [_file(b"one"), _file(b"two")]}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "file"


def test_a_document_sent_as_a_form_field_without_a_filename_is_hashed_byte_for_byte(
    public: Actor,
) -> None:
    content = bytes(range(256)) * 4  # not UTF-8
    body = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"\r\n\r\n'.encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    answer = public.client.post(URL, body, content_type=MULTIPART_CONTENT).json()
    assert (answer["sha256"], answer["file_size"]) == (hashlib.sha256(content).hexdigest(), 1024)


def test_a_document_sent_both_as_a_file_and_as_a_field_is_refused(public: Actor) -> None:
    body = encode_multipart(BOUNDARY, {"file": [_file(b"one"), "two"]})
    response = public.client.post(URL, body, content_type=MULTIPART_CONTENT)
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "file"


def test_a_form_without_a_file_is_refused(public: Actor) -> None:
    response = public.client.post(URL, {"note": "no file here"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "file"


def test_an_empty_body_is_refused(public: Actor) -> None:
    response = public.client.post(URL, b"", content_type=MULTIPART_CONTENT)
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "file"


def test_an_upload_neither_multipart_nor_json_is_refused(public: Actor) -> None:
    response = public.client.post(URL, f"sha256={sha('x')}", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=é"],
)
def test_a_multipart_body_without_a_good_boundary_is_refused(
    public: Actor, content_type: str
) -> None:
    response = public.client.post(URL, b"--x\r\n\r\n", content_type=content_type)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_a_truncated_multipart_body_is_refused(public: Actor) -> None:
    body = encode_multipart(BOUNDARY, {"file": _file(b"x" * 100)})
    response = public.client.post(URL, body[: len(body) // 2], content_type=MULTIPART_CONTENT)
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("invalid", "malformed_request")


class _MultipartStream(io.RawIOBase):
    """A multipart body with one file of `size` bytes, made as it is read: never all in memory.

    Byte i of the file is i % 256.
    """

    BOUNDARY = "hashing-as-it-streams"
    PATTERN = bytes(range(256)) * 257
    MAX_READ = 256 * 256

    def __init__(self, size: int) -> None:
        self.head = (
            f"--{self.BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{self.BOUNDARY}--\r\n".encode()
        self.size = size
        self.length = len(self.head) + size + len(self.tail)
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._next(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _next(self, n: int) -> bytes:
        # A stream may return fewer bytes than asked for; this one at most MAX_READ.
        start = self.position
        end = min(self.length, start + min(n, self.MAX_READ))
        body_start, body_end = len(self.head), len(self.head) + self.size
        out = self.head[start:end]
        first, last = max(start, body_start) - body_start, min(end, body_end) - body_start
        if first < last:
            out += self.PATTERN[first % 256 : first % 256 + last - first]
        out += self.tail[max(start, body_end) - body_end : max(end, body_end) - body_end]
        self.position = end
        return out

    def content_sha256(self) -> str:
        digest = hashlib.sha256()
        for offset in range(0, self.size, self.MAX_READ):
            digest.update(self.PATTERN[: min(self.MAX_READ, self.size - offset)])
        return digest.hexdigest()


def _post_stream(stream: _MultipartStream) -> Any:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": URL,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": stream,
        "CONTENT_TYPE": f"multipart/form-data; boundary={stream.BOUNDARY}",
        "CONTENT_LENGTH": str(stream.length),
    }
    return ClientHandler()(environ)


def test_an_upload_is_hashed_in_bounded_memory(public: Actor) -> None:
    size = 24 * 1024 * 1024
    _post_stream(_MultipartStream(1000))  # warm-up: imports and first-request set-up
    tracemalloc.start()
    try:
        response = _post_stream(_MultipartStream(size))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert json.loads(response.content)["sha256"] == _MultipartStream(size).content_sha256()
    assert json.loads(response.content)["file_size"] == size
    assert peak < 2 * 1024 * 1024, f"peak {peak} bytes for a {size}-byte upload"


def test_a_stream_past_the_limit_is_cut_off_with_413(settings: LazySettings) -> None:
    settings.VERIFY_UPLOAD_MAX_BYTES = 100_000
    stream = _MultipartStream(150_000)
    response = _post_stream(stream)
    assert response.status_code == 413
    assert stream.position < stream.length, "it read the whole upload before refusing it"


def test_an_entry_row_that_fails_its_checks_answers_a_503_integrity_alarm(
    court: Actor, public: Actor
) -> None:
    index = anchor(court, sha("agreement"))
    with guards_lifted("ledger_entry"):
        EntryRow.objects.filter(index=index).update(data=b"not an entry")
    response = verify(public, sha("agreement"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "integrity_alarm"
    assert verify(public, sha("other")).status_code == 200  # other documents still verify


def test_a_verification_reads_a_handful_of_rows_however_many_entries_anchor_it(
    court: Actor, other_court: Actor, public: Actor, django_assert_max_num_queries: Any
) -> None:
    anchor(court, sha("evidence"), kind="evidence", metadata={})
    anchor(other_court, sha("evidence"), kind="evidence", metadata={})
    # The newest checkpoint's id, then that checkpoint with its key and the verifier keys
    # (read once a process, and kept), the entries, their records with their nodes, and the
    # tiles of the proofs (one query, not one an entry; then kept too).
    with django_assert_max_num_queries(6):
        answer = verify(public, sha("evidence")).json()
    assert len(answer["entries"]) == 2
    with django_assert_max_num_queries(3):
        assert verify(public, sha("evidence")).json() == answer


def test_a_record_row_moved_to_another_node_shows_that_node_nothing_but_an_alarm(
    court: Actor, other_court: Actor
) -> None:
    anchor(court, sha("agreement"))
    Record.objects.filter(sha256=sha("agreement")).update(node=other_court.node)
    response = verify(other_court, sha("agreement"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "integrity_alarm"


def test_each_entry_names_its_receipt_and_report_urls(
    court: Actor, other_court: Actor, public: Actor
) -> None:
    first = anchor(court, sha("evidence"), kind="evidence", metadata={})
    second = anchor(other_court, sha("evidence"), kind="evidence", metadata={})
    entries = verify(public, sha("evidence")).json()["entries"]
    assert [(e["receipt_url"], e["report_url"]) for e in entries] == [
        (
            f"http://testserver/api/v1/entries/{i}/receipt",
            f"http://testserver/report/{i}.pdf?sha256={sha('evidence')}",
        )
        for i in (first, second)
    ]


def test_the_urls_lead_to_the_receipt_and_the_report(court: Actor, public: Actor) -> None:
    index = anchor(court, sha("agreement"))
    (entry,) = verify(public, sha("agreement")).json()["entries"]
    receipt = public.client.get(entry["receipt_url"])
    assert receipt.status_code == 200
    assert receipt["Content-Disposition"].endswith(f'entry-{index}.tlog-proof"')
    report = public.client.get(entry["report_url"])
    assert report.status_code == 200
    assert report.content.startswith(b"%PDF-")


def test_an_uploaded_files_entries_name_their_urls_too(court: Actor, public: Actor) -> None:
    index = anchor(court, hashlib.sha256(b"the summons").hexdigest())
    (entry,) = upload(public, b"the summons").json()["entries"]
    assert entry["receipt_url"] == f"http://testserver/api/v1/entries/{index}/receipt"
    assert entry["report_url"].startswith(f"http://testserver/report/{index}.pdf?sha256=")


def test_the_urls_follow_the_host_and_scheme_asked(court: Actor, public: Actor) -> None:
    index = anchor(court, sha("agreement"))
    answer = public.client.get(
        URL, {"sha256": sha("agreement")}, HTTP_HOST="localhost", secure=True
    ).json()
    assert answer["entries"][0]["receipt_url"] == (
        f"https://localhost/api/v1/entries/{index}/receipt"
    )
