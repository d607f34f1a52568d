"""The kinds of record the log anchors. Adding a kind is adding one definition here.

Each kind names its metadata fields and who may see each: the public sees
none (DESIGN: never party names or case details), the holder of a served
document's verification code sees the service fields, and a judge of the
anchoring court sees everything.
"""

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from judicial_verify.court_time import court_time_zh_en


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
class Choice:
    """One of a field's allowed values, with what people read for it."""

    value: str
    label_en: str
    label_zh: str


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    label_en: str
    label_zh: str
    audience: Audience = Audience.COURT
    choices: tuple[Choice, ...] = ()
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
CASE_NUMBER = Field("case_number", T, "Case number", "案号", max_length=100)
TITLE = Field("title", T, "Title", "标题", max_length=300)
PARTIES = Field("parties", L, "Parties", "当事人")
RECIPIENT = Field("recipient", T, "Recipient", "受送达人")
SERVICE_METHODS = (
    Choice("electronic", "Electronic service", "电子送达"),
    Choice("post", "Service by post", "邮寄送达"),
    Choice("in_person", "Service in person", "直接送达"),
    Choice("public_notice", "Service by public notice", "公告送达"),
    Choice("other", "Other", "其他方式"),
)
METHOD = Field(
    "method", T, "Method of service", "送达方式", audience=CODE_HOLDER, choices=SERVICE_METHODS
)

KINDS: dict[str, RecordKind] = {
    k.code: k
    for k in [
        RecordKind(
            "mediation_agreement",
            "Mediation agreement",
            "调解协议",
            (
                CASE_NUMBER,
                TITLE,
                PARTIES,
                Field("mediator", T, "Mediator", "调解员"),
                Field("performance_deadline", D, "Performance deadline", "履行期限"),
            ),
        ),
        RecordKind(
            "evidence",
            "Electronic evidence",
            "电子证据",
            (
                CASE_NUMBER,
                TITLE,
                Field("submitted_by", T, "Submitted by", "提交人"),
                Field("collected_at", DT, "Collected at", "取证时间"),
            ),
        ),
        RecordKind(
            "served_document",
            "Served litigation document",
            "送达文书",
            (
                CASE_NUMBER,
                Field(
                    "document_type",
                    T,
                    "Document type",
                    "文书类型",
                    audience=CODE_HOLDER,
                    max_length=100,
                ),
                TITLE,
                RECIPIENT,
                Field("served_at", DT, "Served at", "送达时间", audience=CODE_HOLDER),
                METHOD,
            ),
            issues_code=True,
        ),
        RecordKind(
            "service_receipt",
            "Receipt of service",
            "送达回证",
            (
                Field("received_at", DT, "Received at", "签收时间", audience=CODE_HOLDER),
                METHOD,
                RECIPIENT,
            ),
            needs_ref=True,
            ref_kind="served_document",
        ),
        RecordKind("case_file", "Case file", "案卷", (CASE_NUMBER, TITLE, PARTIES)),
        RecordKind(
            "enforcement_action",
            "Enforcement action",
            "执行措施",
            (
                CASE_NUMBER,
                Field("action", T, "Action", "执行措施"),
                Field("taken_at", DT, "Taken at", "采取时间"),
            ),
        ),
    ]
}


# A record's metadata at most, as compact JSON with every character beyond ASCII \u-escaped:
# the most room any client's JSON takes for it, so a batch of the most a record may carry
# fits under the API's request size limit (settings.DATA_UPLOAD_MAX_MEMORY_SIZE).
MAX_METADATA_BYTES = 8192
MAX_LIST_ITEMS = 50
# Metadata is single-line text: no C0 or C1 control characters (NUL among them), no line or
# paragraph separators, and no lone surrogates (halves of a UTF-16 pair, which no encoding
# of Unicode text can store).
NOT_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


class MetadataError(ValueError):
    """Metadata that does not fit its kind; `field` names the offending field, or is None
    for the metadata as a whole."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


def field_name(name: str) -> str:
    """Returns a field's name as an error may show it: as given if it is text, else with
    what is not text escaped (an answer must never carry a lone surrogate)."""
    if NOT_TEXT.search(name) is None:
        return name
    return name.encode("unicode_escape").decode("ascii")


def _clean_text(field: Field, value: str) -> None:
    if len(value) > field.max_length:
        raise MetadataError(field.name, f"must be at most {field.max_length} characters")
    if NOT_TEXT.search(value) is not None:
        raise MetadataError(
            field.name, "must be single-line text, without control characters or lone surrogates"
        )


def _clean_value(field: Field, value: object) -> object:
    # Values are kept as JSON the canonical encoder accepts: strings, lists of strings.
    if field.type is FieldType.TEXT_LIST:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise MetadataError(field.name, "must be a list of strings")
        if len(value) > MAX_LIST_ITEMS:
            raise MetadataError(field.name, f"must have at most {MAX_LIST_ITEMS} items")
        for v in value:
            _clean_text(field, v)
        return value
    if not isinstance(value, str):
        raise MetadataError(field.name, "must be a string")
    _clean_text(field, value)
    allowed = [c.value for c in field.choices]
    if allowed and value not in allowed:
        raise MetadataError(field.name, f"must be one of {', '.join(allowed)}")
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
            raise MetadataError(field_name(name), f"is not a field of a {kind.code}")
    cleaned = {}
    for field in kind.fields:
        if metadata.get(field.name) in (None, ""):
            continue
        cleaned[field.name] = _clean_value(field, metadata[field.name])
    if len(json.dumps(cleaned, separators=(",", ":"))) > MAX_METADATA_BYTES:
        raise MetadataError(
            None, f"is at most {MAX_METADATA_BYTES} bytes as JSON, non-ASCII characters \\u-escaped"
        )
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


@dataclass(frozen=True)
class LabelledValue:
    """A metadata field's value as people read it, with its label, in English and Chinese."""

    name: str
    label_en: str
    label_zh: str
    value_en: str
    value_zh: str
    # A list's items as anchored (names, say), else None.
    items: tuple[str, ...] | None = None


def _value_text(field: Field | None, value: object, *, zh: bool) -> str:
    if field is not None and field.type is FieldType.DATETIME and isinstance(value, str):
        try:
            chinese, english = court_time_zh_en(value)
        except ValueError:  # anchored before its field was a time: shown as written
            return value
        return chinese if zh else english
    if isinstance(value, list):
        return ("、" if zh else ", ").join(str(v) for v in value)
    choice = next((c for c in field.choices if c.value == value), None) if field else None
    if choice is not None:
        return choice.label_zh if zh else choice.label_en
    return str(value)


def metadata_labelled(kind: RecordKind, metadata: Mapping[str, object]) -> list[LabelledValue]:
    """Returns the metadata in the kind's field order, labelled; a field the kind no longer
    defines comes last under its own name, so nothing anchored is ever hidden from a judge."""
    known = {f.name: f for f in kind.fields}
    names = [f.name for f in kind.fields if f.name in metadata]
    names += sorted(n for n in metadata if n not in known)
    out = []
    for name in names:
        field = known.get(name)
        value = metadata[name]
        out.append(
            LabelledValue(
                name=name,
                label_en=field.label_en if field else name,
                label_zh=field.label_zh if field else name,
                value_en=_value_text(field, value, zh=False),
                value_zh=_value_text(field, value, zh=True),
                items=tuple(str(v) for v in value) if isinstance(value, list) else None,
            )
        )
    return out
