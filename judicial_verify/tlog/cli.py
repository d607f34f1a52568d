"""The offline verifier: a document, its receipt and the log's public key, nothing else.

    python -m judicial_verify.tlog verify --receipt FILE --key KEYS [--origin ORIGIN]
                                          [--policy FILE] [--document FILE]
    python -m judicial_verify.tlog fingerprint [--json] FILE

KEYS is the log's key list as it publishes it at /log/keys (key_list.py), a
file or one of its lines: with it, a checkpoint signed by a key the log has
retired is refused when its tree is larger than the last that key signed.

No network, no database, no Django: anyone can re-run the check years later.
Results are worded for a lawyer, each English line followed by a Chinese one;
each kind of failure has its own exit code and a one-line reason on stderr.
"""

import argparse
import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path
from typing import NoReturn

from .entry import Entry, file_sha256
from .errors import (
    CorruptPdfError,
    DocumentMismatchError,
    EncryptedPdfError,
    ExtractionLimitError,
    FingerprintUnavailableError,
    MalformedError,
    MalformedKeyError,
    OriginMismatchError,
    PdfError,
    ProofError,
    QuorumError,
    RetiredKeyError,
    SignatureError,
    TlogError,
    TooManyPagesError,
    UnknownKeyError,
)
from .fingerprint import EMPTY_PAGE, FORMAT, MAX_PAGES, appended_kinds, revision_ends
from .fingerprint_process import fingerprint_pdf_limited
from .key_list import ListedKey, parse_key_line, parse_key_list, retirements
from .note import Verifier
from .policy import NONE, Policy, parse_policy, quorum_rule
from .receipt import VerifiedReceipt, parse_receipt, verify_receipt


class ExitCode(IntEnum):
    """The verifier's exit status: 0 verified, otherwise what failed."""

    VERIFIED = 0
    INTERNAL_ERROR = 1
    MALFORMED = 2  # a file that does not parse, or bad arguments
    UNKNOWN_KEY = 3  # no signature by any key given
    BAD_SIGNATURE = 4
    BAD_PROOF = 5
    WRONG_DOCUMENT = 6
    WRONG_LOG = 7  # a checkpoint of another log than --origin
    QUORUM = 8  # too few valid witness cosignatures for --policy
    RETIRED_KEY = 9  # signed by a key the log retired, beyond the last size it signed
    SAME_TEXT = 10  # other bytes, but the anchored content fingerprint: not verified as such
    EARLIER_REVISION = 11  # an incremental update of the anchored document
    NO_TEXT = 12  # a PDF without text has no content fingerprint
    ENCRYPTED_PDF = 13
    CORRUPT_PDF = 14
    TOO_MANY_PAGES = 15
    EXTRACTION_LIMIT = 16  # reading the text ran out of time or memory
    NO_PDFIUM = 17  # pypdfium2 is not installed


# A receipt is a few kilobytes; anything far larger is the wrong file (often
# the document given as --receipt) and is not read into memory. A policy of
# the spec's recommended 32 logs, 32 witnesses and 32 groups is smaller still.
MAX_RECEIPT_SIZE = 1 << 20
MAX_POLICY_SIZE = 1 << 20

# Checked in order: the first class the error is an instance of decides.
# {detail} is the error's own message.
_FAILURES: tuple[tuple[type[TlogError], ExitCode, str, str], ...] = (
    (
        UnknownKeyError,
        ExitCode.UNKNOWN_KEY,
        "NOT VERIFIED: the log's checkpoint is not signed by any of the keys given ({detail}).",
        "未通过：日志检查点并非由所给的任何公钥签名。",
    ),
    (
        OriginMismatchError,
        ExitCode.WRONG_LOG,
        "NOT VERIFIED: the receipt is not from the log given by --origin ({detail}).",
        "未通过：该回执并非来自 --origin 指定的日志。",
    ),
    (
        SignatureError,
        ExitCode.BAD_SIGNATURE,
        "NOT VERIFIED: the checkpoint's signature is invalid ({detail}); "
        "the receipt was altered or forged.",
        "未通过：检查点签名无效，回执已被篡改或伪造。",
    ),
    (
        RetiredKeyError,
        ExitCode.RETIRED_KEY,
        "NOT VERIFIED: {detail}; the log destroyed that key then, so nothing it signed later is "
        "the log's: the receipt is forged, or the key was stolen.",
        "未通过：该检查点由日志已停用的密钥签名，且其规模超过该密钥停用前签署的最后规模；"
        "日志停用时已销毁该密钥，此后由其签名的内容均不属于该日志：回执系伪造，或密钥已被盗用。",
    ),
    (
        QuorumError,
        ExitCode.QUORUM,
        "NOT VERIFIED: the checkpoint lacks the witness cosignatures the trust policy "
        "requires ({detail}).",
        "未通过：检查点缺少信任策略要求的见证人联署。",
    ),
    (
        ProofError,
        ExitCode.BAD_PROOF,
        "NOT VERIFIED: the inclusion proof does not lead to the signed checkpoint ({detail}), "
        "so the record is not proven to be in the log.",
        "未通过：包含性证明无法推导至已签名的检查点，无法证明该记录已存入日志。",
    ),
    (
        DocumentMismatchError,
        ExitCode.WRONG_DOCUMENT,
        "NOT VERIFIED: this file is not the anchored document ({detail}). "
        "Printed, scanned or re-saved copies have a different fingerprint even when they look "
        "the same; the original electronic file is needed.",
        "未通过：该文件与存证文件不一致（SHA-256 指纹不同）。打印、扫描或另存的副本即使看起来相同，"
        "指纹也不同；请使用原始电子文件核验。",
    ),
    (
        EncryptedPdfError,
        ExitCode.ENCRYPTED_PDF,
        "NO CONTENT FINGERPRINT: {detail}; remove the password and try again.",
        "无法计算内容指纹：该 PDF 已加密，需要密码才能打开；请去除密码后重试。",
    ),
    (
        CorruptPdfError,
        ExitCode.CORRUPT_PDF,
        "NO CONTENT FINGERPRINT: {detail}; the file is damaged or not a PDF.",
        "无法计算内容指纹：文件已损坏或不是 PDF。",
    ),
    (
        TooManyPagesError,
        ExitCode.TOO_MANY_PAGES,
        "NO CONTENT FINGERPRINT: {detail}.",
        "无法计算内容指纹：PDF 页数超过上限（2000 页）。",
    ),
    (
        ExtractionLimitError,
        ExitCode.EXTRACTION_LIMIT,
        "NO CONTENT FINGERPRINT: {detail}; the PDF may be malicious.",
        "无法计算内容指纹：读取文本超出时间或内存限制，该 PDF 可能含有恶意内容。",
    ),
    (
        FingerprintUnavailableError,
        ExitCode.NO_PDFIUM,
        "NO CONTENT FINGERPRINT: {detail}.",
        "无法计算内容指纹：未安装 pypdfium2。",
    ),
    (
        TlogError,
        ExitCode.MALFORMED,
        "CANNOT VERIFY: {detail}.",
        "无法核验：文件格式有误或参数错误。",
    ),
)


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line and the malformed-input code, like every other failure.
        self.exit(ExitCode.MALFORMED, f"{self.prog}: {message} (see --help) / 参数错误\n")


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="python -m judicial_verify.tlog",
        description="Verify judicial-verify records offline.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser(
        "verify",
        help="check a receipt (and a document) against the log's public key",
        description="Check a .tlog-proof receipt against the log's public key and, if given, "
        "check that a document is the one it anchors. Exit codes: 0 verified, 2 malformed "
        "file or bad arguments, 3 unknown key, 4 bad signature, 5 bad inclusion proof, "
        "6 wrong document, 7 a checkpoint of another log than --origin, 8 too few witness "
        "cosignatures for --policy, 9 signed by a key the log retired, of a larger tree than "
        "the last it signed with it; with --document whose bytes differ: 10 same text (the "
        "file's content fingerprint is the anchored one: the text is identical, the file is "
        "not), 11 earlier revision (the file is an incremental update of the anchored "
        "document); 6 when neither.",
    )
    verify.add_argument("--receipt", required=True, type=Path, help="the .tlog-proof file")
    verify.add_argument(
        "--key",
        action="append",
        default=[],
        help="the log's key list as it publishes it at /log/keys (save it to a file): one "
        "verifier key (name+keyid+key) a line, a retired key followed by `retired SIZE`, the "
        "size of the last tree it signed, beyond which its signatures are refused; or one such "
        "line itself; may be given several times; optional when --policy has a log line",
    )
    verify.add_argument(
        "--origin",
        help="the log's origin (its checkpoints' first line): refuse a checkpoint of any "
        "other log, even one whose key is given",
    )
    verify.add_argument(
        "--policy",
        type=Path,
        help="a C2SP tlog-policy file: its log lines' keys are trusted beside --key, and the "
        "checkpoint must also carry valid cosignatures by the witnesses its quorum requires",
    )
    verify.add_argument("--document", type=Path, help="the document the receipt is for")
    fingerprint = commands.add_parser(
        "fingerprint",
        help=f"print a PDF's content fingerprint ({FORMAT})",
        description=f"Print the content fingerprint ({FORMAT}, docs/pdf-text-v1.md) of a PDF: "
        "the document's first, then one line a page. Exit codes: 0 printed, 2 unreadable file "
        "or bad arguments, 12 no page has text (a scan: no document fingerprint), 13 "
        f"encrypted, 14 corrupt, 15 more than {MAX_PAGES:,} pages, 16 out of time or memory, "
        "17 pypdfium2 not installed.",
    )
    fingerprint.add_argument("file", type=Path, help="the PDF")
    fingerprint.add_argument(
        "--json",
        action="store_true",
        help='print {"content": ..., "pages": [...]} instead; content is null without text',
    )
    return parser


def _keys_from_file(path: Path) -> list[ListedKey]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise MalformedError(f"cannot read key file {path}: {e}") from None
    try:
        keys = parse_key_list(text)
    except MalformedKeyError as e:
        raise MalformedKeyError(f"{path} {e}") from None
    if not keys:
        raise MalformedKeyError(f"key file {path} holds no verifier key")
    return keys


def load_keys(values: Sequence[str]) -> list[ListedKey]:
    """Returns the keys named by --key values: each a line of a key list or a key list file."""
    keys = []
    for value in values:
        if value.startswith("PRIVATE+KEY+"):
            # Never echo it: the user just showed a secret to their terminal.
            raise MalformedKeyError(
                "--key was given a private signer key; give the log's public verifier key"
            )
        try:
            keys.append(parse_key_line(value))
            continue
        except MalformedKeyError as e:
            reason = e
        if not Path(value).is_file():
            raise MalformedKeyError(f"--key {value!r} is not a verifier key ({reason}) nor a file")
        keys.extend(_keys_from_file(Path(value)))
    return keys


def _read(path: Path, limit: int, what: str, kind: str) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise MalformedError(f"cannot read {what} {path}: {e.strerror}") from None
    if len(data) > limit:
        raise MalformedError(f"{path} is too large to be a {what} ({kind})")
    return data


def _read_whole(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise MalformedError(f"cannot read {what} {path}: {e.strerror}") from None


def _read_receipt(path: Path) -> bytes:
    return _read(path, MAX_RECEIPT_SIZE, "receipt", "a .tlog-proof file")


def _load_policy(path: Path) -> Policy:
    try:
        return parse_policy(_read(path, MAX_POLICY_SIZE, "policy", "a tlog-policy file"))
    except MalformedError as e:
        raise type(e)(f"{path}: {e}") from None


def _document_sha256(path: Path) -> bytes:
    try:
        return file_sha256(path)
    except OSError as e:
        raise MalformedError(f"cannot read document {path}: {e.strerror}") from None


def _utc(timestamp: int) -> str:
    # RFC 3339 in UTC; a validly signed time past year 9999 is still shown.
    try:
        return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError):
        return f"{timestamp} seconds after 1970-01-01T00:00:00Z"


def _witness_lines(verified: VerifiedReceipt, policy: Policy) -> list[str]:
    lines = []
    for c in verified.cosignatures:
        key, time = (
            f"{c.cosignature.name}+{c.cosignature.key_id:08x}",
            _utc(c.cosignature.timestamp),
        )
        lines += [
            f"Witness {c.witness} (key {key}) cosigned the checkpoint at {time} (UTC).",
            f"见证人 {c.witness}（密钥 {key}）于 {time}（协调世界时）联署了该检查点。",
        ]
    if policy.quorum == NONE:
        return lines + [
            "The trust policy requires no witness cosignature (quorum none).",
            "信任策略不要求见证人联署（quorum none）。",
        ]
    rule = quorum_rule(policy)
    return lines + [
        f"These cosignatures meet the trust policy's witness quorum: {rule}.",
        f"上述联署满足信任策略要求的见证人法定数：{rule}。",
    ]


@dataclass(frozen=True)
class _Outcome:
    """What a document is to the verified record: an ExitCode of 0, 10 or 11, and details."""

    code: ExitCode
    document_checked: bool
    update: str = ""  # for EARLIER_REVISION: what was appended, in English and in Chinese
    update_zh: str = ""


def _outcome_lines(outcome: _Outcome, entry_sha256: str) -> list[str]:
    if outcome.code == ExitCode.SAME_TEXT:
        return [
            "SAME TEXT, NOT THE SAME FILE",
            "文本相同，并非同一文件",
            f"This file's bytes differ from the anchored document's (SHA-256 {entry_sha256}), "
            "but its content fingerprint is the anchored one.",
            f"该文件的字节与存证文件（SHA-256 {entry_sha256}）不同，但其内容指纹与存证记录一致。",
            # The wording of issue 15: what was compared, and who weighs the copy.
            "The text of this copy is identical to the anchored document; layout, images and "
            "signatures were not compared; a court decides what weight this copy has.",
            "该副本的文本与存证文件完全一致；版式、图片和签名未作比对；该副本的证明力由法院认定。",
        ]
    if outcome.code == ExitCode.EARLIER_REVISION:
        return [
            "EARLIER REVISION VERIFIED",
            "早期版本核验通过",
            f"This file is an incremental update of the anchored document: {outcome.update}. "
            "The appended part is not covered by this record.",
            f"该文件是对存证文件的增量更新：{outcome.update_zh}。追加部分不在本存证记录的证明范围内。",
        ]
    if outcome.document_checked:
        return [
            "VERIFIED",
            "核验通过",
            f"The document's SHA-256 fingerprint matches the anchored record: {entry_sha256}",
            f"文件的 SHA-256 指纹与存证记录一致：{entry_sha256}",
        ]
    return [
        "VERIFIED",
        "核验通过",
        "No document was given: the receipt is genuine, but no file was compared with it.",
        "未提供文件：回执本身真实有效，但未与任何文件比对。",
        f"Fingerprint (SHA-256) of the anchored document: {entry_sha256}",
        f"存证文件的指纹（SHA-256）：{entry_sha256}",
    ]


def _report(
    verified: VerifiedReceipt,
    outcome: _Outcome,
    policy: Policy | None,
    retired: Mapping[Verifier, int],
) -> None:
    entry, checkpoint, key = verified.entry, verified.checkpoint, verified.verifier
    key_name = f"{key.name}+{key.key_id:08x}"
    lines = _outcome_lines(outcome, entry.sha256)
    if entry.content is not None:
        lines += [
            f"Content fingerprint anchored with the record: {entry.content}",
            f"与记录一并存证的内容指纹：{entry.content}",
        ]
    lines += [
        f"Record: kind {entry.kind}, anchored by node {entry.node} at {entry.time} (UTC), "
        f"record index {verified.index} in the log.",
        f"记录：类型 {entry.kind}，存证节点 {entry.node}，存证时间 {entry.time}（协调世界时），"
        f"日志中的记录序号 {verified.index}。",
    ]
    if entry.ref is not None:
        lines += [
            f"It refers to the record with index {entry.ref}.",
            f"该记录关联序号为 {entry.ref} 的记录。",
        ]
    lines += [
        f"The inclusion proof leads to the root hash of the log's checkpoint of size "
        f"{checkpoint.size} (log {checkpoint.origin}).",
        f"包含性证明可推导至该日志规模为 {checkpoint.size} 的检查点的根哈希"
        f"（日志 {checkpoint.origin}）。",
        f"The checkpoint is signed by key {key_name}.",
        f"该检查点由密钥 {key_name} 签名。",
    ]
    if (last_size := retired.get(key)) is not None:
        lines += [
            f"The log retired this key after it signed the tree of size {last_size}; this "
            f"checkpoint, of size {checkpoint.size}, is within what it signed before that.",
            f"日志在该密钥签署规模为 {last_size} 的树之后将其停用；本检查点规模为 "
            f"{checkpoint.size}，在其停用前签署的范围之内。",
        ]
    lines += [
        # Online Litigation Rules 2021 art. 16 and 18: the check speaks for the
        # time since anchoring only.
        "This shows the record is unchanged since it was anchored; "
        "what happened before that is a separate question.",
        "这表明该记录自存证之时起未被改动；存证之前的情况需另行判断。",
    ]
    if policy is not None:
        lines[-2:-2] = _witness_lines(verified, policy)
    print("\n".join(lines))


def _fail(error: TlogError) -> ExitCode:
    # TlogError is the last kind, so one always matches.
    code, english, chinese = next(f[1:] for f in _FAILURES if isinstance(error, f[0]))
    print(f"{english.format(detail=error)} / {chinese}", file=sys.stderr)
    return code


_KINDS = {
    "signature": ("a digital signature", "数字签名"),
    "annotation": ("annotations", "批注"),
    "form": ("form fields", "表单域"),
}


def _earlier_revision(data: bytes, entry_sha256: str) -> _Outcome | None:
    # The longest earlier revision that is the anchored document, if any.
    for end in reversed(revision_ends(data)):
        if hashlib.sha256(data[:end]).hexdigest() == entry_sha256:
            kinds = appended_kinds(data[end:])
            english = " and ".join(_KINDS[k][0] for k in kinds) or "changes not named here"
            chinese = "、".join(_KINDS[k][1] for k in kinds) or "未能识别的改动"
            return _Outcome(
                ExitCode.EARLIER_REVISION,
                document_checked=True,
                update=f"its first {end:,} bytes are byte for byte the anchored document, and "
                f"{len(data) - end:,} bytes appended after them hold {english}",
                update_zh=f"其前 {end} 个字节与存证文件逐字节一致，其后追加的 "
                f"{len(data) - end} 个字节包含{chinese}",
            )
    return None


def _compare_document(path: Path, entry: Entry) -> _Outcome:
    """Returns how the document is the entry's: the same bytes, an earlier revision of it,
    or the same text. Raises DocumentMismatchError when none."""
    digest = _document_sha256(path)
    if digest.hex() == entry.sha256:
        return _Outcome(ExitCode.VERIFIED, document_checked=True)
    data = _read_whole(path, "document")
    if (outcome := _earlier_revision(data, entry.sha256)) is not None:
        return outcome
    detail = (
        f"the document's SHA-256 is {digest.hex()}, but the anchored record's is {entry.sha256}"
    )
    if entry.content is None:
        raise DocumentMismatchError(f"{detail}; the record has no content fingerprint")
    try:
        content = fingerprint_pdf_limited(data).content
    except PdfError as e:
        raise DocumentMismatchError(f"{detail}; its content fingerprint: {e}") from None
    if content == entry.content:
        return _Outcome(ExitCode.SAME_TEXT, document_checked=True)
    raise DocumentMismatchError(f"{detail}, and its text differs too")


def _verify(args: argparse.Namespace) -> int:
    try:
        keys = load_keys(args.key)
        verifiers = [key.verifier for key in keys]
        retired = retirements(keys)
        policy = _load_policy(args.policy) if args.policy else None
        if not verifiers and (policy is None or not policy.logs):
            raise MalformedError("give the log's key with --key, or a --policy with a log line")
        receipt = parse_receipt(_read_receipt(args.receipt))
        verified = verify_receipt(
            receipt, verifiers, origin=args.origin, policy=policy, retired=retired
        )
        outcome = (
            _compare_document(args.document, verified.entry)
            if args.document
            else _Outcome(ExitCode.VERIFIED, document_checked=False)
        )
    except TlogError as e:
        return _fail(e)
    _report(verified, outcome, policy=policy, retired=retired)
    return outcome.code


def _fingerprint(args: argparse.Namespace) -> int:
    try:
        data = _read_whole(args.file, "PDF")
        result = fingerprint_pdf_limited(data)
    except TlogError as e:
        return _fail(e)
    if args.json:
        print(json.dumps({"content": result.content, "pages": result.pages_hex()}))
    else:
        lines = [result.content or "none"] + [
            f"page {number}: {page.hex()}" + (" (no text / 无文本)" if page == EMPTY_PAGE else "")
            for number, page in enumerate(result.pages, 1)
        ]
        print("\n".join(lines))
    if result.content is None:
        print(
            "NO CONTENT FINGERPRINT: no page of this PDF has text (a scan?); only its SHA-256 "
            "identifies it. / 无内容指纹：该 PDF 没有任何可提取文本的页面（可能为扫描件），"
            "只能以其 SHA-256 识别。",
            file=sys.stderr,
        )
        return ExitCode.NO_TEXT
    return ExitCode.VERIFIED


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the verifier CLI on argv (default sys.argv[1:]) and returns its exit code."""
    args = _parser().parse_args(argv)
    try:
        return _fingerprint(args) if args.command == "fingerprint" else _verify(args)
    except Exception as e:
        # The last line of defence: a verifier for lawyers never shows a traceback.
        print(f"internal error, please report it: {type(e).__name__}: {e}", file=sys.stderr)
        return ExitCode.INTERNAL_ERROR
