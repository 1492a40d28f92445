"""Rules documents (制度) of a station are checked by content before they are stored (core.uploads)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from stations import services

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_text_file_named_pdf_is_refused_with_a_chinese_message_and_nothing_is_saved(make_station, staff):
    station = make_station()
    fake = SimpleUploadedFile("制度.pdf", b"echo not a pdf\n", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.add_document(station, actor=staff, title="接待制度", upload=fake)
    assert "按文件内容识别" in str(exc.value)
    assert not station.documents.exists()


def test_a_real_pdf_is_stored_under_a_name_of_our_own(make_station, staff):
    station = make_station()
    upload = SimpleUploadedFile("../../etc/制度.pdf", MINIMAL_PDF, content_type="application/pdf")
    doc = services.add_document(station, actor=staff, title="接待制度", upload=upload)
    assert doc.file.name.endswith(".pdf") and "etc" not in doc.file.name
    assert doc.file.read().startswith(b"%PDF")
