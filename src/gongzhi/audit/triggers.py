"""Database triggers that make the audit table append-only, on SQLite and PostgreSQL."""

from gongzhi.kernel.ddl import run_for_vendor

TABLE = "audit_auditevent"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    # The chain head only moves forward: rewinding it would hide a cut-off tail.
    """CREATE TRIGGER IF NOT EXISTS audit_head_forward BEFORE UPDATE ON audit_chainhead
        WHEN NEW.seq < OLD.seq BEGIN SELECT RAISE(ABORT, 'audit chain head only moves forward'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_chainhead
        BEGIN SELECT RAISE(ABORT, 'audit chain head only moves forward'); END""",
]
_SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_forward",
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
]

_PG_INSTALL = [
    """CREATE OR REPLACE FUNCTION gongzhi_audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}",
    f"""CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION gongzhi_audit_append_only()""",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION gongzhi_audit_append_only()""",
    # The chain head only moves forward: rewinding it would hide a cut-off tail.
    """CREATE OR REPLACE FUNCTION gongzhi_audit_head_forward() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq THEN
           RAISE EXCEPTION 'audit chain head only moves forward';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS audit_head_forward ON audit_chainhead",
    """CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_chainhead
        FOR EACH ROW EXECUTE FUNCTION gongzhi_audit_head_forward()""",
]
_PG_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    "DROP TRIGGER IF EXISTS audit_head_forward ON audit_chainhead",
]


def install(connection) -> None:
    run_for_vendor(connection, {"postgresql": _PG_INSTALL, "sqlite": _SQLITE_INSTALL}, "audit triggers")


def uninstall(connection) -> None:
    """Only for tests that prove tampering is caught, and for `gongzhi flush` in development."""
    run_for_vendor(connection, {"postgresql": _PG_UNINSTALL, "sqlite": _SQLITE_UNINSTALL}, "audit triggers")
