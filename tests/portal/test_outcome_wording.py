"""The pages' tag for the shared outcome wording: the catalogue's words in the page's language."""

from django.template import engines
from django.utils import translation

from judicial_verify.records.outcomes import COPY_DIFFERS, english_and_chinese


def render(language: str) -> str:
    page = engines["django"].from_string("{% load outcomes %}<p>{% copy_differs %}</p>")
    with translation.override(language):
        return page.render({})


def test_the_copy_wording_is_in_the_pages_language() -> None:
    english, chinese = english_and_chinese(COPY_DIFFERS)
    assert render("en") == f"<p>{english}</p>"
    assert render("zh-hans") == f"<p>{chinese}</p>"
