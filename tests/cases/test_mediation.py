"""人民调解 of disputes, with the people who do it.

Who may do what (on top of tests/conftest.py's personas):
- tiaojie   mediator of 贺集村 (420822110209): sees 贺集村's cases, leads mediations given to it.
- heji      staff of 贺集村: opens mediations, adds parties, concludes, escalates, verifies.
- gaoyang   staff of 高阳镇: receives what 贺集村 escalates; counts 高阳镇's mediators.
- wgy       grid worker of 贺集村第1网格: may assist (co-mediate); does not conclude or escalate.
- guodian   staff of 郭店村 (纪山镇): the outsider — 404 for every page and endpoint here.
"""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document

from gongzhi.audit.models import AuditEvent
from gongzhi.cases.mediation.models import Mediation, MediationStatus, Workroom
from gongzhi.cases.models import Case
from gongzhi.kernel.crypto import decrypt

from ..conftest import GAOYANG, HEJI, HEJI_GRID1, make_user
from ..people.factories import make_person
from .test_loop import REPORT
from .test_loop import Api as LoopApi

pytestmark = pytest.mark.django_db

TERMS = "1. 张三于2026年5月1日前拆除越界围墙，恢复原状。\n2、李四一次性补偿张三青苗损失800元。\n双方就此事再无其他争议。"


class Api(LoopApi):
    def put(self, path, data):
        return self.client.put(f"/api/v1{path}", data, content_type="application/json", headers=self.headers)


@pytest.fixture
def mediator(personas):
    return make_user("tiaojie", "mediator", HEJI, full_name="李调解")


@pytest.fixture
def zhangsan(personas):
    return make_person(personas.heji, HEJI_GRID1, name="张三")


def browser(user) -> Client:
    """A signed-in browser session for a user who is not one of the shared personas."""
    client = Client()
    client.force_login(user)
    return client


def report_dispute(client, **change) -> dict:
    response = Api(client, "resident").post("/cases/", {**REPORT, **change})
    assert response.status_code == 201, response.content
    return response.json()


def accepted_dispute(client, **change) -> dict:
    case = report_dispute(client, **change)
    return Api(client, "heji").post(f"/cases/{case['id']}/accept", {"note": "受理"}).json()


def session(api, case_id, days_ago=0, **extra):
    day = timezone.localdate() - timedelta(days=days_ago)
    body = {"held_on": day.isoformat(), "place": "贺集村综治中心调解室", "attendees": "张三、李四、李调解",
            "notes": "双方陈述围墙越界经过，调解员释法说理。", **extra}  # fmt: skip
    return api.post(f"/cases/{case_id}/mediation/sessions", body)


def test_dispute_mediated_to_agreement_then_verified(client, personas, mediator, zhangsan):
    heji, tiaojie, resident = Api(client, "heji"), Api(client, "tiaojie"), Api(client, "resident")
    workroom = heji.post("/mediation/workrooms", {"area_code": HEJI, "name": "贺集村“3+X”工作室",
                                                  "judge_name": "周法官", "lawyer_name": "吴律师",
                                                  "secretary_name": "贺书记", "mediator_ids": [mediator.pk]})  # fmt: skip
    assert workroom.status_code == 201, workroom.content
    case = accepted_dispute(client)

    # heji opens it with the workroom's mediator as lead: the case is dispatched to the lead.
    opened = heji.post(f"/cases/{case['id']}/mediation", {"lead_id": mediator.pk, "workroom_id": workroom.json()["id"],
                                                          "co_mediator_ids": [personas.wgy.pk]})  # fmt: skip
    assert opened.status_code == 201, opened.content
    mediation = opened.json()
    assert mediation["status"] == "open" and mediation["lead"]["name"] == "李调解"
    assert [u["name"] for u in mediation["co_mediators"]] == ["王建国"]
    assert Case.objects.get(pk=case["id"]).assignee_user == mediator
    assert heji.post(f"/cases/{case['id']}/mediation").status_code == 409  # one mediation per case

    # Parties: heji links the registry person (the mediator does not read the registry), the mediator adds 李四.
    parties = f"/cases/{case['id']}/mediation/parties"
    assert heji.post(parties, {"person_id": zhangsan.pk, "side": "申请人"}).status_code == 200
    assert tiaojie.post(parties, {"name": "李四", "side": "被申请人"}).status_code == 200

    assert tiaojie.post(f"/cases/{case['id']}/mediation/conclude",
                        {"result": "success", "agreed_terms": TERMS}).json()["error"]["fields"][0]["field"] == "sessions"  # fmt: skip
    assert session(tiaojie, case["id"]).status_code == 200
    second = session(Api(client, "wgy"), case["id"], notes="第二次调解，双方同意拆墙并补偿。")
    assert second.status_code == 200 and len(second.json()["sessions"]) == 2

    concluded = tiaojie.post(f"/cases/{case['id']}/mediation/conclude", {"result": "success", "agreed_terms": TERMS,
                                                                        "performance": "2026年5月1日前履行完毕"})  # fmt: skip
    assert concluded.status_code == 200, concluded.content
    mediation = concluded.json()
    assert mediation["status"] == "succeeded" and len(mediation["agreed_terms"]) == 3
    assert mediation["agreed_terms"][0].startswith("张三于") and "agreement" in mediation["actions"]
    assert mediation["confirmation_deadline"] == (timezone.localdate() + timedelta(days=30)).isoformat()
    assert Case.objects.get(pk=case["id"]).status == "resolved"  # 办结 by the mediation, 核查 is next

    download = tiaojie.get(f"/cases/{case['id']}/mediation/agreement")
    assert download.status_code == 200
    assert (
        download["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert "人民调解协议书" in text and mediation["agreement_no"] in text
    assert "申请人：张三" in text and "被申请人：李四" in text
    assert zhangsan.id_number_masked in text and decrypt(zhangsan.id_number_cipher) not in text
    assert decrypt(zhangsan.id_number_cipher).encode() not in download.content
    assert "一、张三于2026年5月1日前拆除越界围墙" in text and "二、李四一次性补偿张三青苗损失800元" in text
    assert "三、双方就此事再无其他争议" in text and "2026年5月1日前履行完毕" in text
    assert "三十日内共同向人民法院申请司法确认" in text and "第三十三条" in text
    assert (
        "贺集村人民调解委员会（印章）" in text
        and "人民调解员：李调解" in text
        and "人民调解员：王建国" in text
    )

    page = personas.client("heji").get(f"/cases/{case['id']}/mediation/agreement.docx")
    assert page.status_code == 200 and page.content[:2] == b"PK"
    assert (
        AuditEvent.objects.filter(action="mediation.agreement", object_id=str(mediation["id"])).count() == 2
    )

    closed = heji.post(f"/cases/{case['id']}/verify", {"note": "回访双方，协议已履行"}).json()
    assert closed["status"] == "closed"
    actions = [e["action"] for e in heji.get(f"/cases/{case['id']}/timeline").json()]
    assert actions[-3:] == ["mediate", "resolve", "verify"] and "assign" in actions
    # The reporter's timeline shows that mediation happened, not what was said in the sessions.
    notes = " ".join(e["note"] for e in resident.get(f"/cases/{case['id']}/timeline").json())
    assert "开始调解" in notes and "释法说理" not in notes
    for action in ("open", "party", "session", "conclude"):
        assert AuditEvent.objects.filter(
            action=f"mediation.{action}", object_id=str(mediation["id"])
        ).exists()


def test_failure_escalates_to_the_town(client, personas, mediator):
    heji, tiaojie = Api(client, "heji"), Api(client, "tiaojie")
    case = accepted_dispute(client)
    heji.post(f"/cases/{case['id']}/assign", {"user_id": mediator.pk})
    assert tiaojie.post(f"/cases/{case['id']}/mediation").status_code == 201  # the assignee opens, as lead
    session(tiaojie, case["id"])
    # A mediator cannot send a case up on their own: that is the centre's call, and nothing changes.
    refused = tiaojie.post(
        f"/cases/{case['id']}/mediation/conclude", {"result": "escalate", "note": "双方分歧太大"}
    )
    assert refused.status_code == 403 and "上报上级" in refused.json()["error"]["message"]
    assert Mediation.objects.get(case_id=case["id"]).status == "open"

    no_reason = heji.post(f"/cases/{case['id']}/mediation/conclude", {"result": "escalate"})
    assert no_reason.status_code == 400 and no_reason.json()["error"]["fields"][0]["field"] == "note"
    done = heji.post(f"/cases/{case['id']}/mediation/conclude",
                     {"result": "escalate", "note": "双方对宅基地界址分歧大，涉及镇土地所"})  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "failed"
    escalated = Case.objects.get(pk=case["id"])
    assert escalated.handling_area_id == GAOYANG and escalated.status == "submitted"
    assert "调解不成功" in escalated.events.get(action="escalate").note
    assert "accept" in Api(client, "gaoyang").get(f"/cases/{case['id']}").json()["actions"]
    assert Api(client, "gaoyang").get(f"/cases/{case['id']}/mediation").json()["result"] == "escalate"


def test_litigation_guidance_is_recorded_and_the_case_stays_with_its_handler(client, personas):
    heji = Api(client, "heji")
    case = accepted_dispute(client)
    heji.post(f"/cases/{case['id']}/mediation")
    session(heji, case["id"])
    guided = heji.post(f"/cases/{case['id']}/mediation/conclude",
                       {"result": "litigate", "note": "已告知可向沙洋县人民法院起诉，诉讼时效三年，协助准备证据清单"})  # fmt: skip
    assert guided.status_code == 200 and guided.json()["result"] == "litigate"
    case_row = Case.objects.get(pk=case["id"])
    assert case_row.status == "accepted"
    assert case_row.events.filter(action="mediate", note__startswith="诉讼引导：已告知").exists()
    again = heji.post(f"/cases/{case['id']}/mediation/sessions", {"held_on": timezone.localdate().isoformat(),
                                                                  "place": "村部", "attendees": "双方", "notes": "再谈一次看看"})  # fmt: skip
    assert again.status_code == 409 and "调解已结束" in again.json()["error"]["message"]


def _succeeded_days_ago(client, personas, days: int) -> dict:
    """A mediation that succeeded `days` ago. The past is set by moving its start back, as if
    it had been opened then."""
    heji = Api(client, "heji")
    case = accepted_dispute(client)
    heji.post(f"/cases/{case['id']}/mediation")
    Mediation.objects.filter(case_id=case["id"]).update(started_at=timezone.now() - timedelta(days=days + 5))
    session(heji, case["id"], days_ago=days + 1)
    heji.post(f"/cases/{case['id']}/mediation/parties", {"name": "张三", "side": "申请人"})
    heji.post(f"/cases/{case['id']}/mediation/parties", {"name": "李四", "side": "被申请人"})
    agreed = timezone.localdate() - timedelta(days=days)
    response = heji.post(f"/cases/{case['id']}/mediation/conclude",
                         {"result": "success", "agreed_terms": TERMS, "agreed_on": agreed.isoformat()})  # fmt: skip
    assert response.status_code == 200, response.content
    return case


def test_judicial_confirmation_within_30_days_only(client, personas):
    heji = Api(client, "heji")
    case = _succeeded_days_ago(client, personas, 40)
    agreed = timezone.localdate() - timedelta(days=40)
    day31, day30 = agreed + timedelta(days=31), agreed + timedelta(days=30)
    late = heji.post(f"/cases/{case['id']}/mediation/confirmations",
                     {"applied_on": day31.isoformat(), "court": "沙洋县人民法院"})  # fmt: skip
    assert late.status_code == 400
    error = late.json()["error"]
    assert error["fields"][0]["field"] == "applied_on" and "第三十三条" in error["message"]
    assert f"协议日期 {agreed:%Y-%m-%d}" in error["message"] and f"最迟 {day30:%Y-%m-%d}" in error["message"]
    assert f"申请日期 {day31:%Y-%m-%d}" in error["message"] and "超过 1 日" in error["message"]
    assert not Mediation.objects.get(case_id=case["id"]).confirmations.exists()

    applied = heji.post(f"/cases/{case['id']}/mediation/confirmations",
                        {"applied_on": day30.isoformat(), "court": "沙洋县人民法院"})  # fmt: skip
    assert applied.status_code == 201 and applied.json()["result"] == ""
    twice = heji.post(
        f"/cases/{case['id']}/mediation/confirmations",
        {"applied_on": day30.isoformat(), "court": "沙洋县人民法院"},
    )
    assert twice.status_code == 409
    cid = applied.json()["id"]
    path = f"/cases/{case['id']}/mediation/confirmations/{cid}"
    no_number = heji.post(path, {"result": "valid", "decided_on": timezone.localdate().isoformat()})
    assert no_number.status_code == 400 and no_number.json()["error"]["fields"][0]["field"] == "number"
    valid = heji.post(path, {"result": "valid", "decided_on": timezone.localdate().isoformat(),
                             "number": "（2026）鄂0822民特12号"})  # fmt: skip
    assert valid.status_code == 200 and valid.json()["result_label"] == "确认有效"
    assert (
        heji.post(path, {"result": "rejected", "decided_on": timezone.localdate().isoformat()}).status_code
        == 409
    )
    assert AuditEvent.objects.filter(action="mediation.confirmation_decide").exists()


def test_only_disputes_are_mediated(client, personas):
    heji = Api(client, "heji")
    case = accepted_dispute(client, kind="sanitation", category="")
    refused = heji.post(f"/cases/{case['id']}/mediation")
    assert refused.status_code == 400 and "只有矛盾纠纷可以调解" in refused.json()["error"]["message"]
    assert not Mediation.objects.exists()
    assert 'id="mediation"' not in personas.client("heji").get(f"/cases/{case['id']}/").content.decode()
    submitted = report_dispute(client)  # not yet accepted
    assert heji.post(f"/cases/{submitted['id']}/mediation").status_code == 409


def test_out_of_scope_gets_404_everywhere(client, personas, mediator):
    heji = Api(client, "heji")
    case = accepted_dispute(client)
    heji.post(f"/cases/{case['id']}/mediation")
    session(heji, case["id"])
    heji.post(f"/cases/{case['id']}/mediation/parties", {"name": "张三", "side": "申请人"})
    heji.post(f"/cases/{case['id']}/mediation/parties", {"name": "李四", "side": "被申请人"})
    heji.post(f"/cases/{case['id']}/mediation/conclude", {"result": "success", "agreed_terms": TERMS})
    workroom = heji.post("/mediation/workrooms", {"area_code": HEJI, "name": "贺集村工作室"}).json()
    cid = case["id"]
    for who in ("guodian", "auditor"):
        api = Api(client, who)
        # An auditor's writes are refused before any lookup (三员分立), so they tell nothing either.
        refused = 404 if who == "guodian" else 403
        assert api.get(f"/cases/{cid}/mediation").status_code == 404
        assert api.get(f"/cases/{cid}/mediation/agreement").status_code == 404
        assert api.post(f"/cases/{cid}/mediation/sessions", {"held_on": "2026-01-01", "place": "x",
                                                             "attendees": "x", "notes": "x"}).status_code == refused  # fmt: skip
        assert (
            api.post(
                f"/cases/{cid}/mediation/confirmations", {"applied_on": "2026-01-01", "court": "x"}
            ).status_code
            == refused
        )
        assert api.get(f"/mediation/workrooms/{workroom['id']}").status_code == 404
        assert (
            api.put(f"/mediation/workrooms/{workroom['id']}", {"area_code": HEJI, "name": "改名"}).status_code
            == refused
        )
        assert api.get("/mediation/counts", {"area": HEJI}).status_code == 404
        page = personas.client(who)
        assert page.get(f"/cases/{cid}/mediation/agreement.docx").status_code == 404
        assert page.post(f"/cases/{cid}/mediation/session/", {"place": "x"}).status_code == refused
        assert page.get("/cases/mediation/counts/", {"area": HEJI}).status_code == 404
        assert page.get(f"/cases/mediation/workrooms/{workroom['id']}/").status_code == 404
    assert Api(client, "guodian").get("/mediation/workrooms").json() == []
    # 贺集村 cannot count 高阳镇's mediators, nor edit a workroom from a grid worker's account.
    assert heji.get("/mediation/counts", {"area": GAOYANG}).status_code == 404
    assert personas.client("wgy").get(f"/cases/mediation/workrooms/{workroom['id']}/").status_code == 404


def test_workroom_members_are_checked(client, personas, mediator):
    heji = Api(client, "heji")
    outsider = heji.post("/mediation/workrooms", {"area_code": HEJI, "name": "贺集村工作室",
                                                  "mediator_ids": [mediator.pk, personas.guodian.pk]})  # fmt: skip
    assert outsider.status_code == 400 and outsider.json()["error"]["fields"][0]["field"] == "mediator_ids"
    assert (
        heji.post("/mediation/workrooms", {"area_code": GAOYANG, "name": "高阳镇工作室"}).status_code == 403
    )
    assert (
        heji.post("/mediation/workrooms", {"area_code": HEJI_GRID1, "name": "网格工作室"}).status_code == 400
    )
    town = Api(client, "gaoyang").post("/mediation/workrooms", {"area_code": GAOYANG, "name": "高阳镇“3+X”工作室",
                                                               "mediator_ids": [mediator.pk]})  # fmt: skip
    assert town.status_code == 201  # a village mediator may sit in the town's workroom (派驻)
    made = heji.post(
        "/mediation/workrooms", {"area_code": HEJI, "name": "贺集村工作室", "mediator_ids": [mediator.pk]}
    )
    assert made.status_code == 201
    changed = heji.put(f"/mediation/workrooms/{made.json()['id']}", {"area_code": HEJI, "name": "贺集村工作室",
                                                                      "lawyer_name": "吴律师", "mediator_ids": []})  # fmt: skip
    assert (
        changed.status_code == 200
        and changed.json()["mediators"] == []
        and changed.json()["lawyer_name"] == "吴律师"
    )
    assert AuditEvent.objects.filter(action="mediation.workroom_update").exists()


def test_workroom_pages(personas, mediator):
    heji = personas.client("heji")
    assert "设立工作室" in heji.get("/cases/mediation/workrooms/").content.decode()
    form = heji.get("/cases/mediation/workrooms/new/", {"area": HEJI}).content.decode()
    assert "李调解" in form and "法官" in form and "支书" in form
    bad = heji.post(f"/cases/mediation/workrooms/new/?area={HEJI}", {"name": ""})
    assert bad.status_code == 400 and "请填写工作室名称" in bad.content.decode()
    saved = heji.post(f"/cases/mediation/workrooms/new/?area={HEJI}", {"name": "贺集村“3+X”工作室", "judge_name": "周法官",
                                                                       "mediator_ids": [mediator.pk], "active": "on"})  # fmt: skip
    assert saved.status_code == 302
    workroom = Workroom.objects.get()
    assert list(workroom.mediators.all()) == [mediator] and workroom.area_id == HEJI
    listing = heji.get("/cases/mediation/workrooms/").content.decode()
    assert "贺集村“3+X”工作室" in listing and "周法官" in listing and "李调解" in listing
    edited = heji.post(
        f"/cases/mediation/workrooms/{workroom.pk}/", {"name": "贺集村调解工作室", "active": "on"}
    )
    assert edited.status_code == 302
    workroom.refresh_from_db()
    assert workroom.name == "贺集村调解工作室" and workroom.mediators.count() == 0
    # 高阳镇司法所 guides 人民调解 in the town and sees the workroom; it cannot change it.
    from gongzhi.accounts.models import Department

    sfs = make_user("sfs", "dept_staff", GAOYANG, department=Department.objects.get(name="高阳镇司法所"))
    assert "贺集村调解工作室" in browser(sfs).get("/cases/mediation/workrooms/").content.decode()
    assert browser(sfs).post(f"/cases/mediation/workrooms/{workroom.pk}/", {"name": "x"}).status_code == 403
    # The outsider does not see it; the mediator sees it but cannot change it.
    assert personas.client("guodian").get("/cases/mediation/workrooms/").content.decode().count("周法官") == 0
    assert (
        browser(mediator).post(f"/cases/mediation/workrooms/{workroom.pk}/", {"name": "x"}).status_code == 403
    )


def test_mediation_on_the_case_page(personas, mediator):
    from .test_pages import resident_report

    resident_report(
        personas, kind="dispute", category="neighbour", description="两家为滴水檐发生争吵，互不相让。"
    )
    case = Case.objects.get()
    heji = personas.client("heji")
    heji.post(f"/cases/{case.pk}/accept/", {"note": ""})
    page = heji.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="mediation"' in page and "开始调解" in page and "李调解" in page
    assert heji.post(f"/cases/{case.pk}/mediation/open/", {"lead": mediator.pk}).status_code == 302
    tiaojie = browser(mediator)
    bad = tiaojie.post(
        f"/cases/{case.pk}/mediation/session/", {"held_on": "", "place": "", "attendees": "", "notes": ""}
    )
    assert bad.status_code == 400 and "请填写调解日期" in bad.content.decode()
    ok = tiaojie.post(f"/cases/{case.pk}/mediation/session/", {"held_on": timezone.localdate().isoformat(),
                                                               "place": "村部", "attendees": "两家户主",
                                                               "notes": "各自让出半尺，滴水檐改向"})  # fmt: skip
    assert ok.status_code == 302
    for name, side in (("赵大", "申请人"), ("钱二", "被申请人")):
        tiaojie.post(f"/cases/{case.pk}/mediation/party/", {"name": name, "side": side})
    no_terms = tiaojie.post(
        f"/cases/{case.pk}/mediation/conclude/", {"result": "success", "agreed_terms": ""}
    )
    assert no_terms.status_code == 400 and "请填写协议内容" in no_terms.content.decode()
    done = tiaojie.post(f"/cases/{case.pk}/mediation/conclude/", {"result": "success", "agreed_terms": "钱二将滴水檐改向东侧",
                                                                   "agreed_on": timezone.localdate().isoformat()})  # fmt: skip
    assert done.status_code == 302
    page = heji.get(f"/cases/{case.pk}/").content.decode()
    assert "下载人民调解协议书" in page and "钱二将滴水檐改向东侧" in page and "登记司法确认申请" in page
    case.refresh_from_db()
    assert case.status == "resolved"
    assert personas.client("guodian").post(f"/cases/{case.pk}/mediation/confirm/", {}).status_code == 404


def test_tongshan_rate_from_1082_concluded_mediations(client, personas, mediator):
    """通山: 1082 disputes mediated, 1063 successfully — 98.24%."""
    now = timezone.now()
    cases = Case.objects.bulk_create(
        Case(number=f"420822-2026-9{i:05d}", channel="visit", kind="dispute", category="neighbour", title="纠纷",
             description="邻里纠纷", area_id=HEJI_GRID1, handling_area_id=HEJI, status="resolved", created_at=now)
        for i in range(1082)
    )  # fmt: skip
    Mediation.objects.bulk_create(
        Mediation(case=c, area_id=HEJI, lead=mediator, started_at=now, ended_at=now,
                  status=MediationStatus.SUCCEEDED if i < 1063 else MediationStatus.FAILED)
        for i, c in enumerate(cases)
    )  # fmt: skip
    opened = report_dispute(client)  # one more, still being mediated: not in the rate
    Case.objects.filter(pk=opened["id"]).update(status="accepted")
    Mediation.objects.create(case_id=opened["id"], area_id=HEJI, lead=mediator, started_at=now)

    from gongzhi.cases.selectors import case_stats

    stats = case_stats(area=GAOYANG)
    assert stats["counts"]["mediated"] == 1083 and stats["counts"]["mediation_succeeded"] == 1063
    assert stats["counts"]["mediation_concluded"] == 1082 and stats["mediation_success_rate"] == 98.24
    api = Api(client, "gaoyang").get("/stats/cases", {"area": GAOYANG}).json()
    assert api["mediation_success_rate"] == 98.24 and api["counts"]["mediated"] == 1083
    page = personas.client("gaoyang").get("/cases/stats/").content.decode()
    assert "调解成功率" in page and "98.24" in page


def test_counts_per_mediator_for_subsidy(client, personas, mediator):
    """以案定补: each concluded mediation counts once for its lead and once for each co-mediator."""
    now = timezone.now()
    outside = make_user("jishan_tj", "mediator", "420822103206", full_name="外村调解员")

    def mediated(i, lead, status, area=HEJI, helpers=(), ended=now):
        case = Case.objects.create(number=f"420822-2026-8{i:05d}", channel="visit", kind="dispute", title="纠纷",
                                   description="纠纷", area_id=area + ("001" if area == HEJI else ""),
                                   handling_area_id=area, status="resolved", created_at=now)  # fmt: skip
        m = Mediation.objects.create(
            case=case, area_id=area, lead=lead, status=status, started_at=now, ended_at=ended
        )
        m.co_mediators.set(helpers)

    mediated(1, mediator, "succeeded", helpers=[personas.wgy])
    mediated(2, mediator, "succeeded")
    mediated(3, mediator, "failed", helpers=[personas.wgy])
    mediated(4, personas.heji, "succeeded", helpers=[mediator])
    mediated(5, mediator, "succeeded", ended=now - timedelta(days=60))  # before the period
    mediated(6, outside, "succeeded", area="420822103206")  # another town
    mediated(7, mediator, "open", ended=None)  # not concluded: not counted

    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    rows = Api(client, "gaoyang").get("/mediation/counts", {"area": GAOYANG, "since": since}).json()
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {"李调解", "王建国", "heji"}
    expected = {"led": 3, "led_succeeded": 2, "assisted": 1, "assisted_succeeded": 1, "total": 4, "succeeded": 3,
                "failed": 1, "success_rate": 75.0}  # fmt: skip
    assert {k: by_name["李调解"][k] for k in expected} == expected
    assert (by_name["王建国"]["assisted"], by_name["王建国"]["succeeded"]) == (2, 1)
    assert rows[0]["name"] == "李调解"  # most cases first
    assert len(Api(client, "gaoyang").get("/mediation/counts", {"area": GAOYANG}).json()) == 3
    assert Api(client, "gaoyang").get("/mediation/counts", {"area": GAOYANG}).json()[0]["total"] == 5

    page = personas.client("gaoyang").get("/cases/mediation/counts/", {"since": since}).content.decode()
    assert "高阳镇 调解员办案统计" in page and "李调解" in page and "外村调解员" not in page
    export = personas.client("gaoyang").get("/cases/mediation/counts/", {"since": since, "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    from openpyxl import load_workbook

    sheet = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert sheet[1][0] == "调解员" and sheet[2][:3] == ("李调解", "tiaojie", 3) and sheet[2][6] == 4
    assert sheet[-1][0] == "合计" and len(sheet) == 6
    assert AuditEvent.objects.filter(action="mediation.counts_export", object_id=GAOYANG).exists()
    assert personas.client("heji").get("/cases/mediation/counts/", {"area": GAOYANG}).status_code == 404


def test_co_mediator_from_another_grid_sees_the_case(client, personas):
    heji = Api(client, "heji")
    case = accepted_dispute(client, area_code=HEJI + "002")
    wgy = Api(client, "wgy")  # grid 1's worker: grid 2's case is not theirs
    assert wgy.get(f"/cases/{case['id']}").status_code == 404
    heji.post(f"/cases/{case['id']}/mediation", {"co_mediator_ids": [personas.wgy.pk]})
    assert wgy.get(f"/cases/{case['id']}/mediation").json()["actions"] == ["party", "session"]
    assert (
        wgy.post(
            f"/cases/{case['id']}/mediation/conclude", {"result": "litigate", "note": "告知起诉途径"}
        ).status_code
        == 403
    )


def test_the_schema_documents_every_mediation_operation(client, personas):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    mediation = {p: set(ops) for p, ops in paths.items() if "/mediation" in p}
    assert mediation == {
        "/api/v1/cases/{case_id}/mediation": {"get", "post"},
        "/api/v1/cases/{case_id}/mediation/parties": {"post"},
        "/api/v1/cases/{case_id}/mediation/sessions": {"post"},
        "/api/v1/cases/{case_id}/mediation/conclude": {"post"},
        "/api/v1/cases/{case_id}/mediation/confirmations": {"post"},
        "/api/v1/cases/{case_id}/mediation/confirmations/{confirmation_id}": {"post"},
        "/api/v1/cases/{case_id}/mediation/agreement": {"get"},
        "/api/v1/mediation/workrooms": {"get", "post"},
        "/api/v1/mediation/workrooms/{workroom_id}": {"get", "put"},
        "/api/v1/mediation/counts": {"get"},
    }
    agreement = paths["/api/v1/cases/{case_id}/mediation/agreement"]["get"]["responses"]
    assert list(agreement["200"]["content"]) == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ]
    assert "mediation_success_rate" in schema["components"]["schemas"]["StatsOut"]["required"]


def test_a_nul_character_is_a_field_error_not_a_server_error(client, personas):
    """PostgreSQL cannot store U+0000: the API refuses it before any query, on both engines."""
    heji = Api(client, "heji")
    case = accepted_dispute(client)
    heji.post(f"/cases/{case['id']}/mediation")
    response = session(heji, case["id"], place="村\x00部")
    assert response.status_code == 422 and "控制字符（U+0000）" in response.json()["error"]["message"]
    response = heji.post("/mediation/workrooms", {"area_code": HEJI + "\x00", "name": "工作\x00室"})
    assert response.status_code == 422


def test_ids_beyond_any_row_are_unknown_not_a_server_error(client, personas):
    """Ids beyond a 64-bit integer are refused by the API guard before any query (422)."""
    heji = Api(client, "heji")
    case = accepted_dispute(client)
    huge = 2**70
    assert heji.post(f"/cases/{case['id']}/mediation", {"co_mediator_ids": [huge]}).status_code == 422
    response = heji.post(
        "/mediation/workrooms", {"area_code": HEJI, "name": "贺集村工作室", "mediator_ids": [huge]}
    )
    assert response.status_code == 422
    assert not Mediation.objects.exists() and not Workroom.objects.exists()
