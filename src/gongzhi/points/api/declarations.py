"""API /api/v1/points/declarations: declare (JSON, then photos as multipart), the review queue,
detail, approve, reject with a reason, withdraw."""

from datetime import date, datetime
from typing import Literal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from gongzhi.kernel.api import Page, paginate
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.text import limit

from .. import services
from ..choices import DeclarationStatus
from ..models import PointDeclaration
from ..views.common import declaration_actions
from .accounts import ReasonIn, _account, _item

router = Router(tags=["积分"])


class DeclarationIn(Schema):
    account_id: int
    item_id: int
    text: str = Field(max_length=limit(PointDeclaration, "text"), description="事迹（至少 4 个字）")
    occurred_on: date | None = Field(None, description="发生日期 YYYY-MM-DD，默认今天；不能晚于今天")


class DeclarationOut(Schema):
    id: int
    account_id: int
    account_name: str
    subject: str
    area_code: str
    item_id: int
    item_code: str
    item_name: str
    points: int
    text: str
    occurred_on: date
    status: str
    status_label: str
    due_at: datetime
    overdue: bool
    created_at: datetime
    reviewer: str | None
    reviewed_at: datetime | None
    review_note: str
    entry_id: int | None
    photos: list[str]
    actions: list[str] = Field(description="当前用户可执行的操作：approve / reject / withdraw")


class DeclarationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[DeclarationOut]


def declaration_out(d: PointDeclaration, user) -> dict:
    """A declaration with its photos and the actions open to `user`."""
    return {
        **{
            f: getattr(d, f)
            for f in ("id", "account_id", "item_id", "points", "text", "occurred_on", "status")
        },
        **{f: getattr(d, f) for f in ("due_at", "created_at", "reviewed_at", "review_note", "entry_id")},
        "account_name": d.account.name,
        "subject": d.account.subject,
        "area_code": d.area_id,
        "item_code": d.item.code,
        "item_name": d.item.name,
        "status_label": d.get_status_display(),
        "overdue": d.status == DeclarationStatus.PENDING and d.due_at < timezone.now(),
        "reviewer": d.reviewer.display_name if d.reviewer else None,
        "photos": [p.url for p in d.photos.all()],
        "actions": declaration_actions(user, d),
    }


def _declaration(request, declaration_id: int) -> PointDeclaration:
    qs = PointDeclaration.objects.visible_to(request.user).select_related("account", "item", "reviewer")
    return get_object_or_404(qs, pk=declaration_id)


@router.post("/declarations", response={201: DeclarationOut}, summary="积分申报（照片另行上传）")
def declaration_create(request, payload: DeclarationIn):
    account = _account(request, payload.account_id)
    d = services.declaration_submit(
        actor=request.user, account=account, item=_item(payload.item_id), text=payload.text,
        occurred_on=payload.occurred_on,
    )  # fmt: skip
    return Status(201, declaration_out(_declaration(request, d.pk), request.user))


@router.post(
    "/declarations/{declaration_id}/photos",
    response=DeclarationOut,
    summary=f"为待审核的申报上传佐证照片（最多 {services.MAX_PHOTOS} 张，仅限图片，去除位置信息）",
)
def declaration_photos(request, declaration_id: int, photos: File[list[UploadedFile]]):
    d = _declaration(request, declaration_id)
    files = [(p.name, p.read()) for p in photos[: services.MAX_PHOTOS + 1]]
    services.declaration_photos_add(actor=request.user, declaration=d, photos=files)
    return declaration_out(_declaration(request, d.pk), request.user)


class DeclarationFilters(Page):
    status: Literal["", "pending", "approved", "rejected", "withdrawn"] = ""
    area_code: str = ""
    item_id: int | None = None
    overdue: bool | None = None


@router.get(
    "/declarations", response=DeclarationPage, summary="积分申报（审核队列：status=pending，超期在前）"
)
def declaration_list(request, filters: Query[DeclarationFilters]):
    qs = PointDeclaration.objects.visible_to(request.user).select_related("account", "item", "reviewer")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.area_code:
        qs = qs.filter(prefix_q("area_id", filters.area_code))
    if filters.item_id is not None:
        qs = qs.filter(item_id=filters.item_id)
    if filters.overdue is not None:
        late = Q(status=DeclarationStatus.PENDING, due_at__lt=timezone.now())
        qs = qs.filter(late) if filters.overdue else qs.exclude(late)
    qs = (
        qs.order_by("due_at", "pk")
        if filters.status == DeclarationStatus.PENDING
        else qs.order_by("-created_at", "-pk")
    )
    return paginate(qs.prefetch_related("photos"), filters, lambda d: declaration_out(d, request.user))


@router.get("/declarations/{declaration_id}", response=DeclarationOut, summary="积分申报详情")
def declaration_detail(request, declaration_id: int):
    return declaration_out(_declaration(request, declaration_id), request.user)


class NoteIn(Schema):
    note: str = Field("", description="审核意见（可不填）")


@router.post("/declarations/{declaration_id}/approve", response=DeclarationOut, summary="审核通过并入账")
def declaration_approve(request, declaration_id: int, payload: NoteIn):
    d = services.declaration_approve(
        actor=request.user, declaration=_declaration(request, declaration_id), note=payload.note
    )
    return declaration_out(_declaration(request, d.pk), request.user)


@router.post("/declarations/{declaration_id}/reject", response=DeclarationOut, summary="退回申报（须写理由）")
def declaration_reject(request, declaration_id: int, payload: ReasonIn):
    d = services.declaration_reject(
        actor=request.user, declaration=_declaration(request, declaration_id), reason=payload.reason
    )
    return declaration_out(_declaration(request, d.pk), request.user)


@router.post(
    "/declarations/{declaration_id}/withdraw", response=DeclarationOut, summary="撤回本人的待审核申报"
)
def declaration_withdraw(request, declaration_id: int):
    d = services.declaration_withdraw(actor=request.user, declaration=_declaration(request, declaration_id))
    return declaration_out(_declaration(request, d.pk), request.user)
