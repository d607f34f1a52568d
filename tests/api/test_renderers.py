"""The API's JSON renderer writes what DRF's JSONRenderer writes, whatever the value."""

import decimal
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import renderers
from rest_framework.exceptions import ErrorDetail

from judicial_verify.api.renderers import JSONRenderer

DRF = renderers.JSONRenderer()
OURS = JSONRenderer()

# JSON values as the API builds them: no floats (see the module's docstring on NaN).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_it_writes_any_json_value_as_drf_does(value: Any) -> None:
    assert OURS.render(value) == DRF.render(value)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 11, 27, 9, 8, 36, 123456, tzinfo=UTC),
        datetime(2026, 11, 27, 9, 8, 36, tzinfo=timezone(timedelta(hours=8))),
        datetime(2026, 11, 27, 9, 8, 36),
        date(2026, 11, 27),
        time(9, 8, 36, 500),
        timedelta(hours=1, seconds=3),
        decimal.Decimal("12.50"),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        b"bytes",
        gettext_lazy("Electronic evidence"),
        ErrorDetail("this field is required", code="required"),
        {0: ["a ListField's errors are keyed by position"], 1: []},
        "line\u2028and paragraph\u2029separators",
        "电子证据",
        2**64,  # past orjson's integers: DRF's renderer writes it
        {"nested": [{"signed": datetime(2026, 1, 1, tzinfo=UTC)}, (1, 2)]},
    ],
    ids=repr,
)
def test_it_writes_values_json_cannot_hold_as_drf_does(value: Any) -> None:
    ours = OURS.render({"value": value})
    assert ours == DRF.render({"value": value})


def test_it_indents_when_asked_as_drf_does() -> None:
    value = {"a": [1, 2], "b": "电子证据"}
    media_type = "application/json; indent=2"
    assert OURS.render(value, media_type) == DRF.render(value, media_type)
    assert b"\n  " in OURS.render(value, media_type)


def test_it_writes_nothing_for_none() -> None:
    assert OURS.render(None) == b""


def test_it_refuses_what_drf_refuses() -> None:
    with pytest.raises(TypeError):
        DRF.render({"value": object()})
    with pytest.raises(TypeError):
        OURS.render({"value": object()})


@pytest.mark.django_db
def test_the_api_answers_with_it(client: Any) -> None:
    response = client.get("/api/v1/log")
    assert isinstance(response.accepted_renderer, JSONRenderer)
