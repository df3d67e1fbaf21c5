"""The national importer and grid generation, through the CLI as an operator runs them."""

import pytest
from django.core.management import CommandError, call_command

from gongzhi.areas.models import Area, Level
from gongzhi.areas.national import short_name

from ..conftest import COUNTY, GAOYANG, HEJI

pytestmark = pytest.mark.django_db


def count(level, under=COUNTY):
    return Area.objects.filter(level=level, code__startswith=under).count()


def test_shayang_has_the_national_counts():
    assert count(Level.COUNTY) == 1
    assert count(Level.TOWN) == 17
    assert count(Level.VILLAGE) == 286
    county = Area.objects.get(pk=COUNTY)
    assert county.name == "沙洋县"
    assert county.parent.name == "荆门市" and county.parent.parent.name == "湖北省"


def test_heji_is_under_gaoyang():
    heji = Area.objects.get(name="贺集村", code__startswith=COUNTY)
    assert heji.code == HEJI
    assert heji.parent_id == GAOYANG
    assert heji.parent.name == "高阳镇"
    assert heji.official_name == "贺集村民委员会"


def test_reimport_updates_and_never_duplicates(capsys):
    Area.objects.filter(pk=HEJI).update(name="改错的名字")
    before = Area.objects.count()
    call_command("import_areas", COUNTY)
    out = capsys.readouterr().out
    assert "镇(街道) 17" in out and "村(社区) 286" in out
    assert "新增 0" in out and "更新 1" in out
    assert Area.objects.count() == before
    assert Area.objects.get(pk=HEJI).name == "贺集村"


@pytest.mark.parametrize(
    "code, message",
    [("4208221", "无效"), ("999999", "没有代码"), ("abc", "无效"), ("420822110", "无效")],
)
def test_bad_codes_are_refused_clearly(code, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_areas", code)


def test_make_grids_codes_and_idempotence(capsys):
    # The session fixture made 2 grids per village; asking for 3 adds only the third.
    call_command("make_grids", GAOYANG, "--per-village", "3")
    villages = count(Level.VILLAGE, GAOYANG)
    assert f"新建网格 {villages} 个" in capsys.readouterr().out
    grids = Area.objects.filter(parent_id=HEJI, level=Level.GRID).order_by("code")
    assert [g.code for g in grids] == [HEJI + "001", HEJI + "002", HEJI + "003"]
    assert grids[0].name == "贺集村第1网格"
    call_command("make_grids", GAOYANG, "--per-village", "3")
    assert "新建网格 0 个" in capsys.readouterr().out
    micro = Area.objects.filter(parent_id=HEJI + "001", level=Level.MICROGRID)
    assert [m.code for m in micro] == [HEJI + "001001", HEJI + "001002"]


def test_make_grids_refuses_nonsense():
    with pytest.raises(CommandError, match="不存在"):
        call_command("make_grids", "420822999", "--per-village", "2")
    with pytest.raises(CommandError, match="1 到 999"):
        call_command("make_grids", GAOYANG, "--per-village", "0")


@pytest.mark.parametrize(
    "official, short",
    [
        ("贺集村民委员会", "贺集村"),
        ("黄山社区居民委员会", "黄山社区"),
        ("十里牌社区居民委会", "十里牌社区"),
        ("关公社区", "关公社区"),
        ("贺集村委会", "贺集村"),
    ],
)
def test_short_names(official, short):
    assert short_name(official) == short
