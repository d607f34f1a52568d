"""The API's JSON parser: bounded in size and depth, one value to a key, in the one error
shape."""

import json
from typing import Any

import pytest
from django.conf import LazySettings

from judicial_verify.api.parsers import MAX_DEPTH
from judicial_verify.records.kinds import MAX_METADATA_BYTES
from judicial_verify.records.models import Record
from judicial_verify.records.services import MAX_BATCH
from tests.people import Actor, sha

pytestmark = pytest.mark.django_db

URL = "/api/v1/entries"


def post_text(actor: Actor, text: str | bytes) -> Any:
    return actor.client.post(URL, text, content_type="application/json")


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_it_refuses_a_body_nested_past_the_bound_with_400(court: Actor) -> None:
    response = post_text(court, nested(50_000))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "malformed_request"
    assert str(MAX_DEPTH) in error["message"]


def test_it_refuses_a_body_one_level_past_the_bound(court: Actor) -> None:
    assert post_text(court, nested(MAX_DEPTH + 1)).json()["error"]["code"] == "malformed_request"


def test_it_parses_a_body_at_the_bound(court: Actor) -> None:
    # Parsed, then refused by the view as not a record, not by the parser.
    assert post_text(court, nested(MAX_DEPTH)).json()["error"]["code"] == "invalid"


def test_it_refuses_an_object_with_a_key_twice(court: Actor) -> None:
    text = f'{{"kind": "evidence", "sha256": "{sha("a")}", "sha256": "{sha("b")}"}}'
    response = post_text(court, text)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "malformed_request"
    assert '"sha256"' in error["message"]
    assert not Record.objects.exists()


def test_it_refuses_a_key_twice_in_metadata(court: Actor) -> None:
    text = (
        f'{{"kind": "evidence", "sha256": "{sha("a")}",'
        ' "metadata": {"title": "one", "title": "two"}}'
    )
    assert post_text(court, text).json()["error"]["code"] == "malformed_request"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_it_refuses_what_json_does_not_define(court: Actor, constant: str) -> None:
    text = f'{{"kind": "evidence", "sha256": "{sha("a")}", "ref": {constant}}}'
    assert post_text(court, text).json()["error"]["code"] == "malformed_request"


def test_it_refuses_a_body_that_is_not_utf_8(court: Actor) -> None:
    assert post_text(court, b'{"kind": "\xff"}').json()["error"]["code"] == "malformed_request"


def test_a_body_past_the_limit_gets_413_stating_the_limit_and_what_fits(
    court: Actor, settings: LazySettings
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = [{"kind": "evidence", "sha256": sha(str(i))} for i in range(20)]
    response = post_text(court, json.dumps(body))
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large"
    assert "1,000 bytes" in error["message"]
    assert f"{MAX_BATCH:,} records" in error["message"]


def largest_metadata(at: int) -> dict[str, object]:
    """Metadata of a case file of exactly MAX_METADATA_BYTES, nearly all of it characters that
    JSON may write escaped, six bytes each."""
    parties = [f"{at:04}" + "当" * 146 for _ in range(8)]  # 8 x 150 characters
    metadata: dict[str, object] = {"case_number": "案" * 100, "parties": parties}
    room = MAX_METADATA_BYTES - len(json.dumps({**metadata, "title": ""}, separators=(",", ":")))
    metadata["title"] = "题" * (room // 6) + "x" * (room % 6)  # "\\u9898" is 6 bytes
    assert len(json.dumps(metadata, separators=(",", ":"))) == MAX_METADATA_BYTES
    return metadata


def test_a_full_batch_of_the_largest_records_fits_under_the_limit(court: Actor) -> None:
    body = [
        {"kind": "case_file", "sha256": sha(str(i)), "metadata": largest_metadata(i)}
        for i in range(MAX_BATCH)
    ]
    # Indented and escaped, as a client's encoder may write it: the most room it takes.
    response = post_text(court, json.dumps(body, indent=4))
    assert response.status_code == 202, response.json()
    assert Record.objects.count() == MAX_BATCH
