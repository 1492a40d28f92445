"""One shared check for every uploaded file (等保 入侵防范): size limits, the type from the content (magic bytes and,
for Office files, the zip's parts) never from the name, images decoded and re-encoded with Pillow (no EXIF, no
trailing payload), and zip bombs (Office files are zips) refused before anything parses them.

    checked = check_upload(upload, allowed={"pdf", "jpg", "png", "docx", "xlsx"}, max_bytes=20 * 1024 * 1024)
    model.file.save(f"upload.{checked.ext}", ContentFile(checked.data), save=False)

    check_xlsx(fileobj, max_bytes=5 * 1024 * 1024)   # before openpyxl.load_workbook in an import

Every refusal is an UploadRejected (a ValueError) whose message is a Chinese sentence for the user.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "txt": "text/plain; charset=utf-8",
}
LABELS = {
    "pdf": "PDF",
    "jpg": "JPG",
    "png": "PNG",
    "docx": "Word（docx）",
    "xlsx": "Excel（xlsx）",
    "pptx": "PPT（pptx）",
    "txt": "纯文本（txt）",
}
OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}

# Zip bomb limits for Office files: total uncompressed size, compression ratio, number of entries.
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_ENTRIES = 2000
# Decompression bombs in images: refuse above ~50 megapixels before decoding.
IMAGE_MAX_PIXELS = 50_000_000
IMAGE_MAX_SIDE = 4000


class UploadRejected(ValueError):
    """The file is refused; str(exc) is the message for the user."""


@dataclass
class CheckedFile:
    ext: str
    content_type: str
    data: bytes
    size: int


def _size(fileobj) -> int:
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, 2)
        size = fileobj.tell()
    fileobj.seek(0)
    return size


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_zip(fileobj, *, max_uncompressed: int = ZIP_MAX_UNCOMPRESSED) -> zipfile.ZipFile:
    """Open `fileobj` as a zip only if its directory is sane: few entries, bounded uncompressed size and ratio.
    Reads the central directory only; nothing is decompressed."""
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadRejected("文件已损坏或不是有效的 Office 文件。") from exc
    if len(infos) > ZIP_MAX_ENTRIES:
        raise UploadRejected(f"文件内部结构异常（包含{len(infos)}个部件），已拒绝。")
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed:
        raise UploadRejected(f"文件解压后过大（约{_mb(total)}，上限{_mb(max_uncompressed)}），请精简后再上传。")
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise UploadRejected("文件压缩比异常（疑似压缩炸弹），已拒绝。")
    return archive


def sniff(fileobj) -> str | None:
    """The file's type from its content: pdf, jpg, png, docx, xlsx, pptx, or None."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(fileobj).namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        finally:
            fileobj.seek(0)
        if "[Content_Types].xml" in names:
            for ext, part in OFFICE_PARTS.items():
                if part in names:
                    return ext
        return None
    return "txt" if _is_text(fileobj) else None


def _is_text(fileobj, limit: int = 64 * 1024) -> bool:
    """UTF-8 text without control characters other than tab and line ends (judged on the first 64 KB)."""
    fileobj.seek(0)
    chunk = fileobj.read(limit)
    fileobj.seek(0)
    if not chunk:
        return False
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(chunk) - 4:  # a character cut at the 64 KB boundary is fine
            return False
        text = chunk[: exc.start].decode("utf-8")
    return not any(ord(c) < 32 and c not in "\t\r\n" for c in text)


def reencode_image(fileobj, ext: str) -> bytes:
    """Decode and save again (JPEG stays JPEG, PNG stays PNG): EXIF (location) and anything appended are dropped."""
    fileobj.seek(0)
    try:
        with Image.open(fileobj) as img:
            if img.width * img.height > IMAGE_MAX_PIXELS:
                raise UploadRejected("图片像素过大，请缩小后再上传。")
            img.load()
            img = ImageOps.exif_transpose(img)
            img.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            out = io.BytesIO()
            if ext == "jpg":
                if img.mode not in ("RGB", "L"):
                    img = img.convert("RGB")
                img.save(out, format="JPEG", quality=88, optimize=True)
            else:
                img.save(out, format="PNG", optimize=True)
    except UploadRejected:
        raise
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError, SyntaxError) as exc:
        raise UploadRejected("无法识别的图片，请上传 JPG 或 PNG 图片。") from exc
    return out.getvalue()


def check_upload(upload, *, allowed, max_bytes: int) -> CheckedFile:
    """The upload, checked (size, type by content, zip bomb) and with images re-encoded; or UploadRejected."""
    if upload is None:
        raise UploadRejected("请选择文件。")
    size = _size(upload)
    if size == 0:
        raise UploadRejected("文件为空。")
    if size > max_bytes:
        raise UploadRejected(f"文件过大（{size / 1024 / 1024:.1f} MB），不能超过{max_bytes // 1024 // 1024}MB。")
    ext = sniff(upload)
    if ext is None or ext not in allowed:
        kinds = "、".join(LABELS[k] for k in CONTENT_TYPES if k in allowed)
        raise UploadRejected(f"只能上传{kinds}文件（按文件内容识别，不看扩展名）。")
    if ext in OFFICE_PARTS:
        check_zip(upload)
        upload.seek(0)
        data = upload.read()
    elif ext in ("jpg", "png"):
        data = reencode_image(upload, ext)
    else:
        upload.seek(0)
        data = upload.read()
    upload.seek(0)
    return CheckedFile(ext=ext, content_type=CONTENT_TYPES[ext], data=data, size=len(data))


def check_xlsx(fileobj, *, max_bytes: int, max_uncompressed: int = 50 * 1024 * 1024) -> None:
    """Before an Excel import parses anything: size, a real .xlsx by content, and no zip bomb."""
    size = _size(fileobj)
    if size > max_bytes:
        raise UploadRejected(
            f"文件过大（{size / 1024 / 1024:.1f} MB），单个文件不能超过 {_mb(max_bytes)}，请分批导入。"
        )
    if sniff(fileobj) != "xlsx":
        raise UploadRejected("无法读取文件，请上传 .xlsx 格式的 Excel 文件。")
    check_zip(fileobj, max_uncompressed=max_uncompressed)
    fileobj.seek(0)
