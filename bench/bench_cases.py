"""Cases: intake through the API next to raw INSERTs of the same rows; then, with a million cases in
the table, a town's work queue page and the statistics of the county and of a town.

    BENCH_INTAKE   reports posted through the API (default 2,000)
    BENCH_CASES    cases in the table for the reads (default 1,000,000 on PostgreSQL, 200,000 on
                   SQLite); rows are generated with COPY (PostgreSQL) or executemany (SQLite)
"""

import os
import random
import time
from datetime import UTC, datetime, timedelta

from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.timing import best_of, report
from gongzhi.accounts.models import Department
from gongzhi.accounts.services import department_create, token_issue, user_grant_role
from gongzhi.areas.models import Area, Level
from gongzhi.areas.services import areas_import_national, areas_make_grids
from gongzhi.cases import deadlines
from gongzhi.cases.models import Case, CaseCounter
from gongzhi.cases.services import case_submit
from gongzhi.demo.case_texts import DISPUTES, OTHER_KINDS
from gongzhi.kernel.codes import prefix_q

COUNTY, TOWN, VILLAGE = "420822", "420822110", "420822110209"  # 沙洋县, 高阳镇, 贺集村
GRID = VILLAGE + "001"
PASSWORD = "Bench@Pass2026"
N_INTAKE = int(os.environ.get("BENCH_INTAKE", "2000"))
REPORT = {"channel": "h5", "kind": "sanitation", "description": "村口垃圾池已经满了好几天，垃圾堆到路边，臭味很大。",
          "area_code": GRID, "lat": 30.7012, "lng": 112.4321, "address": "高阳镇贺集村一组路口垃圾池"}  # fmt: skip
# The columns a generated case fills (the rest keep their defaults).
COLUMNS = [
    "number", "channel", "kind", "category", "title", "description", "urgency", "concern", "area_code",
    "handling_area_code", "lat", "lng", "address", "anonymous", "contact_name", "contact_phone_cipher",
    "contact_phone_masked", "status", "supervision", "accept_due", "resolve_due", "accepted_at", "resolved_at",
    "closed_at", "overdue_at", "rework_count", "settled_level", "rating", "rating_comment", "rated_at",
    "extension_reason", "idempotency_key", "version", "created_at", "updated_at",
]  # fmt: skip


def _setup():
    if not Area.objects.filter(pk=COUNTY).exists():
        areas_import_national(code=COUNTY)
    if not Area.objects.filter(prefix_q("code", COUNTY), level=Level.GRID).exists():
        areas_make_grids(code=COUNTY, per_village=3)
    justice = Department.objects.filter(name="高阳镇司法所").first() or department_create(
        name="高阳镇司法所", kind="justice", area_code=TOWN
    )
    users = {}
    for username, role, area, dept in [
        ("bench_resident", "resident", GRID, None), ("bench_village", "village_staff", VILLAGE, None),
        ("bench_village2", "village_staff", VILLAGE, None), ("bench_town", "town_staff", TOWN, None),
        ("bench_county", "county_staff", COUNTY, None), ("bench_sfs", "dept_staff", TOWN, justice),
    ]:  # fmt: skip
        users[username] = user_grant_role(username=username, role=role, area_code=area, password=PASSWORD,
                                          department=dept).user  # fmt: skip
    return users


def _db(row):
    """Values for a raw statement: SQLite keeps datetimes as naive UTC text, as the ORM writes them."""
    if connection.vendor != "sqlite":
        return row
    adapt = connection.ops.adapt_datetimefield_value
    return [adapt(v) if isinstance(v, datetime) else v for v in row]


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {token_issue(user=user, name='bench')[1]}"}


# -- intake --------------------------------------------------------------------------------------


def _intake(users) -> None:
    print(f"\n[cases] intake of {N_INTAKE:,} reports by a resident (随手拍), one transaction each")
    client, headers = Client(), _bearer(users["bench_resident"])
    reset_queries()  # a request resets the log; start from an empty one so the capture sees it all
    with CaptureQueriesContext(connection) as one:
        response = client.post("/api/v1/cases/", REPORT, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    first_id, statements = response.json()["id"], len(one.captured_queries)
    start = time.perf_counter()
    for _ in range(N_INTAKE - 1):
        response = client.post("/api/v1/cases/", REPORT, content_type="application/json", headers=headers)
        assert response.status_code == 201
    report(f"POST /api/v1/cases/ (test Client, bearer token; {statements} queries each)",
           time.perf_counter() - start, N_INTAKE - 1)  # fmt: skip
    start = time.perf_counter()
    for _ in range(N_INTAKE):
        case_submit(actor=users["bench_resident"], data=dict(REPORT))
    report("case_submit() called directly (no HTTP, no JSON)", time.perf_counter() - start, N_INTAKE)

    # The same rows again, as bare INSERTs of the case and its first event.
    cases = list(
        Case.objects.filter(pk__gte=first_id).order_by("pk").values_list(*_model_columns())[:N_INTAKE]
    )
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    insert_case = f"INSERT INTO cases_case ({', '.join(COLUMNS)}) VALUES ({placeholders}) RETURNING id"  # noqa: S608
    insert_event = (
        "INSERT INTO cases_caseevent (case_id, action, actor_id, actor_name, from_status, to_status, note,"
        " internal, data, created_at) VALUES (%s, 'submit', %s, %s, '', 'submitted', '经随手拍/H5反映', %s, '{}', %s)"
    )
    resident = users["bench_resident"]
    with connection.cursor() as cursor:
        start = time.perf_counter()
        for i, row in enumerate(cases):
            row = list(row)
            row[0] = f"RAW-{i:09d}"
            with transaction.atomic():
                cursor.execute(insert_case, _db(row))
                case_id = cursor.fetchone()[0]
                cursor.execute(insert_event, _db([case_id, resident.pk, resident.username, False, row[-2]]))
        report("raw SQL INSERT of the same case + event, one transaction each", time.perf_counter() - start,
               len(cases))  # fmt: skip
    print("  per intake the service also bumps the county counter, writes the audit chain (4 statements)"
          " and notifies the village centre's staff")  # fmt: skip


def _model_columns() -> list[str]:
    names = {f.column: f.attname for f in Case._meta.concrete_fields}
    return [names[c] for c in COLUMNS]


# -- a million cases -----------------------------------------------------------------------------


def _wanted() -> int:
    default = "1000000" if connection.vendor == "postgresql" else "200000"
    return int(os.environ.get("BENCH_CASES", default))


def _offsets(now: datetime) -> dict:
    """Deadline offsets per (kind, urgency, level), read before the COPY starts: the generator
    must not touch the connection while it is copying (psycopg would wait for itself)."""
    offsets = {}
    for kind in ("dispute", "sanitation"):
        for urgency in ("normal", "urgent"):
            for level in ("village", "town", "county"):
                accept_due, resolve_due = deadlines.due_dates(kind, urgency, level, now)
                offsets[(kind, urgency, level)] = (accept_due - now, resolve_due - now)
    return offsets


def _rows(count: int, leaves: list[str], now: datetime, counters: dict, due: dict):
    """`count` cases over the last three years, in the order they came in (as a table fills up in
    real life, so recent cases sit together): mostly closed, the recent ones often still open,
    settled mostly in the village; the statuses and times hang together as in the demo."""
    rng = random.Random(1_000_000)
    span = timedelta(days=3 * 365)
    texts = [t for ts in DISPUTES.values() for t in ts] + [t for ts in OTHER_KINDS.values() for t in ts]
    for i in range(count):
        created = now - span + span * ((i + rng.random()) / count)
        age = (now - created).days
        year = created.astimezone(UTC).year
        counters[year] = counters.get(year, 0) + 1
        leaf = leaves[i % len(leaves)]
        text = texts[i % len(texts)]
        kind = "dispute" if text.parties or i % 3 == 0 else "sanitation"
        urgency = "normal" if i % 40 else "urgent"
        level_code = rng.random()
        handling = leaf[:12] if level_code < 0.88 else leaf[:9] if level_code < 0.98 else leaf[:6]
        level = {12: "village", 9: "town", 6: "county"}[len(handling)]
        accept_in, resolve_in = due[(kind, urgency, level)]
        open_share = 0.6 if age < 3 else 0.2 if age < 14 else 0.003
        roll = rng.random()
        accepted = created + timedelta(hours=rng.uniform(0.2, 20))
        status = "closed"
        if roll < open_share:
            status = rng.choice(["submitted", "accepted", "assigned", "assigned", "resolved"])
        elif roll < open_share + 0.015:
            status = "rejected"
        elif roll < open_share + 0.025:
            status = "merged"
        closed = resolved = rated = None
        rating = settled = ""
        if status in ("resolved", "closed"):
            resolved = accepted + resolve_in * rng.uniform(0.05, 0.8)
            settled = level
        if status == "closed":
            closed = resolved + timedelta(hours=rng.uniform(1, 16))
            if rng.random() < 0.3:
                rating = "dissatisfied" if rng.random() < 0.025 else "satisfied"
                rated = closed + timedelta(hours=rng.uniform(1, 48))
        if status in ("rejected", "merged"):
            closed = created + timedelta(hours=rng.uniform(1, 20))
        resolve_due = accepted + resolve_in
        overdue = (
            resolve_due
            if status in ("submitted", "accepted", "assigned", "resolved") and resolve_due < now
            else None
        )
        last = max(t for t in (created, accepted, resolved, closed, rated) if t is not None)
        yield (
            f"{COUNTY}-{year}-{counters[year]:06d}", "grid" if i % 4 == 0 else "h5", kind,
            "neighbour" if kind == "dispute" else "", text.title[:100], text.body, urgency, "low", leaf, handling,
            30.5 + rng.random() * 0.4, 112.3 + rng.random() * 0.5, "高阳镇贺集村一组", False, "", "", "", status,
            "normal" if overdue else "", created + accept_in, resolve_due,
            accepted if status not in ("submitted", "rejected", "merged") else None, resolved, closed, overdue,
            0, settled, rating, "", rated, "", "", 3, created, last,
        )  # fmt: skip


def _load() -> int:
    wanted = _wanted()
    have = Case.objects.count()
    if have >= wanted:
        return have
    leaves = list(
        Area.objects.filter(prefix_q("code", COUNTY), level__in=[Level.GRID, Level.MICROGRID])
        .order_by("code")
        .values_list("code", flat=True)
    )
    counters = {c.year: c.last for c in CaseCounter.objects.filter(county_code=COUNTY)}
    now = timezone.now()
    count = wanted - have
    print(f"\n[cases] generating {count:,} cases in 沙洋县 ({len(leaves)} grids) for the reads")
    start = time.perf_counter()
    rows = _rows(count, leaves, now, counters, _offsets(now))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY cases_case ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO cases_case ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"  # noqa: S608
            batch = []
            for row in rows:
                batch.append(_db(row))
                if len(batch) == 10_000:
                    cursor.executemany(sql, batch)
                    batch = []
            cursor.executemany(sql, batch)
        for year, last in counters.items():
            CaseCounter.objects.update_or_create(county_code=COUNTY, year=year, defaults={"last": last})
    label = "COPY" if connection.vendor == "postgresql" else "executemany"
    report(f"{label} {count:,} generated cases (all indexes in place)", time.perf_counter() - start, count)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case" if connection.vendor == "postgresql" else "ANALYZE")
    report("ANALYZE", time.perf_counter() - start)
    return Case.objects.count()


# -- reads ---------------------------------------------------------------------------------------


def _explain(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [" ".join(str(c) for c in row) for row in cursor.fetchall()]


def _timed_get(label: str, client: Client, path: str, headers: dict | None = None, repeat: int = 5):
    """Best of `repeat`, the query count, and the slowest query of one more run with its plan."""

    def get():
        response = client.get(path, headers=headers or {})
        assert response.status_code == 200, (path, response.status_code)

    get()  # warm the caches (sessions, templates, plans) before timing
    report(label, best_of(get, repeat))
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        get()
    slow = sorted(queries.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    total = sum(float(q["time"]) for q in queries.captured_queries)
    print(f"    {len(queries)} queries, {total * 1000:.1f} ms in the database; slowest "
          + ", ".join(f"{float(q['time']) * 1000:.1f}" for q in slow[:5]) + " ms")  # fmt: skip
    return slow


def _reads(users, total: int) -> None:
    open_cases = Case.objects.exclude(status__in=["closed", "rejected", "merged"]).count()
    in_town = Case.objects.filter(prefix_q("area_id", TOWN)).count()
    print(f"\n[cases] reads with {total:,} cases in the table ({open_cases:,} open; {in_town:,} in 高阳镇)")
    town = Client()
    town.force_login(users["bench_town"])
    slow = _timed_get("GET /cases/?queue=todo as 高阳镇 staff (page of 30 + 5 tab counts)", town,
                      "/cases/?queue=todo")  # fmt: skip
    _show_plan(slow[0])
    county = Client()
    county.force_login(users["bench_county"])
    _timed_get("GET /cases/?queue=todo as 沙洋县 staff", county, "/cases/?queue=todo")
    headers = _bearer(users["bench_county"])
    slow = _timed_get("GET /api/v1/stats/cases?area=420822 (the county)", county,
                      f"/api/v1/stats/cases?area={COUNTY}", headers, repeat=3)  # fmt: skip
    _show_plan(slow[0])
    _timed_get("GET /api/v1/stats/cases?area=420822110 (高阳镇)", town, f"/api/v1/stats/cases?area={TOWN}",
               _bearer(users["bench_town"]))  # fmt: skip
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    _timed_get("GET /api/v1/stats/cases?area=420822&since=<30 days ago>", county,
               f"/api/v1/stats/cases?area={COUNTY}&since={since}", headers)  # fmt: skip


def _show_plan(query: dict) -> None:
    print(f"    slowest: {query['sql'][:300]}{'…' if len(query['sql']) > 300 else ''}")
    for line in _explain(query["sql"])[:14]:
        print(f"      {line}")


def run() -> None:
    users = _setup()
    _intake(users)
    total = _load()
    _reads(users, total)
