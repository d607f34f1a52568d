"""manage.py mirror URL --policy FILE [--once]: keep a verified copy of another log."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from judicial_verify.mirror.services import FetchError, http_fetch, mirror_catch_up
from judicial_verify.tlog.checkpoint import origin_hash
from judicial_verify.tlog.errors import TlogError
from judicial_verify.tlog.policy import parse_policy


class Command(BaseCommand):
    help = (
        "Follows a log over its tlog-tiles API (URL, e.g. https://log.example/log/): verifies "
        "each new checkpoint against a tlog-policy, rebuilds the tree from the entries, and "
        "stores the copy served under /mirror/<hex SHA-256 of the origin>/. Stops on any "
        "inconsistency."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="the log's tlog-tiles base URL")
        parser.add_argument("--policy", required=True, type=Path, help="a C2SP tlog-policy file")
        parser.add_argument("--once", action="store_true", help="catch up once and exit")
        parser.add_argument(
            "--interval", type=float, default=10.0, help="seconds between checkpoint fetches"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            policy = parse_policy(options["policy"].read_bytes())
        except OSError as e:
            raise CommandError(f"cannot read the policy: {e}") from None
        except TlogError as e:
            raise CommandError(f"{options['policy']}: {e}") from None
        if not policy.logs:
            raise CommandError(f"{options['policy']} names no log key to verify checkpoints with")
        try:
            fetch = http_fetch(options["url"])
        except FetchError as e:
            raise CommandError(str(e)) from None
        while True:
            try:
                done = mirror_catch_up(fetch=fetch, policy=policy)
            except (FetchError, TlogError) as e:
                raise CommandError(f"mirror stopped, nothing of this round stored: {e}") from None
            if done.new_size != done.old_size:
                self.stdout.write(
                    f"{done.origin}: caught up from {done.old_size} to {done.new_size} entries; "
                    f"served under /mirror/{origin_hash(done.origin)}/"
                )
            if options["once"]:
                return
            time.sleep(options["interval"])
