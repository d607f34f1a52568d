import stat
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.exceptions import ImproperlyConfigured

from judicial_verify.ledger.keys import KEY_FILE_NAME, log_key_rotate, log_signer
from judicial_verify.tlog.note import generate_signer_key

pytestmark = pytest.mark.django_db


def test_it_creates_the_signing_key_mode_0600_on_first_use(log_state: Path) -> None:
    signer = log_signer()
    path = log_state / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert signer.name == "judicial-verify.localhost/log"
    log_signer.cache_clear()
    assert log_signer().verifier_key == signer.verifier_key


def test_it_refuses_a_key_file_others_can_read(log_state: Path) -> None:
    log_signer()
    log_signer.cache_clear()
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


def test_it_rotates_to_a_new_key_and_retires_the_old_file(log_state: Path) -> None:
    old = log_signer()
    new = log_key_rotate()
    assert new.key_id != old.key_id
    assert (log_state / f"{KEY_FILE_NAME}.{old.key_id:08x}.retired").exists()
    assert stat.S_IMODE((log_state / KEY_FILE_NAME).stat().st_mode) == 0o600
