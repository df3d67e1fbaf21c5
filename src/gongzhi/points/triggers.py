"""Database triggers that make the points ledger append-only, on SQLite and PostgreSQL."""

from gongzhi.kernel.ddl import run_for_vendor

TABLE = "points_pointentry"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS point_entry_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'point entries are append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS point_entry_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'point entries are append-only'); END""",
]
_SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS point_entry_no_update",
    "DROP TRIGGER IF EXISTS point_entry_no_delete",
]
_PG_INSTALL = [
    """CREATE OR REPLACE FUNCTION gongzhi_point_entry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'point entries are append-only'; END; $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS point_entry_no_change ON {TABLE}",
    f"""CREATE TRIGGER point_entry_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION gongzhi_point_entry_append_only()""",
    f"DROP TRIGGER IF EXISTS point_entry_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER point_entry_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION gongzhi_point_entry_append_only()""",
]
_PG_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS point_entry_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS point_entry_no_truncate ON {TABLE}",
]


def install(connection) -> None:
    run_for_vendor(connection, {"postgresql": _PG_INSTALL, "sqlite": _SQLITE_INSTALL}, "ledger triggers")


def uninstall(connection) -> None:
    """Only for tests that prove a tampered ledger is caught, and for `gongzhi flush` in development."""
    run_for_vendor(connection, {"postgresql": _PG_UNINSTALL, "sqlite": _SQLITE_UNINSTALL}, "ledger triggers")
