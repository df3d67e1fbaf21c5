"""说事箱 batch entry: all slips or none, with the bad one named."""

import pytest

from gongzhi.cases.models import Case

from ..conftest import HEJI

pytestmark = pytest.mark.django_db


def test_batch_all_or_nothing(personas):
    client = personas.client("heji")
    bad = {"area_code": HEJI, "kind_0": "livelihood", "description_0": "希望村里修一下二组的水渠。",
           "kind_1": "dispute", "description_1": "两家为宅基地界线争吵不休。"}  # fmt: skip
    response = client.post("/cases/box/", bad)
    assert response.status_code == 400
    assert "第 2 条：矛盾纠纷须选择纠纷类别" in response.content.decode() and not Case.objects.exists()
    good = {**bad, "category_1": "homestead"}
    response = client.post("/cases/box/", good)
    assert response.status_code == 302
    assert sorted(Case.objects.values_list("channel", flat=True)) == ["box", "box"]


def test_batch_is_for_staff(personas):
    assert personas.client("resident").get("/cases/box/").status_code == 404
