"""The log's Ed25519 signing key: where it lives, how it is made and rotated.

The key is the C2SP note signer string `PRIVATE+KEY+<origin>+<id>+<base64>`.
It comes from LOG_SIGNING_KEY (or LOG_SIGNING_KEY_FILE) when set, otherwise
from `<STATE_DIR>/log-signing.key`, created mode 0600 on first use. Every
verifier key that ever signed is recorded in VerifierKey, so a rotation
leaves old checkpoints verifiable.
"""

import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from judicial_verify.tlog.errors import NoteError
from judicial_verify.tlog.note import Signer, generate_signer_key

from .models import VerifierKey

KEY_FILE_NAME = "log-signing.key"


def key_file_path() -> Path:
    return Path(settings.STATE_DIR) / KEY_FILE_NAME


def _write_secret(path: Path, text: str) -> None:
    # O_EXCL: two processes starting at once must not both create (and one
    # overwrite) a key; the loser reads the winner's key instead.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text + "\n")


def _read_key_file(path: Path) -> str:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ImproperlyConfigured(f"{path} is mode {mode:o}; a signing key must be mode 0600")
    return path.read_text().strip()


def _parse_signer(skey: str, source: str) -> Signer:
    try:
        signer = Signer(skey)
    except NoteError as e:
        raise ImproperlyConfigured(f"{source} is not a valid note signer key: {e}") from None
    if signer.name != settings.LOG_ORIGIN:
        raise ImproperlyConfigured(
            f"{source} signs as {signer.name!r} but LOG_ORIGIN is {settings.LOG_ORIGIN!r}"
        )
    return signer


@lru_cache(maxsize=1)
def log_signer() -> Signer:
    """Returns the log's signer, creating its key file on first use."""
    if settings.LOG_SIGNING_KEY:
        return _parse_signer(settings.LOG_SIGNING_KEY, "LOG_SIGNING_KEY")
    path = key_file_path()
    if not path.exists():
        try:
            _write_secret(path, generate_signer_key(settings.LOG_ORIGIN)[0])
        except FileExistsError:
            pass
    return _parse_signer(_read_key_file(path), str(path))


def verifier_key_record(signer: Signer) -> VerifierKey:
    """Returns the VerifierKey row for `signer`, recording it the first time it signs."""
    row, _ = VerifierKey.objects.get_or_create(
        vkey=signer.verifier_key,
        defaults={"key_id": f"{signer.key_id:08x}", "name": signer.name},
    )
    return row


def log_key_rotate() -> Signer:
    """Replaces the key file with a new key; the old verifier key stays published."""
    if settings.LOG_SIGNING_KEY:
        raise ImproperlyConfigured("the signing key comes from the environment; rotate it there")
    path = key_file_path()
    if path.exists():
        old = _parse_signer(_read_key_file(path), str(path))
        verifier_key_record(old)
        path.rename(path.with_name(f"{KEY_FILE_NAME}.{old.key_id:08x}.retired"))
    _write_secret(path, generate_signer_key(settings.LOG_ORIGIN)[0])
    log_signer.cache_clear()
    signer = log_signer()
    verifier_key_record(signer)
    return signer
