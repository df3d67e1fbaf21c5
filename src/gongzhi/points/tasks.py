"""Huey jobs for points: remind reviewers hourly of declarations past their deadline (once each)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import overdue_declarations_remind


@db_periodic_task(crontab(minute="7"))
def remind_overdue_declarations():
    """Hourly: tell reviewers once about declarations past their deadline."""
    return overdue_declarations_remind()
