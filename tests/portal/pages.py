"""Every page of the portal as a visitor meets it, on a small log of a Chinese court's records:
the pages that the language, safety and accessibility tests sweep."""

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from judicial_verify.ledger.models import Entry
from judicial_verify.ledger.publish import checkpoint_publish
from judicial_verify.records.credentials import node_create
from judicial_verify.records.models import Node, Profile, Record
from judicial_verify.records.services import AnchorItem, record_code, records_anchor
from tests.people import sha
from tests.publishing import integrate_and_publish

CASE_NUMBER = "(2026)京0491民初1号"


def templates() -> list[Path]:
    """Every template of the project's own: the site's and the apps'."""
    root = Path(settings.BASE_DIR)
    site = root.joinpath("templates").rglob("*.html")
    apps = root.joinpath("judicial_verify").glob("*/templates/**/*.html")
    return sorted([*site, *apps])


class Visitor(Enum):
    PUBLIC = "public"
    JUDGE = "judge"
    LAWYER = "lawyer"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    visitor: Visitor = Visitor.PUBLIC
    status: int = 200


def _anchor(court: Node, item: AnchorItem) -> tuple[int, Record]:
    (anchored,) = records_anchor(node=court, items=[item])
    integrate_and_publish()
    return Entry.objects.get(submission=anchored.record.submission).index, anchored.record


def _person(username: str, role: Profile.Role, court: Node | None) -> None:
    user = User.objects.create_user(username)
    Profile.objects.create(user=user, role=role, court=court)


def site_build() -> list[Page]:
    """Anchors a piece of evidence, a served document and its receipt of service as one court,
    makes a judge of that court and a lawyer, and returns every page there is to see."""
    checkpoint_publish()
    court, _ = node_create(code="bj-0491", name="北京互联网法院")
    evidence = AnchorItem(
        kind="evidence",
        sha256=sha("聊天记录"),
        metadata={"case_number": CASE_NUMBER, "title": "微信聊天记录", "submitted_by": "王某"},
    )
    evidence_index, _ = _anchor(court, evidence)
    summons = AnchorItem(
        kind="served_document",
        sha256=sha("传票"),
        metadata={
            "case_number": CASE_NUMBER,
            "document_type": "传票",
            "recipient": "李某",
            "served_at": "2026-11-20T10:00:00+08:00",
            "method": "electronic",
        },
    )
    summons_index, summons_record = _anchor(court, summons)
    receipt = AnchorItem(
        kind="service_receipt",
        sha256=sha("送达回证"),
        metadata={"received_at": "2026-11-20T10:12:00+08:00", "method": "electronic"},
        ref=summons_index,
    )
    _anchor(court, receipt)
    code = record_code(summons_record)
    assert code is not None
    _person("judge", Profile.Role.JUDGE, court)
    _person("lawyer", Profile.Role.LAWYER, None)
    return [
        Page("verify", "/"),
        Page("verify, malformed fingerprint", "/?sha256=not-a-fingerprint"),
        Page("verify, malformed code", "/?code=!!"),
        Page("verify, code of the wrong length", "/?code=ABCD-EFGH"),
        Page("verify, mistyped code", "/?code=ABCD-EFGH-JKMN-PQRS-TVW0"),
        Page("verify, empty fingerprint", "/?sha256=&index="),
        Page("verify, fingerprint of the wrong length", "/?sha256=abc"),
        Page("verify, record number not a number", f"/?sha256={sha('x')}&index=12a"),
        Page("verify, unknown record number", f"/?sha256={sha('x')}&index=99"),
        Page("verified", f"/?sha256={sha('聊天记录')}"),
        Page("not anchored", f"/?sha256={sha('never anchored')}"),
        Page("content differs", f"/?sha256={sha('a re-saved copy')}&index={evidence_index}"),
        Page("served document", f"/v/{code}"),
        Page("served document, verified", f"/v/{code}?sha256={sha('传票')}"),
        Page("served document, differs", f"/v/{code}?sha256={sha('a scan')}"),
        Page("served document, malformed fingerprint", f"/v/{code}?sha256=xyz"),
        Page("log", "/log/"),
        Page("sign in", "/sign-in/"),
        Page("court records", f"/court/records/?case_number={CASE_NUMBER}", Visitor.JUDGE),
        Page("court records, nothing found", "/court/records/?case_number=无此案", Visitor.JUDGE),
        Page("court records, no case number", "/court/records/?case_number=", Visitor.JUDGE),
        Page("court record", f"/court/records/{evidence_index}", Visitor.JUDGE),
        Page("court record, served", f"/court/records/{summons_index}", Visitor.JUDGE),
        Page("court records, not a judge", "/court/records/", Visitor.LAWYER, 403),
        Page("API tokens, lawyer", "/account/tokens/", Visitor.LAWYER),
        Page("API tokens, judge", "/account/tokens/", Visitor.JUDGE),
        Page("not found", "/no-such-page", status=404),
        Page("unknown code", "/v/ABCD-EFGH-JKMN-PQRS-TVW0", status=404),
    ]


def client_for(visitor: Visitor, accept_language: str = "") -> Client:
    """A client for the visitor, whose browser prefers `accept_language`."""
    client = Client(HTTP_ACCEPT_LANGUAGE=accept_language)
    if visitor is not Visitor.PUBLIC:
        client.force_login(User.objects.get(username=visitor.value))
    return client
