"""The witness's cosigning key: its own, never the log's, so a member can run a witness alone.

The key is a cosignature/v1 signer string `PRIVATE+KEY+<name>+<id>+base64(0x04||seed)`
named WITNESS_NAME. It comes from WITNESS_SIGNING_KEY (or WITNESS_SIGNING_KEY_FILE)
when set, otherwise from `<STATE_DIR>/witness-signing.key`, created mode 0600 on
first use, and read with the same mode check as the log's key.
"""

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from judicial_verify.ledger.keys import key_file_create, key_file_read, signing_key_parse
from judicial_verify.tlog.cosignature import Cosigner, generate_cosigner_key
from judicial_verify.tlog.errors import NoteError

KEY_FILE_NAME = "witness-signing.key"


def key_file_path() -> Path:
    return Path(settings.STATE_DIR) / KEY_FILE_NAME


def _parse_cosigner(skey: str, source: str) -> Cosigner:
    return signing_key_parse(Cosigner, skey, source, kind="cosigner", name_setting="WITNESS_NAME")


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
        key_file_create(path, skey)
    return _parse_cosigner(key_file_read(path), str(path))
