"""Every way a transparency-log object can be wrong, each with its own name.

Callers (the offline verifier, the ledger's audit, the HTTP layer) tell
failures apart by type, so a lawyer is told "the signature does not verify"
rather than "invalid".
"""


class TlogError(ValueError):
    """Base of every error raised by judicial_verify.tlog."""


class MalformedError(TlogError):
    """Bytes or text that do not parse as the format they claim to be."""


class ProofError(TlogError):
    """A proof that does not lead to the claimed root."""


class InclusionProofError(ProofError):
    """An inclusion proof that is malformed or does not verify."""


class ConsistencyProofError(ProofError):
    """A consistency proof that is malformed or does not verify."""


class TileError(TlogError):
    """A tile coordinate, path or content that is not valid."""


class NoteError(TlogError):
    """A signed note that is malformed."""


class MalformedKeyError(NoteError, MalformedError):
    """A note signer or verifier key string that does not parse."""


class UnknownKeyError(NoteError):
    """A note carries no signature by any key the verifier knows."""


class SignatureError(NoteError):
    """A signature by a known key that does not verify."""


class EntryError(TlogError):
    """Entry bytes that are not a valid judicial-verify entry."""


class OriginMismatchError(TlogError):
    """A checkpoint of another log than the one the verifier was pinned to."""


class DocumentMismatchError(TlogError):
    """The document's SHA-256 is not the one the entry anchors."""


class PolicyError(MalformedError):
    """A C2SP tlog-policy file that is malformed; the message names the line."""


class QuorumError(TlogError):
    """A checkpoint lacking the witness cosignatures its trust policy's quorum requires."""


class RetiredKeyError(TlogError):
    """A checkpoint signed by a key the log retired, of a larger tree than the last it signed."""


class PdfError(TlogError):
    """A PDF whose content fingerprint (pdf-text/v1) cannot be computed."""


class EncryptedPdfError(PdfError):
    """A PDF that needs a password to open."""


class CorruptPdfError(PdfError):
    """Bytes that PDFium cannot open as a PDF, or a page it cannot load."""


class TooManyPagesError(PdfError):
    """A PDF of more pages than pdf-text/v1 fingerprints."""


class ExtractionLimitError(PdfError):
    """Text extraction that ran out of its time or memory, or whose process died."""


class FingerprintUnavailableError(PdfError):
    """pypdfium2, which computes content fingerprints, is not installed."""
