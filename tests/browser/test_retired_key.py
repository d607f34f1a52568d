"""A checkpoint signed with a stolen retired key, refused in the browser: rotate_log_key
retires the log's key after the tree of 5 records, a thief who copied it signs the tree of 6
with it, and the page, which pins the log's key list with each retired key's last size, says
in words that this signature is not the log's, in English and in Chinese."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import Locator, Page, Route, expect

from judicial_verify.ledger.models import VerifierKey
from judicial_verify.records.models import Node
from judicial_verify.tlog.note import Signer
from tests.stolen_key import key_copy, resigned

from .conftest import Visit, anchor
from .test_browser_verification import DOCUMENT, Answer

RETIRED_KEY_WORDS = (
    "Retired key: the checkpoint is signed with a key this log retired after signing its tree "
    "of {last} records, but the checkpoint is of {size} records. The log destroyed that key "
    "when it retired it, so this signature is not the log's: the key was kept or stolen."
)


def rotated_with_a_copy(court: Node) -> Signer:
    """Five records signed by the log's first key, a copy of it kept, the key rotated (retired
    after size 5), then the document anchored (size 6, signed by the new key)."""
    for n in range(5):
        anchor(court, f"earlier record {n}".encode())
    stolen = key_copy()
    call_command("rotate_log_key", stdout=StringIO())
    anchor(court, DOCUMENT)
    assert VerifierKey.objects.get(vkey=stolen.verifier_key).last_size == 5
    return stolen


def serve_signed_by(page: Page, signer: Signer) -> None:
    """Every checkpoint of the verify answer signed again by `signer` alone: the tree, proof and
    entry all the log's, only the signature the thief's."""

    def route(route: Route) -> None:
        response = route.fetch()
        answer: Answer = response.json()
        for entry in answer["entries"]:
            note = entry["checkpoint"]["note"].encode()
            entry["checkpoint"]["note"] = resigned(note, signer).decode()
            entry["checkpoint"]["verifier_key"] = signer.verifier_key
        route.fulfill(response=response, json=answer)

    page.route("**/api/v1/verify?*", route)


def open_forged(visit: Visit, court: Node, tmp_path: Path) -> Locator:
    stolen = rotated_with_a_copy(court)
    page = visit.page
    serve_signed_by(page, stolen)
    document = tmp_path / "agreement.pdf"
    document.write_bytes(DOCUMENT)
    page.goto("/")
    page.set_input_files("#files", document)
    return page.locator("[data-browser-check]")


def test_the_page_refuses_a_checkpoint_signed_by_a_retired_key_beyond_its_last_size(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    check = open_forged(visit, court, tmp_path)
    expect(check).to_have_attribute("data-verdict", "refused")
    entry = check.locator("article")
    expect(entry).to_have_attribute("data-failed-step", "known_key")
    failed = entry.locator('[data-step="known_key"]')
    expect(failed).to_have_attribute("data-step-status", "failed")
    expect(failed.locator("[data-failure]")).to_have_text(RETIRED_KEY_WORDS.format(last=5, size=6))
    expect(entry.locator('[data-step="signature"]')).to_have_attribute(
        "data-step-status", "not_checked"
    )
    for line in visit.page.locator("[data-entry-field]").all():
        expect(line).to_contain_text("not confirmed by your browser")


@pytest.mark.parametrize("locale", ["zh-CN"])
def test_the_refusal_of_a_retired_key_is_in_chinese_for_a_chinese_reader(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    check = open_forged(visit, court, tmp_path)
    expect(check).to_have_attribute("data-verdict", "refused")
    with translation.override("zh-hans"):
        words = translation.gettext(RETIRED_KEY_WORDS.replace("{", "%(").replace("}", ")s"))
    assert words != RETIRED_KEY_WORDS.replace("{", "%(").replace("}", ")s")
    expect(check.locator('[data-step="known_key"] [data-failure]')).to_have_text(
        words % {"last": 5, "size": 6}
    )
    expect(check.locator('[data-step="known_key"] [data-failure]')).to_contain_text("已停用的密钥")


def test_the_table_of_several_files_names_the_retired_key(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    stolen = rotated_with_a_copy(court)
    page = visit.page
    serve_signed_by(page, stolen)
    files = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    files[0].write_bytes(DOCUMENT)
    files[1].write_bytes(b"earlier record 0")
    page.goto("/")
    page.set_input_files("#files", files)
    rows = page.locator("[data-results] tbody tr")
    # The earlier record's checkpoint is the newest too (size 6), signed by the thief as well.
    expect(rows.locator("td:nth-child(7)")).to_have_text(
        ["Refused: retired key", "Refused: retired key"]
    )


def test_the_log_s_own_checkpoint_after_the_rotation_is_verified(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    rotated_with_a_copy(court)
    page = visit.page
    document = tmp_path / "agreement.pdf"
    document.write_bytes(DOCUMENT)
    page.goto("/")
    page.set_input_files("#files", document)
    expect(page.locator("[data-browser-check]")).to_have_attribute("data-verdict", "verified")
