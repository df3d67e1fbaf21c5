"""Boards: every ranking equals a brute-force recount of the ledger; ties share a rank across pages;
participation and 积分之星 boards count what they say; who may read which board (pages and API).

Who sees what: staff read boards under their areas (郭店村 staff see nothing of 高阳镇); a resident
reads the boards of their own village and town, and nothing else."""

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gongzhi.areas.models import Area
from gongzhi.kernel.errors import DomainError
from gongzhi.points import ledger
from gongzhi.points.choices import EntryKind, Source, Star, Subject
from gongzhi.points.honours import selectors
from gongzhi.points.models import PointAccount, PointEntry
from gongzhi.points.subjects import account_for_person
from tests.conftest import GAOYANG, GUODIAN, HEJI, HEJI_GRID1, api_token
from tests.people.factories import make_person
from tests.points.factories import household_account, item

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
HEJI_GRID2 = HEJI + "002"
SCORE = {"award", "deduction", "adjustment"}


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def person_account(actor, area, name, party=False):
    extra = {"political_status": "中共党员"} if party else {}
    return account_for_person(make_person(actor, area, name=name, **extra))


def post(account, delta, kind=EntryKind.AWARD, when=None, **kw):
    return ledger.post(account=account, delta=delta, kind=kind, source=Source.DIRECT, at=when, **kw)


def other_gaoyang_village() -> str:
    return Area.objects.filter(parent_id=GAOYANG, level="village").exclude(code=HEJI).order_by("code")[0].code


# -- the brute force ----------------------------------------------------------------------------


def keys_of(moment) -> set[str]:
    """The periods of a moment, worked out here from Beijing wall-clock time (not ledger.period_keys)."""
    local = moment.astimezone(BEIJING)
    return {
        "all",
        f"{local.year}",
        f"{local.year}Q{(local.month + 2) // 3}",
        f"{local.year}-{local.month:02d}",
    }


def recount(*, area_code, period, subject):
    """The board from the entries alone: accounts with any entry in the period, ranked by the sum of
    their award, deduction and adjustment deltas; equal scores share the rank of the first of them."""
    scores: dict[int, int] = {}
    for e in PointEntry.objects.select_related("account"):
        a = e.account
        if a.subject != subject or not a.area_id.startswith(area_code) or period not in keys_of(e.created_at):
            continue
        scores[a.pk] = scores.get(a.pk, 0) + (e.delta if e.kind in SCORE else 0)
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = []
    for position, (pk, score) in enumerate(ordered, start=1):
        rank = rows[-1][0] if rows and rows[-1][2] == score else position
        rows.append((rank, pk, score))
    return rows


@pytest.fixture
def village_year(personas):
    """Twelve accounts of three subjects in 贺集村 (two grids), another 高阳镇 village and 郭店村, with
    a year of random awards, deductions and redemptions, a refund and a correction, some of them
    at the edges of months and quarters in Beijing time."""
    other = other_gaoyang_village()
    places = [HEJI_GRID1, HEJI_GRID1, HEJI_GRID2, HEJI_GRID1 + "001", other + "001", GUODIAN + "001"]
    accounts = []
    for n, area in enumerate(places):
        accounts.append(person_account(personas.county, area, f"村民{n}"))
        accounts.append(person_account(personas.county, area, f"党员{n}", party=True))
    accounts += [
        household_account(personas.county, area, no=f"H{n:03d}") for n, area in enumerate(places[:4])
    ]
    rng = random.Random(20261115)
    moments = [at(2025, 12, 31, 23, 50), at(2026, 1, 1, 0, 5), at(2026, 3, 31, 23, 59), at(2026, 4, 1, 0, 1),
               at(2026, 6, 30, 16, 30), at(2026, 7, 1, 7, 59), at(2026, 9, 15), at(2026, 11, 3), at(2026, 12, 31, 23, 0)]  # fmt: skip
    for _ in range(140):
        account = rng.choice(accounts)
        delta = rng.choice([1, 2, 3, 5, 5, 10, -2, -6])
        if account.balance + delta < 0:
            # The ledger refuses an award that leaves a debt standing (point_entry_balance); keep clear of it.
            continue
        post(account, delta, EntryKind.AWARD if delta > 0 else EntryKind.DEDUCTION, rng.choice(moments))
    # Redemptions move the balance, never the score; a refund neither.
    spender = accounts[0]
    post(spender, 50, when=at(2026, 2, 1))
    redemption = post(spender, -30, EntryKind.REDEMPTION, at(2026, 2, 2))
    ledger.reverse(entry=redemption, actor=personas.heji, reason="取消兑换", source=Source.REDEMPTION)
    post(spender, -10, EntryKind.REDEMPTION, at(2026, 11, 5))
    # A correction cancels an award in the period it is booked in.
    wrong = post(accounts[3], 40, when=at(2026, 5, 10))
    ledger.reverse(entry=wrong, actor=personas.heji, reason="录入错误", source=Source.CORRECTION)
    return accounts


PERIODS = ["all", "2026", "2025", "2026Q1", "2026Q2", "2026Q3", "2026-03", "2026-04", "2026-12", "2025-12"]


def test_board_equals_a_brute_force_recount(village_year):
    other = other_gaoyang_village()
    compared = 0
    for area in ("420822", GAOYANG, HEJI, HEJI_GRID1, HEJI_GRID2, other, GUODIAN):
        for period in PERIODS:
            for subject in (Subject.RESIDENT, Subject.PARTY_MEMBER, Subject.HOUSEHOLD):
                expected = recount(area_code=area, period=period, subject=subject)
                got = selectors.board(area_code=area, period=period, subject=subject, limit=None)
                assert [(r.rank, r.account_id, r.score) for r in got] == expected, (area, period, subject)
                assert selectors.board_count(area_code=area, period=period, subject=subject) == len(expected)
                compared += len(expected)
    assert compared > 100


def test_pages_keep_ranks_and_rank_of_agrees(village_year):
    for period in ("all", "2026", "2026Q2"):
        full = selectors.board(area_code=GAOYANG, period=period, subject=Subject.RESIDENT, limit=None)
        paged = [row for offset in range(0, len(full) + 3, 3)
                 for row in selectors.board(area_code=GAOYANG, period=period, subject=Subject.RESIDENT, limit=3,
                                            offset=offset)]  # fmt: skip
        assert paged == full
        streamed = list(
            selectors.board_rows(area_code=GAOYANG, period=period, subject=Subject.RESIDENT, chunk=4)
        )
        assert streamed == full
        for row in full:
            account = PointAccount.objects.get(pk=row.account_id)
            assert selectors.rank_of(account=account, period=period, area_code=GAOYANG) == row.rank
            assert selectors.rank_of(account=account, period=period, area_code=GUODIAN) is None
    assert all(r.name for r in full)


def test_redemptions_do_not_score_and_a_tie_shares_a_rank_across_pages(personas):
    a, b, c, d = (person_account(personas.heji, HEJI_GRID1, name) for name in ("甲", "乙", "丙", "丁"))
    post(a, 10)
    post(b, 8)
    post(c, 8)
    post(d, 30)
    post(d, -25, EntryKind.REDEMPTION)  # still 30 on the board
    post(c, 3)
    post(c, -3, EntryKind.DEDUCTION)  # back to 8: a tie with 乙
    rows = selectors.board(area_code=HEJI, period="all", subject=Subject.RESIDENT)
    assert [(r.rank, r.name, r.score) for r in rows] == [
        (1, "丁", 30),
        (2, "甲", 10),
        (3, "乙", 8),
        (3, "丙", 8),
    ]
    second_page = selectors.board(area_code=HEJI, period="all", subject=Subject.RESIDENT, limit=2, offset=3)
    assert [(r.rank, r.name) for r in second_page] == [(3, "丙")]
    assert selectors.rank_of(account=c, period="all", area_code=HEJI) == 3
    assert selectors.rank_of(account=a, period="2020", area_code=HEJI) is None


def test_parse_period():
    now = datetime.now(BEIJING)
    assert selectors.parse_period("all") == "all"
    assert selectors.parse_period("2026q4") == "2026Q4"
    assert selectors.parse_period("2026-3") == "2026-03"
    assert selectors.parse_period("month") == f"{now:%Y-%m}"
    assert selectors.parse_period("year") == str(now.year)
    assert selectors.parse_period("quarter") == f"{now.year}Q{(now.month + 2) // 3}"
    for bad in ("", "2026Q5", "2026-13", "26", "last week", "1999"):
        with pytest.raises(DomainError, match="统计周期") as exc:
            selectors.parse_period(bad)
        assert exc.value.field == "period"
    with pytest.raises(DomainError) as exc:
        selectors.board(area_code=HEJI, period="all", subject="martian")
    assert exc.value.field == "subject"


def test_participation_counts_accounts_with_an_entry(village_year, personas):
    idle = person_account(
        personas.heji, HEJI_GRID1, "没参与"
    )  # an account without entries counts in the total
    for area in (HEJI, GAOYANG):
        for period in ("2026", "2026-03", "2025"):
            rows = {r.subject: r for r in selectors.participation(area_code=area, period=period)}
            for subject in (Subject.RESIDENT, Subject.PARTY_MEMBER, Subject.HOUSEHOLD):
                accounts = [
                    a for a in PointAccount.objects.filter(subject=subject) if a.area_id.startswith(area)
                ]
                active = sum(
                    1 for a in accounts if any(period in keys_of(e.created_at) for e in a.entries.all())
                )
                row = rows[subject]
                assert (row.active, row.total) == (active, len(accounts)), (area, period, subject)
                assert row.rate == (round(active * 100 / row.total, 1) if row.total else None)
            assert rows[Subject.STAFF].rate is None and rows[Subject.RESIDENT].label == "居民"
    assert idle.entry_count == 0


# The reversal below is booked "now": the clock is set inside November so that it cancels the wrong
# entry in the November and Q4 boards whatever the date the suite runs on.
@time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING), tick=False)
def test_star_board_sums_the_category_items_in_the_period(personas):
    filial = item(code="X01", name="照顾老人", points=5, star=Star.FILIAL)
    neighbour = item(code="X02", name="调解邻里", points=3, star=Star.NEIGHBOURLY)
    plain = item(code="X03", name="其他好事", points=9)
    unkind = item(code="X04", name="不孝敬老人", points=-4, star=Star.FILIAL)
    a, b, c = (person_account(personas.heji, HEJI_GRID1, name) for name in ("甲", "乙", "丙"))
    far = person_account(personas.guodian, GUODIAN + "001", "外村")
    post(a, 5, item=filial, when=at(2026, 10, 2))
    post(a, 5, item=filial, when=at(2026, 11, 2))
    post(a, -4, EntryKind.DEDUCTION, item=unkind, when=at(2026, 11, 3))
    post(b, 5, item=filial, when=at(2026, 11, 4))
    post(b, 9, item=plain, when=at(2026, 11, 4))
    post(c, 3, item=neighbour, when=at(2026, 11, 4))
    wrong = post(c, 5, item=filial, when=at(2026, 11, 5))
    ledger.reverse(entry=wrong, actor=personas.heji, reason="录入错误", source=Source.CORRECTION)
    post(far, 50, item=filial, when=at(2026, 11, 5))
    rows = selectors.star_board(area_code=HEJI, period="2026Q4", star=Star.FILIAL)
    assert [(r.rank, r.name, r.score) for r in rows] == [(1, "甲", 6), (2, "乙", 5)]
    rows = selectors.star_board(area_code=HEJI, period="2026-11", star=Star.FILIAL)
    assert [(r.rank, r.name, r.score) for r in rows] == [(1, "乙", 5), (2, "甲", 1)]
    assert [r.name for r in selectors.star_board(area_code=HEJI, period="all", star=Star.NEIGHBOURLY)] == [
        "丙"
    ]
    with pytest.raises(DomainError) as exc:
        selectors.star_board(area_code=HEJI, period="all", star="brave")
    assert exc.value.field == "star"


# -- pages and API ------------------------------------------------------------------------------


def test_board_page_for_staff_with_htmx_and_subject_tabs(village_year, personas):
    client = personas.client("heji")
    page = client.get("/points/boards/?period=all").content.decode()
    assert "贺集村 · 累计积分排行" in page and "导出排行 Excel" in page and "党员" in page
    top = selectors.board(area_code=HEJI, period="all", subject=Subject.PARTY_MEMBER, limit=1)[0]
    fragment = client.get(
        f"/points/boards/?area={HEJI}&period=all&subject=party_member", HTTP_HX_REQUEST="true"
    )
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in body and top.name in body
    assert "4208" not in body.replace(HEJI, "").replace(HEJI_GRID1, "").replace(HEJI_GRID2, "").replace(
        "420822", ""
    )
    # Out of jurisdiction is a 404, for staff of another village and for the API alike.
    assert client.get(f"/points/boards/?area={GUODIAN}").status_code == 404
    assert personas.client("guodian").get(f"/points/boards/?area={HEJI}").status_code == 404
    assert personas.client("guodian").get(f"/api/v1/points/boards?area_code={HEJI}").status_code == 404


def test_resident_reads_their_village_and_town_boards_only(village_year, personas):
    client = personas.client("resident")
    page = client.get("/points/boards/")
    assert page.status_code == 200 and "贺集村" in page.content.decode()
    assert client.get(f"/points/boards/?area={GAOYANG}&period=all").status_code == 200
    for area in (other_gaoyang_village(), GUODIAN, "420822", HEJI_GRID2):
        assert client.get(f"/points/boards/?area={area}").status_code == 404, area
    # Participation and exports are staff tools.
    assert client.get(f"/points/boards/participation/?area={HEJI}").status_code == 404
    assert client.get(f"/points/boards/export/board.xlsx?area={HEJI}").status_code == 403


def test_resident_sees_their_own_rank(personas):
    from tests.points.factories import resident_with_account

    user, account = resident_with_account(personas.heji, HEJI_GRID1)
    post(account, 7)
    other = person_account(personas.heji, HEJI_GRID1, "邻居")
    post(other, 9)
    client = personas.client("heji")
    client.force_login(user)
    page = client.get("/points/boards/?period=all").content.decode()
    assert "李秀英</strong>：累计排第 <strong>2</strong> 名" in page and 'class="mine"' in page


def test_participation_page(village_year, personas):
    page = personas.client("gaoyang").get(f"/points/boards/participation/?area={GAOYANG}&period=2026")
    body = page.content.decode()
    assert page.status_code == 200 and "参与率" in body and "贺集村" in body and "居民" in body
    assert personas.client("guodian").get(f"/points/boards/participation/?area={HEJI}").status_code == 404


def test_board_api(village_year, personas, client):
    headers = {"Authorization": f"Bearer {api_token(client, 'heji')}"}
    response = client.get(f"/api/v1/points/boards?area_code={HEJI}&period=2026&subject=resident&limit=2&offset=1",
                          headers=headers)  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    expected = recount(area_code=HEJI, period="2026", subject="resident")
    assert body["count"] == len(expected)
    assert [(i["rank"], i["account_id"], i["score"]) for i in body["items"]] == expected[1:3]
    bad = client.get(f"/api/v1/points/boards?area_code={HEJI}&period=2026Q9", headers=headers)
    assert bad.status_code == 400 and bad.json()["error"]["fields"][0]["field"] == "period"
    part = client.get(
        f"/api/v1/points/boards/participation?area_code={HEJI}&period=2026", headers=headers
    ).json()
    assert [r["subject"] for r in part["rows"]] == Subject.values
    stars = client.get(f"/api/v1/points/boards/stars?area_code={HEJI}&period=all", headers=headers).json()
    assert [b["label"] for b in stars["boards"]] == Star.labels
    assert client.get(f"/api/v1/points/boards?area_code={GUODIAN}", headers=headers).status_code == 404
