"""The closed loop: 受理 → 派遣 → 处置 → 办结 → 核查结案 → 评价 → 回访, with 上报, 下派, 退回,
延期, 督办 and 合并. Every change is a conditional update on (status, version) plus an immutable
timeline event, an audit event and notifications, in one transaction."""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.accounts.models import Department, User
from gongzhi.areas.models import Area
from gongzhi.audit.services import audit_record
from gongzhi.kernel.errors import Conflict, DomainError
from gongzhi.kernel.text import limit, problem

from . import deadlines, rules
from .choices import Action, Rating, Status, Supervision
from .models import Case, CaseEvent
from .notify import notify_assignee, notify_centre, notify_reporter
from .points_hooks import award_useful_report
from .services import _name, save_photos


def _reason(value: str, label: str = "理由", minimum: int = 2, maximum: int | None = None) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise DomainError(f"请填写{label}（至少 {minimum} 个字）。", field="note")
    message = problem(label, value, maximum or limit(CaseEvent, "note"))
    if message:
        raise DomainError(message, field="note")
    return value


def _move(case: Case, actor, action: str, *, to: str | None = None, note: str = "", internal: bool = False,
          data: dict | None = None, photos=(), **changes) -> Case:  # fmt: skip
    """Check the rules, apply `changes` only if nobody changed the case meanwhile, record the step."""
    rules.check(actor, case, action)
    now = timezone.now()
    to = to or case.status
    updated = Case.objects.filter(pk=case.pk, version=case.version, status=case.status).update(
        status=to, version=F("version") + 1, updated_at=now, **changes
    )
    if not updated:
        current = Case.objects.filter(pk=case.pk).values_list("status", flat=True).first()
        raise Conflict(
            f"该事件刚被他人处理（当前状态：{Status(current).label if current else '已删除'}），请刷新后再操作。",
            code="conflict",
        )
    event = CaseEvent.objects.create(
        case=case, action=action, actor=actor, actor_name=_name(actor), from_status=case.status, to_status=to,
        note=note, internal=internal, data=data or {}, created_at=now,
    )  # fmt: skip
    if photos:
        save_photos(case, event, photos)
    audit_record(actor=actor, action=f"cases.{action}", object_type="case", object_id=case.pk,
                 area_code=case.area_id, details={"from": case.status, "to": to, **(data or {})})  # fmt: skip
    case.refresh_from_db()
    return case


def _level(area_code: str) -> str:
    return Area.objects.get(pk=area_code).level


def _fresh_deadline(case: Case) -> dict:
    """Rework gets a new resolve deadline from now, and the sweep's flags start over."""
    _, resolve_due = deadlines.due_dates(
        case.kind, case.urgency, _level(case.handling_area_id), timezone.now()
    )
    return {"resolve_due": resolve_due, "overdue_at": None, "due_soon_notified_at": None}


@transaction.atomic
def case_accept(*, case: Case, actor, note: str = "") -> Case:
    now = timezone.now()
    _, resolve_due = deadlines.due_dates(case.kind, case.urgency, _level(case.handling_area_id), now)
    case = _move(case, actor, Action.ACCEPT, to=Status.ACCEPTED, note=note or "已受理", accepted_at=now,
                 resolve_due=resolve_due)  # fmt: skip
    notify_reporter(case, "已受理，正在办理。", kind="accepted")
    return case


@transaction.atomic
def case_reject(*, case: Case, actor, reason: str) -> Case:
    reason = _reason(reason, "不予受理的理由")
    case = _move(case, actor, Action.REJECT, to=Status.REJECTED, note=reason, closed_at=timezone.now())
    notify_reporter(case, f"不予受理：{reason}", kind="rejected")
    return case


@transaction.atomic
def case_assign(*, case: Case, actor, user: User | None = None, department: Department | None = None,
                note: str = "") -> Case:  # fmt: skip
    """派遣 to a grid worker or mediator of the area, or to a department (中心吹哨、部门报到)."""
    if (user is None) == (department is None):
        raise DomainError("请选择一个承办人或一个职能部门。", field="assignee")
    if user is not None and not rules.can_take(user, case):
        raise DomainError(
            f"{user.display_name} 不是承办综治中心辖区内的网格员、调解员或工作人员。", field="assignee"
        )
    if department is not None and not (
        case.handling_area_id.startswith(department.area_id)
        or department.area_id.startswith(case.handling_area_id)
    ):
        raise DomainError(f"{department.name} 不属于承办综治中心或其上级。", field="assignee")
    target = user.display_name if user else department.name
    case = _move(case, actor, Action.ASSIGN, to=Status.ASSIGNED, note=note or f"派遣至{target}",
                 data={"assignee": target}, assignee_user=user, assignee_department=department)  # fmt: skip
    notify_assignee(case, f"新任务：{case.title}", kind="task")
    return case


@transaction.atomic
def case_note(*, case: Case, actor, note: str, internal: bool = False, photos=()) -> Case:
    return _move(case, actor, Action.NOTE, note=_reason(note, "处置情况"), internal=internal, photos=photos)


@transaction.atomic
def case_return(*, case: Case, actor, reason: str) -> Case:
    """退回: the assignee hands the task back to the owning centre."""
    case = _move(case, actor, Action.RETURN, to=Status.ACCEPTED, note=_reason(reason, "退回理由"),
                 assignee_user=None, assignee_department=None)  # fmt: skip
    notify_centre(case, "承办人退回了任务。", kind="returned")
    return case


@transaction.atomic
def case_resolve(*, case: Case, actor, note: str, photos=()) -> Case:
    level = _level(case.handling_area_id)
    case = _move(case, actor, Action.RESOLVE, to=Status.RESOLVED, note=_reason(note, "办理结果"), photos=photos,
                 resolved_at=timezone.now(), settled_level=level)  # fmt: skip
    notify_centre(case, "已办结，请核查。", kind="resolved")
    return case


@transaction.atomic
def case_verify(*, case: Case, actor, note: str = "") -> Case:
    # rated_at is cleared so a reporter whose 不满意 sent the case back can rate the new result.
    case = _move(
        case,
        actor,
        Action.VERIFY,
        to=Status.CLOSED,
        note=note or "核查属实，结案",
        closed_at=timezone.now(),
        rated_at=None,
    )
    award_useful_report(case=case, actor=actor)  # the one door to the 积分制, in this transaction
    notify_reporter(case, "已办结，请对办理结果进行评价。", kind="please_rate")
    # Reporters of duplicates merged into this case hear the result too.
    for duplicate in case.merged.select_related("reporter_user"):
        notify_reporter(duplicate, f"与您反映的问题合并办理的 {case.number} 已办结。", kind="merged_result")
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str) -> Case:
    """核查不通过: back to the handler, counted as rework."""
    case = _move(case, actor, Action.REOPEN, to=Status.ASSIGNED if case.assignee_user_id or case.assignee_department_id
                 else Status.ACCEPTED, note=_reason(reason, "核查意见"), rework_count=F("rework_count") + 1,
                 resolved_at=None, **_fresh_deadline(case))  # fmt: skip
    notify_assignee(case, f"核查不通过，请重新处置：{reason}", kind="reopened")
    return case


@transaction.atomic
def case_escalate(*, case: Case, actor, reason: str) -> Case:
    """上报: the case moves to the centre one level up and waits to be accepted there."""
    parent = Area.objects.get(pk=case.handling_area_id).parent
    if parent is None or parent.level not in rules.CENTRE_LEVELS:
        raise DomainError("已是最高一级综治中心，不能再上报。", field="note")
    now = timezone.now()
    accept_due, resolve_due = deadlines.due_dates(case.kind, case.urgency, parent.level, now)
    case = _move(case, actor, Action.ESCALATE, to=Status.SUBMITTED, note=_reason(reason, "上报理由"),
                 data={"to": parent.code}, handling_area=parent, assignee_user=None, assignee_department=None,
                 accept_due=accept_due, resolve_due=resolve_due)  # fmt: skip
    notify_centre(case, f"下级上报：{case.title}", kind="escalated")
    return case


@transaction.atomic
def case_delegate(*, case: Case, actor, area: Area, note: str = "") -> Case:
    """下派: a centre hands the case to a centre below it, which then accepts it."""
    if not (area.code.startswith(case.handling_area_id) and area.code != case.handling_area_id):
        raise DomainError("只能下派给本级以下的综治中心。", field="area_code")
    if area.level not in rules.CENTRE_LEVELS or not case.area_id.startswith(area.code):
        raise DomainError("只能下派给事发地所在的下级综治中心。", field="area_code")
    now = timezone.now()
    accept_due, resolve_due = deadlines.due_dates(case.kind, case.urgency, area.level, now)
    case = _move(case, actor, Action.DELEGATE, to=Status.SUBMITTED, note=note or f"下派至{area.name}",
                 data={"to": area.code}, handling_area=area, accept_due=accept_due, resolve_due=resolve_due)  # fmt: skip
    notify_centre(case, f"上级下派：{case.title}", kind="delegated")
    return case


@transaction.atomic
def case_extend_request(*, case: Case, actor, until: datetime, reason: str) -> Case:
    if case.resolve_due and until <= case.resolve_due:
        raise DomainError("延期后的时限须晚于现有办结时限。", field="until")
    reason = _reason(reason, "延期理由", maximum=limit(Case, "extension_reason"))
    return _move(case, actor, Action.EXTEND_REQUEST, note=reason,
                 data={"until": until.isoformat()}, extension_until=until, extension_reason=reason)  # fmt: skip


@transaction.atomic
def case_extend_decide(*, case: Case, actor, approve: bool, note: str = "") -> Case:
    if case.extension_until is None:
        raise Conflict("没有待审批的延期申请。", code="out_of_order")
    changes = {"extension_until": None, "extension_reason": ""}
    if approve:
        changes["resolve_due"] = case.extension_until
    case = _move(case, actor, Action.EXTEND_DECIDE, note=note or ("同意延期" if approve else "不同意延期"),
                 data={"approved": approve}, **changes)  # fmt: skip
    notify_assignee(case, "延期申请已" + ("批准" if approve else "驳回"), kind="extension")
    return case


@transaction.atomic
def case_supervise(*, case: Case, actor, level: str, note: str) -> Case:
    if level not in (Supervision.NORMAL, Supervision.YELLOW, Supervision.RED):
        raise DomainError("督办等级须为 普通、黄牌 或 红牌。", field="level")
    case = _move(case, actor, Action.SUPERVISE, note=_reason(note, "督办意见"), data={"level": level},
                 supervision=level)  # fmt: skip
    text = f"{Supervision(level).label}：{note}"
    notify_centre(case, text, kind="supervise")
    notify_assignee(case, text, kind="supervise")
    return case


@transaction.atomic
def case_rate(*, case: Case, actor, rating: str, comment: str = "") -> Case:
    """评价 by the reporter. 不满意 reopens the case at its centre and counts as 返工."""
    if rating not in Rating.values:
        raise DomainError("评价须为 满意、基本满意 或 不满意。", field="rating")
    if case.rated_at is not None:
        raise Conflict("您已评价过该事项。", code="out_of_order")
    comment = (comment or "").strip()
    message = problem("评价意见", comment, limit(Case, "rating_comment"))
    if message:
        raise DomainError(message, field="comment")
    now = timezone.now()
    changes = {"rating": rating, "rating_comment": comment, "rated_at": now}
    if rating == Rating.DISSATISFIED:
        changes.update(
            rework_count=F("rework_count") + 1, closed_at=None, resolved_at=None, **_fresh_deadline(case)
        )
        case = _move(
            case, actor, Action.RATE, to=Status.ACCEPTED, note=comment, data={"rating": rating}, **changes
        )
        notify_centre(case, f"群众不满意，已重新办理：{comment}", kind="dissatisfied")
        return case
    return _move(case, actor, Action.RATE, note=comment, data={"rating": rating}, **changes)


@transaction.atomic
def case_revisit(*, case: Case, actor, note: str) -> Case:
    return _move(case, actor, Action.REVISIT, note=_reason(note, "回访情况"), revisited_at=timezone.now())


@transaction.atomic
def case_merge(*, case: Case, actor, into: Case, note: str = "") -> Case:
    """合并 a duplicate into an open case; the duplicate's reporter follows the kept case."""
    if into.pk == case.pk or not into.is_open:
        raise DomainError("只能合并到另一件未办结的事件。", field="into")
    case = _move(case, actor, Action.MERGE, to=Status.MERGED, note=note or f"与 {into.number} 合并办理",
                 data={"into": into.number}, merged_into=into, closed_at=timezone.now())  # fmt: skip
    CaseEvent.objects.create(case=into, action=Action.MERGE, actor=actor, actor_name=_name(actor),
                             from_status=into.status, to_status=into.status, note=f"合并了 {case.number}",
                             data={"merged": case.number}, created_at=timezone.now())  # fmt: skip
    notify_reporter(case, f"您反映的问题与 {into.number} 相同，已合并办理，结果将一并告知。", kind="merged")
    return case


@transaction.atomic
def case_report_up(*, case: Case, actor, note: str) -> Case:
    """紧急上报: 紧急/重大 cases and 突发事件 reported to the centre above within the hour."""
    parent = Area.objects.get(pk=case.handling_area_id).parent
    if parent is None:
        raise DomainError("没有上一级综治中心。")
    case = _move(case, actor, Action.REPORT_UP, note=_reason(note, "报告内容"), data={"to": parent.code},
                 reported_up_at=timezone.now())  # fmt: skip
    from gongzhi.notices.services import notify

    from .notify import centre_staff

    notify(recipients=centre_staff(parent.code), kind="report_up", text=f"[{case.number}] 紧急上报：{note}",
           link=f"/cases/{case.pk}/")  # fmt: skip
    return case


ACTIONS = {
    Action.ACCEPT: case_accept,
    Action.REJECT: case_reject,
    Action.ASSIGN: case_assign,
    Action.NOTE: case_note,
    Action.RETURN: case_return,
    Action.RESOLVE: case_resolve,
    Action.VERIFY: case_verify,
    Action.REOPEN: case_reopen,
    Action.ESCALATE: case_escalate,
    Action.DELEGATE: case_delegate,
    Action.EXTEND_REQUEST: case_extend_request,
    Action.EXTEND_DECIDE: case_extend_decide,
    Action.SUPERVISE: case_supervise,
    Action.RATE: case_rate,
    Action.REVISIT: case_revisit,
    Action.MERGE: case_merge,
    Action.REPORT_UP: case_report_up,
}


def case_perform(*, case: Case, actor, action: str, note: str = "", user_id=None, department_id=None,
                 area_code: str = "", until=None, approve=None, level: str = "", rating: str = "", into_id=None,
                 internal: bool = False) -> Case:  # fmt: skip
    """One door for pages and API: resolve the referenced objects through the actor's scope and run
    the action's service."""
    from django.shortcuts import get_object_or_404

    if action not in ACTIONS:
        raise DomainError(f"未知操作 {action}。", field="action")
    kwargs: dict = {"case": case, "actor": actor}
    if action == Action.ASSIGN:
        kwargs["user"] = get_object_or_404(User, pk=user_id, is_active=True) if user_id else None
        kwargs["department"] = (
            get_object_or_404(Department.objects.visible_to(actor), pk=department_id)
            if department_id
            else None
        )
        kwargs["note"] = note
    elif action == Action.DELEGATE:
        kwargs.update(area=get_object_or_404(Area, pk=area_code or "-"), note=note)
    elif action == Action.EXTEND_REQUEST:
        if until is None:
            raise DomainError("请给出申请延至的时间。", field="until")
        kwargs.update(until=until, reason=note)
    elif action == Action.EXTEND_DECIDE:
        if approve is None:
            raise DomainError("请给出审批意见（同意或不同意）。", field="approve")
        kwargs.update(approve=approve, note=note)
    elif action == Action.SUPERVISE:
        kwargs.update(level=level, note=note)
    elif action == Action.RATE:
        kwargs.update(rating=rating, comment=note)
    elif action == Action.MERGE:
        kwargs.update(into=get_object_or_404(Case.objects.visible_to(actor), pk=into_id or 0), note=note)
    elif action in (Action.REJECT, Action.RETURN, Action.ESCALATE, Action.REOPEN):
        kwargs["reason"] = note
    elif action == Action.NOTE:
        kwargs.update(note=note, internal=internal)
    else:
        kwargs["note"] = note
    return ACTIONS[action](**kwargs)
