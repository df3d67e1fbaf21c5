"""The statistics page ranks the child areas of an area (villages of 高阳镇) by the same KPIs as the
area itself; the breakdown, read in one grouped query, says what each child's own figures say."""

import pytest
from django.utils import timezone

from gongzhi.areas.models import Area
from gongzhi.cases import workflow
from gongzhi.cases.mediation import services as mediation_services
from gongzhi.cases.selectors import case_stats, child_stats
from gongzhi.cases.services import case_submit
from tests.conftest import GAOYANG, HEJI, HEJI_GRID1

pytestmark = pytest.mark.django_db

REPORT = {"kind": "dispute", "category": "neighbour", "description": "邻居家的狗每天夜里狂叫，多次沟通无果。",
          "address": "村三组 12 号", "urgency": "normal"}  # fmt: skip


def report(personas, grid: str):
    return case_submit(actor=personas.gaoyang, data={**REPORT, "channel": "hotline", "area_code": grid})


def test_breakdown_matches_each_childs_own_figures(personas):
    other = Area.objects.filter(parent_id=GAOYANG, level="village").exclude(code=HEJI).order_by("code")[0]
    other_grid = Area.objects.filter(parent=other).order_by("code")[0].code
    # 贺集村: one left submitted, one closed, one mediated to an agreement, one rejected, and one
    # escalated and settled by the town.
    report(personas, HEJI_GRID1)
    closed = workflow.case_accept(case=report(personas, HEJI_GRID1), actor=personas.heji)
    closed = workflow.case_resolve(case=closed, actor=personas.heji, note="已调处")
    workflow.case_verify(case=closed, actor=personas.heji)
    mediated = workflow.case_accept(case=report(personas, HEJI_GRID1), actor=personas.heji)
    mediation = mediation_services.mediation_open(case=mediated, actor=personas.heji)
    for side, name in (("申请人", "张三"), ("被申请人", "李四")):
        mediation_services.mediation_add_party(mediation=mediation, actor=personas.heji, name=name, side=side)
    mediation_services.mediation_add_session(mediation=mediation, actor=personas.heji, held_on=timezone.localdate(),
                                             place="调解室", attendees="张三、李四", notes="释法说理。")  # fmt: skip
    mediation_services.mediation_conclude(mediation=mediation, actor=personas.heji, result="success",
                                          agreed_terms="双方和解，互不追究。")  # fmt: skip
    workflow.case_reject(case=report(personas, HEJI_GRID1), actor=personas.heji, reason="不属于受理范围")
    up = workflow.case_accept(case=report(personas, HEJI_GRID1), actor=personas.heji)
    up = workflow.case_escalate(case=up, actor=personas.heji, reason="涉及两村")
    up = workflow.case_accept(case=up, actor=personas.gaoyang)
    up = workflow.case_resolve(case=up, actor=personas.gaoyang, note="镇里调处")
    workflow.case_verify(case=up, actor=personas.gaoyang)
    # Another village of 高阳镇: one left submitted.
    report(personas, other_grid)

    rows = child_stats(area=GAOYANG)
    assert [r["area"].code for r in rows] == list(
        Area.objects.filter(parent_id=GAOYANG, level="village")
        .order_by("code")
        .values_list("code", flat=True)
    )
    for row in rows:
        assert {k: v for k, v in row.items() if k != "area"} == case_stats(area=row["area"].code), row["area"]
    by_code = {r["area"].code: r for r in rows}
    heji = by_code[HEJI]["counts"]
    assert (heji["received"], heji["closed"], heji["at_town"], heji["mediation_succeeded"]) == (5, 2, 1, 1)
    assert by_code[other.code]["counts"]["received"] == 1
    assert sum(r["counts"]["received"] for r in rows) == case_stats(area=GAOYANG)["counts"]["received"]
