"""The shared wording of outcomes for the pages: `{% load outcomes %}`, then `{% copy_differs %}`
where a page explains why a copy's fingerprint is not the anchored one."""

from django import template

from judicial_verify.records.outcomes import COPY_DIFFERS

register = template.Library()


@register.simple_tag
def copy_differs() -> str:
    """records.outcomes.COPY_DIFFERS in the page's language."""
    return str(COPY_DIFFERS)
