"""What the scripts show is the page's own translated text: a Chinese reader gets Chinese."""

from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from judicial_verify.records.models import Node

from .conftest import Visit, anchor


@pytest.mark.parametrize("locale", ["zh-CN"])
def test_the_scripts_speak_the_language_of_the_page(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    anchor(court, b"judgment")
    files = [tmp_path / "judgment.pdf", tmp_path / "other.pdf"]
    files[0].write_bytes(b"judgment")
    files[1].write_bytes(b"other")
    page = visit.page
    page.goto("/")
    page.set_input_files("#files", files)
    rows = page.locator("[data-results] tbody tr")
    with translation.override("zh-hans"):
        verified = translation.gettext("Verified: this document is anchored in the log")
        absent = translation.gettext("Not anchored: the log has no record of this document")
        in_browser = translation.gettext("Verified in your browser")
        wrong_file = translation.gettext("This file is not a PDF: it may be the wrong file.")
    assert verified != "Verified: this document is anchored in the log"
    expect(rows.locator("td:nth-child(3)")).to_have_text([verified, f"{absent} {wrong_file}"])
    expect(rows.locator("td:nth-child(7)")).to_have_text([in_browser, ""])
