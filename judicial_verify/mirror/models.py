"""The verified copies of other logs this mirror keeps.

MirroredLog names a log by its origin; each catch-up appends a MirrorCheckpoint
(the newest is what the mirror serves) and the tiles and entry bundles that
grew, in one transaction with it. Tiles and bundles only grow at the right,
as the log's own tiles do: a partial one is rewritten only by a wider one.
"""

from django.db import models


class MirroredLog(models.Model):
    """A log this mirror follows."""

    origin = models.TextField()
    # Lowercase hex SHA-256 of the origin: the key of the mirror's URLs.
    origin_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["origin"], name="mirror_log_origin_unique"),
            models.UniqueConstraint(fields=["origin_hash"], name="mirror_log_origin_hash_unique"),
        ]

    def __str__(self) -> str:
        return self.origin


class MirrorCheckpoint(models.Model):
    """A checkpoint of the log the mirror verified and caught up to; every one is kept."""

    log = models.ForeignKey(MirroredLog, on_delete=models.PROTECT, related_name="checkpoints")
    size = models.BigIntegerField()
    root_hash = models.BinaryField(max_length=32)
    # As the log served it: its signature and the witnesses' cosignatures.
    note = models.BinaryField()
    fetched = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.log} checkpoint (size {self.size})"


class MirrorTile(models.Model):
    """A hash tile of the log (level >= 0) or an entry bundle (level -1), as of the newest
    MirrorCheckpoint of its log."""

    log = models.ForeignKey(MirroredLog, on_delete=models.PROTECT, related_name="tiles")
    level = models.SmallIntegerField()
    index = models.BigIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["log", "level", "index"], name="mirror_tile_log_level_index"
            )
        ]

    def __str__(self) -> str:
        return f"{self.log} tile {self.level}/{self.index}"
