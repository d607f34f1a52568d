"""`field__any=[...]` selects what `field__in=[...]` selects, whatever the values' types."""

from collections.abc import Callable

import pytest

from judicial_verify.ledger.models import Entry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "values",
    [
        [0, 3, 7, 99],
        [6, 4, 5, 4, 3],  # repeated, in any order
        ["3", 7, 5.0],  # prepared by the field, as __in prepares them
        [2**40, 1],  # beyond 32 bits
        [True],  # a bool is not an int here: prepared, as __in prepares it (1)
    ],
)
def test_any_matches_what_in_matches_for_integers(
    grow: Callable[..., int], values: list[object]
) -> None:
    grow(10)
    by_any = set(Entry.objects.filter(index__any=values).values_list("index", flat=True))
    by_in = set(Entry.objects.filter(index__in=values).values_list("index", flat=True))  # type: ignore[misc]
    assert by_any == by_in
    assert by_any  # each list names at least one entry


@pytest.mark.parametrize(
    "others",
    [
        ["0" * 64],
        ["a,b", "'; --", '{"x"}'],  # what an array's text form would have to quote
        [""],
    ],
)
def test_any_matches_what_in_matches_for_strings(
    grow: Callable[..., int], others: list[str]
) -> None:
    grow(5)
    hashes = list(Entry.objects.values_list("sha256", flat=True)[:3])
    values = [*hashes, *others]
    by_any = set(Entry.objects.filter(sha256__any=values).values_list("index", flat=True))
    by_in = set(Entry.objects.filter(sha256__in=values).values_list("index", flat=True))
    assert by_any == by_in
    assert len(by_any) == 3


def test_any_of_nothing_selects_nothing(grow: Callable[..., int]) -> None:
    grow(3)
    assert not Entry.objects.filter(index__any=[]).exists()
