"""The kinds of record the log anchors. Adding a kind is adding one definition here."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordKind:
    code: str
    label_en: str
    label_zh: str
    # A kind that acknowledges another record (a receipt of service) must name it.
    needs_ref: bool = False


KINDS: dict[str, RecordKind] = {
    k.code: k
    for k in [
        RecordKind("mediation_agreement", "Mediation agreement", "调解协议"),
        RecordKind("evidence", "Electronic evidence", "电子证据"),
        RecordKind("served_document", "Served litigation document", "送达文书"),
        RecordKind("service_receipt", "Receipt of service", "送达回证", needs_ref=True),
        RecordKind("case_file", "Case file", "案卷"),
        RecordKind("enforcement_action", "Enforcement action", "执行措施"),
    ]
}
