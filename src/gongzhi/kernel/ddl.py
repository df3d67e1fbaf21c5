"""Run per-vendor DDL (the append-only triggers of the audit trail, the points ledger, the case timeline)."""


def run_for_vendor(connection, statements: dict[str, list[str]], what: str) -> None:
    """Execute the statements written for this connection's database, in order."""
    try:
        sqls = statements[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"no {what} for {connection.vendor}") from None
    with connection.cursor() as cursor:
        for sql in sqls:
            cursor.execute(sql)


def append_only(table: str, name: str, message: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The DDL (install, uninstall) that makes `table` append-only on SQLite and PostgreSQL:
    UPDATE and DELETE of any row (and TRUNCATE, on PostgreSQL) fail with `message`. `name` prefixes
    the triggers and the PostgreSQL function; `message` is ASCII (it reaches logs, not users)."""
    install = {
        "sqlite": [
            f"""CREATE TRIGGER IF NOT EXISTS {name}_no_update BEFORE UPDATE ON {table}
                BEGIN SELECT RAISE(ABORT, '{message}'); END""",
            f"""CREATE TRIGGER IF NOT EXISTS {name}_no_delete BEFORE DELETE ON {table}
                BEGIN SELECT RAISE(ABORT, '{message}'); END""",
        ],
        "postgresql": [
            f"""CREATE OR REPLACE FUNCTION gongzhi_{name}_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql""",
            f"DROP TRIGGER IF EXISTS {name}_no_change ON {table}",
            f"""CREATE TRIGGER {name}_no_change BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION gongzhi_{name}_append_only()""",
            f"DROP TRIGGER IF EXISTS {name}_no_truncate ON {table}",
            f"""CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION gongzhi_{name}_append_only()""",
        ],
    }
    uninstall = {
        "sqlite": [f"DROP TRIGGER IF EXISTS {name}_no_update", f"DROP TRIGGER IF EXISTS {name}_no_delete"],
        "postgresql": [
            f"DROP TRIGGER IF EXISTS {name}_no_change ON {table}",
            f"DROP TRIGGER IF EXISTS {name}_no_truncate ON {table}",
        ],
    }
    return install, uninstall
