"""双公开: the public pages show published items and their answers, without contact details or ID data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from suggestions.models import Suggestion
from suggestions.public import redact

from .conftest import CategoryFactory

S = Suggestion.State
LIST = "/public/suggestions/"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def published(build, world):
    edu = CategoryFactory(congress=world.county, name="教育")
    return build(
        S.CLOSED,
        answered_on=dt.date(2026, 5, 1),
        category=edu,
        title="关于改善城关小学周边交通的建议",
        content="城关小学门口上下学时段拥堵严重，请联系我13912345678。",
        published_at=timezone.now(),
    )


def test_anyone_reads_a_published_item_with_its_answer_and_unit(client, published):
    html = client.get(f"{LIST}{published.pk}/").content.decode()
    assert "关于改善城关小学周边交通的建议" in html
    assert published.lead_deputy.name in html
    assert "县教育局" in html and "已将该事项列入今年重点工作" in html
    assert "教育" in html and "第1号" in html


def test_no_phone_address_or_id_number_appears(client, published):
    person = published.lead_deputy
    html = client.get(f"{LIST}{published.pk}/").content.decode() + client.get(LIST).content.decode()
    assert person.phone not in html
    assert person.id_number not in html and person.id_number[:6] + person.id_number[-4:] not in html
    assert person.address not in html and "幸福路" not in html
    # A phone number typed into the content is blanked out.
    assert "13912345678" not in html and "［电话号码已隐去］" in html
    assert "0571-88880000" not in html  # the unit's contact phone


def test_an_unpublished_item_is_404_and_not_listed(client, build):
    item = build(S.CLOSED, answered_on=dt.date(2026, 5, 1), title="尚未公开的建议")
    assert client.get(f"{LIST}{item.pk}/").status_code == 404
    assert "尚未公开的建议" not in client.get(LIST).content.decode()


def test_an_item_marked_not_for_disclosure_is_404_and_not_listed(client, build):
    item = build(
        S.CLOSED, answered_on=dt.date(2026, 5, 1), title="涉密的建议", disclose=False, published_at=timezone.now()
    )
    assert client.get(f"{LIST}{item.pk}/").status_code == 404
    assert "涉密的建议" not in client.get(LIST).content.decode()


def test_the_list_searches_by_keyword_number_and_category(client, published, build):
    build(S.CLOSED, answered_on=dt.date(2026, 5, 1), title="关于农村饮水安全的建议", published_at=timezone.now())
    assert "农村饮水" not in client.get(LIST, {"q": "小学"}).content.decode()
    assert "城关小学" in client.get(LIST, {"q": "小学"}).content.decode()
    assert "城关小学" in client.get(LIST, {"q": "第1号"}).content.decode()
    by_category = client.get(LIST, {"category": "教育"}).content.decode()
    assert "城关小学" in by_category and "农村饮水" not in by_category


def test_the_public_list_query_count_does_not_grow(client, build):
    def make(n):
        for _ in range(n):
            build(S.CLOSED, answered_on=dt.date(2026, 5, 1), published_at=timezone.now())

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    make(20)
    small = count()
    make(180)
    assert count() == small <= 8


def test_redact_blanks_mobile_landline_and_id_numbers():
    text = "电话 139 1234 5678、0571-88123456，身份证 33010219750308123X，项目编号 2026001。"
    out = redact(text)
    assert "5678" not in out and "88123456" not in out and "123X" not in out
    assert "2026001" in out
