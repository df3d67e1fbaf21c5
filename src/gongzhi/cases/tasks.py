"""Huey jobs for cases: the deadline sweep every five minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .sweep import cases_sweep


@db_periodic_task(crontab(minute="*/5"))
def sweep_deadlines():
    return cases_sweep()
