"""The audit trail: append-only by trigger, hash-chained, verified, and read only by auditors."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from gongzhi.audit import triggers
from gongzhi.audit.models import AuditEvent
from gongzhi.audit.services import audit_record

pytestmark = pytest.mark.django_db


def verify(capsys):
    """Run `gongzhi audit_verify`; return (exit code, stdout, stderr)."""
    try:
        call_command("audit_verify")
        code = 0
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def some_events(personas, n=5):
    return [
        audit_record(
            actor=personas.heji, action="test.event", object_type="thing", object_id=i, details={"i": i}
        )
        for i in range(n)
    ]


def test_verify_ok_counts_every_event(personas, capsys):
    some_events(personas)
    code, out, _ = verify(capsys)
    assert code == 0
    assert out.strip() == f"OK {AuditEvent.objects.count()}"


def test_events_record_who_what_where(personas):
    event = audit_record(actor=personas.heji, action="test.event", object_type="thing", object_id=7)
    assert event.actor_username == "heji" and event.role == "village_staff"
    assert event.area_code == "420822110209" and event.result == "success"
    assert event.seq == AuditEvent.objects.order_by("-seq").first().seq
    previous = AuditEvent.objects.get(seq=event.seq - 1)
    assert event.prev_hash == previous.hash and len(event.hash) == 64


def test_trigger_blocks_update_and_delete(personas):
    event = some_events(personas, 1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="edited")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET details = '{}' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_edit_after_dropping_the_trigger_is_caught(personas, capsys):
    events = some_events(personas)
    target = events[2]
    # Someone with database rights drops the trigger and edits one row.
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_username = 'ghost' WHERE id = %s", [target.pk])
    triggers.install(connection)
    code, _, err = verify(capsys)
    assert code == 1
    assert f"seq={target.seq} id={target.pk}" in err and "篡改" in err


def test_deleted_event_is_caught(personas, capsys):
    events = some_events(personas)
    triggers.uninstall(connection)
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    triggers.install(connection)
    code, _, err = verify(capsys)
    assert code == 1 and f"seq={events[2].seq}" in err and "被删除" in err


def test_truncated_tail_is_caught(personas, capsys):
    events = some_events(personas)
    triggers.uninstall(connection)
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    triggers.install(connection)
    code, _, err = verify(capsys)
    assert code == 1 and "链尾不符" in err


def test_forged_hash_without_the_key_is_caught(personas, capsys):
    events = some_events(personas)
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["f" * 64, events[4].pk])
    triggers.install(connection)
    code, _, err = verify(capsys)
    assert code == 1 and f"seq={events[4].seq}" in err


def test_audit_page_is_for_auditors_only(personas):
    for who in ("wgy", "heji", "gaoyang", "county", "resident", "guodian"):
        assert personas.client(who).get("/audit/").status_code == 404, who
    response = personas.client("auditor").get("/audit/")
    assert response.status_code == 200
    assert "审计日志" in response.content.decode()


def test_reading_the_trail_is_itself_audited(personas):
    personas.client("auditor").get("/audit/", {"action": "auth"})
    event = AuditEvent.objects.filter(action="audit.view").latest("seq")
    assert event.actor_username == "auditor" and event.details["action"] == "auth"


def test_audit_page_verifies_and_filters(personas):
    personas.client("heji").get("/")  # noise
    client = personas.client("auditor")
    page = client.get("/audit/", {"verify": "1"}).content.decode()
    assert "哈希链完好" in page
    page = client.get("/audit/", {"action": "accounts.grant"}).content.decode()
    assert "accounts.grant" in page and "audit.view" not in page.split("<tbody>")[1]


def test_auditor_sees_only_their_jurisdiction(personas):
    from gongzhi.accounts.services import user_grant_role
    from gongzhi.audit.selectors import audit_events_for

    province = user_grant_role(
        username="aud_hb", role="auditor", area_code="42", password="Test@Pass2026"
    ).user
    audit_record(actor=personas.guodian, action="test.shayang")
    audit_record(actor=None, action="test.zhongxiang", area_code="420881100")  # 钟祥市, another county
    assert list(audit_events_for(personas.auditor, action="test.").values_list("action", flat=True)) == [
        "test.shayang"
    ]
    assert audit_events_for(province, action="test.").count() == 2
    # Holding another role does not open the trail.
    assert audit_events_for(personas.county, action="test.").count() == 0


def test_chain_head_cannot_be_rewound(personas):
    from gongzhi.audit.models import ChainHead

    some_events(personas, 2)
    head = ChainHead.objects.get(pk=1)
    with pytest.raises(DatabaseError, match="only moves forward"), transaction.atomic():
        ChainHead.objects.filter(pk=1).update(seq=head.seq - 1)
    with pytest.raises(DatabaseError, match="only moves forward"), transaction.atomic():
        ChainHead.objects.filter(pk=1).delete()


def test_malformed_keys_are_reported(settings):
    from gongzhi.kernel import crypto

    settings.FIELD_KEYS = "1:not-base64-of-16-bytes"
    settings.AUDIT_KEY = "c2hvcnQ="  # "short"
    crypto.field_keys.cache_clear()
    crypto.hmac_key.cache_clear()
    try:
        problems = crypto.check_keys()
    finally:
        crypto.field_keys.cache_clear()
        crypto.hmac_key.cache_clear()
    assert [p.split(":")[0] for p in problems] == ["GONGZHI_FIELD_KEYS", "GONGZHI_AUDIT_KEY"]
