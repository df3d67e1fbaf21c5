"""Office files as downloads: Word (.docx) and Excel (.xlsx) responses for pages and the API."""

from urllib.parse import quote

from django.http import HttpResponse

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    # RFC 6266 / 5987: a UTF-8 file name, so 调解协议书.docx arrives with its Chinese name.
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def docx_response(name: str, content: bytes) -> HttpResponse:
    """A Word download with a UTF-8 file name."""
    return _download(content, DOCX, name)


def xlsx_response(name: str, content: bytes) -> HttpResponse:
    """An Excel download with a UTF-8 file name."""
    return _download(content, XLSX, name)
