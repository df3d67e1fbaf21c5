"""Uploads are bounded by the application (issue 10): a multipart body past UPLOAD_MAX_REQUEST_BYTES,
or a file part past its own cap, is answered 413 (the API's JSON error shape under /api/, a readable
page elsewhere) and leaves nothing in the temporary folder or under MEDIA_ROOT. The caps here are
made small; the defaults are 30 MB a request, 10 MB an image, 20 MB a workbook."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gongzhi.cases.models import Case
from gongzhi.people.models import ImportJob
from tests.cases.test_loop import REPORT, Api

pytestmark = pytest.mark.django_db

KB = 1024


def noisy_jpeg(size: int, name: str = "p.jpg") -> SimpleUploadedFile:
    """A real JPEG padded past `size` bytes (a comment segment's worth of random bytes at the end)."""
    raw = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(raw, format="JPEG")
    return SimpleUploadedFile(name, raw.getvalue() + os.urandom(size), content_type="image/jpeg")


def files_under(*folders) -> list[str]:
    return [os.path.join(root, f) for folder in folders for root, _, names in os.walk(folder) for f in names]


@pytest.fixture
def folders(settings, tmp_path):
    """Fresh upload folders, and parts kept on disk from the first byte past 1 KB."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = KB
    os.makedirs(settings.FILE_UPLOAD_TEMP_DIR)
    return settings.MEDIA_ROOT, settings.FILE_UPLOAD_TEMP_DIR


def test_api_body_over_the_request_cap_is_a_json_413(client, personas, settings, folders):
    settings.UPLOAD_MAX_REQUEST_BYTES = 200 * KB
    resident = Api(client, "resident")
    case = resident.post("/cases/", REPORT).json()
    photos = [noisy_jpeg(120 * KB, "a.jpg"), noisy_jpeg(120 * KB, "b.jpg")]
    response = client.post(f"/api/v1/cases/{case['id']}/photos", {"photos": photos}, headers=resident.headers)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large" and "超过一次最多 200 KB 的上限" in error["message"]
    assert "未保存任何文件" in error["message"]
    assert Case.objects.get(pk=case["id"]).photos.count() == 0
    assert files_under(*folders) == []


def test_one_api_file_over_its_cap_is_stopped_while_it_streams_in(client, personas, settings, folders):
    settings.UPLOAD_MAX_IMAGE_BYTES = 50 * KB  # the whole body (about 80 KB) is under the request cap
    resident = Api(client, "resident")
    case = resident.post("/cases/", REPORT).json()
    photos = [noisy_jpeg(5 * KB, "small.jpg"), noisy_jpeg(70 * KB, "big.jpg")]
    response = client.post(f"/api/v1/cases/{case['id']}/photos", {"photos": photos}, headers=resident.headers)
    assert response.status_code == 413
    error = response.json()["error"]
    assert "文件「big.jpg」超过 50 KB 的上限" in error["message"] and error["fields"][0]["field"] == "photos"
    assert Case.objects.get(pk=case["id"]).photos.count() == 0
    # small.jpg was complete (a temporary file past 1 KB) when big.jpg was refused: it is gone too.
    assert files_under(*folders) == []
    # Within the caps the same request goes through.
    ok = client.post(
        f"/api/v1/cases/{case['id']}/photos", {"photos": [noisy_jpeg(5 * KB)]}, headers=resident.headers
    )
    assert ok.status_code == 200, ok.content


def test_page_upload_over_a_cap_is_a_readable_413_page(personas, settings, folders):
    settings.UPLOAD_MAX_WORKBOOK_BYTES = 100 * KB
    client = personas.client("heji")
    data = b"PK\x03\x04" + os.urandom(150 * KB)
    response = client.post(reverse("people:import"), {"file": SimpleUploadedFile("贺集村.xlsx", data)})
    assert response.status_code == 413 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "上传内容过大" in page and "工作簿「贺集村.xlsx」超过 100 KB 的上限，未保存" in page
    assert not ImportJob.objects.exists() and files_under(*folders) == []

    settings.UPLOAD_MAX_REQUEST_BYTES = 120 * KB  # refused from Content-Length, before a byte is read
    response = client.post("/my/report/", {"kind": "sanitation", "photos": [noisy_jpeg(130 * KB)]})
    assert response.status_code == 413 and "超过一次最多 120 KB 的上限" in response.content.decode()
    assert files_under(*folders) == [] and not Case.objects.exists()
