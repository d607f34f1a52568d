from typing import Any

from django.core.management.base import BaseCommand

from judicial_verify.ledger.keys import log_signer


class Command(BaseCommand):
    help = "Print the log's verifier key (creating the signing key on first use)."
    # The witness policy's check wants the key this command makes: it must run before it.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(log_signer().verifier_key)
