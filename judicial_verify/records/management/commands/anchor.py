import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from judicial_verify.ledger import read
from judicial_verify.ledger.publication import PublicationTimeout, entries_await
from judicial_verify.ledger.submit import entries_submit
from judicial_verify.records.kinds import KINDS
from judicial_verify.tlog.entry import Entry, format_entry_time, metadata_commitment

# Anchoring from the command line carries no metadata. Committing to the empty
# object under an all-zero salt keeps that checkable by anyone: there is
# nothing private for a random salt to hide.
NO_METADATA = metadata_commitment(bytes(32), {})
CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Anchor each file's SHA-256, wait until it is in a signed checkpoint, "
        "print '<index> <sha256>' a line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=sorted(KINDS))
        parser.add_argument("--node", default="operator", help="code of the anchoring node")
        parser.add_argument("--ref", type=int, help="index of the entry this one refers to")
        parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait")
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        kind = KINDS[options["kind"]]
        ref = options["ref"]
        if kind.needs_ref and ref is None:
            raise CommandError(f"a {kind.code} must name the entry it refers to with --ref")
        if ref is not None:
            try:
                read.entry_get(ref)
            except read.NotFound as e:
                raise CommandError(f"--ref {ref}: {e}") from None
        try:
            hashes = [file_sha256(path) for path in options["files"]]
        except OSError as e:
            raise CommandError(f"cannot read {e.filename}: {e.strerror}") from None
        now = format_entry_time(timezone.now())
        entries = [
            Entry(
                kind=kind.code, sha256=h, node=options["node"], time=now, meta=NO_METADATA, ref=ref
            )
            for h in hashes
        ]
        submissions = entries_submit(entries=entries)
        try:
            indices = entries_await(submissions=submissions, timeout=options["timeout"])
        except PublicationTimeout as e:
            raise CommandError(f"not yet in a signed checkpoint: {e}; they stay queued") from None
        for index, sha256 in zip(indices, hashes, strict=True):
            self.stdout.write(f"{index} {sha256}")
