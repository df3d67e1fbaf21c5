"""Pages for Excel in and out: upload with a progress bar, the template, marked-up errors, exports."""

from pathlib import Path
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.jurisdiction import has_role
from gongzhi.kernel.office import XLSX, xlsx_response

from .. import rules, selectors
from ..models import ImportJob
from . import jobs as import_jobs
from .export import export_households, export_organizations, export_people
from .jobs import check_upload, import_job_create
from .workbook import template_workbook

SHOWN_ERRORS = 200


class ImportForm(forms.Form):
    """One .xlsx file, checked for type and size before a job is made."""

    file = forms.FileField(
        label="实有人口工作簿（.xlsx，不超过 20 MB）",
        error_messages={"required": "请选择要上传的 .xlsx 文件。", "empty": "上传的文件是空的。"},
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.UPLOAD_MAX_WORKBOOK_BYTES // 1024 // 1024
        self.fields["file"].label = f"实有人口工作簿（.xlsx，不超过 {limit} MB）"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload


def _require_writer(user) -> None:
    # As elsewhere in the registry, a role that may not use a page finds nothing there.
    if not has_role(user, rules.WRITE_ROLES):
        raise Http404


@login_required
def import_page(request):
    """The upload form (GET) and a new import job (POST), with the uploader's recent jobs."""
    _require_writer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(actor=request.user, upload=form.cleaned_data["file"])
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("people:import_job", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).defer("errors")[:10]
    context = {"form": form, "jobs": jobs, "max_mb": settings.UPLOAD_MAX_WORKBOOK_BYTES // 1024 // 1024}
    return render(request, "people/import.html", context, status=400 if form.errors else 200)


@login_required
def import_template(request):
    """The blank workbook with its 说明 sheet."""
    _require_writer(request.user)
    return xlsx_response("实有人口导入模板.xlsx", template_workbook())


def _phase(job: ImportJob, done: int, total: int) -> str:
    if job.status == ImportJob.Status.PENDING:
        return "排队等待后台处理"
    if job.status != ImportJob.Status.RUNNING:
        return ""
    if not total:
        return f"正在读取工作簿（已读 {done:,} 行）" if done else "正在读取工作簿"
    # Progress counts three steps per row: read, check, write (see excel_import.STEPS).
    third = 3 * done // total if total else 0
    return ("正在读取工作簿", "正在逐行检查", "正在写入")[min(third, 2)]


def _job_context(job: ImportJob) -> dict:
    done, total = import_jobs.import_job_progress(job)
    errors = job.errors[:SHOWN_ERRORS] if job.status == ImportJob.Status.FAILED else []
    return {
        "job": job,
        "phase": _phase(job, done, total),
        # None while the row count is unknown: the bar shows activity without a percentage.
        "percent": min(100, done * 100 // total)
        if total
        else (0 if job.status == ImportJob.Status.PENDING else None),
        "errors": errors,
        "hidden_errors": max(0, job.error_count - len(errors)),
        "can_download_errors": bool(job.errors and job.error_file),
    }


@login_required
def import_job(request, pk: int):
    """One job of the user: progress, then the counts or the problems."""
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
    return render(request, "people/import_job.html", _job_context(job))


@login_required
def import_job_progress(request, pk: int):
    """The job's status fragment, polled by htmx every second while the job runs."""
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
    return render(request, "people/_import_progress.html", _job_context(job))


@login_required
def import_job_errors(request, pk: int):
    """The rejected workbook back, bad cells red and commented: the file the background job stored,
    streamed as it is (building it here once held a web worker at 1.3 GB)."""
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
    if job.status != ImportJob.Status.FAILED or not job.error_file:
        raise Http404
    try:
        data = job.error_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = f"{Path(job.filename).stem}-错误标注.xlsx"
    return FileResponse(data, as_attachment=True, filename=name, content_type=XLSX)


_EXPORTS = {
    # kind: (selector, filter keys, export function, list page, file name, may reveal)
    "people": (selectors.people_for, ("q", "area", "tag", "kind", "colour"), export_people, "people:list", "实有人口", True),  # noqa: E501
    "households": (selectors.households_for, ("q", "area", "colour"), export_households, "people:households", "户", False),  # noqa: E501
    "organizations": (selectors.organizations_for, ("q", "area", "kind"), export_organizations, "people:organizations", "单位", True),  # noqa: E501
}  # fmt: skip


@login_required
def export(request, kind: str):
    """The list's rows (same filters) as .xlsx; reveal=1&reason=… for full identifiers."""
    if not has_role(request.user, rules.READ_ROLES):
        raise Http404
    select, keys, export_fn, list_name, title, revealable = _EXPORTS[kind]
    filters = {k: request.GET.get(k, "").strip() for k in keys}
    options = {"actor": request.user, "queryset": select(request.user, **filters), "filters": filters}
    if revealable and request.GET.get("reveal") == "1":
        options.update(reveal=True, reason=request.GET.get("reason", ""))
    try:
        data = export_fn(**options)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        query = urlencode({k: v for k, v in filters.items() if v})
        return redirect(reverse(list_name) + (f"?{query}" if query else ""))
    return xlsx_response(f"{title}-{timezone.localdate():%Y%m%d}.xlsx", data)
