"""What the cases module awards points for: a resident's report verified as useful, and a
volunteer's successful mediation. Through the registry's one door (kernel.registry.award_points),
in the caller's transaction; the cases app does not know the points app."""

from gongzhi.accounts.models import ResidentLink
from gongzhi.kernel.registry import award_points
from gongzhi.people.choices import Tag

from .choices import Channel

# Event codes declared in CasesConfig.point_events.
REPORT_USEFUL = "case_report_useful"
MEDIATION_SUCCESS = "mediation_success"

# Channels through which residents speak for themselves. A grid worker's own find (网格员上报) is
# their work, and a task from above (上级交办) has no resident behind it.
RESIDENT_CHANNELS = (Channel.H5, Channel.APP, Channel.BOX, Channel.VISIT, Channel.HOTLINE)


def award_useful_report(*, case, actor):
    """核查结案: the registry person who reported it in their own name gets the county's item, once
    per case (a case verified again after rework awards nothing more)."""
    person = case.reporter_person
    if case.anonymous or person is None or case.channel not in RESIDENT_CHANNELS:
        return None
    return award_points(event=REPORT_USEFUL, person=person, actor=actor, source_id=case.number,
                        reason=f"反映的问题经核查属实并结案（{case.number}）")  # fmt: skip


def award_volunteer_mediators(*, mediation, actor) -> list:
    """调解成功: every mediator (lead and co-mediators) who is a registered 志愿者 — a user linked to a
    registry person tagged volunteer — gets the county's item once for this case; staff mediators
    who are not volunteers get nothing (mediating is their job)."""
    case = mediation.case
    ids = [mediation.lead_id, *mediation.co_mediators.values_list("pk", flat=True)]
    links = (
        ResidentLink.objects.filter(user_id__in=ids, person__tags__tag=Tag.VOLUNTEER)
        .select_related("person")
        .order_by("pk")
    )
    entries = []
    for link in links:
        entry = award_points(event=MEDIATION_SUCCESS, person=link.person, actor=actor, source_id=case.number,
                             reason=f"志愿参与调解成功（{case.number}）")  # fmt: skip
        if entry is not None:
            entries.append(entry)
    return entries
