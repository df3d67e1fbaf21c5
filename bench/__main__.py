"""Run the benchmarks against a scratch database: a temporary SQLite file by default, or the
PostgreSQL database named by BENCH_DATABASE_URL (it is flushed: never point it at real data).

    make bench                      # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1/gongzhi_bench make bench
"""

import os
import sys
import tempfile


def main() -> None:
    scratch = tempfile.mkdtemp(prefix="gongzhi-bench-")
    os.environ["GONGZHI_DEMO"] = "1"
    os.environ["GONGZHI_DATA_DIR"] = scratch
    os.environ["GONGZHI_SQLITE_PATH"] = os.path.join(scratch, "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"engine: {connection.vendor}  ({connection.settings_dict['NAME']})")

    from bench import bench_areas, bench_audit, bench_cases, bench_people_import, bench_points

    only = set(sys.argv[1:])
    for module in (bench_areas, bench_audit, bench_people_import, bench_cases, bench_points):
        name = module.__name__.rsplit(".", 1)[-1]
        if not only or name in only:
            module.run()


if __name__ == "__main__":
    main()
