"""Which area a page or API call asks for, and may it (kernel.jurisdiction.requested_area_code):
the user's own areas and below are in reach, anything else — another town, a malformed code,
a Unicode digit — is a 404, like any object out of jurisdiction."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from gongzhi.kernel.codes import is_code, prefix_q
from gongzhi.kernel.jurisdiction import requested_area_code
from gongzhi.kernel.roles import AREA_STAFF_ROLES

from ..conftest import COUNTY, GAOYANG, GUODIAN, HEJI, HEJI_GRID1


def ask(user, area="", method="get", **kwargs):
    factory = RequestFactory()
    request = factory.post("/", {"area": area}) if method == "post" else factory.get("/", {"area": area})
    request.user = user
    return requested_area_code(request, AREA_STAFF_ROLES, **kwargs)


@pytest.mark.django_db
def test_empty_means_the_users_first_area(personas):
    assert ask(personas.heji) == HEJI
    assert ask(personas.wgy) == HEJI_GRID1


@pytest.mark.django_db
def test_an_area_below_is_in_reach_one_above_only_up_the_line(personas):
    assert ask(personas.gaoyang, HEJI) == HEJI
    with pytest.raises(Http404):
        ask(personas.heji, GAOYANG)
    assert ask(personas.heji, COUNTY, up_the_line=True) == COUNTY


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code", [GUODIAN, "³", "42082211020９", "4208221102090010", "abc", "420822110209' OR 1"]
)
def test_another_town_or_a_malformed_code_is_404(personas, code):
    with pytest.raises(Http404):
        ask(personas.gaoyang, code)


@pytest.mark.django_db
def test_post_wins_over_query_string(personas):
    request = RequestFactory().post("/?area=" + GUODIAN, {"area": HEJI})
    request.user = personas.gaoyang
    assert requested_area_code(request, AREA_STAFF_ROLES) == HEJI


@pytest.mark.django_db
def test_a_resident_may_ask_for_their_village_only_when_the_page_allows(personas):
    from gongzhi.accounts.models import ResidentLink

    from ..people.factories import make_person

    person = make_person(personas.heji, HEJI_GRID1, "李秀英")
    ResidentLink.objects.create(user=personas.resident, person=person)
    with pytest.raises(Http404):
        ask(personas.resident, HEJI)
    assert ask(personas.resident, residents=True) == HEJI


def test_codes_are_ascii_digits_of_a_known_length():
    assert is_code(HEJI) and is_code("42")
    assert not is_code("³") and not is_code("٤٢") and not is_code("4208221") and not is_code("")
    assert prefix_q("area_id", "³").children == [("pk__in", [])]
