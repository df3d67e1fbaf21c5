"""Writes to the registry: people, households, organisations, and revealing an identifier."""

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.kernel.crypto import blind_index, decrypt, seal
from gongzhi.kernel.errors import Conflict, DomainError, Forbidden
from gongzhi.kernel.jurisdiction import has_role, require_role
from gongzhi.kernel.masking import mask_id_number, mask_phone

from . import rules
from .models import Household, Organization, Person, PersonTag
from .validation import clean_household, clean_organization, clean_person

PERSON_FIELDS = [
    "name", "gender", "birth_date", "ethnicity", "id_type", "political_status", "education",
    "marital_status", "occupation", "workplace", "kind", "extra", "area", "address",
    "hukou_area", "hukou_address", "relation",
]  # fmt: skip


def apply_person(person: Person, clean: dict) -> list[str]:
    """Copy clean values onto a person (sealing identifiers); return the names of changed fields."""
    changed = []
    for field in PERSON_FIELDS:
        value = clean[field]
        if field in ("area", "hukou_area"):  # compare keys: a new person has no related row yet
            field, value = f"{field}_id", value.pk if value is not None else None
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed.append(field.removesuffix("_id"))
    # Compare blind indexes first: encrypting again only when a value really changed.
    if person.id_number_index != (blind_index(clean["id_number"]) if clean["id_number"] else ""):
        person.id_number_cipher, person.id_number_index, person.id_number_masked = seal(
            clean["id_number"], mask_id_number
        )
        changed.append("id_number")
    if person.phone_index != (blind_index(clean["phone"]) if clean["phone"] else ""):
        person.phone_cipher, person.phone_index, person.phone_masked = seal(clean["phone"], mask_phone)
        changed.append("phone")
    return changed


def _set_tags(person: Person, tags: list[str]) -> bool:
    current = set(person.tags.values_list("tag", flat=True)) if person.pk else set()
    if current == set(tags):
        return False
    PersonTag.objects.filter(person=person).exclude(tag__in=tags).delete()
    PersonTag.objects.bulk_create([PersonTag(person=person, tag=t) for t in tags if t not in current])
    return True


@transaction.atomic
def person_save(*, actor, data: dict, person: Person | None = None) -> Person:
    """Create a person, or update one the caller fetched through visible_to().

    On update a blank ID number or phone keeps the stored one: forms and the API never have to
    send (or show) a full identifier just to change someone's address.
    """
    if person is not None:
        data = dict(data)
        if not str(data.get("id_number") or "").strip():
            data["id_number"] = decrypt(person.id_number_cipher)
        if not str(data.get("phone") or "").strip() and person.phone_cipher:
            data["phone"] = decrypt(person.phone_cipher)
    clean = clean_person(data)
    require_role(actor, rules.WRITE_ROLES, clean["area"].code, "登记或修改该网格的人口信息")
    if person is not None:
        require_role(actor, rules.WRITE_ROLES, person.area_id, "修改该人员信息")
    duplicate = Person.objects.filter(id_number_index=seal(clean["id_number"], mask_id_number)[1])
    if person is not None:
        duplicate = duplicate.exclude(pk=person.pk)
    if duplicate.exists():
        raise DomainError("该证件号码已登记，请在已有记录上修改（可按证件号码精确查找）。", field="id_number")
    creating = person is None
    person = person or Person(created_by=actor)
    changed = apply_person(person, clean)
    person.save()
    if _set_tags(person, clean["tags"]):
        changed.append("tags")
    audit_record(
        actor=actor,
        action="people.create" if creating else "people.update",
        object_type="person",
        object_id=person.pk,
        area_code=person.area_id,
        details={"fields": changed},
    )
    return person


def may_reveal(user, obj, field: str) -> bool:
    area_codes = [obj.area_id] + ([obj.hukou_area_id] if getattr(obj, "hukou_area_id", None) else [])
    return any(has_role(user, rules.REVEAL_ROLES[field], code) for code in area_codes)


_REVEAL_SOURCES = {
    ("person", "id_number"): "id_number_cipher",
    ("person", "phone"): "phone_cipher",
    ("organization", "phone"): "contact_phone_cipher",
}


def identifier_reveal(*, actor, obj, field: str, reason: str) -> str:
    """The full value of one identifier, for a user whose role allows it, with a reason, audited.

    Not one transaction on purpose: a refused reveal is recorded, and the record must survive
    the error that follows it.
    """
    object_type = "person" if isinstance(obj, Person) else "organization"
    source = _REVEAL_SOURCES.get((object_type, field))
    if source is None:
        raise DomainError(f"不能查看字段 {field}。", field="field")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError("请填写查看完整信息的事由（至少 2 个字）。", field="reason")
    if not may_reveal(actor, obj, field):
        audit_record(
            actor=actor, action="people.reveal", object_type=object_type, object_id=obj.pk, area_code=obj.area_id,
            result="denied", details={"field": field},
        )  # fmt: skip
        raise Forbidden("您的角色不能查看完整的证件号码或电话。")
    cipher = getattr(obj, source)
    if not cipher:
        raise DomainError("该项没有登记。", field="field")
    audit_record(
        actor=actor, action="people.reveal", object_type=object_type, object_id=obj.pk, area_code=obj.area_id,
        details={"field": field, "reason": reason[:200]},
    )  # fmt: skip
    return decrypt(cipher)


@transaction.atomic
def household_save(*, actor, data: dict, household: Household | None = None) -> Household:
    clean = clean_household(data)
    require_role(actor, rules.WRITE_ROLES, clean["area"].code, "登记或修改该网格的户")
    if household is not None:
        require_role(actor, rules.WRITE_ROLES, household.area_id, "修改该户")
    clash = Household.objects.filter(area=clean["area"], household_no=clean["household_no"])
    if household is not None:
        clash = clash.exclude(pk=household.pk)
    if clash.exists():
        raise DomainError(f"网格内已有户号 {clean['household_no']}。", field="household_no")
    creating = household is None
    household = household or Household()
    before = (household.care_colour, household.care_reason)
    for key, value in clean.items():
        setattr(household, key, value)
    household.save()
    details = {}
    if not creating and before != (household.care_colour, household.care_reason):
        details["care_colour"] = [before[0], household.care_colour]
    audit_record(
        actor=actor, action="people.household_create" if creating else "people.household_update",
        object_type="household", object_id=household.pk, area_code=household.area_id, details=details,
    )  # fmt: skip
    return household


@transaction.atomic
def household_set_member(*, actor, household: Household, person: Person, relation: str) -> Person:
    """Put a person in a household (or take them out with household=None handled by the caller)."""
    require_role(actor, rules.WRITE_ROLES, household.area_id, "调整该户成员")
    from .choices import Relation

    if relation not in Relation.values:
        raise DomainError("请选择与户主关系。", field="relation")
    if (
        relation == Relation.HEAD
        and household.members.filter(relation=Relation.HEAD).exclude(pk=person.pk).exists()
    ):
        raise Conflict("该户已有户主；请先调整原户主的关系。", field="relation")
    person.household, person.relation = household, relation
    person.save(update_fields=["household", "relation", "updated_at"])
    audit_record(
        actor=actor, action="people.household_member", object_type="person", object_id=person.pk,
        area_code=household.area_id, details={"household": household.pk, "relation": relation},
    )  # fmt: skip
    return person


@transaction.atomic
def organization_save(*, actor, data: dict, organization: Organization | None = None) -> Organization:
    """Create or update an organisation; on update a blank contact phone keeps the stored one."""
    if organization is not None and not str(data.get("contact_phone") or "").strip():
        data = {
            **data,
            "contact_phone": decrypt(organization.contact_phone_cipher)
            if organization.contact_phone_cipher
            else "",
        }
    clean = clean_organization(data)
    require_role(actor, rules.WRITE_ROLES, clean["area"].code, "登记或修改该网格的单位")
    if organization is not None:
        require_role(actor, rules.WRITE_ROLES, organization.area_id, "修改该单位")
    creating = organization is None
    organization = organization or Organization()
    phone = clean.pop("contact_phone")
    for key, value in clean.items():
        setattr(organization, key, value)
    cipher, index, masked = seal(phone, mask_phone)
    organization.contact_phone_cipher, organization.contact_phone_index = cipher, index
    organization.contact_phone_masked = masked
    organization.save()
    audit_record(
        actor=actor, action="people.org_create" if creating else "people.org_update",
        object_type="organization", object_id=organization.pk, area_code=organization.area_id,
    )  # fmt: skip
    return organization
