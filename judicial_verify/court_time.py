"""Times as people read them: in the court's time zone (settings.TIME_ZONE), to the minute,
with the zone named, "2026年11月18日 09:30（北京时间）" or "18 Nov 2026, 09:30 (Beijing time,
UTC+8)". Pages, tables and the PDF report show every time through `court_time`; the raw
RFC 3339 text stays in technical details and the API. Scripts format the times they show with
the same wording, which `court_time_wording` gives them (static/portal/js/court-time.js).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Translators: a time as a person reads it; keep every {name}, in the order the language
# reads them.
PATTERN = _("{day} {month} {year}, {hour}:{minute} ({zone})")
MONTHS = (
    pgettext_lazy("month", "Jan"),
    pgettext_lazy("month", "Feb"),
    pgettext_lazy("month", "Mar"),
    pgettext_lazy("month", "Apr"),
    pgettext_lazy("month", "May"),
    pgettext_lazy("month", "Jun"),
    pgettext_lazy("month", "Jul"),
    pgettext_lazy("month", "Aug"),
    pgettext_lazy("month", "Sep"),
    pgettext_lazy("month", "Oct"),
    pgettext_lazy("month", "Nov"),
    pgettext_lazy("month", "Dec"),
)
# China keeps one time, UTC+8 all year, and its people call it by name; the IANA names that
# hold it. Any other zone is named by its offset at the moment shown.
BEIJING_TIME = _("Beijing time, UTC+8")
BEIJING_ZONES = frozenset(
    {"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"}
)


def court_zone() -> ZoneInfo:
    """The court's time zone."""
    return ZoneInfo(settings.TIME_ZONE)


def utc_offset_name(offset: dt.timedelta) -> str:
    """An offset as "UTC+05:30", "UTC-03:00", or "UTC" for none."""
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02}:{minutes:02}"


def _moment(value: dt.datetime | str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        raise ValueError(f"a time without a zone cannot be shown in the court's: {value!r}")
    return moment


def court_time(value: dt.datetime | str) -> str:
    """`value` (an aware datetime, or RFC 3339 / ISO 8601 text with a zone) in the court's time
    zone, as a person of the active language reads it."""
    zone = court_zone()
    local = _moment(value).astimezone(zone)
    offset = local.utcoffset() or dt.timedelta(0)
    return str(PATTERN).format(
        day=local.day,
        month=str(MONTHS[local.month - 1]),
        year=local.year,
        hour=f"{local.hour:02}",
        minute=f"{local.minute:02}",
        zone=str(BEIJING_TIME) if zone.key in BEIJING_ZONES else utc_offset_name(offset),
    )


def court_time_zh_en(value: dt.datetime | str) -> tuple[str, str]:
    """`court_time(value)` in Simplified Chinese and in English, for the bilingual report."""
    with translation.override("zh-hans"):
        chinese = court_time(value)
    with translation.override("en"):
        english = court_time(value)
    return chinese, english


def court_time_wording() -> dict[str, object]:
    """What a script needs to show a time as `court_time` does, in the active language: the
    zone's IANA name, the pattern, the months, and the zone's own name where it has one (else
    the script names the offset, "UTC+05:30", as `utc_offset_name` does)."""
    zone = court_zone()
    return {
        "zone": zone.key,
        "pattern": str(PATTERN),
        "months": [str(month) for month in MONTHS],
        "zone_name": str(BEIJING_TIME) if zone.key in BEIJING_ZONES else None,
    }
