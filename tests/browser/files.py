"""Files handed to a page as a visitor would: dropped on a drop zone."""

import base64

from playwright.sync_api import Page

_DATA_TRANSFER = """(files) => {
  const transfer = new DataTransfer();
  for (const [name, data] of Object.entries(files)) {
    transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name));
  }
  return transfer;
}"""


def drop_files(page: Page, selector: str, files: dict[str, bytes]) -> None:
    """Drops files (name: bytes, small enough to pass through the page) on selector."""
    encoded = {name: base64.b64encode(data).decode() for name, data in files.items()}
    transfer = page.evaluate_handle(_DATA_TRANSFER, encoded)
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})
