"""The cases module's one door to the 积分制: a resident's report verified as useful, and a
volunteer's successful mediation, award the items the county mapped to those events (through
points.services.award_for_event only, in the caller's transaction)."""

from gongzhi.accounts.models import ResidentLink
from gongzhi.people.choices import Tag

from .choices import Channel

# Channels through which residents speak for themselves. A grid worker's own find (网格员上报) is
# their work, and a task from above (上级交办) has no resident behind it.
RESIDENT_CHANNELS = (Channel.H5, Channel.APP, Channel.BOX, Channel.VISIT, Channel.HOTLINE)


def _mapped(area_code: str, event: str) -> bool:
    from gongzhi.points.models import AwardMapping

    return AwardMapping.objects.filter(area_id=area_code[:6], event=event).exists()


def award_useful_report(*, case, actor):
    """核查结案: the registry person who reported it in their own name gets the county's item, once
    per case (a case verified again after rework awards nothing more)."""
    from gongzhi.points import services, subjects
    from gongzhi.points.choices import AwardEvent, Source

    person = case.reporter_person
    if case.anonymous or person is None or case.channel not in RESIDENT_CHANNELS:
        return None
    if not _mapped(person.area_id, AwardEvent.CASE_REPORT_USEFUL):
        return None  # the county awards nothing for reports: open no account either
    return services.award_for_event(
        event=AwardEvent.CASE_REPORT_USEFUL, account=subjects.account_for_person(person), actor=actor,
        source=Source.CASE_REPORT, source_id=case.number, reason=f"反映的问题经核查属实并结案（{case.number}）",
    )  # fmt: skip


def award_volunteer_mediators(*, mediation, actor) -> list:
    """调解成功: every mediator (lead and co-mediators) who is a registered 志愿者 — a user linked to a
    registry person tagged volunteer — gets the county's item once for this case; staff mediators
    who are not volunteers get nothing (mediating is their job)."""
    from gongzhi.points import services, subjects
    from gongzhi.points.choices import AwardEvent, Source

    case = mediation.case
    ids = [mediation.lead_id, *mediation.co_mediators.values_list("pk", flat=True)]
    links = (
        ResidentLink.objects.filter(user_id__in=ids, person__tags__tag=Tag.VOLUNTEER)
        .select_related("person")
        .order_by("pk")
    )
    entries = []
    for link in links:
        if not _mapped(link.person.area_id, AwardEvent.MEDIATION_SUCCESS):
            continue
        entry = services.award_for_event(
            event=AwardEvent.MEDIATION_SUCCESS, account=subjects.account_for_person(link.person), actor=actor,
            source=Source.MEDIATION, source_id=case.number, reason=f"志愿参与调解成功（{case.number}）",
        )  # fmt: skip
        if entry is not None:
            entries.append(entry)
    return entries
