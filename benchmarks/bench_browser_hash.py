"""Hashing a 1 GiB file in headless Chromium through the portal's own hashing module, beside
hashlib on the same file in the same run.

Run: .venv/bin/python benchmarks/bench_browser_hash.py   (about four minutes; needs Debian's
chromium on PATH and PostgreSQL for the server's database; --quick for a smoke run on a
64 MiB file, twice; --help for the options)

The verify page is served by Django (its real Content-Security-Policy included) from a thread
of this process. A 1 GiB file of random bytes is written to a temporary folder; then, five
times and interleaved so that both see the same load on this shared machine:

- hashlib.sha256 over the file read in 8 MiB chunks (the page cache holds it for both);
- the page's own module, static/portal/js/file-hash.js hashFile(): a module worker reading the
  File through a BYOB stream reader into one 4 MiB buffer and hashing it with hash-wasm's
  SHA-256, as a visitor's browser does.

Both fingerprints must be equal. The best round of each gives the ratio; the target is at
least a third of hashlib's speed. Then, to show where the time goes, the same page measures
reading the file without hashing, hash-wasm over a buffer already in memory (no reading), the
worker's loop run on the page instead, the alternatives it was chosen over (the stream's own
chunks; file.slice() chunks read in turn, at three sizes), and WebCrypto's one-shot SHA-256
over 8 MiB buffers: the browser's native speed, which a file could only reach by being held
whole in memory. How much Chromium's processes grew while hashing shows the memory bound.
"""

import argparse
import hashlib
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import common

# judicial_verify is imported inside functions: only once common.arguments() has chosen the
# code to measure, and what needs Django only after common.django_setup().


@dataclass(frozen=True)
class Plan:
    size: int  # bytes of the file hashed
    rounds: int  # of each, interleaved


FULL, QUICK = Plan(size=2**30, rounds=5), Plan(size=64 * 2**20, rounds=2)
CHUNK = 8 * 2**20
TARGET_RATIO = 1 / 3

# The page's module on a File chosen in an input of its own (the page's drop zone would open
# the result page when done). Resolves to [hex, seconds].
HASH_FILE = """async () => {
  const { hashFile } = await import("/static/portal/js/file-hash.js");
  const file = document.getElementById("bench-file").files[0];
  const started = performance.now();
  const hex = await hashFile(file);
  return [hex, (performance.now() - started) / 1000];
}"""

PROFILE = """async (chunkSizes) => {
  await import("/static/portal/vendor/hash-wasm/sha256.umd.min.js");
  const file = document.getElementById("bench-file").files[0];
  const hasher = await hashwasm.createSHA256();
  const once = async (run) => {
    const started = performance.now();
    hasher.init();
    await run();
    hasher.digest("hex");
    return (performance.now() - started) / 1000;
  };
  const seconds = async (run) => Math.min(await once(run), await once(run));
  const byob = async (hash) => {
    const reader = file.stream().getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(4 * 2 ** 20);
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(buffer));
      if (done) return;
      if (hash) hasher.update(value);
      buffer = value.buffer;
    }
  };
  const out = {};
  out["reading only: BYOB reader, one 4 MiB buffer (page)"] = await seconds(() => byob(false));
  const buffer = new Uint8Array(8 * 2 ** 20);
  for (let at = 0; at < buffer.length; at += 65536) {
    crypto.getRandomValues(buffer.subarray(at, at + 65536));
  }
  out["hashing only: hash-wasm on a buffer in memory (page)"] = await seconds(() => {
    for (let at = 0; at < file.size; at += buffer.length) hasher.update(buffer);
  });
  out["BYOB reader, one 4 MiB buffer, hash-wasm (as the worker, on the page)"] = await seconds(
    () => byob(true),
  );
  out["file.stream() default reader's chunks, hash-wasm (page)"] = await seconds(async () => {
    const reader = file.stream().getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) hasher.update(r.value);
  });
  for (const size of chunkSizes) {
    out[`file.slice(${size / 2 ** 20} MiB).arrayBuffer() in turn, hash-wasm (page)`] =
      await seconds(async () => {
        for (let at = 0; at < file.size; at += size) {
          hasher.update(new Uint8Array(await file.slice(at, at + size).arrayBuffer()));
        }
      });
  }
  out["WebCrypto digest, one shot per 8 MiB buffer in memory (not incremental)"] = await seconds(
    async () => {
      for (let at = 0; at < file.size; at += buffer.length) {
        await crypto.subtle.digest("SHA-256", buffer);
      }
    },
  );
  return out;
}"""


def write_file(folder: Path, size: int) -> Path:
    path = folder / "document.bin"
    with path.open("wb") as f:
        for _ in range(size // CHUNK):
            f.write(os.urandom(CHUNK))
    return path


def hashlib_round(path: Path) -> tuple[str, float]:
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    digest = hashlib.sha256()
    started = time.perf_counter()
    with path.open("rb", buffering=0) as f:
        while n := f.readinto(buffer):
            digest.update(view[:n])
    return digest.hexdigest(), time.perf_counter() - started


@contextmanager
def portal() -> Iterator[str]:
    """Serves the portal, static files included, from a thread; yields its base URL."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def chromium_memory_kib(pids: set[int]) -> dict[int, tuple[int, int]]:
    """{pid: (VmRSS, VmHWM)} in KiB of the Chromium processes not in pids."""
    memory = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) in pids:
            continue
        try:
            if "chrom" not in (proc / "comm").read_text():
                continue
            fields = dict(line.split(":", 1) for line in (proc / "status").read_text().splitlines())
        except OSError:
            continue  # the process ended meanwhile
        memory[int(proc.name)] = (int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0]))
    return memory


def all_pids() -> set[int]:
    return {int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()}


def mb_s(seconds: float, plan: Plan) -> float:
    return plan.size / seconds / 1e6


def measure(
    path: Path, base_url: str, plan: Plan
) -> tuple[list[float], list[float], dict, float, str]:
    from playwright.sync_api import sync_playwright

    from tests.browser.chromium import CHROMIUM_FLAGS

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("bench_browser_hash: needs Debian's chromium on PATH")
    expected, _ = hashlib_round(path)  # also warms the page cache
    others = all_pids()
    with sync_playwright() as playwright:
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
        resident = chromium_memory_kib(others)
        hashlib_seconds, browser_seconds = [], []
        for n in range(plan.rounds):
            digest, seconds = hashlib_round(path)
            assert digest == expected
            hashlib_seconds.append(seconds)
            digest, seconds = page.evaluate(HASH_FILE)
            assert digest == expected, f"the page's SHA-256 {digest} is not hashlib's {expected}"
            browser_seconds.append(seconds)
            print(
                f"round {n + 1}: hashlib {mb_s(hashlib_seconds[-1], plan):,.0f} MB/s, "
                f"page {mb_s(seconds, plan):,.0f} MB/s",
                flush=True,
            )
        # The most any Chromium process grew while hashing: its peak over its size before.
        peak = (
            max(
                hwm - resident.get(pid, (hwm, hwm))[0]
                for pid, (_, hwm) in chromium_memory_kib(others).items()
            )
            / 1024
        )
        profile = page.evaluate(PROFILE, [2**20, 8 * 2**20, 32 * 2**20])
        version = browser.version
        browser.close()
    return hashlib_seconds, browser_seconds, profile, peak, version


def body(
    plan: Plan,
    args: argparse.Namespace,
    hashlib_seconds: list[float],
    browser_seconds: list[float],
    profile: dict,
    peak: float,
    version: str,
) -> tuple[list[str], common.Figure]:
    def rate(seconds: float) -> float:
        return mb_s(seconds, plan)

    hashlib_best, browser_best = rate(min(hashlib_seconds)), rate(min(browser_seconds))
    ratio = browser_best / hashlib_best
    met = ratio >= TARGET_RATIO
    rows = [
        ["hashlib.sha256, 8 MiB reads (Python)", hashlib_seconds],
        ["file-hash.js hashFile(): module worker, BYOB 4 MiB, hash-wasm", browser_seconds],
    ]
    table = common.table(
        [
            f"{plan.size / 2**20:,.0f} MiB file, same run, interleaved",
            "best MB/s",
            "median MB/s",
            "÷ hashlib best",
        ],
        [
            [
                name,
                f"{rate(min(s)):,.0f}",
                f"{rate(statistics.median(s)):,.0f}",
                f"{rate(min(s)) / hashlib_best:.2f}",
            ]
            for name, s in rows
        ],
    )
    where = common.table(
        ["where the time goes (same page and file, best of two)", "MB/s", "÷ hashlib best"],
        [[name, f"{rate(s):,.0f}", f"{rate(s) / hashlib_best:.2f}"] for name, s in profile.items()],
    )
    lines = [
        f"Chromium {version} (Debian), headless; {plan.rounds} rounds of each, interleaved;"
        " both fingerprints equal.",
        "",
        *table,
        "",
        f"Target ≥ {TARGET_RATIO:.2f} of hashlib's speed: {common.verdict(met, args)}"
        f" ({ratio:.2f}).",
        f"Memory: while hashing, no Chromium process grew by more than {peak:,.0f} MiB over its "
        "size before (peak VmHWM minus VmRSS before the rounds).",
        "",
        *where,
    ]
    figure = common.Figure(
        name="file hashing in the browser ÷ hashlib, best rounds",
        value=ratio,
        shown=f"{ratio:.2f} ({browser_best:,.0f} MB/s)",
        target=f"≥ {TARGET_RATIO:.2f}",
        met=met,
    )
    return lines, figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args = common.arguments(parser)
    plan = QUICK if args.quick else FULL
    machine = common.machine_description()
    common.django_setup(common.database_name("browser_hash"))
    folder = Path(tempfile.mkdtemp(prefix="jv-bench-browser-hash-"))
    try:
        path = write_file(folder, plan.size)
        with portal() as base_url:
            results = measure(path, base_url, plan)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    lines, figure = body(plan, args, *results)
    common.report("bench_browser_hash", machine, lines, [figure], args)


if __name__ == "__main__":
    main()
