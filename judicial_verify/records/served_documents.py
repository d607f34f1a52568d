"""Served documents as the holder of their verification code sees them: the service record,
whether receipt of service was recorded, and whether a file is the one that was served.

The holder sees the kind's CODE_HOLDER fields only (document type, when and how it was
served and received), never case numbers or party names. Any code that names no served
document, malformed or unknown alike, gives None: callers answer all of them the same way.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from . import outcomes
from .codes import code_normalize
from .copies import Comparison, compare_with
from .kinds import Audience, visible_metadata
from .models import Node
from .outcomes import COPY_DIFFERS, english_and_chinese
from .selectors import EntryView, receipts_of, served_document_by_code


@dataclass(frozen=True)
class ServiceReceipt:
    """The newest receipt of service recorded for a served document."""

    index: int
    anchored_at: str
    received_at: str
    method: str | None


@dataclass(frozen=True)
class ServiceRecord:
    """What the holder of a code may know of the document it names."""

    code: str  # canonical, without grouping
    document: EntryView
    court: Node
    document_type: str | None
    served_at: str
    method: str | None
    receipt: ServiceReceipt | None


class Outcome(Enum):
    VERIFIED = outcomes.VERIFIED
    EARLIER_REVISION = outcomes.EARLIER_REVISION
    SAME_TEXT = outcomes.SAME_TEXT
    CONTENT_DIFFERS = outcomes.CONTENT_DIFFERS


@dataclass(frozen=True)
class CheckResult:
    """A file checked against the served document, worded for people. `pages_differing`:
    for content that differs, the pages whose text does, where both sides gave pages."""

    outcome: Outcome
    record: ServiceRecord
    message_en: str
    message_zh: str
    pages_differing: list[int] | None = None


def _holder_fields(view: EntryView) -> dict[str, object]:
    if view.record is None or view.kind is None:
        return {}
    return visible_metadata(view.kind, view.record.metadata, Audience.CODE_HOLDER)


def _text(fields: dict[str, object], name: str) -> str | None:
    value = fields.get(name)
    return value if isinstance(value, str) else None


def _time(fields: dict[str, object], name: str, default: str) -> str:
    # Metadata times are ISO 8601 with a zone (kinds checks that); shown as RFC 3339.
    value = _text(fields, name)
    return dt.datetime.fromisoformat(value).isoformat() if value else default


def _receipt(document: EntryView) -> ServiceReceipt | None:
    receipts = receipts_of(document)
    if not receipts:
        return None
    newest = receipts[-1]
    fields = _holder_fields(newest)
    return ServiceReceipt(
        index=newest.index,
        anchored_at=newest.entry.time,
        received_at=_time(fields, "received_at", newest.entry.time),
        method=_text(fields, "method"),
    )


def served_document_code(code: str) -> str | None:
    """The canonical form of `code` if it names a served document, else None."""
    return code_normalize(code) if served_document_by_code(code) else None


def service_record_by_code(code: str) -> ServiceRecord | None:
    """The service record of the served document `code` names (typed in any case, with or
    without hyphens), or None for any code that names none."""
    document = served_document_by_code(code)
    if document is None or document.record is None:
        return None
    fields = _holder_fields(document)
    return ServiceRecord(
        code=code_normalize(code),
        document=document,
        court=document.record.node,
        document_type=_text(fields, "document_type"),
        served_at=_time(fields, "served_at", document.entry.time),
        method=_text(fields, "method"),
        receipt=_receipt(document),
    )


def served_document_check(
    *,
    code: str,
    sha256: str,
    content: str | None = None,
    revisions: Sequence[str] = (),
    pages: Sequence[bytes] | None = None,
) -> CheckResult | None:
    """Checks a file against the served document `code` names: by its SHA-256 (hex, any
    case), then its earlier revisions' and its content fingerprint (copies.py says what
    they are); None for any code that names none."""
    record = service_record_by_code(code)
    if record is None:
        return None
    entry = record.document.entry
    compared = compare_with(
        record.document, sha256=sha256.lower(), content=content, revisions=revisions, pages=pages
    )
    if compared.outcome == outcomes.VERIFIED:
        return CheckResult(
            Outcome.VERIFIED,
            record,
            f"Verified: this file is the document {record.court.name} served under this "
            f"code. It was anchored at {entry.time} (UTC) as record {record.document.index} "
            "of the log and is unchanged since.",
            f"核验通过：该文件即{record.court.name}以此核验码送达的文书，"
            f"于 {entry.time}（协调世界时）存证，日志记录序号 {record.document.index}，"
            "存证后未被改动。",
        )
    if compared.outcome == outcomes.EARLIER_REVISION:
        appended_en, appended_zh = outcomes.appended_words(())
        means_en, means_zh = english_and_chinese(outcomes.EARLIER_REVISION_MEANS)
        return CheckResult(
            Outcome.EARLIER_REVISION,
            record,
            f"Earlier revision verified: {means_en % {'appended': appended_en}}",
            f"早期版本核验通过：{means_zh % {'appended': appended_zh}}",
        )
    if compared.outcome == outcomes.SAME_TEXT:
        means_en, means_zh = english_and_chinese(outcomes.SAME_TEXT_MEANS)
        return CheckResult(
            Outcome.SAME_TEXT, record, f"Same text: {means_en}", f"文本相同：{means_zh}"
        )
    return _content_differs(record, compared)


def _content_differs(record: ServiceRecord, compared: Comparison) -> CheckResult:
    copy_en, copy_zh = english_and_chinese(COPY_DIFFERS)
    differing = compared.pages_differing
    extra_en, extra_zh = outcomes.text_differs_words(compared.text_compared, differing)
    extra_en = f" {extra_en}" if extra_en else ""
    return CheckResult(
        Outcome.CONTENT_DIFFERS,
        record,
        "Content differs: this file is not the electronic file that was served under this "
        f"code; its SHA-256 fingerprint is different.{extra_en} {copy_en} To verify it, use "
        "the original electronic file exactly as you received it (the attachment or "
        "download from the court's service), or ask the court that served it.",
        f"内容不一致：该文件不是以此核验码送达的电子文件，其 SHA-256 指纹不同。{extra_zh}"
        f"{copy_zh}请使用收到的原始电子文件（送达信息中的附件或从法院送达平台下载的文件）"
        "进行核验，或向送达法院咨询。",
        differing,
    )
