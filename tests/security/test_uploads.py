"""Uploads: size limits, type by content not name, images re-encoded, zip bombs refused before parsing; exports
neutralise formula injection."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import uploads
from core.exports import safe_cell
from deputies import importing

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png(trailer=b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue() + trailer


def _jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (40, 30), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x010E] = "GPS 30.25N 120.16E"  # ImageDescription: stands in for location data
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _office_zip(kind_part="xl/workbook.xml", extra=()) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(kind_part, "<workbook/>")
        for name, data in extra:
            z.writestr(name, data)
    buf.seek(0)
    return buf


def test_the_type_comes_from_the_content_not_the_name():
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 this is an exe")
    with pytest.raises(uploads.UploadRejected, match="只能上传"):
        uploads.check_upload(fake, allowed={"pdf", "png"}, max_bytes=1024 * 1024)
    renamed = SimpleUploadedFile("photo.jpg", PDF)
    assert uploads.check_upload(renamed, allowed={"pdf"}, max_bytes=1024 * 1024).ext == "pdf"


def test_a_file_over_the_limit_is_refused():
    with pytest.raises(uploads.UploadRejected, match="文件过大"):
        uploads.check_upload(SimpleUploadedFile("a.pdf", PDF + b"0" * 2048), allowed={"pdf"}, max_bytes=1024)


def test_images_are_re_encoded_without_exif_or_appended_payload():
    payload = b"<?php system($_GET['c']); ?>"
    png = uploads.check_upload(SimpleUploadedFile("a.png", _png(trailer=payload)), allowed={"png"}, max_bytes=10**6)
    assert payload not in png.data
    assert Image.open(io.BytesIO(png.data)).size == (40, 30)
    jpg = uploads.check_upload(SimpleUploadedFile("a.jpg", _jpeg_with_exif()), allowed={"jpg"}, max_bytes=10**6)
    assert b"PhoneMaker" not in jpg.data
    assert not Image.open(io.BytesIO(jpg.data)).getexif()


def test_a_broken_image_is_refused_in_chinese():
    with pytest.raises(uploads.UploadRejected, match="无法识别的图片"):
        uploads.check_upload(
            SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n garbage"), allowed={"png"}, max_bytes=10**6
        )


def test_a_zip_bomb_disguised_as_a_workbook_is_refused_before_parsing():
    bomb = _office_zip(extra=[("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))])
    assert bomb.getbuffer().nbytes < 1024 * 1024  # small on disk
    with pytest.raises(uploads.UploadRejected, match="解压后过大"):
        uploads.check_xlsx(bomb, max_bytes=5 * 1024 * 1024)


def test_a_highly_compressed_entry_is_refused_by_its_ratio():
    packed = _office_zip(extra=[("xl/media/x.bin", b"\0" * (3 * 1024 * 1024))])
    with pytest.raises(uploads.UploadRejected, match="压缩比异常"):
        uploads.check_xlsx(packed, max_bytes=5 * 1024 * 1024)


def test_a_workbook_with_too_many_entries_is_refused():
    many = _office_zip(extra=[(f"xl/p{i}.xml", b"x") for i in range(uploads.ZIP_MAX_ENTRIES + 1)])
    with pytest.raises(uploads.UploadRejected, match="内部结构异常"):
        uploads.check_xlsx(many, max_bytes=5 * 1024 * 1024)


@pytest.mark.django_db
def test_the_deputy_import_refuses_a_zip_bomb_with_a_clear_message(world):
    bomb = _office_zip(extra=[("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))])
    with pytest.raises(importing.ImportRejected, match="解压后过大"):
        importing.check(bomb, congress=world.county)


def test_a_real_workbook_passes_the_check():
    wb = openpyxl.Workbook()
    wb.active.append(["姓名"])
    buf = io.BytesIO()
    wb.save(buf)
    uploads.check_xlsx(buf, max_bytes=5 * 1024 * 1024)
    assert uploads.sniff(buf) == "xlsx"


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", '＝HYPERLINK("x")'])
def test_exports_neutralise_formula_injection_including_the_full_width_equals(value):
    assert safe_cell(value) == "'" + value


def test_ordinary_values_and_numbers_are_exported_unchanged():
    assert safe_cell("张三") == "张三"
    assert safe_cell(-5) == -5
    assert safe_cell(None) is None


def test_every_app_export_uses_the_shared_safe_cell():
    from deputies import exporting as deputies_exporting
    from suggestions import exports as suggestion_exports
    from training import exports as training_exports

    assert deputies_exporting.safe_cell is safe_cell
    assert suggestion_exports.safe_cell is safe_cell
    assert training_exports._safe is safe_cell
