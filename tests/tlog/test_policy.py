"""C2SP tlog-policy: the file as the spec defines it, and the quorum a checkpoint must meet."""

import base64
import re
from dataclasses import replace

import pytest

from judicial_verify.tlog.cosignature import cosignature_key_id, format_signature_line
from judicial_verify.tlog.errors import MalformedError, PolicyError, QuorumError, UnknownKeyError
from judicial_verify.tlog.note import Signature, ed25519_key_id, open_note
from judicial_verify.tlog.policy import (
    NONE,
    Policy,
    check_quorum,
    parse_policy,
    quorum_met,
    quorum_rule,
    valid_cosignatures,
)
from judicial_verify.tlog.receipt import Receipt, verify_receipt

from .conftest import LOG_ORIGIN, cosign_receipt, make_log, make_receipt, new_cosigner, new_key

LOG, LOG_VERIFIER = new_key()
X = [new_cosigner(f"x{i}.example/witness") for i in (1, 2, 3)]
Y = [new_cosigner(f"y{i}.example/witness") for i in (1, 2, 3)]
OUTSIDER = new_cosigner("outsider.example/witness")
TIME = 1_764_876_000  # 2025-12-04T19:20:00Z


def policy_text(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def vkey_of(key: int, name: str, public: bytes) -> str:
    # A verifier key string for the given key type (0x01 note, 0x04 cosignature).
    key_id = (ed25519_key_id if key == 1 else cosignature_key_id)(name, public)
    return f"{name}+{key_id:08x}+{base64.b64encode(bytes([key]) + public).decode()}"


SPEC_EXAMPLE = policy_text(
    f"log {LOG.verifier_key}",
    "",
    f"witness X1 {X[0][0].verifier_key}",
    f"witness X2 {X[1][0].verifier_key}",
    f"witness X3 {X[2][0].verifier_key}",
    "group X-witnesses 2 X1 X2 X3",
    "",
    f"witness Y1 {Y[0][0].verifier_key}",
    f"witness Y2 {Y[1][0].verifier_key}",
    f"witness Y3 {Y[2][0].verifier_key}",
    "group Y-witnesses any Y1 Y2 Y3",
    "",
    "group X-and-Y all X-witnesses Y-witnesses",
    "quorum X-and-Y",
)


def receipt_cosigned_by(*cosigners: int) -> Receipt:
    # Cosigners are numbered 0-2 for X1-X3 and 3-5 for Y1-Y3.
    everyone = [c for c, _ in X + Y]
    receipt = make_receipt([LOG], make_log(3), 1)
    return cosign_receipt(receipt, [everyone[i] for i in cosigners], TIME)


def cosigned_by(policy: Policy, receipt: Receipt) -> list[str]:
    note = open_note(receipt.checkpoint_note, [LOG_VERIFIER])
    return [c.witness for c in valid_cosignatures(policy, note.text, note.unverified_sigs)]


# --- parsing ----------------------------------------------------------------


def test_it_parses_the_specs_example() -> None:
    policy = parse_policy(SPEC_EXAMPLE)
    assert [log.verifier for log in policy.logs] == [LOG_VERIFIER]
    assert [w.name for w in policy.witnesses] == ["X1", "X2", "X3", "Y1", "Y2", "Y3"]
    assert [w.verifier.vkey for w in policy.witnesses[:3]] == [c.verifier_key for c, _ in X]
    assert [(g.name, g.threshold, g.members) for g in policy.groups] == [
        ("X-witnesses", 2, ("X1", "X2", "X3")),
        ("Y-witnesses", 1, ("Y1", "Y2", "Y3")),
        ("X-and-Y", 2, ("X-witnesses", "Y-witnesses")),
    ]
    assert policy.quorum == "X-and-Y"


def test_it_reads_the_optional_urls_of_logs_and_witnesses() -> None:
    policy = parse_policy(
        policy_text(
            f"log {LOG.verifier_key} https://court.example/log/",
            f"witness W {X[0][0].verifier_key} https://witness.example/",
            f"witness V {X[1][0].verifier_key}",
            "quorum W",
        )
    )
    assert policy.logs[0].url == "https://court.example/log/"
    assert [w.url for w in policy.witnesses] == ["https://witness.example/", None]


def test_it_ignores_blank_lines_comments_and_spaces_or_tabs_around_items() -> None:
    policy = parse_policy(
        policy_text(
            "# the court's log",
            "   \t",
            f"\t log \t{LOG.verifier_key}  ",
            "  # a comment after spaces",
            f"witness\tW\t{X[0][0].verifier_key}",
            "quorum  W\t",
        )
    )
    assert (len(policy.logs), [w.name for w in policy.witnesses], policy.quorum) == (1, ["W"], "W")


def test_it_accepts_a_last_line_without_its_newline() -> None:
    assert parse_policy(b"quorum none").quorum == NONE


def test_quorum_none_needs_no_log_and_no_witness() -> None:
    policy = parse_policy(b"quorum none\n")
    assert (policy.logs, policy.witnesses, policy.groups, policy.quorum) == ((), (), (), NONE)


def test_the_quorum_may_be_a_single_witness() -> None:
    text = policy_text(f"witness W {X[0][0].verifier_key}", "quorum W")
    assert parse_policy(text).quorum == "W"


def test_all_is_every_member_and_any_is_one() -> None:
    policy = parse_policy(
        policy_text(
            f"witness A {X[0][0].verifier_key}",
            f"witness B {X[1][0].verifier_key}",
            "group G1 all A",
            "group G2 any B",
            "group G3 all G1 G2",
            "quorum G3",
        )
    )
    assert [g.threshold for g in policy.groups] == [1, 1, 2]


def test_names_are_opaque_octets_so_k_and_the_kelvin_sign_differ() -> None:
    policy = parse_policy(
        policy_text(
            f"witness K {X[0][0].verifier_key}",
            f"witness \u212a {X[1][0].verifier_key}",
            "group G all K \u212a",
            "quorum G",
        )
    )
    assert [w.name for w in policy.witnesses] == ["K", "\u212a"]


def test_a_name_may_be_any_octets_not_only_utf8() -> None:
    text = b"witness \xff " + X[0][0].verifier_key.encode() + b"\nquorum \xff\n"
    policy = parse_policy(text)
    assert policy.quorum == policy.witnesses[0].name


def _same_log_key_other_name() -> str:
    # The log's public key under another key name: a duplicate per the spec.
    public = base64.b64decode(LOG.verifier_key.split("+", 2)[2])[1:]
    return vkey_of(1, "other.example/log", public)


def _same_witness_key_other_name() -> str:
    public = base64.b64decode(X[0][0].verifier_key.split("+", 2)[2])[1:]
    return vkey_of(4, "other.example/witness", public)


W1 = f"witness W1 {X[0][0].verifier_key}"
W2 = f"witness W2 {X[1][0].verifier_key}"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((), "no quorum line"),
        ((W1,), "no quorum line"),
        (("quorum none", "quorum none"), "line 2: a second quorum line"),
        (("quorum",), "line 1: a quorum line is `quorum <name>`"),
        (("quorum W1 W2",), "a quorum line is `quorum <name>`"),
        (("quorum W1",), "the quorum names W1, which is not defined"),
        (("quorum W1", W1), "defined only later on line 2"),
        (("logs x", "quorum none"), "line 1: unknown keyword 'logs'"),
        (("Quorum none",), "unknown keyword 'Quorum'"),
        (("log", "quorum none"), "a log line is `log <vkey> [<url>]`"),
        ((f"log {LOG.verifier_key} https://a https://b",), "a log line is `log <vkey> [<url>]`"),
        (("log court.example/log+1234", "quorum none"), "line 1: log key:"),
        ((f"log {X[0][0].verifier_key}", "quorum none"), "not an Ed25519 (type 0x01) key"),
        (
            (f"log {LOG.verifier_key}", f"log {_same_log_key_other_name()}", "quorum none"),
            "line 2: this log key is already given on line 1",
        ),
        (("witness W1", "quorum none"), "a witness line is `witness <name> <vkey> [<url>]`"),
        ((f"{W1} https://a https://b",), "a witness line is"),
        ((f"witness W1 {LOG.verifier_key}", "quorum none"), "witness W1 key:"),
        ((f"witness W1 {LOG.verifier_key}", "quorum none"), "not a cosignature/v1 (type 0x04)"),
        (
            (W1, f"witness W2 {_same_witness_key_other_name()}", "quorum none"),
            "line 2: this witness key is already given on line 1",
        ),
        ((W1, f"witness W1 {X[1][0].verifier_key}"), "the name W1 is already defined on line 1"),
        ((W1, "group W1 any W1"), "line 2: the name W1 is already defined on line 1"),
        ((f"witness none {X[0][0].verifier_key}",), "none is predefined and cannot be redefined"),
        (("group none any none",), "none is predefined"),
        ((W1, "group G any"), "a group line is `group <name> all|any|<k> <name>...`"),
        ((W1, "group G 0 W1"), "group G threshold 0 is not between 1 and its 1 members"),
        ((W1, W2, "group G 3 W1 W2"), "group G threshold 3 is not between 1 and its 2 members"),
        ((W1, "group G two W1"), "group G threshold 'two' is not all, any or a decimal"),
        ((W1, "group G +1 W1"), "threshold '+1' is not all, any or a decimal"),
        ((W1, "group G -1 W1"), "threshold '-1' is not all, any or a decimal"),
        ((W1, "group G \u0661 W1"), "is not all, any or a decimal"),
        ((W1, "group G ALL W1"), "threshold 'ALL' is not all, any or a decimal"),
        ((W1, "group G any W1 W3"), "line 2: group G names W3, which is not defined"),
        ((W1, "group G any W1 W2", W2), "group G names W2, defined only later on line 3"),
        ((W1, "group G any W1 G"), "group G lists itself, a cycle"),
        (
            (W1, "group A any W1 B", "group B any W1 A", "quorum A"),
            "group A names B, defined only later on line 3; a name must be defined on a "
            "preceding line, which also rules out cycles",
        ),
        ((W1, "group G any W1 none"), "group G lists none, which cannot be a group member"),
        ((W1, "group G any W1 W1"), "W1 is already listed as a member of this group"),
        (
            (W1, W2, "group A any W1", "group B any W1 W2"),
            "line 4: W1 is already listed as a member of group A on line 3",
        ),
    ],
)
def test_a_malformed_policy_is_refused_naming_why(lines: tuple[str, ...], message: str) -> None:
    with pytest.raises(PolicyError, match=re.escape(message)):
        parse_policy(policy_text(*lines) if lines else b"")


@pytest.mark.parametrize("octet", [b"\r", b"\x00", b"\x0b", b"\x1b", b"\x7f"])
def test_a_control_character_other_than_tab_and_newline_is_refused(octet: bytes) -> None:
    with pytest.raises(PolicyError, match=f"line 2 holds the control character 0x{octet[0]:02x}"):
        parse_policy(b"# policy\nquorum none" + octet + b"\n")


def test_a_policy_error_is_a_malformed_file_to_the_verifier() -> None:
    assert issubclass(PolicyError, MalformedError)


# --- evaluation -------------------------------------------------------------


def test_two_of_the_x_witnesses_and_one_y_witness_meet_the_nested_quorum() -> None:
    policy = parse_policy(SPEC_EXAMPLE)
    assert quorum_met(policy, {"X1", "X3", "Y2"})


@pytest.mark.parametrize(
    "witnessed",
    [set(), {"X1", "X2", "X3"}, {"X1", "Y1", "Y2", "Y3"}, {"X-witnesses", "Y-witnesses"}],
)
def test_the_nested_quorum_is_not_met_without_both_groups_own_thresholds(
    witnessed: set[str],
) -> None:
    assert not quorum_met(parse_policy(SPEC_EXAMPLE), witnessed)


def test_quorum_none_is_met_without_any_cosignature() -> None:
    assert quorum_met(parse_policy(b"quorum none\n"), set())


def test_it_finds_each_witness_that_cosigned_with_its_time() -> None:
    policy = parse_policy(SPEC_EXAMPLE)
    note = open_note(receipt_cosigned_by(4, 0, 2).checkpoint_note, [LOG_VERIFIER])
    found = check_quorum(policy, note.text, note.unverified_sigs)
    assert [(c.witness, c.cosignature.name, c.cosignature.timestamp) for c in found] == [
        ("X1", "x1.example/witness", TIME),
        ("X3", "x3.example/witness", TIME),
        ("Y2", "y2.example/witness", TIME),
    ]


def test_a_checkpoint_short_of_the_quorum_is_refused_naming_the_rule_and_what_was_found() -> None:
    policy = parse_policy(SPEC_EXAMPLE)
    note = open_note(receipt_cosigned_by(0, 1).checkpoint_note, [LOG_VERIFIER])
    with pytest.raises(QuorumError) as refused:
        check_quorum(policy, note.text, note.unverified_sigs)
    assert str(refused.value) == (
        "the policy requires valid cosignatures by X-and-Y = 2 of (X-witnesses = 2 of "
        "(X1, X2, X3), Y-witnesses = 1 of (Y1, Y2, Y3)); 2 found, by X1, X2"
    )


def test_no_cosignature_at_all_is_said_so() -> None:
    policy = parse_policy(policy_text(W1, "quorum W1"))
    note = open_note(receipt_cosigned_by().checkpoint_note, [LOG_VERIFIER])
    with pytest.raises(QuorumError, match="by W1; none found"):
        check_quorum(policy, note.text, note.unverified_sigs)


def test_an_invalid_cosignature_is_ignored_and_does_not_count() -> None:
    receipt = receipt_cosigned_by(0, 3)
    # X2's real key, but over another checkpoint than this one.
    other_checkpoint = "other.example/log\n1\n" + "A" * 43 + "=\n"
    forged = format_signature_line(X[1][0].cosign(other_checkpoint, TIME)).encode()
    receipt = replace(receipt, checkpoint_note=receipt.checkpoint_note + forged)
    policy = parse_policy(SPEC_EXAMPLE)
    assert cosigned_by(policy, receipt) == ["X1", "Y1"]


def test_a_valid_cosignature_after_an_invalid_one_by_the_same_witness_counts() -> None:
    receipt = receipt_cosigned_by(0)
    note = open_note(receipt.checkpoint_note, [LOG_VERIFIER])
    genuine = note.unverified_sigs[0]
    broken = Signature(genuine.name, genuine.key_id, bytes(72))
    policy = parse_policy(policy_text(W1, "quorum W1"))
    found = valid_cosignatures(policy, note.text, [broken, genuine])
    assert [c.witness for c in found] == ["W1"]


def test_a_cosignature_by_a_key_not_in_the_policy_is_ignored() -> None:
    receipt = cosign_receipt(receipt_cosigned_by(0), [OUTSIDER[0]], TIME)
    policy = parse_policy(SPEC_EXAMPLE)
    assert cosigned_by(policy, receipt) == ["X1"]


def test_a_witness_name_in_the_policy_need_not_be_its_key_name() -> None:
    policy = parse_policy(
        policy_text(f"witness court-ally {Y[2][0].verifier_key}", "quorum court-ally")
    )
    assert cosigned_by(policy, receipt_cosigned_by(5)) == ["court-ally"]


def test_the_quorum_rule_reads_as_words() -> None:
    assert quorum_rule(parse_policy(b"quorum none\n")) == "no witness (quorum none)"
    assert quorum_rule(parse_policy(policy_text(W1, "quorum W1"))) == "W1"


# --- a receipt under a policy -----------------------------------------------


def test_a_receipt_verifies_with_the_policys_log_key_alone() -> None:
    verified = verify_receipt(receipt_cosigned_by(0, 2, 5), [], policy=parse_policy(SPEC_EXAMPLE))
    assert verified.checkpoint.origin == LOG_ORIGIN
    assert [c.witness for c in verified.cosignatures] == ["X1", "X3", "Y3"]


def test_a_receipt_without_the_quorum_is_refused_even_with_the_log_key() -> None:
    with pytest.raises(QuorumError):
        verify_receipt(receipt_cosigned_by(0, 2), [LOG_VERIFIER], policy=parse_policy(SPEC_EXAMPLE))


def test_a_receipt_signed_by_a_log_not_in_the_policy_is_refused() -> None:
    other, _ = new_key()
    receipt = cosign_receipt(make_receipt([other], make_log(3), 1), [c for c, _ in X + Y], TIME)
    with pytest.raises(UnknownKeyError):
        verify_receipt(receipt, [], policy=parse_policy(SPEC_EXAMPLE))
