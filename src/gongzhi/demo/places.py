"""Where the demo people live: the grids of a county, how full each is, and street addresses."""

from dataclasses import dataclass

from gongzhi.areas.models import Area, Level
from gongzhi.kernel.codes import prefix_q

# Relative density of a grid: 社区 are denser than villages; the 开发区/新港区 "虚拟社区" and the
# prison communities hold few households; the demo village is fuller so its pages look lived in.
RURAL, URBAN, VIRTUAL, PRISON, DEMO_VILLAGE_FACTOR = 1.0, 1.6, 0.3, 0.4, 5.0
_GROUPS_PER_GRID = 3  # 村民小组 per grid when the grid has no 微网格


@dataclass
class Leaf:
    """A grid (or 微网格 when its grid is divided) where households are registered."""

    area: Area
    village: Area
    town_label: str
    village_label: str
    urban: bool
    groups: list[int]  # 村民小组 numbers (villages) or the first building number (社区)
    weight: float


def town_label(town: Area) -> str:
    """'湖北沙洋经济开发区管理委员会' -> '经济开发区'; a 镇 keeps its name."""
    name = town.name
    if name.endswith("管理委员会"):
        name = name.removesuffix("管理委员会").removeprefix("湖北").removeprefix("沙洋")
    return name


def village_label(village: Area, town: Area, town_short: str) -> str:
    """'沙洋县官垱镇黄土坡社区' -> '黄土坡社区'; a 虚拟社区 becomes the town's staff flats."""
    name = village.name
    if "虚拟" in name:
        return "职工公寓"
    for prefix in ("沙洋县", town.name, "沙洋滨江新区", town_short):
        name = name.removeprefix(prefix)
    return name


def _density(village: Area, urban: bool, demo_village: str) -> float:
    if "虚拟" in village.name:
        weight = VIRTUAL
    elif "监狱" in village.name:
        weight = PRISON
    else:
        weight = URBAN if urban else RURAL
    return weight * (DEMO_VILLAGE_FACTOR if village.code == demo_village else 1.0)


def load_leaves(county: str, demo_village: str = "") -> list[Leaf]:
    """Every grid of the county, or its 微网格 where a grid is divided, in code order."""
    areas = list(Area.objects.filter(prefix_q("code", county)).order_by("code"))
    by_code = {a.code: a for a in areas}
    micro_of: dict[str, list[Area]] = {}
    for a in areas:
        if a.level == Level.MICROGRID:
            micro_of.setdefault(a.parent_id, []).append(a)
    leaves = []
    for grid in (a for a in areas if a.level == Level.GRID):
        village = by_code[grid.parent_id]
        town = by_code[village.parent_id]
        urban = not village.name.endswith("村")
        short = town_label(town)
        label = village_label(village, town, short)
        weight = _density(village, urban, demo_village)
        index = int(grid.code[-3:])
        micro = micro_of.get(grid.code, [])
        if micro:
            for m in micro:
                j = int(m.code[-3:])
                group = (index - 1) * len(micro) + j
                leaves.append(Leaf(m, village, short, label, urban, [group], weight / len(micro)))
        else:
            groups = [(index - 1) * _GROUPS_PER_GRID + k for k in range(1, _GROUPS_PER_GRID + 1)]
            leaves.append(Leaf(grid, village, short, label, urban, groups, weight))
    return leaves


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), so the parts sum to `total`."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    quotas = [total * w / whole for w in weights]
    parts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (parts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 as written in addresses: 3 -> 三, 12 -> 十二, 20 -> 二十, 31 -> 三十一."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def address(leaf: Leaf, slot: int) -> str:
    """The slot-th address of a leaf, distinct within the village: 三组 12号 or 3栋2单元401室."""
    place = f"沙洋县{leaf.town_label}{leaf.village_label}"
    if leaf.urban:
        building = (leaf.groups[0] - 1) * 8 + slot // 24 + 1
        unit, floor, room = (slot // 12) % 2 + 1, (slot // 2) % 6 + 1, slot % 2 + 1
        return f"{place}{building}栋{unit}单元{floor}0{room}室"
    group = leaf.groups[slot % len(leaf.groups)]
    return f"{place}{chinese_number(group)}组 {slot // len(leaf.groups) + 1}号"


ROADS = ["汉津路", "人民大道", "建设路", "新华路", "工农路", "友谊路", "园林路", "振兴路", "兴隆街", "江汉路"]


def org_address(leaf: Leaf, rng) -> str:
    """Where a 单位 sits: a street number in a 社区 or a town seat, a 村民小组 in a village."""
    place = f"沙洋县{leaf.town_label}{leaf.village_label}"
    if leaf.urban:
        return f"{place}{rng.choice(ROADS)}{rng.randint(1, 240)}号"
    return f"{place}{chinese_number(rng.choice(leaf.groups))}组"
