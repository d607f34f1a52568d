"""What a client sends about a copy of a document beside its SHA-256: its content
fingerprint, its earlier revisions' SHA-256 and its page fingerprints
(records/copies.py, docs/pdf-text-v1.md)."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from judicial_verify.records.copies import MAX_REVISIONS
from judicial_verify.tlog.errors import MalformedError
from judicial_verify.tlog.fingerprint import MAX_PAGES, check_pages

from .errors import ApiError, ErrorOutput
from .params import ContentField, Sha256Field

PAGES_MISMATCH = OpenApiResponse(
    ErrorOutput, description="pages_mismatch: the pages do not make up the content"
)


class OutcomeMessage(serializers.Serializer):
    """What an outcome about a copy means, for people, in both languages."""

    en = serializers.CharField()
    zh = serializers.CharField()


class CopyIn(serializers.Serializer):
    content = ContentField(
        required=False,
        help_text="the file's content fingerprint, if it is a PDF with text: "
        "`python -m judicial_verify.tlog fingerprint FILE`",
    )
    revisions = serializers.ListField(
        child=Sha256Field(),
        required=False,
        max_length=MAX_REVISIONS,
        help_text="the SHA-256 of each earlier revision of the file, in file order: each "
        "prefix ending at a %%EOF marker, with and without the end of line after it "
        "(docs/pdf-text-v1.md, section 4); the last ones if there are more",
    )
    pages = serializers.ListField(
        child=Sha256Field(),
        required=False,
        min_length=1,
        max_length=MAX_PAGES,
        help_text="the file's page fingerprints, which must make up `content`: with them a "
        "copy whose text differs from a named record is told which pages differ",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "pages" in attrs:
            if "content" not in attrs:
                raise pages_mismatch("page fingerprints come with a content", None)
            try:
                check_pages(attrs["content"], attrs["pages"])
            except MalformedError as e:
                raise pages_mismatch(str(e), None) from None
        return attrs


def pages_mismatch(message: str, item: int | None) -> ApiError:
    """The 422 of page fingerprints that do not make up the content sent beside them: each
    is well formed, which a schema can say, but together they are not, which it cannot."""
    where: dict[str, Any] = {"field": "pages", "message": message}
    if item is not None:
        where["item"] = item
    return ApiError(f"pages: {message}", code="pages_mismatch", status_code=422, fields=[where])


def page_bytes(attrs: dict[str, Any]) -> list[bytes] | None:
    """The validated page fingerprints as bytes, or None when none were sent."""
    pages = attrs.get("pages")
    return None if pages is None else [bytes.fromhex(page) for page in pages]
