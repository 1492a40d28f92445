"""Duty photos are re-encoded on upload: the image is decoded and saved again as a JPEG of at most 1600 px on its
longer side, turned upright from its EXIF orientation and written without EXIF (no location, no camera data).
Anything Pillow cannot decode is refused with a Chinese message."""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
QUALITY = 82
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PHOTOS = 9
# Decompression bombs: refuse images above ~50 megapixels before decoding them.
Image.MAX_IMAGE_PIXELS = 50_000_000


def compress(upload) -> tuple[ContentFile, int, int]:
    """The upload as a compressed JPEG (ContentFile named <uuid>.jpg), with its width and height."""
    if getattr(upload, "size", 0) > MAX_UPLOAD_BYTES:
        raise ValidationError({"photos": "照片不能超过 15 MB。"})
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            if img.mode not in ("RGB", "L"):
                background = Image.new("RGB", img.size, (255, 255, 255))
                rgba = img.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                img = background
            img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            img.save(out, format="JPEG", quality=QUALITY, optimize=True, progressive=True)
            width, height = img.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError({"photos": "无法识别的图片，请上传 JPG 或 PNG 照片。"}) from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex[:12]}.jpg"), width, height
