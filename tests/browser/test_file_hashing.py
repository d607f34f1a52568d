"""Files are hashed on the device, with a progress bar and a cancel button: the fingerprint is
hashlib's, and nothing but the fingerprint ever leaves the browser. Files up to a bound are
read whole and hashed by WebCrypto (the bar turns indeterminate while it hashes); larger ones,
and every file where the page is not a secure context, stream through hash-wasm."""

import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import ConsoleMessage, FileChooser, Page, Route, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pytest_django.live_server_helper import LiveServer

from .conftest import Visit
from .files import drop_files


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint_in_url(url: str) -> str:
    return parse_qs(urlparse(url).query)["sha256"][0]


NO_USER_ACTIVATION = "File chooser dialog can only be shown with a user activation."


def open_file_chooser_with_key(page: Page, key: str, presses: int = 3) -> FileChooser:
    """Presses `key` on the focused element and returns the file chooser it opens.

    The page must intercept file choosers already (a "filechooser" listener added before it
    loaded): Playwright intercepts them only once a listener is added, and a chooser that
    opens before that is the browser's own, which headless Chromium closes unseen. Chromium
    opens the chooser as the key is released, and only while the press's user activation
    lasts (five seconds): on a loaded machine the release can be handled later, and then
    Chromium opens nothing and says so only in a console warning. A press refused for that
    is made again; a press that opens nothing for any other reason fails.
    """
    refusals: list[ConsoleMessage] = []

    def console(message: ConsoleMessage) -> None:
        if message.text == NO_USER_ACTIVATION:
            refusals.append(message)

    page.on("console", console)
    try:
        with page.expect_file_chooser() as chooser:
            page.keyboard.press(key)
    except PlaywrightTimeoutError:
        if not refusals or presses == 1:
            raise
        return open_file_chooser_with_key(page, key, presses - 1)
    finally:
        page.remove_listener("console", console)
    return chooser.value


def test_a_dropped_file_is_hashed_as_hashlib_hashes_it(visit: Visit) -> None:
    page = visit.page
    page.goto("/")
    document = "判决书 judgment\n".encode() * 1000
    drop_files(page, "[data-drop-zone]", {"judgment.pdf": document})
    page.wait_for_url("**/?sha256=*")
    assert fingerprint_in_url(page.url) == hashlib.sha256(document).hexdigest()


def test_a_chosen_20_mb_file_is_hashed_as_hashlib_hashes_it(visit: Visit, tmp_path: Path) -> None:
    evidence = tmp_path / "evidence.mp4"
    evidence.write_bytes(os.urandom(20 * 2**20 + 12345))  # not a whole number of chunks
    page = visit.page
    page.goto("/")
    page.set_input_files("#files", evidence)
    page.wait_for_url("**/?sha256=*")
    assert fingerprint_in_url(page.url) == sha256_of(evidence)


def test_an_empty_file_has_the_empty_fingerprint(visit: Visit, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    page = visit.page
    page.goto("/")
    page.set_input_files("#files", empty)
    page.wait_for_url("**/?sha256=*")
    assert fingerprint_in_url(page.url) == hashlib.sha256(b"").hexdigest()


def test_only_the_fingerprint_leaves_the_browser(visit: Visit, tmp_path: Path) -> None:
    secret = b"a private mediation agreement " + os.urandom(64)
    agreement = tmp_path / "agreement.pdf"
    agreement.write_bytes(secret)
    page = visit.page
    page.goto("/")
    expect(page.get_by_text("The file never leaves your device")).to_be_visible()
    page.set_input_files("#files", agreement)
    page.wait_for_url("**/?sha256=*")
    page.wait_for_load_state("networkidle")
    assert all(method == "GET" and body is None for method, _, body in visit.requests)
    assert not any(secret.hex() in url or "agreement" in url for _, url, _ in visit.requests)


def test_hashing_shows_its_progress_and_cancel_stops_it_with_nothing_sent(
    visit: Visit, tmp_path: Path
) -> None:
    large = tmp_path / "recording.mkv"
    with large.open("wb") as f:
        f.truncate(2 * 2**30)  # sparse: 2 GiB of zeros on no disk, minutes to hash
    page = visit.page
    page.goto("/")
    page.set_input_files("#files", large)
    progress = page.get_by_label("Computing the fingerprint on this device")
    expect(progress).to_be_visible()
    expect(progress).not_to_have_attribute("value", "0")  # the bar moves: it reflects .value
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("[data-file-check] [data-status]")).to_have_text(
        "Cancelled. Nothing more was sent."
    )
    expect(progress).to_be_hidden()
    assert urlparse(page.url).path == "/"
    assert not urlparse(page.url).query
    assert not any("/api/" in url for _, url, _ in visit.requests)


def test_the_file_input_works_from_the_keyboard(visit: Visit, tmp_path: Path) -> None:
    document = tmp_path / "judgment.pdf"
    document.write_bytes(b"a judgment chosen without a mouse\n")
    page = visit.page
    choosers: list[FileChooser] = []
    page.on("filechooser", lambda opened: choosers.append(opened))  # intercepted from the start
    page.goto("/")
    page.get_by_label("Record number printed on the document").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "files"
    chooser = open_file_chooser_with_key(page, "Space")
    assert choosers == [chooser]
    chooser.set_files(document)
    page.wait_for_url("**/?sha256=*")
    assert fingerprint_in_url(page.url) == sha256_of(document)


def test_a_file_gone_before_it_is_read_is_reported_and_nothing_is_sent_for_it(
    visit: Visit, tmp_path: Path
) -> None:
    first, gone = tmp_path / "first.bin", tmp_path / "gone.pdf"
    with first.open("wb") as f:
        f.truncate(256 * 2**20)  # sparse, long enough to delete the second file meanwhile
    content = b"moved away while the first file was hashed"
    gone.write_bytes(content)
    page = visit.page
    page.goto("/")
    page.set_input_files("#files", [first, gone])
    gone.unlink()
    expect(page.locator("[data-file-check] [data-status]")).to_have_text(
        "This file could not be read. Check that it is still there and try again.", timeout=30_000
    )
    expect(page.locator("[data-results] tbody tr th")).to_have_text(["first.bin"])
    assert not any(hashlib.sha256(content).hexdigest() in url for _, url, _ in visit.requests)


# Lowers the page's bound for reading a file whole (data-whole-file-limit, 256 MiB unless the
# page says otherwise) and records the name of each file during whose hashing the progress bar
# turned indeterminate: the files WebCrypto hashed whole. With cancel, clicks Cancel as soon
# as it turns so: while WebCrypto hashes, whatever the machine's speed.
WATCH_WHOLE = """({ limit, cancel }) => {
  const panel = document.querySelector("[data-file-check] [data-hashing]");
  if (limit !== null) panel.dataset.wholeFileLimit = String(limit);
  const progress = panel.querySelector("progress");
  window.hashedWhole = [];
  new MutationObserver(() => {
    if (!progress.hasAttribute("value")) {
      window.hashedWhole.push(panel.querySelector("[data-slot=name]").textContent);
      if (cancel) panel.querySelector("[data-cancel]").click();
    }
  }).observe(progress, { attributeFilter: ["value"] });
}"""


def watch_whole(page: Page, limit: int | None = None, *, cancel: bool = False) -> None:
    page.evaluate(WATCH_WHOLE, {"limit": limit, "cancel": cancel})


def hash_in_table(page: Page, files: list[Path]) -> dict[str, str]:
    """Chooses several files on the verify page; returns each one's fingerprint in the table."""
    page.set_input_files("#files", files)
    expect(page.locator("[data-file-check] [data-status]")).to_have_text(
        f"{len(files)} files checked; the results are in the table below.", timeout=30_000
    )
    rows = page.locator("[data-results] tbody tr")
    return {
        rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("code").inner_text()
        for i in range(rows.count())
    }


def test_files_either_side_of_the_bound_are_hashed_as_hashlib_hashes_them(
    visit: Visit, tmp_path: Path
) -> None:
    bound = 2**20
    files = []
    for name, size in [("0", 0), ("1", 1), ("bound-1", bound - 1), ("bound", bound),
                       ("bound+1", bound + 1)]:  # fmt: skip
        files.append(tmp_path / name)
        files[-1].write_bytes(os.urandom(size))
    page = visit.page
    page.goto("/")
    watch_whole(page, bound)
    assert hash_in_table(page, files) == {f.name: sha256_of(f) for f in files}
    assert page.evaluate("() => window.hashedWhole") == ["0", "1", "bound-1", "bound"]


def test_the_page_reads_files_up_to_256_mib_whole_unless_it_says_otherwise(
    visit: Visit, tmp_path: Path
) -> None:
    small, large = tmp_path / "small.pdf", tmp_path / "large.mkv"
    small.write_bytes(os.urandom(3 * 2**20))
    with large.open("wb") as f:
        f.truncate(256 * 2**20 + 1)  # sparse
    page = visit.page
    page.goto("/")
    watch_whole(page)
    assert hash_in_table(page, [small, large]) == {f.name: sha256_of(f) for f in (small, large)}
    assert page.evaluate("() => window.hashedWhole") == ["small.pdf"]


def test_cancel_stops_a_webcrypto_hash_with_nothing_sent(visit: Visit, tmp_path: Path) -> None:
    recording = tmp_path / "hearing.mp4"
    recording.write_bytes(os.urandom(64 * 2**20))
    page = visit.page
    page.goto("/")
    watch_whole(page, cancel=True)
    page.set_input_files("#files", recording)
    expect(page.locator("[data-file-check] [data-status]")).to_have_text(
        "Cancelled. Nothing more was sent."
    )
    expect(page.get_by_label("Computing the fingerprint on this device")).to_be_hidden()
    assert page.evaluate("() => window.hashedWhole") == ["hearing.mp4"]
    for _ in range(100):  # the worker ends, and the memory it held with it
        if not page.workers:
            break
        page.wait_for_timeout(100)
    assert page.workers == []
    assert urlparse(page.url).path == "/"
    assert not urlparse(page.url).query
    assert not any("/api/" in url for _, url, _ in visit.requests)


def test_without_webcrypto_every_file_streams(
    visit: Visit, live_server: LiveServer, tmp_path: Path
) -> None:
    # Served under a name that is not loopback's, over plain HTTP, the page is not a secure
    # context, so it has no crypto.subtle, in its workers neither.
    insecure = "http://judicial.test"

    def forward(route: Route) -> None:
        response = route.fetch(url=live_server.url + route.request.url.removeprefix(insecure))
        # Chromium ignores this header from an untrustworthy origin, with an error in the
        # console: as a production site would see, were it served over plain HTTP.
        headers = {
            name: value
            for name, value in response.headers.items()
            if name != "cross-origin-opener-policy"
        }
        route.fulfill(response=response, headers=headers)

    page = visit.page
    page.route(f"{insecure}/**", forward)
    page.goto(f"{insecure}/")
    assert page.evaluate("() => [isSecureContext, globalThis.crypto.subtle]") == [False, None]
    files = [tmp_path / "judgment.pdf", tmp_path / "empty.txt"]
    files[0].write_bytes(os.urandom(5 * 2**20 + 7))
    files[1].write_bytes(b"")
    watch_whole(page)
    assert hash_in_table(page, files) == {f.name: sha256_of(f) for f in files}
    assert page.evaluate("() => window.hashedWhole") == []
