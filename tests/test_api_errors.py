"""One JSON error shape for everything under /api/, including what Django answers itself."""

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_api_url_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_wrong_method_is_a_json_405(client):
    response = client.put("/api/v1/auth/token")
    assert response.status_code == 405
    assert response.json()["error"]["message"] == "该接口不支持此请求方法。"


def test_malformed_json_names_the_problem(client):
    response = client.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "请求体不是合法的 JSON。"


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/areas/{code}" in schema["paths"] and "/api/v1/auth/token" in schema["paths"]
    assert "404" in schema["paths"]["/api/v1/areas/{code}"]["get"]["responses"]
    assert client.get("/api/v1/docs").status_code == 200


def test_pages_keep_html_errors(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_api_docs_load_nothing_from_a_cdn(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in page and "/static/ninja/" in page


def test_nul_characters_are_refused_before_the_database(client):
    response = client.post(
        "/api/v1/auth/token", '{"username": "a\\u0000b", "password": "x"}', content_type="application/json"
    )
    assert response.status_code == 422 and "控制字符（U+0000）" in response.json()["error"]["message"]
    assert client.get("/api/v1/areas/?q=%00").status_code == 422


def test_numbers_beyond_a_64_bit_id_are_refused_before_the_database(client):
    huge = 2**70
    assert client.get(f"/api/v1/cases/{huge}").status_code == 422
    response = client.post(
        "/api/v1/auth/token",
        '{"username": "a", "password": "b", "n": ' + str(huge) + "}",
        content_type="application/json",
    )
    assert response.status_code == 422 and "超出范围" in response.json()["error"]["message"]
    assert client.get("/api/v1/areas/420822").status_code == 401  # ordinary codes pass through
