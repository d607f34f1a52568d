"""The log the page's scripts trust: its origin and every verifier key it published, pinned in
the page itself (a JSON data block, which the browser never runs), so that a check in the
browser (static/portal/js/browser-check.js) trusts these and never the keys an API answer
brings along with what it asks to be believed."""

from django import template
from django.conf import settings
from django.utils.html import json_script
from django.utils.safestring import SafeString

from judicial_verify.ledger import read

register = template.Library()


@register.simple_tag
def pinned_log() -> SafeString:
    """`<script id="pinned-log" type="application/json">` holding the log's origin and keys."""
    log = {"origin": settings.LOG_ORIGIN, "verifier_keys": read.verifier_keys()}
    return json_script(log, "pinned-log")
