"""The offline verifier as a wheel of its own, built from this source tree, so that anyone can
install it with pip from the log's site (/log/) and nothing of the portal comes with it.

The wheel holds judicial_verify/tlog/ and nothing else: no judicial_verify/__init__.py, so
`judicial_verify` is a namespace package where it is installed, and importing
judicial_verify.tlog cannot pull in Django. Its dependencies are the two tlog imports,
cryptography and rfc8785, which pip fetches from PyPI. It is built with the standard library
to the PyPA's binary distribution format (wheel 1.0, core metadata 2.1), so serving it needs
no build backend and no network.

The build is reproducible: files in sorted order, stored rather than deflated (zlib builds
differ in what they write), one fixed timestamp and mode. The same sources make the same bytes
on every web node and for anyone who rebuilds them, so the SHA-256 the log page shows is the
file's, whichever node served it. The version's local label is drawn from the sources and the
stated dependencies: a wheel with other contents has another name, so each name can be cached
for good.
"""

import base64
import csv
import functools
import hashlib
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DISTRIBUTION = "judicial-verify-tlog"
RELEASE = "1.0"
SOURCES = Path(__file__).resolve().parents[1] / "tlog"
PACKAGE = "judicial_verify/tlog"
# Floors at the versions requirements.txt pins (tests/portal/test_verifier_wheel.py holds them
# together). No ceiling on cryptography: the Ed25519 verification tlog uses has not changed
# since its 2.6, and a citizen years from now needs a release with wheels for their Python.
# rfc8785 is before 1.0, where a minor release may change its API.
REQUIRES = ("cryptography>=50", "rfc8785>=0.1.4,<0.2")
# Optional features, by extra name: their requirements, installed only with
# `pip install "judicial-verify-tlog[NAME] @ URL"`; the core stays the two above.
EXTRAS: Mapping[str, Sequence[str]] = {}
# A fixed time (the earliest a zip file can hold) and mode, so nothing of the build machine
# gets into the bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644 << 16
LABEL_HEX_DIGITS = 12


@dataclass(frozen=True)
class Wheel:
    filename: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _record_hash(data: bytes) -> str:
    """A RECORD line's hash: urlsafe base64 of the SHA-256, without padding (the wheel spec)."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def _metadata(version: str, requires: Sequence[str], extras: Mapping[str, Sequence[str]]) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {DISTRIBUTION}",
        f"Version: {version}",
        "Summary: Offline verifier of judicial-verify receipts (RFC 9162, C2SP tlog-proof)",
        "Requires-Python: >=3.11",
        *(f"Requires-Dist: {requirement}" for requirement in requires),
    ]
    for extra, extra_requires in sorted(extras.items()):
        lines.append(f"Provides-Extra: {extra}")
        lines.extend(f'Requires-Dist: {r}; extra == "{extra}"' for r in extra_requires)
    lines += [
        "Description-Content-Type: text/plain",
        "",
        "Checks a document, its receipt (a .tlog-proof file) and the log's key list with no",
        "network: python -m judicial_verify.tlog verify --help",
        "",
    ]
    return "\n".join(lines)


WHEEL_FILE = (
    "Wheel-Version: 1.0\n"
    "Generator: judicial-verify (judicial_verify/portal/verifier_wheel.py)\n"
    "Root-Is-Purelib: true\n"
    "Tag: py3-none-any\n"
)


def wheel_build(
    *,
    sources: Path = SOURCES,
    requires: Sequence[str] = REQUIRES,
    extras: Mapping[str, Sequence[str]] = EXTRAS,
) -> Wheel:
    """Returns the wheel of the Python files under `sources`, installed as judicial_verify/tlog,
    requiring `requires` and offering `extras` (name: its requirements)."""
    files = {
        f"{PACKAGE}/{path.relative_to(sources).as_posix()}": path.read_bytes()
        for path in sorted(sources.rglob("*.py"))
    }
    label = hashlib.sha256()
    for name, data in sorted(files.items()):
        label.update(f"{name}\0{len(data)}\0".encode() + data)
    label.update(_metadata("", requires, extras).encode())
    # The label starts with a letter: a local version of digits alone is compared as a
    # number, and its leading zeros dropped from the name tools expect.
    version = f"{RELEASE}+h{label.hexdigest()[:LABEL_HEX_DIGITS]}"
    stem = f"{DISTRIBUTION.replace('-', '_')}-{version}"
    dist_info = f"{stem}.dist-info"
    files[f"{dist_info}/METADATA"] = _metadata(version, requires, extras).encode()
    files[f"{dist_info}/WHEEL"] = WHEEL_FILE.encode()

    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data in files.items():
        writer.writerow((name, _record_hash(data), len(data)))
    writer.writerow((f"{dist_info}/RECORD", "", ""))
    files[f"{dist_info}/RECORD"] = record.getvalue().encode()

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.external_attr = FILE_MODE
            archive.writestr(info, data)
    return Wheel(filename=f"{stem}-py3-none-any.whl", data=buffer.getvalue())


@functools.cache
def verifier_wheel() -> Wheel:
    """The wheel of this process's tlog sources, built once: they do not change while it runs."""
    return wheel_build()
