"""The offline verifier: a document, its receipt and the log's public key, nothing else.

    python -m judicial_verify.tlog verify --receipt FILE --key KEYS [--origin ORIGIN]
                                          [--policy FILE] [--document FILE]

KEYS is the log's key list as it publishes it at /log/keys (key_list.py), a
file or one of its lines: with it, a checkpoint signed by a key the log has
retired is refused when its tree is larger than the last that key signed.

No network, no database, no Django: anyone can re-run the check years later.
Results are worded for a lawyer, each English line followed by a Chinese one;
each kind of failure has its own exit code and a one-line reason on stderr.
"""

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path
from typing import NoReturn

from .entry import file_sha256
from .errors import (
    DocumentMismatchError,
    MalformedError,
    MalformedKeyError,
    OriginMismatchError,
    ProofError,
    QuorumError,
    RetiredKeyError,
    SignatureError,
    TlogError,
    UnknownKeyError,
)
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
        "the last it signed with it.",
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


def _report(
    verified: VerifiedReceipt,
    document_checked: bool,
    policy: Policy | None,
    retired: Mapping[Verifier, int],
) -> None:
    entry, checkpoint, key = verified.entry, verified.checkpoint, verified.verifier
    key_name = f"{key.name}+{key.key_id:08x}"
    lines = ["VERIFIED", "核验通过"]
    if document_checked:
        lines += [
            f"The document's SHA-256 fingerprint matches the anchored record: {entry.sha256}",
            f"文件的 SHA-256 指纹与存证记录一致：{entry.sha256}",
        ]
    else:
        lines += [
            "No document was given: the receipt is genuine, but no file was compared with it.",
            "未提供文件：回执本身真实有效，但未与任何文件比对。",
            f"Fingerprint (SHA-256) of the anchored document: {entry.sha256}",
            f"存证文件的指纹（SHA-256）：{entry.sha256}",
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


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the verifier CLI on argv (default sys.argv[1:]) and returns its exit code."""
    args = _parser().parse_args(argv)
    try:
        keys = load_keys(args.key)
        verifiers = [key.verifier for key in keys]
        retired = retirements(keys)
        policy = _load_policy(args.policy) if args.policy else None
        if not verifiers and (policy is None or not policy.logs):
            raise MalformedError("give the log's key with --key, or a --policy with a log line")
        receipt = parse_receipt(_read_receipt(args.receipt))
        digest = _document_sha256(args.document) if args.document else None
        verified = verify_receipt(
            receipt,
            verifiers,
            document_sha256=digest,
            origin=args.origin,
            policy=policy,
            retired=retired,
        )
    except TlogError as e:
        return _fail(e)
    except Exception as e:
        # The last line of defence: a verifier for lawyers never shows a traceback.
        print(f"internal error, please report it: {type(e).__name__}: {e}", file=sys.stderr)
        return ExitCode.INTERNAL_ERROR
    _report(verified, document_checked=digest is not None, policy=policy, retired=retired)
    return ExitCode.VERIFIED
