"""The verification report: a PDF for the case file, in Chinese and English.

One record: what it is, who anchored it and when, the outcome of checking it exactly as the
offline verifier does (signature, entry, inclusion proof, the document's fingerprint when one
was given, and with the log's witness policy the witnesses' quorum), the witnesses who
cosigned the checkpoint and when, the proof's summary, the log's verifier key and a QR code
back to the record's page. Fonts are embedded as subsets (fonts/README.md), so the report prints the
same on any machine. The public sees no metadata; a judge of the anchoring court gets all
of it (records.selectors.metadata_visible decides).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, VAlign, WrapMode

from judicial_verify.ledger.models import Checkpoint
from judicial_verify.ledger.read import InclusionProof
from judicial_verify.records import outcomes
from judicial_verify.records.kinds import LabelledValue, metadata_labelled
from judicial_verify.records.outcomes import COPY_DIFFERS, english_and_chinese
from judicial_verify.records.selectors import EntryView, Viewer, metadata_visible
from judicial_verify.tlog.entry import format_entry_time
from judicial_verify.tlog.errors import DocumentMismatchError, QuorumError, TlogError
from judicial_verify.tlog.note import Verifier, open_note
from judicial_verify.tlog.policy import (
    NONE,
    Policy,
    WitnessCosignature,
    quorum_met,
    quorum_rule,
    valid_cosignatures,
)
from judicial_verify.tlog.receipt import Receipt, verify_receipt
from judicial_verify.tlog.strict_decoding import encode_base64
from judicial_verify.tlog.tree import leaf_hash

from .offline_commands import receipt_file, verify_command

FONTS = Path(__file__).resolve().parent / "fonts"

INK = (26, 26, 26)
MUTED = (90, 90, 90)
RULE = (200, 200, 200)
# Outcome colours, as on the portal's pages: (bar, background).
COLOURS = {
    "verified": ((10, 107, 45), (234, 246, 238)),
    "earlier_revision": ((10, 107, 45), (234, 246, 238)),
    "same_text": ((24, 78, 140), (232, 240, 250)),
    "content_differs": ((138, 75, 0), (251, 241, 228)),
    "failed": ((161, 26, 26), (249, 233, 233)),
}
LABEL_WIDTH = 50  # mm, the label column of every table
QR_SIZE = 34  # mm
# Characters of a list's items in one table row: a field's value is at most 500 characters
# (records.kinds), so every row fits on a page.
ROW_CHARACTERS = 600
COMMAND_SIZE = 7.5  # pt, the verify command's type at most


@dataclass(frozen=True)
class Outcome:
    """What checking the record found, worded for people in both languages."""

    code: str  # verified, earlier_revision, same_text, content_differs or failed
    title_zh: str
    title_en: str
    detail_zh: str
    detail_en: str
    # What was compared with the record, and what was not (records.outcomes.COMPARED).
    compared_zh: str = ""
    compared_en: str = ""


@dataclass(frozen=True)
class CheckedFile:
    """What was computed from a file checked against the record: its SHA-256 and, for a PDF,
    its content fingerprint and its earlier revisions' SHA-256 (docs/pdf-text-v1.md)."""

    sha256: str
    content: str | None = None
    revisions: Sequence[str] = ()


def _compared(code: str) -> dict[str, str]:
    english, chinese = english_and_chinese(outcomes.COMPARED[code])
    return {"compared_en": english, "compared_zh": chinese}


def _copy_outcome(view: EntryView, checked: CheckedFile) -> Outcome | None:
    """The outcome of a file whose bytes are not the record's: an update of it, or its same
    text; None when neither."""
    entry = view.entry
    if entry.sha256 in checked.revisions:
        appended_en, appended_zh = outcomes.appended_words(())
        means_en, means_zh = english_and_chinese(outcomes.EARLIER_REVISION_MEANS)
        return Outcome(
            "earlier_revision",
            "早期版本核验通过",
            "Earlier revision verified",
            means_zh % {"appended": appended_zh},
            means_en % {"appended": appended_en},
            **_compared(outcomes.EARLIER_REVISION),
        )
    if checked.content is not None and checked.content == entry.content:
        means_en, means_zh = english_and_chinese(outcomes.SAME_TEXT_MEANS)
        return Outcome(
            "same_text",
            "文本相同",
            "Same text",
            means_zh,
            means_en,
            **_compared(outcomes.SAME_TEXT),
        )
    return None


def report_outcome(
    view: EntryView,
    proof: InclusionProof,
    document_sha256: str | None = None,
    policy: Policy | None = None,
    checked: CheckedFile | None = None,
) -> Outcome:
    """Checks the record as its receipt would be checked offline: the checkpoint's signature
    with the log's key, the entry, the inclusion proof up to the signed root, and, when
    `document_sha256` (hex) is given, that it is the anchored document's fingerprint; with the
    log's witness `policy`, that its witnesses' valid cosignatures make its quorum. `checked`,
    instead of document_sha256, also tells an update of the document or its same text from
    content that differs."""
    if checked is not None:
        document_sha256 = checked.sha256
    receipt = Receipt(
        index=view.index,
        proof=proof.hashes,
        checkpoint_note=bytes(proof.checkpoint.note),
        extra=view.data,
    )
    document = bytes.fromhex(document_sha256) if document_sha256 else None
    log_key = [Verifier(proof.checkpoint.key.vkey)]
    try:
        verify_receipt(receipt, log_key, document_sha256=document, policy=policy)
    except QuorumError as e:
        return Outcome(
            "failed",
            "核验未通过",
            "Verification failed",
            f"检查点缺少见证策略要求的见证人联署：{e}",
            f"The checkpoint lacks the witness cosignatures the log's policy requires: {e}",
        )
    except DocumentMismatchError:
        if checked is not None and (copy := _copy_outcome(view, checked)) is not None:
            return copy
        copy_en, copy_zh = english_and_chinese(COPY_DIFFERS)
        text_en, text_zh = outcomes.text_differs_words(
            checked is not None and checked.content is not None and view.entry.content is not None,
            None,
        )
        return Outcome(
            "content_differs",
            "内容不一致",
            "Content differs",
            f"所核验文件的指纹与该记录存证的指纹不同。{text_zh}{copy_zh}"
            "请核验收到的原始电子文件，或向出具文书的法院核实。",
            "The checked file's fingerprint is not the one anchored for this record. "
            + (f"{text_en} " if text_en else "")
            + f"{copy_en} Check the original electronic file, or ask the court that issued it.",
            **_compared(outcomes.CONTENT_DIFFERS),
        )
    except TlogError as e:
        return Outcome(
            "failed",
            "核验未通过",
            "Verification failed",
            f"该记录的证明未能通过核验：{e}",
            f"The record's proof did not verify: {e}",
        )
    witnessed = policy is not None and policy.quorum != NONE
    if document_sha256:
        compared = _compared(outcomes.VERIFIED)
    else:
        compared_en, compared_zh = english_and_chinese(outcomes.NOTHING_COMPARED)
        compared = {"compared_en": compared_en, "compared_zh": compared_zh}
    return Outcome(
        "verified",
        "核验通过",
        "Verified",
        "该记录已存证于日志，自存证时起未被改动：检查点签名、存证条目及其包含证明均已核验一致"
        + ("，检查点的见证人联署满足见证策略的要求。" if witnessed else "。"),
        "The record is anchored in the log and unchanged since it was anchored: the "
        "checkpoint's signature, the entry and its inclusion proof up to the signed root "
        + (
            "all verified, and the witnesses' cosignatures make the policy's quorum."
            if witnessed
            else "all verified."
        ),
        **compared,
    )


class _Pdf(FPDF):
    """A4 pages with the fonts loaded and a footer naming the record and the page."""

    def __init__(self, index: int) -> None:
        super().__init__(format="A4")
        self.index = index
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.add_font("sans", fname=FONTS / "DejaVuSans.ttf")
        self.add_font("mono", fname=FONTS / "DejaVuSansMono.ttf")
        # Droid Sans Fallback has the Chinese glyphs and no Latin ones; DejaVu the reverse.
        self.add_font("cjk", fname=FONTS / "DroidSansFallbackFull.ttf")
        self.set_fallback_fonts(["cjk"], exact_match=False)
        self.set_text_color(*INK)

    def _render_styled_text_line(self, *args: Any, **kwargs: Any) -> Any:
        # fpdf2 2.8.9, when a line starts with a fallback-font (Chinese) fragment before the
        # page's font is set, sets the font only inside that line's saved graphics state yet
        # marks it set for the page, so the next Latin line is drawn at a stale size. Setting
        # the page's font first, as every other line does, keeps that path from being taken.
        if self.page and self.current_font and not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        return super()._render_styled_text_line(*args, **kwargs)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("sans", size=7.5)
        self.set_text_color(*MUTED)
        self.cell(
            0,
            5,
            f"judicial-verify · 记录 Record {self.index} · "
            f"第 {self.page_no()}/{{nb}} 页 Page {self.page_no()} of {{nb}}",
            align="C",
        )
        self.set_text_color(*INK)


def _heading(pdf: FPDF, zh: str, en: str) -> None:
    pdf.ln(3)
    pdf.set_font("sans", size=11.5)
    pdf.cell(0, 7, f"{zh}  {en}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1.5)


def _rows(pdf: FPDF, rows: Sequence[tuple[str, str, str, bool]]) -> None:
    """A two-column table: label (Chinese over English), value (monospaced for hashes)."""
    label_style = FontFace(family="sans", size_pt=8, color=MUTED)
    with pdf.table(
        col_widths=(LABEL_WIDTH, pdf.epw - LABEL_WIDTH),
        width=pdf.epw,
        first_row_as_headings=False,
        borders_layout="HORIZONTAL_LINES",
        line_height=4.6,
        padding=(1.2, 1.5),
        wrapmode=WrapMode.CHAR,
        cell_fill_mode=TableCellFillMode.NONE,
        text_align=("LEFT", "LEFT"),
        v_align=VAlign.T,
    ) as table:
        for zh, en, value, mono in rows:
            row = table.row()
            row.cell(f"{zh}\n{en}", style=label_style)
            value_style = FontFace(family="mono" if mono else "sans", size_pt=8 if mono else 9.5)
            row.cell(value, style=value_style)


def _metadata_rows(value: LabelledValue) -> list[tuple[str, str, str, bool]]:
    """A metadata field as table rows: a choice in both languages, text as written, and a
    long list over as many rows as it needs, since one row cannot run over a page break."""
    if value.items is None:
        same = value.value_zh == value.value_en
        shown = value.value_zh if same else f"{value.value_zh}  {value.value_en}"
        return [(value.label_zh, value.label_en, shown, False)]
    chunks: list[list[str]] = [[]]
    for item in value.items:
        if chunks[-1] and sum(len(i) for i in chunks[-1]) + len(item) > ROW_CHARACTERS:
            chunks.append([])
        chunks[-1].append(item)
    first, *rest = ["、".join(chunk) for chunk in chunks]
    return [(value.label_zh, value.label_en, first, False)] + [("", "", r, False) for r in rest]


def _qr(pdf: FPDF, url: str, x: float, y: float) -> None:
    """The QR code of `url` drawn as vector squares, QR_SIZE wide, quiet zone included."""
    code = segno.make(url, error="m")
    matrix = list(code.matrix_iter(scale=1, border=4))
    module = QR_SIZE / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for r, line in enumerate(matrix):
        for c, dark in enumerate(line):
            if dark:
                pdf.rect(x + c * module, y + r * module, module, module, style="F")


def _title(pdf: FPDF, origin: str, url: str) -> None:
    top = pdf.get_y()
    _qr(pdf, url, pdf.w - pdf.r_margin - QR_SIZE, top - 2)
    pdf.set_font("sans", size=20)
    pdf.cell(0, 10, "核验报告", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", size=13)
    pdf.cell(0, 7, "Verification report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", size=8.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        pdf.epw - QR_SIZE - 4,
        4.4,
        f"日志 Log: {origin}\n"
        "扫描右侧二维码可在线打开该记录的核验页面。\n"
        "Scan the QR code to open this record's verification page.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(*INK)
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE) + 2)


def _outcome(pdf: FPDF, outcome: Outcome) -> None:
    bar, background = COLOURS[outcome.code]
    top = pdf.get_y()
    pdf.set_fill_color(*background)
    pdf.set_font("sans", size=13)
    pdf.set_x(pdf.l_margin + 2)
    pdf.multi_cell(
        pdf.epw - 2,
        8,
        f"{outcome.title_zh}  {outcome.title_en}",
        fill=True,
        padding=(1, 3, 0, 3),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("sans", size=9)
    pdf.set_x(pdf.l_margin + 2)
    pdf.multi_cell(
        pdf.epw - 2,
        4.6,
        f"{outcome.detail_zh}\n{outcome.detail_en}",
        fill=True,
        padding=(0, 3, 0 if outcome.compared_en else 2, 3),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if outcome.compared_en:
        pdf.set_font("sans", size=8.5)
        pdf.set_x(pdf.l_margin + 2)
        pdf.multi_cell(
            pdf.epw - 2,
            4.4,
            f"{outcome.compared_zh}\n{outcome.compared_en}",
            fill=True,
            padding=(1, 3, 2, 3),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.set_fill_color(*bar)
    pdf.rect(pdf.l_margin, top, 2, pdf.get_y() - top, style="F")
    pdf.set_fill_color(255, 255, 255)
    pdf.ln(1)


def _utc(timestamp: int) -> str:
    # A cosignature's time; one past year 9999 is still shown, as the offline verifier does.
    try:
        return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, ValueError, OSError):
        return f"{timestamp} s"


def checkpoint_cosignatures(
    checkpoint: Checkpoint, policy: Policy
) -> tuple[WitnessCosignature, ...]:
    """The valid cosignatures on the checkpoint by the policy's witnesses, in policy order."""
    try:
        note = open_note(bytes(checkpoint.note), [Verifier(checkpoint.key.vkey)])
    except TlogError:
        return ()  # the outcome says why
    return valid_cosignatures(policy, note.text, note.unverified_sigs)


def _witness_rows(
    policy: Policy, cosignatures: Sequence[WitnessCosignature], institutions: Mapping[str, str]
) -> list[tuple[str, str, str, bool]]:
    """Each witness that cosigned (its institution where known, and its name in the policy),
    with when and with which key; then the quorum they make."""
    rows = [
        (
            "联署见证人" if n == 0 else "",
            "Cosigned by" if n == 0 else "",
            (f"{institutions[c.witness]} ({c.witness})" if c.witness in institutions else c.witness)
            + f"\n{_utc(c.cosignature.timestamp)} UTC · "
            f"{c.cosignature.name}+{c.cosignature.key_id:08x}",
            False,
        )
        for n, c in enumerate(cosignatures)
    ]
    met = quorum_met(policy, {c.witness for c in cosignatures})
    met_words = "已满足  Met" if met else "未满足  Not met"
    rule = "无需联署  none" if policy.quorum == NONE else quorum_rule(policy)
    return [*rows, ("见证人法定数", "Witness quorum", f"{rule}\n{met_words}", False)]


def _command(pdf: FPDF, command: str) -> None:
    """`command` on one line, however long the record number in it: a line break inside it
    would break it when copied from a PDF viewer, so its type shrinks to fit instead."""
    pdf.set_font("mono", size=COMMAND_SIZE)
    size = min(COMMAND_SIZE, COMMAND_SIZE * pdf.epw / pdf.get_string_width(command))
    pdf.set_font("mono", size=size)
    pdf.cell(0, 5, command, new_x="LMARGIN", new_y="NEXT")


def verification_report(
    *,
    view: EntryView,
    proof: InclusionProof,
    viewer: Viewer,
    record_url: str,
    offline_url: str,
    generated: datetime,
    document_sha256: str | None = None,
    policy: Policy | None = None,
    institutions: Mapping[str, str] | None = None,
    checked: CheckedFile | None = None,
) -> bytes:
    """Returns the PDF report of the record `view`, proven by `proof`, as `viewer` may see it.

    `record_url` is the absolute address of the record's verification page (the QR code's);
    `offline_url` that of the log page's steps that verify it offline;
    `document_sha256` the fingerprint of a file checked against the record, if any (or
    `checked`, what was computed from it, which tells copies apart); `policy`
    the log's witness policy, if it has one, whose witnesses' cosignatures are listed, each
    with the name of its institution in `institutions` (by witness name), if there.
    """
    checkpoint = proof.checkpoint
    outcome = report_outcome(view, proof, document_sha256, policy, checked)
    if checked is not None:
        document_sha256 = checked.sha256
    kind = view.kind
    node = f"{view.node.name} ({view.node.code})" if view.node else view.entry.node

    pdf = _Pdf(view.index)
    pdf.set_title(f"核验报告 Verification report: {view.index}")
    pdf.set_author(node)
    pdf.set_creator("judicial-verify")
    pdf.set_lang("zh-CN")
    pdf.set_creation_date(generated)
    pdf.add_page()
    _title(pdf, checkpoint.key.name, record_url)
    _outcome(pdf, outcome)

    _heading(pdf, "记录", "Record")
    record = [
        ("记录编号", "Record number", str(view.index), False),
        ("类型", "Kind", f"{kind.label_zh}  {kind.label_en}" if kind else view.entry.kind, False),
        ("存证机构", "Anchored by", node, False),
        ("SHA-256 指纹", "SHA-256 fingerprint", view.entry.sha256, True),
    ]
    if view.entry.ref is not None:
        record.append(("关联记录", "Related record", str(view.entry.ref), False))
    if view.entry.content is not None:
        record.append(("内容指纹", "Content fingerprint", view.entry.content, True))
    if document_sha256 and outcome.code not in ("verified", "failed"):
        record.append(("所核验文件的指纹", "Checked file's fingerprint", document_sha256, True))
    if checked is not None and checked.content and outcome.code == "content_differs":
        record.append(("所核验文件的内容指纹", "Checked file's content", checked.content, True))
    _rows(pdf, record)

    _heading(pdf, "时间（UTC）", "Times (UTC)")
    _rows(
        pdf,
        [
            ("存证时间", "Anchored", view.entry.time, False),
            ("检查点签署时间", "Checkpoint signed", format_entry_time(checkpoint.signed), False),
            ("报告生成时间", "Report generated", format_entry_time(generated), False),
        ],
    )

    cosignatures = () if policy is None else checkpoint_cosignatures(checkpoint, policy)
    if policy is not None and (cosignatures or policy.quorum != NONE):
        _heading(pdf, "见证人联署（UTC）", "Witness cosignatures (UTC)")
        _rows(pdf, _witness_rows(policy, cosignatures, institutions or {}))

    metadata = metadata_visible(view, viewer)
    if metadata is not None and kind is not None:
        _heading(pdf, "元数据（仅限存证法院）", "Metadata (anchoring court only)")
        rows = [row for m in metadata_labelled(kind, metadata) for row in _metadata_rows(m)]
        _rows(pdf, rows or [("元数据", "Metadata", "无  None", False)])

    _heading(pdf, "证明摘要", "Proof summary")
    root = bytes(checkpoint.root_hash)
    _rows(
        pdf,
        [
            ("树大小", "Tree size", str(checkpoint.size), False),
            ("根哈希", "Root hash", f"{root.hex()}\n{encode_base64(root)}", True),
            ("叶哈希", "Leaf hash", leaf_hash(view.data).hex(), True),
            ("证明哈希数", "Proof hashes", str(len(proof.hashes)), False),
            ("签名检查点", "Signed checkpoint", bytes(checkpoint.note).decode().rstrip("\n"), True),
            ("验证公钥", "Verifier key", checkpoint.key.vkey, True),
        ],
    )

    _heading(pdf, "离线核验", "Verify offline")
    pdf.set_font("sans", size=8.5)
    pdf.multi_cell(
        0,
        4.4,
        "按以下网页的步骤安装核验程序、下载命令所用的文件，"
        "再运行该命令（FILE 换成文件的文件名）：\n"
        "Follow the steps at this address to install the verifier and download the files the "
        "command names, then run it, with the document's file name for FILE:",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.multi_cell(0, 4.4, offline_url, wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
    receipt = receipt_file(view.index)
    _command(pdf, verify_command(receipt=receipt, policy=policy is not None, document="FILE"))
    pdf.ln(2)
    pdf.set_font("sans", size=8.5)
    pdf.multi_cell(
        0,
        4.4,
        f"本记录核验页面 This record's verification page: {record_url}",
        wrapmode=WrapMode.CHAR,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        0,
        4.2,
        "依据《人民法院在线诉讼规则》第十六条，经技术核验一致的区块链存储数据，可以认定其上链后"
        "未经篡改，但有相反证据足以推翻的除外；上链前数据的真实性另行审查（第十八条）。\n"
        "Online Litigation Rules (2021), art. 16: data stored on a blockchain that passes "
        "technical verification is presumed unaltered since it was anchored, unless contrary "
        "evidence rebuts it; what happened before anchoring is a separate question (art. 18).",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
