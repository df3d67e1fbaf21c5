"""Who lives together: household compositions with consistent ages, surnames and relations.

Everything here is plain data (no models, no database) so the shapes are easy to test and fast to
make by the tens of thousands. Ages are whole years on the reference date; a mother is 21–36 at a
birth, so a child is always at least 15 years younger than the head.
"""

import random
from dataclasses import dataclass, field

from gongzhi.people.choices import MaritalStatus, PersonKind, Relation, Tag

from . import names
from .identifiers import ORIGIN_WEIGHTS, ORIGINS

MARRIED, SINGLE = MaritalStatus.MARRIED, MaritalStatus.SINGLE
WIDOWED, DIVORCED = MaritalStatus.WIDOWED, MaritalStatus.DIVORCED
MALE, FEMALE = "1", "2"


@dataclass
class Member:
    relation: str
    gender: str
    age: int
    surname: str
    marital: str = SINGLE
    kind: str = PersonKind.REGISTERED
    tags: set = field(default_factory=set)
    # Born elsewhere: (place, region codes newest first) for the ID number and, for 流动人口, 户籍地.
    origin: tuple[str, tuple[str, ...]] | None = None
    nationality: str = ""


@dataclass
class Family:
    shape: str
    members: list[Member]
    floating: bool = False


# Shapes of registered households and their weights (rural, urban).
SHAPES = {
    "nuclear": (34, 40),
    "three_generations": (17, 10),
    "with_parents": (12, 10),
    "empty_nest": (12, 10),
    "elder_alone": (7, 6),
    "left_behind": (8, 2),
    "single": (7, 10),
    "single_parent": (3, 4),
}
FLOATING_SHARE = {False: 0.075, True: 0.32}  # of households, rural and urban
FOREIGN_SINGLE_SHARE = 0.004  # of urban households: teachers and engineers


def _pick_origin(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    place, _, codes = rng.choices(ORIGINS, weights=ORIGIN_WEIGHTS)[0]
    return place, codes


def _wife(rng, husband: Member, relation=Relation.SPOUSE, rural=True) -> Member:
    age = max(21, husband.age + rng.randint(-6, 2))
    wife = Member(relation, FEMALE, age, names.surname(rng), marital=MARRIED)
    # Many rural wives married in from a neighbouring county and moved their 户口 here.
    if rural and rng.random() < 0.3:
        wife.origin = _pick_origin(rng)
    return wife


def _children(rng, mother_age: int, surname: str, count: int, relation_of=None) -> list[Member]:
    """Up to `count` children of a mother of `mother_age`, oldest first, all already born."""
    kids, age = [], mother_age - rng.randint(21, 30)
    for _ in range(count):
        if age < 0:
            break
        gender = MALE if rng.random() < 0.53 else FEMALE
        relation = (
            relation_of(gender) if relation_of else (Relation.SON if gender == MALE else Relation.DAUGHTER)
        )
        kids.append(Member(relation, gender, age, surname))
        age -= rng.randint(2, 6)
    return kids


def _child_count(rng, mother_age: int) -> int:
    if mother_age >= 60:
        return rng.choices([1, 2, 3, 4], [15, 40, 30, 15])[0]
    if mother_age >= 35:
        return rng.choices([0, 1, 2, 3], [4, 50, 40, 6])[0]
    return rng.choices([0, 1, 2, 3], [15, 45, 35, 5])[0]


def _living_at_home(rng, kids: list[Member]) -> list[Member]:
    """Children under 23 live at home; older ones mostly have moved out or work elsewhere."""
    return [k for k in kids if k.age < 23 or rng.random() < 0.3]


def _married_adults(kids: list[Member]) -> None:
    for kid in kids:
        if kid.age >= 30:
            kid.marital = MARRIED


def _head(rng, low: int, high: int, mode: float | None = None, gender: str = MALE) -> Member:
    age = round(rng.triangular(low, high, mode if mode is not None else (low + high) / 2))
    return Member(Relation.HEAD, gender, age, names.surname(rng), marital=MARRIED)


def nuclear(rng, rural: bool) -> list[Member]:
    head = _head(rng, 30, 70, 44)
    wife = _wife(rng, head, rural=rural)
    if rural and 30 <= head.age <= 55 and rng.random() < 0.02:
        nationality = rng.choice(["越南", "越南", "越南", "老挝", "缅甸"])
        age = max(21, head.age - rng.randint(5, 14))
        wife = Member(Relation.SPOUSE, FEMALE, age, "", MARRIED, nationality=nationality)
        wife.kind = PersonKind.FOREIGN
    kids = _living_at_home(rng, _children(rng, wife.age, head.surname, _child_count(rng, wife.age)))
    _married_adults(kids)
    for kid in kids:
        if kid.age < 16 and rng.random() < 0.012:
            kid.kind = PersonKind.UNSETTLED  # 出生未落户: identified by the birth certificate
    return [head, wife, *kids][:6]


def three_generations(rng, rural: bool) -> list[Member]:
    """Grandparents as 户主, a married child with spouse, and their children (0–2)."""
    head = _head(rng, 50, 72, 60)
    wife = _wife(rng, head, rural=rural)
    uxorilocal = rng.random() < 0.2  # 上门女婿: the daughter stays, children keep her surname
    child_age = wife.age - rng.randint(21, 32)
    if child_age < 23:
        return nuclear(rng, rural)
    if uxorilocal:
        child = Member(Relation.DAUGHTER, FEMALE, child_age, head.surname, MARRIED)
        in_law = Member(
            Relation.SON_IN_LAW, MALE, child_age + rng.randint(-1, 4), names.surname(rng), MARRIED
        )
        mother = child
    else:
        child = Member(Relation.SON, MALE, child_age, head.surname, MARRIED)
        in_law = Member(
            Relation.DAUGHTER_IN_LAW,
            FEMALE,
            max(21, child_age - rng.randint(0, 4)),
            names.surname(rng),
            MARRIED,
        )
        mother = in_law
    grandkids = _children(
        rng, mother.age, head.surname, rng.choices([0, 1, 2], [10, 50, 40])[0], lambda g: Relation.GRANDCHILD
    )
    family = [head, wife, child, in_law, *grandkids]
    if len(family) < 6 and rng.random() < 0.15 and child_age >= 26:
        younger = child_age - rng.randint(2, 5)
        gender = rng.choice([MALE, FEMALE])
        family.append(
            Member(Relation.SON if gender == MALE else Relation.DAUGHTER, gender, younger, head.surname)
        )
    return family[:6]


def with_parents(rng, rural: bool) -> list[Member]:
    """A couple of 30–50 with their children and one or both of the head's parents."""
    head = _head(rng, 30, 50, 40)
    wife = _wife(rng, head, rural=rural)
    kids = _living_at_home(
        rng, _children(rng, wife.age, head.surname, rng.choices([0, 1, 2], [15, 50, 35])[0])
    )
    elders = []
    if head.age <= 40 and rng.random() < 0.15:
        # A grandparent who raised the head, now in their late eighties or nineties.
        age = min(96, head.age + rng.randint(46, 56))
        elders.append(Member(Relation.GRANDPARENT, rng.choice([MALE, FEMALE]), age, head.surname, WIDOWED))
    else:
        father_age = head.age + rng.randint(22, 32)
        mother_age = father_age - rng.randint(0, 5)
        both = father_age <= 88 and rng.random() < 0.6
        if both:
            elders.append(Member(Relation.PARENT, MALE, father_age, head.surname, MARRIED))
            elders.append(Member(Relation.PARENT, FEMALE, mother_age, names.surname(rng), MARRIED))
        elif rng.random() < 0.7 and mother_age <= 95:
            elders.append(Member(Relation.PARENT, FEMALE, mother_age, names.surname(rng), WIDOWED))
        elif father_age <= 95:
            elders.append(Member(Relation.PARENT, MALE, father_age, head.surname, WIDOWED))
    return [head, wife, *kids[: 4 - len(elders)], *elders][:6]


def empty_nest(rng, rural: bool) -> list[Member]:
    head = _head(rng, 60, 86, 68)
    wife = _wife(rng, head, rural=rural)
    for m in (head, wife):
        m.tags.add(Tag.EMPTY_NEST_ELDER)
    return [head, wife]


def elder_alone(rng, rural: bool) -> list[Member]:
    gender = FEMALE if rng.random() < 0.62 else MALE
    head = _head(rng, 65, 93, 76, gender=gender)
    head.marital = rng.choices([WIDOWED, SINGLE, DIVORCED], [80, 12 if gender == MALE else 3, 8])[0]
    head.tags.add(Tag.EMPTY_NEST_ELDER)
    return [head]


def left_behind(rng, rural: bool) -> list[Member]:
    """Grandparents raising grandchildren whose parents work in the cities (留守儿童)."""
    head = _head(rng, 52, 75, 62)
    family = [head]
    if rng.random() < 0.8:
        family.append(_wife(rng, head, rural=rural))
    else:
        head.marital = WIDOWED
    oldest = min(15, head.age - 42)
    count = rng.choices([1, 2, 3], [55, 38, 7])[0]
    ages = sorted((rng.randint(2, oldest) for _ in range(count)), reverse=True) if oldest >= 2 else []
    for age in ages:
        kid = Member(Relation.GRANDCHILD, rng.choice([MALE, FEMALE]), age, head.surname)
        kid.tags.add(Tag.LEFT_BEHIND_CHILD)
        family.append(kid)
    return family


def single(rng, rural: bool) -> list[Member]:
    gender = MALE if rng.random() < 0.65 else FEMALE
    head = _head(rng, 22, 62, 35, gender=gender)
    head.marital = SINGLE if head.age < 35 or rng.random() < 0.5 else DIVORCED
    if rng.random() < 0.04:
        head.kind = PersonKind.UNSETTLED  # back from elsewhere, 户口 not yet re-registered
    return [head]


def single_parent(rng, rural: bool) -> list[Member]:
    gender = FEMALE if rng.random() < 0.6 else MALE
    head = _head(rng, 30, 55, 42, gender=gender)
    head.marital = DIVORCED if rng.random() < 0.7 else WIDOWED
    kids = _children(rng, head.age, head.surname, rng.choice([1, 1, 2]))
    return [head, *kids]


def migrants(rng, rural: bool) -> list[Member]:
    """流动人口 renting here: a couple with children, a lone worker, or siblings working together."""
    shape = rng.choices(["couple", "worker", "siblings"], [55, 35, 10])[0]
    head = _head(rng, 20, 52, 34)
    head.origin = _pick_origin(rng)
    if shape == "worker":
        head.marital = rng.choice([SINGLE, MARRIED]) if head.age >= 25 else SINGLE
        family = [head]
    elif shape == "siblings":
        head.marital = SINGLE if head.age < 30 else MARRIED
        sib = Member(
            Relation.SIBLING, rng.choice([MALE, FEMALE]), max(18, head.age + rng.randint(-6, 6)), head.surname
        )
        sib.marital = SINGLE if sib.age < 30 else MARRIED
        family = [head, sib]
    else:
        head.age = max(head.age, 23)  # a husband is at least 22 (婚姻法)
        wife = Member(
            Relation.SPOUSE, FEMALE, max(20, head.age + rng.randint(-5, 2)), names.surname(rng), MARRIED
        )
        kids = _children(rng, wife.age, head.surname, rng.choices([0, 1, 2], [30, 45, 25])[0])
        family = [head, wife, *_living_at_home(rng, kids)]
    for m in family:
        m.kind = PersonKind.FLOATING
        m.origin = m.origin or head.origin
    return family


def foreign_single(rng, rural: bool) -> list[Member]:
    nationality = rng.choice(["韩国", "美国"])
    head = _head(rng, 25, 55, 35, gender=rng.choice([MALE, FEMALE]))
    head.surname, head.nationality, head.kind = "", nationality, PersonKind.FOREIGN
    head.marital = rng.choice([SINGLE, MARRIED])
    return [head]


BUILDERS = {
    "nuclear": nuclear,
    "three_generations": three_generations,
    "with_parents": with_parents,
    "empty_nest": empty_nest,
    "elder_alone": elder_alone,
    "left_behind": left_behind,
    "single": single,
    "single_parent": single_parent,
}
_SHAPE_NAMES = list(SHAPES)


def make_family(rng: random.Random, urban: bool) -> Family:
    """One household of 1–6 people for a village (rural) or a 社区 (urban)."""
    if urban and rng.random() < FOREIGN_SINGLE_SHARE:
        return Family("foreign_single", foreign_single(rng, False))
    if rng.random() < FLOATING_SHARE[urban]:
        return Family("migrants", migrants(rng, not urban), floating=True)
    shape = rng.choices(_SHAPE_NAMES, [w[urban] for w in SHAPES.values()])[0]
    return Family(shape, BUILDERS[shape](rng, not urban))
