"""The log that a page's check in the browser trusts is pinned in the page itself: the log's
origin, every key that ever signed its checkpoints and each retired one's last size, as
/log/keys lists them, and where its witness policy is, in a JSON data block (which the browser
never runs), never taken from the answer the browser checks."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client

from judicial_verify.ledger.keys import log_key_rotate
from judicial_verify.ledger.publish import checkpoint_refresh
from tests.anchoring import anchor
from tests.people import Actor, node_of, sha

pytestmark = pytest.mark.django_db

PINNED = re.compile(r'<script id="pinned-log" type="application/json">(.*?)</script>', re.DOTALL)


def pinned_on(path: str) -> Any:
    (block,) = PINNED.findall(Client().get(path).content.decode())
    return json.loads(block)


def published_keys() -> list[str]:
    return Client().get("/log/keys").content.decode().splitlines()


@pytest.mark.parametrize("path", ["/", f"/?sha256={sha('before')}"], ids=["verify", "result"])
def test_the_pages_that_check_pin_the_origin_and_every_key_the_log_published(
    court: Actor, path: str
) -> None:
    anchor(node_of(court), sha("before"))
    log_key_rotate()
    checkpoint_refresh()
    new, old = published_keys()
    old_vkey, retired, last_size = old.split(" ")
    assert (retired, last_size) == ("retired", "1")
    assert pinned_on(path) == {
        "origin": "judicial-verify.localhost/log",
        "verifier_keys": [new, old_vkey],
        "retired": {old_vkey: "1"},
        "policy_url": "/log/policy",
        "institutions": {},
    }


def test_a_log_that_has_signed_nothing_pins_no_key() -> None:
    assert pinned_on("/") == {
        "origin": "judicial-verify.localhost/log",
        "verifier_keys": [],
        "retired": {},
        "policy_url": "/log/policy",
        "institutions": {},
    }


def test_the_pages_name_the_witnesses_institutions_in_their_language(
    settings: LazySettings, tmp_path: Path
) -> None:
    names = {"procuratorate": {"zh-hans": "北京市人民检察院", "en": "Beijing Procuratorate"}}
    path = tmp_path / "institutions.json"
    path.write_text(json.dumps(names), encoding="utf-8")
    settings.WITNESS_INSTITUTIONS = path
    english = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = Client().get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert json.loads(PINNED.findall(english)[0])["institutions"] == {
        "procuratorate": "Beijing Procuratorate"
    }
    assert json.loads(PINNED.findall(chinese)[0])["institutions"] == {
        "procuratorate": "北京市人民检察院"
    }


def test_an_unfit_institutions_file_names_none_and_the_page_still_answers(
    settings: LazySettings, tmp_path: Path
) -> None:
    path = tmp_path / "institutions.json"
    path.write_text("not json", encoding="utf-8")
    settings.WITNESS_INSTITUTIONS = path
    assert pinned_on("/")["institutions"] == {}
