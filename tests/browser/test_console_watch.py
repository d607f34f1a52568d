"""The watch every browser test relies on: a Content-Security-Policy violation on a page shows
in the console, where the `visit` fixture collects it and fails the test."""

from playwright.sync_api import ConsoleMessage

from .conftest import Visit


def is_csp_violation(message: ConsoleMessage) -> bool:
    # Only the violation itself: any other console error (say a resource that is missing)
    # must not be taken for it.
    return message.type == "error" and "Content Security Policy" in message.text


def test_an_inline_script_is_refused_and_reported_to_the_watch(visit: Visit) -> None:
    page = visit.page
    page.goto("/")
    with page.expect_console_message(is_csp_violation) as refused:
        page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.inlineScriptRan = true";
              document.body.append(script);
            }"""
        )
    assert "Content Security Policy" in refused.value.text
    assert page.evaluate("() => window.inlineScriptRan") is None
    assert any("Content Security Policy" in error for error in visit.console_errors)
    visit.console_errors.clear()  # seen: this test's own violation must not fail it
