"""The wording of an outcome is written once and translated once, in the catalogue."""

from django.utils import translation

from judicial_verify.records.outcomes import COPY_DIFFERS, english_and_chinese


def test_it_gives_the_copy_wording_in_english_and_in_the_catalogues_chinese() -> None:
    english, chinese = english_and_chinese(COPY_DIFFERS)
    assert english.startswith("A printed, scanned, photographed or re-saved copy")
    assert english.endswith("(Electronic Signature Law, art. 5).")
    assert chinese.startswith("打印、扫描、拍照或另存的副本")
    assert chinese.endswith("（《中华人民共和国电子签名法》第五条）。")


def test_it_leaves_the_active_language_as_it_was() -> None:
    with translation.override("zh-hans"):
        english_and_chinese(COPY_DIFFERS)
        assert translation.get_language() == "zh-hans"
