"""The core points pages as staff and residents use them (the lead's Chromium journey covers the
390 px rendering; here the pages are fetched with the test client).

Who sees what: the villager (a registry resident of 贺集村第1网格) sees only their own accounts;
wgy and heji work 贺集村's queue, ledgers and appeals; guodian (郭店村) gets 404 on every one of
贺集村's declarations, photos, accounts and appeals; a resident never reaches a staff page.
"""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from gongzhi.points import services
from gongzhi.points.choices import AppealStatus, DeclarationStatus
from gongzhi.points.models import PointAccount, PointAppeal, PointDeclaration, PointEntry
from tests.conftest import GUODIAN, HEJI_GRID1
from tests.people.factories import make_person

from .factories import household_account, item, resident_with_account

pytestmark = pytest.mark.django_db


def jpeg(name="p.jpg"):
    raw = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(raw, format="JPEG")
    return SimpleUploadedFile(name, raw.getvalue(), content_type="image/jpeg")


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def villager(personas):
    user, account = resident_with_account(personas.heji, HEJI_GRID1)
    return user, account


@pytest.fixture
def good(db):
    return item(min_points=3, max_points=8)


def test_resident_h5_my_points_and_history(personas, villager, good):
    user, account = villager
    quarrel = item(code="K01", name="夫妻经常吵闹", points=-6, declarable=False)
    services.direct_award(actor=personas.heji, account=account, item=good, reason="照顾孤寡老人")
    deduction = services.direct_award(
        actor=personas.wgy, account=account, item=quarrel, reason="邻居多次反映"
    )
    c = browser(user)
    page = c.get("/points/my/").content.decode()
    assert 'name="viewport" content="width=device-width' in page
    assert "我的积分" in page and ">-1<" in page.replace(" ", "")
    assert "pts-award" in page and "pts-deduction" in page and "+5" in page and "-6" in page
    assert "在本村积分榜排第" in page  # the year's rank in 贺集村
    assert f"/points/my/entries/{deduction.pk}/appeal/" in page
    # Appeal once; the button goes away.
    response = c.post(f"/points/my/entries/{deduction.pk}/appeal/", {"reason": "只是一次口角，已和好"})
    assert response.status_code == 302
    assert PointAppeal.objects.get(entry=deduction).status == AppealStatus.PENDING
    page = c.get("/points/my/").content.decode()
    assert f"/points/my/entries/{deduction.pk}/appeal/" not in page and "已申诉" in page
    # Someone else's entry: 404.
    other_user, other = resident_with_account(personas.heji, HEJI_GRID1, username="v2", name="王五")
    theirs = services.direct_award(actor=personas.heji, account=other, item=quarrel, reason="多次反映")
    assert c.post(f"/points/my/entries/{theirs.pk}/appeal/", {"reason": "不是我"}).status_code == 404
    # The nav names the page.
    assert "我的积分" in c.get("/points/my/declarations/").content.decode()


def test_resident_without_registry_record_is_told_so(personas):
    page = personas.client("resident").get("/points/my/").content.decode()
    assert "还没有关联实有人口" in page
    assert personas.client("resident").get("/points/").status_code == 404
    assert personas.client("resident").get("/points/review/").status_code == 404


def test_resident_declares_with_photos_for_self_or_household(personas, villager, good, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user, account = villager
    hh = household_account(personas.heji, HEJI_GRID1)
    person = account.person
    person.household_id = hh.household_id
    person.save(update_fields=["household"])
    family = item(code="H01", name="家庭美化庭院", points=3, subjects=["household"])
    c = browser(user)
    page = c.get("/points/my/declare/").content.decode()
    assert 'accept="image/*"' in page and 'capture="environment"' in page and "multiple" in page
    assert "照顾孤寡老人" in page and "+5" in page and "弘扬美德" in page
    assert "家庭美化庭院" not in page  # not a personal item
    assert "家庭美化庭院" in c.get("/points/my/declare/?account=household").content.decode()
    today = timezone.localdate().isoformat()
    response = c.post("/points/my/declare/", {"account": "person", "item": good.pk, "text": "帮王奶奶收稻谷两天",
                                              "occurred_on": today, "photos": [jpeg(), jpeg()]})  # fmt: skip
    assert response.status_code == 302
    d = PointDeclaration.objects.get(account=account)
    assert d.photos.count() == 2 and d.points == 5
    response = c.post("/points/my/declare/", {"account": "household", "item": family.pk, "text": "庭院种花种菜",
                                              "occurred_on": today})  # fmt: skip
    assert response.status_code == 302
    assert PointDeclaration.objects.get(account=hh).item == family
    # Refusals are shown on the form.
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    refused = c.post("/points/my/declare/", {"account": "person", "item": good.pk, "text": "帮王奶奶收稻谷",
                                             "occurred_on": future})  # fmt: skip
    assert refused.status_code == 400 and "发生日期不能晚于今天" in refused.content.decode()
    refused = c.post("/points/my/declare/", {"account": "person", "item": family.pk, "text": "庭院种花种菜",
                                             "occurred_on": today})  # fmt: skip
    assert refused.status_code == 400 and "只适用于家庭" in refused.content.decode()
    refused = c.post(
        "/points/my/declare/", {"account": "person", "text": "庭院种花种菜", "occurred_on": today}
    )
    assert refused.status_code == 400 and "请选择积分项目" in refused.content.decode()
    # My declarations: status and withdraw.
    page = c.get("/points/my/declarations/").content.decode()
    assert "待审核" in page and "撤回" in page
    assert c.post(f"/points/my/declarations/{d.pk}/withdraw/").status_code == 302
    assert PointDeclaration.objects.get(pk=d.pk).status == DeclarationStatus.WITHDRAWN
    assert browser(personas.heji).post(f"/points/my/declarations/{d.pk}/withdraw/").status_code == 404


def test_review_queue_htmx_approve_and_reject(
    personas, villager, good, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    user, account = villager
    with django_capture_on_commit_callbacks(execute=True):  # photo files are written after commit
        late = services.declaration_submit(actor=user, account=account, item=good, text="帮王奶奶收稻谷两天",
                                           photos=[("a.jpg", jpeg().read())])  # fmt: skip
    PointDeclaration.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=2))
    fresh = services.declaration_submit(actor=user, account=account, item=good, text="清扫村口道路")
    wgy = personas.client("wgy")
    page = wgy.get("/points/review/").content.decode()
    assert (
        "row-overdue" in page
        and "已超期" in page
        and page.index(f"decl-{late.pk}") < page.index(f"decl-{fresh.pk}")
    )
    fragment = wgy.get(
        "/points/review/", {"item": good.code}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in fragment and f"decl-{late.pk}" in fragment
    assert "没有符合条件" in wgy.get("/points/review/", {"area": GUODIAN}).content.decode()
    row = wgy.post(
        f"/points/declarations/{late.pk}/approve/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "已通过" in row and "<html" not in row
    assert PointAccount.objects.get(pk=account.pk).balance == 5
    row = wgy.post(f"/points/declarations/{fresh.pk}/reject/", {"reason": ""}, headers={"HX-Request": "true"})
    assert "请填写不通过的理由" in row.content.decode()
    wgy.post(f"/points/declarations/{fresh.pk}/reject/", {"reason": "事迹不实"})
    assert PointDeclaration.objects.get(pk=fresh.pk).status == DeclarationStatus.REJECTED
    # Detail with the photo; the photo itself is served only in scope.
    detail = personas.client("heji").get(f"/points/declarations/{late.pk}/").content.decode()
    photo = late.photos.get()
    assert f"/points/photos/{photo.pk}/" in detail
    assert personas.client("heji").get(f"/points/photos/{photo.pk}/")["Content-Type"] == "image/jpeg"
    assert browser(user).get(f"/points/photos/{photo.pk}/").status_code == 200
    assert personas.client("guodian").get(f"/points/photos/{photo.pk}/").status_code == 404
    assert personas.client("guodian").get(f"/points/declarations/{late.pk}/").status_code == 404
    assert personas.client("guodian").post(f"/points/declarations/{fresh.pk}/approve/").status_code == 404


def test_hub_counts_and_nav(personas, villager, good):
    user, account = villager
    services.declaration_submit(actor=user, account=account, item=good, text="帮王奶奶收稻谷两天")
    page = personas.client("heji").get("/points/").content.decode()
    assert (
        "积分管理" in page
        and "/points/shop/" in page
        and "/points/boards/" in page
        and "/points/civic/" in page
    )
    assert '<a href="/points/review/">1</a>' in page
    assert "0" in personas.client("guodian").get("/points/").content.decode()
    assert '<a href="/points/review/">0</a>' in personas.client("guodian").get("/points/").content.decode()
    assert "我的积分" in browser(user).get("/my/cases/").content.decode()


def test_account_pages_award_correct_and_export(personas, villager, good):
    user, account = villager
    heji = personas.client("heji")
    page = heji.get(f"/points/accounts/{account.pk}/").content.decode()
    assert "直接评定" in page and "照顾孤寡老人" in page
    key = "form-key-1"
    for _ in range(2):  # a double-clicked form posts once
        heji.post(f"/points/accounts/{account.pk}/award/", {"item": good.pk, "reason": "照顾孤寡老人",
                                                             "idempotency_key": key})  # fmt: skip
    assert PointAccount.objects.get(pk=account.pk).balance == 5
    refused = heji.post(f"/points/accounts/{account.pk}/award/", {"item": good.pk, "reason": ""})
    assert refused.status_code == 400 and "评定理由" in refused.content.decode()
    entry = PointEntry.objects.get(account=account)
    heji.post(f"/points/entries/{entry.pk}/correct/", {"reason": "录错了人，应为李秀兰"})
    page = heji.get(f"/points/accounts/{account.pk}/").content.decode()
    assert "已冲销" in page and "冲销记录" in page and PointAccount.objects.get(pk=account.pk).balance == 0
    xlsx = heji.get(f"/points/boards/export/ledger/{account.pk}.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][4] == "变动" and rows[1][4] == 5 and rows[2][4] == -5 and rows[2][5] == 0
    guodian = personas.client("guodian")
    for url in (f"/points/accounts/{account.pk}/", f"/points/boards/export/ledger/{account.pk}.xlsx"):
        assert guodian.get(url).status_code == 404
    assert (
        guodian.post(
            f"/points/accounts/{account.pk}/award/", {"item": good.pk, "reason": "x理由"}
        ).status_code
        == 404
    )
    assert guodian.post(f"/points/entries/{entry.pk}/correct/", {"reason": "录错了人"}).status_code == 404
    assert browser(user).get(f"/points/accounts/{account.pk}/").status_code == 404


def test_accounts_search_and_open(personas, villager):
    _, account = villager
    heji = personas.client("heji")
    page = heji.get("/points/accounts/", {"q": "李秀英"}).content.decode()
    assert f"/points/accounts/{account.pk}/" in page
    person = make_person(personas.heji, HEJI_GRID1, name="赵小四")
    page = heji.get("/points/accounts/", {"q": "赵小四"}).content.decode()
    assert f"/points/accounts/open/person/{person.pk}/" in page
    assert personas.client("guodian").get(f"/points/accounts/open/person/{person.pk}/").status_code == 404
    assert "开设积分账户" in heji.get(f"/points/accounts/open/person/{person.pk}/").content.decode()
    response = heji.post(f"/points/accounts/open/person/{person.pk}/")
    opened = PointAccount.objects.get(person=person)
    assert response["Location"] == f"/points/accounts/{opened.pk}/"
    assert (
        heji.get(f"/points/accounts/open/person/{person.pk}/")["Location"] == f"/points/accounts/{opened.pk}/"
    )
    outsider = personas.client("guodian").get("/points/accounts/", {"q": "赵小四"}).content.decode()
    assert f"/points/accounts/{opened.pk}/" not in outsider and "/points/accounts/open/" not in outsider


def test_appeals_page_decides(personas, villager):
    user, account = villager
    quarrel = item(code="K01", name="夫妻经常吵闹", points=-6, declarable=False)
    deduction = services.direct_award(actor=personas.wgy, account=account, item=quarrel, reason="多次反映")
    appeal = services.appeal_file(actor=user, entry=deduction, reason="只是一次口角")
    assert "只是一次口角" not in personas.client("guodian").get("/points/appeals/").content.decode()
    assert personas.client("guodian").post(f"/points/appeals/{appeal.pk}/decide/",
                                           {"overturn": "1", "note": "属实"}).status_code == 404  # fmt: skip
    heji = personas.client("heji")
    page = heji.get("/points/appeals/").content.decode()
    assert "只是一次口角" in page and "撤销扣分" in page
    heji.post(f"/points/appeals/{appeal.pk}/decide/", {"overturn": "1", "note": ""})
    assert PointAppeal.objects.get(pk=appeal.pk).status == AppealStatus.PENDING
    heji.post(f"/points/appeals/{appeal.pk}/decide/", {"overturn": "1", "note": "经走访已和好"})
    assert PointAppeal.objects.get(pk=appeal.pk).status == AppealStatus.OVERTURNED
    assert PointAccount.objects.get(pk=account.pk).balance == 0


def test_admin_shows_the_ledger_read_only(personas, villager, good):
    from gongzhi.accounts.models import User

    _, account = villager
    entry = services.direct_award(actor=personas.heji, account=account, item=good, reason="照顾孤寡老人")
    admin = User.objects.create_superuser("root", password="Root@Pass2026")
    c = browser(admin)
    for model in (
        "pointentry",
        "pointaccount",
        "pointitem",
        "pointdeclaration",
        "pointappeal",
        "pointcategory",
    ):
        assert c.get(f"/admin/points/{model}/").status_code == 200, model
    page = c.get(f"/admin/points/pointentry/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert c.post(f"/admin/points/pointentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403


def test_registry_pages_link_to_the_points_account(personas):
    """A person's, household's and organisation's page leads staff to their points account."""
    person = make_person(personas.heji, HEJI_GRID1, name="钱多多")
    page = personas.client("heji").get(f"/people/{person.pk}/").content.decode()
    assert f"/points/accounts/open/person/{person.pk}/" in page
    household = household_account(personas.heji, HEJI_GRID1, no="0777").household
    page = personas.client("wgy").get(f"/people/households/{household.pk}/").content.decode()
    assert f"/points/accounts/open/household/{household.pk}/" in page


def test_registry_pages_link_to_the_points_account_through_the_registry(personas):
    """The people pages know nothing of points: PointsConfig.record_links adds the link."""
    person = make_person(personas.heji, HEJI_GRID1, name="赵小五")
    link = f"/points/accounts/open/person/{person.pk}/"
    assert link in personas.client("heji").get(f"/people/{person.pk}/").content.decode()
    assert link in personas.client("wgy").get(f"/people/{person.pk}/").content.decode()
