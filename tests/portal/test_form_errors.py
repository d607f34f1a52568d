"""Every form of the portal refuses bad input with an error nobody can miss (issue 14.2): an
error summary at the top of the form, focused as the page opens and named for screen
readers, each error a link to its field; the field marked invalid and described by its
message; what was typed kept; the message saying how to put it right. Fingerprints and codes
are read without the spaces and line breaks a paste brings with them."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from judicial_verify.portal.views.judges import SIGN_IN_ATTEMPTS
from judicial_verify.records.codes import code_format
from judicial_verify.records.credentials import PERSONAL_TOKENS_MAX, personal_token_issue
from judicial_verify.records.models import Record
from judicial_verify.records.services import record_code
from tests.anchoring import anchor
from tests.people import PASSWORD, Actor, node_of, sha

SERVED = {"document_type": "summons", "served_at": "2026-11-20T10:00:00+08:00"}


class _Page(HTMLParser):
    """A page's title, its elements' attributes by id, and its error summaries' items, each
    as (the link's target or None, its text)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.summaries: list[dict[str, str | None]] = []
        self.items: list[tuple[str | None, str]] = []
        self._open: list[str] = []
        self._summary_depth: int | None = None
        self._item: list[str] | None = None
        self._href: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "id" in attributes and attributes["id"]:
            self.by_id[attributes["id"]] = attributes
        if tag in ("input", "meta", "link", "br"):
            return
        self._open.append(tag)
        if "data-error-summary" in attributes:
            self.summaries.append(attributes)
            self._summary_depth = len(self._open)
        elif self._summary_depth is not None and tag == "li":
            self._item, self._href = [], None
        elif self._item is not None and tag == "a":
            self._href = attributes.get("href")

    def handle_endtag(self, tag: str) -> None:
        if self._item is not None and tag == "li":
            self.items.append((self._href, "".join(self._item).strip()))
            self._item = None
        if self._summary_depth == len(self._open):
            self._summary_depth = None
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] == "title":
            self.title += data
        if self._item is not None:
            self._item.append(data)


def _get(client: Client, path: str, params: dict[str, str], language: str = "en") -> _Page:
    response = client.get(path, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return _Page(response.content.decode())


def _assert_refused(page: _Page, field: str, message: str) -> None:
    """The page has one error summary, focused as it opens and named by its heading, whose
    one item is `message`, a link to `field`, which is marked invalid and described by it."""
    (summary,) = page.summaries
    assert "autofocus" in summary
    assert summary["tabindex"] == "-1"
    assert summary["aria-labelledby"] == "error-summary-title"
    assert "error-summary-title" in page.by_id
    assert page.title.startswith("Error:")
    ((href, text),) = page.items
    assert href == f"#{field}"
    assert message in text, text
    assert page.by_id[field]["aria-invalid"] == "true"
    described_by = page.by_id[field]["aria-describedby"] or ""
    assert f"{field}-error" in described_by.split()
    assert f"{field}-error" in page.by_id


def test_a_clean_form_has_no_error_summary(public: Actor) -> None:
    page = _get(public.client, "/", {})
    assert page.summaries == []
    assert not any(attributes.get("aria-invalid") for attributes in page.by_id.values())


def test_a_fingerprint_of_the_wrong_length_says_how_long_it_must_be(public: Actor) -> None:
    typed = sha("judgment")[:63]
    page = _get(public.client, "/", {"sha256": typed})
    _assert_refused(
        page, "sha256", "A SHA-256 fingerprint is 64 characters 0-9 and a-f; you typed 63."
    )
    assert page.by_id["sha256"]["value"] == typed


def test_a_fingerprint_with_a_character_not_hex_names_it(public: Actor) -> None:
    page = _get(public.client, "/", {"sha256": "g" + sha("judgment")[1:]})
    _assert_refused(page, "sha256", "“g” is not one of them")


def test_an_empty_fingerprint_asks_for_one(public: Actor) -> None:
    page = _get(public.client, "/", {"sha256": " \n", "index": ""})
    _assert_refused(page, "sha256", "Enter the SHA-256 fingerprint of the file")


def test_a_pasted_fingerprint_is_read_without_its_spaces_and_line_breaks(
    public: Actor, court: Actor
) -> None:
    digest = sha("judgment")
    index = anchor(node_of(court), digest)
    pasted = f" {digest[:32].upper()}\r\n {digest[32:]}\n"
    response = public.client.get("/", {"sha256": pasted, "index": f" {index}\n"})
    page = response.content.decode()
    assert "Verified: this document is anchored in the log" in page
    assert f"<code>{digest}</code>" in page


def test_a_record_number_that_is_no_number_is_refused_with_both_fields_kept(
    public: Actor,
) -> None:
    page = _get(public.client, "/", {"sha256": sha("judgment"), "index": "12a"})
    _assert_refused(page, "index", "A record number is a whole number, such as 1024")
    assert page.by_id["sha256"]["value"] == sha("judgment")
    assert page.by_id["index"]["value"] == "12a"


def test_a_record_number_the_log_lacks_says_what_to_do(public: Actor, court: Actor) -> None:
    anchor(node_of(court), sha("judgment"))
    page = _get(public.client, "/", {"sha256": sha("judgment"), "index": "99"})
    _assert_refused(page, "index", "The log has no record number 99. Check the number printed")


def test_a_record_number_beyond_any_log_is_no_record_not_an_error(public: Actor) -> None:
    page = _get(public.client, "/", {"sha256": sha("judgment"), "index": "9" * 40})
    _assert_refused(page, "index", "The log has no record number 9999")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the verification code printed on the document"),
        ("ABCD-EFGH-JKMN-PQRS-TVW", "has 20 letters and digits, in groups of four"),
        ("ABCD-EFGH-JKMN-PQRS-TUW0", "“U” is not in any verification code"),
        ("ABCD-EFGH-JKMN-PQRS-TVW0", "its last character does not match the others"),
    ],
    ids=["empty", "short", "bad-character", "mistyped"],
)
def test_a_mistyped_code_says_how_to_put_it_right(public: Actor, typed: str, message: str) -> None:
    page = _get(public.client, "/", {"code": typed})
    _assert_refused(page, "code", message)
    assert page.by_id["code"]["value"] == typed


def test_a_short_code_says_how_many_characters_were_typed(public: Actor) -> None:
    page = _get(public.client, "/", {"code": "ABCD-EFGH-JKMN-PQRS-TVW"})
    assert "you typed 19." in page.items[0][1]


def test_a_pasted_code_with_spaces_and_line_breaks_opens_its_document(
    public: Actor, court: Actor
) -> None:
    anchor(node_of(court), sha("summons"), kind="served_document", metadata=SERVED)
    code = record_code(Record.objects.get(sha256=sha("summons")))
    assert code is not None
    pasted = " " + code_format(code).lower().replace("-", " \n", 2) + "\r\n"
    response = public.client.get("/", {"code": pasted})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:served", kwargs={"code": code})


def test_the_served_documents_fingerprint_form_refuses_and_reads_pastes(
    public: Actor, court: Actor
) -> None:
    anchor(node_of(court), sha("summons"), kind="served_document", metadata=SERVED)
    code = record_code(Record.objects.get(sha256=sha("summons")))
    assert code is not None
    path = reverse("portal:served", kwargs={"code": code})
    page = _get(public.client, path, {"sha256": "abc"})
    _assert_refused(page, "sha256", "you typed 3")
    assert page.by_id["sha256"]["value"] == "abc"
    pasted = f"{sha('summons')[:40]}\n {sha('summons')[40:].upper()} "
    response = public.client.get(path, {"sha256": pasted}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Verified: this file is the document that was served" in response.content.decode()


def test_the_judges_search_asks_for_a_case_number(judge: Actor) -> None:
    page = _get(judge.client, reverse("portal:judge-search"), {"case_number": "  "})
    _assert_refused(page, "case_number", "Enter a case number or a part of one")


def test_the_judges_search_refuses_a_case_number_too_long_and_keeps_it(judge: Actor) -> None:
    typed = "民初" * 60
    page = _get(judge.client, reverse("portal:judge-search"), {"case_number": typed})
    _assert_refused(page, "case_number", "at most 100 characters; you typed 120.")
    assert page.by_id["case_number"]["value"] == typed


def test_a_wrong_password_is_refused_at_the_top_with_the_user_name_kept(judge: Actor) -> None:
    response = Client().post(
        reverse("portal:sign-in"),
        {"username": "judge-a", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    page = _Page(response.content.decode())
    _assert_refused(page, "id_password", "The user name or password is not correct. Check both")
    assert page.by_id["id_username"]["value"] == "judge-a"
    assert "value" not in page.by_id["id_password"]


def test_a_sign_in_with_empty_fields_asks_for_each(judge: Actor) -> None:
    response = Client().post(reverse("portal:sign-in"), {"username": "", "password": ""})
    page = _Page(response.content.decode())
    assert page.items == [
        ("#id_username", "Enter your user name."),
        ("#id_password", "Enter your password."),
    ]
    assert page.by_id["id_username"]["aria-invalid"] == "true"
    assert page.by_id["id_password"]["aria-invalid"] == "true"


def test_a_sign_in_refused_for_too_many_failures_says_so_at_the_top(judge: Actor) -> None:
    client = Client()
    for _ in range(SIGN_IN_ATTEMPTS):
        client.post(reverse("portal:sign-in"), {"username": "judge-a", "password": "wrong"})
    response = client.post(reverse("portal:sign-in"), {"username": "judge-a", "password": PASSWORD})
    assert response.status_code == 429
    page = _Page(response.content.decode())
    ((href, text),) = page.items
    assert href is None  # no one field to put right
    assert text.startswith("Too many failed attempts from this address.")
    assert page.by_id["id_username"]["value"] == "judge-a"


def test_the_errors_are_in_chinese_for_a_chinese_reader(public: Actor) -> None:
    html = public.client.get("/", {"sha256": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-CN").content
    page = _Page(html.decode())
    assert page.title.startswith("错误：")
    assert '<h2 id="error-summary-title">请更正以下问题</h2>' in html.decode()
    ((_, text),) = page.items
    assert "您填写了 3 个" in text


def test_a_token_over_the_most_a_person_may_hold_is_refused_at_the_top(lawyer: Actor) -> None:
    assert lawyer.user is not None
    for _ in range(PERSONAL_TOKENS_MAX - 1):  # the fixture's lawyer holds one already
        personal_token_issue(user=lawyer.user)
    client = Client()
    client.force_login(lawyer.user)
    response = client.post(reverse("portal:tokens"), {"name": "one too many"})
    page = _Page(response.content.decode())
    (summary,) = page.summaries
    assert "autofocus" in summary
    ((href, text),) = page.items
    assert href is None  # not the name's fault: no field to put right
    assert f"You have {PERSONAL_TOKENS_MAX} tokens already" in text
    assert page.by_id["token-name"]["value"] == "one too many"
