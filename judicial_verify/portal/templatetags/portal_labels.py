"""Template filters that pick the current language's label from objects that carry both
(record kinds, metadata fields and values: `label_en`/`label_zh`)."""

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def localized(obj: object, attr: str = "label") -> str:
    """`obj.<attr>_zh` on a page in Chinese, else `obj.<attr>_en`."""
    language = "zh" if (translation.get_language() or "").startswith("zh") else "en"
    return str(getattr(obj, f"{attr}_{language}"))
