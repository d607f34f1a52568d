import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from judicial_verify.ledger.integrate import DEFAULT_BATCH_SIZE, LogBlocked, log_integrate
from judicial_verify.ledger.publish import log_publish
from judicial_verify.ledger.witnessing import QuorumNotMet


class Command(BaseCommand):
    help = (
        "Integrate pending entries into the log and publish a checkpoint of them, once "
        "CHECKPOINT_INTERVAL allows (safe beside workers)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument(
            "--follow", type=float, metavar="SECONDS", help="keep polling at this interval"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            try:
                added = log_integrate(batch_size=options["batch_size"])
            except LogBlocked as e:
                # Following or not: a blocked log needs an operator, not another try. What
                # was integrated before the block is published all the same.
                self._publish()
                raise CommandError(f"the log is blocked: {e}") from None
            self._publish()
            self.stdout.write(f"integrated {added} entries")
            if options["follow"] is None:
                return
            time.sleep(options["follow"])

    @staticmethod
    def _publish() -> None:
        try:
            log_publish()
        except QuorumNotMet as e:
            raise CommandError(f"integrated, not published: {e}") from None
