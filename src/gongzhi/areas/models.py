"""The area tree. The code is the path: a child's code starts with its parent's (design.md §4.4)."""

from django.db import models

from gongzhi.kernel.codes import is_code, prefix_q
from gongzhi.kernel.scoping import AreaScopedQuerySet


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县(区)"
    TOWN = "town", "镇(街道)"
    VILLAGE = "village", "村(社区)"
    GRID = "grid", "网格"
    MICROGRID = "microgrid", "微网格"


# Code length per level: 2 province + 2 city + 2 county + 3 town + 3 village, then 3 + 3.
CODE_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWN: 9,
    Level.VILLAGE: 12,
    Level.GRID: 15,
    Level.MICROGRID: 18,
}
LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTH.items()}
LEVEL_ORDER = list(CODE_LENGTH)


def level_for_code(code: str) -> Level | None:
    """The level a code of this length denotes, or None for a malformed code."""
    return LEVEL_BY_LENGTH.get(len(code)) if is_code(code) else None


class AreaQuerySet(AreaScopedQuerySet):
    """visible_to(user): areas at or below any area where the user holds a role."""

    area_fields = ("code",)

    def under(self, code: str):
        """The subtree below `code` (excluding itself), an index range scan on the code."""
        return self.filter(prefix_q("code", code)).exclude(code=code)


class Area(models.Model):
    """One node of the tree: a 行政区划 from the national data, or a 网格/微网格 we define."""

    code = models.CharField("代码", max_length=18, primary_key=True)
    name = models.CharField("名称", max_length=64)
    official_name = models.CharField("规范名称", max_length=128, blank=True)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    source = models.CharField("来源", max_length=32, default="local", help_text="national-2023 或 local")
    center_lat = models.FloatField("中心纬度", null=True, blank=True)
    center_lng = models.FloatField("中心经度", null=True, blank=True)
    boundary = models.JSONField("边界(GeoJSON)", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = "区划/网格"
        verbose_name_plural = "区划/网格"
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="area_level_code")]

    def __str__(self) -> str:
        return f"{self.name}({self.code})"

    @property
    def is_grid(self) -> bool:
        return self.level in (Level.GRID, Level.MICROGRID)

    def ancestor_codes(self) -> list[str]:
        """Codes of every ancestor, top first, derived from the code itself."""
        return [self.code[:n] for n in CODE_LENGTH.values() if n < len(self.code)]
