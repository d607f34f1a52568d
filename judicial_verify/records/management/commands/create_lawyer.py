from typing import Any

from judicial_verify.records.management.person_command import PersonCommand
from judicial_verify.records.models import Profile


class Command(PersonCommand):
    help = (
        "Create a lawyer, who signs in to make personal API tokens: asks for a password at a "
        "terminal, else generates one and prints it once."
    )
    role = Profile.Role.LAWYER

    def handle(self, *args: Any, **options: Any) -> None:
        self.person_create(options)
