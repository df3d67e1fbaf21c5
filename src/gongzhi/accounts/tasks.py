"""Huey jobs for accounts: the nightly sweep of accounts unused for too long."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .administration import disable_inactive


@db_periodic_task(crontab(hour="2", minute="40"))
def disable_inactive_accounts():
    return disable_inactive()
