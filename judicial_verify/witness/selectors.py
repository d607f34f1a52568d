"""The witness's reads: what it cosigned, for anyone to compare with other witnesses."""

from .models import WitnessedLog


class NotCosigned(Exception):
    """The witness has never cosigned a checkpoint of that log."""


def checkpoint_cosigned(*, origin_hash: str) -> bytes:
    """Returns the latest cosigned checkpoint of the log whose origin has this SHA-256 (hex)."""
    note = (
        WitnessedLog.objects.filter(origin_hash=origin_hash)
        .exclude(note=b"")
        .values_list("note", flat=True)
        .first()
    )
    if note is None:
        raise NotCosigned("this witness has not cosigned a checkpoint of that log")
    return bytes(note)
