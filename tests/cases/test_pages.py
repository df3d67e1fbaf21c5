"""The case pages as staff and residents use them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.cases.models import Case

from ..conftest import HEJI, HEJI_GRID1

pytestmark = pytest.mark.django_db


def jpeg(name="p.jpg"):
    raw = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(raw, format="JPEG")
    return SimpleUploadedFile(name, raw.getvalue(), content_type="image/jpeg")


def resident_report(personas, **extra):
    data = {"kind": "sanitation", "description": "村口垃圾堆了一个星期没人清运。", "area_code": HEJI_GRID1,
            "address": "贺集村村口", **extra}  # fmt: skip
    return personas.client("resident").post("/my/report/", data)


def test_resident_reports_in_one_page_with_photos(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = personas.client("resident")
    page = client.get("/my/report/").content.decode()
    assert "什么事" in page and "在哪里" in page and "提交" in page and "贺集村第1网格" in page
    response = client.post("/my/report/", {"kind": "sanitation", "description": "村口垃圾堆了一个星期没人清运。",
                                           "area_code": HEJI_GRID1, "address": "村口", "photos": [jpeg(), jpeg()]})  # fmt: skip
    assert response.status_code == 302
    case = Case.objects.get(reporter_user=personas.resident)
    assert case.photos.count() == 2 and case.channel == "h5"
    page = client.get(response["Location"]).content.decode()
    assert case.number in page and "待受理" in page


def test_resident_errors_are_named(personas):
    response = resident_report(personas, description="", address="", kind="")
    body = response.content.decode()
    assert response.status_code == 400
    assert "请描述事情经过" in body and "请给出事发位置" in body


def test_staff_queue_detail_and_actions(personas):
    resident_report(personas)
    case = Case.objects.get()
    client = personas.client("heji")
    page = client.get("/cases/?queue=pending").content.decode()
    assert case.number in page and "待受理" in page
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "受理" in page and "办理过程" in page
    assert client.post(f"/cases/{case.pk}/accept/", {"note": ""}).status_code == 302
    response = client.post(f"/cases/{case.pk}/resolve/", {"note": ""})
    assert response.status_code == 400 and "请填写办理结果" in response.content.decode()
    response = client.post(f"/cases/{case.pk}/assign/", {"assignee": f"user:{personas.wgy.pk}"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "assigned" and case.assignee_user == personas.wgy
    wgy = personas.client("wgy")
    assert case.number in wgy.get("/cases/?queue=todo").content.decode()
    assert wgy.post(f"/cases/{case.pk}/resolve/", {"note": "已联系保洁员清运"}).status_code == 302
    assert client.post(f"/cases/{case.pk}/verify/", {"note": ""}).status_code == 302
    resident = personas.client("resident")
    page = resident.get(f"/my/cases/{case.pk}/").content.decode()
    assert "请评价办理结果" in page
    resident.post(f"/my/cases/{case.pk}/rate/", {"rating": "satisfied", "comment": "清理得很干净"})
    case.refresh_from_db()
    assert case.rating == "satisfied"
    # The reporter's notices tell them what happened.
    inbox = resident.get("/notices/").content.decode()
    assert "已受理" in inbox and "请对办理结果进行评价" in inbox


def test_out_of_scope_pages(personas):
    resident_report(personas)
    case = Case.objects.get()
    assert personas.client("guodian").get(f"/cases/{case.pk}/").status_code == 404
    assert personas.client("guodian").post(f"/cases/{case.pk}/accept/").status_code == 404
    assert personas.client("auditor").get("/cases/").status_code == 404
    assert personas.client("wgy").post(f"/cases/{case.pk}/accept/").status_code == 403


def test_export_map_and_stats(personas):
    resident_report(personas, lat=30.7, lng=112.6)
    client = personas.client("gaoyang")
    response = client.get("/cases/", {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "编号" and len(rows) == 2
    points = client.get("/cases/map/points/").json()
    assert len(points["features"]) == 1 and points["features"][0]["geometry"]["coordinates"] == [112.6, 30.7]
    assert personas.client("guodian").get("/cases/map/points/").json()["features"] == []
    page = client.get("/cases/stats/").content.decode()
    assert "高阳镇 事件统计" in page and "贺集村" in page
    assert personas.client("heji").get("/cases/stats/", {"area": "420822110"}).status_code == 404


def test_duplicates_are_suggested_and_merged(personas):
    resident_report(personas, description="村口垃圾堆了一个星期没人清运，臭气熏天。")
    first = Case.objects.get()
    personas.client("heji").post("/cases/new/", {"channel": "hotline", "kind": "sanitation",
                                                 "description": "村口的垃圾一个星期没人清运了", "area_code": HEJI,
                                                 "address": "贺集村村口", "urgency": "normal", "concern": "low"})  # fmt: skip
    second = Case.objects.exclude(pk=first.pk).get()
    page = personas.client("heji").get(f"/cases/{second.pk}/").content.decode()
    assert "可能重复的事件" in page and first.number in page
    response = personas.client("heji").post(f"/cases/{second.pk}/merge/", {"into": first.number})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == "merged" and second.merged_into == first


def test_merged_reporter_hears_the_result(personas):
    from gongzhi.cases.services import case_submit
    from gongzhi.cases.workflow import case_accept, case_merge, case_resolve, case_verify
    from gongzhi.notices.models import Notice

    report = {"kind": "sanitation", "description": "村口垃圾堆了一个星期没人清运。", "area_code": HEJI_GRID1,
              "address": "村口"}  # fmt: skip
    kept = case_submit(actor=personas.heji, data={**report, "channel": "hotline"})
    duplicate = case_submit(actor=personas.resident, data=report)
    case_merge(case=duplicate, actor=personas.heji, into=kept)
    kept = case_accept(case=kept, actor=personas.heji)
    kept = case_resolve(case=kept, actor=personas.heji, note="已清运")
    case_verify(case=kept, actor=personas.heji)
    texts = list(Notice.objects.filter(recipient=personas.resident).values_list("text", flat=True))
    assert any("合并办理" in t and "已办结" in t for t in texts)


def test_photos_are_served_only_within_scope(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = personas.client("resident")
    with django_capture_on_commit_callbacks(execute=True):  # the file is written once the case commits
        client.post("/my/report/", {"kind": "sanitation", "description": "村口垃圾堆了一个星期没人清运。",
                                    "area_code": HEJI_GRID1, "address": "村口", "photos": [jpeg()]})  # fmt: skip
    photo = Case.objects.get().photos.get()
    for who, status in (("resident", 200), ("heji", 200), ("gaoyang", 200), ("guodian", 404)):
        response = personas.client(who).get(photo.url)
        assert response.status_code == status, who
    body = b"".join(personas.client("heji").get(photo.url).streaming_content)
    assert body[:2] == b"\xff\xd8"  # a JPEG
