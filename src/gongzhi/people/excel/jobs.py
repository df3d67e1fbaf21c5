"""Uploaded workbooks imported in the background: accept an upload, run it, report its progress."""

import logging
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.jurisdiction import has_role
from gongzhi.kernel.office import NOT_XLSX, xlsx_inspect

from .. import rules
from ..models import ImportJob
from .importer import STEPS, ImportRejected, people_import
from .workbook import error_workbook

log = logging.getLogger(__name__)

KEEP_FAILED_DAYS = 7
_ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive; a renamed .xls or .csv is not


def check_upload(upload) -> None:
    """Refuse anything but a sound .xlsx within the limits, in words the uploader understands.

    Only the zip's directory and each sheet's first bytes are read (kernel.office.xlsx_inspect), so
    a zip bomb is refused here, in the request, before it is stored or inflated."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise DomainError(
            "只能上传 Excel 工作簿（.xlsx）。旧版 .xls 或 WPS 文件请先另存为 .xlsx。", field="file"
        )
    limit = settings.UPLOAD_MAX_WORKBOOK_BYTES
    if upload.size > limit:
        raise DomainError(
            f"文件大小为 {upload.size / 1024 / 1024:.1f} MB，超过 {limit // 1024 // 1024} MB 的上限；"
            "请分成几个工作簿上传。",
            field="file",
        )
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != _ZIP_MAGIC:
        raise DomainError(NOT_XLSX, field="file")
    xlsx_inspect(upload)


@transaction.atomic
def import_job_create(*, actor, upload) -> ImportJob:
    """Store an upload and queue its import (after commit, so the worker finds the job)."""
    if not has_role(actor, rules.WRITE_ROLES):
        raise Forbidden("只有网格员和综治中心工作人员可以导入人口信息。")
    check_upload(upload)
    original = os.path.basename(upload.name)[:200]
    upload.name = "upload.xlsx"  # the stored name is ours; the user's name is kept only for display
    job = ImportJob.objects.create(owner=actor, file=upload, filename=original)
    from ..tasks import import_job_run

    transaction.on_commit(lambda: import_job_run(job.pk))
    return job


def _progress_path(job: ImportJob) -> Path:
    # A file beside the upload: the import writes in one long transaction, so a progress row in the
    # database would stay invisible to the polling page until the very end.
    return Path(job.file.path + ".progress")


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """(done, total) steps of a job, live while it runs."""
    if job.status == ImportJob.Status.RUNNING:
        try:
            done, total = _progress_path(job).read_text().split()
            return int(done), int(total)
        except (OSError, ValueError):
            pass
    return job.processed, job.total


def _reporter(job: ImportJob):
    path = _progress_path(job)
    tmp = path.with_suffix(".tmp")

    def report(done: int, total: int) -> None:
        tmp.write_text(f"{done} {total}")
        os.replace(tmp, path)

    return report


def import_job_execute(job_id: int) -> None:
    """Run a pending job once; a job already taken by another worker, or finished, is left alone."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    ):
        return
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    outcome = {"status": ImportJob.Status.FAILED}
    try:
        result = people_import(actor=job.owner, source=job.file.path, progress=_reporter(job))
    except ImportRejected as exc:
        outcome["errors"] = [[p.row, p.column, p.reason] for p in exc.problems[: ImportJob.MAX_ERRORS]]
        outcome["error_count"] = len(exc.problems)
        outcome["message"] = exc.message
        _store_error_workbook(job, exc.problems)
    except DomainError as exc:
        outcome["message"] = exc.message
    except Exception:
        log.exception("import job %s failed", job_id)
        outcome["message"] = "导入时发生系统错误，未导入任何数据；请联系系统管理员。"
    else:
        outcome.update(status=ImportJob.Status.DONE, result=result.as_dict())
        outcome["total"] = outcome["processed"] = STEPS * result.rows
    _progress_path(job).unlink(missing_ok=True)
    ImportJob.objects.filter(pk=job_id).update(finished_at=timezone.now(), **outcome)
    if outcome["status"] == ImportJob.Status.DONE:
        # Imported rows live encrypted in the database; the plaintext upload need not stay on disk.
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job_id).update(file="")


def _store_error_workbook(job: ImportJob, problems) -> None:
    # Built here, in the background, once: the download only streams the stored file. Streaming in
    # and out (read-only to write-only) keeps memory flat whatever the size of the workbook.
    marks = [(p.row, p.column, p.reason) for p in problems[: ImportJob.MAX_ERRORS]]
    path = Path(job.file.path + ".errors.xlsx")
    try:
        error_workbook(job.file.path, marks, path)
        with path.open("rb") as data:
            job.error_file.save("errors.xlsx", File(data), save=False)
        ImportJob.objects.filter(pk=job.pk).update(error_file=job.error_file.name)
    except DomainError:
        pass  # unreadable as a sheet: the page still lists the problems
    except Exception:
        log.exception("error workbook of import job %s failed", job.pk)
    finally:
        path.unlink(missing_ok=True)


def import_files_purge(now=None) -> int:
    """Delete uploads of failed jobs older than KEEP_FAILED_DAYS (they hold plaintext identifiers)."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_FAILED_DAYS)
    count = 0
    for job in ImportJob.objects.filter(status=ImportJob.Status.FAILED, finished_at__lt=cutoff).exclude(
        file=""
    ):
        job.file.delete(save=False)
        if job.error_file:
            job.error_file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="", error_file="")
        count += 1
    return count
