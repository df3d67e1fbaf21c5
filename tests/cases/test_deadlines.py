"""Deadline rules: defaults, edits by county staff only, used for new cases."""

from datetime import timedelta

import pytest

from gongzhi.cases.models import DeadlineRule
from gongzhi.cases.services import case_submit

from ..conftest import HEJI_GRID1

pytestmark = pytest.mark.django_db
REPORT = {
    "kind": "livelihood",
    "description": "路灯坏了半个月没人修。",
    "area_code": HEJI_GRID1,
    "address": "贺集村二组",
}


def test_defaults_apply(personas):
    case = case_submit(actor=personas.resident, data=REPORT)
    assert case.accept_due - case.created_at == timedelta(hours=24)
    assert case.resolve_due - case.created_at == timedelta(days=7)


def test_county_staff_edit_and_new_cases_follow(personas):
    client = personas.client("county")
    page = client.get("/cases/deadlines/").content.decode()
    assert "办理时限" in page and "保存" in page
    response = client.post("/cases/deadlines/", {"urgency": "normal", "level": "village", "accept_hours": "12",
                                                 "resolve_hours": "72"})  # fmt: skip
    assert response.status_code == 302
    case = case_submit(actor=personas.resident, data=REPORT)
    assert case.accept_due - case.created_at == timedelta(hours=12)
    assert case.resolve_due - case.created_at == timedelta(hours=72)


def test_village_staff_may_read_but_not_edit(personas):
    client = personas.client("heji")
    page = client.get("/cases/deadlines/").content.decode()
    assert "只有县、市综治中心工作人员可以修改" in page
    response = client.post("/cases/deadlines/", {"urgency": "normal", "level": "village", "accept_hours": "1",
                                                 "resolve_hours": "2"})  # fmt: skip
    assert response.status_code == 403 and not DeadlineRule.objects.exists()


def test_bad_hours_are_refused(personas):
    client = personas.client("county")
    response = client.post("/cases/deadlines/", {"urgency": "normal", "level": "village", "accept_hours": "48",
                                                 "resolve_hours": "24"}, follow=True)  # fmt: skip
    assert "办结时限不能短于受理时限" in response.content.decode() and not DeadlineRule.objects.exists()
