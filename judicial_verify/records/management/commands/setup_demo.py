import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser

from judicial_verify.ledger.publication import entries_await
from judicial_verify.ledger.publish import checkpoint_publish
from judicial_verify.records.codes import code_format
from judicial_verify.records.models import Node, Profile, Record
from judicial_verify.records.people import password_generate, person_create
from judicial_verify.records.services import AnchorItem, record_code, records_anchor

SERVED_CASE_NUMBER = "(2026)沪0115民初456号"
# Sample documents, anchored by fictitious courts with fictitious metadata, so a fresh
# portal has something to verify and its demo judge something to find. They are written to
# STATE_DIR/demo/ for the visitor to drop in.
DEMO: list[tuple[str, str, str, str, Mapping[str, object]]] = [
    (
        "mediation_agreement",
        "bj-chaoyang-court",
        "mediation-agreement.txt",
        "调解协议 / Mediation agreement\n(2026) 京0105民调123号\n"
        "The parties agree that the respondent repays CNY 20,000 by 2026-12-31.\n",
        {
            "case_number": "(2026)京0105民调123号",
            "title": "王某与李某民间借贷纠纷调解协议",
            "parties": ["王某", "李某"],
            "performance_deadline": "2026-12-31",
        },
    ),
    (
        "evidence",
        "hz-internet-court",
        "evidence-chat-export.txt",
        "电子证据 / Electronic evidence\nExported chat log, 2026-10-02, 14 messages.\n",
        {
            "case_number": "(2026)浙0192民初789号",
            "title": "微信聊天记录导出",
            "submitted_by": "王某",
            "collected_at": "2026-10-02T14:00:00+08:00",
        },
    ),
    (
        "served_document",
        "sh-pudong-court",
        "served-summons.txt",
        "传票 / Summons\n(2026) 沪0115民初456号\n"
        "You are summoned to appear on 2027-01-15 at 09:30.\n",
        {
            "case_number": SERVED_CASE_NUMBER,
            "document_type": "传票",
            "title": "王某诉李某合同纠纷案传票",
            "recipient": "李某",
            "served_at": "2026-11-20T10:00:00+08:00",
            "method": "electronic",
        },
    ),
]
# The fictitious courts, named as the portal shows them (anchoring alone would name each
# after its code).
COURTS = {
    "bj-chaoyang-court": "北京市朝阳区人民法院",
    "hz-internet-court": "杭州互联网法院",
    "sh-pudong-court": "上海市浦东新区人民法院",
}
RECEIPT = (
    "service_receipt",
    "sh-pudong-court",
    "receipt-of-service.txt",
    "送达回证 / Receipt of service\nServed electronically, read 2026-11-20 10:12.\n",
    {"received_at": "2026-11-20T10:12:00+08:00", "method": "electronic", "recipient": "李某"},
)
# A judge of the court that served the summons: their search by its case number finds it.
JUDGE = "demo-judge"
JUDGE_COURT = "sh-pudong-court"


class Command(BaseCommand):
    help = (
        "Sign the empty log and anchor a few sample documents, once, for a fresh portal; make "
        "a demo judge, once; print the served document's verification code and how the judge "
        "signs in. A second run adds nothing, and prints the code and the judge's user name "
        "again (not the password)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site",
            default="http://127.0.0.1:8000",
            help="the portal's address, for the links printed (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint_publish()  # a new log's empty tree, so it shows a checkpoint and its key
        site = options["site"].rstrip("/")
        # Every anchored document has its record, so records say whether anything was.
        if Record.objects.exists():
            self.stdout.write("the log already has entries; no demo data added")
        else:
            self._anchor_all()
        self._announce_code(site)
        self._announce_judge(site)

    def _anchor_all(self) -> None:
        for code, name in COURTS.items():
            Node.objects.get_or_create(code=code, defaults={"name": name})
        folder = Path(settings.STATE_DIR) / "demo"
        folder.mkdir(exist_ok=True)
        indices = [self._anchor(folder, *doc) for doc in DEMO]
        self._anchor(folder, *RECEIPT, ref=indices[-1])
        self.stdout.write(f"demo documents anchored; try them from {folder}")

    def _anchor(
        self,
        folder: Path,
        kind: str,
        node: str,
        name: str,
        text: str,
        metadata: Mapping[str, object],
        ref: int | None = None,
    ) -> int:
        data = text.encode()
        (folder / name).write_bytes(data)
        sha256 = hashlib.sha256(data).hexdigest()
        item = AnchorItem(kind=kind, sha256=sha256, metadata=metadata, ref=ref)
        (anchored,) = records_anchor(node=Node.objects.get(code=node), items=[item])
        (index,) = entries_await(submissions=[anchored.record.submission], timeout=60)
        self.stdout.write(f"{index} {sha256} {kind} {name}")
        return index

    def _announce_code(self, site: str) -> None:
        _, node, _, text, _ = DEMO[-1]
        served = Record.objects.filter(
            node__code=node,
            kind="served_document",
            sha256=hashlib.sha256(text.encode()).hexdigest(),
        ).first()
        code = record_code(served) if served else None
        if code is None:  # a log that is not the demo's, or a SECRET_KEY changed since
            return
        self.stdout.write(
            f"the served summons' verification code: {code_format(code)}\n"
            f"  open {site}/v/{code_format(code)}"
        )

    def _announce_judge(self, site: str) -> None:
        court = Node.objects.filter(code=JUDGE_COURT).first()
        if court is None:  # a log that is not the demo's
            return
        self.stdout.write(
            f"the demo judge of {court.name} signs in at {site}/sign-in/\n  user name: {JUDGE}"
        )
        if User.objects.filter(username=JUDGE).exists():
            self.stdout.write(
                "  password: as printed when it was made "
                f"(manage.py changepassword {JUDGE} sets another)"
            )
        else:
            password = password_generate()
            person_create(username=JUDGE, role=Profile.Role.JUDGE, password=password, court=court)
            self.stdout.write(f"  password: {password}  (shown only this once)")
        self.stdout.write(f"  and searches the case number {SERVED_CASE_NUMBER}")
