"""The API's documentation as a lawyer first sees it (issue 14, point 8): Swagger UI opens with
the quick start, and only the operation that needs a token carries a lock."""

from playwright.sync_api import expect

from .conftest import SCREENSHOTS, Visit


def test_the_docs_open_with_the_quick_start_and_lock_only_anchoring(
    visit: Visit, transactional_db: None
) -> None:
    page = visit.page
    page.set_viewport_size({"width": 1280, "height": 1500})
    page.goto("/api/docs/")
    info = page.locator(".information-container")
    expect(info.get_by_role("heading", name="Quick start · 快速上手")).to_be_visible()
    expect(info).to_contain_text('curl -F "file=@judgment.pdf"')
    summaries = page.locator(".opblock-summary")
    expect(summaries.first).to_be_visible()
    locked = page.locator(".opblock-summary:has(.authorization__btn)")
    expect(locked).to_have_count(1)
    expect(locked).to_contain_text("/api/v1/entries")
    assert summaries.count() > 10
    # The quick start and the operations, not the long list of schemas below them.
    page.screenshot(path=SCREENSHOTS / "api-docs-quick-start.png")
