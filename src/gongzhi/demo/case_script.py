"""Playing a planned case through the closed loop: 受理 (and 紧急上报) → 上报/下派 → 派遣 → 处置 →
办结 → 核查结案 → 评价 → 回访, with the people of the place and times people keep. A step that
would fall after "now" has not happened yet: the case stays where it is (so queues have work)."""

import contextlib
import random
from datetime import datetime, timedelta

from gongzhi.cases import deadlines
from gongzhi.cases.choices import OPEN_STATUSES, Kind

from . import case_texts as texts
from .case_plan import Head, Plan, channel_label
from .case_story import Actor, Story
from .case_world import World

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# Which department a centre sends a case to (中心吹哨、部门报到).
DEPARTMENT_KINDS = {"dispute": ("justice", "court"), "traffic": ("police",), "security": ("police",),
                    "livelihood": ("civil",), "emergency": ("police", "civil")}  # fmt: skip


class Stop(Exception):
    """The next step lies in the future (or the plan stops here)."""


class Script:
    def __init__(self, head: Head, story: Story, world: World, rng: random.Random, tz):
        self.h, self.s, self.w, self.rng, self.tz = head, story, world, rng, tz
        self.p: Plan = head.plan
        self.staff = world.staff
        self.dispute = head.kind == Kind.DISPUTE
        self.noted: set[str] = set()

    def play(self) -> None:
        with contextlib.suppress(Stop):
            self._play()
        self.s.finish()

    # -- time --------------------------------------------------------------------------------

    def at(self, lo: float, hi: float, *, cap: datetime | None = None, hours=(8, 19)) -> datetime:
        """A moment lo..hi hours after the last step, moved into working (or waking) hours when
        that keeps it before `cap` (a deadline); raises Stop when it lies in the future."""
        s = self.s
        if cap is not None and cap <= s.t + MINUTE:
            cap = None  # already late: no reason to hurry into the night
        moment = s.t + timedelta(hours=self.rng.uniform(lo, hi) * self.p.pace)
        moment = self._office(moment, cap, hours)
        if cap is not None and moment > cap and cap > s.t + MINUTE:
            moment = s.t + (cap - s.t) * self.rng.uniform(0.5, 0.95)
        moment = max(moment, s.t + MINUTE)
        if moment > s.now:
            raise Stop
        return moment

    def _office(self, moment: datetime, cap: datetime | None, hours=(8, 19)) -> datetime:
        start, end = hours
        local = moment.astimezone(self.tz)
        if start <= local.hour < end:
            return moment
        day = local.date() if local.hour >= end else local.date() - DAY
        evening = (
            datetime(day.year, day.month, day.day, end - 4, tzinfo=self.tz) + self.rng.uniform(0, 4) * HOUR
        )
        morning = datetime(day.year, day.month, day.day, start, tzinfo=self.tz) + DAY
        morning += self.rng.triangular(0, 3, 0.5) * HOUR
        if cap is None or morning <= cap:
            return morning
        return evening if evening > self.s.t + MINUTE else moment

    def stop(self, milestone: str) -> None:
        if self.p.stop == milestone:
            raise Stop

    # -- the loop ----------------------------------------------------------------------------

    def _play(self) -> None:
        h, s, staff = self.h, self.s, self.staff
        s.submit(h.submitter, f"经{channel_label(h.channel)}反映")
        self.stop("submitted")
        centre = staff.centre(h.village)
        if h.repeats is not None:
            # 合并: staff see the earlier report still open and handle both as one.
            moment = self.at(0.5, 6, cap=s.accept_due)
            if h.repeats.story.status_at(moment) in OPEN_STATUSES:
                s.merge(moment, centre, h.repeats.story)
                return
        if self.p.reject:
            s.reject(self.at(1, 20, cap=s.accept_due), centre, self.rng.choice(texts.REJECT))
            return
        self._accept(first=True)
        self.stop("accepted")
        for upper in [h.village[:9], h.village[:6]][: self.p.climb]:
            if self.rng.random() < 0.75:
                s.note(self.at(4, 48), self.staff.handler(s.handling_area), self._note_text(), internal=True)
            reasons = texts.ESCALATE[s.level]
            reason = self.rng.choice(
                reasons.get(h.category) or reasons["dispute" if self.dispute else "other"]
            )
            s.escalate(self.at(2, 30), staff.centre(s.handling_area), reason.format(**h.slots), upper)
            if upper == h.village[: 9 if self.p.climb == 1 else 6]:
                self.stop("escalated")
            if self.p.delegate_back:
                s.delegate(
                    self.at(1, 8),
                    staff.centre(upper),
                    h.village,
                    self.w.names[h.village],
                    texts.DELEGATE.format(**h.slots),
                )
                self._accept()
                break
            self._accept()
        self._handle()

    def _accept(self, *, first: bool = False) -> None:
        s, rng = self.s, self.rng
        centre = self.staff.centre(s.handling_area)
        if not deadlines.must_report_up(self.h.kind, self.h.urgency):
            if self.p.accept_late:
                moment = self.at(25, 48 + 30)
            else:
                quick = min(rng.lognormvariate(0.4, 1.0), 20)
                moment = self.at(quick * 0.9, quick * 1.1, cap=s.accept_due - 5 * MINUTE)
            s.accept(moment, centre, rng.choice(texts.ACCEPT))
            return
        # Emergencies: accepted at once, and reported to the centre above within the hour.
        accept_at = s.t + timedelta(minutes=rng.uniform(5, 40))
        report_at = s.created_at + timedelta(
            minutes=rng.uniform(70, 180) if self.p.report_late else rng.uniform(10, 55)
        )
        steps = [(accept_at, "accept")] + ([(report_at, "report")] if first else [])
        for moment, what in sorted(steps):
            moment = max(moment, s.t + MINUTE)
            if moment > s.now:
                raise Stop
            if what == "accept":
                s.accept(moment, centre, "紧急受理，立即处置")
            else:
                parent = s.handling_area[: {12: 9, 9: 6, 6: 4}[len(s.handling_area)]]
                s.report_up(moment, self.staff.centre(s.handling_area),
                            texts.REPORT_UP.format(title=self.h.title), parent)  # fmt: skip

    def _assignment(self) -> tuple[str, Actor, dict]:
        """(how, who acts, assign() arguments): an account or department to send it to, or the
        centre's own handler."""
        s, rng, staff, p = self.s, self.rng, self.staff, self.p
        code, level = s.handling_area, s.level
        options: list[tuple[str, Actor, dict]] = []
        if level == "village":
            grid = staff.grid_worker(self.h.leaf.area.code)
            mediator = staff.mediator(code)
            if mediator and self.dispute:
                options.append(("mediator", mediator, {"target": mediator.name, "user_id": mediator.id}))
            if grid:
                options.append(("grid", grid, {"target": grid.name, "user_id": grid.id}))
        else:
            key = self.h.category if self.h.category == "traffic" else self.h.kind
            kinds = DEPARTMENT_KINDS.get(key, ())
            if self.dispute and rng.random() < 0.85:
                kinds = ("justice", "court")
            if level == "county" and self.h.channel == "visit":
                kinds = ("petition", *kinds)
            dept = staff.department(code, kinds)
            if dept is not None:
                actor = staff.department_staff(dept)
                options.append(("dept", actor, {"target": dept.name, "department_id": dept.pk}))
        own = ("self", staff.handler(code), {})
        if p.handler:
            return next((o for o in options if o[0] == p.handler), options[0] if options else own)
        if options and rng.random() < (0.8 if options[0][0] != "grid" or not self.dispute else 0.2):
            return options[0]
        return own

    def _handle(self) -> None:
        s, rng, p, staff = self.s, self.rng, self.p, self.staff
        code = s.handling_area
        centre = staff.centre(code)
        how, handler, assign = self._assignment()
        if how != "self":
            s.assign(self.at(0.2, 6, cap=s.resolve_due), centre, **assign)
            if p.give_back and how == "dept" and not p.stop:
                s.give_back(self.at(2, 24), handler, texts.RETURN)
                how, handler, assign = "self", staff.handler(code), {}
        self.stuck_or_stop("assigned")
        for _ in range(p.notes):
            s.note(
                self.at(3, 30, cap=s.resolve_due), handler, self._note_text(how), internal=rng.random() < 0.3
            )
        self.stuck_or_stop("noted")
        if p.extension and s.resolve_due - s.t > 12 * HOUR:
            request_at = self.at(1, 12, cap=s.resolve_due - HOUR)
            until = s.resolve_due + timedelta(days=rng.randint(5, 15))
            s.extend_request(
                request_at,
                handler,
                until.replace(minute=0, second=0, microsecond=0),
                rng.choice(texts.EXTEND),
            )
            self.stop("extension")
            s.extend_decide(self.at(2, 20, cap=s.resolve_due), centre, rng.random() < 0.9)
        resolve_at = self._resolve_time()
        if p.supervise:
            moment = s.t + (resolve_at - s.t) * rng.uniform(0.3, 0.8)
            if moment <= s.now:
                self._supervise(moment, "normal")
        if resolve_at > s.now:
            raise Stop
        s.resolve(resolve_at, handler, self._outcome(how, assign))
        self.stop("resolved")
        if p.reopen:
            s.reopen(self.at(2, 20), centre, rng.choice(texts.REOPEN))
            s.resolve(self.at(12, 60), handler, texts.RESOLVE_AGAIN)
        s.verify(self.at(1, 16, cap=s.resolve_due), centre, rng.choice(texts.VERIFY))
        self.stop("closed")
        if p.rating and self.h.reporter_user is not None:
            comment = rng.choice(texts.RATING_COMMENTS[p.rating])
            s.rate(self.at(0.5, 60, hours=(7, 23)), self.h.reporter_user, p.rating, comment)
            if p.rating == "dissatisfied":  # 返工: handled again, closed again
                if how != "self":
                    s.assign(
                        self.at(1, 8), centre, note=f"群众不满意，重新派遣至{assign['target']}", **assign
                    )
                s.resolve(self.at(12, 72), handler, texts.RESOLVE_AGAIN)
                s.verify(self.at(1, 16), centre, rng.choice(texts.VERIFY))
        if p.revisit:
            s.revisit(self.at(72, 480), centre, rng.choice(texts.REVISIT))

    def stuck_or_stop(self, milestone: str) -> None:
        """A case that stops here may first have been 督办 by the centre above for being late."""
        if self.p.stop != milestone:
            return
        s = self.s
        if self.p.supervise:
            moment = max(s.t, s.resolve_due) + timedelta(hours=self.rng.uniform(12, 60))
            if moment <= s.now:
                self._supervise(moment, "yellow" if s.overdue_at or moment > s.resolve_due else "normal")
        raise Stop

    def _supervise(self, moment: datetime, level: str) -> None:
        s = self.s
        above = s.handling_area[: {12: 9, 9: 6, 6: 4}[len(s.handling_area)]]
        s.supervise(moment, self.staff.centre(above), level, self.rng.choice(texts.SUPERVISE))

    def _resolve_time(self) -> datetime:
        s, rng, p = self.s, self.rng, self.p
        if p.late:
            moment = s.resolve_due + timedelta(days=rng.uniform(0.3, 10))
            return max(moment, s.t + HOUR)
        limit = s.resolve_due - s.accepted_at
        share = p.resolve_share or (rng.uniform(0.2, 0.8) if self.dispute else rng.uniform(0.05, 0.6))
        moment = s.accepted_at + limit * share
        moment = self._office(max(moment, s.t + 30 * MINUTE), s.resolve_due - 2 * HOUR)
        return max(moment, s.t + 10 * MINUTE)

    def _note_text(self, how: str = "self") -> str:
        """A step of the work not written yet in this case."""
        key = "dispute" if self.dispute else "other"
        fresh = [t for t in texts.NOTES[key] if t not in self.noted] or texts.NOTES[key]
        text = self.rng.choice(fresh)
        self.noted.add(text)
        room = texts.ROOM[self.s.level].format(**self.h.slots)
        text = text.format(**{**self.h.slots, "room": room})
        if how == "self" and not self.dispute and text.startswith("网格员"):
            return text.replace(
                "网格员", f"网格员{self.staff.grid_worker_name(self.h.leaf.area.code).name}", 1
            )
        return text

    def _outcome(self, how: str, assign: dict) -> str:
        outcome = self.h.text.outcome.format(**self.h.slots)
        if not self.dispute:
            return outcome
        level = self.s.level
        prefix = f"经{assign['target']}调解，" if how == "dept" else self.rng.choice(texts.PREFIX[level])
        prefix = prefix.format(**self.h.slots)
        judicial = texts.JUDICIAL if level != "village" and self.rng.random() < 0.15 else ""
        return prefix + outcome + judicial
