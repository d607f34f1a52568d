"""Fingerprints untrusted PDFs in a child process, within limits of time and memory.

PDFium is C++ reading hostile input: a crafted PDF can loop, allocate without
bound or crash. Run in its own process, with an address-space limit it sets
on itself and a wall-clock timeout the parent enforces for each file, the
worst a PDF can do is fail with ExtractionLimitError; the web server,
`manage.py anchor` and the CLI carry on. One child serves many files in turn
(starting Python and PDFium costs more than fingerprinting most documents)
and is replaced after a failure.

    python -m judicial_verify.tlog.fingerprint_process MEMORY MAX_PAGES

is the child. Each request on its stdin is an 8-byte big-endian length and
the PDF; each answer on its stdout an 8-byte length and a JSON object, the
page fingerprints or the error.
"""

import json
import os
import select
import struct
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self, cast

from .errors import (
    CorruptPdfError,
    EncryptedPdfError,
    ExtractionLimitError,
    FingerprintUnavailableError,
    PdfError,
    TooManyPagesError,
)
from .fingerprint import MAX_PAGES, ContentFingerprint, fingerprint_pdf

TIMEOUT_SECONDS = 30.0
MEMORY_BYTES = 1 << 30

_ERRORS: dict[str, type[PdfError]] = {
    "encrypted": EncryptedPdfError,
    "corrupt": CorruptPdfError,
    "too_many_pages": TooManyPagesError,
    "unavailable": FingerprintUnavailableError,
}
_LENGTH = struct.Struct(">Q")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


class FingerprintProcess:
    """A child process that fingerprints PDFs one at a time; use as a context manager."""

    def __init__(
        self,
        *,
        timeout: float = TIMEOUT_SECONDS,
        memory: int = MEMORY_BYTES,
        max_pages: int = MAX_PAGES,
    ) -> None:
        self.timeout, self.memory, self.max_pages = timeout, memory, max_pages
        self._child: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Ends the child, if there is one."""
        if self._child is not None:
            self._child.kill()
            self._child.wait()
            for stream in (self._child.stdin, self._child.stdout):
                if stream is not None:
                    stream.close()
            self._child = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._child is None:
            path = os.environ.get("PYTHONPATH")
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_ROOT, path]))}
            command = [sys.executable, "-m", __name__, str(self.memory), str(self.max_pages)]
            self._child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
            )
        return self._child

    def fingerprint(self, data: bytes) -> ContentFingerprint:
        """Returns fingerprint_pdf(data), computed in the child within the limits.

        Raises EncryptedPdfError, CorruptPdfError, TooManyPagesError,
        FingerprintUnavailableError, or ExtractionLimitError when the child
        runs out of time or memory or dies (the next call starts another).
        """
        child = self._start()
        # Popen with stdin and stdout PIPE gives both streams.
        stdin, stdout = cast(IO[bytes], child.stdin), cast(IO[bytes], child.stdout)
        deadline = time.monotonic() + self.timeout
        try:
            stdin.write(_LENGTH.pack(len(data)) + data)
            stdin.flush()
            (size,) = _LENGTH.unpack(_read(stdout, _LENGTH.size, deadline))
            answer = json.loads(_read(stdout, size, deadline))
        except TimeoutError:
            self.close()
            raise ExtractionLimitError(
                f"reading the PDF's text took longer than {self.timeout:g} seconds"
            ) from None
        except (OSError, EOFError, ValueError, struct.error):
            self.close()
            raise ExtractionLimitError(
                f"reading the PDF's text failed within the limit of {self.memory >> 20} MiB "
                "of memory"
            ) from None
        if "error" in answer:
            if answer["error"] == "limit":
                self.close()  # a process that ran out of memory is not used again
            raise _ERRORS.get(answer["error"], ExtractionLimitError)(answer["message"])
        return ContentFingerprint(pages=tuple(bytes.fromhex(page) for page in answer["pages"]))


def _read(stream: IO[bytes], size: int, deadline: float) -> bytes:
    # Reads exactly size bytes, raising TimeoutError past the deadline and
    # EOFError when the child has gone.
    parts, missing = [], size
    while missing:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([stream], [], [], remaining)[0]:
            raise TimeoutError
        part = os.read(stream.fileno(), min(missing, 1 << 20))
        if not part:
            raise EOFError
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def fingerprint_pdf_limited(
    data: bytes,
    *,
    timeout: float = TIMEOUT_SECONDS,
    memory: int = MEMORY_BYTES,
    max_pages: int = MAX_PAGES,
) -> ContentFingerprint:
    """Returns the fingerprint of one PDF, computed in a child process of its own
    (FingerprintProcess.fingerprint says what it raises)."""
    with FingerprintProcess(timeout=timeout, memory=memory, max_pages=max_pages) as process:
        return process.fingerprint(data)


def _error_name(error: PdfError) -> str:
    return next((name for name, kind in _ERRORS.items() if isinstance(error, kind)), "limit")


def _answer(data: bytes, memory: int, max_pages: int) -> dict[str, object]:
    try:
        return {"pages": fingerprint_pdf(data, max_pages=max_pages).pages_hex()}
    except PdfError as e:
        return {"error": _error_name(e), "message": str(e)}
    except MemoryError:
        return {"error": "limit", "message": f"the PDF needs more than {memory >> 20} MiB"}


def _serve(memory: int, max_pages: int) -> None:
    import resource  # POSIX only: the child runs only where fingerprints are computed

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while header := stdin.read(_LENGTH.size):
        (size,) = _LENGTH.unpack(header)
        answer = json.dumps(_answer(stdin.read(size), memory, max_pages)).encode()
        stdout.write(_LENGTH.pack(len(answer)) + answer)
        stdout.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
