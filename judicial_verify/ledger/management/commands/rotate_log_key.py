from typing import Any

from django.core.management.base import BaseCommand, CommandError

from judicial_verify.ledger.keys import KeyRotationRefused, log_key_rotate
from judicial_verify.ledger.publish import checkpoint_refresh


class Command(BaseCommand):
    help = (
        "Replace the log's signing key and destroy the old one; old verifier keys stay "
        "published at /log/keys."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            signer = log_key_rotate()
        except KeyRotationRefused as e:
            raise CommandError(str(e)) from None
        # Sign the current tree with the new key at once, so /log/key shows it.
        checkpoint_refresh()
        self.stdout.write(signer.verifier_key)
