"""Light checks of GeoJSON geometry sent by users (grid boundaries)."""


def _position_ok(pos) -> bool:
    return (
        isinstance(pos, list | tuple)
        and len(pos) >= 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in pos[:2])
        and -180 <= pos[0] <= 180
        and -90 <= pos[1] <= 90
    )


def _ring_ok(ring) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(_position_ok(p) for p in ring)
        and list(ring[0][:2]) == list(ring[-1][:2])
    )


def polygon_problem(geometry) -> str | None:
    """None when `geometry` is a valid GeoJSON Polygon/MultiPolygon in lng/lat; else a Chinese reason."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return "边界须为 GeoJSON 的 Polygon 或 MultiPolygon。"
    coords = geometry.get("coordinates")
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        return "边界缺少坐标。"
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not all(_ring_ok(r) for r in polygon):
            return "边界坐标无效：每个环至少 4 个 [经度, 纬度] 点，首尾相同，且经纬度在有效范围内。"
    return None
