"""Property-based checks of the whole API against its own OpenAPI schema (schemathesis).

Every operation is called with generated input by a signed-in county officer: no 5xx, every
status and body as documented, errors in the one error shape.
"""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from gongzhi.wsgi import application

from .conftest import api_token

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def county_token(client, personas):
    return api_token(client, "heji")


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(case, county_token):
    response = case.call_and_validate(headers={"Authorization": f"Bearer {county_token}"})
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert set(body) == {"error"} and body["error"]["message"], body
