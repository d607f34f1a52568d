"""The log's Ed25519 signing key: where it lives, how it is made and rotated.

The key is the C2SP note signer string `PRIVATE+KEY+<origin>+<id>+<base64>`.
It comes from LOG_SIGNING_KEY (or LOG_SIGNING_KEY_FILE) when set, otherwise
from `<STATE_DIR>/log-signing.key`, created mode 0600 on first use. Every
verifier key that ever signed is recorded in VerifierKey, so a rotation
leaves old checkpoints verifiable; the database is not the operator's own
record of them, though (anyone who can write it can add a key), so each
rotation also appends the replaced verifier key to
`<STATE_DIR>/log-verifier-keys`, which the audit trusts instead. A replaced
private key is overwritten and removed: nothing can sign with it again.

A log with witnesses publishes only checkpoints signed by a key its policy names, so the
next key is made first (`<STATE_DIR>/log-signing.key.next`, log_key_prepare), named in the
policy and trusted by the witnesses, and only then rotated to.
"""

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from judicial_verify.tlog.errors import NoteError
from judicial_verify.tlog.note import Signer, generate_signer_key

from .locks import publisher_lock
from .models import Checkpoint, VerifierKey
from .witnessing import log_key_problem, witness_policy

KEY_FILE_NAME = "log-signing.key"
# A new key is written here whole before it replaces the key file in one rename.
NEW_KEY_FILE_NAME = f"{KEY_FILE_NAME}.new"
# The key the next rotation signs with, made ahead so the witness policy can name it.
NEXT_KEY_FILE_NAME = f"{KEY_FILE_NAME}.next"
# Earlier releases kept a replaced key as `log-signing.key.<id>.retired`.
RETIRED_KEY_FILE_GLOB = f"{KEY_FILE_NAME}.*.retired"
HISTORY_FILE_NAME = "log-verifier-keys"


class KeyRotationRefused(Exception):
    """The signing key is not one the log can rotate itself."""


def key_file_path() -> Path:
    return Path(settings.STATE_DIR) / KEY_FILE_NAME


def _next_key_file_path() -> Path:
    return Path(settings.STATE_DIR) / NEXT_KEY_FILE_NAME


def _write_secret(path: Path, text: str) -> None:
    # O_EXCL: never write a key through a file, or a link, that is already there.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text + "\n")
        f.flush()
        os.fsync(f.fileno())


def key_file_create(path: Path, skey: str) -> None:
    """Creates the key file `path` holding `skey`, mode 0600, whole, unless another process
    created it first."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    new = Path(name)
    with os.fdopen(fd, "w") as f:
        f.write(skey + "\n")
        f.flush()
        os.fsync(f.fileno())
    try:
        # A link appears with its content, so no process reads a half-written key; the
        # loser of a race reads the winner's key, and its own (never used) is removed.
        os.link(new, path)
    except FileExistsError:
        _overwrite(new)
    finally:
        new.unlink()


def _check_mode(path: Path, st: os.stat_result) -> None:
    mode = st.st_mode & 0o777
    if mode & 0o077:
        raise ImproperlyConfigured(f"{path} is mode {mode:o}; a signing key must be mode 0600")


def key_file_read(path: Path) -> str:
    _check_mode(path, path.stat())
    return path.read_text().strip()


class _NamedKey(Protocol):
    name: str


_Key = TypeVar("_Key", bound=_NamedKey)


def signing_key_parse(
    parse: Callable[[str], _Key], skey: str, source: str, *, kind: str, name_setting: str
) -> _Key:
    """`parse(skey)`: a signing key of `kind` named as the setting `name_setting` says.
    ImproperlyConfigured, naming `source` (a setting or a file), for any other string."""
    try:
        key = parse(skey)
    except NoteError as e:
        raise ImproperlyConfigured(f"{source} is not a valid {kind} key: {e}") from None
    expected = getattr(settings, name_setting)
    if key.name != expected:
        raise ImproperlyConfigured(
            f"{source} is a key named {key.name!r} but {name_setting} is {expected!r}"
        )
    return key


def _parse_signer(skey: str, source: str) -> Signer:
    return signing_key_parse(Signer, skey, source, kind="note signer", name_setting="LOG_ORIGIN")


@dataclass(frozen=True)
class _Loaded:
    """A parsed signer and what it was read from: the setting, or the key file's identity."""

    source: tuple[object, ...]
    signer: Signer


class _LoadedSigner:
    """The signer this process last read; one reference, replaced whole (thread-safe)."""

    loaded: _Loaded | None = None


_LOADED = _LoadedSigner()


def log_signer() -> Signer:
    """Returns the log's signer, creating its key file on first use.

    Every call looks at the key's source again (the setting, or the key file's
    identity on disk: one stat) and reads the key anew when it changed, so a
    rotation by any process reaches every process at its next signature,
    without a restart. A signature is made once a checkpoint; the stat is cheap.
    """
    if settings.LOG_SIGNING_KEY:
        skey = settings.LOG_SIGNING_KEY
        source: tuple[object, ...] = ("LOG_SIGNING_KEY", skey, settings.LOG_ORIGIN)
        loaded = _LOADED.loaded
        if loaded is None or loaded.source != source:
            loaded = _LOADED.loaded = _Loaded(source, _parse_signer(skey, "LOG_SIGNING_KEY"))
        return loaded.signer
    path = key_file_path()
    if not path.exists():
        key_file_create(path, generate_signer_key(settings.LOG_ORIGIN)[0])
    with path.open() as f:
        st = os.fstat(f.fileno())
        _check_mode(path, st)
        # A new key file is a new inode (rotation renames one into place); the rest
        # catches a key file edited in place.
        source = (str(path), st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size, settings.LOG_ORIGIN)
        loaded = _LOADED.loaded
        if loaded is None or loaded.source != source:
            loaded = _LOADED.loaded = _Loaded(source, _parse_signer(f.read().strip(), str(path)))
    return loaded.signer


def verifier_key_record(signer: Signer) -> VerifierKey:
    """Returns the VerifierKey row for `signer`, recording it the first time it signs."""
    row, _ = VerifierKey.objects.get_or_create(
        vkey=signer.verifier_key,
        defaults={"key_id": f"{signer.key_id:08x}", "name": signer.name},
    )
    return row


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _overwrite(f: Path | int) -> None:
    """Overwrites a file's bytes with as many zeros, through the disk cache."""
    with open(f, "r+b", closefd=not isinstance(f, int)) as out:
        out.write(bytes(os.fstat(out.fileno()).st_size))
        out.flush()
        os.fsync(out.fileno())


def _destroy(path: Path) -> None:
    """Overwrites a private key file and removes it."""
    _overwrite(path)
    path.unlink()


def _history_append(vkeys: list[str]) -> None:
    if not vkeys:
        return
    path = Path(settings.STATE_DIR) / HISTORY_FILE_NAME
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("".join(vkey + "\n" for vkey in vkeys))
        f.flush()
        os.fsync(f.fileno())


def _retired_key_files() -> list[Path]:
    return sorted(Path(settings.STATE_DIR).glob(RETIRED_KEY_FILE_GLOB))


def _key_file_replace(path: Path, skey: str) -> None:
    """Puts a new key in the key file in one rename, then overwrites the old key's bytes."""
    new = path.with_name(NEW_KEY_FILE_NAME)
    if new.exists():
        # Left by a rotation that stopped before its rename: that key never signed.
        _destroy(new)
    _write_secret(new, skey)
    try:
        old = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        os.replace(new, path)
    else:
        try:
            os.replace(new, path)
            # Renamed over, the old key has no name left; its bytes go while still open.
            _overwrite(old)
        finally:
            os.close(old)
    _fsync_dir(path.parent)


def _retire(key: VerifierKey) -> None:
    """Records the size of the last checkpoint `key` signed; under the publishers' lock,
    final."""
    last = Checkpoint.objects.filter(key=key).order_by("-id").values_list("size", flat=True)
    size = last.first()
    if size is not None:
        VerifierKey.objects.filter(pk=key.pk, last_size__isnull=True).update(last_size=size)


def _refuse_the_environment() -> None:
    if settings.LOG_SIGNING_KEY:
        raise KeyRotationRefused(
            "the signing key comes from LOG_SIGNING_KEY (or LOG_SIGNING_KEY_FILE), which this "
            "command cannot change: put a new key there, restart, and keep the old verifier key "
            "for `audit_log --key`"
        )


def log_key_prepare() -> Signer:
    """Returns the key the next rotation will sign with, making it (mode 0600) the first time,
    so that the witness policy can name it before any checkpoint is signed with it. Raises
    KeyRotationRefused when the key comes from the environment."""
    _refuse_the_environment()
    path = _next_key_file_path()
    if not path.exists():
        key_file_create(path, generate_signer_key(settings.LOG_ORIGIN)[0])
    return _parse_signer(key_file_read(path), str(path))


def _refuse_unpublishable(next_vkey: str | None) -> None:
    """Refuses a rotation to a key the witness policy does not name: the log could publish
    nothing after it, while the old key would already be destroyed."""
    loaded = witness_policy()
    if loaded is None:
        return
    if next_vkey is None:
        raise KeyRotationRefused(
            "the log publishes with witnesses (WITNESS_POLICY): run `rotate_log_key --prepare` "
            "first, name the key it prints on a log line of the policy, have each witness trust "
            "it (`witness_trust`), then rotate"
        )
    problem = log_key_problem(loaded.policy, next_vkey)
    if problem is not None:
        raise KeyRotationRefused(
            f"WITNESS_POLICY: {problem}; name the prepared key on a log line of the policy, "
            "have each witness trust it (`witness_trust`), then rotate"
        )


@transaction.atomic
def log_key_rotate() -> Signer:
    """Replaces the key file with the prepared next key (log_key_prepare), or a new key, and
    destroys the old one (and any key file an earlier release retired); the old verifier keys
    stay published, and are appended to the operator's history of them. Raises
    KeyRotationRefused when the key comes from the environment, or when the log has a witness
    policy that does not name the key it would rotate to."""
    _refuse_the_environment()
    next_path = _next_key_file_path()
    next_skey = key_file_read(next_path) if next_path.exists() else None
    prepared = None if next_skey is None else _parse_signer(next_skey, str(next_path))
    _refuse_unpublishable(None if prepared is None else prepared.verifier_key)
    # Publishers sign while holding this lock (publish.py): none is signing while the key
    # changes, and each one after it signs with the new key.
    publisher_lock()
    path = key_file_path()
    old = [path] if path.exists() else []
    retired = _retired_key_files()
    replaced = [_parse_signer(key_file_read(p), str(p)) for p in old + retired]
    for signer in replaced:
        _retire(verifier_key_record(signer))
    _history_append([signer.verifier_key for signer in replaced])
    _key_file_replace(path, next_skey or generate_signer_key(settings.LOG_ORIGIN)[0])
    # The prepared key's own file goes too: its key now lives in the key file alone.
    for p in retired + ([next_path] if prepared else []):
        _destroy(p)
    signer = log_signer()
    verifier_key_record(signer)
    return signer


def operator_verifier_keys() -> list[str]:
    """The verifier keys the operator's own key material accounts for, read from the setting
    and STATE_DIR, never from the database: the current signing key's (none is created), those
    it replaced, and those of key files an earlier release retired."""
    keys: list[str] = []
    if settings.LOG_SIGNING_KEY or key_file_path().exists():
        keys.append(log_signer().verifier_key)
    history = Path(settings.STATE_DIR) / HISTORY_FILE_NAME
    if history.exists():
        keys.extend(line for line in history.read_text().split() if line)
    keys.extend(_parse_signer(key_file_read(p), str(p)).verifier_key for p in _retired_key_files())
    return keys
