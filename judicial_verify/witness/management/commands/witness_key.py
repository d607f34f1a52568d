from typing import Any

from django.core.management.base import BaseCommand

from judicial_verify.witness.keys import witness_cosigner


class Command(BaseCommand):
    help = "Print the witness's cosigner verifier key (creating its key on first use)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(witness_cosigner().verifier_key)
