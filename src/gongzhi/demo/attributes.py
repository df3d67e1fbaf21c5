"""What the registry records about each member of a demo household, consistent with age and kind.

The result is the input dict of people.validation.clean_person, so the demo data goes through the
same checks as a form, the API or an Excel row.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from gongzhi.people.choices import INFLOW_REASONS, IdType, PersonKind, PoliticalStatus, Tag

from . import names
from .families import MALE, Family, Member
from .identifiers import Identifiers, local_region, region_for
from .places import Leaf, chinese_number

E = {  # education by birth cohort (completed schooling of adults), shares in percent
    1950: {"文盲或半文盲": 35, "小学": 40, "初中": 18, "高中": 5, "中专/中技": 2},
    1966: {"文盲或半文盲": 6, "小学": 32, "初中": 40, "高中": 14, "中专/中技": 6, "大学专科": 2},
    1981: {"小学": 14, "初中": 45, "高中": 18, "中专/中技": 11, "大学专科": 8, "大学本科": 4},
    1996: {"小学": 3, "初中": 30, "高中": 19, "中专/中技": 15, "大学专科": 18, "大学本科": 14, "研究生": 1},
    9999: {"初中": 8, "高中": 14, "中专/中技": 20, "大学专科": 30, "大学本科": 26, "研究生": 2},
}
WORK = {
    False: {"务农": 34, "企业职工": 18, "个体经营": 9, "建筑工人": 10, "灵活就业": 11, "教师": 2,
            "医务人员": 1, "村干部": 1, "无业": 7, "家务": 7},
    True: {"企业职工": 32, "个体经营": 14, "机关事业单位人员": 8, "教师": 4, "医务人员": 3,
           "服务业从业人员": 15, "灵活就业": 11, "无业": 7, "家务": 6},
}  # fmt: skip
INFLOW_WEIGHTS = dict(zip(INFLOW_REASONS, [50, 20, 5, 10, 2, 6, 1, 6], strict=True))
UNSETTLED_REASONS = ["出生未申报户口", "超生未落户", "户口迁出未落", "原户籍注销未恢复"]
HOMETOWN_SUFFIXES = ["家湾村", "家台村", "集村", "庙村", "岗村", "河村", "桥村", "垸村"]


def _pick(rng: random.Random, shares: dict) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


@dataclass
class HouseholdContext:
    """What members of one household share: where they live, where the migrants came from."""

    leaf: Leaf
    address: str
    hometown: str = ""
    inflow_reason: str = ""
    arrived: date | None = None


class PersonFactory:
    """Turns a planned member into the dict a registry form would submit."""

    def __init__(self, rng, reference: date, ids: Identifiers, phones: names.Phones, workplaces: dict):
        self.rng, self.ref, self.ids, self.phones, self.workplaces = rng, reference, ids, phones, workplaces

    def birth(self, age: int) -> date:
        """A birthday making the person exactly `age` on the reference date (1 January)."""
        return date(self.ref.year - age - 1, 1, 2) + timedelta(days=self.rng.randrange(364))

    def household(self, family: Family, leaf: Leaf, address: str) -> HouseholdContext:
        ctx = HouseholdContext(leaf, address)
        if family.floating:
            head = family.members[0]
            suffix = self.rng.choice(HOMETOWN_SUFFIXES)
            group = chinese_number(self.rng.randint(1, 9))
            ctx.hometown = f"{head.origin[0]}{names.surname(self.rng)}{suffix}{group}组"
            ctx.inflow_reason = _pick(self.rng, INFLOW_WEIGHTS)
            ctx.arrived = self.ref - timedelta(days=self.rng.randint(30, 3650))
        return ctx

    def person(self, m: Member, ctx: HouseholdContext, taken_names: set) -> dict:
        born = self.birth(m.age)
        data = {
            "gender": m.gender,
            "birth_date": born,
            "relation": m.relation,
            "kind": m.kind,
            "marital_status": m.marital if m.age >= 18 else "未婚",
            "area_code": ctx.leaf.area.code,
            "address": ctx.address,
            "tags": sorted(m.tags),
            "extra": {},
        }
        data["name"] = self._name(m, born, taken_names, data)
        data["id_type"], data["id_number"] = self._identifier(m, born, data)
        if m.kind == PersonKind.REGISTERED:
            data["hukou_area_code"], data["hukou_address"] = ctx.leaf.village.code, ctx.address
        elif m.kind == PersonKind.FLOATING:
            data["hukou_address"] = ctx.hometown
            # Children born here were registered as soon as they were born, never after the reference date.
            arrived = min(max(ctx.arrived, born + timedelta(days=30)), self.ref)
            reason = ctx.inflow_reason if m.age >= 16 else "投靠亲友"
            data["extra"] = {"inflow_reason": reason, "registered_on": arrived.isoformat()}
        data["phone"] = self._phone(m)
        data["education"] = self._education(m, born, ctx.leaf.urban)
        self._tags(m, data)
        data["political_status"] = self._politics(m, data)
        data["occupation"], data["workplace"] = self._work(m, data, ctx)
        data["ethnicity"] = "外国血统" if m.kind == PersonKind.FOREIGN else "汉族"
        data["tags"] = sorted(data["tags"])
        return data

    def _name(self, m: Member, born: date, taken: set, data: dict) -> str:
        if m.kind == PersonKind.FOREIGN:
            chinese, latin = self.rng.choice(names.FOREIGN[m.nationality])
            data["extra"] = {"foreign_name": latin, "nationality": m.nationality}
            return chinese
        for _ in range(20):
            name = m.surname + names.given_name(self.rng, m.gender, born.year)
            if name not in taken:
                break
        taken.add(name)
        return name

    def _identifier(self, m: Member, born: date, data: dict) -> tuple[str, str]:
        if m.kind == PersonKind.FOREIGN:
            purpose = "婚嫁" if m.relation == "配偶" else self.rng.choice(["工作", "教学"])
            if purpose == "婚嫁":  # married at about 20, before the first child (mother 21 or older)
                arrived = born + timedelta(days=self.rng.randint(20 * 365, 21 * 365))
            else:
                arrived = max(
                    self.ref - timedelta(days=self.rng.randint(200, 4000)), born + timedelta(days=22 * 366)
                )
            arrived = min(arrived, self.ref - timedelta(days=30))
            data["extra"].update(arrived_on=arrived.isoformat(), purpose=purpose)
            if purpose != "婚嫁":
                data["extra"]["leave_on"] = (self.ref + timedelta(days=self.rng.randint(60, 900))).isoformat()
            return IdType.PASSPORT, self.ids.passport(m.nationality)
        if m.kind == PersonKind.UNSETTLED:
            reason = self.rng.choice(UNSETTLED_REASONS[:2] if m.age < 16 else UNSETTLED_REASONS[2:])
            data["extra"] = {"unsettled_reason": reason}
            if m.age < 16:
                data["extra"]["has_certificate"] = "持出生医学证明"
                return IdType.OTHER, self.ids.birth_certificate()
            data["extra"]["has_certificate"] = "持居民身份证"
        if m.origin:
            region = region_for(self.rng, m.origin[1], born.year)
        else:
            region = local_region(self.rng, born.year)
        return IdType.RESIDENT_ID, self.ids.resident_id(region, born, m.gender)

    def _phone(self, m: Member) -> str:
        chance = (
            0.0 if m.age < 13 else 0.45 if m.age < 18 else 0.97 if m.age < 70 else 0.8 if m.age < 80 else 0.5
        )
        return self.phones.mobile() if self.rng.random() < chance else ""

    def _education(self, m: Member, born: date, urban: bool) -> str:
        age, rng = m.age, self.rng
        if age < 7:
            return ""
        if age <= 12:
            return "小学"
        if age <= 15:
            return "初中"
        if age <= 18:
            return _pick(rng, {"高中": 60, "中专/中技": 30, "初中": 10})
        if age <= 22:
            return _pick(rng, {"大学本科": 30, "大学专科": 30, "高中": 22, "中专/中技": 15, "初中": 3})
        shares = dict(E[next(c for c in E if born.year < c)])
        if urban:  # towns keep more of the educated
            for level in ("大学专科", "大学本科", "研究生", "高中"):
                if level in shares:
                    shares[level] *= 1.8
        return _pick(rng, shares)

    def _tags(self, m: Member, data: dict) -> None:
        rng, age, tags = self.rng, m.age, set(data["tags"])
        citizen = m.kind != PersonKind.FOREIGN
        if citizen and age >= 25 and rng.random() < (0.035 if m.gender == MALE else 0.002):
            tags.add(Tag.VETERAN)
        if citizen and 18 <= age <= 72 and rng.random() < 0.035:
            tags.add(Tag.VOLUNTEER)
        if rng.random() < (0.05 if age >= 70 else 0.012):
            tags.add(Tag.DISABLED)
        data["tags"] = tags

    def _politics(self, m: Member, data: dict) -> str:
        rng, age, tags = self.rng, m.age, data["tags"]
        if m.kind in (PersonKind.FOREIGN, PersonKind.UNSETTLED) or age < 14:
            return PoliticalStatus.MASSES
        if age <= 28 and rng.random() < (0.6 if age <= 22 else 0.25):
            return PoliticalStatus.CYL
        if age < 18:
            return PoliticalStatus.MASSES
        if m.gender == MALE:
            rate = 0.05 if age <= 35 else 0.12 if age <= 60 else 0.17
        else:
            rate = 0.05 if age <= 35 else 0.06 if age <= 60 else 0.04
        if Tag.VETERAN in tags:
            rate = 0.5
        if m.kind == PersonKind.FLOATING:
            rate /= 2
        roll = rng.random()
        if roll < rate:
            party = True
        elif age <= 40 and roll < rate + 0.004:
            return PoliticalStatus.CPC_PROBATIONARY
        else:
            party = False
        if party:
            self._party_roles(m, tags)
            return PoliticalStatus.CPC
        return PoliticalStatus.NONPARTISAN if rng.random() < 0.001 else PoliticalStatus.MASSES

    def _party_roles(self, m: Member, tags: set) -> None:
        if m.age >= 60 and self.rng.random() < 0.12:
            tags.add(Tag.FIVE_ELDERS)  # 老干部、老战士、老教师 …
        if 35 <= m.age <= 65 and self.rng.random() < 0.012:
            tags.add(Tag.DEPUTY)
        if 45 <= m.age <= 72 and self.rng.random() < 0.04:
            tags.add(Tag.MEDIATOR)
        if 18 <= m.age <= 72 and self.rng.random() < 0.12:
            tags.add(Tag.VOLUNTEER)

    def _work(self, m: Member, data: dict, ctx: HouseholdContext) -> tuple[str, str]:
        rng, age, urban = self.rng, m.age, ctx.leaf.urban
        if age < 3:
            return "", ""
        if age < 6:
            return "学龄前儿童", ""
        if age < 19 or (age <= 22 and data["education"] in ("大学本科", "大学专科")):
            return "学生", ""
        if m.kind == PersonKind.FOREIGN:
            return ("家务", "") if data["extra"].get("purpose") == "婚嫁" else ("外籍教师", "")
        retire = 60 if m.gender == MALE else 55
        if age >= retire:
            if urban:
                return "离退休人员", ""
            return ("务农", "") if age < 75 and rng.random() < 0.6 else ("", "")
        if m.kind == PersonKind.FLOATING:
            reason = data["extra"]["inflow_reason"]
            job = (
                "个体经营"
                if reason == "经商"
                else _pick(rng, {"企业职工": 45, "建筑工人": 25, "服务业从业人员": 30})
            )
        else:
            job = _pick(rng, WORK[urban])
        places = self.workplaces.get(ctx.leaf.village.parent_id, {})
        key = {"企业职工": "enterprise", "教师": "school", "医务人员": "hospital"}.get(job)
        if key and places.get(key) and rng.random() < 0.7:
            return job, rng.choice(places[key])
        if job == "村干部":
            return job, f"{ctx.leaf.village_label}村民委员会"
        return job, ""
