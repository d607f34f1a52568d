from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from judicial_verify.ledger import read


class Command(BaseCommand):
    help = "Write the tlog-proof@v1 receipt of the entry at INDEX to stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("index", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            receipt = read.receipt_get(options["index"])
        except read.NotFound as e:
            raise CommandError(str(e)) from None
        except read.IntegrityAlarm as e:  # logged as critical where it was found
            raise CommandError(f"integrity alarm: {e}") from None
        # A receipt is UTF-8 text (the signature lines start with an em dash).
        self.stdout.write(receipt.data.decode(), ending="")
