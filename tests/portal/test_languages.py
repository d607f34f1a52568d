"""Chinese and English: the browser's preference picks the language and the switcher changes
it; every message in the templates and the Python sources has its Simplified Chinese
translation in the committed catalog, and no page shows a Chinese reader English of its own."""

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po
from django.conf import LazySettings, settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.translation.template import templatize

from judicial_verify.portal.management.commands.compile_translations import placeholder_errors

from .page_text import page_text
from .pages import Page, client_for, site_build, templates

ROOT = Path(settings.BASE_DIR)
CATALOGS = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"

# Django's translation functions, as makemessages passes them to xgettext.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
# Latin words a Chinese page may show besides capitals (SHA, UTC, PDF, a sample code): names of
# formats, programs and operating systems.
LATIN_ALLOWED = {"Cookie", "Python", "tlog", "proof", "origin", "Linux", "macOS", "Windows", "PyPI"}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
ENGLISH_MARK_AFTER_CHINESE = re.compile(r"[\u4e00-\u9fff）][:;,.!?](?:\s|$)")


def _extracted(method: str, source: str) -> Iterator[tuple[str | None, str]]:
    for _, message, _, context in extract(method, io.BytesIO(source.encode()), KEYWORDS):
        msgid = message if isinstance(message, str) else message[0]
        yield context, msgid


def source_messages(domain: str) -> dict[tuple[str | None, str], str]:
    """Every message marked for translation in the sources of `domain` ("django": templates
    and Python, as makemessages finds them; "djangojs": the portal's own scripts), with the
    file it comes from."""
    found: dict[tuple[str | None, str], str] = {}
    if domain == "django":
        for template in templates():
            python = templatize(template.read_text(encoding="utf-8"), origin=str(template))
            found.update(dict.fromkeys(_extracted("python", python), str(template)))
        for module in (ROOT / "judicial_verify").rglob("*.py"):
            source = module.read_text(encoding="utf-8")
            found.update(dict.fromkeys(_extracted("python", source), str(module)))
    else:
        for script in (ROOT / "static" / "portal" / "js").rglob("*.js"):
            source = script.read_text(encoding="utf-8")
            found.update(dict.fromkeys(_extracted("javascript", source), str(script)))
    return found


def catalog(domain: str) -> Catalog:
    with (CATALOGS / f"{domain}.po").open("rb") as po_file:
        return read_po(po_file)


def _translated(message: object) -> bool:
    strings = getattr(message, "string", "")
    strings = (strings,) if isinstance(strings, str) else strings
    return bool(strings) and all(strings) and "fuzzy" not in getattr(message, "flags", ())


def test_the_sources_mark_messages_for_translation() -> None:
    # The extraction itself works: a broken one would find nothing and pass everything.
    messages = {msgid for _, msgid in source_messages("django")}
    assert "Verify a court document" in messages
    assert "Content differs from record %(n)s" in messages


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_message_in_the_sources_has_a_chinese_translation(domain: str) -> None:
    messages = source_messages(domain)
    if not messages and domain == "djangojs":
        return  # the scripts mark no message: no catalog needed
    translations = catalog(domain)
    missing = [
        f"{source}: {msgid!r}"
        for (context, msgid), source in sorted(messages.items(), key=lambda m: m[1])
        if not _translated(translations.get(msgid, context=context))
    ]
    assert not missing, (
        "messages without a zh-hans translation (run makemessages, translate, commit the .po):\n"
        + "\n".join(missing)
    )


def test_every_translation_keeps_its_placeholders() -> None:
    assert placeholder_errors(catalog("django")) == []


def test_the_catalog_is_simplified_chinese() -> None:
    translations = catalog("django")
    assert str(translations.locale) == "zh_Hans"
    assert translations.plural_forms == "nplurals=1; plural=0;"


def test_it_compiles_the_catalogs_without_gnu_gettext(
    tmp_path: Path, settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "zh_Hans" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Verify"\nmsgstr "核验"\n',
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [tmp_path]
    monkeypatch.setenv("PATH", "")  # no msgfmt to be found
    call_command("compile_translations", verbosity=0)
    assert "核验".encode() in (folder / "django.mo").read_bytes()


def test_it_refuses_to_compile_a_translation_that_loses_a_placeholder(
    tmp_path: Path, settings: LazySettings
) -> None:
    folder = tmp_path / "zh_Hans" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, python-format\nmsgid "Record %(n)s"\nmsgstr "记录"\n',
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [tmp_path]
    with pytest.raises(CommandError, match="Record"):
        call_command("compile_translations", verbosity=0)
    assert not (folder / "django.mo").exists()


@pytest.mark.parametrize(
    "accept_language", ["zh-CN,zh;q=0.9,en;q=0.8", "zh-cn", "zh", "zh-Hans-CN", "zh-TW"]
)
@pytest.mark.django_db
def test_it_speaks_chinese_to_a_browser_that_prefers_it(accept_language: str) -> None:
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<h1>核验法院文书</h1>" in page


@pytest.mark.parametrize("accept_language", ["en-US,en;q=0.9", "en-GB", "fr-FR,fr;q=0.9", ""])
@pytest.mark.django_db
def test_it_speaks_english_to_any_other_browser(accept_language: str) -> None:
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Verify a court document</h1>" in page


@pytest.mark.django_db
def test_the_switcher_names_each_language_in_its_own_tongue() -> None:
    for accept_language in ("zh-CN", "en"):
        page = Client().get("/log/", HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
        options = re.findall(r'<option value="([^"]+)" lang="([^"]+)"[^>]*>([^<]+)</option>', page)
        assert options == [("zh-hans", "zh-hans", "简体中文"), ("en", "en", "English")]


@pytest.mark.django_db
def test_the_switcher_marks_the_language_of_the_page() -> None:
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<option value="zh-hans" lang="zh-hans" selected>' in page
    assert '<option value="en" lang="en">' in page


@pytest.mark.django_db
def test_the_switcher_changes_the_language_and_returns_to_the_page() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/log/"})
    assert response.status_code == 302
    assert response["Location"] == "/log/"
    assert "<h1>存证日志</h1>" in client.get("/log/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/log/"})
    assert "<h1>The log</h1>" in client.get("/log/").content.decode()


@pytest.mark.django_db
def test_the_switchers_choice_is_kept_for_a_year_in_a_cookie_no_script_reads() -> None:
    response = Client().post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "zh-hans"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_the_switcher_returns_to_no_other_site() -> None:
    response = Client().post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_every_page_shows_a_chinese_reader_no_english_of_its_own() -> None:
    for page in site_build():
        _assert_chinese(page)


def _assert_chinese(page: Page) -> None:
    response = client_for(page.visitor, "zh-CN").get(page.path)
    assert response.status_code == page.status, page.name
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html, page.name
    words = {
        word
        for text in page_text(html)
        # A {placeholder} is a slot the page's scripts fill, not words of the page's own.
        for word in re.findall(r"[A-Za-z]{3,}", PLACEHOLDER.sub("", text))
        if not word.isupper()
    }
    assert words <= LATIN_ALLOWED, f"{page.name} ({page.path}): English {words - LATIN_ALLOWED}"
    # Chinese punctuation after Chinese text (：。，), not the English marks around a translation.
    text = " ".join(page_text(html))
    assert not ENGLISH_MARK_AFTER_CHINESE.findall(text), f"{page.name}: {text}"
