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


PUBLIC_OPERATIONS = {
    ("get", "/api/v1/verify"),
    ("post", "/api/v1/verify"),
    ("get", "/api/v1/codes/{code}"),
    ("post", "/api/v1/codes/{code}/check"),
    ("get", "/api/v1/codes/{code}/qr"),
    ("get", "/api/v1/entries/{index}"),
    ("get", "/api/v1/entries/{index}/proof"),
    ("get", "/api/v1/entries/{index}/receipt"),
    ("get", "/api/v1/log"),
    ("get", "/api/v1/log/consistency"),
}


def _operations(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def test_every_public_operation_is_shown_as_needing_no_token(schema: dict[str, Any]) -> None:
    operations = _operations(schema)
    assert PUBLIC_OPERATIONS <= set(operations)
    for key in PUBLIC_OPERATIONS:
        # The one security requirement that asks for nothing: Swagger UI shows no lock.
        assert operations[key]["security"] == [{}], key


def test_every_other_operation_requires_a_token(schema: dict[str, Any]) -> None:
    others = {k: op for k, op in _operations(schema).items() if k not in PUBLIC_OPERATIONS}
    assert ("post", "/api/v1/entries") in others
    for key, operation in others.items():
        assert operation["security"] == [{"tokenAuth": []}], key


def test_what_the_schema_calls_public_answers_without_a_token_and_the_rest_does_not() -> None:
    client = Client()
    assert client.get("/api/v1/log").status_code == 200
    assert client.get("/api/v1/verify", {"sha256": "0" * 64}).status_code == 200
    assert client.post("/api/v1/entries", {}, content_type="application/json").status_code == 401


def test_the_docs_open_with_a_quick_start_in_chinese_and_english(schema: dict[str, Any]) -> None:
    description = schema["info"]["description"]
    assert "## Quick start · 快速上手" in description
    assert "**Verifying needs no token.**" in description
    assert "**核验无需令牌。**" in description
    assert description.index("Quick start") < description.index("/api/v1/verify")


def test_the_quick_start_shows_curl_for_verify_receipt_and_a_batch(schema: dict[str, Any]) -> None:
    description = schema["info"]["description"]
    assert 'curl -F "file=@judgment.pdf" "$JV/api/v1/verify"' in description
    assert 'curl "$JV/api/v1/verify?sha256=' in description
    assert 'curl -OJ "$JV/api/v1/entries/0/receipt"' in description
    batch = description[description.index('curl -X POST "$JV/api/v1/entries') :]
    assert '-H "Authorization: Token $NODE_TOKEN"' in batch
    assert batch.index("-d '[{") < batch.index("```")  # a JSON list: a batch


def test_the_quick_start_points_at_the_site_that_serves_it() -> None:
    response = Client().get("/api/schema/", {"format": "json"}, HTTP_HOST="localhost")
    description = response.json()["info"]["description"]
    assert "JV=http://localhost\n" in description
    assert "{site}" not in description


def test_the_verify_answer_documents_each_entrys_urls(schema: dict[str, Any]) -> None:
    entry = schema["components"]["schemas"]["LinkedEntryOut"]
    for field in ("receipt_url", "report_url"):
        assert entry["properties"][field]["format"] == "uri"
        assert field in entry["required"]
