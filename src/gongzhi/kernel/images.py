"""Uploaded photos: images only, size-limited, re-encoded as JPEG without EXIF (no GPS leaks)."""

import io

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import DomainError

MAX_SIDE = 2560
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}


def reencode(data: bytes, *, name: str = "照片") -> tuple[bytes, int, int]:
    """Check an upload is a real image and return (jpeg bytes, width, height), metadata stripped."""
    limit = settings.UPLOAD_MAX_IMAGE_BYTES
    if len(data) > limit:
        raise DomainError(f"{name}超过 {limit // 1024 // 1024} MB，请压缩后再上传。", field="photos")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
        if fmt not in ALLOWED_FORMATS:
            raise DomainError(f"{name}格式 {fmt} 不支持，只接受 JPEG、PNG、WEBP 图片。", field="photos")
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise DomainError(f"{name}像素过多，请缩小后再上传。", field="photos")
            img = ImageOps.exif_transpose(img)  # keep the orientation the phone meant, then drop EXIF
            img = img.convert("RGB")
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            img.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: nothing copied
            return out.getvalue(), img.width, img.height
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise DomainError(
            f"{name}不是有效的图片文件，只接受 JPEG、PNG、WEBP 图片。", field="photos"
        ) from None


def save_image_after_commit(instance, content: bytes, filename: str, *, field: str = "image"):
    """Save a photo's row now and its file once the transaction commits.

    Django has no hook for a rollback, and the rollback may come after the service returned (a
    说事箱 batch is one transaction for all its slips), so a file written inside the transaction
    could outlive the row it belongs to. Writing after commit leaves nothing behind a rolled-back
    request; the price is a moment after commit when a row has no file yet, which photo views
    answer with 404 (`image_response`)."""
    from functools import partial

    from django.db import transaction

    file = getattr(instance, field)
    file.name = file.field.generate_filename(instance, filename)
    instance.save()
    transaction.on_commit(partial(_write_file, type(instance), instance.pk, field, file.name, content))
    return instance


def _write_file(model, pk: int, field: str, name: str, content: bytes) -> None:
    """Store a committed photo's file under the name its row already holds."""
    from django.core.files.base import ContentFile

    stored = model._meta.get_field(field).storage.save(name, ContentFile(content))
    if stored != name:  # a stray file held the name: the storage chose another, so follow it
        model.objects.filter(pk=pk).update(**{field: stored})


def image_response(file):
    """A stored photo as a private JPEG response; 404 while its file is not written yet (see
    save_image_after_commit) or if it was lost."""
    from django.http import FileResponse, Http404

    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
