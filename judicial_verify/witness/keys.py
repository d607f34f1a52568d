"""The witness's cosigning key: its own, never the log's, so a member can run a witness alone.

The key is a cosignature/v1 signer string `PRIVATE+KEY+<name>+<id>+base64(0x04||seed)`
named WITNESS_NAME. It comes from WITNESS_SIGNING_KEY (or WITNESS_SIGNING_KEY_FILE)
when set, otherwise from `<STATE_DIR>/witness-signing.key`, created mode 0600 on
first use, and read with the same mode check as the log's key.
"""

import os
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from judicial_verify.ledger.keys import _read_key_file
from judicial_verify.tlog.cosignature import Cosigner, generate_cosigner_key
from judicial_verify.tlog.errors import NoteError

KEY_FILE_NAME = "witness-signing.key"


def key_file_path() -> Path:
    return Path(settings.STATE_DIR) / KEY_FILE_NAME


def _parse_cosigner(skey: str, source: str) -> Cosigner:
    try:
        cosigner = Cosigner(skey)
    except NoteError as e:
        raise ImproperlyConfigured(f"{source} is not a valid cosigner key: {e}") from None
    if cosigner.name != settings.WITNESS_NAME:
        raise ImproperlyConfigured(
            f"{source} cosigns as {cosigner.name!r} but WITNESS_NAME is {settings.WITNESS_NAME!r}"
        )
    return cosigner


def _create_key_file(path: Path, skey: str) -> None:
    # Written whole under another name, then linked into place: no process
    # reads a half-written key, and of two processes starting at once the
    # second keeps the first one's key (the link fails) and drops its own.
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{KEY_FILE_NAME}.")  # mode 0600
    new = Path(name)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(skey + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.link(new, path)
    except FileExistsError:
        pass
    finally:
        new.unlink()


@lru_cache(maxsize=1)
def witness_cosigner() -> Cosigner:
    """Returns the witness's cosigner, creating its key file on first use."""
    if settings.WITNESS_SIGNING_KEY:
        return _parse_cosigner(settings.WITNESS_SIGNING_KEY, "WITNESS_SIGNING_KEY")
    path = key_file_path()
    if not path.exists():
        try:
            skey = generate_cosigner_key(settings.WITNESS_NAME)[0]
        except NoteError as e:
            raise ImproperlyConfigured(f"WITNESS_NAME: {e}") from None
        _create_key_file(path, skey)
    return _parse_cosigner(_read_key_file(path), str(path))
