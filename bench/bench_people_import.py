"""People workbook import: 100,000 valid rows across 沙洋县's grids, next to openpyxl reading alone."""

import os
import resource
import tempfile
import time
from datetime import date, timedelta

import openpyxl

from bench.timing import report
from gongzhi.areas.models import Area, Level
from gongzhi.areas.services import areas_import_national, areas_make_grids
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.identity import gb11643_check_digit
from gongzhi.people.excel.importer import people_import
from gongzhi.people.excel.workbook import PEOPLE_COLUMNS, SHEET_TITLE
from gongzhi.people.models import Household, Person

COUNTY = "420822"  # 沙洋县
N = int(os.environ.get("BENCH_PEOPLE", "100000"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英志强桂兰文华玉梅德明春花海燕红霞永军丽娟"
HEADERS = [
    "姓名", "公民身份号码", "联系电话", "网格编码", "民族", "政治面貌", "学历", "职业", "人口类型",
    "现住址", "户号", "与户主关系", "标签", "流入原因", "登记日期",
]  # fmt: skip
RELATIONS = ["户主", "配偶", "子", "女"]


def _id_number(i: int) -> str:
    # Birth dates cycle over ~60 years; the sequence part keeps numbers unique past one cycle.
    born = date(1950, 1, 1) + timedelta(days=i % 21900)
    body = f"{COUNTY}{born:%Y%m%d}{i // 21900:02d}{i % 10}"
    return body + gb11643_check_digit(body)


def _rows(grids: list[str], occupation: str):
    per_grid = N // len(grids) + 1
    for i in range(N):
        grid = grids[i // per_grid]
        household = i // 4
        floating = i % 10 == 9
        yield [
            SURNAMES[i % 20] + GIVEN[i % 23] + GIVEN[(i // 23) % 23],
            _id_number(i),
            f"139{i:08d}",
            grid,
            "汉族",
            "中共党员" if i % 17 == 0 else "群众",
            "高中",
            occupation,
            "流动人口" if floating else "户籍人口",
            f"{grid[-6:-3]}组 {household % 500 + 1} 号",
            f"{household:06d}",
            RELATIONS[i % 4],
            "志愿者" if i % 50 == 0 else "",
            "务工" if floating else "",
            "2024-03-01" if floating else "",
        ]


def _write(path: str, grids: list[str], occupation: str) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    ws.append(HEADERS)
    for row in _rows(grids, occupation):
        ws.append(row)
    wb.save(path)


def _read_only(path: str) -> int:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True)) - 1
    wb.close()
    return n


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(label: str, fn, items: int):
    start = time.perf_counter()
    value = fn()
    report(label, time.perf_counter() - start, items)
    return value


def _import(label: str, path: str) -> None:
    """Time one import, and the part of it spent in its transaction (the write lock on SQLite)."""
    marks = {}

    def progress(done: int, total: int) -> None:
        # The last fifth of the writing step is the transaction (see excel_write.prepare).
        if total and done >= total - total // 15 and "prepared" not in marks:
            marks["prepared"] = time.perf_counter()
        marks["end"] = time.perf_counter()

    result = _timed(label, lambda: people_import(actor=None, source=path, progress=progress), N)
    report("  of which the one transaction (write lock held)", marks["end"] - marks["prepared"], N)
    print(f"  {result.as_dict()}")


def run() -> None:
    assert set(HEADERS) <= {c.header for c in PEOPLE_COLUMNS}
    print(f"\n[people] import a workbook of {N:,} people across 沙洋县's grids")
    areas_import_national(code=COUNTY)
    if not Area.objects.filter(prefix_q("code", COUNTY), level=Level.GRID).exists():
        areas_make_grids(code=COUNTY, per_village=3)
    grids = list(
        Area.objects.filter(prefix_q("code", COUNTY), level=Level.GRID)
        .order_by("code")
        .values_list("code", flat=True)
    )
    with tempfile.TemporaryDirectory(prefix="gongzhi-bench-people-") as scratch:
        _workbooks(scratch, grids)


def _workbooks(scratch: str, grids: list[str]) -> None:
    first, second = os.path.join(scratch, "people.xlsx"), os.path.join(scratch, "people-changed.xlsx")
    _timed(
        f"write the workbook (openpyxl write-only, {len(grids)} grids)",
        lambda: _write(first, grids, "务农"),
        N,
    )
    print(f"  file size {os.path.getsize(first) / 1024 / 1024:.1f} MB")
    _timed("openpyxl alone: read every row (read-only)", lambda: _read_only(first), N)
    before = _peak_mb()
    _import("people_import, first run (all new)", first)
    print(f"  in the database: {Person.objects.count():,} people, {Household.objects.count():,} households")
    _import("people_import, same file again (matched, unchanged)", first)
    _write(second, grids, "个体经营")
    _import("people_import, every row changed (updates)", second)
    print(f"  peak memory of the process: {_peak_mb():,.0f} MB ({before:,.0f} MB before the imports)")
