"""Uploaded photos: images only, size-limited, re-encoded as JPEG without EXIF (no GPS leaks)."""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2560
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}


def reencode(data: bytes, *, name: str = "照片") -> tuple[bytes, int, int]:
    """Check an upload is a real image and return (jpeg bytes, width, height), metadata stripped."""
    if len(data) > MAX_BYTES:
        raise DomainError(f"{name}超过 {MAX_BYTES // 1024 // 1024} MB，请压缩后再上传。", field="photos")
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
