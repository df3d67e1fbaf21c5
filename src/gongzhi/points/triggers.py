"""Database triggers that make the points ledger append-only, on SQLite and PostgreSQL."""

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


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return _PG_INSTALL if install else _PG_UNINSTALL
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_UNINSTALL
    raise NotImplementedError(f"no ledger triggers for {vendor}")


def install(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, True):
            cursor.execute(sql)


def uninstall(connection) -> None:
    """Only for tests that prove a tampered ledger is caught, and for `gongzhi flush` in development."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, False):
            cursor.execute(sql)
