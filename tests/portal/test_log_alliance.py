"""/log/ shows the log's alliance when it has a witness policy: each witness, the institution
that runs it (WITNESS_INSTITUTIONS), the last checkpoint the log knows it cosigned and when, in
Chinese and English; and `manage.py check` refuses an institutions file it cannot use."""

import html as entities
import re
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from .log_alliance import INSTITUTIONS, alliance_configure
from .page_text import page_text
from .test_languages import LATIN_ALLOWED

pytestmark = pytest.mark.django_db


def page(language: str = "en") -> str:
    """The log page's HTML, its character references (&#x27;) resolved."""
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/log/")
    assert response.status_code == 200
    return entities.unescape(response.content.decode())


def text(html: str) -> str:
    """The page's words, without its tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def witness_block(html: str, institution: str) -> str:
    """The words of the page's entry for the witness run by `institution`."""
    start = html.index(f"<h3>{institution}</h3>")
    return text(html[start : html.index("</li>", start)])


def test_it_names_each_witness_s_institution_and_its_last_cosigned_checkpoint(
    settings: LazySettings, tmp_path: Path
) -> None:
    alliance_configure(settings, tmp_path)
    html = page()
    assert "The alliance's witnesses" in html
    assert witness_block(html, "Beijing People's Procuratorate") == (
        "Beijing People's Procuratorate Witness name in the policy procuratorate "
        "Last checkpoint it cosigned 12 records Cosigned (UTC) 2026-11-20 02:30:05"
    )
    assert witness_block(html, "Beijing Fangyuan Notary Office") == (
        "Beijing Fangyuan Notary Office Witness name in the policy notary "
        "Last checkpoint it cosigned 9 records Cosigned (UTC) 2026-11-20 01:00:00 "
        "Not answering since (UTC) 2026-11-20 02:00:00"
    )
    assert witness_block(html, "Beijing Arbitration Commission") == (
        "Beijing Arbitration Commission Witness name in the policy arbitration "
        "Last checkpoint it cosigned None yet."
    )


def test_it_states_the_quorum_and_links_the_policy(settings: LazySettings, tmp_path: Path) -> None:
    alliance_configure(settings, tmp_path)
    html = page()
    assert "<code>alliance = 2 of (procuratorate, notary, arbitration)</code>" in html
    assert '<a href="/log/policy">the witness policy</a>' in html


def test_its_steps_download_the_policy_and_verify_with_it_and_the_key_list(
    settings: LazySettings, tmp_path: Path
) -> None:
    alliance_configure(settings, tmp_path)
    html = page()
    assert '<a href="/log/policy" download="log.policy"><code>log.policy</code></a>' in html
    assert (
        '<code>python -c "import urllib.request as r; '
        "r.urlretrieve('http://testserver/log/policy', 'log.policy')\"</code>"
    ) in html
    assert (
        "<code>python -m judicial_verify.tlog verify --receipt entry-NUMBER.tlog-proof "
        "--key log.keys --policy log.policy --document the-document.pdf</code>"
    ) in html


def test_in_chinese_it_names_the_institutions_in_chinese_and_shows_no_english(
    settings: LazySettings, tmp_path: Path
) -> None:
    alliance_configure(settings, tmp_path)
    html = page("zh-CN")
    assert "司法联盟的见证人" in html
    assert witness_block(html, "北京市人民检察院") == (
        "北京市人民检察院 策略中的见证人名称 procuratorate 最近联署的检查点 涵盖 12 条记录 "
        "联署时间（UTC） 2026-11-20 02:30:05"
    )
    assert "自此时起未应答（UTC）" in witness_block(html, "北京市方圆公证处")
    words = {w for t in page_text(html) for w in re.findall(r"[A-Za-z]{3,}", t) if not w.isupper()}
    assert words <= LATIN_ALLOWED, words


def test_a_witness_the_file_does_not_name_is_shown_by_its_name_in_the_policy(
    settings: LazySettings, tmp_path: Path
) -> None:
    alliance_configure(settings, tmp_path, {"notary": INSTITUTIONS["notary"]})
    html = page()
    assert "<h3><code>procuratorate</code></h3>" in html
    assert "<h3>Beijing Fangyuan Notary Office</h3>" in html


def test_without_a_policy_it_shows_no_alliance(settings: LazySettings) -> None:
    assert settings.WITNESS_POLICY is None
    html = page()
    assert "witnesses" not in html
    assert "--policy" not in html


def test_an_unfit_institutions_file_leaves_the_witnesses_named_as_in_the_policy(
    settings: LazySettings, tmp_path: Path
) -> None:
    alliance_configure(settings, tmp_path, {"notary": {"en": "Notary"}})
    html = page()
    assert "<h3><code>notary</code></h3>" in html
    assert "Notary" not in html


@pytest.mark.parametrize(
    ("institutions", "problem"),
    [
        ([], "not a JSON object of witness names"),
        ({"notary": "公证处"}, "witness 'notary' needs its institution's name in each of"),
        ({"notary": {"en": "Notary"}}, "in each of zh-hans, en, as an object of strings"),
        ({"notary": {"en": "Notary", "zh-hans": " "}}, "witness 'notary' needs"),
        ({"registry": INSTITUTIONS["notary"]}, "names registry, which the witness policy does not"),
    ],
)
def test_the_check_refuses_an_institutions_file_it_cannot_use(
    settings: LazySettings, tmp_path: Path, institutions: object, problem: str
) -> None:
    alliance_configure(settings, tmp_path, institutions)
    with pytest.raises(SystemCheckError, match=re.escape(problem)):
        call_command("check")


def test_the_check_refuses_an_institutions_file_that_is_not_json(
    settings: LazySettings, tmp_path: Path
) -> None:
    alliance_configure(settings, tmp_path)
    (tmp_path / "institutions.json").write_text("{procuratorate: 北京市人民检察院}")
    with pytest.raises(SystemCheckError, match="institutions.json'.*: not JSON"):
        call_command("check")


def test_the_check_refuses_institutions_without_a_policy(
    settings: LazySettings, tmp_path: Path
) -> None:
    path = tmp_path / "institutions.json"
    path.write_text("{}")
    settings.WITNESS_INSTITUTIONS = path
    call_command("check")  # naming no one, it is harmless
    path.write_text('{"notary": {"zh-hans": "公证处", "en": "Notary"}}')
    with pytest.raises(SystemCheckError, match="WITNESS_INSTITUTIONS is set without"):
        call_command("check")


def test_the_check_passes_a_fit_institutions_file(settings: LazySettings, tmp_path: Path) -> None:
    alliance_configure(settings, tmp_path)
    call_command("check")
