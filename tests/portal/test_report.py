"""The verification report (/report/INDEX.pdf): read back with poppler's pdftotext, as a
person reading the printed page would, Chinese included; its first page is rendered to
docs/screenshots/report-page1.png."""

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import LazySettings, settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from judicial_verify.ledger import read
from judicial_verify.ledger.keys import log_signer
from judicial_verify.portal.report import report_outcome
from judicial_verify.rate_limits import rate_parse
from judicial_verify.records.kinds import MAX_LIST_ITEMS, MAX_METADATA_BYTES
from judicial_verify.records.selectors import entry_view
from tests.anchoring import TITLE, anchor
from tests.ledger.fake_witnesses import FakeWitness, Reply, close_all, fake_witness, policy_write
from tests.people import Actor, node_of, sha
from tests.service_discipline import services_required

SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshots" / "report-page1.png"


def _report_url(index: int | str) -> str:
    return reverse("portal:report", kwargs={"index": index})


@pytest.fixture
def poppler() -> None:
    """pdftotext and pdftoppm (Debian's poppler-utils, installed by .ci/run): skipped without
    them on a developer's machine, failed where CI or REQUIRE_SERVICES is set."""
    if shutil.which("pdftotext") and shutil.which("pdftoppm"):
        return
    reason = "needs poppler-utils (pdftotext, pdftoppm): apt-get install poppler-utils"
    if services_required():
        pytest.fail(f"{reason} (required: CI or REQUIRE_SERVICES is set)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def pdf_text(poppler: None, tmp_path: Path) -> Callable[[bytes], str]:
    """The PDF's text laid out as on the page, each run of spaces made one: a label and its
    value read `记录编号 0`."""

    def text_of(pdf: bytes) -> str:
        path = tmp_path / "report.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
            capture_output=True,
            check=True,
        )
        return re.sub(r" +", " ", done.stdout.decode())

    return text_of


def _joined_words(text: str) -> str:
    """The text with each run of white space one space, where a sentence wrapped is whole."""
    return re.sub(r"\s+", " ", text)


def _joined(text: str) -> str:
    """The text without white space, where a long hash or address wrapped is whole again."""
    return re.sub(r"\s+", "", text)


def _report(client: Client, index: int | str, **query: str) -> bytes:
    response = client.get(_report_url(index), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_it_reports_a_record_to_anyone_in_chinese_and_english(
    public: Actor, court: Actor, pdf_text: Callable[[bytes], str]
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    text = pdf_text(_report(public.client, index))
    for expected in (
        "核验报告",
        "Verification report",
        "核验通过",
        "Verified",
        "北京市朝阳区人民法院 (court-a)",
        "案卷",
        "Case file",
        sha("judgment"),
        "存证时间",
        "检查点签署时间",
        "报告生成时间",
        f"记录编号 {index}",
        "树大小 1",
        "Tree size",
        "证明哈希数 0",
        "Proof hashes",
        f"entry-{index}.tlog-proof",
    ):
        assert expected in text, expected
    # The key wraps in its table cell, beside the label's English line.
    assert read.checkpoint_latest().key.vkey in _joined(text.replace("Verifier key", ""))
    assert f"http://testserver/?sha256={sha('judgment')}&index={index}" in _joined(text)


def test_it_shows_no_metadata_to_the_public(
    public: Actor, lawyer: Actor, court: Actor, pdf_text: Callable[[bytes], str]
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    for person in (public, lawyer):
        text = pdf_text(_report(person.client, index))
        assert "元数据" not in text
        assert "京0105民初1号" not in text
        assert "王某" not in text


def test_it_gives_the_anchoring_courts_judge_the_full_metadata(
    judge: Actor, court: Actor, pdf_text: Callable[[bytes], str]
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    response = judge.client.get(_report_url(index))
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "元数据（仅限存证法院）" in text
    assert "案号 (2026) 京0105民初1号" in text
    assert "Case number" in text
    assert "王某、李某" in text
    assert TITLE in text


def test_it_shows_another_courts_judge_no_metadata(
    other_judge: Actor, court: Actor, pdf_text: Callable[[bytes], str]
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    text = pdf_text(_report(other_judge.client, index))
    assert sha("judgment") in text
    assert "京0105民初1号" not in text


def test_it_reports_a_file_whose_content_differs(
    public: Actor, court: Actor, pdf_text: Callable[[bytes], str]
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    text = pdf_text(_report(public.client, index, sha256=sha("a re-saved copy").upper()))
    assert "内容不一致" in text
    assert "Content differs" in text
    assert "电子签名法》第五条" in _joined(text)
    assert sha("a re-saved copy") in text
    assert "核验通过" not in text


def test_it_reports_a_matching_file_as_verified(
    public: Actor, court: Actor, pdf_text: Callable[[bytes], str]
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    text = pdf_text(_report(public.client, index, sha256=sha("judgment")))
    assert "核验通过" in text


def test_it_embeds_subsets_of_its_fonts_chinese_included(
    public: Actor, court: Actor, poppler: None, tmp_path: Path
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    path = tmp_path / "report.pdf"
    path.write_bytes(_report(public.client, index))
    fonts = subprocess.run(
        ["pdffonts", str(path)],  # noqa: S607 (poppler on PATH)
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert {row[0].split("+")[1] for row in rows} == {
        "DejaVuSansBook",
        "DejaVuSansMonoBook",
        "DroidSansFallback",
    }
    # Columns: type "CID TrueType", encoding, then embedded, subset, unicode map.
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows), fonts


def test_it_renders_its_first_page_for_the_readme(
    judge: Actor, court: Actor, poppler: None, tmp_path: Path
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    path = tmp_path / "report.pdf"
    path.write_bytes(_report(judge.client, index))
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-singlefile", str(path), str(SCREENSHOT.with_suffix(""))],  # noqa: S607
        check=True,
    )
    assert SCREENSHOT.read_bytes().startswith(b"\x89PNG")


def test_it_says_when_a_proof_does_not_verify(court: Actor) -> None:
    index = anchor(node_of(court), sha("judgment"))
    anchor(node_of(court), sha("another"))
    proof = read.inclusion_proof_published(index)
    tampered = type(proof)(index=index, hashes=(bytes(32),), checkpoint=proof.checkpoint)
    outcome = report_outcome(entry_view(index), tampered)
    assert outcome.code == "failed"
    assert "inclusion proof does not lead to the root hash" in outcome.detail_en


@pytest.mark.parametrize("index", ["abc", "-1", "٣", "00", "99999999999999999999", str(2**63), "7"])
def test_it_answers_a_bad_or_unknown_record_number_with_not_found(
    public: Actor, court: Actor, index: str
) -> None:
    anchor(node_of(court), sha("judgment"))
    assert public.client.get(_report_url(index)).status_code == 404


def test_it_answers_a_fingerprint_that_is_not_one_with_not_found(
    public: Actor, court: Actor
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    response = public.client.get(_report_url(index), {"sha256": "not-a-hash"})
    assert response.status_code == 404


def test_it_offers_the_report_and_the_receipt_on_the_result_page(
    public: Actor, court: Actor
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    verified = public.client.get(reverse("portal:verify"), {"sha256": sha("judgment")})
    page = verified.content.decode()
    assert f'href="/report/{index}.pdf"' in page
    assert f'href="/api/v1/entries/{index}/receipt"' in page
    differs = public.client.get(
        reverse("portal:verify"), {"sha256": sha("a copy"), "index": str(index)}
    )
    assert f'href="/report/{index}.pdf?sha256={sha("a copy")}"' in differs.content.decode()


def test_it_serves_a_receipt_that_the_report_link_names(public: Actor, court: Actor) -> None:
    index = anchor(node_of(court), sha("judgment"))
    response = public.client.get(f"/api/v1/entries/{index}/receipt")
    assert response.status_code == 200
    assert f"entry-{index}.tlog-proof" in response["Content-Disposition"]


def test_it_labels_a_choice_in_both_languages_for_the_judge(
    judge: Actor, court: Actor, pdf_text: Callable[[bytes], str]
) -> None:
    served = {"case_number": "(2026) 京0105民初1号", "method": "electronic", "recipient": "王某"}
    index = anchor(node_of(court), sha("summons"), kind="served_document", metadata=served)
    text = pdf_text(_report(judge.client, index))
    assert "送达文书 Served litigation document" in text
    assert "送达方式 电子送达 Electronic service" in text
    assert "受送达人 王某" in text


def test_it_keeps_latin_text_its_size_after_a_chinese_line(
    public: Actor, court: Actor, poppler: None, tmp_path: Path
) -> None:
    # The title block's third line (English) follows a line of Chinese in one paragraph.
    index = anchor(node_of(court), sha("judgment"))
    path = tmp_path / "report.pdf"
    path.write_bytes(_report(public.client, index))
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    heights = {
        word: float(y_max) - float(y_min)
        for y_min, y_max, word in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>',
            boxes,
        )
    }
    assert heights["Scan"] == pytest.approx(heights["Log:"], abs=0.5)


def _size(metadata: dict[str, object]) -> int:
    return len(json.dumps(metadata, separators=(",", ":"), ensure_ascii=True))


def test_it_prints_the_most_metadata_a_record_may_have_over_several_pages(
    judge: Actor, court: Actor, pdf_text: Callable[[bytes], str]
) -> None:
    # ASCII names: a record's limit counts each other character as its six-byte \u escape,
    # so the most text fits as ASCII; as many of the longest names as the limit allows.
    metadata: dict[str, object] = {"case_number": "(2026) 0105-1", "title": "T" * 300}
    parties: list[str] = []
    while len(parties) < MAX_LIST_ITEMS:
        name = f"Party {len(parties):02d} " + "x" * 491
        if _size({**metadata, "parties": [*parties, name]}) > MAX_METADATA_BYTES:
            break
        parties.append(name)
    metadata["parties"] = parties
    index = anchor(node_of(court), sha("a large case"), metadata=metadata)
    text = pdf_text(_report(judge.client, index))
    assert "第 2/" in text
    assert all(f"Party {n:02d}" in text for n in range(len(parties)))


def test_it_refuses_more_reports_than_the_rate_from_one_address(
    public: Actor, court: Actor, settings: LazySettings
) -> None:
    settings.REPORT_RATE = "3/hour"  # an hour: slow PDFs on a busy machine stay in the window
    index = anchor(node_of(court), sha("judgment"))
    allowed, _ = rate_parse(settings.REPORT_RATE)
    answers = [public.client.get(f"/report/{index}.pdf").status_code for _ in range(allowed + 1)]
    assert answers == [200] * allowed + [429]


# --- the witnesses' cosignatures, with the log's witness policy ---------------------------

WITNESS_NAMES = ["北京市人民检察院", "北京市方正公证处", "北京仲裁委员会"]
ALLIANCE = f"group alliance 2 {' '.join(WITNESS_NAMES)}"
ANY_ONE = f"group any-one any {' '.join(WITNESS_NAMES)}"
COSIGNED = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC · (w\d\.example/witness\+[0-9a-f]{8})")


@pytest.fixture
def witnesses() -> Iterator[list[FakeWitness]]:
    """Three witnesses on loopback ports that cosign what the log sends them."""
    started = [fake_witness(f"w{i}") for i in (1, 2, 3)]
    yield started
    close_all(started)


def policy(path: Path, witnesses: list[FakeWitness], *, quorum: str, groups: list[str]) -> Path:
    """The log's policy naming the three witnesses by their institutions."""
    lines = [(n, w.vkey, w.url) for n, w in zip(WITNESS_NAMES, witnesses, strict=True)]
    return policy_write(path, log_signer().verifier_key, lines, quorum=quorum, groups=groups)


def refuse(witness: FakeWitness) -> None:
    """The witness refuses every request from now on."""
    witness.answers.extend([lambda body: Reply(status=403, body=b"not cosigning\n")] * 10)


def test_it_lists_the_witnesses_that_cosigned_and_when(
    public: Actor,
    court: Actor,
    witnesses: list[FakeWitness],
    settings: LazySettings,
    tmp_path: Path,
    pdf_text: Callable[[bytes], str],
) -> None:
    refuse(witnesses[1])
    settings.WITNESS_POLICY = policy(
        tmp_path / "log.policy", witnesses, quorum="alliance", groups=[ALLIANCE]
    )
    before = timezone.now().replace(microsecond=0, tzinfo=None)
    index = anchor(node_of(court), sha("judgment"))
    text = pdf_text(_report(public.client, index))
    assert "核验通过" in text
    assert "the witnesses' cosignatures make the policy's quorum" in _joined_words(text)
    assert "见证人联署（UTC） Witness cosignatures (UTC)" in text
    section = text.split("Witness cosignatures (UTC)")[1].split("证明摘要")[0]
    assert [name for name in WITNESS_NAMES if name in section.split("见证人法定数")[0]] == [
        WITNESS_NAMES[0],
        WITNESS_NAMES[2],
    ]
    keys = {f"{w.cosigner.name}+{w.cosigner.key_id:08x}" for w in (witnesses[0], witnesses[2])}
    cosigned = COSIGNED.findall(section)
    assert {key for _, key in cosigned} == keys
    for time, _ in cosigned:
        assert datetime.fromisoformat(time) >= before
    assert f"alliance = 2 of ({', '.join(WITNESS_NAMES)})" in _joined_words(section)
    assert "已满足 Met" in section


def test_it_says_the_quorum_is_not_met_when_the_policy_asks_more_than_was_cosigned(
    public: Actor,
    court: Actor,
    witnesses: list[FakeWitness],
    settings: LazySettings,
    tmp_path: Path,
    pdf_text: Callable[[bytes], str],
) -> None:
    # Published when one witness was enough; the policy now asks for two of the three.
    refuse(witnesses[0])
    refuse(witnesses[2])
    settings.WITNESS_POLICY = policy(
        tmp_path / "lenient.policy", witnesses, quorum="any-one", groups=[ANY_ONE]
    )
    index = anchor(node_of(court), sha("judgment"))
    settings.WITNESS_POLICY = policy(
        tmp_path / "stricter.policy", witnesses, quorum="alliance", groups=[ALLIANCE]
    )
    text = pdf_text(_report(public.client, index))
    assert "核验未通过" in text
    assert "lacks the witness cosignatures the log's policy requires" in _joined_words(text)
    section = text.split("Witness cosignatures (UTC)")[1].split("证明摘要")[0]
    assert WITNESS_NAMES[1] in section
    assert len(COSIGNED.findall(section)) == 1
    assert "未满足 Not met" in section


def test_it_has_no_witness_section_without_a_policy(
    public: Actor, court: Actor, pdf_text: Callable[[bytes], str]
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    text = pdf_text(_report(public.client, index))
    assert "核验通过" in text
    assert "Witness cosignatures" not in text


def test_it_names_each_cosigner_s_institution_in_both_languages(
    public: Actor,
    court: Actor,
    witnesses: list[FakeWitness],
    settings: LazySettings,
    tmp_path: Path,
    pdf_text: Callable[[bytes], str],
) -> None:
    # The policy names the witnesses shortly; WITNESS_INSTITUTIONS says who runs them.
    names = ["procuratorate", "notary", "arbitration"]
    institutions = {
        name: {"zh-hans": zh, "en": en}
        for name, zh, en in zip(
            names,
            WITNESS_NAMES,
            ["Beijing Procuratorate", "Fangzheng Notary", "Beijing Arbitration"],
            strict=True,
        )
    }
    lines = [(n, w.vkey, w.url) for n, w in zip(names, witnesses, strict=True)]
    settings.WITNESS_POLICY = policy_write(
        tmp_path / "log.policy",
        log_signer().verifier_key,
        lines,
        quorum="alliance",
        groups=[f"group alliance 2 {' '.join(names)}"],
    )
    path = tmp_path / "institutions.json"
    path.write_text(json.dumps(institutions, ensure_ascii=False), encoding="utf-8")
    settings.WITNESS_INSTITUTIONS = path
    index = anchor(node_of(court), sha("judgment"))
    section = pdf_text(_report(public.client, index)).split("Witness cosignatures (UTC)")[1]
    assert "北京市人民检察院 Beijing Procuratorate (procuratorate)" in section
    assert "北京仲裁委员会 Beijing Arbitration (arbitration)" in section
