"""One door to jurisdiction (design.md §4.3): every model with visible_to() gets it from the floor's
AreaScopedQuerySet, so the same rules hold everywhere.

- anonymous   sees nothing of any model;
- superuser   sees every row of every scoped model, except the audit trail (三员分立);
- staff       see rows under the areas of their read roles (the personas of tests/conftest.py).
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from gongzhi.accounts.models import User
from gongzhi.kernel.scoping import AreaScopedQuerySet

from ..conftest import GAOYANG, HEJI_GRID1
from ..people.factories import make_person


def scoped_models():
    return [m for m in apps.get_models() if hasattr(m.objects.all(), "visible_to")]


def test_every_visible_to_comes_from_the_floor():
    models = scoped_models()
    assert len(models) >= 15, [m.__name__ for m in models]
    strays = [m.__name__ for m in models if not isinstance(m.objects.all(), AreaScopedQuerySet)]
    # Mediation follows its case's door (a mediation is seen by whoever sees the case).
    assert strays == ["Mediation"], strays


@pytest.mark.django_db
@pytest.mark.parametrize("model", scoped_models(), ids=lambda m: m._meta.label)
def test_anonymous_sees_nothing(model):
    assert (
        model.objects.visible_to(AnonymousUser()).query.is_empty()
        or not model.objects.visible_to(AnonymousUser()).exists()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("model", scoped_models(), ids=lambda m: m._meta.label)
def test_superuser_sees_all_but_the_audit_trail(model):
    admin = User.objects.create_superuser("root", password="Root@Pass2026")
    visible = model.objects.visible_to(admin)
    if model._meta.label == "audit.AuditEvent":
        assert not visible.exists() and visible.query.where
    elif isinstance(model.objects.all(), AreaScopedQuerySet):
        assert str(visible.query) == str(model.objects.all().query)


@pytest.mark.django_db
def test_a_superuser_sees_people_and_cases_that_no_grant_reaches(personas):
    from gongzhi.cases.models import Case
    from gongzhi.people.models import Person

    person = make_person(personas.heji, HEJI_GRID1, "赵四")
    admin = User.objects.create_superuser("root", password="Root@Pass2026")
    assert Person.objects.visible_to(admin).filter(pk=person.pk).exists()
    assert not Person.objects.visible_to(personas.guodian).filter(pk=person.pk).exists()
    assert Person.objects.visible_to(personas.gaoyang).filter(pk=person.pk).exists()
    assert Case.objects.visible_to(admin).count() == Case.objects.count()


@pytest.mark.django_db
def test_a_grant_reaches_its_subtree_only(personas):
    from gongzhi.areas.models import Area

    codes = set(Area.objects.visible_to(personas.gaoyang).values_list("code", flat=True))
    assert codes and all(code.startswith(GAOYANG) for code in codes)
    assert not Area.objects.visible_to(personas.guodian).filter(code__startswith=GAOYANG).exists()
