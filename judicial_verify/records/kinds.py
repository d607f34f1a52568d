"""The kinds of record the log anchors. Adding a kind is adding one definition here.

Each kind names its metadata fields and who may see each: the public sees
none (DESIGN: never party names or case details), the holder of a served
document's verification code sees the service fields, and a judge of the
anchoring court sees everything.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class Audience(Enum):
    """Who, beyond the anchoring court's judges, may see a metadata field."""

    COURT = "court"  # the anchoring court's judges: every field
    CODE_HOLDER = "code_holder"  # whoever holds a served document's code: service fields


class FieldType(Enum):
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    TEXT_LIST = "text_list"


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    audience: Audience = Audience.COURT
    choices: tuple[str, ...] = ()
    max_length: int = 500


@dataclass(frozen=True)
class RecordKind:
    code: str
    label_en: str
    label_zh: str
    fields: tuple[Field, ...] = ()
    # A kind that acknowledges another record (a receipt of service) must name it.
    needs_ref: bool = False
    # The kind a ref must point at, when it needs one.
    ref_kind: str | None = None
    # Anchoring one issues a verification code for the recipient.
    issues_code: bool = False


T, D, DT, L = FieldType.TEXT, FieldType.DATE, FieldType.DATETIME, FieldType.TEXT_LIST
CODE_HOLDER = Audience.CODE_HOLDER
CASE_NUMBER = Field("case_number", T, max_length=100)
TITLE = Field("title", T, max_length=300)
PARTIES = Field("parties", L)
SERVICE_METHODS = ("electronic", "post", "in_person", "public_notice", "other")

KINDS: dict[str, RecordKind] = {
    k.code: k
    for k in [
        RecordKind(
            "mediation_agreement",
            "Mediation agreement",
            "调解协议",
            (CASE_NUMBER, TITLE, PARTIES, Field("mediator", T), Field("performance_deadline", D)),
        ),
        RecordKind(
            "evidence",
            "Electronic evidence",
            "电子证据",
            (CASE_NUMBER, TITLE, Field("submitted_by", T), Field("collected_at", DT)),
        ),
        RecordKind(
            "served_document",
            "Served litigation document",
            "送达文书",
            (
                CASE_NUMBER,
                Field("document_type", T, audience=CODE_HOLDER, max_length=100),
                TITLE,
                Field("recipient", T),
                Field("served_at", DT, audience=CODE_HOLDER),
                Field("method", T, audience=CODE_HOLDER, choices=SERVICE_METHODS),
            ),
            issues_code=True,
        ),
        RecordKind(
            "service_receipt",
            "Receipt of service",
            "送达回证",
            (
                Field("received_at", DT, audience=CODE_HOLDER),
                Field("method", T, audience=CODE_HOLDER, choices=SERVICE_METHODS),
                Field("recipient", T),
            ),
            needs_ref=True,
            ref_kind="served_document",
        ),
        RecordKind("case_file", "Case file", "案卷", (CASE_NUMBER, TITLE, PARTIES)),
        RecordKind(
            "enforcement_action",
            "Enforcement action",
            "执行措施",
            (CASE_NUMBER, Field("action", T), Field("taken_at", DT)),
        ),
    ]
}


class MetadataError(ValueError):
    """Metadata that does not fit its kind; `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _clean_value(field: Field, value: object) -> object:
    # Values are kept as JSON the canonical encoder accepts: strings, lists of strings.
    if field.type is FieldType.TEXT_LIST:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise MetadataError(field.name, "must be a list of strings")
        if any(len(v) > field.max_length for v in value) or len(value) > 50:
            raise MetadataError(field.name, "is too long")
        return value
    if not isinstance(value, str):
        raise MetadataError(field.name, "must be a string")
    if len(value) > field.max_length:
        raise MetadataError(field.name, f"must be at most {field.max_length} characters")
    if field.choices and value not in field.choices:
        raise MetadataError(field.name, f"must be one of {', '.join(field.choices)}")
    if field.type is FieldType.DATE:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise MetadataError(field.name, "must be a date, YYYY-MM-DD") from None
    if field.type is FieldType.DATETIME:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise MetadataError(field.name, "must be an RFC 3339 time with a time zone") from None
    return value


def metadata_clean(kind: RecordKind, metadata: Mapping[str, object]) -> dict[str, object]:
    """Returns the metadata checked against the kind's fields; raises MetadataError."""
    known = {f.name: f for f in kind.fields}
    for name in metadata:
        if name not in known:
            raise MetadataError(name, f"is not a field of a {kind.code}")
    cleaned = {}
    for field in kind.fields:
        if metadata.get(field.name) in (None, ""):
            continue
        cleaned[field.name] = _clean_value(field, metadata[field.name])
    return cleaned


def visible_metadata(
    kind: RecordKind, metadata: Mapping[str, object], audience: Audience
) -> dict[str, object]:
    """Returns the fields of `metadata` that `audience` may see."""
    if audience is Audience.COURT:
        return dict(metadata)
    return {
        f.name: metadata[f.name]
        for f in kind.fields
        if f.audience is audience and f.name in metadata
    }
