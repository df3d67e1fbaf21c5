"""Checkpoints outside the database: someone who owns the database drops the triggers, cuts off the
newest audit events (or ledger entries) and rewinds the chain head. What is left is still a valid
chain, only shorter — the signed checkpoint file is what gives it away."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from gongzhi.audit import triggers
from gongzhi.audit.models import AuditEvent, ChainHead
from gongzhi.audit.services import audit_record
from gongzhi.audit.tasks import checkpoint_daily
from gongzhi.kernel import checkpoints
from gongzhi.points import ledger
from gongzhi.points import triggers as ledger_triggers
from gongzhi.points.choices import EntryKind, Source
from gongzhi.points.models import PointEntry
from tests.conftest import HEJI_GRID1
from tests.points.factories import resident_with_account

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    settings.CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.CHECKPOINT_DIR


def run(command: str, *args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def some_events(personas, n=5):
    return [audit_record(actor=personas.heji, action="test.event", object_type="thing", object_id=i)
            for i in range(n)]  # fmt: skip


def test_a_checkpoint_is_a_signed_line_and_the_chain_still_reaches_it(personas, checkpoint_dir):
    some_events(personas)
    code, out, _ = run("audit_checkpoint")
    assert code == 0 and "检查点 #1 已写入" in out
    head = ChainHead.objects.get(pk=1)
    line = json.loads((checkpoint_dir / "checkpoints.jsonl").read_text().splitlines()[0])
    assert line["n"] == 1 and line["anchors"]["audit"]["seq"] == head.seq - 1  # before its own event
    assert line["anchors"]["points"] == {"entries": PointEntry.objects.count()} and len(line["mac"]) == 64
    assert AuditEvent.objects.filter(action="audit.checkpoint").count() == 1
    checkpoint_daily.call_local()  # the nightly Huey task writes the next one
    assert [p.n for p in checkpoints.read()[0]] == [1, 2]
    some_events(personas, 2)
    assert run("audit_verify")[:2] == (0, f"OK {AuditEvent.objects.count()}\n")


def test_a_cut_tail_with_a_rewound_head_is_caught(personas):
    events = some_events(personas)
    run("audit_checkpoint")
    checkpointed = events[-1].seq
    keep = events[1]
    triggers.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE seq > %s", [keep.seq])
            cursor.execute(
                "UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1", [keep.seq, keep.hash]
            )
    finally:
        triggers.install(connection)
    # The chain alone holds: it is only shorter.
    assert run("audit_verify", "--skip-checkpoints")[:2] == (0, f"OK {keep.seq}\n")
    code, _, err = run("audit_verify")
    assert code == 1
    assert f"审计链在检查点 #1 之后被截断：检查点时已有 {checkpointed} 条，现在只有 {keep.seq} 条" in err


def test_a_rewritten_chain_or_an_edited_checkpoint_file_is_caught(personas, checkpoint_dir):
    some_events(personas)
    run("audit_checkpoint")
    file = checkpoint_dir / "checkpoints.jsonl"
    line = json.loads(file.read_text())
    line["anchors"]["audit"]["seq"] -= 2  # pretend the chain was shorter then
    file.write_text(json.dumps(line) + "\n")
    code, _, err = run("audit_verify")
    assert code == 1 and "第 1 行（#1）签名不符" in err
    code, _, err = run("points_verify")
    assert code == 1


def test_entries_cut_off_the_ledger_after_a_checkpoint_are_caught(personas):
    account = resident_with_account(personas.heji, HEJI_GRID1)[1]
    for delta in (10, 5, 2):
        ledger.post(account=account, delta=delta, kind=EntryKind.AWARD, source=Source.DIRECT)
    run("audit_checkpoint")
    total = PointEntry.objects.count()
    # Cut the account's last entry and set balance, count and tallies back: every sum agrees.
    ledger_triggers.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM points_pointentry WHERE account_id = %s AND seq = 3", [account.pk])
            cursor.execute(
                "UPDATE points_pointaccount SET balance = 15, entry_count = 2 WHERE id = %s", [account.pk]
            )
            cursor.execute(
                "UPDATE points_pointtally SET score = score - 2, entries = entries - 1 WHERE account_id = %s",
                [account.pk],
            )
    finally:
        ledger_triggers.install(connection)
    assert ledger.verify(against_checkpoints=False)[2] == []
    code, out, _ = run("points_verify")
    assert code == 1
    assert f"积分流水在检查点 #1 之后被删除：检查点时已有 {total} 条，现在只有 {total - 1} 条" in out
    assert run("points_verify", "--skip-checkpoints")[0] == 0


def test_the_audit_page_check_reports_a_cut_tail(personas):
    events = some_events(personas)
    run("audit_checkpoint")
    triggers.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE seq > %s", [events[0].seq])
            cursor.execute(
                "UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1", [events[0].seq, events[0].hash]
            )
    finally:
        triggers.install(connection)
    page = personas.client("auditor").get("/audit/", {"verify": "1"}).content.decode()
    assert "哈希链被破坏：审计链在检查点 #1 之后被截断" in page
