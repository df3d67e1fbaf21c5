"""Gives API responses that Django or ninja produce outside our handlers (405, unknown URL, 413,
500) the one JSON error shape, so clients never have to parse a plain-text or HTML error; and
guards the edge: control characters (kernel.text) in a query string, a JSON body or a form post,
and numbers beyond a 64-bit id, are refused before any view sees them."""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.shortcuts import render

from . import text

_MESSAGES = {
    400: ("invalid", "请求有误。"),
    403: ("forbidden", "无权访问（可能缺少 CSRF 令牌）。"),
    404: ("not_found", "接口或对象不存在。"),
    405: ("method_not_allowed", "该接口不支持此请求方法。"),
    413: ("too_large", "请求体过大。"),
    500: ("server_error", "服务器内部错误，请稍后重试。"),
}


_BIGINT = 2**63 - 1
_LONG_DIGITS = re.compile(r"\d{19,}")


def _too_big(value) -> bool:
    """Any integer in a JSON document beyond a 64-bit id (PostgreSQL would fail the query)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) > _BIGINT
    if isinstance(value, dict):
        return any(_too_big(v) for v in value.values())
    if isinstance(value, list):
        return any(_too_big(v) for v in value)
    return False


def _refusal(
    message: str, fields: list | None = None, status: int = 422, code: str = "invalid"
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or []}}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )


def _out_of_range(request, document) -> bool:
    url = request.path + "?" + request.META.get("QUERY_STRING", "")
    if any(int(digits) > _BIGINT for digits in _LONG_DIGITS.findall(url)):
        return True
    return _too_big(document)


def _json_document(request):
    """The parsed JSON body, or None (no JSON body, or not parseable: ninja answers that itself)."""
    if request.content_type != "application/json" or not request.body:
        return None
    try:
        return json.loads(request.body)
    except ValueError:
        return None


def _control_in_api(request, document) -> tuple[str, str] | None:
    """(field, 'U+001F') of the first control character in the path, query string or JSON body."""
    code = text.control_char(request.path)
    if code:
        return "路径", code
    for key in request.GET:
        for name, value in [(key, key)] + [(key, v) for v in request.GET.getlist(key)]:
            code = text.control_char(value)
            if code:
                return name, code
    if document is None and request.content_type == "application/json" and b"\x00" in request.body:
        return "请求体", "U+0000"  # unparseable, but never let a NUL near the database
    for name, value in text.walk_strings(document):
        code = text.control_char(value)
        if code:
            return name or "请求体", code
    return None


def _control_in_form(request) -> tuple[str, str] | None:
    """(field, 'U+001F') of the first control character in a page's form post."""
    for key in request.POST:
        for value in [key, *request.POST.getlist(key)]:
            code = text.control_char(value)
            if code:
                return key, code
    return None


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)  # pages: process_view below
        try:
            if not request.content_type.startswith("multipart/"):
                request.body  # noqa: B018 - read now, so a body over the limit is answered here
            document = _json_document(request)
        except RequestDataTooBig:
            cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            size = f"{cap // 2**20} MB" if cap >= 2**20 else f"{cap // 1024} KB"
            return _refusal(f"请求体过大（上限 {size}），请拆分后重试。", status=413, code="too_large")
        found = _control_in_api(request, document)
        if found:
            field, code = found
            message = text.control_message(f"字段 {field} ", code)
            return _refusal(message, [{"field": field, "message": message}])
        if _out_of_range(request, document):
            return _refusal("请求中的数值超出范围（编号最大为 9223372036854775807）。")
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            code, message = _MESSAGES.get(response.status_code, ("error", "请求失败。"))
            body = {"error": {"code": code, "message": message, "fields": []}}
            replaced = HttpResponse(
                json.dumps(body, ensure_ascii=False),
                status=response.status_code,
                content_type="application/json; charset=utf-8",
            )
            if response.has_header("Allow"):
                replaced["Allow"] = response["Allow"]
            return replaced
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """A page's form post (urlencoded or multipart text fields; CSRF reads them next anyway),
        checked once the session and user are known, so the refusal page shows the user's menu."""
        if request.path.startswith("/api/"):
            return None
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            found = _control_in_form(request)
            if found:
                field, code = found
                message = text.control_message(f"所填「{field}」一栏", code)
                return render(request, "400.html", {"message": message}, status=400)
        return None
