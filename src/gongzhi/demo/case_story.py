"""One demo case's life in memory, step by step, as cases/workflow.py would have written it.

Every step is checked against rules.TRANSITIONS (and, when the actor is a real account, against
rules.allowed), sets the same fields as the service, and between steps the deadline sweep
(cases/sweep.py, every five minutes) is replayed: overdue marks, automatic 督办, due-soon flags and
late emergency reports appear exactly when the sweep would have made them. A final sweep at
"now" leaves nothing for the real sweep to do.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from gongzhi.areas.models import LEVEL_BY_LENGTH
from gongzhi.cases import deadlines, rules
from gongzhi.cases.choices import OPEN_STATUSES, Action, Status, Supervision
from gongzhi.cases.models import Case
from gongzhi.cases.sweep import SUPERVISION_STEPS

SWEEP_EVERY = timedelta(minutes=5)
DUE_SOON = timedelta(hours=24)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_ORDER = {level: rank for rank, level in enumerate(Supervision.values)}  # "" < normal < yellow < red
SYSTEM = "系统"


def level_of(code: str) -> str:
    return LEVEL_BY_LENGTH[len(code)]


def tick_after(moment: datetime) -> datetime:
    """The first sweep strictly after `moment` (the sweep runs at :00, :05, :10 …)."""
    steps = (moment - _EPOCH) // SWEEP_EVERY + 1
    return _EPOCH + steps * SWEEP_EVERY


class Deadlines:
    """deadlines.due_dates per (kind, urgency, level), asked once each: the rules are offsets."""

    def __init__(self):
        self._offsets: dict[tuple[str, str, str], tuple[timedelta, timedelta]] = {}

    def due(self, kind: str, urgency: str, level: str, start: datetime) -> tuple[datetime, datetime]:
        key = (kind, urgency, level)
        if key not in self._offsets:
            accept, resolve = deadlines.due_dates(kind, urgency, level, _EPOCH)
            self._offsets[key] = (accept - _EPOCH, resolve - _EPOCH)
        accept, resolve = self._offsets[key]
        return start + accept, start + resolve


@dataclass(frozen=True)
class Actor:
    """Who did a step: a real account (checked against the rules) or a named person without one."""

    name: str
    user: object = None  # accounts.User
    user_id: int | None = None

    @property
    def id(self) -> int | None:
        return self.user.pk if self.user is not None else self.user_id


@dataclass
class Event:
    action: str
    actor_id: int | None
    actor_name: str
    from_status: str
    to_status: str
    note: str
    at: datetime
    internal: bool = False
    data: dict = field(default_factory=dict)


class OutOfRules(Exception):
    """A planned step the real workflow would refuse: a bug in the planner, never shown to users."""


class Story:
    """A case as it stands after the steps taken so far, with its timeline."""

    def __init__(self, *, kind: str, urgency: str, village: str, created_at: datetime, now: datetime,
                 reporter_user_id: int | None, due: Deadlines):  # fmt: skip
        self.kind, self.urgency, self.created_at, self.now, self.due = kind, urgency, created_at, now, due
        self.reporter_user_id = reporter_user_id
        self.status = Status.SUBMITTED
        self.handling_area = village
        self.assignee_user_id: int | None = None
        self.assignee_department_id: int | None = None
        self.accept_due, self.resolve_due = due.due(kind, urgency, level_of(village), created_at)
        self.accepted_at = self.resolved_at = self.closed_at = None
        self.overdue_at = self.accept_overdue_at = self.due_soon_notified_at = None
        self.report_up_flagged_at = self.reported_up_at = self.rated_at = self.revisited_at = None
        self.extension_until = None
        self.extension_reason = ""
        self.rework_count = 0
        self.settled_level = self.rating = self.rating_comment = self.supervision = ""
        self.version = 0
        self.merged_into: Story | None = None
        self.events: list[Event] = []
        self.t = created_at
        self.number = ""

    # -- reading ----------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def level(self) -> str:
        return level_of(self.handling_area)

    def status_at(self, moment: datetime) -> str:
        status = Status.SUBMITTED
        for event in self.ordered_events():
            if event.at > moment:
                break
            status = event.to_status or status
        return status

    def fits(self, moment: datetime) -> bool:
        """True when a step at `moment` is in the past: later steps have not happened yet."""
        return self.t <= moment <= self.now

    # -- the sweep ---------------------------------------------------------------------------

    def _urgent(self) -> bool:
        return deadlines.must_report_up(self.kind, self.urgency)

    def sweep_until(self, end: datetime, *, inclusive: bool = False) -> None:
        """Replay the sweeps after the last step up to `end` (and at `end` itself when inclusive).

        Nothing but the sweep changes the case in between, so it is enough to look at the first
        sweep after the last step and the first sweep after each deadline threshold."""
        marks = [self.t, self.accept_due, self.resolve_due - DUE_SOON, self.resolve_due]
        marks += [self.resolve_due + after for after, _ in SUPERVISION_STEPS]
        if self._urgent():
            marks.append(self.created_at + timedelta(hours=deadlines.REPORT_UP_HOURS))
        ticks = sorted({tick_after(m) for m in marks if tick_after(m) > self.t and tick_after(m) < end})
        if inclusive and end > self.t:
            ticks.append(end)
        for moment in ticks:
            self._sweep_at(moment)

    def _sweep_at(self, now: datetime) -> None:
        if self.status == Status.SUBMITTED and self.accept_due < now and self.accept_overdue_at is None:
            self.accept_overdue_at = now
            self._system(now, Action.OVERDUE, "超过受理时限未受理", {"what": "accept"})
        if self.is_open and self.resolve_due < now:
            if self.overdue_at is None:
                self.overdue_at = now
                self._system(now, Action.OVERDUE, "超过办结时限", {"what": "resolve"})
            late = now - self.resolve_due
            wanted = max((lv for after, lv in SUPERVISION_STEPS if late >= after), key=_ORDER.get)
            if _ORDER[self.supervision] < _ORDER[wanted]:
                self.supervision = wanted
                self._system(now, Action.SUPERVISE, f"超期自动{Supervision(wanted).label}",
                             {"level": str(wanted), "auto": True})  # fmt: skip
        if self.is_open and now <= self.resolve_due < now + DUE_SOON and self.due_soon_notified_at is None:
            self.due_soon_notified_at = now
        if (
            self._urgent()
            and self.reported_up_at is None
            and self.report_up_flagged_at is None
            and self.created_at < now - timedelta(hours=deadlines.REPORT_UP_HOURS)
        ):
            self.report_up_flagged_at = now
            self._system(now, Action.OVERDUE, "紧急事项未在 1 小时内向上一级报告", {"what": "report_up"})

    def _system(self, at: datetime, action: str, note: str, data: dict) -> None:
        self.events.append(Event(action, None, SYSTEM, self.status, self.status, note, at, True, data))

    def finish(self) -> None:
        """The sweep that runs at the moment of seeding."""
        self.sweep_until(self.now, inclusive=True)

    # -- steps -------------------------------------------------------------------------------

    def submit(self, actor: Actor, note: str) -> None:
        self.events.append(
            Event(Action.SUBMIT, actor.id, actor.name, "", Status.SUBMITTED, note, self.created_at)
        )

    def _move(self, at: datetime, actor: Actor, action: str, *, to: str | None = None, note: str = "",
              internal: bool = False, data: dict | None = None, **changes) -> None:  # fmt: skip
        statuses, _ = rules.TRANSITIONS[action]
        if self.status not in statuses:
            raise OutOfRules(f"{action} from {self.status}")
        if not self.fits(at):
            raise OutOfRules(f"{action} at {at} is before the last step or after now")
        if actor.user is not None and not rules.allowed(actor.user, self._view(), action):
            raise OutOfRules(f"{actor.name} may not {action} in {self.handling_area}")
        if action == Action.RATE and actor.id != self.reporter_user_id:
            raise OutOfRules("only the reporter rates")
        self.sweep_until(at)
        to = to or self.status
        self.events.append(
            Event(action, actor.id, actor.name, self.status, to, note, at, internal, data or {})
        )
        for name, value in changes.items():
            setattr(self, name, value)
        self.status, self.version, self.t = to, self.version + 1, at

    def _view(self) -> Case:
        """An unsaved Case as it stands, for rules.allowed to judge."""
        return Case(
            kind=self.kind,
            urgency=self.urgency,
            status=self.status,
            handling_area_id=self.handling_area,
            assignee_user_id=self.assignee_user_id,
            assignee_department_id=self.assignee_department_id,
            reporter_user_id=self.reporter_user_id,
            extension_until=self.extension_until,
            supervision=self.supervision,
        )

    def accept(self, at, actor, note="已受理"):
        _, resolve_due = self.due.due(self.kind, self.urgency, self.level, at)
        self._move(
            at, actor, Action.ACCEPT, to=Status.ACCEPTED, note=note, accepted_at=at, resolve_due=resolve_due
        )

    def reject(self, at, actor, reason):
        self._move(at, actor, Action.REJECT, to=Status.REJECTED, note=reason, closed_at=at)

    def assign(self, at, actor, *, target: str, user_id=None, department_id=None, note=""):
        self._move(at, actor, Action.ASSIGN, to=Status.ASSIGNED, note=note or f"派遣至{target}",
                   data={"assignee": target}, assignee_user_id=user_id, assignee_department_id=department_id)  # fmt: skip

    def note(self, at, actor, text, *, internal=False):
        self._move(at, actor, Action.NOTE, note=text, internal=internal)

    def give_back(self, at, actor, reason):
        self._move(at, actor, Action.RETURN, to=Status.ACCEPTED, note=reason, assignee_user_id=None,
                   assignee_department_id=None)  # fmt: skip

    def resolve(self, at, actor, note):
        self._move(
            at, actor, Action.RESOLVE, to=Status.RESOLVED, note=note, resolved_at=at, settled_level=self.level
        )

    def verify(self, at, actor, note):
        self._move(at, actor, Action.VERIFY, to=Status.CLOSED, note=note, closed_at=at)

    def reopen(self, at, actor, reason):
        to = Status.ASSIGNED if self.assignee_user_id or self.assignee_department_id else Status.ACCEPTED
        self._move(
            at, actor, Action.REOPEN, to=to, note=reason, rework_count=self.rework_count + 1, resolved_at=None
        )

    def escalate(self, at, actor, reason, parent: str):
        accept_due, resolve_due = self.due.due(self.kind, self.urgency, level_of(parent), at)
        self._move(at, actor, Action.ESCALATE, to=Status.SUBMITTED, note=reason, data={"to": parent},
                   handling_area=parent, assignee_user_id=None, assignee_department_id=None,
                   accept_due=accept_due, resolve_due=resolve_due)  # fmt: skip

    def delegate(self, at, actor, area: str, area_name: str, note=""):
        accept_due, resolve_due = self.due.due(self.kind, self.urgency, level_of(area), at)
        self._move(at, actor, Action.DELEGATE, to=Status.SUBMITTED, note=note or f"下派至{area_name}",
                   data={"to": area}, handling_area=area, accept_due=accept_due, resolve_due=resolve_due)  # fmt: skip

    def extend_request(self, at, actor, until, reason):
        if until <= self.resolve_due:
            raise OutOfRules("an extension must end after the current deadline")
        self._move(at, actor, Action.EXTEND_REQUEST, note=reason, data={"until": until.isoformat()},
                   extension_until=until, extension_reason=reason[:200])  # fmt: skip

    def extend_decide(self, at, actor, approve: bool, note=""):
        changes = {"extension_until": None, "extension_reason": ""}
        if approve:
            changes["resolve_due"] = self.extension_until
        self._move(at, actor, Action.EXTEND_DECIDE, note=note or ("同意延期" if approve else "不同意延期"),
                   data={"approved": approve}, **changes)  # fmt: skip

    def supervise(self, at, actor, level, note):
        self._move(at, actor, Action.SUPERVISE, note=note, data={"level": level}, supervision=level)

    def rate(self, at, actor, rating, comment=""):
        changes = {"rating": rating, "rating_comment": comment, "rated_at": at}
        if rating == "dissatisfied":
            changes.update(rework_count=self.rework_count + 1, closed_at=None, resolved_at=None)
            self._move(
                at, actor, Action.RATE, to=Status.ACCEPTED, note=comment, data={"rating": rating}, **changes
            )
        else:
            self._move(at, actor, Action.RATE, note=comment, data={"rating": rating}, **changes)

    def revisit(self, at, actor, note):
        self._move(at, actor, Action.REVISIT, note=note, revisited_at=at)

    def merge(self, at, actor, into: "Story"):
        if into is self or into.status_at(at) not in OPEN_STATUSES:
            raise OutOfRules("merge only into another open case")
        self._move(at, actor, Action.MERGE, to=Status.MERGED, note=f"与 {into.number} 合并办理",
                   data={"into": into.number}, merged_into=into, closed_at=at)  # fmt: skip
        status = into.status_at(at)
        into.events.append(Event(Action.MERGE, actor.id, actor.name, status, status, f"合并了 {self.number}", at,
                                 data={"merged": self.number}))  # fmt: skip

    def report_up(self, at, actor, note, parent: str):
        self._move(at, actor, Action.REPORT_UP, note=note, data={"to": parent}, reported_up_at=at)

    def ordered_events(self) -> list[Event]:
        """The timeline in time order (a merge into this case may have been added later)."""
        return sorted(self.events, key=lambda e: e.at)
