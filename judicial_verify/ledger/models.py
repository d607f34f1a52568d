"""The ledger's tables, in the order data flows through them.

PendingEntry (submitted, durable, no index) -> Entry (integrated, immutable)
-> Tile (hash rows, grow only at the right) -> Checkpoint (signed and published, at most
once an interval, immutable).
LogHead is the single row integrators lock to take turns. Database triggers
(migration 0002) refuse any change to integrated rows, so not even a bug in
this code can rewrite the ledger. WitnessStatus is the log's working memory of
its witnesses (witnessing.py), not part of the ledger: it changes freely.
"""

from django.db import models


class PendingEntry(models.Model):
    """A submitted entry waiting for the integrator; its id is the submission id."""

    data = models.BinaryField(max_length=65535)
    sha256 = models.CharField(max_length=64)
    submitted = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "pending entries"

    def __str__(self) -> str:
        return f"pending entry {self.pk}"


class Entry(models.Model):
    """An integrated leaf: entry bytes at a fixed index of the tree."""

    index = models.BigIntegerField(primary_key=True)
    submission = models.BigIntegerField(unique=True)
    data = models.BinaryField(max_length=65535)
    # The anchored document's SHA-256 (hex), copied out of `data` so look-ups by
    # document hash use an index; the audit checks it still matches `data`.
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name_plural = "entries"
        # Declared here rather than by db_index, which on PostgreSQL adds a second index
        # for LIKE 'prefix%' that no look-up uses (migration 0003).
        indexes = [models.Index(fields=["sha256"], name="ledger_entry_sha256_fd686caa")]

    def __str__(self) -> str:
        return f"entry {self.index}"


class Tile(models.Model):
    """A tlog-tiles hash tile as integration left it (partial or full): it may run ahead of
    the newest checkpoint, which readers slice it to."""

    level = models.SmallIntegerField()
    index = models.BigIntegerField()
    data = models.BinaryField(max_length=8192)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="ledger_tile_level_index")
        ]

    def __str__(self) -> str:
        return f"tile {self.level}/{self.index} ({len(self.data) // 32} hashes)"


class VerifierKey(models.Model):
    """A public key that has signed checkpoints; kept forever so old checkpoints verify."""

    vkey = models.CharField(max_length=300, unique=True)
    key_id = models.CharField(max_length=8)
    name = models.CharField(max_length=200)
    first_used = models.DateTimeField(auto_now_add=True)
    # Set once, when a rotation retires the key: the size of the last checkpoint it signed,
    # beyond which nothing it signed can be the log's. None while it signs (or if it never
    # signed, or was replaced outside rotate_log_key).
    last_size = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.vkey


class Checkpoint(models.Model):
    """A published checkpoint (signed, and cosigned as the witness policy asks); every one
    ever published is kept."""

    size = models.BigIntegerField(db_index=True)
    root_hash = models.BinaryField(max_length=32)
    note = models.BinaryField()
    key = models.ForeignKey(VerifierKey, on_delete=models.PROTECT)
    signed = models.DateTimeField()

    class Meta:
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"checkpoint {self.id} (size {self.size})"


class LogHead(models.Model):
    """The one row that says how big the tree is; integrators lock it to take turns."""

    size = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"log head (size {self.size})"


class WitnessStatus(models.Model):
    """What the log knows of one witness of its policy, by the witness's cosigning key.

    `size` is the tree size the witness last cosigned, as far as the log knows (None:
    unknown); the log sends it as the add-checkpoint old size, and a 409 corrects it.
    The witness is failing while its last error is newer than its last cosignature.
    """

    # The witness's cosignature/v1 verifier key: a witness given a new key is a new witness,
    # whose size starts unknown.
    vkey = models.TextField()
    # Its name in the policy, as last used: the policy may rename it.
    name = models.TextField()
    size = models.BigIntegerField(null=True, blank=True)
    cosigned = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    failed = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "witness statuses"
        # A constraint, not unique=True: on PostgreSQL a unique text field also gets a
        # second index for LIKE 'prefix%', which no look-up here uses.
        constraints = [
            models.UniqueConstraint(fields=["vkey"], name="ledger_witness_status_vkey_unique")
        ]

    def __str__(self) -> str:
        return f"witness {self.name}"

    @property
    def failing(self) -> bool:
        """Whether the witness's last answer was a failure."""
        return self.failed is not None and (self.cosigned is None or self.failed > self.cosigned)
