"""Property-based checks of the whole API against its own OpenAPI schema (schemathesis).

Every operation is called with generated input by a signed-in village officer (贺集村): no 5xx, every
status and body as documented, errors in the one error shape.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from gongzhi.wsgi import application

from .conftest import api_token

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def village_token(client, personas):
    """A 贺集村 officer's token. Calling the WSGI app directly fires request_started/finished,
    which would close the test's database connection mid-transaction; Django's own test client
    detaches that handler the same way (and re-attaches it, so this runs after the token call)."""
    token = api_token(client, "heji")
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield token
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=15,
    # The same examples every run: CI then checks exactly what the developer checked.
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(case, village_token):
    # Business rules (a wrong password, an area out of scope) rightly refuse schema-valid input,
    # so the "positive data acceptance" check does not apply to this API.
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {village_token}"}, excluded_checks=[positive_data_acceptance]
    )
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert set(body) == {"error"} and body["error"]["message"], body
