"""Synthetic 实有人口, 户 and 单位 for the demo county: seed_people(persons=N), idempotent.

Every person goes through people.validation.clean_person and people.services.apply_person, so the
sealing (SM4-GCM, blind index, masking) is the production code path; rows are then written with
bulk_create, which is what makes 20,000 people take seconds rather than minutes.
"""

import random
import time
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from gongzhi.areas.models import Area
from gongzhi.audit.services import audit_record
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.errors import DomainError
from gongzhi.people.choices import CareColour, PersonKind, PoliticalStatus, Relation, Tag
from gongzhi.people.models import Household, Organization, Person, PersonTag
from gongzhi.people.services import apply_person
from gongzhi.people.validation import clean_household, clean_person

from . import data
from .attributes import PersonFactory
from .families import Family, Member, make_family
from .identifiers import CreditCodes, Identifiers
from .names import Phones
from .organizations import OrganizationPlanner, build_organizations, workplaces
from .places import Leaf, address, allocate, load_leaves

BATCH = 1000
YELLOW_REASONS = ["家有病人", "经济困难", "单亲家庭", "家有重病患者", "子女长期在外"]
RED_REASONS = [
    "重大变故（主要劳动力病故）",
    "矛盾纠纷隐患（宅基地边界争议）",
    "因病致贫",
    "家庭矛盾激化",
    "因灾受损严重",
]


@dataclass
class SeedResult:
    people: int = 0
    households: int = 0
    organizations: int = 0
    total: int = 0  # people of the county after the run
    seconds: float = 0.0


@dataclass
class Planned:
    household: Household
    family: Family
    members: list[tuple[Member, dict]]


def seed_people(
    *,
    persons: int = data.PERSONS,
    county: str = data.COUNTY,
    demo_village: str = data.HEJI,
    seed: int = data.PEOPLE_SEED,
    reference: date | None = None,
) -> SeedResult:
    """Bring the county up to `persons` people (never fewer, never duplicated) with households
    and, on the first run, organisations. The same arguments give the same people."""
    started = time.perf_counter()
    existing = Person.objects.filter(prefix_q("area_id", county)).count()
    result = SeedResult(total=existing)
    if existing >= persons:
        result.seconds = time.perf_counter() - started
        return result
    # Ages are counted to 1 January, so a run on another day of the year makes the same people.
    reference = reference or date(date.today().year, 1, 1)
    rng = random.Random(seed if existing == 0 else f"{seed}+{existing}")
    with transaction.atomic():
        leaves = load_leaves(county, demo_village)
        if not leaves:
            raise DomainError(f"区划 {county} 下没有网格，请先建立网格。", field="county")
        areas = {a.code: a for a in Area.objects.filter(prefix_q("code", county))}
        phones = Phones(rng)
        county_orgs = Organization.objects.filter(prefix_q("area_id", county))
        if not county_orgs.exists():
            taken_codes = set(
                Organization.objects.exclude(credit_code="").values_list("credit_code", flat=True)
            )
            planner = OrganizationPlanner(rng, phones, CreditCodes(rng, taken_codes))
            orgs = build_organizations(planner.plan(leaves))
            Organization.objects.bulk_create(orgs, batch_size=BATCH)
            result.organizations = len(orgs)
        taken = set(Person.objects.values_list("id_number_index", flat=True))
        factory = PersonFactory(
            rng, reference, Identifiers(rng, taken), phones,
            workplaces(county_orgs.values_list("name", "kind", "area_id")),
        )  # fmt: skip
        plans = _plan(rng, factory, leaves, persons - existing, county, areas)
        result.households, result.people = _write(plans, areas)
        result.total = existing + result.people
        result.seconds = time.perf_counter() - started
        audit_record(
            actor=None,
            action="demo.seed_people",
            object_type="area",
            object_id=county,
            area_code=county,
            details={
                "people": result.people,
                "households": result.households,
                "organizations": result.organizations,
                "total": result.total,
                "seconds": round(result.seconds, 1),
            },
        )
    return result


def _plan(rng, factory, leaves: list[Leaf], wanted: int, county: str, areas: dict) -> list[Planned]:
    used = set(Household.objects.filter(prefix_q("area_id", county)).values_list("area_id", "household_no"))
    households_in: dict[str, int] = {}
    for area_code, _ in used:
        households_in[area_code] = households_in.get(area_code, 0) + 1
    led = set(
        PersonTag.objects.filter(prefix_q("person__area_id", county), tag=Tag.HOUSEHOLD_LEADER).values_list(
            "person__area_id", flat=True
        )
    )
    plans = []
    for leaf, target in zip(leaves, allocate(wanted, [leaf.weight for leaf in leaves]), strict=True):
        if not target:
            continue
        slot, number, count, new = households_in.get(leaf.area.code, 0), 0, 0, []
        while count < target:
            family = make_family(rng, leaf.urban)
            members = family.members[: target - count]
            number += 1
            while (leaf.area.code, f"{number:04d}") in used:
                number += 1
            where = address(leaf, slot)
            slot += 1
            household = Household(**clean_household(
                {"household_no": f"{number:04d}", "area_code": leaf.area.code, "address": where},
                areas=areas,
            ))  # fmt: skip
            ctx = factory.household(family, leaf, where)
            names: set[str] = set()
            planned = Planned(household, family, [(m, factory.person(m, ctx, names)) for m in members])
            _care(rng, planned)
            new.append(planned)
            count += len(members)
        _leaders(rng, leaf, new, led)
        plans.extend(new)
    return plans


def _care(rng: random.Random, planned: Planned) -> None:
    """三色管理: mostly green; yellow (~8%) and red (~2%) with the reason a grid worker would write."""
    household, shape = planned.household, planned.family.shape
    tags = {t for _, d in planned.members for t in d["tags"]}
    reason = ""
    if shape == "elder_alone" and rng.random() < 0.3:
        reason = "独居老人"
    elif shape == "left_behind" and rng.random() < 0.2:
        reason = "留守儿童家庭"
    elif Tag.DISABLED in tags and rng.random() < 0.3:
        reason = "家有残疾人"
    elif rng.random() < 0.04:
        reason = rng.choice(YELLOW_REASONS)
    if reason == "经济困难" or (reason and rng.random() < 0.2):
        planned.members[0][1]["tags"].append(Tag.LOW_INCOME)  # 低保 is granted to the household
    if rng.random() < 0.018:
        household.care_colour, household.care_reason = CareColour.RED, rng.choice(RED_REASONS)
    elif reason:
        household.care_colour, household.care_reason = CareColour.YELLOW, reason


def _leaders(rng: random.Random, leaf: Leaf, new: list[Planned], led: set[str]) -> None:
    """One 中心户长 per grid (or 微网格), a party member when there is one; 楼栋长 per building."""

    def candidates(plans):
        return [
            d for p in plans for m, d in p.members
            if m.kind == PersonKind.REGISTERED and 35 <= m.age <= 70 and m.relation in (Relation.HEAD, Relation.SPOUSE)
        ]  # fmt: skip

    if leaf.area.code not in led:
        pool = candidates(new)
        party = [d for d in pool if d["political_status"] == PoliticalStatus.CPC]
        if pool:
            rng.choice(party or pool)["tags"].append(Tag.HOUSEHOLD_LEADER)
            led.add(leaf.area.code)
    if leaf.urban:
        for start in range(0, len(new), 24):  # address() puts 24 flats in a building
            pool = candidates(new[start : start + 24])
            if pool:
                rng.choice(pool)["tags"].append(Tag.BUILDING_LEADER)


def _write(plans: list[Planned], areas: dict) -> tuple[int, int]:
    """Insert households, people and tags in batches; returns (households, people)."""
    Household.objects.bulk_create([p.household for p in plans], batch_size=BATCH)
    people: list[tuple[Person, list[str]]] = []
    for planned in plans:
        for _, raw in planned.members:
            clean = clean_person(raw, areas=areas)
            person = Person(household=planned.household)
            apply_person(person, clean)
            people.append((person, clean["tags"]))
    Person.objects.bulk_create([p for p, _ in people], batch_size=BATCH)
    PersonTag.objects.bulk_create(
        [PersonTag(person=p, tag=t) for p, tags in people for t in tags], batch_size=BATCH * 5
    )
    return len(plans), len(people)
