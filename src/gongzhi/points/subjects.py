"""The account of each 积分主体, opened on first use and kept in step with the registry."""

from django.db import IntegrityError, transaction

from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.jurisdiction import grants_of, resident_link_of
from gongzhi.kernel.roles import Role

from .choices import Subject
from .models import PointAccount, PointTally


def _open(lookup: dict, *, subject: str, area_id: str, name: str) -> PointAccount:
    account = PointAccount.objects.filter(**lookup).first()
    if account is not None:
        if (account.subject, account.area_id, account.name) != (subject, area_id, name):
            _sync(account, subject=subject, area_id=area_id, name=name)
        return account
    try:
        with transaction.atomic():
            return PointAccount.objects.create(subject=subject, area_id=area_id, name=name[:128], **lookup)
    except IntegrityError:  # opened by a concurrent request
        return PointAccount.objects.get(**lookup)


def _sync(account: PointAccount, *, subject: str, area_id: str, name: str) -> None:
    """A person who joined the party, or moved grid: the account and its tallies follow, so boards
    rank them where and as what they are now."""
    PointAccount.objects.filter(pk=account.pk).update(subject=subject, area_id=area_id, name=name[:128])
    PointTally.objects.filter(account_id=account.pk).update(subject=subject, area_code=area_id)
    account.subject, account.area_id, account.name = subject, area_id, name[:128]


def account_for_person(person) -> PointAccount:
    """A resident's account; a party member's is ranked on the 党员 board."""
    subject = Subject.PARTY_MEMBER if person.is_party_member else Subject.RESIDENT
    return _open({"person": person}, subject=subject, area_id=person.area_id, name=person.name)


def account_for_household(household) -> PointAccount:
    head = household.members.filter(relation="户主").values_list("name", flat=True).first()
    name = f"{head}户" if head else f"{household.household_no}户"
    return _open({"household": household}, subject=Subject.HOUSEHOLD, area_id=household.area_id, name=name)


def account_for_organization(org) -> PointAccount:
    return _open({"organization": org}, subject=Subject.ORGANIZATION, area_id=org.area_id, name=org.name)


def account_for_staff(user) -> PointAccount:
    """A village (community) worker's account, in the village of their grant."""

    grant = next((g for g in grants_of(user) if g.role in (Role.VILLAGE_STAFF, Role.GRID_WORKER)), None)
    if grant is None:
        raise DomainError(
            f"{user.display_name} 不是村(社区)工作人员，不能开设工作人员积分账户。", field="user"
        )
    return _open({"user": user}, subject=Subject.STAFF, area_id=grant.area_id, name=user.display_name)


def account_of_resident(user) -> PointAccount | None:
    """The person account of a signed-in resident, or None if they are not in the registry."""
    link = resident_link_of(user)
    if link is None:
        return None
    return account_for_person(link.person)


def household_account_of_resident(user) -> PointAccount | None:
    link = resident_link_of(user)
    if link is None or link.person.household_id is None:
        return None
    return account_for_household(link.person.household)


def subject_object(account: PointAccount):
    """The registry record (or user) an account belongs to."""
    return account.person or account.household or account.organization or account.user
