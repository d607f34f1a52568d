from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from judicial_verify.records.credentials import node_token_rotate
from judicial_verify.records.models import Node


class Command(BaseCommand):
    help = "Revoke a node's API tokens and print a new one, once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")

    def handle(self, *args: Any, **options: Any) -> None:
        node = Node.objects.filter(code=options["code"]).first()
        if node is None:
            raise CommandError(f"no node {options['code']!r}")
        self.stdout.write(node_token_rotate(node=node))
