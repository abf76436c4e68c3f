"""The API's OpenAPI document is valid OpenAPI 3.1 for a real validator (openapi-spec-validator), and the answers of
the API match the schemas that document gives them (checked with the OpenAPI 3.1 schema validator)."""

from __future__ import annotations

import copy

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from dashboard.app import create_app


@pytest.fixture(scope="module")
def client(published_home):
    return create_app(published_home / "published").server.test_client()


@pytest.fixture(scope="module")
def document(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    return answer.get_json()


def schema_of(document: dict, path: str, status: str, media_type: str) -> dict:
    return document["paths"][path]["get"]["responses"][status]["content"][media_type]["schema"]


def errors(schema: dict, body: object) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in OAS31Validator(schema).iter_errors(body)]


def test_the_openapi_document_is_valid(document):
    validate(document)  # raises with the offending part of the document


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/api/v1/indicators?lang=ru", "/api/v1/indicators"),
        (
            "/api/v1/indicators/co2_per_capita.json?country=KAZ~CA5&time=2000..2020&lang=kk",
            "/api/v1/indicators/{id}.json",
        ),
        ("/api/v1/indicators/pm25_exposure.metadata.json?lang=en", "/api/v1/indicators/{id}.metadata.json"),
        ("/api/v1/snapshots", "/api/v1/snapshots"),
    ],
)
def test_answers_match_the_documented_schemas(client, document, url, path):
    answer = client.get(url)
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.get_json()
    assert errors(schema_of(document, path, "200", "application/json"), body) == []


def test_bad_parameters_and_unknown_ids_answer_the_documented_problem(client, document):
    for url, status in (
        ("/api/v1/indicators/co2_per_capita.json?country=ZZZ&time=x", "400"),
        ("/api/v1/indicators/no_such.csv", "404"),
    ):
        answer = client.get(url)
        assert str(answer.status_code) == status and answer.mimetype == "application/problem+json"
        schema = schema_of(document, "/api/v1/indicators/{id}.csv", status, "application/problem+json")
        assert errors(schema, answer.get_json()) == []


def test_the_schemas_catch_an_answer_that_breaks_them(client, document):
    body = client.get("/api/v1/indicators/co2_per_capita.json?country=KAZ").get_json()
    broken = copy.deepcopy(body)
    del broken["rows"][0]["licence_id"]
    broken["rows"][1]["year"] = "2020"
    found = errors(schema_of(document, "/api/v1/indicators/{id}.json", "200", "application/json"), broken)
    assert any("licence_id" in e for e in found) and any(e.startswith("rows/1/year") for e in found)
