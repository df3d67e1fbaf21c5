"""API: tokens and the signed-in user."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.responses import Status

from gongzhi.kernel.api import ErrorOut
from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.jurisdiction import grants_of

from . import mfa, services
from .models import ApiToken

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""
    name: str = ""


class TokenOut(Schema):
    id: int
    token: str
    expires_at: datetime


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class GrantOut(Schema):
    role: str
    role_label: str
    area_code: str
    area_name: str
    department: str | None


class MeOut(Schema):
    username: str
    full_name: str
    grants: list[GrantOut]


@router.post(
    "/token",
    auth=None,
    response={201: TokenOut, 423: ErrorOut, 429: ErrorOut},
    summary="用户名、密码（及高级别人员的动态验证码 otp）换取令牌",
)
def token_create(request, payload: TokenIn):
    user = services.login_attempt(username=payload.username, password=payload.password, channel="api")
    if mfa.mfa_required(user):
        if mfa.confirmed_device(user) is None:
            raise Forbidden(
                "该账号须先在网页端登录并绑定动态口令，才能申请接口令牌。", code="mfa_not_enrolled"
            )
        mfa.totp_verify(user=user, code=payload.otp, channel="api")
    token, raw = services.token_issue(user=user, name=payload.name)
    return Status(201, {"id": token.pk, "token": raw, "expires_at": token.expires_at})


@router.delete("/token", response={204: None}, summary="吊销当前令牌")
def token_revoke_current(request):
    token = getattr(request.user, "_gongzhi_token", None)
    if token is None:
        raise DomainError("当前请求未使用令牌认证。")
    services.token_revoke(token=token, actor=request.user)
    return Status(204, None)


@router.get("/tokens", response=list[TokenInfo], summary="我的令牌")
def token_list(request):
    return ApiToken.objects.filter(user=request.user).order_by("-created_at")


@router.delete("/tokens/{token_id}", response={204: None}, summary="吊销指定令牌")
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=token_id)
    services.token_revoke(token=token, actor=request.user)
    return Status(204, None)


@router.get("/me", response=MeOut, summary="当前用户与角色")
def me(request):
    user = request.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "grants": [
            {
                "role": g.role,
                "role_label": g.get_role_display(),
                "area_code": g.area_id,
                "area_name": g.area.name,
                "department": g.department.name if g.department else None,
            }
            for g in grants_of(user)
        ],
    }
