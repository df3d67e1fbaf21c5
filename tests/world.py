"""A small real world in 高阳镇 for the generated checks: one object of every kind a route takes an
id of, made through the services, each free-text field carrying MARK so a list that leaks it shows.

Everything lives under 贺集村 (420822110209) and its grid 420822110209001, or under 高阳镇. County
rows (the 沙洋县 catalogue, 法治家庭 deduction items) are legitimately shared with every village of
the county, so they carry no MARK. The outsiders are of 郭店村 (420822103206, under 纪山镇).

The service imports sit together below: when a module moves, this is the one place to follow it.
"""

import io
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import openpyxl
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from PIL import Image

from gongzhi.accounts.models import ResidentLink
from gongzhi.accounts.services import department_create, token_issue
from gongzhi.areas.models import Area
from gongzhi.cases import workflow
from gongzhi.cases.mediation import services as mediation_services
from gongzhi.cases.services import case_submit
from gongzhi.civic import services as civic
from gongzhi.notices.services import notify
from gongzhi.people.excel.jobs import import_job_create, import_job_execute
from gongzhi.people.services import household_set_member, organization_save
from gongzhi.points import services as points_services
from gongzhi.points.choices import AwardEvent, Star
from gongzhi.points.honours import services as honours
from gongzhi.points.honours.selectors import parse_period
from gongzhi.points.shop import services as shop
from gongzhi.points.subjects import account_for_household, account_for_person
from tests.conftest import COUNTY, GAOYANG, GUODIAN, HEJI, HEJI_GRID1, Personas, build_personas, make_user
from tests.people.factories import make_household, make_person
from tests.points.factories import item

MARK = "外镇甲乙标记"
GUODIAN_GRID1 = GUODIAN + "001"


def model(label: str):
    """A model by its label ("cases.Case"), which survives a module moving inside its app."""
    return apps.get_model(label)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def xlsx() -> bytes:
    """A people workbook whose one row is refused (a bad ID number), so the job keeps its errors."""
    book = openpyxl.Workbook()
    book.active.append(["姓名", "公民身份号码", "联系电话", "网格编码"])
    book.active.append([MARK, "42082219800517000X", "13972345678", HEJI_GRID1])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class World:
    personas: Personas
    # 郭店村's village staff, a grid worker and a resident of its first grid: none may reach 高阳镇.
    outsiders: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)  # username → raw bearer token
    objects: dict = field(default_factory=dict)  # kind → object (or value) routes take an id of

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    """Build the world (call inside a transaction; nothing here commits on its own)."""
    p = build_personas()
    w = World(personas=p)
    o = w.objects
    w.outsiders = {
        "guodian": p.guodian,
        "guodian_grid": make_user("guodian_grid", "grid_worker", GUODIAN_GRID1, full_name="郭网格"),
        "guodian_resident": make_user("guodian_resident", "resident", GUODIAN_GRID1, full_name="郭村民"),
    }
    for user in w.outsiders.values():
        w.tokens[user.username] = token_issue(user=user, name="outsider")[1]
    heji = p.heji
    today = timezone.localdate()
    o["area"] = Area.objects.get(code=HEJI_GRID1)
    o["village"] = Area.objects.get(code=HEJI)
    o["token"], w.tokens["heji"] = token_issue(user=heji, name=MARK)
    o["department"] = department_create(name=MARK + "司法所", kind="justice", area_code=GAOYANG)

    # 实有人口: a villager with a sign-in account and a points account, a household, an organisation.
    villager = make_user("w_villager", "resident", HEJI_GRID1, full_name=MARK + "村民")
    # 账号管理: the county's 系统管理员 reaches 贺集村's accounts (and nothing of its people).
    o["sysadmin"] = make_user("w_sysadmin", "sysadmin", COUNTY, full_name="县系统管理员")
    person = make_person(heji, HEJI_GRID1, name=MARK + "村民", address=MARK + "一组 1 号")
    ResidentLink.objects.create(user=villager, person=person)
    household = make_household(heji, HEJI_GRID1, no="0901", address=MARK + "一组 1 号")
    household_set_member(actor=heji, household=household, person=person, relation="户主")
    offender = make_person(heji, HEJI_GRID1, name=MARK + "甲", address=MARK + "二组 2 号")
    organization = organization_save(
        actor=heji,
        data={"name": MARK + "合作社", "kind": "enterprise", "area_code": HEJI_GRID1,
              "address": MARK + "村部旁", "contact_name": MARK},
    )  # fmt: skip
    o.update(villager=villager, person=person, household=household, organization=organization)
    w.tokens["w_villager"] = token_issue(user=villager)[1]
    w.tokens["county"] = token_issue(user=p.county)[1]
    job = import_job_create(actor=heji, upload=SimpleUploadedFile(MARK + ".xlsx", xlsx()))
    import_job_execute(job.pk)  # what the queue would do after commit
    o["import_job"] = model("people.ImportJob").objects.get(pk=job.pk)
    notify(recipients=[heji], kind="world", text=MARK, link="/")
    o["notice"] = model("notices.Notice").objects.get(recipient=heji, kind="world")

    # 事件 and 人民调解: a dispute reported by the villager with a photo, mediated to an agreement.
    # Photo files are written after commit: run those callbacks, as a committed request would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        case = case_submit(
            actor=villager,
            data={"kind": "dispute", "category": "neighbour", "title": MARK + "邻里纠纷",
                  "description": MARK + "：邻居家的狗每天夜里狂叫。", "area_code": HEJI_GRID1,
                  "address": MARK + "三组 12 号", "contact_name": MARK, "urgency": "normal"},
            photos=[("a.jpg", jpeg())],
        )  # fmt: skip
    case = workflow.case_accept(case=case, actor=heji, note=MARK)
    workroom = mediation_services.workroom_save(actor=heji, data={"area_code": HEJI, "name": MARK + "工作室"})
    mediation = mediation_services.mediation_open(case=case, actor=heji, note=MARK)
    for side, name in (("申请人", MARK + "张"), ("被申请人", MARK + "李")):
        mediation_services.mediation_add_party(mediation=mediation, actor=heji, name=name, side=side)
    mediation_services.mediation_add_session(
        mediation=mediation, actor=heji, held_on=today, place=MARK, attendees=MARK, notes=MARK
    )
    mediation = mediation_services.mediation_conclude(
        mediation=mediation, actor=heji, result="success", agreed_terms=MARK + "：双方和解，不再争执。"
    )
    o["confirmation"] = mediation_services.judicial_confirmation_apply(
        mediation=mediation, actor=heji, applied_on=today, court=MARK + "法院"
    )
    o.update(case=model("cases.Case").objects.get(pk=case.pk), workroom=workroom, mediation=mediation)
    o["case_photo"] = model("cases.CasePhoto").objects.get(case=case)

    # 积分制: a village item (a 孝老爱亲 star) and a deduction, a declaration with a photo, an award,
    # a deduction under appeal, a shop with a reward and an order.
    account = account_for_person(person)
    household_account = account_for_household(household)
    good = item(code="W01", name=MARK + "照顾老人", points=30, area=HEJI, star=Star.FILIAL,
                description=MARK)  # fmt: skip
    bad = item(code="W02", name=MARK + "乱倒垃圾", points=-2, area=HEJI, declarable=False)
    o["entry_award"] = points_services.direct_award(
        actor=heji, account=account, item=good, reason=MARK + "评定"
    )
    o["entry"] = points_services.direct_award(actor=heji, account=account, item=bad, reason=MARK + "扣分")
    o["appeal"] = points_services.appeal_file(actor=villager, entry=o["entry"], reason=MARK + "申诉")
    with TestCase.captureOnCommitCallbacks(execute=True):
        declaration = points_services.declaration_submit(
            actor=villager,
            account=account,
            item=good,
            text=MARK + "帮王奶奶收稻谷",
            photos=[("a.jpg", jpeg())],
        )
    o["declaration"] = declaration
    o["evidence_photo"] = model("points.EvidencePhoto").objects.get(declaration=declaration)
    o.update(account=account, household_account=household_account, item=good, deduction_item=bad)
    o["shop"] = shop.shop_save(actor=heji, area=HEJI, data={"name": MARK + "超市", "address": MARK,
                                                             "hours": MARK})  # fmt: skip
    o["reward"] = shop.reward_save(
        actor=heji, shop=o["shop"], data={"kind": "goods", "name": MARK + "洗衣粉", "points": 1, "stock": 10,
                                          "description": MARK, "active": True}
    )  # fmt: skip
    o["redemption"] = shop.redeem(actor=villager, account=account, reward=o["reward"])

    # Honours: a 孝老爱亲之星 of this quarter and a 积分分享大会 with its roll of honour.
    period = parse_period("quarter")
    o["star"] = honours.star_awards_choose(
        actor=heji, area=o["village"], period=period, star=Star.FILIAL, account_ids=[account.pk]
    )[0]
    o["meeting"] = honours.meeting_save(
        actor=heji, area=o["village"],
        data={"title": MARK + "分享大会", "held_on": today.isoformat(), "place": MARK, "notes": MARK},
    )  # fmt: skip
    honours.meeting_awardees_set(
        actor=heji, meeting=o["meeting"], rows=[{"account_id": account.pk, "honour": MARK, "prize": MARK}]
    )

    # 法治家庭 (county deduction items, a rating of the household), an offence, 红黑榜.
    civic.law_items_load(county_code=COUNTY)
    o["law_item"] = model("civic.LawDeductionItem").objects.filter(area_id=COUNTY).first()
    o["rating"] = civic.household_rate(actor=heji, household=household)
    o["offence"] = civic.offence_record(
        actor=heji, person=offender, occurred_on=today - timedelta(days=30), kind="违法",
        description=MARK + "殴打他人", authority=MARK + "派出所",
    )  # fmt: skip
    o["review"] = civic.review_open(actor=heji, area=o["village"], quarter=period)
    with TestCase.captureOnCommitCallbacks(execute=True):  # its photo file is written after commit
        o["nomination"] = civic.nominate(
            actor=heji, review=o["review"], board="red", account=account, reason=MARK + "孝老",
            evidence=MARK, photos=[("a.jpg", jpeg())],
        )  # fmt: skip
    civic.review_start(actor=heji, review=o["review"])
    civic.nomination_decide(actor=heji, nomination=o["nomination"], accept=True)
    civic.review_publish(actor=heji, review=o["review"])  # its public page is then in its window
    o["event"] = AwardEvent.CASE_REPORT_USEFUL.value
    return w


@contextmanager
def built_world(django_db_blocker, media_root):
    """The world for a whole test module: built once in an outer transaction that each test's own
    (pytest-django) transaction nests in as a savepoint, and rolled back when the module is done."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root), transaction.atomic():
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
