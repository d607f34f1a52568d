"""The verification report (/report/INDEX.pdf): read back with poppler's pdftotext, as a
person reading the printed page would, Chinese included; its first page is rendered to
docs/screenshots/report-page1.png."""

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import LazySettings, settings
from django.test import Client
from django.urls import reverse

from judicial_verify.ledger import read
from judicial_verify.ledger.keys import log_signer, verifier_key_record
from judicial_verify.ledger.models import Checkpoint
from judicial_verify.portal.report import report_outcome
from judicial_verify.rate_limits import rate_parse
from judicial_verify.records.kinds import MAX_LIST_ITEMS, MAX_METADATA_BYTES
from judicial_verify.records.selectors import entry_view
from judicial_verify.tlog.cosignature import Cosigner, format_signature_line, generate_cosigner_key
from judicial_verify.tlog.note import sign_note
from tests.anchoring import TITLE, anchor
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
    assert read.checkpoint_latest().key.vkey in _joined(text)
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
WITNESSES = [Cosigner(generate_cosigner_key(f"w{i}.example/witness")[0]) for i in (1, 2, 3)]
COSIGNED_AT = 1_764_876_000  # 2025-12-04T19:20:00Z


@pytest.fixture
def witness_policy(settings: LazySettings, tmp_path: Path, court: Actor) -> Path:
    """The log's policy: its key, three witnesses, two of which must cosign."""
    path = tmp_path / "log.policy"
    lines = [f"log {log_signer().verifier_key}"]
    lines += [
        f"witness {n} {w.verifier_key}" for n, w in zip(WITNESS_NAMES, WITNESSES, strict=True)
    ]
    lines += [f"group alliance 2 {' '.join(WITNESS_NAMES)}", "quorum alliance"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings.WITNESS_POLICY = path
    return path


def publish_cosigned(*witnesses: int) -> None:
    """The log's tree as it stands, signed by the log and cosigned by the numbered witnesses,
    as the log publishes a checkpoint once its witnesses have cosigned it."""
    latest = read.checkpoint_latest()
    text = bytes(latest.note).decode().split("\n\n")[0] + "\n"
    signer = log_signer()
    cosignatures = [WITNESSES[n - 1].cosign(text, COSIGNED_AT) for n in witnesses]
    Checkpoint.objects.create(
        size=latest.size,
        root_hash=latest.root_hash,
        note=sign_note(text, [signer]) + "".join(map(format_signature_line, cosignatures)).encode(),
        key=verifier_key_record(signer),
        signed=latest.signed,
    )


def test_it_lists_the_witnesses_that_cosigned_and_when(
    public: Actor, court: Actor, witness_policy: Path, pdf_text: Callable[[bytes], str]
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    publish_cosigned(1, 3)
    text = pdf_text(_report(public.client, index))
    assert "核验通过" in text
    assert "the witnesses' cosignatures make the policy's quorum" in _joined_words(text)
    assert "见证人联署（UTC） Witness cosignatures (UTC)" in text
    for n in (1, 3):
        name, key = WITNESS_NAMES[n - 1], WITNESSES[n - 1]
        assert name in text
        assert f"2025-12-04 19:20:00 UTC · {key.name}+{key.key_id:08x}" in text
    assert (
        WITNESS_NAMES[1] not in text.split("Witness cosignatures (UTC)")[1].split("见证人法定数")[0]
    )
    assert f"alliance = 2 of ({', '.join(WITNESS_NAMES)})" in _joined_words(text)
    assert "已满足 Met" in text


def test_it_says_the_quorum_is_not_met_below_it(
    public: Actor, court: Actor, witness_policy: Path, pdf_text: Callable[[bytes], str]
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    publish_cosigned(2)
    text = pdf_text(_report(public.client, index))
    assert "核验未通过" in text
    assert "lacks the witness cosignatures the log's policy requires" in _joined_words(text)
    assert f"{WITNESS_NAMES[1]}" in text
    assert "2025-12-04 19:20:00 UTC" in text
    assert "未满足 Not met" in text


def test_it_has_no_witness_section_without_a_policy(
    public: Actor, court: Actor, pdf_text: Callable[[bytes], str]
) -> None:
    index = anchor(node_of(court), sha("judgment"))
    publish_cosigned(1, 2)
    text = pdf_text(_report(public.client, index))
    assert "核验通过" in text
    assert "Witness cosignatures" not in text
