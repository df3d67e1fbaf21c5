"""Accounts unused for the policy's days are disabled (nightly task and `disable_inactive`),
audited, and the last active 系统管理员 is kept."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.accounts.models import ApiToken, SecurityPolicy, User
from gongzhi.accounts.services import token_issue
from gongzhi.accounts.tasks import disable_inactive_accounts
from gongzhi.audit.models import AuditEvent

from ..conftest import COUNTY, make_user

pytestmark = pytest.mark.django_db


def age(username, *, last_login_days=None, joined_days=None):
    now = timezone.now()
    fields = {}
    if last_login_days is not None:
        fields["last_login"] = now - timedelta(days=last_login_days)
    if joined_days is not None:
        fields["date_joined"] = now - timedelta(days=joined_days)
    User.objects.filter(username=username).update(**fields)


def active(username) -> bool:
    return User.objects.get(username=username).is_active


def test_unused_accounts_are_disabled_after_ninety_days(personas, capsys):
    age("heji", last_login_days=91, joined_days=400)
    age("wgy", last_login_days=89, joined_days=400)
    age("gaoyang", joined_days=91)  # never signed in: counted from joining
    age("county", joined_days=30)  # never signed in, but new
    age("resident", last_login_days=400, joined_days=400)  # residents are not swept
    _, raw = token_issue(user=personas.heji)
    call_command("disable_inactive")
    assert "已停用 2 个超过 90 天未登录的账号" in capsys.readouterr().out
    assert not active("heji") and not active("gaoyang")
    assert active("wgy") and active("county") and active("resident")
    assert ApiToken.objects.get(user=personas.heji).revoked_at is not None
    event = AuditEvent.objects.get(action="accounts.disable_inactive", object_id=str(personas.heji.pk))
    assert "90 天未登录" in event.details["reason"]


def test_the_policy_sets_the_days_and_zero_turns_it_off(personas):
    SecurityPolicy.objects.create(pk=1, inactive_disable_days=30, mfa_roles=[])
    age("heji", last_login_days=31)
    disable_inactive_accounts()  # the Huey task (immediate in tests)
    assert not active("heji")
    SecurityPolicy.objects.filter(pk=1).update(inactive_disable_days=0)
    age("wgy", last_login_days=400)
    disable_inactive_accounts()
    assert active("wgy")


def test_the_last_active_sysadmin_is_kept(personas):
    make_user("sys1", "sysadmin", COUNTY)
    make_user("sys2", "sysadmin", "4208")
    age("sys1", last_login_days=200)
    age("sys2", last_login_days=200)
    call_command("disable_inactive")
    # One of the two goes, the other stays so someone can re-enable accounts.
    assert [active("sys1"), active("sys2")].count(True) == 1
    call_command("disable_inactive")
    assert [active("sys1"), active("sys2")].count(True) == 1


def test_a_re_enabled_account_starts_a_fresh_period(personas):
    from gongzhi.accounts.administration import account_enable

    admin = make_user("sys1", "sysadmin", COUNTY)
    age("heji", last_login_days=200)
    call_command("disable_inactive")
    assert not active("heji")
    account_enable(actor=admin, user=User.objects.get(username="heji"), reason="返岗")
    call_command("disable_inactive")
    assert active("heji")
