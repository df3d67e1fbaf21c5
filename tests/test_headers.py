"""Safe response headers: a Content-Security-Policy with scripts from this site only (and no inline
script or handler in any template), a Permissions-Policy, no-store on everything the app answers;
the API documentation only for signed-in users unless GONGZHI_PUBLIC_API_DOCS."""

import re
from pathlib import Path

import pytest
from django.test import Client

import gongzhi
from gongzhi.settings import _tile_source

from .conftest import api_token

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_pages_carry_the_policy(personas):
    for response in (Client().get("/login/"), personas.client("heji").get("/")):
        csp = directives(response)
        assert csp["script-src"] == ["'self'"] and csp["default-src"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
        assert csp["form-action"] == ["'self'"] and csp["base-uri"] == ["'self'"]
        assert {"'self'", "data:", "blob:"} <= set(csp["img-src"])
        permissions = response["Permissions-Policy"]
        assert "camera=(self)" in permissions and "geolocation=(self)" in permissions
        assert "microphone=()" in permissions and "payment=()" in permissions and "usb=()" in permissions
        assert response["Cache-Control"] == "no-store"


def test_api_answers_are_not_stored(client, personas):
    token = api_token(client, "heji")
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert client.get("/api/v1/nothing-here")["Cache-Control"] == "no-store"


def test_static_files_keep_their_cache(client):
    response = client.get("/static/gongzhi/app.css")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")


def test_the_map_tile_host_is_allowed_for_images():
    assert _tile_source("https://tiles.example.gov.cn/{z}/{x}/{y}.png") == ["https://tiles.example.gov.cn"]
    assert _tile_source("https://{s}.tile.example.cn:8443/{z}/{x}/{y}.png") == [
        "https://*.tile.example.cn:8443"
    ]
    assert _tile_source("") == []


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_no_template_has_inline_script_or_handlers():
    root = Path(gongzhi.__file__).parent
    offenders = []
    for template in root.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text) or "javascript:" in text:
            offenders.append(str(template.relative_to(root)))
    assert offenders == []


def test_api_docs_need_sign_in_unless_opened(client, personas, settings):
    settings.PUBLIC_API_DOCS = False
    response = Client().get("/api/v1/docs")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/api/v1/docs")
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 401 and "仅对已登录用户开放" in response.json()["error"]["message"]
    assert personas.client("heji").get("/api/v1/docs").status_code == 200
    token = api_token(client, "heji")
    response = Client().get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["info"]["title"] == "共治 Gongzhi API"
    assert (
        Client().get("/api/v1/openapi.json", headers={"Authorization": "Bearer gz_forged"}).status_code == 401
    )
    settings.PUBLIC_API_DOCS = True
    assert Client().get("/api/v1/openapi.json").status_code == 200
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200 and directives(page)["script-src"] == ["'self'"]
