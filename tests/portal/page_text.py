"""What a person reads on a page: its text and the attributes shown or spoken for it, with
what is code or data in another language (code, pre, an element with its own `lang`) set
aside, so the language tests can judge what the portal itself wrote."""

from html.parser import HTMLParser

# Elements whose content is machine text: hashes, keys, commands, timestamps, scripts.
MACHINE = {"code", "pre", "samp", "kbd", "time", "script", "style"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
SHOWN_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # each open element, and whether it is set aside
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        lang = attributes.get("lang")
        skip = (
            self._skipping()
            or tag in MACHINE
            or attributes.get("translate") == "no"
            or (lang is not None and not lang.lower().startswith("zh") and tag != "html")
        )
        if not skip:
            self.texts.extend(v for k, v in attrs if k in SHOWN_ATTRIBUTES and v)
            if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
                self.texts.append(attributes.get("value") or "")
        if tag not in VOID:
            self.open.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        # Up to the element this closes: HTML lets some end tags (</p>, </li>) be left out.
        if any(name == tag for name, _ in self.open):
            while self.open.pop()[0] != tag:
                pass

    def _skipping(self) -> bool:
        return bool(self.open) and self.open[-1][1]

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.texts.append(data.strip())


def page_text(html: str) -> list[str]:
    """The pieces of text a person reads on the page, machine text and other languages aside."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.texts
