import base64
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import LazySettings, settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from judicial_verify.ledger import read
from judicial_verify.ledger.keys import (
    KEY_FILE_NAME,
    KeyRotationRefused,
    log_key_rotate,
    log_signer,
    operator_verifier_keys,
)
from judicial_verify.ledger.models import Checkpoint, VerifierKey
from judicial_verify.tlog.errors import TlogError
from judicial_verify.tlog.note import Signer, Verifier, generate_signer_key, open_note
from judicial_verify.tlog.receipt import parse_receipt, verify_receipt

pytestmark = pytest.mark.django_db

Grow = Callable[..., int]
ROOT = Path(__file__).resolve().parents[2]


def test_it_creates_the_signing_key_mode_0600_on_first_use(log_state: Path) -> None:
    signer = log_signer()
    path = log_state / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert signer.name == "judicial-verify.localhost/log"
    assert log_signer().verifier_key == signer.verifier_key


def test_it_refuses_a_key_file_others_can_read(log_state: Path) -> None:
    log_signer()
    (log_state / KEY_FILE_NAME).chmod(0o644)
    with pytest.raises(ImproperlyConfigured, match="mode 0600"):
        log_signer()


def test_it_reads_the_key_from_the_environment(settings: LazySettings, log_state: Path) -> None:
    skey, vkey = generate_signer_key(settings.LOG_ORIGIN)
    settings.LOG_SIGNING_KEY = skey
    assert log_signer().verifier_key == vkey
    assert not (log_state / KEY_FILE_NAME).exists()


def test_it_refuses_a_key_named_for_another_log(settings: LazySettings) -> None:
    settings.LOG_SIGNING_KEY = generate_signer_key("other.example/log")[0]
    with pytest.raises(ImproperlyConfigured, match="LOG_ORIGIN"):
        log_signer()


def test_it_refuses_a_malformed_key(settings: LazySettings) -> None:
    settings.LOG_SIGNING_KEY = "PRIVATE+KEY+nonsense"
    with pytest.raises(ImproperlyConfigured, match="not a valid"):
        log_signer()


def test_it_rotates_to_a_new_key_kept_mode_0600(log_state: Path) -> None:
    old = log_signer()
    new = log_key_rotate()
    assert new.key_id != old.key_id
    assert log_signer().verifier_key == new.verifier_key
    assert stat.S_IMODE((log_state / KEY_FILE_NAME).stat().st_mode) == 0o600


def secret_forms(skey: str) -> list[bytes]:
    """The ways a private key can sit in a file: its string, its base64, its raw seed."""
    key_b64 = skey.split("+", 4)[4]
    return [skey.encode(), key_b64.encode(), base64.b64decode(key_b64)[1:]]


def files_holding(state: Path, secrets: list[bytes]) -> list[Path]:
    return [
        path
        for path in state.rglob("*")
        if path.is_file() and any(secret in path.read_bytes() for secret in secrets)
    ]


def test_it_leaves_no_file_holding_the_old_private_key(log_state: Path) -> None:
    log_signer()
    old_skey = (log_state / KEY_FILE_NAME).read_text().strip()
    assert files_holding(log_state, secret_forms(old_skey)) == [log_state / KEY_FILE_NAME]
    log_key_rotate()
    assert files_holding(log_state, secret_forms(old_skey)) == []
    assert not list(log_state.glob("*.retired"))


def test_it_destroys_a_key_file_an_earlier_release_retired(log_state: Path) -> None:
    skey, vkey = generate_signer_key(settings.LOG_ORIGIN)
    retired = log_state / f"{KEY_FILE_NAME}.{skey.split('+')[3]}.retired"
    retired.write_text(skey + "\n")
    retired.chmod(0o600)
    log_signer()
    log_key_rotate()
    assert not retired.exists()
    assert files_holding(log_state, secret_forms(skey)) == []
    assert vkey in operator_verifier_keys()


def test_the_operator_keys_are_the_current_one_and_those_it_replaced(log_state: Path) -> None:
    first = log_signer().verifier_key
    second = log_key_rotate().verifier_key
    third = log_key_rotate().verifier_key
    assert sorted(operator_verifier_keys()) == sorted([first, second, third])


def test_reading_the_operator_keys_creates_no_signing_key(log_state: Path) -> None:
    assert operator_verifier_keys() == []
    assert not (log_state / KEY_FILE_NAME).exists()


def test_it_refuses_to_rotate_a_key_from_the_environment(
    settings: LazySettings, log_state: Path, grow: Grow
) -> None:
    grow(3)
    skey, vkey = generate_signer_key(settings.LOG_ORIGIN)
    settings.LOG_SIGNING_KEY = skey
    grow(2)
    checkpoints, keys = Checkpoint.objects.count(), VerifierKey.objects.count()
    with pytest.raises(CommandError, match="LOG_SIGNING_KEY"):
        call_command("rotate_log_key")
    assert log_signer().verifier_key == vkey
    assert (Checkpoint.objects.count(), VerifierKey.objects.count()) == (checkpoints, keys)
    with pytest.raises(KeyRotationRefused):
        log_key_rotate()


def test_a_receipt_signed_after_a_rotation_verifies_with_the_new_key(grow: Grow) -> None:
    grow(5)
    call_command("rotate_log_key", stdout=StringIO())
    new = Verifier(log_signer().verifier_key)
    grow(3)
    receipt = parse_receipt(read.receipt_get(6).data)
    assert verify_receipt(receipt, [new]).index == 6


@pytest.fixture
def signer_process(log_state: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process of the log, started now, that signs a checkpoint body each time it is
    sent a line, and answers with the signed note (base64) on a line."""
    code = (
        "import base64, sys, django\n"
        "django.setup()\n"
        "from judicial_verify.ledger.keys import log_signer\n"
        "from judicial_verify.tlog.note import sign_note\n"
        "for line in sys.stdin:\n"
        "    note = sign_note(line.replace('|', '\\n'), [log_signer()])\n"
        "    print(base64.b64encode(note).decode(), flush=True)\n"
    )
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("LOG_SIGNING_KEY", "LOG_SIGNING_KEY_FILE")
    }
    env.update(STATE_DIR=str(log_state), DJANGO_SETTINGS_MODULE="judicial_verify.settings")
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    yield process
    assert process.stdin is not None
    process.stdin.close()
    assert process.wait(timeout=30) == 0


def signed_by(process: subprocess.Popen[str], size: int) -> bytes:
    assert process.stdin is not None
    assert process.stdout is not None
    body = f"{settings.LOG_ORIGIN}|{size}|{base64.b64encode(bytes(32)).decode()}|"
    process.stdin.write(body + "\n")
    process.stdin.flush()
    return base64.b64decode(process.stdout.readline())


def test_a_running_process_signs_with_the_new_key_after_a_rotation_elsewhere(
    signer_process: subprocess.Popen[str],
) -> None:
    old = Verifier(log_signer().verifier_key)
    open_note(signed_by(signer_process, 1), [old])
    new = Verifier(log_key_rotate().verifier_key)
    note = signed_by(signer_process, 2)
    assert open_note(note, [new]).text.startswith(f"{settings.LOG_ORIGIN}\n2\n")
    with pytest.raises(TlogError):
        open_note(note, [old])


def test_it_records_the_size_a_retired_key_last_signed(grow: Grow) -> None:
    grow(5)
    old = log_signer().verifier_key
    new = log_key_rotate().verifier_key
    grow(3)
    assert VerifierKey.objects.get(vkey=old).last_size == 5
    assert VerifierKey.objects.get(vkey=new).last_size is None


@pytest.mark.postgres
def test_the_database_lets_a_keys_last_size_be_set_once_and_nothing_else() -> None:
    signer = Signer(generate_signer_key(settings.LOG_ORIGIN)[0])
    key = VerifierKey.objects.create(
        vkey=signer.verifier_key, key_id=f"{signer.key_id:08x}", name=signer.name
    )
    for change in ({"last_size": 2, "name": "other"}, {"last_size": 2, "key_id": "00000000"}):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            VerifierKey.objects.filter(pk=key.pk).update(**change)
    VerifierKey.objects.filter(pk=key.pk).update(last_size=2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        VerifierKey.objects.filter(pk=key.pk).update(last_size=3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        VerifierKey.objects.filter(pk=key.pk).delete()
