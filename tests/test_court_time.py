"""Times as people read them: in the court's time zone, to the minute, the zone named."""

import datetime as dt

import pytest
from django.conf import LazySettings
from django.utils import translation

from judicial_verify.court_time import court_time, court_time_wording, court_time_zh_en

ANCHORED = "2026-11-18T01:30:00Z"


def test_it_shows_a_utc_time_in_beijing_time_in_both_languages() -> None:
    assert court_time_zh_en(ANCHORED) == (
        "2026年11月18日 09:30（北京时间）",
        "18 Nov 2026, 09:30 (Beijing time, UTC+8)",
    )


def test_it_follows_the_page_s_language() -> None:
    with translation.override("zh-hans"):
        assert court_time(ANCHORED) == "2026年11月18日 09:30（北京时间）"


def test_it_takes_an_aware_datetime_and_an_offset_time_alike() -> None:
    moment = dt.datetime(2026, 11, 18, 1, 30, tzinfo=dt.UTC)
    with translation.override("en"):
        assert court_time(moment) == court_time("2026-11-18T09:30:00+08:00")


def test_it_names_another_zone_by_its_offset_at_that_moment(settings: LazySettings) -> None:
    settings.TIME_ZONE = "America/New_York"
    with translation.override("en"):
        assert court_time("2026-07-01T12:00:00Z") == "1 Jul 2026, 08:00 (UTC-04:00)"
        assert court_time("2026-12-01T12:00:00Z") == "1 Dec 2026, 07:00 (UTC-05:00)"
    settings.TIME_ZONE = "Asia/Kolkata"
    with translation.override("zh-hans"):
        assert court_time(ANCHORED) == "2026年11月18日 07:00（UTC+05:30）"
    settings.TIME_ZONE = "UTC"
    with translation.override("en"):
        assert court_time(ANCHORED) == "18 Nov 2026, 01:30 (UTC)"


def test_it_refuses_a_time_without_a_zone() -> None:
    with pytest.raises(ValueError, match="without a zone"):
        court_time("2026-11-18T01:30:00")


def test_scripts_get_the_zone_and_the_page_s_wording(settings: LazySettings) -> None:
    with translation.override("zh-hans"):
        wording = court_time_wording()
    assert wording == {
        "zone": "Asia/Shanghai",
        "pattern": "{year}年{month}月{day}日 {hour}:{minute}（{zone}）",
        "months": [str(n) for n in range(1, 13)],
        "zone_name": "北京时间",
    }
    settings.TIME_ZONE = "Europe/London"
    with translation.override("en"):
        wording = court_time_wording()
    assert wording == {
        "zone": "Europe/London",
        "pattern": "{day} {month} {year}, {hour}:{minute} ({zone})",
        "months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
        "zone_name": None,
    }
