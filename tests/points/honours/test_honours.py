"""Honours: 积分之星 chosen from their boards by the village, the 积分分享大会 and its roll of honour
(.docx), through services, pages and the API.

Who may do what: 贺集村 staff (and 高阳镇, 沙洋县 above) choose stars and record meetings of 贺集村;
a resident reads them but chooses nothing; 郭店村 staff get a 404 on anything of 贺集村."""

import io
from datetime import date

import pytest
from docx import Document

from gongzhi.areas.models import Area
from gongzhi.audit.models import AuditEvent
from gongzhi.kernel.errors import DomainError, Forbidden, Invalid
from gongzhi.points.choices import Star
from gongzhi.points.honours import services as honours
from gongzhi.points.honours.docx import roll_of_honour_docx
from gongzhi.points.honours.models import MeetingAwardee, SharingMeeting, StarAward
from tests.conftest import GUODIAN, HEJI, HEJI_GRID1, api_token
from tests.points.factories import item, resident_with_account

from .test_boards import at, person_account, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def heji():
    return Area.objects.get(code=HEJI)


@pytest.fixture
def stars_2026(personas):
    """贺集村: 甲 leads 孝老爱亲 (乙 second), 丙 leads 人居环境; a 郭店村 villager leads nothing here."""
    filial = item(code="S01", name="照顾老人", points=5, star=Star.FILIAL)
    green = item(code="S02", name="庭院整洁", points=2, star=Star.ENVIRONMENT)
    a, b, c = (person_account(personas.heji, HEJI_GRID1, name) for name in ("甲", "乙", "丙"))
    far = person_account(personas.guodian, GUODIAN + "001", "外村")
    for account, times in ((a, 3), (b, 1)):
        for _ in range(times):
            post(account, 5, item=filial, when=at(2026, 10, 8))
    post(c, 2, item=green, when=at(2026, 11, 8))
    post(far, 5, item=filial, when=at(2026, 11, 8))
    return {"甲": a, "乙": b, "丙": c, "外村": far}


def test_village_chooses_stars_from_the_board(personas, heji, stars_2026):
    a, b = stars_2026["甲"], stars_2026["乙"]
    awards = honours.star_awards_choose(actor=personas.heji, area=heji, period="2026Q4", star=Star.FILIAL,
                                        account_ids=[a.pk, b.pk])  # fmt: skip
    assert [(s.account.name, s.score) for s in awards] == [("甲", 15), ("乙", 5)]
    # Choosing again replaces the set: 乙 is withdrawn, 甲 stays.
    honours.star_awards_choose(
        actor=personas.heji, area=heji, period="2026Q4", star=Star.FILIAL, account_ids=[a.pk]
    )
    assert list(StarAward.objects.values_list("account__name", flat=True)) == ["甲"]
    assert AuditEvent.objects.filter(action="points.star_choose").count() == 2
    suggestions = honours.star_suggestions(area_code=HEJI, period="2026Q4")
    assert [r.name for r in suggestions[Star.FILIAL]] == ["甲"] and suggestions[Star.INDUSTRIOUS] == []


def test_star_choice_is_refused_clearly(personas, heji, stars_2026):
    a, c, far = stars_2026["甲"], stars_2026["丙"], stars_2026["外村"]

    def choose(actor, ids, star=Star.FILIAL, period="2026Q4", area=heji):
        return honours.star_awards_choose(actor=actor, area=area, period=period, star=star, account_ids=ids)

    with pytest.raises(DomainError, match="丙 不在2026年第4季度「孝老爱亲」榜上"):
        choose(personas.heji, [a.pk, c.pk])
    with pytest.raises(DomainError, match="外村 不在"):
        choose(personas.heji, [far.pk])
    with pytest.raises(DomainError, match="请至少选择一位") as exc:
        choose(personas.heji, [])
    assert exc.value.field == "account_ids"
    with pytest.raises(DomainError) as exc:
        choose(personas.heji, [a.pk], period="2026Q5")
    assert exc.value.field == "period"
    with pytest.raises(DomainError, match="以村\\(社区\\)为单位"):
        choose(personas.gaoyang, [a.pk], area=Area.objects.get(code=HEJI_GRID1))
    for outsider in (personas.resident, personas.guodian, personas.wgy):
        with pytest.raises(Forbidden):
            choose(outsider, [a.pk])
    assert not StarAward.objects.exists()
    # The town above may choose too.
    assert choose(personas.gaoyang, [a.pk])[0].chosen_by == personas.gaoyang


def test_meeting_with_roll_of_honour_as_docx(personas, heji, stars_2026):
    a, b, c = stars_2026["甲"], stars_2026["乙"], stars_2026["丙"]
    honours.star_awards_choose(
        actor=personas.heji, area=heji, period="2026Q4", star=Star.FILIAL, account_ids=[a.pk]
    )
    meeting = honours.meeting_save(actor=personas.heji, area=heji, data={
        "title": "2026年第四季度积分分享大会", "held_on": "2026-12-20", "place": "贺集村党群服务中心",
        "notes": "村民代表 120 人参加。\n宣读积分排名。"})  # fmt: skip
    rows = honours.awardee_suggestions(meeting=meeting, source="stars", period="2026Q4")
    assert rows == [{"account_id": a.pk, "name": "甲", "honour": "孝老爱亲之星", "prize": ""}]
    top = honours.awardee_suggestions(meeting=meeting, source="board", period="2026", top=2)
    assert [r["name"] for r in top] == ["甲", "乙"] and top[0]["honour"] == "2026年积分排名第 1 名"
    honours.meeting_awardees_set(actor=personas.heji, meeting=meeting, rows=[
        {"account_id": a.pk, "honour": "孝老爱亲之星", "prize": "大米一袋"},
        {"account_id": b.pk, "honour": "积分能手", "prize": ""},
        {"account_id": c.pk, "honour": "人居环境示范户", "prize": "洗衣粉"},
    ])  # fmt: skip
    assert StarAward.objects.get(account=a).meeting_id == meeting.pk

    doc = Document(io.BytesIO(roll_of_honour_docx(meeting)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "光 荣 榜" in text and "2026年12月20日" in text and "贺集村党群服务中心" in text
    assert "孝老爱亲之星：甲" in text and "人居环境之星：—" in text
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "姓名(户名)", "荣誉", "奖品", "积分"]
    assert [c.text for c in table.rows[1].cells] == ["1", "甲", "孝老爱亲之星", "大米一袋", "15"]
    assert [c.text for c in table.rows[3].cells][:2] == ["3", "丙"]
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"
    # Names only: no identifiers anywhere in the document.
    assert "420822" not in text and "139" not in text

    # A second save replaces the roll and unlinks stars no longer on it.
    honours.meeting_awardees_set(actor=personas.heji, meeting=meeting, rows=[
        {"account_id": b.pk, "honour": "积分能手", "prize": ""}])  # fmt: skip
    assert list(meeting.awardees.values_list("account__name", flat=True)) == ["乙"]
    assert StarAward.objects.get(account=a).meeting_id is None
    assert AuditEvent.objects.filter(action__startswith="points.meeting").count() == 3


def test_meeting_input_is_checked(personas, heji, stars_2026):
    with pytest.raises(Invalid) as exc:
        honours.meeting_save(
            actor=personas.heji, area=heji, data={"title": "", "held_on": "2026-02-30", "place": ""}
        )
    assert [f for f, _ in exc.value.errors] == ["title", "held_on", "place"]
    meeting = honours.meeting_save(actor=personas.heji, area=heji,
                                   data={"title": "分享大会", "held_on": date(2026, 12, 1), "place": "村委会"})  # fmt: skip
    far = stars_2026["外村"]
    with pytest.raises(Invalid) as exc:
        honours.meeting_awardees_set(actor=personas.heji, meeting=meeting, rows=[
            {"account_id": far.pk, "honour": "好人"}, {"account_id": "x", "honour": "好人"},
            {"account_id": stars_2026["甲"].pk, "honour": ""}])  # fmt: skip
    messages = [m for _, m in exc.value.errors]
    assert messages == [
        "第 1 行：获奖人不在本村(社区)。",
        "第 2 行：请选择获奖人。",
        "第 3 行：请填写荣誉称号。",
    ]
    assert not MeetingAwardee.objects.exists()
    with pytest.raises(Forbidden):
        honours.meeting_save(actor=personas.guodian, meeting=meeting, data={"title": "x" * 5})
    with pytest.raises(Forbidden):
        honours.meeting_awardees_set(actor=personas.resident, meeting=meeting, rows=[])


# -- pages --------------------------------------------------------------------------------------


def test_stars_page_and_choosing(personas, stars_2026):
    client = personas.client("heji")
    page = client.get(f"/points/boards/stars/?area={HEJI}&period=2026Q4").content.decode()
    for star in Star:
        assert f"{star.label}之星" in page
    a = stars_2026["甲"]
    assert f'value="{a.pk}" aria-label="评选 甲" checked' in page  # the top of the board is ticked
    response = client.post("/points/boards/stars/choose/", {"area": HEJI, "period": "2026Q4", "star": Star.FILIAL,
                                                             "account_ids": [a.pk]})  # fmt: skip
    assert response.status_code == 302 and StarAward.objects.filter(account=a).exists()
    assert "已评选" in client.get(response["Location"]).content.decode()
    # A town-level area first asks for the village.
    page = client.get(f"/points/boards/stars/?area={HEJI_GRID1}").content.decode()
    assert "请选择村(社区)" in page


def test_resident_reads_stars_but_cannot_choose(personas, stars_2026):
    client = personas.client("resident")
    page = client.get(f"/points/boards/stars/?area={HEJI}&period=2026Q4").content.decode()
    assert "甲" in page and "评选为" not in page
    response = client.post("/points/boards/stars/choose/", {"area": HEJI, "period": "2026Q4", "star": Star.FILIAL,
                                                             "account_ids": [stars_2026["甲"].pk]})  # fmt: skip
    assert response.status_code == 403 and not StarAward.objects.exists()
    outsider = personas.client("guodian").post("/points/boards/stars/choose/", {
        "area": HEJI, "period": "2026Q4", "star": Star.FILIAL, "account_ids": [stars_2026["甲"].pk]})  # fmt: skip
    assert outsider.status_code == 404


def test_meeting_pages(personas, stars_2026):
    client = personas.client("heji")
    response = client.post("/points/boards/meetings/new/", {"area": HEJI, "title": "积分分享大会", "held_on": "2026-12-20",
                                                            "place": "贺集村文化广场"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    meeting = SharingMeeting.objects.get()
    page = client.get(response["Location"] + "?prefill=board&period=2026&top=3").content.decode()
    assert "2026年积分排名第 1 名" in page
    a, b = stars_2026["甲"], stars_2026["乙"]
    response = client.post(f"/points/boards/meetings/{meeting.pk}/awardees/", {
        "account_1": a.pk, "honour_1": "孝老爱亲之星", "prize_1": "大米", "account_2": b.pk, "honour_2": "积分能手",
        "prize_2": "", "account_3": "", "honour_3": "", "prize_3": ""})  # fmt: skip
    assert response.status_code == 302
    detail = client.get(f"/points/boards/meetings/{meeting.pk}/").content.decode()
    assert "甲" in detail and "大米" in detail and "下载光荣榜" in detail
    bad = client.post(f"/points/boards/meetings/{meeting.pk}/awardees/", {"account_1": stars_2026["外村"].pk,
                                                                           "honour_1": "好人", "prize_1": ""})  # fmt: skip
    assert bad.status_code == 400 and "获奖人不在本村(社区)" in bad.content.decode()
    docx = client.get(f"/points/boards/meetings/{meeting.pk}/roll.docx")
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "甲" in "\n".join(
        c.text for row in Document(io.BytesIO(docx.content)).tables[0].rows for c in row.cells
    )
    response = client.post(f"/points/boards/meetings/{meeting.pk}/edit/", {"title": "x", "held_on": "2026-12-20",
                                                                            "place": "广场"})  # fmt: skip
    assert response.status_code == 400 and "请填写大会名称" in response.content.decode()
    assert "积分分享大会" in client.get("/points/boards/meetings/").content.decode()

    # 郭店村 staff: 404 on everything of a 贺集村 meeting; the list does not show it.
    guodian = personas.client("guodian")
    for url in ("", "edit/", "awardees/", "roll.docx"):
        assert guodian.get(f"/points/boards/meetings/{meeting.pk}/{url}").status_code == 404, url
    assert "积分分享大会</strong>" not in guodian.get("/points/boards/meetings/").content.decode()
    # A resident of 贺集村 (registry-linked) reads the roll of honour but cannot edit it.
    user, _ = resident_with_account(personas.heji, HEJI_GRID1)
    resident = personas.client("heji")
    resident.force_login(user)
    assert resident.get(f"/points/boards/meetings/{meeting.pk}/").status_code == 200
    assert resident.get(f"/points/boards/meetings/{meeting.pk}/edit/").status_code == 403
    assert resident.get(f"/points/boards/meetings/{meeting.pk}/roll.docx").status_code == 200


def test_honours_api(personas, client, stars_2026):
    headers = {"Authorization": f"Bearer {api_token(client, 'heji')}"}
    a = stars_2026["甲"]

    def call(method, url, body=None, who=headers):
        return getattr(client, method)(url, body, content_type="application/json", headers=who)

    response = call("post", "/api/v1/points/boards/stars",
                    {"area_code": HEJI, "period": "2026Q4", "star": "filial", "account_ids": [a.pk]})  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()[0]["name"] == "甲"
    stars = client.get(
        f"/api/v1/points/boards/stars?area_code={HEJI}&period=2026Q4&star=filial", headers=headers
    )
    assert stars.json()["boards"][0]["chosen"] == [a.pk]
    response = call("post", "/api/v1/points/boards/meetings",
                    {"area_code": HEJI, "title": "分享大会", "held_on": "2026-12-20", "place": "村委会"})  # fmt: skip
    assert response.status_code == 201, response.content
    meeting_id = response.json()["id"]
    response = call("put", f"/api/v1/points/boards/meetings/{meeting_id}",
                    {"title": "第四季度分享大会", "held_on": "2026-12-21", "place": "村委会"})  # fmt: skip
    assert response.json()["title"] == "第四季度分享大会"
    response = call("put", f"/api/v1/points/boards/meetings/{meeting_id}/awardees",
                    {"rows": [{"account_id": a.pk, "honour": "孝老爱亲之星", "prize": "大米"}]})  # fmt: skip
    assert response.status_code == 200 and response.json()["awardees"][0]["name"] == "甲"
    bad = call("put", f"/api/v1/points/boards/meetings/{meeting_id}/awardees",
               {"rows": [{"account_id": stars_2026["外村"].pk, "honour": "好人"}]})  # fmt: skip
    assert bad.status_code == 400 and bad.json()["error"]["fields"][0]["field"] == "rows.1.account_id"
    roll = client.get(f"/api/v1/points/boards/meetings/{meeting_id}/roll", headers=headers)
    assert roll.status_code == 200 and len(Document(io.BytesIO(roll.content)).tables) == 1
    assert [m["id"] for m in client.get("/api/v1/points/boards/meetings", headers=headers).json()] == [
        meeting_id
    ]

    outsider = {"Authorization": f"Bearer {api_token(client, 'guodian')}"}
    assert client.get(f"/api/v1/points/boards/meetings/{meeting_id}", headers=outsider).status_code == 404
    assert call("put", f"/api/v1/points/boards/meetings/{meeting_id}/awardees", {"rows": []},
                outsider).status_code == 404  # fmt: skip
    assert call("post", "/api/v1/points/boards/stars", {"area_code": HEJI, "period": "2026Q4", "star": "filial",
                                                        "account_ids": [a.pk]}, outsider).status_code == 404  # fmt: skip
    assert client.get("/api/v1/points/boards/meetings", headers=outsider).json() == []
    resident = {"Authorization": f"Bearer {api_token(client, 'resident')}"}
    refused = call("post", "/api/v1/points/boards/stars", {"area_code": HEJI, "period": "2026Q4", "star": "filial",
                                                           "account_ids": [a.pk]}, resident)  # fmt: skip
    assert refused.status_code == 403
