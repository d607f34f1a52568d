"""scripts/alliance, the README's one command for a local alliance: it starts a log and three
witnesses, each a server process with its own state, and the log publishes its checkpoints
cosigned by them; Ctrl-C stops every process and the command exits 0."""

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from judicial_verify.tlog.note import open_note
from judicial_verify.tlog.policy import check_quorum, parse_policy
from tests.witness_servers import REPO

from .processes import Lines, http_request

START_SECONDS = 240
READY = "Ctrl-C stops the whole alliance."


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple["subprocess.Popen[bytes]", Lines]]:
    command = [str(REPO / "scripts" / "alliance"), str(tmp_path / "alliance"), "--port", "0"]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    yield process, Lines(process.stdout)
    if process.poll() is None:  # the test failed before stopping it
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def test_it_starts_a_log_published_with_its_witnesses_cosignatures_and_ctrl_c_stops_it(
    demo: tuple["subprocess.Popen[bytes]", Lines], tmp_path: Path
) -> None:
    process, output = demo
    printed = "".join(output.until(READY, timeout=START_SECONDS))
    urls = sorted(set(re.findall(r"http://127\.0\.0\.1:\d+/(?:log/|witness)(?=\s)", printed)))
    log_url = re.search(r"the court's log +(http://127\.0\.0\.1:\d+)/log/", printed)
    assert log_url is not None, printed
    assert len(urls) == 4, printed
    policy_file = tmp_path / "alliance" / "log.policy"
    assert policy_file.read_text() in printed

    status, _, note = http_request("GET", f"{log_url[1]}/log/checkpoint")
    assert status == 200, note
    policy = parse_policy(policy_file.read_bytes())
    opened = open_note(note, [log.verifier for log in policy.logs])
    cosigned = check_quorum(policy, opened.text, opened.unverified_sigs)
    assert [c.witness for c in cosigned] == ["procuratorate", "notary", "arbitration"]
    assert int(opened.text.split("\n")[1]) >= 4  # the demo's sample records

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    assert "alliance: stopped" in "".join(output.until("alliance: stopped", timeout=10))
    for url in urls:
        with pytest.raises(ConnectionRefusedError):
            http_request("GET", url)
