"""Points test data: a small county catalogue, shops and accounts of real registry records."""

from gongzhi.accounts.models import ResidentLink
from gongzhi.points.choices import CapPeriod, RewardKind, Subject
from gongzhi.points.models import PointCategory, PointItem
from gongzhi.points.shop.models import Reward, Shop
from gongzhi.points.subjects import account_for_household, account_for_person
from tests.conftest import COUNTY, make_user
from tests.people.factories import make_household, make_person

EVERYONE = [s.value for s in Subject]
PEOPLE = [Subject.RESIDENT.value, Subject.PARTY_MEMBER.value]


def category(code: str = "C1", name: str = "弘扬美德") -> PointCategory:
    return PointCategory.objects.get_or_create(code=code, defaults={"name": name})[0]


def item(
    code: str = "A01", name: str = "照顾孤寡老人", points: int = 5, area: str = COUNTY, **extra
) -> PointItem:
    extra.setdefault("subjects", PEOPLE + [Subject.HOUSEHOLD.value])
    extra.setdefault("award_roles", ["grid_worker", "village_staff"])
    return PointItem.objects.create(
        area_id=area, category=category(), code=code, name=name, points=points, **extra
    )


def capped_item(times: int = 1, period: str = CapPeriod.MONTH, **extra) -> PointItem:
    return item(cap_times=times, cap_period=period, **extra)


def resident_with_account(actor, area: str, username: str = "villager", name: str = "李秀英", **person):
    """A registry person with a signed-in resident account and their points account."""
    p = make_person(actor, area, name=name, **person)
    user = make_user(username, "resident", area, full_name=name)
    ResidentLink.objects.create(user=user, person=p)
    return user, account_for_person(p)


def household_account(actor, area: str, no: str = "0001"):
    return account_for_household(make_household(actor, area, no=no))


def shop(area: str, name: str = "贺集村积分超市", **extra) -> Shop:
    return Shop.objects.create(area_id=area, name=name, **extra)


def reward(s: Shop, name: str = "洗衣粉", points: int = 10, stock: int | None = 100, **extra) -> Reward:
    extra.setdefault("kind", RewardKind.GOODS)
    return Reward.objects.create(shop=s, name=name, points=points, stock=stock, **extra)
