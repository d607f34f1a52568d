"""The log's side of C2SP tlog-witness v1: one add-checkpoint request to one witness.

POST <submission prefix>/add-checkpoint with the request body; a 200 answer is the
witness's cosignature lines, checked here against its key from the policy over the very
checkpoint sent; a 409 (`text/x.tlog.size`) says which size the witness last cosigned.
Every other outcome (another status, no answer in time, no connection, a body that does
not parse, a cosignature that does not verify) is a WitnessFailure saying why in a few
words, never with the witness's URL: the reason is shown on /status.

No state and no database: the caller runs requests in threads of its own.
"""

import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass

from judicial_verify.tlog.cosignature import (
    AddCheckpoint,
    CosignatureVerifier,
    format_add_checkpoint,
    parse_signature_lines,
    parse_tlog_size,
)
from judicial_verify.tlog.errors import MalformedError, SignatureError
from judicial_verify.tlog.note import Signature
from judicial_verify.tlog.policy import PolicyWitness

# An answer is a few signature lines or a size; past this it is not read further.
MAX_ANSWER_BYTES = 16 * 1024
# How much of a refusal's text the reason quotes.
QUOTE_CHARACTERS = 120


class WitnessFailure(Exception):
    """The witness did not cosign; the message says why, without its URL."""


@dataclass(frozen=True)
class Conflict:
    """A 409: the witness last cosigned a tree of `size` leaves, not the old size sent."""

    size: int


@dataclass(frozen=True)
class Cosigned:
    """A 200 with a valid cosignature by the witness's key over the checkpoint sent."""

    signature: Signature
    timestamp: int


def add_checkpoint_url(url: str) -> str:
    """The add-checkpoint endpoint below a witness's submission prefix (its policy URL)."""
    return url.rstrip("/") + "/add-checkpoint"


def _quote(body: bytes) -> str:
    # The first line of what the witness said, printable, short: it is shown to people.
    line = body.decode("utf-8", "replace").split("\n", 1)[0]
    text = "".join(c if c.isprintable() else "?" for c in line)
    if len(text) > QUOTE_CHARACTERS:
        text = text[:QUOTE_CHARACTERS] + "..."
    return f": {text}" if text else ""


def _post(url: str, body: bytes, timeout: float) -> tuple[int, str, bytes]:
    """POSTs body; returns the status, the Content-Type and up to MAX_ANSWER_BYTES + 1 bytes."""
    request = urllib.request.Request(  # noqa: S310 (the policy's URLs; checked to be http(s))
        add_checkpoint_url(url),
        data=body,
        method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return (
                response.status,
                response.headers.get("Content-Type", ""),
                response.read(MAX_ANSWER_BYTES + 1),
            )
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers.get("Content-Type", ""), e.read(MAX_ANSWER_BYTES + 1)
    except TimeoutError:
        raise WitnessFailure(f"no answer within {timeout:g} s") from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):
            raise WitnessFailure(f"no answer within {timeout:g} s") from None
        # The system's words ("Connection refused"), else the error's kind: never its
        # repr, which can carry the address.
        reason = e.reason if isinstance(e.reason, str) else None
        if isinstance(e.reason, OSError):
            reason = e.reason.strerror or type(e.reason).__name__
        raise WitnessFailure(f"cannot connect ({reason})") from None
    except (http.client.HTTPException, OSError) as e:
        raise WitnessFailure(f"the connection failed ({type(e).__name__})") from None


def _cosignature(verifier: CosignatureVerifier, text: str, body: bytes) -> Cosigned:
    """The witness's valid cosignature among the lines of a 200 answer."""
    try:
        lines = parse_signature_lines(body)
    except MalformedError as e:
        raise WitnessFailure(f"answered 200 without signature lines ({e})") from None
    # Lines by other keys are ignored, as the spec requires; one by this witness's key
    # that does not verify over this checkpoint is a failure, not something to skip.
    own = [sig for sig in lines if (sig.name, sig.key_id) == (verifier.name, verifier.key_id)]
    if not own:
        raise WitnessFailure("answered 200 without a cosignature by its key")
    try:
        cosignature = verifier.verify(text, own[0])
    except SignatureError as e:
        raise WitnessFailure(f"its cosignature does not verify ({e})") from None
    return Cosigned(signature=own[0], timestamp=cosignature.timestamp)


def add_checkpoint(
    *,
    witness: PolicyWitness,
    old_size: int,
    proof: tuple[bytes, ...],
    note: bytes,
    text: str,
    timeout: float,
) -> Cosigned | Conflict:
    """Asks the policy's `witness` to cosign `note` (whose text is `text`) from `old_size`.

    Returns its verified cosignature, or the Conflict of a 409; raises WitnessFailure.
    """
    if witness.url is None:
        raise WitnessFailure("the policy gives it no URL")
    body = format_add_checkpoint(AddCheckpoint(old_size, proof, note))
    status, content_type, answer = _post(witness.url, body, timeout)
    if len(answer) > MAX_ANSWER_BYTES:
        raise WitnessFailure(f"answered {status} with more than {MAX_ANSWER_BYTES} bytes")
    if status == 409:
        try:
            return Conflict(size=parse_tlog_size(content_type, answer))
        except MalformedError as e:
            raise WitnessFailure(f"answered 409 without a valid tree size ({e})") from None
    if status != 200:
        raise WitnessFailure(f"answered {status}{_quote(answer)}")
    return _cosignature(witness.verifier, text, answer)
