"""What create_judge and create_lawyer share: a password typed twice at a terminal, or a
generated one printed once."""

import getpass
import sys
from typing import Any, TextIO

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from judicial_verify.records.models import Node
from judicial_verify.records.people import (
    PersonError,
    password_check,
    password_generate,
    person_create,
)

PROMPT_ATTEMPTS = 3


class PersonCommand(BaseCommand):
    """Creates a person of `role`; a subclass names the role and, for a judge, the court."""

    role: str
    # call_command(..., stdin=...) stands for the terminal, as for Django's createsuperuser.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the name they sign in with")
        parser.add_argument(
            "--generate-password",
            action="store_true",
            help="generate a strong password and print it once (what happens anyway when "
            "the command is not run at a terminal)",
        )

    def _typed_password(self, username: str) -> str:
        for _ in range(PROMPT_ATTEMPTS):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ; try again.")
                continue
            try:
                password_check(password, username=username)
            except PersonError as e:
                self.stderr.write(str(e))
                continue
            return password
        raise CommandError(f"no acceptable password after {PROMPT_ATTEMPTS} attempts")

    def person_create(self, options: dict[str, Any], *, court: Node | None = None) -> User:
        """Creates the person, asking for a password at a terminal and otherwise generating
        one, which it prints."""
        username = options["username"]
        stdin: TextIO = options.get("stdin") or sys.stdin
        generated = options["generate_password"] or not stdin.isatty()
        password = password_generate() if generated else self._typed_password(username)
        try:
            user = person_create(username=username, role=self.role, password=password, court=court)
        except PersonError as e:
            raise CommandError(str(e)) from None
        where = f" of {court.name} ({court.code})" if court else ""
        self.stdout.write(f"{self.role} {username}{where} created")
        if generated:
            self.stdout.write(f"password: {password}")
            self.stdout.write(
                "It is shown only this once: give it to them, and have them change it "
                f"(manage.py changepassword {username})."
            )
        return user
