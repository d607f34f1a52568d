"""The log page (/log/) lists every key with the retired ones' last size, and tells a reader
to give the offline verifier the log's key list."""

import pytest
from django.test import Client

from judicial_verify.ledger.keys import log_key_rotate, log_signer
from judicial_verify.ledger.publish import checkpoint_refresh
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
