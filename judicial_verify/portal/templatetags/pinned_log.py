"""The log the page's scripts trust: its origin, every verifier key it published (a retired one
with the size of the last tree it signed), where its witness policy is and the names of the
institutions that run its witnesses (words to show, not trusted), pinned in the page itself (a
JSON data block, which the browser never runs), so that a check in the browser
(static/portal/js/browser-check.js) trusts these and never the keys an API answer brings along
with what it asks to be believed."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from judicial_verify.ledger import read

from ..alliance import institution_names

register = template.Library()


@register.simple_tag
def pinned_log() -> SafeString:
    """`<script id="pinned-log" type="application/json">` holding the log's origin, its keys
    as /log/keys lists them (sizes as decimal strings: they may exceed a JavaScript number)
    the address of its C2SP tlog-policy (text/plain, 404 when it has none), and each policy
    witness's institution in the page's language."""
    keys = read.key_list()
    log = {
        "origin": settings.LOG_ORIGIN,
        "verifier_keys": [key.vkey for key in keys],
        "retired": {key.vkey: str(key.last_size) for key in keys if key.last_size is not None},
        "policy_url": reverse("ledger:policy"),
        "institutions": institution_names(language=get_language()),
    }
    return json_script(log, "pinned-log")
