"""The log page in a real browser shows the alliance: each witness by the institution that runs
it, the last checkpoint it cosigned and when, in Chinese and in English."""

from pathlib import Path

import pytest
from django.conf import LazySettings
from playwright.sync_api import expect

from tests.portal.log_alliance import alliance_configure

from .conftest import Visit, screenshot


@pytest.mark.parametrize(
    ("locale", "shown"),
    [
        (
            "en-GB",
            [
                "The alliance's witnesses",
                "Beijing People's Procuratorate",
                "Last checkpoint it cosigned",
                "12 records",
                "20 Nov 2026, 10:30 (Beijing time, UTC+8)",
                "Beijing Fangyuan Notary Office",
                "Not answering since",
                "Beijing Arbitration Commission",
            ],
        ),
        (
            "zh-CN",
            [
                "司法联盟的见证人",
                "北京市人民检察院",
                "最近联署的检查点",
                "涵盖 12 条记录",
                "2026年11月20日 10:30（北京时间）",
                "北京市方圆公证处",
                "自此时起未应答",
                "北京仲裁委员会",
            ],
        ),
    ],
)
def test_the_log_page_shows_each_witness_its_institution_and_last_cosigned_checkpoint(
    visit: Visit,
    transactional_db: None,
    settings: LazySettings,
    tmp_path: Path,
    locale: str,
    shown: list[str],
) -> None:
    alliance_configure(settings, tmp_path)
    page = visit.page
    page.goto("/log/", wait_until="networkidle")
    section = page.locator("ul.witnesses")
    for text in shown:
        expect(page.locator("main")).to_contain_text(text)
    expect(section.locator("li")).to_have_count(3)
    expect(section.locator("li").nth(0).locator("h3")).to_have_text(shown[1])
    if locale == "en-GB":
        screenshot(page, "log-alliance")
