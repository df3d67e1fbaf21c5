"""Demo 单位 and 社会组织: a 卫生院 and a 中心学校 per town, prisons, and a few businesses and
associations in every village, each with a valid 统一社会信用代码."""

import random

from gongzhi.kernel.crypto import seal
from gongzhi.kernel.masking import mask_phone
from gongzhi.people.choices import OrgKind
from gongzhi.people.models import Organization
from gongzhi.people.validation import clean_organization

from . import names
from .identifiers import CreditCodes
from .places import Leaf, org_address

# GB 32100 registering authority + entity type: 1 机构编制 (11 机关, 12 事业单位), 5 民政
# (51 社会团体, 52 民办非企业单位), 9 市场监管 (91 企业, 92 个体工商户, 93 农民专业合作社).
BRANDS = [
    "汉江",
    "荆楚",
    "长湖",
    "楚源",
    "丰泽",
    "绿源",
    "金禾",
    "恒信",
    "鑫源",
    "华泰",
    "兴农",
    "沃野",
    "瑞丰",
    "富民",
    "江汉",
    "楚天",
    "新禾",
    "盛源",
]
RURAL_TRADES = ["米业", "油脂", "生态农业", "农业科技", "水产养殖", "建材", "农机服务", "虾稻种养"]
URBAN_TRADES = ["商贸", "物流", "建筑工程", "电子科技", "纺织服装", "食品", "汽车服务", "医药连锁"]
SHOPS = [
    "便民超市",
    "农资店",
    "小吃店",
    "理发店",
    "五金店",
    "家电维修部",
    "修车铺",
    "粮油店",
    "药店",
    "快递驿站",
]
PRODUCTS = ["水稻", "油菜", "小龙虾", "蔬菜", "生猪", "茶叶", "苗木", "蛋鸡"]
RURAL_SOCIETIES = ["老年人协会", "乡贤理事会", "红白理事会", "志愿服务队"]
URBAN_SOCIETIES = ["志愿服务协会", "老年人协会", "社区文体协会"]


def _rng_int(rng: random.Random, low: int, high: int) -> int:
    return int(rng.triangular(low, high, low + (high - low) / 4))


class OrganizationPlanner:
    """Builds the organisations of a county as clean_organization() input dicts."""

    def __init__(self, rng: random.Random, phones: names.Phones, codes: CreditCodes):
        self.rng, self.phones, self.codes = rng, phones, codes
        self.used_names: set[str] = set()

    def _org(self, leaf: Leaf, name: str, kind: str, authority: str, employees: int, landline=False) -> dict:
        rng = self.rng
        born = rng.randint(1962, 1996)
        gender = "1" if rng.random() < 0.65 else "2"
        return {
            "name": name,
            "kind": kind,
            "credit_code": self.codes.make(authority),
            "area_code": leaf.area.code,
            "address": org_address(leaf, rng),
            "contact_name": names.full_name(rng, gender, born),
            "contact_phone": self.phones.landline() if landline else self.phones.mobile(),
            "employees": employees,
        }

    def _unique(self, name: str) -> str | None:
        if name in self.used_names:
            return None
        self.used_names.add(name)
        return name

    def plan(self, leaves: list[Leaf]) -> list[dict]:
        rng, out = self.rng, []
        by_village: dict[str, list[Leaf]] = {}
        for leaf in leaves:
            by_village.setdefault(leaf.village.code, []).append(leaf)
        seats: dict[str, Leaf] = {}  # town code -> the grid of its seat (a 社区 when there is one)
        for village_leaves in by_village.values():
            first = village_leaves[0]
            town = first.village.parent_id
            if town not in seats or (first.urban and not seats[town].urban):
                seats[town] = first
        for seat in seats.values():
            town = seat.town_label
            if town.endswith("镇"):
                out.append(
                    self._org(
                        seat, f"沙洋县{town}卫生院", OrgKind.HOSPITAL, "12", _rng_int(rng, 30, 120), True
                    )
                )
                out.append(
                    self._org(
                        seat, f"沙洋县{town}中心学校", OrgKind.SCHOOL, "12", _rng_int(rng, 40, 160), True
                    )
                )
                out.append(
                    self._org(seat, f"沙洋县{town}志愿者协会", OrgKind.SOCIAL_ORG, "51", rng.randint(3, 12))
                )
        for village_leaves in by_village.values():
            out.extend(self._village(village_leaves))
        return out

    def _village(self, leaves: list[Leaf]) -> list[dict]:
        rng, leaf = self.rng, self.rng.choice(leaves)
        label, town = leaf.village_label, leaf.town_label
        if "监狱" in label:
            name = label.removesuffix("社区")
            return [self._org(leaf, name, OrgKind.PRISON, "11", _rng_int(rng, 200, 800), True)]
        if label == "职工公寓" or "公安局" in label or "法院" in label:
            return []
        base = label.removesuffix("社区").removesuffix("村")
        out = []
        for _ in range(rng.choices([1, 2, 3, 4], [25, 35, 25, 15])[0]):
            leaf = rng.choice(leaves)
            kind = rng.choices(
                ["enterprise", "coop", "shop", "society", "kindergarten"],
                [33, 0 if leaf.urban else 14, 35, 13, 5],
            )[0]
            if kind == "enterprise":
                trade = rng.choice(URBAN_TRADES if leaf.urban else RURAL_TRADES)
                prefix = rng.choice(["沙洋县", "湖北", "荆门市"]) + ("" if leaf.urban else base)
                name = self._unique(f"{prefix}{rng.choice(BRANDS)}{trade}有限公司")
                org = name and (name, OrgKind.ENTERPRISE, "91", _rng_int(rng, 5, 300))
            elif kind == "coop":
                name = self._unique(f"沙洋县{base}{rng.choice(PRODUCTS)}种养专业合作社")
                org = name and (name, OrgKind.ENTERPRISE, "93", _rng_int(rng, 5, 40))
            elif kind == "shop":
                owner = names.surname(rng)
                name = self._unique(f"{town}{label}{owner}记{rng.choice(SHOPS)}")
                org = name and (name, OrgKind.INDIVIDUAL, "92", rng.randint(1, 6))
            elif kind == "society":
                name = self._unique(
                    f"{label}{rng.choice(URBAN_SOCIETIES if leaf.urban else RURAL_SOCIETIES)}"
                )
                org = name and (name, OrgKind.SOCIAL_ORG, "51", rng.randint(5, 30))
            else:
                name = self._unique(f"沙洋县{town}{base}{rng.choice(BRANDS)}幼儿园")
                org = name and (name, OrgKind.SCHOOL, "52", rng.randint(6, 25))
            if org:
                out.append(self._org(leaf, *org))
        return out


def build_organizations(plans: list[dict]) -> list[Organization]:
    """Unsaved Organization rows from planned dicts, checked and sealed as organization_save does."""
    rows = []
    for data in plans:
        clean = clean_organization(data)
        phone = clean.pop("contact_phone")
        org = Organization(**clean)
        org.contact_phone_cipher, org.contact_phone_index, org.contact_phone_masked = seal(phone, mask_phone)
        rows.append(org)
    return rows


def workplaces(county_orgs) -> dict[str, dict[str, list[str]]]:
    """{town code: {'enterprise'|'school'|'hospital': [names]}} for people's 服务处所."""
    keys = {OrgKind.ENTERPRISE: "enterprise", OrgKind.SCHOOL: "school", OrgKind.HOSPITAL: "hospital"}
    out: dict[str, dict[str, list[str]]] = {}
    for name, kind, area_code in county_orgs:
        if kind in keys:
            out.setdefault(area_code[:9], {}).setdefault(keys[kind], []).append(name)
    return out
