from typing import Any

from django.core.management.base import BaseCommand, CommandError

from judicial_verify.ledger.audit import AuditFailure, log_audit


class Command(BaseCommand):
    help = (
        "Recompute the whole tree from the stored entries; check every tile, every checkpoint's "
        "signature and root, and consistency between consecutive checkpoints."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = log_audit()
        except AuditFailure as e:
            raise CommandError(f"audit failed at {e}") from None
        self.stdout.write(
            f"audit passed: {report.entries} entries, {report.tiles} tiles, "
            f"{report.checkpoints} checkpoints; root {report.root_hash.hex()}"
        )
