from typing import Any

from django.core.management.base import BaseCommand

from judicial_verify.ledger.integrate import checkpoint_refresh
from judicial_verify.ledger.keys import log_key_rotate


class Command(BaseCommand):
    help = "Replace the log's signing key; old verifier keys stay published at /log/keys."

    def handle(self, *args: Any, **options: Any) -> None:
        signer = log_key_rotate()
        # Sign the current tree with the new key at once, so /log/key shows it.
        checkpoint_refresh()
        self.stdout.write(signer.verifier_key)
