"""Background work of the audit app (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .checkpoint import write_checkpoint


@db_periodic_task(crontab(hour="2", minute="50"))
def checkpoint_daily():
    """Anchor the chain heads outside the database every night (kernel/checkpoints.py)."""
    write_checkpoint()
