"""The offline verifier, run as a lawyer would: python -m judicial_verify.tlog in a subprocess."""

import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from judicial_verify.tlog.cli import ExitCode
from judicial_verify.tlog.entry import encode_entry
from judicial_verify.tlog.note import Signer, Verifier, generate_signer_key
from judicial_verify.tlog.receipt import Receipt, format_receipt
from tests.offline_verifier import run_cli, verifier_env

from .conftest import (
    LOG_ORIGIN,
    cosign_receipt,
    make_entry,
    make_log,
    make_receipt,
    new_cosigner,
    new_key,
)

INDEX, SIZE = 42, 43
WITNESSES = [new_cosigner(f"w{i}.example/witness")[0] for i in (1, 2, 3)]
COSIGNED_AT = 1_764_876_000  # 2025-12-04T19:20:00Z


@dataclass
class Case:
    """A log of SIZE entries, the receipt of entry INDEX and its document, on disk."""

    dir: Path
    signer: Signer
    verifier: Verifier
    receipt: Receipt
    receipt_path: Path
    document: Path

    @property
    def vkey(self) -> str:
        return self.signer.verifier_key

    def write_receipt(self, receipt: Receipt) -> Path:
        self.receipt_path.write_bytes(format_receipt(receipt))
        return self.receipt_path

    def write(self, name: str, data: bytes | str) -> Path:
        path = self.dir / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return path


@pytest.fixture
def case(tmp_path: Path) -> Case:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(SIZE), INDEX)
    c = Case(tmp_path, signer, verifier, receipt, tmp_path / "r.tlog-proof", tmp_path / "doc.pdf")
    c.write_receipt(receipt)
    c.document.write_bytes(f"document {INDEX}".encode())
    return c


def verify(case: Case, *extra: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run_cli("verify", "--receipt", case.receipt_path, *extra, **env)


def assert_fails(result: subprocess.CompletedProcess[str], code: ExitCode, reason: str) -> None:
    assert result.returncode == code, result.stderr
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


# --- success ----------------------------------------------------------------


def test_it_reports_in_plain_words_what_it_verified(case: Case) -> None:
    result = verify(case, "--key", case.vkey, "--document", case.document)
    entry = make_entry(f"document {INDEX}".encode())
    key_name = f"{case.verifier.name}+{case.verifier.key_id:08x}"
    assert result.returncode == ExitCode.VERIFIED, result.stderr
    assert result.stderr == ""
    for fact in [
        f"The document's SHA-256 fingerprint matches the anchored record: {entry.sha256}",
        f"kind {entry.kind}, anchored by node {entry.node} at {entry.time} (UTC)",
        f"record index {INDEX} in the log",
        f"the log's checkpoint of size {SIZE}",
        f"The checkpoint is signed by key {key_name}.",
    ]:
        assert fact in result.stdout


def test_it_follows_each_english_line_with_a_chinese_one(case: Case) -> None:
    lines = verify(case, "--key", case.vkey, "--document", case.document).stdout.splitlines()
    assert len(lines) % 2 == 0
    for english, chinese in zip(lines[::2], lines[1::2], strict=True):
        assert not any("\u4e00" <= c <= "\u9fff" for c in english), english
        assert any("\u4e00" <= c <= "\u9fff" for c in chinese), chinese


def test_it_says_no_file_was_compared_when_no_document_is_given(case: Case) -> None:
    result = verify(case, "--key", case.vkey)
    assert result.returncode == ExitCode.VERIFIED, result.stderr
    assert "No document was given" in result.stdout
    assert "matches the anchored record" not in result.stdout


def test_it_mentions_the_record_an_entry_refers_to(case: Case) -> None:
    entries = make_log(3) + [encode_entry(make_entry(b"receipt of service", ref=1))]
    case.write_receipt(make_receipt([case.signer], entries, 3))
    result = verify(case, "--key", case.vkey)
    assert result.returncode == ExitCode.VERIFIED, result.stderr
    assert "It refers to the record with index 1." in result.stdout


def test_it_reads_verifier_keys_from_a_file_of_lines(case: Case) -> None:
    witness_vkey = new_key("witness.example")[0].verifier_key
    keys = case.write("log.keys", f"\n{case.vkey}\n\n  {witness_vkey}\n")
    result = verify(case, "--key", keys, "--document", case.document)
    assert result.returncode == ExitCode.VERIFIED, result.stderr


def test_it_accepts_several_keys(case: Case) -> None:
    other = new_key("court.example/log")[0].verifier_key
    result = verify(case, "--key", other, "--key", case.vkey)
    assert result.returncode == ExitCode.VERIFIED, result.stderr


def test_it_hashes_a_document_larger_than_one_chunk(case: Case) -> None:
    big = b"x" * (3 * 2**20 + 5)
    case.write_receipt(make_receipt([case.signer], [encode_entry(make_entry(big))], 0))
    case.document.write_bytes(big)
    result = verify(case, "--key", case.vkey, "--document", case.document)
    assert result.returncode == ExitCode.VERIFIED, result.stderr


def test_it_verifies_a_receipt_of_the_log_given_by_origin(case: Case) -> None:
    result = verify(case, "--key", case.vkey, "--origin", LOG_ORIGIN)
    assert result.returncode == ExitCode.VERIFIED, result.stderr
    assert f"(log {LOG_ORIGIN})" in result.stdout


def test_it_survives_a_console_that_cannot_show_chinese(case: Case) -> None:
    result = verify(case, "--key", case.vkey, PYTHONIOENCODING="ascii")
    assert result.returncode == ExitCode.VERIFIED, result.stderr
    assert "VERIFIED" in result.stdout


def test_it_lists_its_exit_codes_in_help() -> None:
    result = run_cli("verify", "--help")
    assert result.returncode == 0
    assert "6 wrong document" in " ".join(result.stdout.split())
    assert "7 a checkpoint of another log than --origin" in " ".join(result.stdout.split())
    assert "8 too few witness cosignatures for --policy" in " ".join(result.stdout.split())
    assert "9 signed by a key the log retired" in " ".join(result.stdout.split())


def test_its_help_says_key_takes_the_published_key_list_with_retired_keys() -> None:
    help_text = " ".join(run_cli("verify", "--help").stdout.split())
    assert "the log's key list as it publishes it at /log/keys" in help_text
    assert "a retired key followed by `retired SIZE`" in help_text


def test_its_help_says_key_is_optional_when_the_policy_names_the_log() -> None:
    result = run_cli("verify", "--help")
    assert "--policy" in result.stdout
    assert "optional when --policy has a log line" in " ".join(result.stdout.split())


# --- a trust policy (C2SP tlog-policy) ---------------------------------------


def two_of_three_policy(case: Case, *, log: bool = True) -> Path:
    lines = [f"log {case.vkey}"] if log else []
    lines += [f"witness W{i} {w.verifier_key}" for i, w in enumerate(WITNESSES, start=1)]
    lines += ["group court-witnesses 2 W1 W2 W3", "quorum court-witnesses"]
    return case.write("court.policy", "\n".join(lines) + "\n")


def cosigned_by(case: Case, *numbers: int) -> None:
    case.write_receipt(
        cosign_receipt(case.receipt, [WITNESSES[n - 1] for n in numbers], COSIGNED_AT)
    )


def test_it_verifies_2_of_3_cosignatures_under_a_2_of_3_policy_naming_witnesses_and_times(
    case: Case,
) -> None:
    cosigned_by(case, 3, 1)
    result = verify(case, "--policy", two_of_three_policy(case), "--document", case.document)
    assert result.returncode == ExitCode.VERIFIED, result.stderr
    for number in (1, 3):
        key = f"{WITNESSES[number - 1].name}+{WITNESSES[number - 1].key_id:08x}"
        assert (
            f"Witness W{number} (key {key}) cosigned the checkpoint at 2025-12-04T19:20:00Z (UTC)."
            in result.stdout
        )
    assert "Witness W2" not in result.stdout
    assert "witness quorum: court-witnesses = 2 of (W1, W2, W3)." in result.stdout


def test_it_gives_a_cosignature_time_past_year_9999_in_seconds(case: Case) -> None:
    case.write_receipt(cosign_receipt(case.receipt, WITNESSES[:2], 2**40))
    result = verify(case, "--policy", two_of_three_policy(case))
    assert result.returncode == ExitCode.VERIFIED, result.stderr
    assert "at 1099511627776 seconds after 1970-01-01T00:00:00Z (UTC)." in result.stdout


def test_it_follows_each_witness_line_with_a_chinese_one(case: Case) -> None:
    cosigned_by(case, 1, 2)
    lines = verify(case, "--policy", two_of_three_policy(case)).stdout.splitlines()
    assert len(lines) % 2 == 0
    for english, chinese in zip(lines[::2], lines[1::2], strict=True):
        assert not any("\u4e00" <= c <= "\u9fff" for c in english), english
        assert any("\u4e00" <= c <= "\u9fff" for c in chinese), chinese


def test_it_takes_the_log_key_from_key_beside_a_policy_without_a_log_line(case: Case) -> None:
    cosigned_by(case, 1, 2)
    result = verify(case, "--key", case.vkey, "--policy", two_of_three_policy(case, log=False))
    assert result.returncode == ExitCode.VERIFIED, result.stderr


def test_it_says_when_the_policy_requires_no_witness(case: Case) -> None:
    policy = case.write("none.policy", f"log {case.vkey}\nquorum none\n")
    result = verify(case, "--policy", policy)
    assert result.returncode == ExitCode.VERIFIED, result.stderr
    assert "The trust policy requires no witness cosignature" in result.stdout


# --- no Django --------------------------------------------------------------


def test_it_leaves_django_unimported(case: Case) -> None:
    code = (
        "import sys\n"
        "from judicial_verify.tlog.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'Django imported'\n"
        "sys.exit(code)\n"
    )
    args = ["verify", "--receipt", case.receipt_path, "--key", case.vkey]
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        env=verifier_env(),
        timeout=60,
        check=False,
    )
    assert result.returncode == ExitCode.VERIFIED, result.stderr


def test_it_runs_where_django_cannot_be_imported(case: Case) -> None:
    code = (
        "import runpy, sys\n"
        "sys.modules['django'] = None  # from here on, any import of Django fails\n"
        "sys.argv[0] = 'judicial_verify.tlog'\n"
        "runpy.run_module('judicial_verify.tlog', run_name='__main__', alter_sys=True)\n"
    )
    args = ["verify", "--receipt", case.receipt_path, "--key", case.vkey]
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        env=verifier_env(),
        timeout=60,
        check=False,
    )
    assert result.returncode == ExitCode.VERIFIED, result.stderr


# --- failures ---------------------------------------------------------------


def test_it_exits_2_on_a_malformed_receipt(case: Case) -> None:
    case.receipt_path.write_bytes(b"c2sp.org/tlog-proof@v1\nindex 01\n\nx\n")
    assert_fails(verify(case, "--key", case.vkey), ExitCode.MALFORMED, "leading zeros")


def test_it_exits_2_on_a_receipt_resaved_with_windows_line_endings(case: Case) -> None:
    case.receipt_path.write_bytes(format_receipt(case.receipt).replace(b"\n", b"\r\n"))
    assert_fails(verify(case, "--key", case.vkey), ExitCode.MALFORMED, "Windows line endings")


def test_it_exits_2_on_a_missing_receipt(case: Case) -> None:
    result = run_cli("verify", "--receipt", case.dir / "missing", "--key", case.vkey)
    assert_fails(result, ExitCode.MALFORMED, "cannot read receipt")


def test_it_exits_2_when_the_document_is_given_as_the_receipt(case: Case) -> None:
    case.receipt_path.write_bytes(bytes(2**20 + 1))
    assert_fails(verify(case, "--key", case.vkey), ExitCode.MALFORMED, "too large to be a receipt")


def test_it_exits_2_on_a_malformed_policy_naming_the_file_and_line(case: Case) -> None:
    policy = case.write("bad.policy", f"log {case.vkey}\ngroup G any W1\nquorum G\n")
    result = verify(case, "--policy", policy)
    assert_fails(result, ExitCode.MALFORMED, "bad.policy: policy line 2: group G names W1")


def test_it_exits_2_on_a_missing_policy(case: Case) -> None:
    result = verify(case, "--key", case.vkey, "--policy", case.dir / "missing.policy")
    assert_fails(result, ExitCode.MALFORMED, "cannot read policy")


def test_it_exits_2_without_key_when_the_policy_names_no_log(case: Case) -> None:
    result = verify(case, "--policy", two_of_three_policy(case, log=False))
    assert_fails(result, ExitCode.MALFORMED, "give the log's key with --key, or a --policy")


def test_it_exits_2_on_a_missing_document(case: Case) -> None:
    result = verify(case, "--key", case.vkey, "--document", case.dir / "missing.pdf")
    assert_fails(result, ExitCode.MALFORMED, "cannot read document")


def test_it_exits_2_without_a_key() -> None:
    assert_fails(run_cli("verify", "--receipt", "r"), ExitCode.MALFORMED, "--key")


def test_it_exits_2_on_an_unknown_command() -> None:
    assert_fails(run_cli("check"), ExitCode.MALFORMED, "invalid choice")


def test_it_exits_2_on_a_key_that_is_neither_a_key_nor_a_file(case: Case) -> None:
    result = verify(case, "--key", "court.example/log+1234")
    assert_fails(result, ExitCode.MALFORMED, "is not a verifier key")


def test_it_exits_2_on_a_key_file_with_a_bad_line_naming_the_line(case: Case) -> None:
    keys = case.write("log.keys", f"{case.vkey}\nnot a key\n")
    assert_fails(verify(case, "--key", keys), ExitCode.MALFORMED, "line 2")


def test_it_exits_2_without_echoing_a_private_key_given_as_key(case: Case) -> None:
    skey, _ = generate_signer_key(LOG_ORIGIN)
    result = verify(case, "--key", skey)
    assert_fails(result, ExitCode.MALFORMED, "private signer key")
    # PRIVATE+KEY+name+id+base64: the key material itself may hold a '+', so split from the left.
    secret = skey.split("+", 4)[4]
    assert secret not in result.stderr


def test_it_exits_2_when_extra_is_not_an_entry(case: Case) -> None:
    case.write_receipt(make_receipt([case.signer], [b'{"v":1}', *make_log(2)], 0))
    assert_fails(verify(case, "--key", case.vkey), ExitCode.MALFORMED, "entry lacks")


def test_it_exits_3_when_no_key_given_signed_the_checkpoint(case: Case) -> None:
    stranger = new_key()[0].verifier_key
    result = verify(case, "--key", stranger, "--document", case.document)
    assert_fails(result, ExitCode.UNKNOWN_KEY, "not signed by any of the keys given")


def test_it_exits_4_on_a_forged_checkpoint_signature(case: Case) -> None:
    note = case.receipt.checkpoint_note.replace(f"\n{SIZE}\n".encode(), f"\n{SIZE + 1}\n".encode())
    case.write_receipt(replace(case.receipt, checkpoint_note=note))
    assert_fails(verify(case, "--key", case.vkey), ExitCode.BAD_SIGNATURE, "signature is invalid")


def test_it_exits_5_on_an_entry_that_is_not_in_the_log(case: Case) -> None:
    forged = encode_entry(make_entry(b"forged document"))
    case.write_receipt(replace(case.receipt, extra=forged))
    result = verify(case, "--key", case.vkey)
    assert_fails(result, ExitCode.BAD_PROOF, "inclusion proof does not lead")


def test_it_exits_5_on_an_altered_proof(case: Case) -> None:
    case.write_receipt(replace(case.receipt, proof=(bytes(32), *case.receipt.proof[1:])))
    result = verify(case, "--key", case.vkey)
    assert_fails(result, ExitCode.BAD_PROOF, "not proven to be in the log")


def test_it_exits_6_on_a_different_document_and_asks_for_the_original(case: Case) -> None:
    printed = case.write("printed.pdf", f"document {INDEX} (printed and scanned)".encode())
    result = verify(case, "--key", case.vkey, "--document", printed)
    assert_fails(result, ExitCode.WRONG_DOCUMENT, "re-saved copies have a different fingerprint")
    assert "original electronic file" in result.stderr
    assert "原始电子文件" in result.stderr


def test_it_exits_7_on_a_receipt_of_another_log_than_origin_whose_key_it_was_given(
    case: Case,
) -> None:
    other, _ = new_key("other.example/log")
    case.write_receipt(make_receipt([other], make_log(SIZE), INDEX))
    keys = case.write("logs.keys", f"{case.vkey}\n{other.verifier_key}\n")
    result = verify(case, "--key", keys, "--origin", LOG_ORIGIN, "--document", case.document)
    assert_fails(result, ExitCode.WRONG_LOG, "not from the log given by --origin")
    assert "other.example/log" in result.stderr


def test_it_exits_8_when_only_1_of_3_witnesses_cosigned_under_a_2_of_3_policy(
    case: Case,
) -> None:
    cosigned_by(case, 2)
    result = verify(case, "--policy", two_of_three_policy(case), "--document", case.document)
    assert_fails(
        result, ExitCode.QUORUM, "lacks the witness cosignatures the trust policy requires"
    )
    assert "court-witnesses = 2 of (W1, W2, W3); 1 found, by W2" in result.stderr


def test_it_exits_8_on_a_checkpoint_with_no_cosignature_under_a_policy(case: Case) -> None:
    result = verify(case, "--key", case.vkey, "--policy", two_of_three_policy(case))
    assert_fails(result, ExitCode.QUORUM, "none found")


def test_it_exits_3_on_a_checkpoint_of_a_log_the_policy_does_not_list(case: Case) -> None:
    other, _ = new_key()
    receipt = make_receipt([other], make_log(SIZE), INDEX)
    case.write_receipt(cosign_receipt(receipt, WITNESSES, COSIGNED_AT))
    result = verify(case, "--policy", two_of_three_policy(case))
    assert_fails(result, ExitCode.UNKNOWN_KEY, "not signed by any of the keys given")


def test_it_exits_9_on_a_receipt_signed_by_a_retired_key_beyond_its_last_size(
    case: Case,
) -> None:
    # The log retired case.signer after signing its tree of SIZE - 1 entries; this receipt, of
    # SIZE, is valid in every other way (see the next test).
    new, _ = new_key()
    keys = case.write("log.keys", f"{new.verifier_key}\n{case.vkey} retired {SIZE - 1}\n")
    result = verify(case, "--key", keys, "--document", case.document)
    assert_fails(
        result, ExitCode.RETIRED_KEY, f"which the log retired after signing size {SIZE - 1}"
    )
    assert f"the checkpoint of size {SIZE} is signed by key {LOG_ORIGIN}+" in result.stderr
    assert "the key was stolen" in result.stderr
    assert "密钥已被盗用" in result.stderr


def test_without_the_key_list_the_same_receipt_verifies(case: Case) -> None:
    result = verify(case, "--key", case.vkey, "--document", case.document)
    assert result.returncode == ExitCode.VERIFIED, result.stderr


def test_it_exits_9_on_a_retired_key_given_as_a_line_on_the_command_line(case: Case) -> None:
    result = verify(case, "--key", f"{case.vkey} retired {SIZE - 1}")
    assert_fails(result, ExitCode.RETIRED_KEY, "retired after signing size")


def test_it_exits_9_before_counting_witnesses_under_a_policy(case: Case) -> None:
    cosigned_by(case, 1, 2, 3)
    policy = two_of_three_policy(case)
    result = verify(case, "--key", f"{case.vkey} retired {SIZE - 1}", "--policy", policy)
    assert_fails(result, ExitCode.RETIRED_KEY, "retired after signing size")


def test_it_verifies_a_receipt_up_to_a_retired_keys_last_size_and_says_so(case: Case) -> None:
    new, _ = new_key()
    keys = case.write("log.keys", f"{new.verifier_key}\n{case.vkey} retired {SIZE}\n")
    result = verify(case, "--key", keys, "--document", case.document)
    assert result.returncode == ExitCode.VERIFIED, result.stderr
    assert (
        f"The log retired this key after it signed the tree of size {SIZE}; this checkpoint, "
        f"of size {SIZE}, is within what it signed before that."
    ) in result.stdout
    lines = result.stdout.splitlines()
    assert any("在其停用前签署的范围之内" in line for line in lines)


def test_it_exits_2_on_a_key_list_line_that_does_not_parse_naming_the_line(case: Case) -> None:
    keys = case.write("log.keys", f"{case.vkey} retired 05\n")
    assert_fails(verify(case, "--key", keys), ExitCode.MALFORMED, "log.keys line 1")


def test_it_exits_2_on_a_key_retired_at_two_sizes(case: Case) -> None:
    keys = case.write("log.keys", f"{case.vkey} retired 5\n")
    result = verify(case, "--key", keys, "--key", f"{case.vkey} retired 6")
    assert_fails(result, ExitCode.MALFORMED, "retired at two sizes, 5 and 6")
