from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from judicial_verify.tlog.errors import NoteError
from judicial_verify.witness.services import log_trust


class Command(BaseCommand):
    help = "Cosign the checkpoints signed by this log verifier key; the log's origin is its name."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("vkey", help="the log's note verifier key, name+keyid+base64")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            log = log_trust(vkey=options["vkey"])
        except NoteError as e:
            raise CommandError(f"not a log verifier key: {e}") from None
        self.stdout.write(f"witnessing {log.origin} (cosigned size {log.size})")
