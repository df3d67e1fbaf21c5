"""Honours of the demo year, through the services: 积分之星 of the last quarters chosen from their
boards and read out at a 积分分享大会 per village, 法治家庭 ratings (one vetoed for an offence, one
revoked), and one 红黑榜 review in 贺集村, published now."""

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from gongzhi.areas.models import Area
from gongzhi.civic import services as civic
from gongzhi.civic.choices import BoardList
from gongzhi.kernel.codes import prefix_q
from gongzhi.people.models import Household, Person
from gongzhi.points.choices import EntryKind, Star, Subject
from gongzhi.points.honours import selectors
from gongzhi.points.honours import services as honours
from gongzhi.points.models import PointAccount, PointEntry

from . import data
from . import point_texts as texts
from .point_plan import Staff, between

# How many past quarters each village held a 分享大会 for (郭店村 holds them most faithfully).
MEETINGS = {data.GUODIAN: 3, data.HEJI: 2}
RATED = {data.HEJI: 12, data.GUODIAN: 10}


def seed(villages, staff: Staff, rng: random.Random, now: datetime, county: str) -> None:
    today = timezone.localdate(now)
    for village in villages:
        clerk = next(iter(staff.village.get(village, [])), None)
        area = Area.objects.filter(pk=village).first()
        if clerk is None or area is None:
            continue
        for quarter in _past_quarters(today, MEETINGS.get(village, 1)):
            _stars_and_meeting(area, clerk, quarter, rng, today)
    civic.law_items_load(county_code=county)
    for village, count in RATED.items():
        clerk = next(iter(staff.village.get(village, [])), None)
        if clerk is not None:
            _law_families(village, clerk, count, rng, today)
    clerk = next(iter(staff.village.get(data.HEJI, [])), None)
    if clerk is not None:
        _moral_review(Area.objects.get(pk=data.HEJI), clerk, rng, today)


def _past_quarters(today: date, count: int) -> list[tuple[str, date]]:
    """The last `count` finished quarters, oldest first, with the day after each ends."""
    out, year, q = [], today.year, (today.month - 1) // 3 + 1
    for _ in range(count):
        q -= 1
        if q == 0:
            year, q = year - 1, 4
        end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
        out.append((f"{year}Q{q}", end))
    return out[::-1]


def _stars_and_meeting(area, clerk, quarter, rng: random.Random, today: date) -> None:
    period, after = quarter
    rows, stars = [], []
    for star in Star:
        top = selectors.star_board(area_code=area.code, period=period, star=star.value, limit=1)
        if top:
            honours.star_awards_choose(actor=clerk, area=area, period=period, star=star.value,
                                       account_ids=[top[0].account_id])  # fmt: skip
            stars.append((star, top[0]))
    held = min(after + timedelta(days=rng.randrange(8, 25)), today)
    label = selectors.period_label(period)
    meeting = honours.meeting_save(actor=clerk, area=area, data={
        "title": f"{label}积分分享大会", "held_on": held, "place": f"{area.name}{rng.choice(texts.MEETING_PLACES)}",
        "notes": f"宣读{label}积分排名和积分之星，{len(stars)} 位积分之星讲述自己的事迹，现场兑换奖品。",
    })  # fmt: skip
    for star, row in stars:
        rows.append(
            {
                "account_id": row.account_id,
                "honour": honours.star_honour(star),
                "prize": rng.choice(texts.PRIZES),
            }
        )
    for row in selectors.board(area_code=area.code, period=period, subject=Subject.RESIDENT, limit=3):
        rows.append({"account_id": row.account_id, "honour": f"{label}积分排名第 {row.rank} 名",
                     "prize": rng.choice(texts.PRIZES)})  # fmt: skip
    if rows:
        honours.meeting_awardees_set(actor=clerk, meeting=meeting, rows=rows)


def _law_families(village: str, clerk, count: int, rng: random.Random, today: date) -> None:
    """法治家庭 ratings of households with an account: mostly certified, a few with deductions, one
    vetoed because a member was dealt with by law, one revoked after the villagers' review."""
    accounts = PointAccount.objects.filter(prefix_q("household__area_id", village))
    households = list(Household.objects.filter(pk__in=accounts.values("household_id")).order_by("pk"))
    rng.shuffle(households)
    items = list(civic.law_items_for(village))
    ratings = []
    for n, household in enumerate(households[:count]):
        rated_on = between(rng, today - timedelta(days=330), today - timedelta(days=20))
        if n == 1:
            member = Person.objects.filter(household=household).order_by("pk").first()
            if member is not None:
                civic.offence_record(actor=clerk, person=member, occurred_on=rated_on - timedelta(days=60), kind="违法",
                                     description="酒后驾驶机动车，被公安机关依法处以罚款", authority="沙洋县公安局交通警察大队")  # fmt: skip
        picked = rng.sample(items, k=rng.choice((0, 0, 0, 1, 1, 2))) if items else []
        deductions = [{"item_id": i.pk, "note": ""} for i in picked]
        ratings.append(
            civic.household_rate(actor=clerk, household=household, deductions=deductions, rated_on=rated_on)
        )
    certified = [r for r in ratings if r.status == "certified"]
    if len(certified) > 3:
        civic.household_revoke(actor=clerk, rating=certified[-1],
                               reason="经村民代表评议，该户家庭成员多次参与赌博，不再符合法治家庭标准")  # fmt: skip


def _moral_review(area, clerk, rng: random.Random, today: date) -> None:
    """The last quarter's 红黑榜 of 贺集村: three on the red list, one on the black list, published."""
    quarter, _ = _past_quarters(today, 1)[0]
    review = civic.review_open(actor=clerk, area=area, quarter=quarter)
    top = selectors.board(area_code=area.code, period=quarter, subject=Subject.RESIDENT, limit=3)
    for row, reason in zip(top, texts.RED_REASONS, strict=False):
        account = PointAccount.objects.get(pk=row.account_id)
        civic.nominate(actor=clerk, review=review, board=BoardList.RED, account=account, reason=reason,
                       evidence="村民代表推荐，网格员走访核实")  # fmt: skip
    _, end = selectors.period_range(quarter)
    deducted = (  # the latest deduction up to the quarter's end, if not overturned on appeal
        PointEntry.objects.filter(prefix_q("area_code", area.code), kind=EntryKind.DEDUCTION, created_at__lt=end,
                                  reversals__isnull=True)
        .exclude(account__subject=Subject.STAFF).order_by("-created_at").first()
    )  # fmt: skip
    if deducted is not None:
        civic.nominate(actor=clerk, review=review, board=BoardList.BLACK, account=deducted.account,
                       reason=f"{deducted.item_name}，经劝导仍未改正",
                       evidence=f"{timezone.localdate(deducted.created_at):%Y-%m-%d} 扣分记录：{deducted.reason}")  # fmt: skip
    review = civic.review_start(actor=clerk, review=review)
    for nomination in review.nominations.order_by("pk"):
        civic.nomination_decide(actor=clerk, nomination=nomination, accept=True, note="村民代表会议评议通过")
    civic.review_publish(actor=clerk, review=review)
