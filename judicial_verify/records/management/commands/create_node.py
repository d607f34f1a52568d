from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from judicial_verify.records.credentials import node_create
from judicial_verify.records.models import Node


class Command(BaseCommand):
    help = "Register an alliance node and print its API token, once (it is stored hashed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="short code, e.g. bj-internet-court")
        parser.add_argument("name", help="the node's name, e.g. 北京互联网法院")
        parser.add_argument("--type", choices=Node.Type.values, default=Node.Type.COURT)
        parser.add_argument(
            "--contact",
            default="",
            help="where people ask about its records, shown when a check fails, "
            "e.g. '021-12368, 上海市浦东新区丁香路611号'",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            _, token = node_create(
                code=options["code"],
                name=options["name"],
                type=options["type"],
                contact=options["contact"],
            )
        except ValidationError as e:
            message = "; ".join(f"{k}: {' '.join(v)}" for k, v in e.message_dict.items())
            raise CommandError(message) from None
        self.stdout.write(token)
