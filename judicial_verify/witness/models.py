"""The logs this witness cosigns for, the keys it trusts for them, and what it last cosigned.

One WitnessedLog row a log holds the latest cosigned checkpoint; it is only
ever changed by a compare-and-swap on its size (services.checkpoint_add), so
two racing requests cannot roll it back.
"""

from django.db import models

# Uniqueness as constraints, not unique=True: on PostgreSQL a unique text field
# also gets a second index for LIKE 'prefix%', which no look-up here uses.


class WitnessedLog(models.Model):
    """A log this witness cosigns for, and the latest checkpoint it cosigned (size 0 before any)."""

    origin = models.TextField()
    # Lowercase hex SHA-256 of the origin: the key of the public checkpoint URL.
    origin_hash = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    root_hash = models.BinaryField(max_length=32)
    # The cosigned checkpoint: the log's signatures the witness verified, then
    # its own cosignature. Empty until the first one.
    note = models.BinaryField(default=b"")
    cosigned = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["origin"], name="witness_log_origin_unique"),
            models.UniqueConstraint(fields=["origin_hash"], name="witness_log_origin_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.origin} ({self.size})"


class TrustedKey(models.Model):
    """A log verifier key whose signature on a checkpoint of its log the witness accepts."""

    log = models.ForeignKey(WitnessedLog, on_delete=models.CASCADE, related_name="keys")
    vkey = models.TextField()
    added = models.DateTimeField(auto_now_add=True)
    # Set once the log says it retired the key (its key list, /log/keys): the size of the last
    # tree the key signed. Its signature on a larger tree is refused, as the key's owner
    # destroyed it: whoever signs with it now kept or stole it.
    last_size = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vkey"], name="witness_key_vkey_unique")]

    def __str__(self) -> str:
        return self.vkey
