"""Background work of the registry: uploaded workbook imports, and clearing old uploads."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .excel.jobs import import_files_purge, import_job_execute


@db_task()
def import_job_run(job_id: int) -> None:
    """Import one uploaded workbook; a second run of the same job does nothing."""
    import_job_execute(job_id)


@db_periodic_task(crontab(hour="3", minute="20"))
def import_uploads_purge() -> None:
    """Nightly: remove uploads of failed imports that nobody came back to correct."""
    import_files_purge()
