"""What a person types into the portal's forms, read leniently (spaces, line breaks, capitals
and full-width characters forgiven) and, when it is still wrong, refused with a message that
says how to put it right: the messages of the error summary (templates/portal/
error_summary.html)."""

import unicodedata

from django.utils.translation import gettext as _

from judicial_verify.ledger.positions import MAX_POSITION
from judicial_verify.records.codes import DATA_CHARS, CodeError, code_normalize
from judicial_verify.records.fingerprints import SHA256_CHARS, FingerprintError, sha256_normalize

CASE_NUMBER_MAX = 100

# A form's errors: the id of the field each is about, in the order of the form, to the message
# that says how to put it right; the key "" for an error of the form as a whole.
FormErrors = dict[str, str]


class Refused(ValueError):
    """Typed text that is not what its field asks for; `message` says how to put it right."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def typed_sha256(text: str) -> str:
    """The SHA-256 typed or pasted in a fingerprint field, as the log holds it; raises Refused."""
    if not text.strip():
        raise Refused(_("Enter the SHA-256 fingerprint of the file: 64 characters 0-9 and a-f."))
    try:
        return sha256_normalize(text)
    except FingerprintError as e:
        if e.bad_char is not None:
            message = _(
                "A SHA-256 fingerprint is 64 characters 0-9 and a-f; “%(char)s” is not one "
                "of them. Copy the fingerprint again from where it was given to you."
            )
            raise Refused(message % {"char": e.bad_char}) from None
        message = _(
            "A SHA-256 fingerprint is %(expected)s characters 0-9 and a-f; you typed "
            "%(typed)s. Copy the whole fingerprint again from where it was given to you."
        )
        raise Refused(message % {"expected": SHA256_CHARS, "typed": e.length}) from None


def typed_code(text: str) -> str:
    """The verification code typed in the code field, canonical; raises Refused."""
    if not text.strip():
        raise Refused(
            _("Enter the verification code printed on the document, e.g. ABCD-EFGH-JKMN-PQRS-TVW0.")
        )
    try:
        return code_normalize(text)
    except CodeError as e:
        if e.length is not None:
            message = _(
                "A verification code has %(expected)s letters and digits, in groups of four "
                "like ABCD-EFGH-JKMN-PQRS-TVW0; you typed %(typed)s. Check that none is "
                "missing or repeated."
            )
            raise Refused(message % {"expected": DATA_CHARS + 1, "typed": e.length}) from None
        if e.bad_char:
            message = _(
                "“%(char)s” is not in any verification code: a code has the digits 0-9 and "
                "the letters A-Z except U, like ABCD-EFGH-JKMN-PQRS-TVW0. Check it character "
                "by character against the document."
            )
            raise Refused(message % {"char": e.bad_char}) from None
        raise Refused(
            _(
                "This code has a typing mistake: its last character does not match the "
                "others. Check it character by character against the document."
            )
        ) from None


def typed_record_number(text: str) -> int:
    """The record number typed in a record number field; raises Refused if it is not a whole
    number. One too large for any log is MAX_POSITION + 1, a number no record has."""
    compact = "".join(unicodedata.normalize("NFKC", text).split()).lstrip("0") or "0"
    if not (compact.isascii() and compact.isdigit()):
        raise Refused(
            _(
                "A record number is a whole number, such as 1024, as printed on the "
                "document. Leave the field empty if the document has none."
            )
        )
    # Checked by length first: int() refuses thousands of digits, and the log has no more
    # than 2**63-1 records.
    if len(compact) > len(str(MAX_POSITION)):
        return MAX_POSITION + 1
    return min(int(compact), MAX_POSITION + 1)


def record_number_missing(text: str) -> str:
    """The message for a record number, typed as `text`, that the log does not have."""
    message = _(
        "The log has no record number %(n)s. Check the number printed on the document, or "
        "leave the field empty to check the fingerprint alone."
    )
    return message % {"n": "".join(text.split())}


def typed_case_number(text: str) -> str:
    """The case number, or a part of it, typed in the judges' search; raises Refused."""
    case_number = text.strip()
    if not case_number:
        raise Refused(_("Enter a case number or a part of one, e.g. 民初1号."))
    if len(case_number) > CASE_NUMBER_MAX:
        message = _("A case number has at most %(max)s characters; you typed %(typed)s.")
        raise Refused(message % {"max": CASE_NUMBER_MAX, "typed": len(case_number)})
    return case_number
