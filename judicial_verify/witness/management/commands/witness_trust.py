from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from judicial_verify.tlog.errors import MalformedError, NoteError
from judicial_verify.tlog.key_list import format_key_line, parse_key_line
from judicial_verify.witness.services import RetirementRefused, log_trust


class Command(BaseCommand):
    help = (
        "Cosign the checkpoints signed by this log verifier key; the log's origin is the key's "
        "name unless --origin gives another. Given a retired key's line of the log's key list "
        "(/log/keys), cosign its signature only on trees up to the last size it signed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "vkey",
            help="the log's note verifier key, name+keyid+base64, or a line of the log's key "
            "list: 'KEY retired SIZE' for a key the log retired after signing SIZE",
        )
        parser.add_argument(
            "--origin", help="the log's checkpoint origin, where it is not the key's name"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = parse_key_line(options["vkey"].strip())
        except NoteError as e:
            raise CommandError(f"not a log verifier key: {e}") from None
        vkey = options["vkey"].strip().split(" ")[0]
        try:
            log = log_trust(vkey=vkey, origin=options["origin"], last_size=key.last_size)
        except MalformedError as e:
            raise CommandError(f"not a log's origin: {e}") from None
        except RetirementRefused as e:
            raise CommandError(f"{format_key_line(vkey, key.last_size)}: {e}") from None
        retired = "" if key.last_size is None else f"; key retired after size {key.last_size}"
        self.stdout.write(f"witnessing {log.origin} (cosigned size {log.size}{retired})")
