import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from judicial_verify.ledger.integrate import (
    DEFAULT_BATCH_SIZE,
    LogBlocked,
    log_initialize,
    log_integrate,
)


class Command(BaseCommand):
    help = "Integrate pending entries into the log and sign a checkpoint (safe beside workers)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument(
            "--follow", type=float, metavar="SECONDS", help="keep polling at this interval"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        log_initialize()
        while True:
            try:
                added = log_integrate(batch_size=options["batch_size"])
            except LogBlocked as e:
                # Following or not: a blocked log needs an operator, not another try.
                raise CommandError(f"the log is blocked: {e}") from None
            self.stdout.write(f"integrated {added} entries")
            if options["follow"] is None:
                return
            time.sleep(options["follow"])
