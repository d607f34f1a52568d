import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from judicial_verify.ledger.publication import entries_await
from judicial_verify.ledger.publish import checkpoint_publish
from judicial_verify.records.models import Node, Record
from judicial_verify.records.services import documents_anchor

# Sample documents, anchored by fictitious courts, so a fresh portal has something
# to verify. They are written to STATE_DIR/demo/ for the visitor to drop in.
DEMO = [
    (
        "mediation_agreement",
        "bj-chaoyang-court",
        "mediation-agreement.txt",
        "调解协议 / Mediation agreement\n(2026) 京0105民调123号\n"
        "The parties agree that the respondent repays CNY 20,000 by 2026-12-31.\n",
    ),
    (
        "evidence",
        "hz-internet-court",
        "evidence-chat-export.txt",
        "电子证据 / Electronic evidence\nExported chat log, 2026-10-02, 14 messages.\n",
    ),
    (
        "served_document",
        "sh-pudong-court",
        "served-summons.txt",
        "传票 / Summons\n(2026) 沪0115民初456号\n"
        "You are summoned to appear on 2027-01-15 at 09:30.\n",
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
)


class Command(BaseCommand):
    help = "Sign the empty log and anchor a few sample documents, once, for a fresh portal."

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint_publish()  # a new log's empty tree, so it shows a checkpoint and its key
        # Every anchored document has its record, so records say whether anything was.
        if Record.objects.exists():
            self.stdout.write("the log already has entries; no demo data added")
            return
        for code, name in COURTS.items():
            Node.objects.get_or_create(code=code, defaults={"name": name})
        folder = Path(settings.STATE_DIR) / "demo"
        folder.mkdir(exist_ok=True)
        indices = [self._anchor(folder, *doc) for doc in DEMO]
        self._anchor(folder, *RECEIPT, ref=indices[-1])
        self.stdout.write(f"demo documents anchored; try them from {folder}")

    def _anchor(
        self, folder: Path, kind: str, node: str, name: str, text: str, ref: int | None = None
    ) -> int:
        data = text.encode()
        (folder / name).write_bytes(data)
        sha256 = hashlib.sha256(data).hexdigest()
        ids = documents_anchor(kind=kind, sha256s=[sha256], node=node, ref=ref)
        (index,) = entries_await(submissions=ids, timeout=60)
        self.stdout.write(f"{index} {sha256} {kind} {name}")
        return index
