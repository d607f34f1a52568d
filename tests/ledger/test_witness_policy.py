"""The log's witness policy (WITNESS_POLICY): what makes one unfit to serve the log, refused
with the file named and every reason, by witness_policy and by the system check."""

from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.exceptions import ImproperlyConfigured

from judicial_verify.ledger.checks import witness_policy_check
from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.witnessing import checkpoint_cosign, witness_policy
from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint
from judicial_verify.tlog.cosignature import generate_cosigner_key
from judicial_verify.tlog.note import generate_signer_key, sign_note


def write(tmp_path: Path, settings: LazySettings, text: str) -> Path:
    path = tmp_path / "log.policy"
    path.write_text(text)
    settings.WITNESS_POLICY = path
    return path


def witness_line(name: str, url: str | None = "http://127.0.0.1:1/w") -> str:
    vkey = fake_vkey(name)
    return f"witness {name} {vkey}" + (f" {url}" if url else "")


def fake_vkey(name: str) -> str:
    return generate_cosigner_key(f"{name}.example/witness")[1]


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        (["{w1}", "quorum none"], "its quorum is none while it lists witnesses"),
        (["{w1_ftp}", "quorum w1"], "witness w1's URL is not an http:// or https:// URL"),
        (["{w1}", "{w2_no_url}", "group g all w1 w2", "quorum g"], "cannot be met by the"),
        (["{w1}", "quorum w2"], "policy line 3: the quorum names w2, which is not defined"),
    ],
)
def test_an_unfit_policy_is_refused_naming_the_file_and_why(
    tmp_path: Path, settings: LazySettings, lines: list[str], problem: str
) -> None:
    given = {
        "w1": witness_line("w1"),
        "w1_ftp": witness_line("w1", "ftp://127.0.0.1/w"),
        "w2_no_url": witness_line("w2", None),
    }
    text = "\n".join([f"log {log_signer().verifier_key}", *lines]).format(**given) + "\n"
    path = write(tmp_path, settings, text)
    with pytest.raises(ImproperlyConfigured, match=f"WITNESS_POLICY='{path}'") as refused:
        witness_policy()
    assert problem in str(refused.value)


def test_a_policy_for_another_log_is_refused(tmp_path: Path, settings: LazySettings) -> None:
    other = generate_signer_key("other.example/log")[1]
    write(tmp_path, settings, f"log {other}\n{witness_line('w1')}\nquorum w1\n")
    with pytest.raises(ImproperlyConfigured, match="not named after this log's origin"):
        witness_policy()


def test_a_policy_without_a_log_line_is_refused(tmp_path: Path, settings: LazySettings) -> None:
    write(tmp_path, settings, f"{witness_line('w1')}\nquorum w1\n")
    with pytest.raises(ImproperlyConfigured, match="it has no log line"):
        witness_policy()


def test_a_policy_file_that_cannot_be_read_is_refused(
    tmp_path: Path, settings: LazySettings
) -> None:
    settings.WITNESS_POLICY = tmp_path / "missing.policy"
    with pytest.raises(ImproperlyConfigured, match="cannot read it"):
        witness_policy()


def test_quorum_none_beside_witnesses_is_allowed_in_debug(
    tmp_path: Path, settings: LazySettings
) -> None:
    settings.DEBUG = True
    write(
        tmp_path, settings, f"log {log_signer().verifier_key}\n{witness_line('w1')}\nquorum none\n"
    )
    loaded = witness_policy()
    assert loaded is not None
    assert loaded.policy.quorum == "none"


def test_quorum_none_alone_is_the_embedded_default_written_out(
    tmp_path: Path, settings: LazySettings
) -> None:
    path = write(tmp_path, settings, f"log {log_signer().verifier_key}\nquorum none\n")
    text = format_checkpoint(Checkpoint(settings.LOG_ORIGIN, 3, bytes(32)))
    note = sign_note(text, [log_signer()])
    assert checkpoint_cosign(note, 3, 0, lambda old: []) == note
    loaded = witness_policy()
    assert loaded is not None
    assert loaded.text == path.read_bytes()


def test_an_edited_policy_is_read_again(tmp_path: Path, settings: LazySettings) -> None:
    key = log_signer().verifier_key
    write(tmp_path, settings, f"log {key}\nquorum none\n")
    assert witness_policy() is not None
    write(tmp_path, settings, f"log {key}\n{witness_line('w1')}\nquorum w1\n")
    loaded = witness_policy()
    assert loaded is not None
    assert loaded.policy.quorum == "w1"


def test_the_system_check_passes_a_policy_naming_the_log_s_key(
    tmp_path: Path, settings: LazySettings
) -> None:
    write(tmp_path, settings, f"log {log_signer().verifier_key}\n{witness_line('w1')}\nquorum w1\n")
    assert witness_policy_check(None) == []


def test_the_system_check_refuses_a_policy_without_the_log_s_key(
    tmp_path: Path, settings: LazySettings
) -> None:
    log_signer()
    old = generate_signer_key(settings.LOG_ORIGIN)[1]
    write(tmp_path, settings, f"log {old}\n{witness_line('w1')}\nquorum w1\n")
    (error,) = witness_policy_check(None)
    assert error.id == "ledger.E004"
    assert f"does not name the log's key {log_signer().verifier_key}" in error.msg


def test_the_system_check_asks_for_the_log_s_key_before_a_policy(
    tmp_path: Path, settings: LazySettings
) -> None:
    key = generate_signer_key(settings.LOG_ORIGIN)[1]
    write(tmp_path, settings, f"log {key}\nquorum none\n")
    (error,) = witness_policy_check(None)
    assert error.id == "ledger.E002"
    assert not (tmp_path / "log-signing.key").exists()


def test_the_system_check_reports_an_unfit_policy(tmp_path: Path, settings: LazySettings) -> None:
    write(tmp_path, settings, "quorum nobody\n")
    (error,) = witness_policy_check(None)
    assert error.id == "ledger.E001"
    assert "WITNESS_POLICY" in error.msg
