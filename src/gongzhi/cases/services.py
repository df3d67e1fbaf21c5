"""Intake: every channel becomes one Case. Transitions live in workflow.py."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.areas.models import Area, Level
from gongzhi.audit.services import audit_record
from gongzhi.kernel import text
from gongzhi.kernel.crypto import encrypt
from gongzhi.kernel.errors import DomainError, Forbidden, Invalid
from gongzhi.kernel.idempotency import clean_key
from gongzhi.kernel.identity import check_phone
from gongzhi.kernel.images import reencode, save_image_after_commit
from gongzhi.kernel.jurisdiction import has_role
from gongzhi.kernel.masking import mask_phone
from gongzhi.people.models import Organization, Person

from . import deadlines
from .choices import Action, Category, Channel, Concern, Kind, Status, Urgency
from .models import Case, CaseCounter, CaseEvent, CaseParty, CasePhoto
from .notify import notify_centre

MAX_PHOTOS = 9
KEY_LIMIT = Case._meta.get_field("idempotency_key").max_length  # 64
MAX_PARTIES = 20
STAFF_CHANNELS = (Channel.HOTLINE, Channel.VISIT, Channel.GRID, Channel.BOX, Channel.ASSIGNED)


def _choice(value, enum, field, label, problems, default=None):
    value = (value or default or "").strip()
    if value not in enum.values:
        problems.append(
            (field, f"{label}「{value}」无效，可选：{'、'.join(f'{v}({lbl})' for v, lbl in enum.choices)}。")
        )
    return value


def _text(data: dict, key: str, label: str, problems: list) -> str:
    """Stripped text of a Case field, checked against the field's declared maximum (never cut)."""
    value = str(data.get(key) or "").strip()
    message = text.problem(label, value, text.limit(Case, key))
    if message:
        problems.append((key, message))
    return value


def _village_of(area: Area) -> str:
    return area.code[:12]


def next_number(county_code: str, year: int) -> str:
    """420822-2026-000123; the counter row is bumped with a conditional update (no gaps, no races)."""
    updated = CaseCounter.objects.filter(county_code=county_code, year=year).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                CaseCounter.objects.create(county_code=county_code, year=year, last=1)
        except IntegrityError:  # another request created it first
            CaseCounter.objects.filter(county_code=county_code, year=year).update(last=F("last") + 1)
    last = CaseCounter.objects.get(county_code=county_code, year=year).last
    return f"{county_code}-{year}-{last:06d}"


def clean_intake(data: dict, *, actor) -> dict:
    """Check an intake payload; Invalid lists every problem with its field."""
    problems: list[tuple[str, str]] = []
    out = {
        "channel": _choice(data.get("channel"), Channel, "channel", "来源渠道", problems, Channel.H5),
        "kind": _choice(data.get("kind"), Kind, "kind", "类型", problems),
        "urgency": _choice(data.get("urgency"), Urgency, "urgency", "紧急程度", problems, Urgency.NORMAL),
        "concern": _choice(data.get("concern"), Concern, "concern", "关注程度", problems, Concern.LOW),
    }
    description = _text(data, "description", "内容", problems)
    if len(description) < 5:
        problems.append(("description", "请描述事情经过（至少 5 个字）。"))
    out["description"] = description
    out["title"] = _text(data, "title", "标题", problems) or description[:30]  # derived: the opening words
    category = str(data.get("category") or "").strip()
    if out["kind"] == Kind.DISPUTE and category not in Category.values:
        problems.append(("category", "矛盾纠纷须选择纠纷类别。"))
    out["category"] = category if category in Category.values else ""
    code = str(data.get("area_code") or "").strip()
    area = Area.objects.filter(pk=code).first() if code else None
    if area is None:
        problems.append(
            ("area_code", "请选择事发的村(社区)或网格。" if not code else f"区划代码 {code} 不存在。")
        )
    elif area.level not in (Level.VILLAGE, Level.GRID, Level.MICROGRID):
        problems.append(("area_code", f"{area.name}是{area.get_level_display()}，请选择到村(社区)或网格。"))
    out["area"] = area
    lat, lng = data.get("lat"), data.get("lng")
    address = _text(data, "address", "地点", problems)
    if (lat is None) != (lng is None):
        problems.append(("location", "位置须同时给出纬度和经度。"))
    elif lat is not None and not (-90 <= float(lat) <= 90 and -180 <= float(lng) <= 180):
        problems.append(("location", "位置经纬度超出范围。"))
    if lat is None and not address:
        problems.append(("location", "请给出事发位置：定位，或填写地点。"))
    out["lat"], out["lng"], out["address"] = lat, lng, address
    out["anonymous"] = bool(data.get("anonymous"))
    out["contact_name"] = _text(data, "contact_name", "联系人", problems)
    try:
        out["contact_phone"] = check_phone(str(data.get("contact_phone") or ""), field="contact_phone")
    except DomainError as exc:
        problems.append((exc.field, exc.message))
        out["contact_phone"] = ""
    out["parties"] = data.get("parties") or []
    if len(out["parties"]) > MAX_PARTIES:
        problems.append(("parties", f"当事人最多 {MAX_PARTIES} 方。"))
    if problems:
        raise Invalid(problems)
    return out


def _parties(case: Case, parties: list, actor) -> None:
    for item in parties:
        person = org = None
        if item.get("person_id"):
            person = Person.objects.visible_to(actor).filter(pk=item["person_id"]).first()
            if person is None:
                raise DomainError(
                    f"当事人（人员 {item['person_id']}）不存在或不在您的辖区。", field="parties"
                )
        if item.get("organization_id"):
            org = Organization.objects.visible_to(actor).filter(pk=item["organization_id"]).first()
            if org is None:
                raise DomainError(
                    f"当事人（单位 {item['organization_id']}）不存在或不在您的辖区。", field="parties"
                )
        name = person.name if person else org.name if org else str(item.get("name") or "").strip()
        message = text.problem("当事人姓名或名称", name, text.limit(CaseParty, "name"))
        if message:
            raise DomainError(message, field="parties")
        if not name:
            raise DomainError("当事人须有姓名或名称。", field="parties")
        CaseParty.objects.create(
            case=case, person=person, organization=org, name=name, side=item.get("side") or "当事人"
        )


def case_submit(
    *, actor, data: dict, photos: list[tuple[str, bytes]] = (), idempotency_key: str = ""
) -> Case:
    """Register a case from any channel. A re-sent report with the same key returns the first case."""
    return case_submit_once(actor=actor, data=data, photos=photos, idempotency_key=idempotency_key)[0]


def _first_sent(actor, key: str) -> Case | None:
    """The case this account already sent with this key, if any."""
    return Case.objects.filter(submitted_by=actor, idempotency_key=key).first()


@transaction.atomic
def case_submit_once(
    *, actor, data: dict, photos: list[tuple[str, bytes]] = (), idempotency_key: str = ""
) -> tuple[Case, bool]:
    """case_submit, also telling whether the case was created now (False: a repeat of the key).

    The key is unique per submitting account, whatever the channel (a resident's app, a grid
    worker's phone, staff registering a hotline call). Two requests racing with one key both miss
    the lookup below; the database's unique constraint then refuses the second insert, which rolls
    back to its savepoint (number included) and answers with the first case. A key longer than the
    column, or not printable ASCII, is refused rather than cut (two keys sharing a prefix would
    otherwise be one)."""
    key = clean_key(idempotency_key, limit=KEY_LIMIT) if actor is not None else ""
    if key:
        existing = _first_sent(actor, key)
        if existing is not None:
            return existing, False
    clean = clean_intake(data, actor=actor)

    from .rules import AREA_READ_ROLES

    staff = has_role(actor, AREA_READ_ROLES, clean["area"].code)
    if clean["channel"] in STAFF_CHANNELS and not staff:
        raise Forbidden("只有辖区工作人员可以登记热线、来访、网格员上报、说事箱和交办事项。")
    if len(photos) > MAX_PHOTOS:
        raise DomainError(f"最多上传 {MAX_PHOTOS} 张照片。", field="photos")
    encoded = [(name, *reencode(content, name=f"照片「{name}」")) for name, content in photos]
    now = timezone.now()
    village = Area.objects.get(pk=_village_of(clean["area"]))
    accept_due, resolve_due = deadlines.due_dates(clean["kind"], clean["urgency"], "village", now)
    reporter_person = resident_person(actor) if actor is not None and not staff else None
    phone = clean["contact_phone"]
    try:
        with transaction.atomic():
            case = Case.objects.create(
                number=next_number(clean["area"].code[:6], timezone.localtime(now).year),  # the Beijing year
                **{
                    k: clean[k]
                    for k in ("channel", "kind", "category", "title", "description", "urgency", "concern")
                },
                area=clean["area"],
                handling_area=village,
                lat=clean["lat"],
                lng=clean["lng"],
                address=clean["address"],
                reporter_user=None if staff and clean["channel"] in STAFF_CHANNELS else actor,
                reporter_person=reporter_person,
                anonymous=clean["anonymous"],
                contact_name=clean["contact_name"],
                contact_phone_cipher=encrypt(phone) if phone else "",
                contact_phone_masked=mask_phone(phone),
                accept_due=accept_due,
                resolve_due=resolve_due,
                submitted_by=actor,
                idempotency_key=key,
                created_at=now,
            )
    except IntegrityError:
        first = _first_sent(actor, key) if key else None
        if first is None:
            raise
        return first, False
    _parties(case, clean["parties"], actor)
    event = CaseEvent.objects.create(
        case=case, action=Action.SUBMIT, actor=actor, actor_name=_name(actor), to_status=Status.SUBMITTED,
        note=f"经{Channel(case.channel).label}反映", created_at=now,
    )  # fmt: skip
    save_photos(case, event, encoded)
    audit_record(actor=actor, action="cases.submit", object_type="case", object_id=case.pk, area_code=case.area_id,
                 details={"number": case.number, "channel": case.channel})  # fmt: skip
    notify_centre(case, f"新{Kind(case.kind).label}待受理：{case.title}", kind="new_case")
    return case, True


def resident_person(user) -> Person | None:
    """The registry record a resident account is linked to, if any."""
    return Person.objects.filter(resident_link__user=user).first()


def save_photos(case: Case, event: CaseEvent, encoded) -> None:
    """Record re-encoded photos; names carry the event, never the uploader's file name. Rows now,
    files after commit (kernel.images.save_image_after_commit)."""
    for index, (_, content, width, height) in enumerate(encoded, start=1):
        photo = CasePhoto(case=case, event=event, width=width, height=height)
        save_image_after_commit(photo, content, f"{event.pk}-{index}.jpg")


def _name(user) -> str:
    if user is None:
        return "系统"
    return getattr(user, "display_name", "") or user.get_username()
