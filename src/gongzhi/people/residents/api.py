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


@router.post(
    "/phone/code",
    auth=None,
    response={200: PhoneCodeOut, 429: ErrorOut},
    summary="居民：向登记的手机号发送验证码",
    description="无论手机号是否已在实有人口中登记，应答都相同（只有已登记的号码会收到短信）。"
    "同一手机号 60 秒内只发一次、每小时至多 5 次，同一地址每小时至多 20 次；超出时应答 429 并带 Retry-After。",
)
def phone_code(request, payload: PhoneCodeIn):
    return {"sent": True, "demo_code": phone.phone_code_send(phone=payload.phone)}


@router.post(
    "/phone/token",
    auth=None,
    response={201: TokenOut, 423: ErrorOut, 429: ErrorOut},
    summary="居民：手机号+验证码换取令牌",
)
def phone_token(request, payload: PhoneTokenIn):
    user = phone.phone_code_verify(phone=payload.phone, code=payload.code, channel="api")
    token, raw = services.token_issue(user=user, name=payload.name or "居民端")
    return Status(201, {"id": token.pk, "token": raw, "expires_at": token.expires_at})
