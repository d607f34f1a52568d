"""The log's key list: a line a key, a retired one with the last tree size it signed, and the
rule that nothing a retired key signed beyond that size is the log's."""

import pytest

from judicial_verify.tlog.errors import MalformedKeyError, RetiredKeyError, UnknownKeyError
from judicial_verify.tlog.key_list import (
    ListedKey,
    format_key_list,
    parse_key_line,
    parse_key_list,
    retirements,
)
from judicial_verify.tlog.policy import parse_policy
from judicial_verify.tlog.receipt import verify_receipt

from .conftest import cosign_receipt, make_log, make_receipt, new_cosigner, new_key

OLD, OLD_VERIFIER = new_key()
NEW, NEW_VERIFIER = new_key()
WITNESS, _ = new_cosigner("w1.example/witness")


def test_it_formats_a_line_a_key_and_a_retired_one_with_its_last_size() -> None:
    text = format_key_list([(NEW.verifier_key, None), (OLD.verifier_key, 5)])
    assert text == f"{NEW.verifier_key}\n{OLD.verifier_key} retired 5\n"
    assert parse_key_list(text) == [ListedKey(NEW_VERIFIER), ListedKey(OLD_VERIFIER, 5)]


def test_the_first_item_of_each_line_is_the_plain_list_of_keys() -> None:
    text = format_key_list([(NEW.verifier_key, None), (OLD.verifier_key, 5)])
    assert [line.split(" ")[0] for line in text.splitlines()] == [
        NEW.verifier_key,
        OLD.verifier_key,
    ]


def test_it_skips_blank_lines_and_comments() -> None:
    text = f"# the court's keys\n\n{NEW.verifier_key}\n  \n{OLD.verifier_key} retired 0\n"
    assert parse_key_list(text) == [ListedKey(NEW_VERIFIER), ListedKey(OLD_VERIFIER, 0)]


@pytest.mark.parametrize(
    "tail",
    [
        " retired",
        " retired 05",
        " retired -1",
        " retired 18446744073709551616",
        " retired 5 more",
        " stopped 5",
        "  retired 5",
        " retired  5",
        "\tretired 5",
        " retired ５",
    ],
)
def test_it_refuses_a_malformed_line_naming_it(tail: str) -> None:
    with pytest.raises(MalformedKeyError, match="line 2"):
        parse_key_list(f"{NEW.verifier_key}\n{OLD.verifier_key}{tail}\n")


def test_it_refuses_a_line_whose_key_does_not_parse() -> None:
    with pytest.raises(MalformedKeyError):
        parse_key_line(f"{OLD.verifier_key[:-4]}AAAA retired 5")


def test_a_key_listed_as_signing_and_as_retired_stays_retired() -> None:
    keys = [ListedKey(OLD_VERIFIER), ListedKey(OLD_VERIFIER, 5), ListedKey(NEW_VERIFIER)]
    assert retirements(keys) == {OLD_VERIFIER: 5}


def test_a_key_retired_at_two_sizes_is_refused() -> None:
    with pytest.raises(MalformedKeyError, match="two sizes, 5 and 6"):
        retirements([ListedKey(OLD_VERIFIER, 5), ListedKey(OLD_VERIFIER, 6)])


# --- receipts signed by a retired key -----------------------------------------------------


def test_a_receipt_up_to_a_retired_keys_last_size_verifies() -> None:
    receipt = make_receipt([OLD], make_log(5), 4)
    verified = verify_receipt(receipt, [OLD_VERIFIER], retired={OLD_VERIFIER: 5})
    assert verified.verifier == OLD_VERIFIER


def test_a_receipt_beyond_a_retired_keys_last_size_is_refused() -> None:
    receipt = make_receipt([OLD], make_log(6), 4)
    with pytest.raises(RetiredKeyError, match="size 6 is signed by key .* after signing size 5"):
        verify_receipt(receipt, [OLD_VERIFIER, NEW_VERIFIER], retired={OLD_VERIFIER: 5})


def test_the_same_receipt_verifies_for_a_verifier_that_does_not_know_of_the_retirement() -> None:
    # What the key list adds: without it, the forgery is a valid receipt in every other way.
    receipt = make_receipt([OLD], make_log(6), 4)
    assert verify_receipt(receipt, [OLD_VERIFIER]).index == 4


def test_a_retired_keys_signature_beside_the_new_keys_is_refused_too() -> None:
    receipt = make_receipt([NEW, OLD], make_log(6), 4)
    with pytest.raises(RetiredKeyError):
        verify_receipt(receipt, [OLD_VERIFIER, NEW_VERIFIER], retired={OLD_VERIFIER: 5})


def test_the_retirement_is_refused_before_the_proof_or_document_count() -> None:
    receipt = make_receipt([OLD], make_log(6), 4)
    broken = type(receipt)(index=5, proof=(), checkpoint_note=receipt.checkpoint_note, extra=None)
    with pytest.raises(RetiredKeyError):
        verify_receipt(broken, [OLD_VERIFIER], retired={OLD_VERIFIER: 5}, document_sha256=bytes(32))


def test_a_quorum_of_cosignatures_does_not_save_a_retired_keys_checkpoint() -> None:
    receipt = cosign_receipt(make_receipt([OLD], make_log(6), 4), [WITNESS], 1_764_876_000)
    policy = parse_policy(
        f"log {OLD.verifier_key}\nwitness W1 {WITNESS.verifier_key}\nquorum W1\n".encode()
    )
    assert verify_receipt(receipt, [], policy=policy).cosignatures
    with pytest.raises(RetiredKeyError):
        verify_receipt(receipt, [], policy=policy, retired={OLD_VERIFIER: 5})


def test_a_retirement_of_a_key_not_given_changes_nothing() -> None:
    receipt = make_receipt([NEW], make_log(6), 4)
    assert verify_receipt(receipt, [NEW_VERIFIER], retired={OLD_VERIFIER: 5}).index == 4
    with pytest.raises(UnknownKeyError):
        verify_receipt(receipt, [OLD_VERIFIER], retired={OLD_VERIFIER: 5})
