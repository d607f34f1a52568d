"""For everyone: every control has a label, everything works from the keyboard with a visible
focus ring, the colours meet WCAG 2.1 AA contrast, and the layout fits a 360 px phone."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from .pages import client_for, site_build

CSS = Path(settings.BASE_DIR) / "static" / "portal" / "css"
SITE_CSS = CSS / "site.css"

# (foreground, background, least ratio): 4.5:1 for text, 3:1 for the focus ring, input borders
# and the outcome boxes' edges (WCAG 2.1 1.4.3 and 1.4.11).
PAIRS = [
    *((text, "paper", 4.5) for text in ("ink", "muted", "accent", "bad", "ok", "warn")),
    ("on-accent", "accent", 4.5),
    ("on-accent", "muted", 4.5),
    *((text, box) for text in ("ink", "accent") for box in ("ok-bg", "warn-bg", "bad-bg")),
    *(("focus", ground, 3.0) for ground in ("paper", "ok-bg", "warn-bg", "bad-bg")),
    ("field", "paper", 3.0),
    *((edge, box, 3.0) for edge, box in (("ok", "ok-bg"), ("warn", "warn-bg"), ("bad", "bad-bg"))),
]
COLOUR_LITERAL = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(|(?<![\w-])(?:white|black|red|green|blue|gray|grey"
    r"|silver|orange|yellow|purple|navy|maroon)(?![\w-])"
)


def css_variables() -> dict[str, str]:
    root = re.search(r":root\s*\{([^}]*)\}", SITE_CSS.read_text(encoding="utf-8"))
    assert root, "site.css names its colours in :root"
    return dict(re.findall(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{6})\b", root.group(1)))


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_as_wcag_defines_it() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def _pair(pair: tuple[str, ...]) -> tuple[str, str, float]:
    foreground, background, *least = pair
    return foreground, background, float(least[0]) if least else 4.5


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: f"{pair[0]} on {pair[1]}")
def test_each_colour_pair_meets_wcag_aa(pair: tuple[str, ...]) -> None:
    foreground, background, least = _pair(pair)
    colours = css_variables()
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= least, f"{foreground} on {background}: {ratio:.2f}:1, needs {least}:1"


@pytest.mark.parametrize("stylesheet", sorted(CSS.glob("*.css")), ids=lambda path: path.name)
def test_every_colour_is_a_checked_variable(stylesheet: Path) -> None:
    # A colour written outside :root would escape the contrast check above.
    text = re.sub(r":root\s*\{[^}]*\}", "", stylesheet.read_text(encoding="utf-8"))
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    assert COLOUR_LITERAL.findall(text) == []


def test_the_focus_ring_is_never_hidden() -> None:
    text = SITE_CSS.read_text(encoding="utf-8")
    assert re.search(r":focus-visible\s*\{[^}]*outline:\s*3px solid var\(--focus\)", text)
    assert not re.search(r"outline(-width)?\s*:\s*(none|0)\b", text)


def test_nothing_is_wider_than_a_phone() -> None:
    text = SITE_CSS.read_text(encoding="utf-8")
    fixed = [int(px) for px in re.findall(r"(?<![-\w])(?:min-)?width\s*:\s*(\d+)px", text)]
    assert [px for px in fixed if px > 320] == []
    assert re.search(r"@media \(max-width: 30rem\)", text), "a layout for narrow screens"


@dataclass
class Control:
    tag: str
    attributes: dict[str, str]
    in_label: bool
    text: str = ""


@dataclass
class _Structure(HTMLParser):
    """The parts of a page that the accessibility checks read."""

    ids: list[str] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    controls: list[Control] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    described_by: list[str] = field(default_factory=list)
    tabindexes: list[int] = field(default_factory=list)
    anchors_without_href: int = 0
    images_without_alt: int = 0
    viewport: str = ""
    html_lang: str = ""
    _labels_open: int = 0
    _button: Control | None = None

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        self.described_by += a.get("aria-describedby", "").split()
        if "tabindex" in a:
            self.tabindexes.append(int(a["tabindex"]))
        if tag == "html":
            self.html_lang = a.get("lang", "")
        elif tag == "meta" and a.get("name") == "viewport":
            self.viewport = a.get("content", "")
        elif tag == "label":
            self._labels_open += 1
            if "for" in a:
                self.label_for.add(a["for"])
        elif tag == "a" and "href" not in a:
            self.anchors_without_href += 1
        elif tag == "img" and "alt" not in a:
            self.images_without_alt += 1
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(Control(tag, a, in_label=self._labels_open > 0))
        elif tag == "button":
            self._button = Control(tag, a, in_label=False)
            self.controls.append(self._button)
        elif tag == "h1":
            self.headings.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._labels_open -= 1
        elif tag == "button":
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button.text += data.strip()


def _unlabelled(page: _Structure) -> list[dict[str, str]]:
    unlabelled = []
    for control in page.controls:
        a = control.attributes
        named = (
            control.in_label
            or a.get("id") in page.label_for
            or a.get("aria-label")
            or a.get("aria-labelledby")
            or (control.tag == "button" and control.text)
            or (control.tag == "input" and a.get("type") in ("submit", "reset") and a.get("value"))
        )
        if not named:
            unlabelled.append(a)
    return unlabelled


@pytest.mark.django_db
def test_every_page_is_labelled_and_works_from_the_keyboard() -> None:
    for page in site_build():
        for language in ("zh-CN", "en"):
            html = client_for(page.visitor, language).get(page.path).content.decode()
            structure = _Structure()
            structure.feed(html)
            where = f"{page.name} ({language})"
            assert _unlabelled(structure) == [], where
            assert len(structure.ids) == len(set(structure.ids)), f"{where}: repeated ids"
            assert set(structure.described_by) <= set(structure.ids), where
            assert structure.headings == ["h1"], f"{where}: one h1"
            assert structure.html_lang in ("zh-hans", "en"), where
            assert structure.viewport == "width=device-width, initial-scale=1", where
            assert "main" in structure.ids, f"{where}: the skip link's target"
            assert all(index <= 0 for index in structure.tabindexes), f"{where}: tab order"
            assert structure.anchors_without_href == 0, f"{where}: a link no key reaches"
            assert structure.images_without_alt == 0, where
