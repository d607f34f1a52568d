"""create_judge and create_lawyer: a password typed twice at a terminal (checked by Django's
validators), or generated and printed once; a clear error for an unknown court or a user name
that is taken."""

import io
from collections.abc import Iterator

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from judicial_verify.records.credentials import node_create
from judicial_verify.records.management import person_command
from judicial_verify.records.models import Node, Profile

# The fast hasher: these tests set and check a dozen passwords.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

GOOD = "a long and unusual passphrase 7"


class Terminal(io.StringIO):
    """A stdin that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def court() -> Node:
    return node_create(code="bj-internet-court", name="北京互联网法院")[0]


def typed(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """Answers the command's password prompts with `answers`, in turn; returns the prompts."""
    prompts: list[str] = []
    replies: Iterator[str] = iter(answers)

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(replies)

    monkeypatch.setattr(person_command.getpass, "getpass", getpass)
    return prompts


def run(*args: str, stdin: io.StringIO | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, stdin=stdin)
    return out.getvalue(), err.getvalue()


def _printed_password(out: str) -> str:
    (line,) = [line for line in out.splitlines() if line.startswith("password: ")]
    return line.removeprefix("password: ")


def test_create_judge_asks_for_the_password_twice_at_a_terminal(
    court: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts = typed(monkeypatch, GOOD, GOOD)
    out, _ = run("create_judge", "bj-internet-court", "judge-wang", stdin=Terminal())
    assert prompts == ["Password: ", "Password (again): "]
    assert "password" not in out.lower().replace("changepassword", "")
    profile = Profile.objects.get(user__username="judge-wang")
    assert profile.role == Profile.Role.JUDGE
    assert profile.court == court
    assert authenticate(username="judge-wang", password=GOOD) is not None


def test_it_asks_again_when_the_two_passwords_differ(
    court: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed(monkeypatch, GOOD, "something else entirely 8", GOOD, GOOD)
    _, err = run("create_judge", "bj-internet-court", "judge-wang", stdin=Terminal())
    assert "The two passwords differ" in err
    assert authenticate(username="judge-wang", password=GOOD) is not None


def test_it_refuses_a_password_the_validators_refuse(
    court: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed(monkeypatch, *["123"] * 6)
    with pytest.raises(CommandError, match="no acceptable password after 3 attempts"):
        run("create_lawyer", "lawyer-li", stdin=Terminal())
    assert not User.objects.filter(username="lawyer-li").exists()


def test_the_validators_say_what_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    typed(monkeypatch, "password", "password", GOOD, GOOD)
    _, err = run("create_lawyer", "lawyer-li", stdin=Terminal())
    assert "too common" in err


def test_it_generates_and_prints_a_strong_password_when_asked(court: Node) -> None:
    out, _ = run(
        "create_judge", "bj-internet-court", "judge-wang", "--generate-password", stdin=Terminal()
    )
    password = _printed_password(out)
    assert len(password) >= 24
    assert "shown only this once" in out
    assert authenticate(username="judge-wang", password=password) is not None


def test_it_generates_one_when_not_run_at_a_terminal() -> None:
    out, _ = run("create_lawyer", "lawyer-li", stdin=io.StringIO())
    password = _printed_password(out)
    assert authenticate(username="lawyer-li", password=password) is not None
    assert Profile.objects.get(user__username="lawyer-li").role == Profile.Role.LAWYER


def test_two_generated_passwords_differ() -> None:
    first, _ = run("create_lawyer", "lawyer-li")
    second, _ = run("create_lawyer", "lawyer-zhao")
    assert _printed_password(first) != _printed_password(second)


def test_a_lawyer_created_so_signs_in_and_lands_on_the_tokens_page() -> None:
    out, _ = run("create_lawyer", "lawyer-li")
    response = Client().post(
        reverse("portal:sign-in"), {"username": "lawyer-li", "password": _printed_password(out)}
    )
    assert response["Location"] == reverse("portal:tokens")


def test_it_refuses_an_unknown_court() -> None:
    with pytest.raises(CommandError, match=r"no court 'nowhere'.*create_node"):
        run("create_judge", "nowhere", "judge-wang")
    assert not User.objects.exists()


def test_it_refuses_a_user_name_that_is_taken(court: Node) -> None:
    run("create_lawyer", "li")
    with pytest.raises(CommandError, match="a user 'li' exists already"):
        run("create_judge", "bj-internet-court", "li")
    assert Profile.objects.get(user__username="li").role == Profile.Role.LAWYER


def test_it_refuses_a_user_name_django_would_not_accept() -> None:
    with pytest.raises(CommandError, match="user name 'li si'"):
        run("create_lawyer", "li si")
