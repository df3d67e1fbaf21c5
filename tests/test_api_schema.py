"""Property-based checks of the whole API against its own OpenAPI schema (schemathesis).

Every operation is called with generated input by one of four signed-in personas — a resident, the
grid worker of 贺集村第1网格, a 贺集村 officer and a 高阳镇 officer, drawn by hypothesis with the rest
of the input — so role checks, scoping and resident-only paths are all exercised: no 5xx, every
status and body as documented, errors in the one error shape.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from gongzhi.accounts.services import token_issue
from gongzhi.wsgi import application

# resident, grid worker, village officer, town officer (tests/conftest.py personas)
PERSONAS = ("resident", "wgy", "heji", "gaoyang")

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def tokens(personas):
    """A bearer token for each persona (issued directly: the sign-in itself is fuzzed as an operation).
    Calling the WSGI app directly fires request_started/finished, which would close the test's
    database connection mid-transaction; Django's own test client detaches that handler the same way
    (and re-attaches it afterwards)."""
    issued = {name: token_issue(user=getattr(personas, name), name="fuzz")[1] for name in PERSONAS}
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield issued
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@schema.given(persona=st.sampled_from(PERSONAS))
@settings(
    # About 8 examples per persona per operation: with tokens issued directly (no sign-in per
    # operation) this costs less than the one-persona run with 15 examples did.
    max_examples=32,
    # The same examples every run: CI then checks exactly what the developer checked.
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(case, persona, tokens):
    # Business rules (a wrong password, an area out of scope) rightly refuse schema-valid input,
    # so the "positive data acceptance" check does not apply to this API.
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens[persona]}"}, excluded_checks=[positive_data_acceptance]
    )
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert set(body) == {"error"} and body["error"]["message"], body
