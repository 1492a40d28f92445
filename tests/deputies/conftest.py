"""Fixtures for the roster tests: a few deputies in and out of each office's scope, and an Excel builder."""

import io
from dataclasses import dataclass

import openpyxl
import pytest

from deputies.importing import HEADERS
from tests import factories as f


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    # The test settings run with DEBUG off, whose manifest storage needs collectstatic; pages here need plain URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Roster:
    county_deputy: object  # county seat, lives in town A
    town_a_deputy: object  # town A seat only
    town_b_deputy: object  # lives in town B, holds a town B seat
    town_b_term: object
    county_group: object
    town_b_group: object


@pytest.fixture
def roster(world) -> Roster:
    town_b_term = f.TermFactory(congress=world.town_b, number=7)
    county_deputy = f.PersonFactory(name="张伟", township=world.area_a, phone="13812341234")
    f.SeatFactory(person=county_deputy, term=world.term)
    town_a_deputy = f.PersonFactory(name="李娜", township=world.area_a)
    f.SeatFactory(person=town_a_deputy, term=world.town_a_term)
    town_b_deputy = f.PersonFactory(name="王芳", township=world.area_b, phone="13900000001")
    f.SeatFactory(person=town_b_deputy, term=town_b_term)
    county_group = f.GroupFactory(congress=world.county, name="城关代表小组")
    f.MembershipFactory(group=county_group, person=county_deputy)
    town_b_group = f.GroupFactory(congress=world.town_b, name="河西镇第一小组")
    f.MembershipFactory(group=town_b_group, person=town_b_deputy)
    return Roster(county_deputy, town_a_deputy, town_b_deputy, town_b_term, county_group, town_b_group)


def xlsx(rows, headers=HEADERS) -> io.BytesIO:
    """An .xlsx file with `headers` and `rows` (lists of cell values), as an open file object."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "roster.xlsx"
    return buf


def read_xlsx(content: bytes) -> list[list]:
    ws = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]
