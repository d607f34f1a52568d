from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from judicial_verify.ledger.integrate import LogBlocked
from judicial_verify.ledger.publication import PublicationTimeout, entries_await
from judicial_verify.records.kinds import KINDS
from judicial_verify.records.services import AnchorError, documents_anchor
from judicial_verify.tlog.entry import file_sha256


class Command(BaseCommand):
    help = (
        "Anchor each file's SHA-256, wait until it is in a published checkpoint, "
        "print '<index> <sha256>' a line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=sorted(KINDS))
        parser.add_argument("--node", default="operator", help="code of the anchoring node")
        parser.add_argument("--ref", type=int, help="index of the entry this one refers to")
        parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait")
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            hashes = [file_sha256(path).hex() for path in options["files"]]
        except OSError as e:
            raise CommandError(f"cannot read {e.filename}: {e.strerror}") from None
        try:
            submissions = documents_anchor(
                kind=options["kind"], sha256s=hashes, node=options["node"], ref=options["ref"]
            )
        except AnchorError as e:
            raise CommandError(f"{e.field}: {e}" if e.field else str(e)) from None
        try:
            indices = entries_await(submissions=submissions, timeout=options["timeout"])
        except PublicationTimeout as e:
            message = f"not yet in a published checkpoint: {e}; they stay queued"
            raise CommandError(message) from None
        except LogBlocked as e:
            raise CommandError(f"the log is blocked: {e}; they stay queued") from None
        for index, sha256 in zip(indices, hashes, strict=True):
            self.stdout.write(f"{index} {sha256}")
