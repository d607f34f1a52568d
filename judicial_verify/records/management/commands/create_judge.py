from typing import Any

from django.core.management.base import CommandError, CommandParser

from judicial_verify.records.management.person_command import PersonCommand
from judicial_verify.records.models import Node, Profile


class Command(PersonCommand):
    help = (
        "Create a judge of a court, who signs in to search that court's records: asks for a "
        "password at a terminal, else generates one and prints it once."
    )
    role = Profile.Role.JUDGE

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("court", help="the court's node code, e.g. bj-internet-court")
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        court = Node.objects.filter(code=options["court"]).first()
        if court is None:
            raise CommandError(
                f"no court {options['court']!r}: register it first (manage.py create_node)"
            )
        self.person_create(options, court=court)
