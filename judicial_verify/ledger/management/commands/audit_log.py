from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from judicial_verify.ledger.audit import AuditFailure, audit_snapshot, log_audit
from judicial_verify.records.audit import records_audit
from judicial_verify.tlog.errors import TlogError
from judicial_verify.tlog.note import Verifier


def _keys_in(path: str) -> list[str]:
    """The verifier keys in a file, one a line; blank lines and # comments are skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise CommandError(f"--key {path}: cannot read it ({e})") from None
    keys = []
    for number, line in enumerate(lines, 1):
        key = line.strip()
        if not key or key.startswith("#"):
            continue
        try:
            Verifier(key)
        except TlogError as e:
            raise CommandError(f"--key {path}, line {number}: not a verifier key ({e})") from None
        keys.append(key)
    if not keys:
        raise CommandError(f"--key {path}: holds no verifier key")
    return keys


class Command(BaseCommand):
    help = (
        "Recompute the whole tree from the stored entries; check every tile, every checkpoint's "
        "signature and root, consistency between consecutive checkpoints, that every verifier "
        "key is an expected one, that no stray entry rows exist, and every record against its "
        "entry."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--key",
            action="append",
            metavar="FILE",
            help=(
                "a file of verifier keys the log may have signed with, one a line (repeatable); "
                "without it, the keys the signing key file or LOG_SIGNING_KEY and the history "
                "of rotations in STATE_DIR account for"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expected = None
        if options["key"]:
            expected = [key for path in options["key"] for key in _keys_in(path)]
        try:
            with audit_snapshot():
                report = log_audit(expected_keys=expected)
                records = records_audit()
        except AuditFailure as e:
            raise CommandError(f"audit failed at {e}") from None
        except ImproperlyConfigured as e:
            raise CommandError(f"cannot read the expected verifier keys: {e}") from None
        self.stdout.write(
            f"audit passed: {report.entries} entries, {report.tiles} tiles, "
            f"{report.checkpoints} checkpoints, {records} records; root {report.root_hash.hex()}"
        )
