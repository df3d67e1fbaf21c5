"""The code-as-path range query, checked against brute force, in the test database's collation
and, on PostgreSQL, under a linguistic (ICU) collation where a naive ':' bound fails."""

import pytest
from django.db import connection

from gongzhi.areas.models import Area
from gongzhi.kernel.codes import prefix_q

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "prefix", ["42", "4208", "420822", "420822110", "420822110209", "420822119", "99", "4"]
)
def test_prefix_range_equals_startswith(prefix):
    by_range = set(Area.objects.filter(prefix_q("code", prefix)).values_list("code", flat=True))
    brute = {c for c in Area.objects.values_list("code", flat=True) if c.startswith(prefix)}
    assert by_range == brute


def test_non_digit_prefix_matches_nothing():
    assert not Area.objects.filter(prefix_q("code", "42%")).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ICU collations are a PostgreSQL matter")
@pytest.mark.parametrize("collation", ["zh-Hans-CN-x-icu", "en-US-x-icu", "und-x-icu"])
def test_range_bound_holds_under_icu_collations(collation):
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM areas_area WHERE code COLLATE "{collation}" >= %s AND code COLLATE "{collation}" < %s',
            ["420822110", "420822111"],
        )
        n = cursor.fetchone()[0]
    assert n == Area.objects.filter(code__startswith="420822110").count() > 0
