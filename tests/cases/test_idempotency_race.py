"""Concurrent intake on PostgreSQL: fifty requests carrying one Idempotency-Key at the same moment make
one case, for a hotline call registered by staff and for a resident's report.

Not a transaction=True test: flushing would TRUNCATE the audit table, whose append-only trigger
refuses it, and would drop the session's areas. As in tests/points/test_shop_race.py, every database
call runs in a worker thread with its own autocommitting connection, the racers meet at a barrier,
and a last thread removes the committed rows. The main thread never touches the database.

Skipped on SQLite: it serialises writers with a database-wide lock (and the in-memory test database
shares one cache, where a second writer fails with "table is locked" instead of waiting), so two
requests can never both be inside an insert; the loser's path is tested there by
test_idempotency.py::test_the_loser_of_a_race_gets_the_first_case_and_leaves_no_gap."""

import uuid

import pytest
from django.db import connection, transaction
from django.test import Client

from gongzhi.accounts.models import User
from gongzhi.cases import triggers
from gongzhi.cases.models import Case, CaseCounter, CaseEvent
from gongzhi.cases.services import case_submit_once
from gongzhi.notices.models import Notice
from tests.concurrency import in_thread, race
from tests.conftest import make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to lose",
    ),
]

VILLAGE = "420822107201"  # 石岭村, 官垱镇; no other cases test uses it
GRID = VILLAGE + "001"
RACERS = 50


def submit_at_once(user_id: int, data: dict, key: str) -> list:
    """RACERS threads load the account, meet at a barrier, then submit at once."""

    def attempt():
        user = User.objects.get(pk=user_id)

        def call():
            case, created = case_submit_once(actor=user, data=data, idempotency_key=key)
            return case.pk, created

        return call

    return race(RACERS, attempt)


def setup(tag: str) -> dict:
    staff = make_user(f"race_case_staff_{tag}", "village_staff", VILLAGE, full_name="石岭村干部")
    resident = make_user(f"race_case_res_{tag}", "resident", GRID)
    counters = dict(CaseCounter.objects.values_list("pk", "last"))
    return {"staff": staff.pk, "resident": resident.pk, "counters": counters}


def cases_of(user_id: int) -> list[tuple[int, str]]:
    return list(Case.objects.filter(submitted_by_id=user_id).values_list("pk", "idempotency_key"))


def cleanup(ids: dict) -> None:
    """Remove the committed rows; the timeline's triggers are off only inside this one transaction."""
    users = [ids["staff"], ids["resident"]]
    with transaction.atomic():
        triggers.uninstall(connection)
        CaseEvent.objects.filter(case__submitted_by_id__in=users).delete()
        triggers.install(connection)
    Case.objects.filter(submitted_by_id__in=users).delete()
    Notice.objects.filter(recipient_id__in=users).delete()
    User.objects.filter(pk__in=users).delete()
    # The counters are shared with the other tests of this database: put them back.
    CaseCounter.objects.exclude(pk__in=ids["counters"]).delete()
    for pk, last in ids["counters"].items():
        CaseCounter.objects.filter(pk=pk).update(last=last)


def test_fifty_concurrent_requests_with_one_key_make_one_case():
    tag = uuid.uuid4().hex[:8]
    ids = in_thread(setup, tag)
    report = {"kind": "sanitation", "description": "石岭村村口垃圾池满了好几天。", "area_code": GRID,
              "address": "石岭村一组路口"}  # fmt: skip
    try:
        for who, channel in (("staff", "hotline"), ("resident", "h5")):
            results = submit_at_once(ids[who], {**report, "channel": channel}, key=f"same-{who}")
            assert [r for r in results if not isinstance(r, tuple)] == []
            assert len({pk for pk, _ in results}) == 1
            assert sorted(created for _, created in results) == [False] * (RACERS - 1) + [True]
            assert in_thread(cases_of, ids[who]) == [(results[0][0], f"same-{who}")]
    finally:
        in_thread(cleanup, ids)


def test_fifty_api_requests_with_one_key_answer_201_once_and_200_with_the_first_case():
    """The resident's app (channel h5) over HTTP: one 201, forty-nine 200, one body, no 500."""
    tag = uuid.uuid4().hex[:8]
    ids = in_thread(setup, tag)
    report = {"kind": "sanitation", "description": "石岭村村口路灯坏了。", "area_code": GRID, "channel": "h5",
              "address": "石岭村村口"}  # fmt: skip

    def attempt():
        client = Client()
        client.force_login(User.objects.get(pk=ids["resident"]))

        def call():
            response = client.post("/api/v1/cases/", report, content_type="application/json",
                                   headers={"Idempotency-Key": "same-h5"})  # fmt: skip
            return response.status_code, response.json().get("id", response.json())

        return call

    try:
        results = race(RACERS, attempt)
        assert [r for r in results if not isinstance(r, tuple)] == []
        assert sorted(status for status, _ in results) == [200] * (RACERS - 1) + [201], results[0]
        assert len({pk for _, pk in results}) == 1
        assert in_thread(cases_of, ids["resident"]) == [(results[0][1], "same-h5")]
    finally:
        in_thread(cleanup, ids)
