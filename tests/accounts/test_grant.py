"""`gongzhi grant`: users and roles in areas, with clear refusals."""

import pytest
from django.core.management import CommandError, call_command

from gongzhi.accounts.models import RoleGrant, User
from gongzhi.audit.models import AuditEvent
from gongzhi.kernel.jurisdiction import area_codes_for, has_role

from ..conftest import COUNTY, GAOYANG, HEJI, HEJI_GRID1

pytestmark = pytest.mark.django_db


def test_grant_creates_user_and_role(capsys):
    call_command("grant", "zhangsan", "village_staff", HEJI, "--password", "Kite#Mesa4719", "--name", "张三")
    assert "已授予 zhangsan" in capsys.readouterr().out
    user = User.objects.get(username="zhangsan")
    assert user.full_name == "张三" and user.check_password("Kite#Mesa4719")
    assert area_codes_for(user) == [HEJI]
    assert has_role(user, ["village_staff"], HEJI_GRID1)
    assert not has_role(user, ["village_staff"], GAOYANG)
    assert AuditEvent.objects.filter(action="accounts.grant", object_id=str(user.pk)).exists()
    # Granting again changes nothing.
    call_command("grant", "zhangsan", "village_staff", HEJI)
    assert RoleGrant.objects.filter(user=user).count() == 1


def test_second_role_in_another_area():
    call_command("grant", "lisi", "grid_worker", HEJI_GRID1, "--password", "Kite#Mesa4719")
    call_command("grant", "lisi", "mediator", GAOYANG)
    user = User.objects.get(username="lisi")
    assert sorted(area_codes_for(user)) == [GAOYANG, HEJI_GRID1]


@pytest.mark.parametrize(
    "args, message",
    [
        (["x", "town_staff", HEJI], "只能授予在镇(街道)一级"),
        (["x", "county_staff", GAOYANG], "只能授予在县(区)一级"),
        (["x", "village_staff", "420822110999"], "不存在"),
        (["x", "dept_staff", GAOYANG], "须指定所属部门"),
        (["x", "village_staff", HEJI, "--password", "short"], "密码不符合要求"),
        (["x", "village_staff", HEJI, "--password", "alllowercase1"], "至少 3 类"),
        (["x", "village_staff", HEJI, "--password", "Password1"], "常见"),
        (["x", "dept_staff", COUNTY, "--department", "不存在的部门"], "找不到部门"),
    ],
)
def test_grant_refusals_name_the_problem(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("grant", *args)
    assert not User.objects.filter(username="x").exists()


def test_unknown_role_is_refused():
    with pytest.raises(CommandError):
        call_command("grant", "x", "emperor", HEJI)


def test_department_staff_grant():
    call_command(
        "grant", "sfs", "dept_staff", GAOYANG, "--department", "高阳镇司法所", "--password", "Kite#Mesa4719"
    )
    grant = RoleGrant.objects.get(user__username="sfs")
    assert grant.department.name == "高阳镇司法所"


def test_revoke():
    call_command("grant", "wangwu", "village_staff", HEJI, "--password", "Kite#Mesa4719")
    call_command("revoke", "wangwu", "village_staff", HEJI)
    assert not RoleGrant.objects.filter(user__username="wangwu").exists()
    with pytest.raises(CommandError, match="没有角色"):
        call_command("revoke", "wangwu", "village_staff", HEJI)
