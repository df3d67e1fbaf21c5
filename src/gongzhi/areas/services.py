"""Writes to the area tree: the national importer and grid generation."""

from dataclasses import dataclass, field

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.geo import polygon_problem
from gongzhi.kernel.jurisdiction import require_role
from gongzhi.kernel.roles import CENTRE_ROLES

from . import national
from .models import Area, Level, level_for_code


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict = field(default_factory=dict)


def _require_area(code: str) -> Area:
    try:
        return Area.objects.get(pk=code)
    except Area.DoesNotExist:
        raise DomainError(f"区划代码 {code} 不存在，请先导入。", field="code") from None


@transaction.atomic
def areas_import_national(*, code: str, actor=None) -> ImportResult:
    """Load or refresh the national subtree of a province, city or county; never duplicates."""
    if level_for_code(code) not in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        raise DomainError(f"区划代码 {code} 无效：请给出省(2位)、市(4位)或县(6位)代码。", field="code")
    rows = list(national.read_subtree(code))
    if not any(r.code == code for r in rows):
        raise DomainError(f"全国区划数据中没有代码 {code}。", field="code")

    existing = Area.objects.in_bulk([r.code for r in rows])
    result = ImportResult()
    to_create, to_update = [], []
    for row in rows:
        if row.code.startswith(code):
            result.by_level[row.level] = result.by_level.get(row.level, 0) + 1
        area = existing.get(row.code)
        if area is None:
            to_create.append(
                Area(
                    code=row.code,
                    name=row.name,
                    official_name=row.official_name,
                    level=row.level,
                    parent_id=row.parent_code,
                    source=national.SNAPSHOT,
                )
            )
        elif (area.name, area.official_name, area.parent_id, area.level) != (
            row.name,
            row.official_name,
            row.parent_code,
            row.level,
        ):
            area.name, area.official_name = row.name, row.official_name
            area.parent_id, area.level, area.source = row.parent_code, row.level, national.SNAPSHOT
            to_update.append(area)
        else:
            result.unchanged += 1
    # Rows come parents first, so a parent always exists before its children are inserted.
    Area.objects.bulk_create(to_create, batch_size=1000)
    Area.objects.bulk_update(
        to_update, ["name", "official_name", "parent", "level", "source"], batch_size=1000
    )
    result.created, result.updated = len(to_create), len(to_update)
    audit_record(
        actor=actor,
        action="areas.import",
        object_type="area",
        object_id=code,
        area_code=code,
        details={"created": result.created, "updated": result.updated, "snapshot": national.SNAPSHOT},
    )
    return result


@transaction.atomic
def areas_make_grids(*, code: str, per_village: int, micro_per_grid: int = 0, actor=None) -> tuple[int, int]:
    """Create N grids in every village under `code` (and M 微网格 per grid); existing ones stay."""
    if not 1 <= per_village <= 999:
        raise DomainError("每村网格数须在 1 到 999 之间。", field="per_village")
    if not 0 <= micro_per_grid <= 999:
        raise DomainError("每网格微网格数须在 0 到 999 之间。", field="micro_per_grid")
    root = _require_area(code)
    villages = list(Area.objects.filter(prefix_q("code", root.code), level=Level.VILLAGE))
    if not villages:
        raise DomainError(f"{root.name}({code}) 下没有村(社区)。", field="code")

    wanted: list[Area] = []
    for village in villages:
        for i in range(1, per_village + 1):
            grid_code = f"{village.code}{i:03d}"
            wanted.append(
                Area(code=grid_code, name=f"{village.name}第{i}网格", level=Level.GRID, parent=village)
            )
            for j in range(1, micro_per_grid + 1):
                wanted.append(
                    Area(
                        code=f"{grid_code}{j:03d}",
                        name=f"{village.name}第{i}网格{j}号微网格",
                        level=Level.MICROGRID,
                        parent_id=grid_code,
                    )
                )
    existing = set(Area.objects.filter(code__in=[a.code for a in wanted]).values_list("code", flat=True))
    new = [a for a in wanted if a.code not in existing]
    Area.objects.bulk_create(new, batch_size=1000)
    grids = sum(1 for a in new if a.level == Level.GRID)
    micro = len(new) - grids
    if new:
        audit_record(
            actor=actor,
            action="areas.make_grids",
            object_type="area",
            object_id=code,
            area_code=code,
            details={"grids": grids, "microgrids": micro, "per_village": per_village},
        )
    return grids, micro


@transaction.atomic
def area_update_grid(
    *, area: Area, actor, name: str, center_lat=None, center_lng=None, boundary=None
) -> Area:
    """Rename a grid and set its centre and GeoJSON boundary (综治中心 staff of the area)."""
    require_role(actor, CENTRE_ROLES, area.code, "修改网格信息")
    if not area.is_grid:
        raise DomainError("只有网格和微网格可以在此修改。", field="code")
    name = (name or "").strip()
    if not name:
        raise DomainError("网格名称不能为空。", field="name")
    if (center_lat is None) != (center_lng is None):
        raise DomainError("中心点须同时给出纬度和经度。", field="center")
    if center_lat is not None and not (-90 <= center_lat <= 90 and -180 <= center_lng <= 180):
        raise DomainError("中心点经纬度超出范围（纬度 -90~90，经度 -180~180）。", field="center")
    if boundary is not None and (problem := polygon_problem(boundary)):
        raise DomainError(problem, field="boundary")
    area.name, area.center_lat, area.center_lng, area.boundary = name, center_lat, center_lng, boundary
    area.save(update_fields=["name", "center_lat", "center_lng", "boundary", "updated_at"])
    audit_record(
        actor=actor, action="areas.update_grid", object_type="area", object_id=area.code, area_code=area.code
    )
    return area
