from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from judicial_verify.ledger.integrate import LogBlocked
from judicial_verify.ledger.publication import PublicationTimeout, entries_await
from judicial_verify.records.kinds import KINDS
from judicial_verify.records.services import AnchorError, documents_anchor
from judicial_verify.tlog.entry import file_sha256
from judicial_verify.tlog.errors import PdfError
from judicial_verify.tlog.fingerprint import ContentFingerprint
from judicial_verify.tlog.fingerprint_process import FingerprintProcess

# A PDF's header may follow up to 1,024 bytes of anything (ISO 32000-2, 7.5.2).
PDF_HEADER, PDF_HEADER_WITHIN = b"%PDF-", 1024


class Command(BaseCommand):
    help = (
        "Anchor each file's SHA-256, and a PDF's content fingerprint (docs/pdf-text-v1.md), "
        "wait until it is in a published checkpoint, print '<index> <sha256>' a line, "
        "followed by ' pdf-text/v1:<hex>' for a PDF that has one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=sorted(KINDS))
        parser.add_argument("--node", default="operator", help="code of the anchoring node")
        parser.add_argument("--ref", type=int, help="index of the entry this one refers to")
        parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait")
        parser.add_argument("files", nargs="+", type=Path)

    def _fingerprint(self, path: Path, process: FingerprintProcess) -> ContentFingerprint | None:
        with open(path, "rb") as f:
            if PDF_HEADER not in f.read(PDF_HEADER_WITHIN):
                return None
            f.seek(0)
            data = f.read()
        try:
            fingerprint = process.fingerprint(data)
        except PdfError as e:
            # The byte hash is anchored all the same: a PDF that cannot be read is still
            # the document the node holds.
            self.stderr.write(f"{path}: anchored without a content fingerprint: {e}")
            return None
        if fingerprint.content is None:
            self.stderr.write(f"{path}: no page has text (a scan?): no content fingerprint")
        return fingerprint

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["files"]
        try:
            hashes = [file_sha256(path).hex() for path in paths]
            with FingerprintProcess() as process:
                fingerprints = [self._fingerprint(path, process) for path in paths]
        except OSError as e:
            raise CommandError(f"cannot read {e.filename}: {e.strerror}") from None
        try:
            submissions = documents_anchor(
                kind=options["kind"],
                sha256s=hashes,
                node=options["node"],
                ref=options["ref"],
                fingerprints=fingerprints,
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
        for index, sha256, fingerprint in zip(indices, hashes, fingerprints, strict=True):
            content = fingerprint.content if fingerprint else None
            self.stdout.write(f"{index} {sha256}" + (f" {content}" if content else ""))
