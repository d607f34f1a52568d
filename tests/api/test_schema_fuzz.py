"""Schemathesis against the API's own OpenAPI schema, through the WSGI application: for every
operation, bounded examples of valid and invalid input, checked by all of Schemathesis's
checks: not one may answer 5xx, or with a status, media type, header or body that the schema
does not describe, nor refuse input the schema admits, nor accept input it rules out.

The node-only operation is called with a node's token, every other as the public. Each
example starts with fresh throttle counts, so the fuzzing explores the API rather than its
rate limits (which tests/api/test_throttles.py covers).
"""

import uuid
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.conf import LazySettings
from django.core.wsgi import get_wsgi_application
from schemathesis import Case
from schemathesis.config import PositiveDataAcceptanceConfig

from judicial_verify.records.credentials import node_create

MAX_EXAMPLES = 25


@pytest.fixture
def node_token(db: None) -> str:
    _, token = node_create(code="court-fuzz", name="Fuzzing Court")
    return token


def needs_token(case: Case) -> bool:
    """Whether the operation admits no anonymous caller (its security has no `{}`)."""
    security: list[dict[str, Any]] = case.operation.definition.raw.get("security", [{}])
    return {} not in security


def fresh_throttle_counts(settings: LazySettings) -> None:
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"fuzz-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }


# Loaded when the module is collected (Django is set up by then): one test per operation.
# schemathesis.pytest.from_fixture would load it lazily, but fails on pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
schema.config.generation.update(max_examples=MAX_EXAMPLES)
# A schema-valid batch is refused with 422 when its Idempotency-Key was used for another
# batch before, as the IETF Idempotency-Key header draft asks; the examples reuse keys.
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=[*PositiveDataAcceptanceConfig().expected_statuses, "422"]
)


@schema.parametrize()
@pytest.mark.django_db(transaction=True)  # the integrator runs on commit: `?wait=` returns
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        hypothesis.HealthCheck.too_slow,
        hypothesis.HealthCheck.filter_too_much,
        hypothesis.HealthCheck.function_scoped_fixture,  # the node and settings serve every example
    ],
)
def test_the_api_answers_every_input_as_its_schema_says(
    case: Case, node_token: str, settings: LazySettings
) -> None:
    fresh_throttle_counts(settings)
    headers = {"Authorization": f"Token {node_token}"} if needs_token(case) else {}
    case.call_and_validate(headers=headers)
