"""Evidence photos leave after commit, like case photos (kernel.images.save_image_after_commit):
a declaration rolled back with its request leaves no file under MEDIA_ROOT; a committed one does.
django_capture_on_commit_callbacks(execute=True) plays the commit the test transaction never makes."""

import io

import pytest
from django.db import transaction
from PIL import Image

from gongzhi.points import services
from gongzhi.points.models import EvidencePhoto

from ..conftest import HEJI_GRID1
from .factories import item, resident_with_account

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def jpeg() -> bytes:
    raw = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(raw, format="JPEG")
    return raw.getvalue()


def files_under(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_rolled_back_declaration_leaves_no_photo_file(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    user, account = resident_with_account(personas.heji, HEJI_GRID1)
    good = item(min_points=3, max_points=8)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom), transaction.atomic():
        services.declaration_submit(actor=user, account=account, item=good, text="帮王奶奶收稻谷",
                                    photos=[("a.jpg", jpeg())])  # fmt: skip
        raise Boom  # the request fails after the service returned
    assert not EvidencePhoto.objects.exists() and files_under(tmp_path) == []

    with django_capture_on_commit_callbacks(execute=True):
        declaration = services.declaration_submit(actor=user, account=account, item=good, text="清扫村口道路",
                                                  photos=[("a.jpg", jpeg())])  # fmt: skip
    photo = declaration.photos.get()
    assert files_under(tmp_path) == [tmp_path / photo.image.name]
