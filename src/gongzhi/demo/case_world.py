"""What the demo cases draw on: the county's grids with their residents, the staff and
departments who act, and a map position for every place."""

import random
import re
from dataclasses import dataclass
from datetime import date

from gongzhi.accounts.models import Department, RoleGrant
from gongzhi.areas.models import Area, Level
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.roles import CENTRE_ROLES, Role
from gongzhi.people.choices import Relation
from gongzhi.people.models import Organization, Person

from .case_story import Actor
from .names import full_name
from .places import Leaf, chinese_number, load_leaves

# 沙洋县 lies within these bounds; towns sit on a jittered lattice inside them.
SOUTH, NORTH, WEST, EAST = 30.5, 30.9, 112.3, 112.8
_ADDRESS = re.compile(r"(?P<g>[一二三四五六七八九十]+组) (?P<no>\d+)号$|(?P<b>\d+栋)(?P<room>\d单元\d+)室$")


@dataclass(slots=True)
class P:
    """A registered person, as much of them as a case needs."""

    pk: int
    name: str
    gender: str
    age: int
    leaf: str
    household: int | None
    relation: str
    phone_cipher: str
    phone_masked: str
    marital: str
    address: str

    @property
    def surname(self) -> str:
        return self.name[0]


class People:
    """The county's adults by grid and by village, heads of household and the elderly apart."""

    def __init__(self, county: str, today: date):
        self.by_leaf: dict[str, list[P]] = {}
        self.heads_by_leaf: dict[str, list[P]] = {}
        self.by_village: dict[str, list[P]] = {}
        self.heads_by_village: dict[str, list[P]] = {}
        self.elders_by_village: dict[str, list[P]] = {}
        self.count_by_leaf: dict[str, int] = {}
        rows = Person.objects.filter(prefix_q("area_id", county)).values_list(
            "pk", "name", "gender", "birth_date", "area_id", "household_id", "relation", "phone_cipher",
            "phone_masked", "marital_status", "address",
        ).order_by("pk")  # fmt: skip
        for pk, name, gender, born, leaf, household, relation, cipher, masked, marital, address in rows:
            self.count_by_leaf[leaf] = self.count_by_leaf.get(leaf, 0) + 1
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            if age < 18:
                continue
            p = P(pk, name, gender, age, leaf, household, relation, cipher, masked, marital, address)
            village = leaf[:12]
            self.by_leaf.setdefault(leaf, []).append(p)
            self.by_village.setdefault(village, []).append(p)
            if relation == Relation.HEAD:
                self.heads_by_leaf.setdefault(leaf, []).append(p)
                self.heads_by_village.setdefault(village, []).append(p)
            if age >= 62:
                self.elders_by_village.setdefault(village, []).append(p)
        self.spouses: dict[str, list[tuple[P, P]]] = {}
        by_household: dict[int, list[P]] = {}
        for people in self.by_village.values():
            for p in people:
                if p.household:
                    by_household.setdefault(p.household, []).append(p)
        for members in by_household.values():
            head = next((m for m in members if m.relation == Relation.HEAD), None)
            wife = next((m for m in members if m.relation == Relation.SPOUSE and m.gender == "2"), None)
            if head and wife and head.gender == "1" and head.age < 70:
                self.spouses.setdefault(head.leaf[:12], []).append((wife, head))


def place_of(person: P | None, leaf: Leaf, rng: random.Random) -> tuple[str, str]:
    """(组 or 栋, 门牌 or 单元室) of a person's address, or a plausible one in the grid."""
    match = _ADDRESS.search(person.address) if person else None
    if match and match["g"]:
        return match["g"], match["no"]
    if match:
        return match["b"], match["room"]
    if leaf.urban:
        building = (leaf.groups[0] - 1) * 8 + rng.randint(1, 8)
        return f"{building}栋", f"{rng.randint(1, 2)}单元{rng.randint(1, 6)}0{rng.randint(1, 2)}"
    return chinese_number(rng.choice(leaf.groups)) + "组", str(rng.randint(1, 40))


class Staff:
    """Who acts for each centre, grid and department: a real account where the demo has one,
    otherwise a named person of that place (the same name every time)."""

    def __init__(self, county: str):
        self.county = county
        grants = RoleGrant.objects.filter(prefix_q("area_id", county)).select_related("user", "department")
        self._centre: dict[str, Actor] = {}
        self._grid: list[tuple[str, Actor]] = []
        self._mediator: dict[str, Actor] = {}
        self._dept_staff: dict[int, Actor] = {}
        self.residents: list[tuple[str, Actor]] = []
        self._names: dict[str, Actor] = {}
        for g in sorted(grants, key=lambda g: g.pk):
            actor = Actor(name=g.user.display_name, user=g.user)
            if g.role in CENTRE_ROLES:
                self._centre.setdefault(g.area_id, actor)
            elif g.role == Role.GRID_WORKER:
                self._grid.append((g.area_id, actor))
            elif g.role == Role.MEDIATOR:
                self._mediator.setdefault(g.area_id, actor)
            elif g.role == Role.DEPT_STAFF and g.department_id:
                self._dept_staff.setdefault(g.department_id, actor)
            elif g.role == Role.RESIDENT:
                self.residents.append((g.area_id, Actor(name=g.user.display_name, user_id=g.user_id)))
        self.departments: dict[str, list[Department]] = {}
        for d in Department.objects.filter(prefix_q("area_id", county)).order_by("pk"):
            self.departments.setdefault(d.area_id, []).append(d)

    def _named(self, key: str) -> Actor:
        if key not in self._names:
            rng = random.Random(key)
            self._names[key] = Actor(name=full_name(rng, rng.choice("12"), rng.randint(1965, 1992)))
        return self._names[key]

    def real(self, code: str) -> bool:
        return code in self._centre

    def centre(self, code: str) -> Actor:
        """The one who accepts, assigns and verifies at a 综治中心."""
        return self._centre.get(code) or self._named(f"{code}:centre")

    def handler(self, code: str) -> Actor:
        """The centre's own handler (治调主任): the same account where the demo has one."""
        return self._centre.get(code) or self._named(f"{code}:handler")

    def grid_worker(self, leaf: str) -> Actor | None:
        """The grid worker account whose grid holds `leaf`, if the demo has one."""
        for area, actor in self._grid:
            if leaf.startswith(area) and len(area) >= 12:
                return actor
        return None

    def grid_worker_name(self, leaf: str) -> Actor:
        return self.grid_worker(leaf) or self._named(f"{leaf[:15]}:grid")

    def mediator(self, village: str) -> Actor | None:
        return self._mediator.get(village)

    def department(self, code: str, kinds: tuple[str, ...]) -> Department | None:
        for kind in kinds:
            for d in self.departments.get(code, []):
                if d.kind == kind:
                    return d
        return None

    def department_staff(self, department: Department) -> Actor:
        return self._dept_staff.get(department.pk) or self._named(f"dept{department.pk}")


class Organizations:
    """单位 of each town by kind, to be a party to labour, medical and pollution disputes."""

    def __init__(self, county: str):
        self.by_town: dict[tuple[str, str], list[tuple[int, str]]] = {}
        rows = Organization.objects.filter(prefix_q("area_id", county)).values_list(
            "pk", "name", "kind", "area_id"
        )
        for pk, name, kind, area in rows.order_by("pk"):
            self.by_town.setdefault((area[:9], kind), []).append((pk, name))
            self.by_town.setdefault((area[:6], kind), []).append((pk, name))

    def pick(self, rng: random.Random, town: str, kinds: tuple[str, ...]) -> tuple[int, str] | None:
        for code in (town, town[:6]):
            pool = [o for kind in kinds for o in self.by_town.get((code, kind), [])]
            if pool:
                return rng.choice(pool)
        return None


class Map:
    """A stable synthetic position for every area: towns on a lattice over the county, villages
    around their town, grids around their village."""

    def __init__(self, county: str):
        towns = list(Area.objects.filter(prefix_q("code", county), level=Level.TOWN).order_by("code"))
        columns = max(1, round(len(towns) ** 0.5 * 1.2))
        rows = -(-len(towns) // columns) or 1
        self._centre: dict[str, tuple[float, float]] = {}
        for i, town in enumerate(towns):
            rng = random.Random(town.code)
            lat = SOUTH + (NORTH - SOUTH) * (i // columns + 0.5 + rng.uniform(-0.2, 0.2)) / rows
            lng = WEST + (EAST - WEST) * (i % columns + 0.5 + rng.uniform(-0.2, 0.2)) / columns
            self._centre[town.code] = (lat, lng)

    def centre(self, code: str) -> tuple[float, float]:
        if code not in self._centre:
            parent = self.centre(code[: {12: 9, 15: 12, 18: 15}[len(code)]])
            spread = {12: 0.02, 15: 0.003, 18: 0.0012}[len(code)]
            rng = random.Random(code)
            self._centre[code] = (parent[0] + rng.gauss(0, spread), parent[1] + rng.gauss(0, spread))
        return self._centre[code]

    def point(self, leaf: str, rng: random.Random) -> tuple[float, float]:
        lat, lng = self.centre(leaf)
        return within(lat + rng.gauss(0, 0.0008), lng + rng.gauss(0, 0.0008))


def within(lat: float, lng: float) -> tuple[float, float]:
    """A position kept inside the county's bounds."""
    return round(min(max(lat, SOUTH), NORTH), 6), round(min(max(lng, WEST), EAST), 6)


class World:
    """Everything above, loaded once per run."""

    def __init__(self, county: str, demo_village: str, today: date):
        self.leaves = load_leaves(county, demo_village)
        self.people = People(county, today)
        self.staff = Staff(county)
        self.orgs = Organizations(county)
        self.map = Map(county)
        self.names = dict(Area.objects.filter(prefix_q("code", county)).exclude(
            level__in=[Level.GRID, Level.MICROGRID]).values_list("code", "name"))  # fmt: skip

    def weights(self) -> list[float]:
        """Cases follow people: a grid's share is its population (its planned density if empty)."""
        counts = self.people.count_by_leaf
        if not counts:
            return [leaf.weight for leaf in self.leaves]
        return [counts.get(leaf.area.code, 0) + 0.5 for leaf in self.leaves]
