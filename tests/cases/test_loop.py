"""The closed loop end to end through the API, with the people who do each step.

resident (贺集村第1网格) reports → heji (贺集村) accepts → escalates to 高阳镇 → gaoyang accepts →
assigns to 高阳镇司法所 → sfs (its staff) resolves → gaoyang verifies → resident rates → stats move.
"""

import pytest

from gongzhi.accounts.models import Department
from gongzhi.audit.models import AuditEvent
from gongzhi.cases.models import Case
from gongzhi.notices.models import Notice

from ..conftest import GAOYANG, HEJI, HEJI_GRID1, api_token, make_user

pytestmark = pytest.mark.django_db

REPORT = {"kind": "dispute", "category": "neighbour", "description": "邻居家的狗每天夜里狂叫，多次沟通无果。",
          "area_code": HEJI_GRID1, "address": "贺集村三组 12 号", "urgency": "normal"}  # fmt: skip


class Api:
    def __init__(self, client, who):
        self.client, self.headers = client, {"Authorization": f"Bearer {api_token(client, who)}"}

    def post(self, path, data=None, **headers):
        return self.client.post(f"/api/v1{path}", data or {}, content_type="application/json",
                                headers={**self.headers, **headers})  # fmt: skip

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self.headers)


@pytest.fixture
def sfs(personas):
    return make_user("sfs", "dept_staff", GAOYANG, department=Department.objects.get(name="高阳镇司法所"))


def test_the_whole_loop(client, personas, sfs):
    resident, heji, gaoyang, justice = (Api(client, w) for w in ("resident", "heji", "gaoyang", "sfs"))
    stats_before = gaoyang.get("/stats/cases", {"area": GAOYANG}).json()

    created = resident.post("/cases/", REPORT, **{"Idempotency-Key": "abc-1"})
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["status"] == "submitted" and case["handling_area_code"] == HEJI
    assert case["number"].startswith("420822-") and case["actions"] == []
    assert Notice.objects.filter(recipient=personas.heji, kind="new_case").exists()

    case = heji.post(f"/cases/{case['id']}/accept", {"note": "已受理"}).json()
    assert case["status"] == "accepted" and "escalate" in case["actions"]
    case = heji.post(f"/cases/{case['id']}/escalate", {"note": "涉及两村，村里难以调处"}).json()
    assert case["status"] == "submitted" and case["handling_area_code"] == GAOYANG
    # 贺集村 can no longer act: the case is 高阳镇's now.
    assert heji.post(f"/cases/{case['id']}/accept").status_code == 403

    case = gaoyang.post(f"/cases/{case['id']}/accept").json()
    dept = Department.objects.get(name="高阳镇司法所")
    case = gaoyang.post(
        f"/cases/{case['id']}/assign", {"department_id": dept.pk, "note": "请司法所调处"}
    ).json()
    assert case["status"] == "assigned" and case["assignee"] == "高阳镇司法所"
    assert Notice.objects.filter(recipient=sfs, kind="task").exists()

    listed = justice.get("/cases/", {"queue": "todo"}).json()
    assert [c["id"] for c in listed["items"]] == [case["id"]]
    justice.post(f"/cases/{case['id']}/note", {"note": "已约双方当事人周五到司法所调解", "internal": True})
    case = justice.post(f"/cases/{case['id']}/resolve", {"note": "调解成功，双方签订协议"}).json()
    assert case["status"] == "resolved"
    case = gaoyang.post(f"/cases/{case['id']}/verify", {"note": "电话核实属实"}).json()
    assert case["status"] == "closed"

    timeline = resident.get(f"/cases/{case['id']}/timeline").json()
    assert [e["action"] for e in timeline] == [
        "submit",
        "accept",
        "escalate",
        "accept",
        "assign",
        "resolve",
        "verify",
    ]
    staff_timeline = gaoyang.get(f"/cases/{case['id']}/timeline").json()
    assert "note" in [e["action"] for e in staff_timeline]  # the internal note is for staff only

    case = resident.post(f"/cases/{case['id']}/rate", {"rating": "satisfied", "note": "很满意"}).json()
    assert case["rating"] == "satisfied"
    stats = gaoyang.get("/stats/cases", {"area": GAOYANG}).json()
    assert stats["counts"]["received"] == stats_before["counts"]["received"] + 1
    assert stats["counts"]["closed"] == stats_before["counts"]["closed"] + 1
    assert stats["satisfaction_rate"] == 100.0 and stats["settled_share"]["town"] == 100.0
    assert AuditEvent.objects.filter(action="cases.verify", object_id=str(case["id"])).exists()


def test_same_idempotency_key_creates_one_case(client, personas):
    resident = Api(client, "resident")
    first = resident.post("/cases/", REPORT, **{"Idempotency-Key": "k-42"})
    again = resident.post("/cases/", REPORT, **{"Idempotency-Key": "k-42"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Case.objects.filter(reporter_user=personas.resident).count() == 1


def test_dissatisfied_rating_reopens_as_rework(client, personas):
    resident, heji = Api(client, "resident"), Api(client, "heji")
    case = resident.post("/cases/", REPORT).json()
    for action, body in (("accept", {}), ("resolve", {"note": "已劝导养狗户"}), ("verify", {})):
        case = heji.post(f"/cases/{case['id']}/{action}", body).json()
    case = resident.post(f"/cases/{case['id']}/rate", {"rating": "dissatisfied", "note": "狗还在叫"}).json()
    assert case["status"] == "accepted" and case["rework_count"] == 1
    stats = heji.get("/stats/cases", {"area": HEJI}).json()
    assert stats["rework_rate"] is None or stats["counts"]["reworked"] == 1


def test_out_of_order_is_a_clear_conflict_and_changes_nothing(client, personas):
    resident, heji = Api(client, "resident"), Api(client, "heji")
    case = resident.post("/cases/", REPORT).json()
    response = heji.post(f"/cases/{case['id']}/verify")
    assert response.status_code == 409
    assert "当前状态为「待受理」，不能核查结案" in response.json()["error"]["message"]
    assert Case.objects.get(pk=case["id"]).status == "submitted"


def test_two_staff_at_once_one_wins(personas):
    from gongzhi.cases.services import case_submit
    from gongzhi.cases.workflow import case_accept, case_reject
    from gongzhi.kernel.errors import Conflict

    case = case_submit(actor=personas.resident, data=REPORT)
    seen_by_heji, seen_by_gaoyang = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    case_accept(case=seen_by_heji, actor=personas.heji)
    with pytest.raises(Conflict, match="刚被他人处理（当前状态：已受理）"):
        case_reject(case=seen_by_gaoyang, actor=personas.gaoyang, reason="重复反映")
    assert Case.objects.get(pk=case.pk).status == "accepted"


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"address": "", "lat": None}, "location", "请给出事发位置"),
        ({"lat": 30.7}, "location", "同时给出"),
        ({"category": ""}, "category", "须选择纠纷类别"),
        ({"area_code": GAOYANG}, "area_code", "请选择到村(社区)或网格"),
        ({"kind": "ufo"}, "kind", "无效"),
        ({"description": "吵"}, "description", "至少 5 个字"),
    ],
)
def test_bad_intake_is_refused_with_the_field(client, personas, change, field, message):
    before = Case.objects.count()
    response = Api(client, "resident").post("/cases/", {**REPORT, **change})
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in [f["field"] for f in error["fields"]] and message in error["message"]
    assert Case.objects.count() == before


def test_non_image_upload_is_refused(client, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    resident = Api(client, "resident")
    case = resident.post("/cases/", REPORT).json()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = client.post(f"/api/v1/cases/{case['id']}/photos", {"photos": [fake]}, headers=resident.headers)
    assert response.status_code == 400 and "不是有效的图片" in response.json()["error"]["message"]
    assert Case.objects.get(pk=case["id"]).photos.count() == 0


def test_photo_is_reencoded_without_exif(
    client, personas, tmp_path, settings, django_capture_on_commit_callbacks
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    img = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (30.0, 42.0, 0.0)}  # a GPS block
    raw = io.BytesIO()
    img.save(raw, format="JPEG", exif=exif)
    assert b"Exif" in raw.getvalue()
    resident = Api(client, "resident")
    case = resident.post("/cases/", REPORT).json()
    upload = SimpleUploadedFile("IMG_0001.jpg", raw.getvalue(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):  # the file is written after commit
        response = client.post(
            f"/api/v1/cases/{case['id']}/photos", {"photos": [upload]}, headers=resident.headers
        )
    assert response.status_code == 200, response.content
    stored = Case.objects.get(pk=case["id"]).photos.get()
    data = stored.image.read()
    assert b"Exif" not in data and Image.open(io.BytesIO(data)).size == (64, 48)
    assert "IMG_0001" not in stored.image.name


def test_scope_of_every_action(client, personas):
    """The 郭店村 officer gets a 404 for every action on a 贺集村 case; the grid worker a 403."""
    from gongzhi.cases.workflow import ACTIONS

    case = Api(client, "resident").post("/cases/", REPORT).json()
    outsider, wgy = Api(client, "guodian"), Api(client, "wgy")
    for action in ACTIONS:
        assert outsider.post(f"/cases/{case['id']}/{action}", {"note": "试试"}).status_code == 404, action
    assert wgy.post(f"/cases/{case['id']}/accept").status_code == 403
    assert outsider.get(f"/cases/{case['id']}").status_code == 404
    assert Api(client, "auditor").get(f"/cases/{case['id']}").status_code == 404


def test_staff_only_channels(client, personas):
    response = Api(client, "resident").post("/cases/", {**REPORT, "channel": "hotline"})
    assert response.status_code == 403
    response = Api(client, "heji").post("/cases/", {**REPORT, "channel": "hotline", "contact_name": "张大爷",
                                                   "contact_phone": "13512345678"})  # fmt: skip
    assert response.status_code == 201 and response.json()["contact_phone"] == "135****5678"


def test_seed_rates(db):
    from gongzhi.cases.selectors import rate

    assert rate(1063, 1082) == 98.24  # 通山: 1063 of 1082 disputes mediated successfully
    assert round(rate(155055, 158835), 1) == 97.6  # 廊坊: 155,055 of 158,835 requests resolved
    assert rate(1, 0) is None


def test_extension_request_and_approval(client, personas):
    from datetime import timedelta

    from django.utils import timezone

    resident, heji, wgy = Api(client, "resident"), Api(client, "heji"), Api(client, "wgy")
    case = resident.post("/cases/", REPORT).json()
    heji.post(f"/cases/{case['id']}/accept")
    case = heji.post(f"/cases/{case['id']}/assign", {"user_id": personas.wgy.pk}).json()
    assert "extend_decide" not in case["actions"]
    until = (timezone.now() + timedelta(days=20)).isoformat()
    case = wgy.post(
        f"/cases/{case['id']}/extend_request", {"until": until, "note": "当事人外出务工，下月返乡"}
    ).json()
    assert "extend_decide" not in case["actions"]  # the grid worker cannot approve his own request
    case = heji.post(f"/cases/{case['id']}/extend_decide", {"approve": True, "note": "同意"}).json()
    assert case["resolve_due"][:10] == until[:10]
    # Only the assignee hands a task back.
    assert heji.post(f"/cases/{case['id']}/return", {"note": "退回"}).status_code == 403
    assert wgy.post(f"/cases/{case['id']}/return", {"note": "不属于本网格"}).json()["status"] == "accepted"


def test_rework_gets_a_new_deadline_and_a_new_rating(client, personas):
    from datetime import timedelta

    from django.utils import timezone

    resident, heji = Api(client, "resident"), Api(client, "heji")
    case = resident.post("/cases/", REPORT).json()
    for action, body in (("accept", {}), ("resolve", {"note": "已劝导"}), ("verify", {})):
        case = heji.post(f"/cases/{case['id']}/{action}", body).json()
    Case.objects.filter(pk=case["id"]).update(resolve_due=timezone.now() - timedelta(days=9))
    case = resident.post(f"/cases/{case['id']}/rate", {"rating": "dissatisfied", "note": "没解决"}).json()
    stored = Case.objects.get(pk=case["id"])
    assert stored.resolve_due > timezone.now() and stored.overdue_at is None
    for action, body in (("resolve", {"note": "再次上门"}), ("verify", {})):
        case = heji.post(f"/cases/{case['id']}/{action}", body).json()
    response = resident.post(f"/cases/{case['id']}/rate", {"rating": "satisfied", "note": "这次解决了"})
    assert response.status_code == 200 and response.json()["rating"] == "satisfied"
    assert resident.post(f"/cases/{case['id']}/rate", {"rating": "satisfied"}).status_code == 409


def test_a_timely_rejection_is_a_response(client, personas):
    heji = Api(client, "heji")
    case = Api(client, "resident").post("/cases/", REPORT).json()
    heji.post(f"/cases/{case['id']}/reject", {"note": "属于法院已受理的案件"})
    stats = heji.get("/stats/cases", {"area": HEJI}).json()
    assert stats["counts"]["responded"] == stats["counts"]["received"] == 1
