"""Cosigned by the alliance, checked in the browser: the page reads the log's witness policy
(GET /log/policy, C2SP tlog-policy), verifies each cosignature/v1 on the checkpoint with
WebCrypto, and says which institutions vouched and when, in words; below the quorum it refuses.
Without a policy (404) it checks as it did before there were witnesses.

Most tests serve the policy by the browser's route and add the cosignatures to the answer's
checkpoint with test witness keys, as the log's witnesses would have; one runs the log with its
witnesses (main's fake witnesses on loopback) and /log/policy as they are."""

import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.utils import translation
from playwright.sync_api import Locator, Page, Route, expect

from judicial_verify.ledger.keys import log_signer
from judicial_verify.records.models import Node
from judicial_verify.tlog.cosignature import Cosigner, format_signature_line, generate_cosigner_key
from judicial_verify.tlog.errors import PolicyError
from judicial_verify.tlog.note import Signature, Signer, generate_signer_key, sign_note
from judicial_verify.tlog.policy import parse_policy, valid_cosignatures
from tests.ledger.fake_witnesses import FakeWitness, close_all, fake_witness, policy_write

from .conftest import Visit, anchor, screenshot
from .test_browser_verification import DOCUMENT, Answer, open_result

COSIGNED_AT = 1_764_876_000  # 2025-12-04T19:20:00Z
SHORT_NAMES = ["procuratorate", "notary", "arbitration"]
INSTITUTIONS = {
    "procuratorate": {"zh-hans": "北京市人民检察院", "en": "Beijing People's Procuratorate"},
    "notary": {"zh-hans": "北京市方正公证处", "en": "Beijing Fangzheng Notary Office"},
    "arbitration": {"zh-hans": "北京仲裁委员会", "en": "Beijing Arbitration Commission"},
}
NAMES = ["北京市人民检察院", "北京市方正公证处", "北京仲裁委员会"]
WITNESSES = [Cosigner(generate_cosigner_key(f"w{i}.example/witness")[0]) for i in (1, 2, 3)]


def policy_text(quorum: str = "2") -> str:
    lines = [f"witness {name} {w.verifier_key}" for name, w in zip(NAMES, WITNESSES, strict=True)]
    if quorum == "none":
        return "\n".join([*lines, "quorum none"]) + "\n"
    return (
        "\n".join([*lines, f"group alliance {quorum} {' '.join(NAMES)}", "quorum alliance"]) + "\n"
    )


def serve_policy(page: Page, text: str | None, status: int = 200) -> None:
    def route(route: Route) -> None:
        route.fulfill(status=status, content_type="text/plain; charset=utf-8", body=text or "")

    page.route("**/log/policy", route)


def cosigned(*witnesses: int, timestamp: int = COSIGNED_AT) -> Callable[[Answer], None]:
    """Adds to each checkpoint of the answer a cosignature by each of the numbered witnesses."""

    def tamper(answer: Answer) -> None:
        for entry in answer["entries"]:
            checkpoint = entry["checkpoint"]
            text = checkpoint["note"].rsplit("\n\n", 1)[0] + "\n"
            lines = [WITNESSES[n - 1].cosign(text, timestamp) for n in witnesses]
            checkpoint["note"] += "".join(format_signature_line(sig) for sig in lines)

    return tamper


def serve_answer(page: Page, tamper: Callable[[Answer], None]) -> None:
    def route(route: Route) -> None:
        response = route.fetch()
        answer = response.json()
        tamper(answer)
        route.fulfill(response=response, json=answer)

    page.route("**/api/v1/verify?*", route)


def open_checked(
    visit: Visit, court: Node, tmp_path: Path, policy: str | None, *witnesses: int
) -> Locator:
    page = visit.page
    serve_policy(page, policy, 200 if policy is not None else 404)
    serve_answer(page, cosigned(*witnesses))
    open_result(page, court, tmp_path)
    return page.locator("[data-browser-check]")


def test_a_quorum_of_cosignatures_is_verified_naming_the_witnesses_and_times(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    check = open_checked(visit, court, tmp_path, policy_text(), 1, 3)
    expect(check).to_have_attribute("data-verdict", "verified")
    entry = check.locator("article")
    expect(entry.locator('[data-step="witnesses"]')).to_have_attribute("data-step-status", "passed")
    expect(entry.locator("[data-witnessed-by]")).to_have_text(
        "Cosigned by 2 of the 3 alliance witnesses (2 required): "
        f"{NAMES[0]} (cosigned 5 Dec 2025, 03:20 (Beijing time, UTC+8)) and "
        f"{NAMES[2]} (cosigned 5 Dec 2025, 03:20 (Beijing time, UTC+8))."
    )
    screenshot(visit.page, "cosigned-in-browser")


@pytest.fixture
def alliance(settings: LazySettings, tmp_path: Path) -> Iterator[list[FakeWitness]]:
    """The log's witness policy, three witnesses that cosign on loopback, two a quorum, and
    the institutions that run them (WITNESS_INSTITUTIONS)."""
    witnesses = [fake_witness(name) for name in SHORT_NAMES]
    settings.WITNESS_POLICY = policy_write(
        tmp_path / "log.policy",
        log_signer().verifier_key,
        [(w.name, w.vkey, w.url) for w in witnesses],
        quorum="alliance",
        groups=[f"group alliance 2 {' '.join(SHORT_NAMES)}"],
    )
    institutions = tmp_path / "institutions.json"
    institutions.write_text(json.dumps(INSTITUTIONS, ensure_ascii=False), encoding="utf-8")
    settings.WITNESS_INSTITUTIONS = institutions
    yield witnesses
    close_all(witnesses)


def test_the_log_s_own_cosigned_checkpoint_and_policy_are_verified_naming_institutions(
    visit: Visit, court: Node, tmp_path: Path, alliance: list[FakeWitness]
) -> None:
    page = visit.page
    open_result(page, court, tmp_path)
    check = page.locator("[data-browser-check]")
    expect(check).to_have_attribute("data-verdict", "verified")
    cosigned = r"\(cosigned \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d \(Beijing time, UTC\+8\)\)"
    english = [INSTITUTIONS[name]["en"] for name in SHORT_NAMES]
    expect(check.locator("[data-witnessed-by]")).to_have_text(
        re.compile(
            rf"^Cosigned by 3 of the 3 alliance witnesses \(2 required\): {english[0]} "
            rf"{cosigned}, {english[1]} {cosigned}, and {english[2]} {cosigned}\.$"
        )
    )
    assert any(url.endswith("/log/policy") for _, url, _ in visit.requests)


@pytest.mark.parametrize("locale", ["zh-CN"])
def test_a_chinese_reader_is_told_the_institutions_chinese_names(
    visit: Visit, court: Node, tmp_path: Path, alliance: list[FakeWitness]
) -> None:
    page = visit.page
    open_result(page, court, tmp_path)
    check = page.locator("[data-browser-check]")
    expect(check).to_have_attribute("data-verdict", "verified")
    expect(check.locator("[data-witnessed-by]")).to_contain_text(
        "已由 3 个联盟见证人中的 3 个联署（至少需要 2 个）："
        f"{INSTITUTIONS['procuratorate']['zh-hans']}（联署时间"
    )


def test_all_three_witnesses_are_named_when_all_cosigned(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    check = open_checked(visit, court, tmp_path, policy_text(), 3, 2, 1)
    expect(check).to_have_attribute("data-verdict", "verified")
    expect(check.locator("[data-witnessed-by]")).to_contain_text(
        f"Cosigned by 3 of the 3 alliance witnesses (2 required): {NAMES[0]} (cosigned"
    )


@pytest.mark.parametrize("locale", ["zh-CN"])
def test_the_witnesses_are_named_in_chinese_for_a_chinese_reader(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    check = open_checked(visit, court, tmp_path, policy_text(), 1, 2)
    expect(check).to_have_attribute("data-verdict", "verified")
    expect(check.locator("[data-witnessed-by]")).to_have_text(
        "已由 3 个联盟见证人中的 2 个联署（至少需要 2 个）："
        f"{NAMES[0]}（联署时间 2025年12月5日 03:20（北京时间））和"
        f"{NAMES[1]}（联署时间 2025年12月5日 03:20（北京时间））。"
    )
    with translation.override("zh-hans"):
        step = translation.gettext("Witnesses:")
    assert step != "Witnesses:"
    expect(check.locator('[data-step="witnesses"]')).to_contain_text(step)


def test_below_the_quorum_the_page_refuses_and_says_who_cosigned(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    check = open_checked(visit, court, tmp_path, policy_text(), 2)
    expect(check).to_have_attribute("data-verdict", "refused")
    entry = check.locator("article")
    expect(entry).to_have_attribute("data-failed-step", "witnesses")
    failed = entry.locator('[data-step="witnesses"]')
    expect(failed).to_have_attribute("data-step-status", "failed")
    expect(failed.locator("[data-failure]")).to_have_text(
        "Cosigned by only 1 of the 3 alliance witnesses (2 required): "
        f"{NAMES[1]} (cosigned 5 Dec 2025, 03:20 (Beijing time, UTC+8))."
    )
    expect(entry.locator('[data-step-status="passed"]')).to_have_count(5)
    expect(entry.locator("[data-witnessed-by]")).to_have_count(0)
    for line in visit.page.locator("[data-entry-field]").all():
        expect(line).to_contain_text("not confirmed by your browser")


@pytest.mark.parametrize("locale", ["zh-CN"])
def test_below_the_quorum_the_refusal_is_in_chinese_for_a_chinese_reader(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    check = open_checked(visit, court, tmp_path, policy_text())
    expect(check).to_have_attribute("data-verdict", "refused")
    expect(check.locator('[data-step="witnesses"] [data-failure]')).to_have_text(
        "仅有 3 个联盟见证人中的 0 个联署（至少需要 2 个）：无。"
    )


def test_a_forged_cosignature_counts_for_nothing(visit: Visit, court: Node, tmp_path: Path) -> None:
    page = visit.page
    serve_policy(page, policy_text())

    def forged_and_real(answer: Answer) -> None:
        cosigned(2)(answer)
        checkpoint = answer["entries"][0]["checkpoint"]
        text = checkpoint["note"].split("\n\n", 1)[0] + "\n"
        real = WITNESSES[0].cosign(text, COSIGNED_AT)
        forged = bytearray(real.signature)
        forged[20] ^= 1
        checkpoint["note"] += format_signature_line(
            Signature(real.name, real.key_id, bytes(forged))
        )

    serve_answer(page, forged_and_real)
    open_result(page, court, tmp_path)
    check = page.locator("[data-browser-check]")
    expect(check).to_have_attribute("data-verdict", "refused")
    expect(check.locator('[data-step="witnesses"] [data-failure]')).to_contain_text(
        "Cosigned by only 1 of the 3"
    )


def test_a_cosignature_made_over_another_time_than_it_states_counts_for_nothing(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    page = visit.page
    serve_policy(page, policy_text("1"))

    def restamped(answer: Answer) -> None:
        checkpoint = answer["entries"][0]["checkpoint"]
        text = checkpoint["note"].split("\n\n", 1)[0] + "\n"
        real = WITNESSES[0].cosign(text, COSIGNED_AT)
        later = (COSIGNED_AT + 1).to_bytes(8, "big") + real.signature[8:]
        checkpoint["note"] += format_signature_line(Signature(real.name, real.key_id, later))

    serve_answer(page, restamped)
    open_result(page, court, tmp_path)
    expect(page.locator("[data-browser-check]")).to_have_attribute("data-verdict", "refused")


def test_a_policy_requiring_no_witness_verifies_and_says_so(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    check = open_checked(visit, court, tmp_path, policy_text("none"))
    expect(check).to_have_attribute("data-verdict", "verified")
    expect(check.locator("[data-witnessed-by]")).to_have_text(
        "The log's witness policy requires no cosignature."
    )


def test_without_a_policy_the_page_checks_as_before_and_shows_no_witness_step(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    check = open_checked(visit, court, tmp_path, None)
    expect(check).to_have_attribute("data-verdict", "verified")
    expect(check.locator('[data-step="witnesses"]')).to_have_count(0)
    expect(check.locator("[data-witnessed-by]")).to_have_count(0)
    expect(check.locator('[data-step-status="passed"]')).to_have_count(5)


@pytest.mark.parametrize(
    ("body", "status"), [("quorum nobody\n", 200), ("", 500)], ids=["malformed", "server error"]
)
def test_a_policy_that_cannot_be_read_is_refused_not_skipped(
    visit: Visit, court: Node, tmp_path: Path, body: str, status: int
) -> None:
    page = visit.page
    serve_policy(page, body, status)
    open_result(page, court, tmp_path)
    check = page.locator("[data-browser-check]")
    expect(check).to_have_attribute("data-verdict", "refused")
    expect(check.locator('[data-step="witnesses"] [data-failure]')).to_have_text(
        "The log's witness policy could not be read, so the witnesses' cosignatures could not "
        "be checked."
    )
    # The server error's console line is the one this test causes.
    visit.console_errors[:] = [e for e in visit.console_errors if "status of 500" not in e]


def test_the_table_of_several_files_names_a_refusal_for_too_few_cosignatures(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    anchor(court, DOCUMENT)
    files = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    files[0].write_bytes(DOCUMENT)
    files[1].write_bytes(b"not anchored")
    page = visit.page
    serve_policy(page, policy_text())
    serve_answer(page, cosigned(1))
    page.goto("/")
    page.set_input_files("#files", files)
    rows = page.locator("[data-results] tbody tr")
    expect(rows.locator("td:nth-child(7)")).to_have_text(
        ["Refused: too few witness cosignatures", ""]
    )


# --- the JavaScript port agrees with tlog/policy.py ------------------------------------------

LOG_KEY = generate_signer_key("court.example/log")[1]
W = [w.verifier_key for w in WITNESSES]
POLICIES = [
    policy_text(),
    policy_text("all"),
    policy_text("any"),
    policy_text("none"),
    f"log {LOG_KEY}\n# a comment\n\n witness\tA {W[0]} https://a.example/ \nquorum A",
    f"witness A {W[0]}\nwitness B {W[1]}\ngroup G 1 A B\ngroup H all G\nquorum H\n",
    f"witness A {W[0]}\ngroup G 01 A\nquorum G\n",
    # Refused:
    f"witness A {W[0]}\n",
    f"witness A {W[0]}\nquorum A\nquorum A\n",
    f"witness A {W[0]}\nwitness A {W[1]}\nquorum A\n",
    f"witness A {W[0]}\nwitness B {W[0]}\nquorum A\n",
    f"witness none {W[0]}\nquorum none\n",
    f"group G any A\nwitness A {W[0]}\nquorum G\n",
    f"witness A {W[0]}\ngroup G 2 A\nquorum G\n",
    f"witness A {W[0]}\ngroup G 0 A\nquorum G\n",
    f"witness A {W[0]}\ngroup G any A A\nquorum G\n",
    f"witness A {W[0]}\ngroup G any A\ngroup H any A\nquorum G\n",
    f"witness A {W[0]}\ngroup G any none\nquorum G\n",
    f"witness A {LOG_KEY}\nquorum A\n",
    f"log {W[0]}\nquorum none\n",
    f"log {LOG_KEY} a b\nquorum none\n",
    f"witness A {W[0]}\nquorum B\n",
    f"witness A {W[0]}\nquorum\n",
    f"witnesses A {W[0]}\nquorum A\n",
    f"witness A {W[0]}\x01\nquorum A\n",
]


def python_parses(text: str) -> bool:
    try:
        parse_policy(text.encode())
    except PolicyError:
        return False
    return True


def test_the_javascript_policy_parser_accepts_and_refuses_as_python_does(visit: Visit) -> None:
    page = visit.page
    page.goto("/")
    verdicts = page.evaluate(
        """async (policies) => {
          const { parsePolicy, PolicyError } = await import("/static/portal/js/tlog-policy.js");
          return Promise.all(policies.map((text) => parsePolicy(text).then(() => true, (e) => {
            if (!(e instanceof PolicyError)) throw e;
            return false;
          })));
        }""",
        POLICIES,
    )
    assert verdicts == [python_parses(text) for text in POLICIES]
    assert verdicts.count(True) == 7


def test_the_javascript_cosignature_check_agrees_with_python(visit: Visit) -> None:
    # Each witness's cosignature on a checkpoint, then the same lines altered: a signature bit,
    # the stated time, the key ID, the name. Python and the page must find the same witnesses.
    note = sign_note(
        "court.example/log\n5\n" + "A" * 43 + "=\n",
        [Signer(generate_signer_key("court.example/log")[0])],
    )
    text = note.decode().split("\n\n")[0] + "\n"
    good = [w.cosign(text, COSIGNED_AT) for w in WITNESSES]
    altered = [
        Signature(
            good[0].name, good[0].key_id, good[0].signature[:30] + b"\0" + good[0].signature[31:]
        ),
        Signature(good[1].name, good[1].key_id, (1).to_bytes(8, "big") + good[1].signature[8:]),
        Signature(good[2].name, good[2].key_id ^ 1, good[2].signature),
        Signature("w9.example/witness", good[2].key_id, good[2].signature),
    ]
    cases: list[Sequence[Signature]] = [good, good[:1], altered, [altered[0], good[2]], []]
    policy = parse_policy(policy_text().encode())
    expected = [[c.witness for c in valid_cosignatures(policy, text, lines)] for lines in cases]
    notes = [note.decode() + "".join(format_signature_line(s) for s in lines) for lines in cases]
    page = visit.page
    page.goto("/")
    found = page.evaluate(
        """async ([policyText, notes]) => {
          const policies = await import("/static/portal/js/tlog-policy.js");
          const { parsePolicy, validCosignatures } = policies;
          const policy = await parsePolicy(policyText);
          return Promise.all(notes.map(async (note) => {
            const split = note.lastIndexOf("\\n\\n");
            const text = note.slice(0, split + 1);
            const signatures = note.slice(split + 2, -1).split("\\n").map((line) => {
              const [, name, b64] = line.match(/^\\u2014 (\\S+) (\\S+)$/);
              const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
              const id = new DataView(raw.buffer).getUint32(0);
              return { name, id, signature: raw.subarray(4) };
            });
            return (await validCosignatures(policy, text, signatures)).map((c) => c.witness);
          }));
        }""",
        [policy_text(), notes],
    )
    assert found == expected
    assert expected[0] == NAMES
    assert expected[2] == []
    assert expected[3] == [NAMES[2]]
