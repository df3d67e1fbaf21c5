"""API: residents sign in with their registered phone and an SMS code (mounted under /auth)."""

from ninja import Router, Schema
from ninja.responses import Status

from gongzhi.accounts import services
from gongzhi.accounts.api import TokenOut
from gongzhi.kernel.api import ErrorOut

from . import services as phone

router = Router(tags=["认证"])


class PhoneCodeIn(Schema):
    phone: str


class PhoneCodeOut(Schema):
    sent: bool
    demo_code: str | None = None


class PhoneTokenIn(Schema):
    phone: str
    code: str
    name: str = ""


@router.post("/phone/code", auth=None, response=PhoneCodeOut, summary="居民：向登记的手机号发送验证码")
def phone_code(request, payload: PhoneCodeIn):
    return {"sent": True, "demo_code": phone.phone_code_send(phone=payload.phone)}


@router.post(
    "/phone/token", auth=None, response={201: TokenOut, 423: ErrorOut}, summary="居民：手机号+验证码换取令牌"
)
def phone_token(request, payload: PhoneTokenIn):
    user = phone.phone_code_verify(phone=payload.phone, code=payload.code, channel="api")
    token, raw = services.token_issue(user=user, name=payload.name or "居民端")
    return Status(201, {"id": token.pk, "token": raw, "expires_at": token.expires_at})
