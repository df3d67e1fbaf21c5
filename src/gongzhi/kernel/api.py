"""What every API router shares: the one error shape, pagination, and the NinjaAPI subclass that
documents the common errors on every operation. The root gongzhi/api.py builds the API from this
and mounts each app's routers from the registry."""

from django.http import Http404
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from .errors import DomainError, Invalid

_FIELD_MESSAGES = {
    "missing": "缺少必填字段",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "int_parsing": "须为整数",
    "float_parsing": "须为数字",
    "bool_parsing": "须为布尔值",
    "json_invalid": "不是合法的 JSON",
    "string_type": "须为字符串",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "value_error": "取值无效",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "date_from_datetime_parsing": "日期格式无效",
    "datetime_parsing": "时间格式无效",
}


class ErrorField(Schema):
    field: str
    message: str


class ErrorDetail(Schema):
    code: str
    message: str
    fields: list[ErrorField]


class ErrorOut(Schema):
    """The one error shape of the whole API."""

    error: ErrorDetail


# Errors any operation may answer with; documented on every operation of the schema.
COMMON_ERRORS = {
    400: "请求违反业务规则",
    401: "未登录或令牌无效",
    403: "角色无权进行此操作",
    404: "对象不存在或不在管辖范围内",
    409: "对象已被他人修改（冲突）",
    422: "请求参数格式有误",
}

MAX_LIMIT = 500


class Page(Schema):
    """limit/offset of a list; filters of a list subclass it."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def paginate(qs, page: Page, render) -> dict:
    """One page of `qs` in the list shape every list operation answers with."""
    return {
        "count": qs.count(),
        "limit": page.limit,
        "offset": page.offset,
        "items": [render(obj) for obj in qs[page.offset : page.offset + page.limit]],
    }


def error_body(code: str, message: str, fields: list | None = None) -> dict:
    """The one error shape of the whole API."""
    return {"error": {"code": code, "message": message, "fields": fields or []}}


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON: Chinese messages stay readable in curl and logs."""

    json_dumps_params = {"ensure_ascii": False}


class GongzhiAPI(NinjaAPI):
    """NinjaAPI whose schema documents the common errors on every operation."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs", {}))
        components.setdefault("ErrorOut", error_schema)
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, text in COMMON_ERRORS.items():
                    responses.setdefault(str(status), {"description": text, **ref})
        return schema


# Messages ninja raises itself, in the language our users read.
_NINJA_MESSAGES = {
    "Cannot parse request body": "请求体不是合法的 JSON。",
    "CSRF check Failed": "缺少或无效的 CSRF 令牌：以网页会话调用接口时，须在 X-CSRFToken 头中携带令牌。",
}
_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 409: "conflict"}


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error the API answers with takes the one shape, with a Chinese message."""

    @api.exception_handler(DomainError)
    def on_domain_error(request, exc: DomainError):
        if isinstance(exc, Invalid):
            fields = [{"field": field, "message": message} for field, message in exc.errors]
        else:
            fields = [{"field": exc.field, "message": exc.message}] if exc.field else []
        response = api.create_response(request, error_body(exc.code, exc.message, fields), status=exc.status)
        if exc.retry_after:
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        fields = []
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
            name = ".".join(loc) or "请求"
            text = _FIELD_MESSAGES.get(err.get("type", ""), "取值无效")
            if err.get("type") == "string_too_long" and "max_length" in err.get("ctx", {}):
                text = f"不能超过 {err['ctx']['max_length']} 个字"
            fields.append({"field": name, "message": f"{name}：{text}"})
        message = "请求参数有误：" + "；".join(f["message"] for f in fields)
        return api.create_response(request, error_body("invalid", message, fields), status=422)

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request, exc):
        return api.create_response(
            request, error_body("unauthorized", "未登录或令牌无效、已过期、已吊销。"), status=401
        )

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return api.create_response(
            request, error_body("not_found", "对象不存在，或不在您的管辖范围内。"), status=404
        )

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        message = _NINJA_MESSAGES.get(str(exc), str(exc))
        code = _CODES.get(exc.status_code, "invalid")
        return api.create_response(request, error_body(code, message), status=exc.status_code)
