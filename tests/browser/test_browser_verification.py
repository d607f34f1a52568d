"""Verified in your browser: the page checks the entry, its RFC 9162 inclusion proof, the
signed checkpoint and its Ed25519 signature itself, against the log's origin and keys pinned in
the page (never the answer's), and refuses an answer tampered with on the way, naming the step
that failed; what it shows of the entry is what the verified entry says. The JavaScript port
agrees with the public test vectors."""

import base64
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.utils import translation
from playwright.sync_api import Page, Route, expect

from judicial_verify.court_time import court_time
from judicial_verify.ledger.models import Entry
from judicial_verify.records.models import Node
from judicial_verify.tlog.entry import decode_entry
from judicial_verify.tlog.errors import InclusionProofError
from judicial_verify.tlog.note import Signer, generate_signer_key, sign_note
from judicial_verify.tlog.tree import verify_inclusion

from .conftest import Visit, anchor, screenshot

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "vectors"
DOCUMENT = b"mediation agreement, signed 2026-11-02\n" * 50

Answer = dict[str, Any]


def flip_base64(text: str, at: int = 0) -> str:
    data = bytearray(base64.b64decode(text))
    data[at] ^= 0x01
    return base64.b64encode(data).decode()


def tamper_proof_hash(answer: Answer) -> None:
    hashes = answer["entries"][0]["proof"]["hashes"]
    hashes[-1] = flip_base64(hashes[-1], at=7)


def tamper_checkpoint_root(answer: Answer) -> None:
    checkpoint = answer["entries"][0]["checkpoint"]
    origin, size, root, rest = checkpoint["note"].split("\n", 3)
    checkpoint["note"] = "\n".join([origin, size, flip_base64(root), rest])


def tamper_signature(answer: Answer) -> None:
    checkpoint = answer["entries"][0]["checkpoint"]
    text, signature_line = checkpoint["note"].rsplit("\n\n", 1)
    prefix, signature = signature_line.rstrip("\n").rsplit(" ", 1)
    # Byte 4 on is the Ed25519 signature itself (bytes 0-3 are the key ID).
    checkpoint["note"] = f"{text}\n\n{prefix} {flip_base64(signature, at=10)}\n"


def tamper_attacker_key(answer: Answer) -> None:
    # A key of the log's name that a proxy (or the server's API) made, signing the checkpoint
    # and offered in the answer as the log's: only the keys the page itself pins count.
    checkpoint = answer["entries"][0]["checkpoint"]
    signer, vkey = generate_signer_key(checkpoint["origin"])
    text = checkpoint["note"].rsplit("\n\n", 1)[0] + "\n"
    checkpoint["note"] = sign_note(text, [Signer(signer)]).decode()
    checkpoint["verifier_key"] = vkey
    answer["verifier_keys"] = [vkey]


def tamper_attacker_log(answer: Answer) -> None:
    # The checkpoint re-signed as another log's, of the attacker's naming, with its key.
    checkpoint = answer["entries"][0]["checkpoint"]
    signer, vkey = generate_signer_key("attacker.example/log")
    _, rest = checkpoint["note"].rsplit("\n\n", 1)[0].split("\n", 1)
    checkpoint["note"] = sign_note(f"attacker.example/log\n{rest}\n", [Signer(signer)]).decode()
    checkpoint.update(origin="attacker.example/log", verifier_key=vkey)
    answer["verifier_keys"] = [vkey]


def tamper_entry(answer: Answer) -> None:
    entry = answer["entries"][0]
    data = json.loads(base64.b64decode(entry["entry"]))
    data["sha256"] = "0" * 64
    entry["entry"] = base64.b64encode(json.dumps(data).encode()).decode()


def tamper_node_beside_entry(answer: Answer) -> None:
    # The entry's bytes intact, the answer's fields beside them naming another court.
    answer["entries"][0]["node"] = {"code": "sh-pd-court", "name": "上海市浦东新区人民法院"}


def tamper_node_and_time_in_entry(answer: Answer) -> None:
    # The entry's bytes naming another court and time, and the fields beside them agreeing.
    entry = answer["entries"][0]
    data = json.loads(base64.b64decode(entry["entry"]))
    data.update(node="sh-pd-court", time="2020-01-01T00:00:00.000Z")
    entry["entry"] = base64.b64encode(json.dumps(data).encode()).decode()
    entry.update(node={"code": "sh-pd-court", "name": "上海市浦东新区人民法院"}, time=data["time"])


def serve_tampered(page: Page, tamper: Callable[[Answer], None]) -> None:
    def route(route: Route) -> None:
        response = route.fetch()
        answer = response.json()
        tamper(answer)
        route.fulfill(response=response, json=answer)

    page.route("**/api/v1/verify?*", route)


def open_result(page: Page, court: Node, tmp_path: Path) -> None:
    for n in range(5):
        anchor(court, f"earlier record {n}".encode())
    anchor(court, DOCUMENT)
    document = tmp_path / "agreement.pdf"
    document.write_bytes(DOCUMENT)
    page.goto("/")
    page.set_input_files("#files", document)


TAMPERINGS_OF_ANSWERS = [
    (tamper_proof_hash, "inclusion_proof", "The proof does not lead to the checkpoint's root"),
    (tamper_checkpoint_root, "checkpoint_root", "The signed checkpoint does not state"),
    (tamper_signature, "signature", "The checkpoint's signature is not valid"),
    (tamper_attacker_key, "known_key", "Unknown key: no signature on the checkpoint is by a"),
    (tamper_attacker_log, "checkpoint_root", "The signed checkpoint does not state"),
    (tamper_entry, "entry_hash", "The entry does not name this file's fingerprint."),
    (tamper_node_beside_entry, "entry_hash", "The answer names another court"),
    (tamper_node_and_time_in_entry, "inclusion_proof", "The proof does not lead to the"),
]


@pytest.mark.parametrize(
    ("tamper", "step", "failure"),
    TAMPERINGS_OF_ANSWERS,
    ids=[tamper.__name__.removeprefix("tamper_") for tamper, _, _ in TAMPERINGS_OF_ANSWERS],
)
def test_the_page_refuses_a_tampered_answer_and_names_the_failed_step(
    visit: Visit,
    court: Node,
    tmp_path: Path,
    tamper: Callable[[Answer], None],
    step: str,
    failure: str,
) -> None:
    page = visit.page
    serve_tampered(page, tamper)
    open_result(page, court, tmp_path)
    check = page.locator("[data-browser-check]")
    expect(check).to_have_attribute("data-verdict", "refused")
    expect(check.locator("[data-status]")).to_have_text(
        "Not verified in your browser: see the check that failed below."
    )
    entry = check.locator("article")
    expect(entry).to_have_attribute("data-failed-step", step)
    expect(entry.locator(".verdict")).to_have_text(
        "Not verified in your browser: a check failed (marked below). Do not rely on this "
        "answer: check the receipt with the offline verifier, or ask the court."
    )
    failed = entry.locator(f'[data-step="{step}"]')
    expect(failed).to_have_attribute("data-step-status", "failed")
    expect(failed).to_contain_text(failure)
    expect(entry.get_by_text("Verified in your browser", exact=True)).to_have_count(0)
    expect(entry.locator('[data-step-status="failed"]')).to_have_count(1)
    expect(entry.locator("[data-failure]")).to_have_count(1)
    # The server's lines of the entry stay, marked as not confirmed by the browser.
    for line in page.locator("[data-entry-field]").all():
        expect(line).to_have_attribute("data-checked", "refused")
        expect(line).to_contain_text("not confirmed by your browser")
    if tamper is tamper_proof_hash:
        screenshot(page, "refused-in-browser")


def test_the_anchored_by_and_time_lines_are_the_verified_entrys_not_the_servers_html(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    page = visit.page
    served: list[str] = []

    def other_lines(route: Route) -> None:
        # The server's HTML naming another court and time than the entry it proves.
        response = route.fetch()
        html = response.text().replace(f"{court.name} ({court.code})", "Another court (other)")
        html = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+Z", "2020-01-01T00:00:00.000Z", html)
        html = re.sub(r"\d+ \w{3} \d{4}, \d\d:\d\d", "1 Jan 2020, 08:00", html)
        served.append(html)
        route.fulfill(response=response, body=html)

    page.route(lambda url: urlparse(url).path == "/" and "sha256=" in url, other_lines)
    open_result(page, court, tmp_path)
    expect(page.locator("[data-browser-check]")).to_have_attribute("data-verdict", "verified")
    (html,) = served
    assert "Another court (other)" in html
    assert "2020-01-01T00:00:00.000Z" in html
    assert "1 Jan 2020, 08:00 (Beijing time, UTC+8)" in html
    row = Entry.objects.get(sha256=hashlib.sha256(DOCUMENT).hexdigest())
    time = decode_entry(bytes(row.data)).time
    node_line = page.locator('[data-entry-field="node"]')
    time_line = page.locator('[data-entry-field="time"]')
    expect(node_line).to_have_text(f"{court.name} ({court.code}) (checked in your browser)")
    with translation.override("en"):
        shown = court_time(time)
    expect(time_line).to_have_text(f"{shown} (checked in your browser)")
    expect(time_line.locator("time")).to_have_attribute("datetime", time)
    for line in (node_line, time_line):
        expect(line).to_have_attribute("data-checked", "verified")


# Changes to an inclusion proof's inputs, made the same way by the page's JavaScript (in the
# test below) and by tampered() here: the port must reach Python's verdict on each.
TAMPERINGS = [
    "root hash byte flipped",
    "leaf hash byte flipped",
    "index one more",
    "tree size one more",
    "one hash too many",
    "first proof hash flipped (or the root, for an empty proof)",
    "one hash too few (or size 0, for an empty proof)",
]


def tampered(vector: dict[str, Any], n: int) -> dict[str, Any]:
    root, leaf = bytearray.fromhex(vector["root"]), bytearray.fromhex(vector["leaf_hash"])
    proof = [bytearray.fromhex(h) for h in vector["path"]]
    index, size = vector["index"], vector["size"]
    if n == 0:
        root[0] ^= 1
    elif n == 1:
        leaf[31] ^= 1
    elif n == 2:
        index += 1
    elif n == 3:
        size += 1
    elif n == 4:
        proof.append(root)
    elif n == 5 and proof:
        proof[0][0] ^= 1
    elif n == 5:
        root[5] ^= 1
    elif proof:
        proof.pop()
    else:
        size = 0
    return {
        "leaf_hash": bytes(leaf),
        "index": index,
        "size": size,
        "root": bytes(root),
        "proof": [bytes(h) for h in proof],
    }


def python_verdict(arguments: dict[str, Any]) -> bool:
    try:
        verify_inclusion(**arguments)
    except InclusionProofError:
        return False
    return True


def test_the_javascript_port_agrees_with_the_rfc_6962_vectors_and_python(visit: Visit) -> None:
    vectors = json.loads((VECTORS / "rfc6962_8leaf.json").read_text())
    page = visit.page
    page.goto("/")
    outcome = page.evaluate(
        """async ([vectors, tamperings]) => {
          const tlog = await import("/static/portal/js/tlog-verify.js");
          const bytes = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
          const toHex = (a) => Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
          const leaves = await Promise.all(vectors.leaves_hex.map((l) => tlog.leafHash(bytes(l))));
          // Each tampering, as a function of the arguments a (no eval: the page's CSP forbids it).
          const changes = [
            (a) => { a.root[0] ^= 1; },
            (a) => { a.leaf[31] ^= 1; },
            (a) => { a.index += 1n; },
            (a) => { a.size += 1n; },
            (a) => { a.proof.push(a.root); },
            (a) => { if (a.proof.length) a.proof[0][0] ^= 1; else a.root[5] ^= 1; },
            (a) => { if (a.proof.length) a.proof.pop(); else a.size = 0n; },
          ];
          if (changes.length !== tamperings.length) throw new Error("tamperings differ");
          const verdict = (v, change) => {
            const a = { leaf: bytes(v.leaf_hash), index: BigInt(v.index), size: BigInt(v.size),
                        proof: v.path.map(bytes), root: bytes(v.root) };
            change(a);
            return tlog.verifyInclusion(a).then(() => true, (e) => {
              if (e.step !== "inclusion_proof") throw e;
              return false;
            });
          };
          const verdicts = [];
          for (const v of vectors.inclusion) {
            verdicts.push([await verdict(v, () => {}),
                           ...(await Promise.all(changes.map((c) => verdict(v, c))))]);
          }
          return { leafHashes: leaves.map(toHex), verdicts };
        }""",
        [vectors, TAMPERINGS],
    )
    assert outcome["leafHashes"] == vectors["leaf_hashes_hex"]
    expected = [
        [True] + [python_verdict(tampered(v, n)) for n in range(len(TAMPERINGS))]
        for v in vectors["inclusion"]
    ]
    assert outcome["verdicts"] == expected
    # Most tamperings are refused; a few leave RFC 9162's computation unchanged (a larger size
    # that folds the same way), which is why the page also checks the signed size.
    refused = sum(verdict is False for row in expected for verdict in row)
    assert refused > 0.9 * len(TAMPERINGS) * len(vectors["inclusion"])


def test_the_javascript_port_reads_the_signed_note_vectors_keys(visit: Visit) -> None:
    notes = json.loads((VECTORS / "signed_notes.json").read_text())["notes"]
    vkeys = [note["vkey"] for note in notes]
    page = visit.page
    page.goto("/")
    parsed = page.evaluate(
        """async (vkeys) => {
          const { parseVerifierKey } = await import("/static/portal/js/tlog-verify.js");
          const keys = await Promise.all(vkeys.map(parseVerifierKey));
          const mangled = vkeys.map((k) => k.replace(/\\+([0-9a-f]{8})\\+/, "+00000000+"));
          const refused = await Promise.all(mangled.map(parseVerifierKey));
          return { ids: keys.map((k) => k.id.toString(16).padStart(8, "0")),
                   names: keys.map((k) => k.name), refused: refused.every((k) => k === null) };
        }""",
        vkeys,
    )
    assert parsed["names"] == [vkey.split("+")[0] for vkey in vkeys]
    assert parsed["ids"] == [vkey.split("+")[1] for vkey in vkeys]
    assert parsed["refused"]


def test_a_browser_without_ed25519_says_it_could_not_check_rather_than_verified(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    page = visit.page
    # Browsers before WebCrypto's Ed25519 refuse the algorithm as not supported.
    page.add_init_script(
        """(() => {
          const importKey = crypto.subtle.importKey.bind(crypto.subtle);
          crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
            algorithm?.name === "Ed25519"
              ? Promise.reject(new DOMException("Ed25519", "NotSupportedError"))
              : importKey(format, key, algorithm, ...rest);
        })()"""
    )
    open_result(page, court, tmp_path)
    check = page.locator("[data-browser-check]")
    expect(check).to_have_attribute("data-verdict", "unsupported")
    expect(check.locator("[data-status]")).to_have_text(
        "Not checked: this browser cannot verify Ed25519 signatures"
    )
    entry = check.locator("article")
    expect(entry).to_have_attribute("data-verdict", "unsupported")
    expect(entry.locator(".verdict")).to_contain_text("this browser cannot verify Ed25519")
    expect(entry.locator('[data-step="signature"]')).to_have_attribute(
        "data-step-status", "not_checked"
    )
    expect(entry.locator('[data-step-status="passed"]')).to_have_count(4)
