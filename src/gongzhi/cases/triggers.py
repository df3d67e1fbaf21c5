"""Database triggers that make the case timeline (cases_caseevent) append-only, on SQLite and
PostgreSQL: a step of a case is written once; a correction is a new step.

So a case that has steps (every case has its submit step) cannot be deleted either: cases are
records, closed or merged but never removed."""

from gongzhi.kernel.ddl import append_only, run_for_vendor

TABLE = "cases_caseevent"
_INSTALL, _UNINSTALL = append_only(TABLE, "case_event", "case events are append-only")


def install(connection) -> None:
    run_for_vendor(connection, _INSTALL, "case timeline triggers")


def uninstall(connection) -> None:
    """Only for tests that remove the rows they committed, and for `gongzhi flush` in development."""
    run_for_vendor(connection, _UNINSTALL, "case timeline triggers")
