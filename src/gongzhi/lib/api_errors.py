"""Gives API responses that Django or ninja produce outside our handlers (405, unknown URL, 500)
the one JSON error shape, so clients never have to parse a plain-text or HTML error."""

import json

from django.http import HttpResponse

_MESSAGES = {
    400: ("invalid", "请求有误。"),
    403: ("forbidden", "无权访问（可能缺少 CSRF 令牌）。"),
    404: ("not_found", "接口或对象不存在。"),
    405: ("method_not_allowed", "该接口不支持此请求方法。"),
    413: ("too_large", "请求体过大。"),
    500: ("server_error", "服务器内部错误，请稍后重试。"),
}


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
