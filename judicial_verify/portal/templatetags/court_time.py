"""Times on the pages: `{% load court_time %}`, then `{{ when|court_time }}` for a time as
people read it (judicial_verify.court_time), and `{% court_time_wording %}` where a script
shows times: `<script id="court-time" type="application/json">`, the wording it formats them
with (a data block, which the browser never runs)."""

import datetime as dt

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from judicial_verify import court_time as times

register = template.Library()


@register.filter
def court_time(value: dt.datetime | str) -> str:
    """`value` in the court's time zone, in the page's language."""
    return times.court_time(value)


@register.simple_tag
def court_time_wording() -> SafeString:
    """The court's zone and the page language's wording of times, for the page's scripts."""
    return json_script(times.court_time_wording(), "court-time")
