"""The OpenAPI schema at /api/schema/ and the Swagger UI at /api/docs/, served from our own
static files."""

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_it_serves_an_openapi_3_schema_of_the_api(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    assert "post" in schema["paths"]["/api/v1/entries"]


def test_it_serves_the_schema_as_yaml_by_default() -> None:
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_it_describes_the_token_scheme(schema: dict[str, Any]) -> None:
    token = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (token["type"], token["in"], token["name"]) == ("apiKey", "header", "Authorization")
    assert "Token jvn_" in token["description"]


def test_it_documents_the_error_answers_in_the_one_error_shape(schema: dict[str, Any]) -> None:
    responses = schema["paths"]["/api/v1/entries"]["post"]["responses"]
    for status in ("400", "401", "403", "406", "413", "415", "429", "503"):
        body = responses[status]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/ErrorOutput"}, status
    error = schema["components"]["schemas"]["ErrorOutput"]["properties"]["error"]
    assert error == {"$ref": "#/components/schemas/ErrorDetail"}
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["code", "message"]


def test_every_operation_documents_the_503_of_stored_data_failing_its_checks(
    schema: dict[str, Any],
) -> None:
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert operations
    assert all("503" in op["responses"] for op in operations)


def test_it_serves_swagger_ui_from_its_own_static_files() -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    start_up = "/api/docs/?script="
    assert start_up in assets
    for url in set(assets) - {start_up}:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), url
    assert "https://" not in page
    assert "http://" not in page


def test_the_docs_page_has_no_inline_script_or_style_for_the_csp_to_block() -> None:
    page = Client().get("/api/docs/").content.decode()
    assert "<style" not in page
    assert re.findall(r"<script[^>]*>([^<]*)</script>", page) == ["", "", ""]
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_the_docs_do_not_read_a_stale_token() -> None:
    response = Client().get("/api/docs/", HTTP_AUTHORIZATION="Token jvp_revoked-long-ago")
    assert response.status_code == 200
