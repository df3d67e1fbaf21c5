"""Every write of a case can be retried: the Idempotency-Key (or a page form's hidden token) is
unique per submitting account, whatever the channel. The first answer is 201, a retry 200 with the
first case. Staff registering a hotline call store no reporter, so the key cannot hang on one.

Who sends what here: heji (贺集村 staff) registers hotline calls; wgy (贺集村第1网格's grid worker)
reports from the grid; resident (贺集村第1网格) reports through the H5 page or the app."""

import pytest

from gongzhi.cases import services
from gongzhi.cases.models import Case, CaseCounter

from ..conftest import HEJI, HEJI_GRID1
from .test_loop import Api

pytestmark = pytest.mark.django_db

REPORT = {"kind": "sanitation", "description": "村口垃圾池满了好几天，垃圾堆到路边。", "area_code": HEJI_GRID1,
          "address": "贺集村一组路口"}  # fmt: skip


@pytest.mark.parametrize(
    ("who", "channel", "reporter"),
    [("heji", "hotline", False), ("wgy", "grid", False), ("resident", "h5", True)],
)
def test_a_retry_with_the_same_key_answers_with_the_first_case(client, personas, who, channel, reporter):
    sender = Api(client, who)
    first = sender.post("/cases/", {**REPORT, "channel": channel}, **{"Idempotency-Key": "retry-1"})
    again = sender.post("/cases/", {**REPORT, "channel": channel}, **{"Idempotency-Key": "retry-1"})
    assert (first.status_code, again.status_code) == (201, 200), again.content
    assert first.json()["id"] == again.json()["id"] and first.json()["number"] == again.json()["number"]
    case = Case.objects.get()
    assert case.submitted_by == getattr(personas, who) and case.channel == channel
    assert (case.reporter_user_id is not None) is reporter
    # Another key is another case; so is the same key from another account.
    assert (
        sender.post("/cases/", {**REPORT, "channel": channel}, **{"Idempotency-Key": "retry-2"}).status_code
        == 201
    )
    other = Api(client, "gaoyang" if who != "resident" else "heji")
    assert (
        other.post("/cases/", {**REPORT, "channel": "hotline"}, **{"Idempotency-Key": "retry-1"}).status_code
        == 201
    )
    assert Case.objects.count() == 3


def test_without_a_key_each_request_is_a_case(client, personas):
    heji = Api(client, "heji")
    for _ in range(2):
        assert heji.post("/cases/", {**REPORT, "channel": "hotline"}).status_code == 201
    assert Case.objects.count() == 2


def test_the_loser_of_a_race_gets_the_first_case_and_leaves_no_gap(personas, monkeypatch):
    """Two requests with one key both miss the lookup; the unique constraint stops the second
    insert, which answers with the first case. Its number is rolled back with it, so numbering has
    no gap. (Here the lookup is made to miss; the threaded race is in test_idempotency_race.py.)"""
    data = {**REPORT, "channel": "hotline"}
    first, created = services.case_submit_once(actor=personas.heji, data=data, idempotency_key="k")
    assert created
    real, lookups = services._first_sent, []

    def miss_once(actor, key):
        lookups.append(key)
        return None if len(lookups) == 1 else real(actor, key)

    monkeypatch.setattr(services, "_first_sent", miss_once)
    again, created = services.case_submit_once(actor=personas.heji, data=data, idempotency_key="k")
    assert (again.pk, created) == (first.pk, False) and len(lookups) == 2
    assert Case.objects.count() == 1
    assert CaseCounter.objects.get().last == int(first.number[-6:])
    monkeypatch.undo()
    nxt = services.case_submit(actor=personas.heji, data=data)
    assert int(nxt.number[-6:]) == int(first.number[-6:]) + 1


def test_staff_intake_page_double_submit_makes_one_case(personas):
    client = personas.client("heji")
    page = client.get("/cases/new/").content.decode()
    assert 'name="idempotency_key"' in page
    form = {**REPORT, "channel": "hotline", "urgency": "normal", "concern": "low", "idempotency_key": "tok-1"}
    first, again = client.post("/cases/new/", form), client.post("/cases/new/", form)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Case.objects.count() == 1
    form["idempotency_key"] = "tok-2"
    assert client.post("/cases/new/", form).status_code == 302 and Case.objects.count() == 2


def test_resident_page_double_submit_makes_one_case(personas):
    client = personas.client("resident")
    token = client.get("/my/report/").context["idempotency_key"]
    assert token and client.get("/my/report/").context["idempotency_key"] != token  # fresh per form
    form = {**REPORT, "idempotency_key": token}
    first, again = client.post("/my/report/", form), client.post("/my/report/", form)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Case.objects.filter(submitted_by=personas.resident).count() == 1


def test_box_batch_double_submit_registers_each_slip_once(personas):
    client = personas.client("heji")
    token = client.get("/cases/box/").context["idempotency_key"]
    form = {"area_code": HEJI, "idempotency_key": token,
            "kind_0": "livelihood", "description_0": "希望村里修一下二组的水渠。",
            "kind_1": "sanitation", "description_1": "三组路灯坏了一个月。"}  # fmt: skip
    first, again = client.post("/cases/box/", form), client.post("/cases/box/", form)
    assert first.status_code == again.status_code == 302
    assert Case.objects.filter(channel="box").count() == 2
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 2
