"""The verification report's offline command survives being copied out of a PDF viewer: read
back with poppler's pdftotext, in reading order and as laid out, it is one whole line, and run
as it comes out, beside the files the log page's steps download, it verifies the document."""

import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.test import Client

from judicial_verify.ledger.keys import log_signer
from tests.anchoring import anchor
from tests.ledger.fake_witnesses import FakeWitness, close_all, fake_witness, policy_write
from tests.offline_verifier import verifier_env
from tests.people import Actor, node_of
from tests.service_discipline import services_required

pytestmark = pytest.mark.django_db

DOCUMENT = "民事调解书 (2026)京0105民初1号".encode()
COMMAND = re.compile(r"^python -m judicial_verify\.tlog verify .*$", re.M)


@pytest.fixture
def pdftotext() -> str:
    """Debian's poppler-utils (installed by .ci/run): skipped without it on a developer's
    machine, failed where CI or REQUIRE_SERVICES is set."""
    found = shutil.which("pdftotext")
    if found is None:
        reason = "needs poppler-utils (pdftotext): apt-get install poppler-utils"
        if services_required():
            pytest.fail(f"{reason} (required: CI or REQUIRE_SERVICES is set)", pytrace=False)
        pytest.skip(reason)
    return found


def _commands(pdftotext: str, pdf: bytes, folder: Path) -> list[str]:
    """The report's verify command as pdftotext gives it back in each of its two modes."""
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    found = []
    for mode in ([], ["-layout"]):
        done = subprocess.run(
            [pdftotext, *mode, "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
        )
        (command,) = COMMAND.findall(done.stdout.decode())
        found.append(command.rstrip())
    return found


def _download(client: Client, path: str, folder: Path) -> None:
    """Saves the answer under the name its Content-Disposition gives, as a browser would."""
    response = client.get(path)
    assert response.status_code == 200, path
    (name,) = re.findall(r'filename="([^"]+)"', response["Content-Disposition"])
    (folder / name).write_bytes(response.content)


def _run(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Runs the command as pasted into a shell, where `python` has the verifier (this
    repository's tlog on its path, nothing of Django's settings)."""
    bin_folder = folder / "bin"
    bin_folder.mkdir()
    # A script, not a link: a virtual environment's Python finds its packages from the path
    # it was started by.
    python = bin_folder / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    env = verifier_env()
    env["PATH"] = f"{bin_folder}:{env['PATH']}"
    return subprocess.run(
        ["/bin/sh", "-c", command],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def _verified_from_the_report(
    pdftotext: str, public: Actor, court: Actor, tmp_path: Path, *downloads: str
) -> tuple[str, subprocess.CompletedProcess[str]]:
    index = anchor(node_of(court), hashlib.sha256(DOCUMENT).hexdigest())
    response = public.client.get(f"/report/{index}.pdf")
    assert response.status_code == 200
    commands = _commands(pdftotext, response.content, tmp_path)
    assert commands[0] == commands[1]
    command = commands[0]
    folder = tmp_path / "citizen"
    folder.mkdir()
    for path in (*downloads, f"/api/v1/entries/{index}/receipt"):
        _download(public.client, path, folder)
    (folder / command.split()[-1]).write_bytes(DOCUMENT)
    return command, _run(command, folder)


def test_the_reports_command_comes_out_whole_and_verifies_the_document(
    pdftotext: str, public: Actor, court: Actor, tmp_path: Path
) -> None:
    command, done = _verified_from_the_report(pdftotext, public, court, tmp_path, "/log/keys")
    assert command == (
        "python -m judicial_verify.tlog verify --receipt entry-0.tlog-proof "
        "--key log.keys --document FILE"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("VERIFIED\n核验通过\n")


@pytest.fixture
def witnesses() -> Iterator[list[FakeWitness]]:
    """Two witnesses on loopback ports that cosign what the log sends them."""
    started = [fake_witness(f"w{i}") for i in (1, 2)]
    yield started
    close_all(started)


def test_with_a_witness_policy_the_command_requires_the_witnesses_too(
    pdftotext: str,
    public: Actor,
    court: Actor,
    witnesses: list[FakeWitness],
    settings: LazySettings,
    tmp_path: Path,
) -> None:
    names = [(f"w{i}", w.vkey, w.url) for i, w in enumerate(witnesses, start=1)]
    settings.WITNESS_POLICY = policy_write(
        tmp_path / "configured.policy",
        log_signer().verifier_key,
        names,
        quorum="both",
        groups=["group both 2 w1 w2"],
    )
    command, done = _verified_from_the_report(
        pdftotext, public, court, tmp_path, "/log/keys", "/log/policy"
    )
    assert " --key log.keys --policy log.policy --document FILE" in command
    assert done.returncode == 0, done.stderr
    assert "w1" in done.stdout
    assert "w2" in done.stdout
