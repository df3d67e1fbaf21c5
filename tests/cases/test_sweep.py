"""The deadline sweep marks, supervises and reminds once; a second run changes nothing."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.services import case_submit
from gongzhi.cases.sweep import cases_sweep
from gongzhi.cases.workflow import case_accept
from gongzhi.notices.models import Notice

from ..conftest import HEJI_GRID1

pytestmark = pytest.mark.django_db
REPORT = {
    "kind": "safety",
    "description": "桥头护栏断了一截，晚上很危险。",
    "area_code": HEJI_GRID1,
    "address": "贺集桥",
}


def snapshot():
    return (
        list(Case.objects.order_by("pk").values_list("overdue_at", "accept_overdue_at", "supervision",
                                                      "due_soon_notified_at", "report_up_flagged_at")),
        CaseEvent.objects.count(),
        Notice.objects.count(),
    )  # fmt: skip


def test_sweep_is_idempotent(personas):
    now = timezone.now()
    late = case_submit(actor=personas.resident, data=REPORT)
    Case.objects.filter(pk=late.pk).update(accept_due=now - timedelta(hours=1))
    accepted = case_accept(case=case_submit(actor=personas.resident, data=REPORT), actor=personas.heji)
    Case.objects.filter(pk=accepted.pk).update(resolve_due=now - timedelta(days=4))
    soon = case_accept(case=case_submit(actor=personas.resident, data=REPORT), actor=personas.heji)
    Case.objects.filter(pk=soon.pk).update(resolve_due=now + timedelta(hours=3))
    urgent = case_submit(actor=personas.resident, data={**REPORT, "urgency": "major"})
    Case.objects.filter(pk=urgent.pk).update(created_at=now - timedelta(hours=2))

    counts = cases_sweep(now=now)
    assert counts == {"accept_overdue": 1, "overdue": 1, "supervised": 1, "due_soon": 1, "not_reported_up": 1}
    accepted.refresh_from_db()
    # Four days overdue: 督办 goes straight to 黄牌.
    assert accepted.overdue_at is not None and accepted.supervision == "yellow"
    assert Notice.objects.filter(recipient=personas.heji, kind="overdue").exists()
    assert Notice.objects.filter(recipient=personas.gaoyang, kind="not_reported_up").exists()

    before = snapshot()
    assert cases_sweep(now=now) == dict.fromkeys(counts, 0)
    assert snapshot() == before

    # Three more days: that case is raised to 红牌 (others become overdue too), once.
    later = now + timedelta(days=3, hours=1)
    assert cases_sweep(now=later)["supervised"] >= 1
    accepted.refresh_from_db()
    assert accepted.supervision == "red"
    assert cases_sweep(now=later)["supervised"] == 0


def test_reported_up_in_time_is_not_flagged(personas):
    from gongzhi.cases.workflow import case_report_up

    case = case_submit(actor=personas.resident, data={**REPORT, "urgency": "urgent"})
    case_report_up(case=case, actor=personas.heji, note="桥头护栏断裂，已设警示")
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert cases_sweep()["not_reported_up"] == 0


def test_sweep_command(personas, capsys):
    call_command("sweep_cases")
    assert "受理超期 0" in capsys.readouterr().out
