"""The ledger: balances move only through entries, corrections compensate, points_verify catches
a hand-edited balance, and the entries table refuses edits."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from gongzhi.kernel.errors import Conflict, DomainError
from gongzhi.points import ledger
from gongzhi.points.choices import EntryKind, Source
from gongzhi.points.models import PointAccount, PointEntry, PointTally
from tests.conftest import HEJI_GRID1

from .factories import resident_with_account


@pytest.fixture
def account(personas):
    return resident_with_account(personas.heji, HEJI_GRID1)[1]


def post(account, delta, kind=EntryKind.AWARD, **kw):
    return ledger.post(account=account, delta=delta, kind=kind, source=Source.DIRECT, **kw)


def test_entries_carry_running_balance_and_sequence(account):
    post(account, 10)
    post(account, 5)
    e = post(account, -4, EntryKind.REDEMPTION)
    account.refresh_from_db()
    assert account.balance == 11 and account.entry_count == 3
    assert [x.balance_after for x in account.entries.all()] == [10, 15, 11]
    assert e.seq == 3
    # Redemptions do not lower the score the boards rank by.
    assert PointTally.objects.get(account=account, period="all").score == 15


def test_redemption_beyond_balance_is_refused_and_writes_nothing(account):
    post(account, 3)
    with pytest.raises(Conflict, match="积分余额不足：需要 5 分，当前可用 3 分"):
        post(account, -5, EntryKind.REDEMPTION)
    account.refresh_from_db()
    assert account.balance == 3 and account.entries.count() == 1


def test_deduction_may_leave_a_debt(account):
    post(account, 2)
    post(account, -6, EntryKind.DEDUCTION)
    account.refresh_from_db()
    assert account.balance == -4


def test_same_key_posts_once(account):
    a = post(account, 5, idempotency_key="k1")
    b = post(account, 5, idempotency_key="k1")
    assert a.pk == b.pk
    assert PointAccount.objects.get(pk=account.pk).balance == 5


def test_reverse_compensates_once(account, personas):
    e = post(account, 8)
    r = ledger.reverse(entry=e, actor=personas.heji, reason="录入错误", source=Source.CORRECTION)
    assert r.delta == -8 and r.kind == EntryKind.ADJUSTMENT and r.reverses_id == e.pk
    again = ledger.reverse(entry=e, actor=personas.heji, reason="录入错误", source=Source.CORRECTION)
    assert again.pk == r.pk
    with pytest.raises(DomainError, match="冲销记录不能再次冲销"):
        ledger.reverse(entry=r, actor=personas.heji, reason="x", source=Source.CORRECTION)
    assert PointAccount.objects.get(pk=account.pk).balance == 0


def test_entries_cannot_be_edited_or_deleted(account):
    e = post(account, 5)
    for statement in (f"UPDATE points_pointentry SET delta = 500 WHERE id = {e.pk}",
                      f"DELETE FROM points_pointentry WHERE id = {e.pk}"):  # fmt: skip
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)


def test_points_verify_ok_then_catches_a_hand_edited_balance(account):
    post(account, 10)
    post(account, -3, EntryKind.REDEMPTION)
    out = io.StringIO()
    call_command("points_verify", stdout=out)
    assert out.getvalue().strip() == f"OK {PointAccount.objects.count()} {PointEntry.objects.count()}"
    PointAccount.objects.filter(pk=account.pk).update(balance=999)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("points_verify", stdout=out, stderr=io.StringIO())
    assert exit_info.value.code == 1
    assert f"账户 {account.pk}: 余额 999，流水合计 7" in out.getvalue()


def test_points_verify_catches_a_tampered_entry(account):
    from gongzhi.points import triggers

    post(account, 10)
    e = post(account, 5)
    triggers.uninstall(connection)
    try:
        PointEntry.objects.filter(pk=e.pk).update(delta=50)
    finally:
        triggers.install(connection)
    _, _, problems = ledger.verify()
    assert any(f"账户 {account.pk}: 余额 15，流水合计 60" in p for p in problems)
    assert any(f"账户 {account.pk} 第 2 条" in p for p in problems)


def test_awards_pay_down_a_debt(account):
    post(account, -6, EntryKind.DEDUCTION)
    e = post(account, 1)
    assert e.balance_after == -5
    with pytest.raises(Conflict, match="积分余额不足"):
        post(account, -1, EntryKind.REDEMPTION)


def test_a_consistent_edit_of_entry_balances_and_tallies_breaks_the_hash_chain(account):
    """Someone with database rights drops the trigger and turns a 5-point award into a 50-point one,
    fixing every running balance, the account and its tallies so the sums agree. Only the hash
    chain, which needs the key, gives it away: points_verify names the edited entry."""
    from gongzhi.points import triggers

    post(account, 10)
    edited = post(account, 5)
    post(account, 2)
    assert ledger.verify()[2] == []
    triggers.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE points_pointentry SET delta = 50 WHERE id = %s", [edited.pk])
            cursor.execute(
                "UPDATE points_pointentry SET balance_after = balance_after + 45 WHERE account_id = %s AND seq >= 2",
                [account.pk],
            )
            cursor.execute(
                "UPDATE points_pointaccount SET balance = balance + 45 WHERE id = %s", [account.pk]
            )
            cursor.execute(
                "UPDATE points_pointtally SET score = score + 45 WHERE account_id = %s", [account.pk]
            )
    finally:
        triggers.install(connection)
    _, _, problems = ledger.verify()
    assert problems == [
        f"账户 {account.pk} 第 2 条（流水 id {edited.pk}）: 哈希链断开，内容与哈希不符（流水被篡改）"
    ]
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("points_verify", stdout=out, stderr=err)
    assert exit_info.value.code == 1 and f"流水 id {edited.pk}" in out.getvalue()


def test_a_recomputed_entry_without_the_key_relinks_nothing(account):
    """Recomputing an edited entry's hash under a guessed key, or deleting an entry in the middle,
    still breaks the link to the next entry."""
    from gongzhi.points import triggers

    post(account, 10)
    middle = post(account, 5)
    last = post(account, 2)
    triggers.uninstall(connection)
    try:
        PointEntry.objects.filter(pk=middle.pk).delete()
    finally:
        triggers.install(connection)
    problems = ledger.verify()[2]
    assert (
        f"账户 {account.pk} 第 3 条（流水 id {last.pk}）: 哈希链断开，前序哈希与上一条流水不符（流水被删除、插入或改动）"
        in problems
    )


def test_entries_are_chained_per_account(account, personas):
    first, second = post(account, 10), post(account, 5)
    assert first.prev_hash == "0" * 64 and second.prev_hash == first.hash and len(second.hash) == 64
    other = resident_with_account(personas.heji, HEJI_GRID1, username="other", name="王五")[1]
    assert post(other, 3).prev_hash == "0" * 64


def test_the_migration_chains_entries_booked_before_the_chain(account, personas):
    """Entries from before the chain (blank hashes) are sealed by migration points/0004."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    from gongzhi.points import triggers

    post(account, 10)
    post(account, -4, EntryKind.DEDUCTION)
    triggers.uninstall(connection)
    try:
        PointEntry.objects.update(prev_hash="", hash="")
    finally:
        triggers.install(connection)
    assert ledger.verify()[2] != []
    migration = importlib.import_module("gongzhi.points.migrations.0004_ledger_hash_chain")
    migration.fill_hashes(apps, SimpleNamespace(connection=connection))
    assert ledger.verify()[2] == []
    with pytest.raises(DatabaseError), transaction.atomic():
        PointEntry.objects.update(hash="")  # the triggers are back
