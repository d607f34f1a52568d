"""manage.py witness_key and witness_trust: how a member sets up a witness."""

import stat
from io import StringIO
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from judicial_verify.tlog.cosignature import CosignatureVerifier, generate_cosigner_key
from judicial_verify.tlog.note import generate_signer_key
from judicial_verify.witness.keys import witness_cosigner
from judicial_verify.witness.models import TrustedKey, WitnessedLog

from .conftest import WITNESS_NAME


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_witness_key_creates_the_key_mode_0600_and_prints_its_verifier_key(log_state: Path) -> None:
    vkey = run("witness_key")
    path = log_state / "witness-signing.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    verifier = CosignatureVerifier(vkey)
    assert verifier.name == WITNESS_NAME


def test_witness_key_leaves_no_temporary_file_behind(log_state: Path) -> None:
    run("witness_key")
    assert [p.name for p in log_state.iterdir() if "witness" in p.name] == ["witness-signing.key"]


def test_witness_key_prints_the_same_key_each_time(log_state: Path) -> None:
    first = run("witness_key")
    witness_cosigner.cache_clear()
    assert run("witness_key") == first


def test_the_witness_key_is_not_the_log_key(log_state: Path) -> None:
    run("witness_key")
    run("log_key")
    assert (log_state / "witness-signing.key").read_text() != (
        log_state / "log-signing.key"
    ).read_text()


def test_a_witness_key_file_others_can_read_is_refused(log_state: Path) -> None:
    run("witness_key")
    (log_state / "witness-signing.key").chmod(0o644)
    witness_cosigner.cache_clear()
    with pytest.raises(ImproperlyConfigured, match="0600"):
        run("witness_key")


def test_the_witness_key_can_come_from_the_environment(
    settings: LazySettings, log_state: Path
) -> None:
    skey, vkey = generate_cosigner_key(WITNESS_NAME)
    settings.WITNESS_SIGNING_KEY = skey
    assert run("witness_key") == vkey
    assert not (log_state / "witness-signing.key").exists()


def test_a_witness_key_named_for_another_witness_is_refused(settings: LazySettings) -> None:
    settings.WITNESS_SIGNING_KEY = generate_cosigner_key("other.example/witness")[0]
    with pytest.raises(ImproperlyConfigured, match="WITNESS_NAME"):
        run("witness_key")


def test_a_log_key_is_not_a_witness_key(settings: LazySettings) -> None:
    settings.WITNESS_SIGNING_KEY = generate_signer_key(WITNESS_NAME)[0]
    with pytest.raises(ImproperlyConfigured, match="cosigner key"):
        run("witness_key")


def test_an_invalid_witness_name_is_refused(settings: LazySettings) -> None:
    settings.WITNESS_NAME = "a witness"
    with pytest.raises(ImproperlyConfigured, match="WITNESS_NAME"):
        run("witness_key")


@pytest.mark.django_db
def test_witness_trust_makes_it_witness_the_log_named_as_the_key() -> None:
    _, vkey = generate_signer_key("court.example/log")
    assert "court.example/log" in run("witness_trust", vkey)
    log = WitnessedLog.objects.get()
    assert (log.origin, log.size, [k.vkey for k in log.keys.all()]) == (
        "court.example/log",
        0,
        [vkey],
    )


@pytest.mark.django_db
def test_witness_trust_with_an_origin_witnesses_the_log_of_that_origin() -> None:
    _, vkey = generate_signer_key("sum.golang.org")
    assert "go.sum database tree" in run("witness_trust", vkey, "--origin", "go.sum database tree")
    log = WitnessedLog.objects.get()
    assert (log.origin, [k.vkey for k in log.keys.all()]) == ("go.sum database tree", [vkey])


@pytest.mark.django_db
@pytest.mark.parametrize("origin", ["", "two\nlines", "a\tb"])
def test_witness_trust_refuses_an_origin_no_checkpoint_can_have(origin: str) -> None:
    with pytest.raises(CommandError, match="not a log's origin: checkpoint origin"):
        run("witness_trust", generate_signer_key("court.example/log")[1], "--origin", origin)
    assert not WitnessedLog.objects.exists()


@pytest.mark.django_db
def test_witness_trust_twice_changes_nothing() -> None:
    _, vkey = generate_signer_key("court.example/log")
    run("witness_trust", vkey)
    run("witness_trust", vkey)
    assert (WitnessedLog.objects.count(), TrustedKey.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_witness_trust_adds_a_second_key_to_the_same_log() -> None:
    run("witness_trust", generate_signer_key("court.example/log")[1])
    run("witness_trust", generate_signer_key("court.example/log")[1])
    assert (WitnessedLog.objects.count(), TrustedKey.objects.count()) == (1, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "vkey",
    [
        "not a key",
        generate_signer_key("court.example/log")[0],
        generate_cosigner_key("court.example/log")[1],
    ],
    ids=["garbage", "a private key", "a cosigner key"],
)
def test_witness_trust_refuses_what_is_not_a_log_verifier_key(vkey: str) -> None:
    with pytest.raises(CommandError, match="not a log verifier key"):
        run("witness_trust", vkey)
    assert not WitnessedLog.objects.exists()
