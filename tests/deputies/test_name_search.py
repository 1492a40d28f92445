"""The roster's name search at province scale (issue 9): beside `name ILIKE '%q%'` it asks that every character of
the search be in the name, which the GIN index deputies_person_name_chars answers; the rows are those of the plain
ILIKE."""

from __future__ import annotations

import pytest
from django.db import connection

from deputies.models import Person
from deputies.picker import matching

from .. import factories as f

pytestmark = pytest.mark.django_db

NAMES = ["王建国", "王芳", "李王明", "张伟", "欧阳建华", "Li Ming", "LI Wang", "建国王", "王"]


@pytest.fixture
def people():
    return {name: f.PersonFactory(name=name) for name in NAMES}


@pytest.mark.parametrize("q", ["王", "王建", "建国", "国建", "欧阳", "li", "LI", "Wang", "明", "赵", "王王"])
def test_the_search_finds_what_a_plain_contains_finds(people, q):
    found = set(matching(Person.objects.all(), q).values_list("name", flat=True))
    expected = {name for name in NAMES if q.upper() in name.upper()}
    if q.isascii():  # latin letters also match the pinyin initials' start
        expected |= {p.name for p in people.values() if p.name_initials.startswith(q.lower())}
    assert found == expected


def test_the_index_answers_the_search():
    """The expression the search sends is the index's: with the whole-table scans priced out, PostgreSQL uses it."""
    qs = matching(Person.objects.all(), "王建")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        # Scans that read every row (a sequential scan, or the list-order index filtered row by row) priced out.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "deputies_person_name_chars" in plan, plan
