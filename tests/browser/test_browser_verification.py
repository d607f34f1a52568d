"""Verified in your browser: the page checks the entry, its RFC 9162 inclusion proof, the
signed checkpoint and its Ed25519 signature itself, and refuses an answer tampered with on the
way, naming the step that failed. The JavaScript port agrees with the public test vectors."""

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from judicial_verify.records.models import Node
from judicial_verify.tlog.errors import InclusionProofError
from judicial_verify.tlog.note import generate_signer_key
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


def tamper_key(answer: Answer) -> None:
    # Another key of the same name: a server (or a proxy) that publishes its own.
    origin = answer["entries"][0]["checkpoint"]["origin"]
    answer["verifier_keys"] = [generate_signer_key(origin)[1]]


def tamper_entry(answer: Answer) -> None:
    entry = answer["entries"][0]
    data = json.loads(base64.b64decode(entry["entry"]))
    data["sha256"] = "0" * 64
    entry["entry"] = base64.b64encode(json.dumps(data).encode()).decode()


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


@pytest.mark.parametrize(
    ("tamper", "step", "failure"),
    [
        (tamper_proof_hash, "inclusion_proof", "The proof does not lead to the checkpoint's root"),
        (tamper_checkpoint_root, "checkpoint_root", "The signed checkpoint does not state"),
        (tamper_signature, "signature", "The checkpoint's signature is not valid"),
        (tamper_key, "known_key", "Unknown key: no signature on the checkpoint is by a published"),
        (tamper_entry, "entry_hash", "The entry does not name this file's fingerprint."),
    ],
    ids=lambda value: value if isinstance(value, str) and " " not in value else "",
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
    if step == "inclusion_proof":
        screenshot(page, "refused-in-browser")


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
