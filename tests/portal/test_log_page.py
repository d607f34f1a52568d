"""The log page (/log/) lists every key with the retired ones' last size, and gives the steps
that verify a receipt offline: install the verifier it serves, download the key list and a
record's receipt, run the verifier (tests/portal/test_offline_steps.py runs them)."""

import html as entities
import re

import pytest
from django.test import Client

from judicial_verify.ledger.keys import log_key_rotate, log_signer
from judicial_verify.ledger.publish import checkpoint_refresh
from judicial_verify.portal.verifier_wheel import verifier_wheel
from tests.anchoring import anchor
from tests.people import Actor, node_of, sha

pytestmark = pytest.mark.django_db


def test_it_says_which_key_is_retired_and_after_which_size(court: Actor) -> None:
    for n in range(3):
        anchor(node_of(court), sha(f"record {n}"))
    old = log_signer().verifier_key
    new = log_key_rotate().verifier_key
    checkpoint_refresh()
    page = Client().get("/log/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"<li><code>{new}</code> (current)</li>" in page
    assert (
        f"<li><code>{old}</code> (retired after signing its tree of 3 records: anything it "
        "signs beyond that is not this log's)</li>"
    ) in page
    assert (
        '<a href="/log/keys"><code>/log/keys</code></a>: save it as <code>log.keys</code>' in page
    )
    assert "--key log.keys --document" in page


def test_it_says_so_in_chinese(court: Actor) -> None:
    anchor(node_of(court), sha("record"))
    old = log_signer().verifier_key
    log_key_rotate()
    checkpoint_refresh()
    page = Client().get("/log/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert f"<code>{old}</code> （已在签署含 1 条记录的树之后停用" in page
    assert "请将其保存为 <code>log.keys</code>" in page
    assert "若提供密钥列表，该命令还会拒绝由已停用密钥签署" in page


def _steps(page: str) -> list[str]:
    """The commands of the page's offline steps, as a reader copies them."""
    return [
        entities.unescape(block)
        for block in re.findall(r'<pre class="command"><code>(.*?)</code></pre>', page, re.S)
    ]


def test_its_steps_install_the_verifier_it_serves_by_url_and_sha256(court: Actor) -> None:
    anchor(node_of(court), sha("record"))
    wheel = verifier_wheel()
    page = Client().get("/log/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    commands = _steps(page)
    assert commands[:3] == [
        "python3 -m venv jv-verify",
        ". jv-verify/bin/activate",
        "python -m pip install "
        f'"http://testserver/log/verifier/{wheel.filename}#sha256={wheel.sha256}"',
    ]
    assert f"SHA-256 of the verifier: <code>{wheel.sha256}</code>" in page
    served = Client().get(f"/log/verifier/{wheel.filename}")
    assert served.status_code == 200
    assert served.content == wheel.data
    assert served["Content-Disposition"] == f'attachment; filename="{wheel.filename}"'
    assert "immutable" in served["Cache-Control"]


def test_it_serves_no_wheel_by_another_name() -> None:
    for name in ("judicial_verify_tlog-1.0-py3-none-any.whl", "..%2Fsettings.py"):
        assert Client().get(f"/log/verifier/{name}").status_code == 404


def test_its_steps_download_the_key_list_and_the_named_records_receipt(court: Actor) -> None:
    index = anchor(node_of(court), sha("record"))
    page = Client().get(f"/log/?record={index}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _steps(page)[3:] == [
        'python -c "import urllib.request as r; '
        "r.urlretrieve('http://testserver/log/keys', 'log.keys')\"",
        'python -c "import urllib.request as r; r.urlretrieve('
        f"'http://testserver/api/v1/entries/{index}/receipt', 'entry-{index}.tlog-proof')\"",
        f"python -m judicial_verify.tlog verify --receipt entry-{index}.tlog-proof "
        "--key log.keys --document the-document.pdf",
    ]
    assert '<a href="/log/keys" download="log.keys"><code>log.keys</code></a>' in page
    assert f'value="{index}"' in page


def test_without_a_record_it_says_where_the_receipt_comes_from(court: Actor) -> None:
    anchor(node_of(court), sha("record"))
    page = Client().get("/log/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "从本网站该记录的核验结果页面将其存证凭证" in page
    assert _steps(page)[-1] == (
        "python -m judicial_verify.tlog verify --receipt entry-NUMBER.tlog-proof "
        "--key log.keys --document the-document.pdf"
    )
    assert '<form method="get" action="/log/#offline">' in page


@pytest.mark.parametrize(
    ("record", "message"),
    [("twelve", "A record number is a whole number."), ("1", "The log has no record number 1.")],
)
def test_it_refuses_a_record_number_the_log_lacks(court: Actor, record: str, message: str) -> None:
    anchor(node_of(court), sha("record"))
    response = Client().get("/log/", {"record": record}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<p id="record-error" class="error" role="alert">{message}</p>' in page
    assert "/receipt" not in "".join(_steps(page))
