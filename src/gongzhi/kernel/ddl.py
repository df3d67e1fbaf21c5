"""Run per-vendor DDL (the append-only triggers of the audit trail and the points ledger)."""


def run_for_vendor(connection, statements: dict[str, list[str]], what: str) -> None:
    """Execute the statements written for this connection's database, in order."""
    try:
        sqls = statements[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"no {what} for {connection.vendor}") from None
    with connection.cursor() as cursor:
        for sql in sqls:
            cursor.execute(sql)
