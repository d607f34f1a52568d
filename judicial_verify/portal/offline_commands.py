"""The commands that verify a receipt offline, as the log page (/log/) lists them and the PDF
report repeats the last: each one line a reader copies whole, for a machine with nothing but
Python 3.11 and pip.

Files are downloaded with Python itself (no curl or wget to assume) under fixed names, so the
verify command names them and never inlines a key that a PDF viewer would wrap.
"""

from dataclasses import dataclass

VENV = "jv-verify"
KEYS_FILE = "log.keys"
POLICY_FILE = "log.policy"
# The page's name for the reader's document, which it tells them to replace with their own.
DOCUMENT = "the-document.pdf"


def receipt_file(index: int) -> str:
    """The receipt's name, as its download (Content-Disposition) names it."""
    return f"entry-{index}.tlog-proof"


def download_command(url: str, filename: str) -> str:
    # Double quotes outside and single inside read the same in a POSIX shell, cmd and
    # PowerShell; the URLs are the site's own (ALLOWED_HOSTS), with no quote in them.
    return f'python -c "import urllib.request as r; r.urlretrieve({url!r}, {filename!r})"'


def verify_command(*, receipt: str, policy: bool, document: str) -> str:
    """The verifier's command line for `receipt`, with the log's key list and, where the log
    has one, its witness policy (which the key list does not replace: it names retired keys)."""
    policy_argument = f" --policy {POLICY_FILE}" if policy else ""
    return (
        f"python -m judicial_verify.tlog verify --receipt {receipt} "
        f"--key {KEYS_FILE}{policy_argument} --document {document}"
    )


@dataclass(frozen=True)
class OfflineCommands:
    """The log page's steps, in order; `policy` and `receipt` are None where there is no
    policy, or no record named."""

    venv: str
    activate: str
    install: str
    keys: str
    policy: str | None
    receipt: str | None
    verify: str


def offline_commands(
    *,
    wheel_url: str,
    wheel_sha256: str,
    keys_url: str,
    policy_url: str | None,
    receipt_url: str | None,
    receipt: str,
) -> OfflineCommands:
    """The steps with the site's absolute URLs: the verifier's wheel (pip checks its SHA-256,
    given in the URL's fragment), the key list, the policy if any, and the receipt if its URL
    is known; `receipt` is the receipt's file name."""
    return OfflineCommands(
        venv=f"python3 -m venv {VENV}",
        activate=f". {VENV}/bin/activate",
        install=f'python -m pip install "{wheel_url}#sha256={wheel_sha256}"',
        keys=download_command(keys_url, KEYS_FILE),
        policy=None if policy_url is None else download_command(policy_url, POLICY_FILE),
        receipt=None if receipt_url is None else download_command(receipt_url, receipt),
        verify=verify_command(receipt=receipt, policy=policy_url is not None, document=DOCUMENT),
    )
