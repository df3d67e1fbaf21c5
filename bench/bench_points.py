"""积分制 at county scale (PostgreSQL only): boards over 1,000,000 accounts and 10,000,000 entries,
and ledger posting throughput, each next to the raw SQL doing the same work.

The rows are built set-based in a database of their own (created, migrated and dropped here, on
the server of BENCH_DATABASE_URL, so nothing else is disturbed): households as the accounts (cheap
rows), ten entries each over the last year with running balances (a window sum), the accounts'
balances from the last entry, and the period tallies with one INSERT … SELECT … GROUP BY over the
entries — consistent with the entries, as ledger.post() would have kept them.

    BENCH_POINTS_ACCOUNTS   accounts (default 1,000,000); ten entries each
    BENCH_POINTS_POSTS      ledger.post() calls per throughput run (default 3,000)
    BENCH_POINTS_KEEP=1     keep the database gongzhi_bench_points afterwards
"""

import os
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from bench.timing import best_of, report
from gongzhi.areas.models import Area, Level
from gongzhi.areas.services import areas_import_national, areas_make_grids
from gongzhi.kernel.codes import prefix_q
from gongzhi.points import ledger
from gongzhi.points.catalogue_data import load
from gongzhi.points.choices import EntryKind, Source
from gongzhi.points.honours import selectors
from gongzhi.points.models import PointAccount, PointItem

COUNTY, TOWN, VILLAGE = "420822", "420822110", "420822110209"  # 沙洋县, 高阳镇, 贺集村
DATABASE = "gongzhi_bench_points"
ACCOUNTS = int(os.environ.get("BENCH_POINTS_ACCOUNTS", "1000000"))
PER_ACCOUNT = 10
POSTS = int(os.environ.get("BENCH_POINTS_POSTS", "3000"))
SCORE = "('award', 'deduction', 'adjustment')"


# -- a database of its own ---------------------------------------------------------------------------


class Scratch:
    """Create the bench database next to the configured one, point Django (and every thread's
    connection) at it, migrate; on exit point back and drop it."""

    def __enter__(self):
        self.original = connection.settings_dict["NAME"]
        self._admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', f'CREATE DATABASE "{DATABASE}"')
        connection.close()
        connection.settings_dict["NAME"] = DATABASE  # the same dict every new connection is made from
        call_command("migrate", verbosity=0)
        return self

    def __exit__(self, *exc):
        connection.close()
        connection.settings_dict["NAME"] = self.original
        if os.environ.get("BENCH_POINTS_KEEP") != "1":
            self._admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        else:
            print(f"  kept database {DATABASE}")

    @staticmethod
    def _admin(*statements) -> None:
        with connection.cursor() as cursor:  # autocommit: CREATE/DROP DATABASE cannot run in a transaction
            for sql in statements:
                cursor.execute(sql)


def _sql(label: str, sql: str, params=(), *, count: int | None = None) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    seconds = time.perf_counter() - start
    report(label, seconds, count)
    return seconds


# -- building the rows -------------------------------------------------------------------------------


def _build(now) -> None:
    if not Area.objects.filter(pk=COUNTY).exists():
        areas_import_national(code=COUNTY)
        areas_make_grids(code=COUNTY, per_village=3)
    load(county_code=COUNTY)
    grids = list(
        Area.objects.filter(prefix_q("code", COUNTY), level=Level.GRID)
        .order_by("code")
        .values_list("code", flat=True)
    )
    # Everyday items several times over, so that most entries are worth a few points, some 10 or 20.
    good = [
        (i.pk, i.code, i.name, i.points)
        for i in PointItem.objects.filter(area_id=COUNTY, points__gt=0).order_by("code")
        for _ in range(max(1, 6 - i.points))
    ]
    ids, codes, names, points = ([g[n] for g in good] for n in range(4))
    bad = PointItem.objects.get(area_id=COUNTY, code="KF09")
    entries = ACCOUNTS * PER_ACCOUNT
    print(
        f"\n[points] building {ACCOUNTS:,} household accounts over {len(grids)} grids and {entries:,} entries"
    )
    total = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET work_mem = '1GB'")  # the tallies' GROUP BY hashes 18M groups
        # The rows are derived from rows that exist, so the foreign-key triggers (which would queue
        # tens of millions of deferred checks) are skipped for the load; a superuser setting.
        cursor.execute("SET session_replication_role = replica")
    _sql("INSERT … SELECT generate_series: households", """
        INSERT INTO people_household (household_no, area_code, address, care_colour, care_reason, created_at, updated_at)
        SELECT 'B' || lpad(i::text, 7, '0'), (%s::text[])[1 + i %% cardinality(%s::text[])], '测试地址', 'green', '',
               now(), now()
        FROM generate_series(1, %s) AS i""", [grids, grids, ACCOUNTS], count=ACCOUNTS)  # fmt: skip
    _sql("INSERT … SELECT: one account per household", """
        INSERT INTO points_pointaccount (subject, household_id, area_code, name, balance, entry_count, created_at)
        SELECT 'household', h.id, h.area_code, h.household_no || '户', 0, 0, now()
        FROM people_household h ORDER BY h.id""", count=ACCOUNTS)  # fmt: skip
    # Ten entries per account over the last year, in time order: awards of catalogue items, a
    # deduction now and then (seq 7, every ninth account), a redemption at the end (every fourth);
    # balance_after is the running sum. The secondary indexes are built after the load.
    indexes = _drop_indexes("points_pointentry")
    _sql("INSERT … SELECT generate_series: entries (window sum for balances)", """
        INSERT INTO points_pointentry (account_id, seq, delta, kind, source, source_id, item_id, item_code, item_name,
            reason, actor_id, actor_name, balance_after, idempotency_key, reverses_id, subject, area_code, created_at)
        SELECT account_id, seq, delta, kind, source, '', item_id, item_code, item_name, '', NULL, '网格员',
               SUM(delta) OVER (PARTITION BY account_id ORDER BY seq), '', NULL, 'household', area_code, at
        FROM (
            SELECT a.id AS account_id, s AS seq, a.area_code,
                   CASE WHEN s = 7 AND a.id %% 9 = 0 THEN %s WHEN s = 10 AND a.id %% 4 = 0 THEN -3
                        ELSE (%s::int[])[i] END AS delta,
                   CASE WHEN s = 7 AND a.id %% 9 = 0 THEN 'deduction' WHEN s = 10 AND a.id %% 4 = 0 THEN 'redemption'
                        ELSE 'award' END AS kind,
                   CASE WHEN s = 10 AND a.id %% 4 = 0 THEN 'redemption' ELSE 'declaration' END AS source,
                   CASE WHEN s = 10 AND a.id %% 4 = 0 THEN NULL WHEN s = 7 AND a.id %% 9 = 0 THEN %s
                        ELSE (%s::int[])[i] END AS item_id,
                   CASE WHEN s = 10 AND a.id %% 4 = 0 THEN '' WHEN s = 7 AND a.id %% 9 = 0 THEN %s
                        ELSE (%s::text[])[i] END AS item_code,
                   CASE WHEN s = 10 AND a.id %% 4 = 0 THEN '' WHEN s = 7 AND a.id %% 9 = 0 THEN %s
                        ELSE (%s::text[])[i] END AS item_name,
                   %s::timestamptz - interval '365 days' + (s - 1) * interval '36 days'
                       + ((a.id * 7919) %% 3000000) * interval '1 second' AS at
            FROM points_pointaccount a CROSS JOIN generate_series(1, %s) AS s
            -- a pseudo-random catalogue item per entry (weighted towards the everyday ones)
            CROSS JOIN LATERAL (SELECT 1 + (hashint8(a.id * 16 + s) & 2147483647) %% %s AS i) AS r
        ) t""", [bad.points, points, bad.pk, ids, bad.code, codes, bad.name, names, now, PER_ACCOUNT, len(good)],
         count=entries)  # fmt: skip
    _recreate(indexes)
    _sql("UPDATE accounts: balance and count from their last entry", """
        UPDATE points_pointaccount a SET balance = e.balance_after, entry_count = e.seq
        FROM points_pointentry e WHERE e.account_id = a.id AND e.seq = %s""", [PER_ACCOUNT], count=ACCOUNTS)  # fmt: skip
    tally_indexes = _drop_indexes("points_pointtally")
    _sql("INSERT … SELECT … GROUP BY: tallies of every account and period", f"""
        INSERT INTO points_pointtally (account_id, period, subject, area_code, score, entries)
        SELECT e.account_id, p.period, 'household', MIN(e.area_code),
               SUM(CASE WHEN e.kind IN {SCORE} THEN e.delta ELSE 0 END), COUNT(*)
        FROM points_pointentry e
        CROSS JOIN LATERAL (VALUES ('all'), (to_char(e.created_at AT TIME ZONE %s, 'YYYY')),
                                   (to_char(e.created_at AT TIME ZONE %s, 'YYYY"Q"Q')),
                                   (to_char(e.created_at AT TIME ZONE %s, 'YYYY-MM'))) AS p(period)
        GROUP BY e.account_id, p.period""", [settings.TIME_ZONE] * 3)  # fmt: skip
    _recreate(tally_indexes)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("RESET work_mem")
    _sql("VACUUM ANALYZE", "VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM points_pointtally")
        tallies = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    report(f"built ({tallies:,} tally rows; database {size})", time.perf_counter() - total)


def _drop_indexes(table: str) -> list[str]:
    """Drop the table's plain indexes (not its primary key) for the load; return their definitions."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT i.indexname, i.indexdef, c.conname FROM pg_indexes i
            LEFT JOIN pg_constraint c ON c.conname = i.indexname
            WHERE i.tablename = %s AND i.indexname NOT LIKE %s""", [table, "%_pkey"])  # fmt: skip
        rows = cursor.fetchall()
        for name, _, constraint in rows:
            cursor.execute(
                f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' if constraint else f'DROP INDEX "{name}"'
            )
    return [(table, name, definition, constraint) for name, definition, constraint in rows]


def _recreate(indexes) -> None:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for table, name, definition, constraint in indexes:
            cursor.execute(definition)
            if constraint:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{name}"')
    report(f"  + {len(indexes)} indexes of {indexes[0][0] if indexes else '-'} built after the load",
           time.perf_counter() - start)  # fmt: skip


# -- boards ------------------------------------------------------------------------------------------


TALLY_SQL = """
    SELECT account_id, score FROM points_pointtally
    WHERE period = %s AND subject = 'household' AND area_code >= %s AND area_code < %s
    ORDER BY score DESC, account_id LIMIT 50"""


def _raw_tallies(area: str, period: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(TALLY_SQL, [period, *_range(area)])
        return cursor.fetchall()


def _plan(area: str, period: str) -> None:
    """The plan of the board's query, to see where the time goes."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + TALLY_SQL, [period, *_range(area)])
        for (line,) in cursor.fetchall()[:12]:
            print(f"      {line}")


def _raw_entries(area: str, period: str) -> list:
    low, high = _range(area)
    span = selectors.period_range(period)
    where, params = "", [low, high]
    if span is not None:
        where, params = "AND created_at >= %s AND created_at < %s", [low, high, *span]
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT account_id, SUM(delta) AS score FROM points_pointentry
            WHERE area_code >= %s AND area_code < %s AND subject = 'household' AND kind IN {SCORE} {where}
            GROUP BY account_id ORDER BY score DESC, account_id LIMIT 50""", params)  # fmt: skip
        return cursor.fetchall()


def _range(area: str) -> tuple[str, str]:
    q = prefix_q("area_code", area)
    bounds = dict(q.children)
    return bounds["area_code__gte"], bounds["area_code__lt"]


def _boards(now) -> None:
    local = timezone.localtime(now)
    year, quarter = f"{local.year}", f"{local.year}Q{(local.month - 1) // 3 + 1}"
    print(
        f"\n[points] boards (household subject, top 50), {ACCOUNTS:,} accounts, {ACCOUNTS * PER_ACCOUNT:,} entries"
    )
    for area, label in ((COUNTY, "county 沙洋县"), (TOWN, "town 高阳镇"), (VILLAGE, "village 贺集村")):
        for period, what in ((year, "year"), (quarter, "quarter"), ("all", "all-time")):
            if area == TOWN and period != year:
                continue
            rows = selectors.board(area_code=area, period=period, subject="household", limit=50)
            tallies = _raw_tallies(area, period)
            entries = _raw_entries(area, period)
            assert [(r.account_id, r.score) for r in rows] == tallies == entries, (area, period)
            report(f"selectors.board {label}, {what} ({period})",
                   best_of(lambda a=area, p=period: selectors.board(area_code=a, period=p, subject="household")))  # fmt: skip
            report("  raw SQL over the tally table", best_of(lambda a=area, p=period: _raw_tallies(a, p)))
            if area == COUNTY and period == year:
                _plan(area, period)
            report(
                "  raw SQL GROUP BY over the entries", best_of(lambda a=area, p=period: _raw_entries(a, p), 2)
            )
    report(f"selectors.participation county, year ({year})",
           best_of(lambda: selectors.participation(area_code=COUNTY, period=year), 2))  # fmt: skip
    account = PointAccount.objects.filter(prefix_q("area_id", VILLAGE)).order_by("pk").first()
    report("selectors.rank_of one account on the county board, year",
           best_of(lambda: selectors.rank_of(account=account, period=year, area_code=COUNTY)))  # fmt: skip


# -- posting -----------------------------------------------------------------------------------------


def _post_many(ids: list[int], item) -> None:
    for pk in ids:
        account = PointAccount(pk=pk)
        ledger.post(account=account, delta=item.points, kind=EntryKind.AWARD, source=Source.DIRECT, item=item,
                    reason="bench")  # fmt: skip
    connection.close()


def _threads(label: str, groups: list[list[int]], item) -> None:
    threads = [threading.Thread(target=_post_many, args=(ids, item)) for ids in groups]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report(label, time.perf_counter() - start, sum(len(g) for g in groups))


def _raw_posts(ids: list[int], item, now) -> None:
    """The same work ledger.post() does, as bare SQL: lock the account, append the entry with the
    next sequence and running balance, move the balance, upsert the four period tallies."""
    keys = ledger.period_keys(now)
    with connection.cursor() as cursor:
        for pk in ids:
            with transaction.atomic():
                cursor.execute("SELECT balance, entry_count, subject, area_code FROM points_pointaccount"
                               " WHERE id = %s FOR UPDATE", [pk])  # fmt: skip
                balance, count, subject, area = cursor.fetchone()
                cursor.execute("""
                    INSERT INTO points_pointentry (account_id, seq, delta, kind, source, source_id, item_id, item_code,
                        item_name, reason, actor_name, balance_after, idempotency_key, subject, area_code, created_at)
                    VALUES (%s, %s, %s, 'award', 'direct', '', %s, %s, %s, 'bench', '系统', %s, '', %s, %s, %s)""",
                               [pk, count + 1, item.points, item.pk, item.code, item.name, balance + item.points, subject,
                                area, now])  # fmt: skip
                cursor.execute("UPDATE points_pointaccount SET balance = %s, entry_count = %s WHERE id = %s",
                               [balance + item.points, count + 1, pk])  # fmt: skip
                cursor.execute("""
                    INSERT INTO points_pointtally (account_id, period, subject, area_code, score, entries)
                    SELECT %s, p, %s, %s, %s, 1 FROM unnest(%s::text[]) AS p
                    ON CONFLICT (account_id, period) DO UPDATE
                    SET score = points_pointtally.score + EXCLUDED.score, entries = points_pointtally.entries + 1""",
                               [pk, subject, area, item.points, keys])  # fmt: skip


def _raw_inserts(ids: list[int], item, now) -> None:
    with connection.cursor() as cursor:
        for n, pk in enumerate(ids):
            with transaction.atomic():
                cursor.execute("""
                    INSERT INTO points_pointentry (account_id, seq, delta, kind, source, source_id, item_id, item_code,
                        item_name, reason, actor_name, balance_after, idempotency_key, subject, area_code, created_at)
                    VALUES (%s, %s, %s, 'award', 'direct', '', %s, %s, %s, 'bench', '系统', 0, '', 'household', %s, %s)""",
                               [pk, 1_000_000 + n, item.points, item.pk, item.code, item.name, VILLAGE + "001", now])  # fmt: skip


def _posting(now) -> None:
    item = PointItem.objects.get(area_id=COUNTY, code="HX27")
    ids = list(PointAccount.objects.order_by("?").values_list("pk", flat=True)[: POSTS * 4])
    print(
        f"\n[points] ledger posting, {POSTS:,} awards per run, one transaction each, accounts picked at random"
    )
    start = time.perf_counter()
    _post_many(ids[:POSTS], item)
    report("ledger.post(), one thread", time.perf_counter() - start, POSTS)
    for n in (2, 4, 8):
        share = POSTS // n
        chunk = ids[POSTS : POSTS + share * n]
        _threads(f"ledger.post(), {n} threads (different accounts)", [chunk[i::n] for i in range(n)], item)
    hot = ids[-1:]
    _threads("ledger.post(), 4 threads on ONE account (row lock serialises)", [hot * (POSTS // 8)] * 4, item)
    start = time.perf_counter()
    _raw_posts(ids[-POSTS - 1 : -1], item, now)
    report(
        "raw SQL of the same work (lock, insert, balance, 4 tally upserts)",
        time.perf_counter() - start,
        POSTS,
    )
    start = time.perf_counter()
    accounts, entries, problems = ledger.verify()
    report(
        f"points_verify over {accounts:,} accounts / {entries:,} entries",
        time.perf_counter() - start,
        entries,
    )
    print(f"  verify: {len(problems)} problems" + (f" (first: {problems[0]})" if problems else ""))
    # Last, as it leaves the ledger unsound on purpose: entries with no balance or sequence kept.
    start = time.perf_counter()
    _raw_inserts(ids[:POSTS], item, now)
    report(
        "raw SQL INSERT of the entry alone (no lock, balance or tallies)", time.perf_counter() - start, POSTS
    )


def run() -> None:
    if connection.vendor != "postgresql":
        print("\n[points] skipped: the 积分制 bench builds 10,000,000 entries with PostgreSQL's generate_series;"
              " run it with BENCH_DATABASE_URL=postgres://…")  # fmt: skip
        return
    now = timezone.now() - timedelta(minutes=5)
    with Scratch():
        _build(now)
        _boards(now)
        _posting(now)
