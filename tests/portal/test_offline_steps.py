"""The log page's offline steps, followed word for word as a citizen would: its commands, read
from the page itself, run one after the other in a shell in an empty folder with nothing of
this project installed, create a virtual environment, install the verifier the site serves
(pip fetches cryptography and rfc8785), download the key list and the receipt, and verify the
document; the same command refuses a tampered copy."""

import hashlib
import html
import re
import shlex
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from judicial_verify.portal.verifier_wheel import verifier_wheel
from judicial_verify.records.credentials import node_create
from tests.anchoring import anchor
from tests.offline_verifier import verifier_env

pytestmark = pytest.mark.usefixtures("transactional_db")

DOCUMENT = "调解协议 mediation agreement, signed 2026-11-20".encode()
# Creating a virtual environment and installing into it takes seconds; pip may go to PyPI.
TIMEOUT = 600


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (the live server)
        body: bytes = response.read()
    return body.decode()


def _steps(page: str) -> str:
    (steps,) = re.findall(r'<ol class="steps">(.*?)</ol>', page, re.S)
    return str(steps)


def _commands(page: str) -> list[str]:
    """The commands of the page's steps, in order, as a reader copies them."""
    blocks = re.findall(r'<pre class="command"><code>(.*?)</code></pre>', _steps(page), re.S)
    return [html.unescape(block) for block in blocks]


def _record_form_url(page: str, base: str, index: int) -> str:
    """Where the steps' form goes for record `index`, as a browser submits it."""
    (action,) = re.findall(r'<form method="get" action="([^"]*)">', _steps(page))
    assert re.search(r'<input id="record" name="record"', _steps(page))
    url = urllib.parse.urljoin(base, html.unescape(action))
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode({"record": index})))


def _shell(commands: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    """Runs the commands in one POSIX shell in `folder`, stopping at the first that fails, with
    none of this project on Python's path."""
    env = {k: v for k, v in verifier_env().items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        ["/bin/sh", "-e", "-c", "\n".join(commands)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        check=False,
    )


def _followed(
    live_server: LiveServer, tmp_path: Path
) -> tuple[list[str], Path, subprocess.CompletedProcess[str]]:
    """Anchors the document, reads the log page's steps for its record and runs them in an
    empty folder with the document in it; returns the commands, the folder and the run."""
    court = node_create(code="bj-cy-court", name="北京市朝阳区人民法院")[0]
    index = anchor(court, hashlib.sha256(DOCUMENT).hexdigest())
    base = f"{live_server.url}/log/"
    page = _get(_record_form_url(_get(base), base, index))
    commands = _commands(page)
    folder = tmp_path / "citizen"
    folder.mkdir()
    document = shlex.split(commands[-1])[-1]
    (folder / document).write_bytes(DOCUMENT)
    return commands, folder, _shell(commands, folder)


def test_the_pages_steps_verify_the_document_and_refuse_an_altered_copy(
    live_server: LiveServer, tmp_path: Path
) -> None:
    commands, folder, done = _followed(live_server, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "\nVERIFIED\n核验通过\n" in done.stdout
    assert commands[0] == "python3 -m venv jv-verify"
    assert commands[-1].startswith("python -m judicial_verify.tlog verify --receipt entry-")
    assert (folder / "log.keys").is_file()
    # The same verify command, in the same environment, on a copy with one byte more.
    document = folder / shlex.split(commands[-1])[-1]
    document.write_bytes(DOCUMENT + b" ")
    refused = _shell(commands[1:2] + commands[-1:], folder)
    assert refused.returncode == 6
    assert "NOT VERIFIED: this file is not the anchored document" in refused.stderr


def test_the_installed_verifier_is_the_tlog_package_alone(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Installed from the site, the verifier brings its two dependencies (and theirs) and
    nothing of the portal: importing it loads no Django and no other part of the project."""
    wheel = verifier_wheel()
    url = f"{live_server.url}/log/verifier/{wheel.filename}#sha256={wheel.sha256}"
    check = (
        "import sys, judicial_verify.tlog.cli; "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('judicial', 'django')))))"
    )
    installing = _shell(["python3 -m venv env", f'env/bin/python -m pip install "{url}"'], tmp_path)
    assert installing.returncode == 0, installing.stderr
    freeze = _shell(["env/bin/python -m pip list --format=freeze"], tmp_path).stdout
    modules = _shell([f'env/bin/python -c "{check}"'], tmp_path).stdout
    installed = {line.partition("==")[0].lower() for line in freeze.split()}
    assert installed - {"pip", "setuptools"} == {
        "judicial-verify-tlog",
        "cryptography",
        "rfc8785",
        "cffi",
        "pycparser",
    }
    loaded = modules.split()
    assert "judicial_verify.tlog.cli" in loaded
    assert [m for m in loaded if not m.startswith("judicial_verify.tlog")] == ["judicial_verify"]


def test_pip_refuses_a_verifier_other_than_the_page_says(
    live_server: LiveServer, tmp_path: Path
) -> None:
    wheel = verifier_wheel()
    other = hashlib.sha256(wheel.data + b"\n").hexdigest()
    url = f"{live_server.url}/log/verifier/{wheel.filename}#sha256={other}"
    done = _shell(["python3 -m venv env", f'env/bin/python -m pip install "{url}"'], tmp_path)
    assert done.returncode != 0
    assert "DO NOT MATCH THE HASHES" in done.stderr
    assert not list((tmp_path / "env").glob("lib/python*/site-packages/judicial_verify"))
