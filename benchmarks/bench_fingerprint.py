"""The content fingerprint (pdf-text/v1) of a 100-page Chinese PDF, in Python and in headless
Chromium side by side, and `manage.py anchor`'s throughput on PDFs.

Run: .venv/bin/python benchmarks/bench_fingerprint.py   (about three minutes; needs Debian's
chromium on PATH and PostgreSQL; --quick for a smoke run under a minute; --help for the
options)

A 100-page PDF of Chinese text (about 1,500 characters a page, DroidSansFallback embedded)
is made with fpdf2. Its fingerprint is timed, median of several rounds:

- in this process (judicial_verify.tlog.fingerprint.fingerprint_pdf): the target, at most
  1 s on this machine;
- in the limited child process the server and the CLI use (FingerprintProcess), already
  started, and with a child started for it alone (fingerprint_pdf_limited): what a hostile
  file's isolation costs;
- in headless Chromium, through the portal's own module (static/portal/js/pdf-fingerprint.js
  fingerprintPdf(), served with the portal's Content-Security-Policy) on a File chosen in an
  input, as a visitor's browser runs it: a new module worker, PDFium's WebAssembly fetched
  (from the browser's cache after the first round) and compiled, every page's text extracted,
  normalised and hashed, and the SHA-256 of every earlier revision the file could hold. Every
  round's fingerprints must be Python's. The first round, PDFium not yet cached, is reported
  apart: it is the one a visitor meets first. The target: at most 3 s.

Then `manage.py anchor --kind evidence` anchors a batch of small PDFs (2 pages each) into a
fresh log, once as PDFs and once as the same bytes under a name that PDFium never reads (a
.bin file whose first kilobyte has no %PDF- header): documents a second, and the share the
fingerprint takes.
"""

import argparse
import hashlib
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import common

# judicial_verify is imported inside functions: only once common.arguments() has chosen the
# code to measure.

TARGET_SECONDS = 1.0
BROWSER_TARGET_SECONDS = 3.0
TEXT = (
    "北京市海淀区人民法院民事调解书。原告张三与被告李四买卖合同纠纷一案，本院于二〇二六年"
    "十一月二十七日立案后，依法适用简易程序，公开开庭进行了审理。经本院主持调解，双方当事人"
    "自愿达成如下协议：被告于二〇二六年十二月三十一日前向原告支付货款人民币壹拾贰万叁仟肆佰"
    "伍拾陆元；案件受理费减半收取计人民币壹仟叁佰伍拾元，由被告负担。"
)


@dataclass(frozen=True)
class Plan:
    pages: int  # of the timed PDF
    rounds: int  # of each way of fingerprinting it
    documents: int  # anchored by manage.py anchor


FULL, QUICK = Plan(pages=100, rounds=7, documents=200), Plan(pages=100, rounds=3, documents=20)


def chinese_pdf(pages: int, variant: int = 0) -> bytes:
    from fpdf import FPDF

    # The font has no Latin digits: fpdf2 says so for every file made, and the text is the
    # same for both runs of anchor.
    logging.getLogger("fpdf").setLevel(logging.ERROR)

    font = common.CODE / "judicial_verify" / "portal" / "fonts" / "DroidSansFallbackFull.ttf"
    pdf = FPDF()
    pdf.add_font("droid", fname=str(font))
    pdf.set_font("droid", size=10.5)
    for page in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"第{page + 1}页 文书{variant}号。" + TEXT * 9)
    return bytes(pdf.output())


def median_seconds(rounds: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure_python(plan: Plan, pdf: bytes) -> dict[str, float]:
    """Median seconds of each way of fingerprinting the PDF."""
    from judicial_verify.tlog.fingerprint import fingerprint_pdf
    from judicial_verify.tlog.fingerprint_process import (
        FingerprintProcess,
        fingerprint_pdf_limited,
    )

    expected = fingerprint_pdf(pdf)  # also loads PDFium, as a long-running process has
    assert expected.content is not None
    assert len(expected.pages) == plan.pages
    out = {
        "in this process (fingerprint_pdf)": median_seconds(
            plan.rounds, lambda: fingerprint_pdf(pdf)
        )
    }
    with FingerprintProcess() as process:
        assert process.fingerprint(pdf) == expected  # the child started and warm
        out["limited child process, started (FingerprintProcess)"] = median_seconds(
            plan.rounds, lambda: process.fingerprint(pdf)
        )
    out["limited child process of its own (fingerprint_pdf_limited)"] = median_seconds(
        plan.rounds, lambda: fingerprint_pdf_limited(pdf)
    )
    return out


# The page's module on the PDF chosen in an input of its own. Resolves to [result, seconds].
FINGERPRINT_FILE = """async () => {
  const { fingerprintPdf } = await import("/static/portal/js/pdf-fingerprint.js");
  const file = document.getElementById("bench-file").files[0];
  const started = performance.now();
  const result = await fingerprintPdf(file);
  return [result, (performance.now() - started) / 1000];
}"""


def measure_browser(plan: Plan, pdf: bytes, folder: Path) -> tuple[float, float, str]:
    """Median seconds of the browser's rounds, the first (uncached) round's, Chromium's
    version; every round's fingerprints checked against Python's."""
    from bench_browser_hash import portal
    from playwright.sync_api import sync_playwright

    from judicial_verify.tlog.fingerprint import fingerprint_pdf, revision_ends
    from tests.browser.chromium import CHROMIUM_FLAGS

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("bench_fingerprint: needs Debian's chromium on PATH")
    fingerprint = fingerprint_pdf(pdf)
    expected = {
        "pages": fingerprint.pages_hex(),
        "content": fingerprint.content,
        "revisions": [
            {"length": end, "sha256": hashlib.sha256(pdf[:end]).hexdigest()}
            for end in revision_ends(pdf)
        ],
    }
    path = folder / "judgment.pdf"
    path.write_bytes(pdf)
    with portal() as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(f"{base_url}/")
        page.evaluate(
            """() => {
              const input = Object.assign(document.createElement("input"),
                                          { type: "file", id: "bench-file", hidden: true });
              document.body.append(input);
            }"""
        )
        page.set_input_files("#bench-file", path)  # a local browser gets the path, not the bytes
        times = []
        for _ in range(plan.rounds + 1):
            result, seconds = page.evaluate(FINGERPRINT_FILE)
            assert result == expected, "the browser's fingerprint is not Python's"
            times.append(seconds)
        version = browser.version
        browser.close()
    return statistics.median(times[1:]), times[0], version


def anchor_seconds(files: list[Path]) -> float:
    """Seconds `manage.py anchor` takes to anchor the files and see them published."""
    command = [sys.executable, str(common.CODE / "manage.py"), "anchor", "--kind", "evidence"]
    started = time.perf_counter()
    subprocess.run([*command, *map(str, files)], cwd=common.CODE, check=True,  # noqa: S603
                   capture_output=True, env=os.environ.copy())  # fmt: skip
    return time.perf_counter() - started


def measure_anchor(plan: Plan, folder: Path) -> dict[str, float]:
    """Documents a second anchored by manage.py anchor: PDFs, then the same bytes unread."""
    pdfs, others = [], []
    for n in range(plan.documents):
        data = chinese_pdf(2, variant=n)
        pdf, other = folder / f"document-{n}.pdf", folder / f"document-{n}.bin"
        pdf.write_bytes(data)
        # The same size, other bytes: the header moved past the first kilobyte, so anchor
        # hashes the file and never opens it with PDFium.
        other.write_bytes(b" " * 1024 + data + hashlib.sha256(data).digest())
        pdfs.append(pdf)
        others.append(other)
    return {
        "PDFs, fingerprinted": plan.documents / anchor_seconds(pdfs),
        "the same bytes, not read as PDFs": plan.documents / anchor_seconds(others),
    }


def body(
    plan: Plan,
    args: argparse.Namespace,
    pdf: bytes,
    python: dict[str, float],
    browser: tuple[float, float, str],
    anchor: dict[str, float],
) -> tuple[list[str], list[common.Figure]]:
    import pypdfium2

    seconds = python["in this process (fingerprint_pdf)"]
    met = seconds <= TARGET_SECONDS
    browser_seconds, first, version = browser
    browser_met = browser_seconds <= BROWSER_TARGET_SECONDS
    rows = {
        **python,
        "headless Chromium: fingerprintPdf(), a worker a file, PDFium cached": browser_seconds,
    }
    fingerprints = common.table(
        [f"{plan.pages}-page Chinese PDF, {len(pdf) / 2**20:.1f} MiB", "median s", "pages/s"],
        [[name, f"{s:.3f}", f"{plan.pages / s:,.0f}"] for name, s in rows.items()],
    )
    anchoring = common.table(
        [f"manage.py anchor, {plan.documents} documents of 2 pages, fresh log", "documents/s"],
        [[name, f"{rate:,.1f}"] for name, rate in anchor.items()],
    )
    lines = [
        f"pypdfium2 {pypdfium2.PYPDFIUM_INFO}, PDFium {pypdfium2.PDFIUM_INFO}; Chromium"
        f" {version} (Debian), headless, PDFium from @embedpdf/pdfium 2.15.1 in WebAssembly;"
        f" {plan.rounds} rounds of each; the browser's fingerprints (every page's, the"
        " document's, the revisions' SHA-256) equal Python's in every round.",
        "",
        *fingerprints,
        "",
        f"Target ≤ {TARGET_SECONDS:g} s in Python: {common.verdict(met, args)} ({seconds:.3f} s)."
        f" Target ≤ {BROWSER_TARGET_SECONDS:g} s in the browser:"
        f" {common.verdict(browser_met, args)} ({browser_seconds:.3f} s; the first round, PDFium's"
        f" 4.6 MB of WebAssembly fetched and compiled, {first:.3f} s); the browser takes"
        f" {browser_seconds / seconds:.1f} times Python's time in this process.",
        "",
        *anchoring,
    ]
    figure = common.Figure(
        name=f"fingerprint of a {plan.pages}-page Chinese PDF in Python (pypdfium2), median",
        value=seconds,
        shown=f"{seconds:.3f} s",
        target=f"≤ {TARGET_SECONDS:g} s",
        met=met,
        higher_is_better=False,
    )
    browser_figure = common.Figure(
        name=f"fingerprint of a {plan.pages}-page Chinese PDF in headless Chromium, median",
        value=browser_seconds,
        shown=f"{browser_seconds:.3f} s (first, uncached: {first:.3f} s)",
        target=f"≤ {BROWSER_TARGET_SECONDS:g} s",
        met=browser_met,
        higher_is_better=False,
    )
    return lines, [figure, browser_figure]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args = common.arguments(parser)
    plan = QUICK if args.quick else FULL
    machine = common.machine_description()
    common.django_setup(common.database_name("fingerprint"))
    folder = Path(tempfile.mkdtemp(prefix="jv-bench-fingerprint-"))
    try:
        pdf = chinese_pdf(plan.pages)
        python = measure_python(plan, pdf)
        browser = measure_browser(plan, pdf, folder)
        anchor = measure_anchor(plan, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    lines, figures = body(plan, args, pdf, python, browser, anchor)
    common.report("bench_fingerprint", machine, lines, figures, args)


if __name__ == "__main__":
    main()
