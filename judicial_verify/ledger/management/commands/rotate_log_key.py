from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from judicial_verify.ledger.keys import KeyRotationRefused, log_key_prepare, log_key_rotate
from judicial_verify.ledger.publish import checkpoint_refresh


class Command(BaseCommand):
    help = (
        "Replace the log's signing key and destroy the old one; old verifier keys stay "
        "published at /log/keys, each retired one with the last tree size it signed. A log "
        "with witnesses first runs it with --prepare, names the printed key in its policy and "
        "has its witnesses trust it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--prepare",
            action="store_true",
            help="make the next key (once) and print its verifier key, without rotating to it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            signer = log_key_prepare() if options["prepare"] else log_key_rotate()
        except KeyRotationRefused as e:
            raise CommandError(str(e)) from None
        if not options["prepare"]:
            # Sign the current tree with the new key at once, so /log/key shows it.
            checkpoint_refresh()
        self.stdout.write(signer.verifier_key)
