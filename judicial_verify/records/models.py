"""Who anchors, what they anchored, and who may see it.

The ledger holds only hashes and commitments; the metadata behind each
commitment, its salt, nodes, people and their credentials live here.
Credentials (node tokens, personal API tokens, verification codes) are
stored as SHA-256 hashes only.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

NODE_CODE = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]{0,63}\Z",
    "lower-case letters, digits, '.', '_' and '-', starting with a letter or digit",
)


def split_pages(pages: bytes) -> list[bytes]:
    """Record.pages as a list of page fingerprints."""
    return [pages[i : i + 32] for i in range(0, len(pages), 32)]


class Node(models.Model):
    """A member of the judicial alliance that anchors records as itself."""

    class Type(models.TextChoices):
        COURT = "court", "court"
        PROCURATORATE = "procuratorate", "procuratorate"
        NOTARY = "notary", "notary office"
        ARBITRATION = "arbitration", "arbitration commission"
        EVIDENCE_PLATFORM = "evidence_platform", "evidence-preservation platform"

    code = models.CharField(max_length=64, unique=True, validators=[NODE_CODE])
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.COURT)
    suspended = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class NodeToken(models.Model):
    """A node's API credential; the token itself is shown once and never stored."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    revoked = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token of {self.node.code} created {self.created:%Y-%m-%d}"


class Profile(models.Model):
    """What a signed-in person is to the portal: a judge of a court, or a lawyer."""

    class Role(models.TextChoices):
        JUDGE = "judge", "judge"
        LAWYER = "lawyer", "lawyer"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=10, choices=Role.choices)
    court = models.ForeignKey(Node, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="judge") | Q(court__isnull=False), name="judge_has_court"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class ApiToken(models.Model):
    """A person's API token (lawyers use the REST API with one)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    # The token's first characters, so its owner can tell which one a list names: too few
    # of its random bits to help anyone guess the rest.
    prefix = models.CharField(max_length=12, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # To within credentials.LAST_USED_PRECISION: not a write on every request.
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.name or self.pk} of {self.user}"


class Record(models.Model):
    """An anchored record: its metadata and salt, bound to its ledger entry by commitment."""

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    metadata = models.JSONField(default=dict)
    salt = models.BinaryField(max_length=32)
    submission = models.BigIntegerField(unique=True)
    # Null, not "", for the records that issue no code: the unique constraint on it
    # admits any number of nulls, but one empty string.
    code_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    created = models.DateTimeField(auto_now_add=True)
    # The entry's content fingerprint (pdf-text/v1:<hex>, docs/pdf-text-v1.md), copied
    # out of the entry so a copy of the same text is found by index; null for documents
    # without one. `pages` holds its page fingerprints, 32 bytes each in page order, when
    # the node gave them: their hash is `content`, which the entry binds.
    content = models.CharField(max_length=80, null=True, blank=True)  # noqa: DJ001
    pages = models.BinaryField(null=True, blank=True)

    class Meta:
        # Hashes are looked up whole. db_index and unique on a CharField would also give
        # PostgreSQL an index for LIKE 'prefix%' on each, which nothing asks and every insert
        # keeps up to date (migration 0002).
        indexes = [
            models.Index(fields=["sha256"], name="records_record_sha256_e017e24a"),
            models.Index(fields=["content"], name="records_record_content"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code_hash"], name="records_record_code_hash_key"),
            # Idempotency: one record per node, kind, document and referenced entry.
            models.UniqueConstraint(
                fields=["node", "kind", "sha256"],
                condition=Q(ref__isnull=True),
                name="record_once_without_ref",
            ),
            models.UniqueConstraint(
                fields=["node", "kind", "sha256", "ref"],
                condition=Q(ref__isnull=False),
                name="record_once_with_ref",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]}… by {self.node.code}"

    def page_fingerprints(self) -> list[bytes] | None:
        """The page fingerprints, 32 bytes each in page order; None when none were given."""
        return None if self.pages is None else split_pages(bytes(self.pages))


class IdempotencyKey(models.Model):
    """A node's Idempotency-Key and the answer it got, so a retried batch gets the same."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    submissions = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["node", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.node.code}: {self.key}"
