from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from judicial_verify.tlog.errors import MalformedError, NoteError
from judicial_verify.witness.services import log_trust


class Command(BaseCommand):
    help = (
        "Cosign the checkpoints signed by this log verifier key; the log's origin is the key's "
        "name unless --origin gives another."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("vkey", help="the log's note verifier key, name+keyid+base64")
        parser.add_argument(
            "--origin", help="the log's checkpoint origin, where it is not the key's name"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            log = log_trust(vkey=options["vkey"], origin=options["origin"])
        except NoteError as e:
            raise CommandError(f"not a log verifier key: {e}") from None
        except MalformedError as e:
            raise CommandError(f"not a log's origin: {e}") from None
        self.stdout.write(f"witnessing {log.origin} (cosigned size {log.size})")
