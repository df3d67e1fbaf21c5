"""The case timeline (cases_caseevent) is written once: raw UPDATE and DELETE fail on SQLite and
PostgreSQL (database triggers, as for the audit trail and the ledger), and neither the case nor the
acting account can be deleted under its steps."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.services import case_submit

from ..conftest import HEJI_GRID1

pytestmark = pytest.mark.django_db

REPORT = {"kind": "sanitation", "description": "村口垃圾池满了好几天。", "area_code": HEJI_GRID1,
          "address": "贺集村一组路口", "channel": "h5"}  # fmt: skip


def test_raw_update_and_delete_of_a_step_fail(personas):
    case = case_submit(actor=personas.resident, data=REPORT)
    step = CaseEvent.objects.get(case=case)
    for sql in (
        "UPDATE cases_caseevent SET note = 'rewritten' WHERE id = %s",
        "UPDATE cases_caseevent SET created_at = created_at WHERE id = %s",
        "DELETE FROM cases_caseevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(sql, [step.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(pk=step.pk).update(internal=True)
    step.refresh_from_db()
    assert step.note != "rewritten" and not step.internal


def test_a_case_or_an_actor_with_steps_cannot_be_deleted(personas):
    case = case_submit(actor=personas.resident, data=REPORT)
    with pytest.raises(ProtectedError), transaction.atomic():
        Case.objects.filter(pk=case.pk).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        personas.resident.delete()
    assert CaseEvent.objects.filter(case=case).count() == 1
