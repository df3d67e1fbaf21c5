"""Bounded uploads: a multipart request is refused before it is read when its declared length passes
UPLOAD_MAX_REQUEST_BYTES, and while it streams in when a file part passes its own cap (workbooks
UPLOAD_MAX_WORKBOOK_BYTES, anything else UPLOAD_MAX_IMAGE_BYTES) or the whole body passes the
request cap. Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count file parts, so without this a
360 MB body reached the temporary folder before any view could say no.

The refusal is a 413: the API's JSON error shape under /api/, a page saying what to do elsewhere.
"""

import json

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.shortcuts import render

from .api import error_body

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:,.0f} KB"


def _request_message(size: int | None = None) -> str:
    limit = settings.UPLOAD_MAX_REQUEST_BYTES
    what = f"上传的内容共 {_mb(size)}，" if size else "上传的内容"
    return f"{what}超过一次最多 {_mb(limit)} 的上限，未保存任何文件；请减少或压缩文件后分几次上传。"


class LimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: counts every byte of every file part before the handlers that
    keep it (memory, then a temporary file) see it, and stops the upload at the first byte too many."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.total = 0

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.file_bytes = 0
        workbook = (file_name or "").lower().endswith(WORKBOOK_SUFFIXES)
        self.file_limit = settings.UPLOAD_MAX_WORKBOOK_BYTES if workbook else settings.UPLOAD_MAX_IMAGE_BYTES
        self.kind = "工作簿" if workbook else "文件"

    def receive_data_chunk(self, raw_data, start):
        self.file_bytes += len(raw_data)
        self.total = getattr(self, "total", 0) + len(raw_data)
        if self.file_bytes > self.file_limit:
            self._refuse(
                f"{self.kind}「{self.file_name}」超过 {_mb(self.file_limit)} 的上限，未保存；请压缩或拆分后再上传。"
            )
        if self.total > settings.UPLOAD_MAX_REQUEST_BYTES:
            self._refuse(_request_message())
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file

    def _refuse(self, message: str):
        self.request._upload_refused = (message, self.field_name)
        # The handlers after this one close (and so delete) the part they hold; the rest of the
        # body, at most the request cap, is read and dropped so the client sees the answer.
        raise StopUpload(connection_reset=False)


def too_large(request, message: str, field: str = "") -> HttpResponse:
    """413 in the API's error shape under /api/, a readable page elsewhere."""
    if request.path.startswith("/api/"):
        fields = [{"field": field, "message": message}] if field else []
        return HttpResponse(
            json.dumps(error_body("too_large", message, fields), ensure_ascii=False),
            status=413,
            content_type="application/json; charset=utf-8",
        )
    return render(request, "413.html", {"message": message}, status=413)


class UploadLimitMiddleware:
    """Parse multipart bodies here, through LimitedUploadHandler, so an oversized one is answered 413
    before CSRF or any view reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == "multipart/form-data":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.UPLOAD_MAX_REQUEST_BYTES:
                return too_large(request, _request_message(length))
            request.FILES  # noqa: B018 - parse now; the handler may refuse
            refused = getattr(request, "_upload_refused", None)
            if refused:
                request.close()  # files already complete are temporary files: closing deletes them
                return too_large(request, *refused)
        return self.get_response(request)
