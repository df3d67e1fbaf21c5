"""Gives API responses that Django or ninja produce outside our handlers (405, unknown URL, 500)
the one JSON error shape, so clients never have to parse a plain-text or HTML error."""

import json
import re

from django.http import HttpResponse

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


def _refusal(message: str) -> HttpResponse:
    body = {"error": {"code": "invalid", "message": message, "fields": []}}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=422, content_type="application/json; charset=utf-8"
    )


def _out_of_range(request, is_json: bool) -> bool:
    text = request.path + "?" + request.META.get("QUERY_STRING", "")
    if any(int(digits) > _BIGINT for digits in _LONG_DIGITS.findall(text)):
        return True
    if is_json and _LONG_DIGITS.search(request.body.decode("utf-8", "replace")):
        try:
            return _too_big(json.loads(request.body))
        except ValueError:
            return False
    return False


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # PostgreSQL text cannot hold NUL; refuse it up front instead of failing deep in a query.
        query = request.META.get("QUERY_STRING", "")
        is_json = request.content_type == "application/json"
        if request.path.startswith("/api/") and (
            "\x00" in query
            or "%00" in query
            or (is_json and (b"\\u0000" in request.body or b"\x00" in request.body))
        ):
            body = {
                "error": {
                    "code": "invalid",
                    "message": "请求中含有空字符（\\u0000），请删除后重试。",
                    "fields": [],
                }
            }
            return HttpResponse(
                json.dumps(body, ensure_ascii=False),
                status=422,
                content_type="application/json; charset=utf-8",
            )
        if request.path.startswith("/api/") and _out_of_range(request, is_json):
            return _refusal("请求中的数值超出范围（编号最大为 9223372036854775807）。")
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
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
