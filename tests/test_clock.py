"""The test clock switch (GONGZHI_TEST_CLOCK) really moves the clock: without this check a broken
switch would let the frozen-clock CI runs pass on the real date and prove nothing."""

import time
from datetime import date, datetime, timedelta

from django.utils import timezone

from tests.conftest import clock_instant


def test_each_test_starts_at_the_instant_and_the_clock_runs():
    instant = clock_instant()
    if instant is None:
        return  # the real clock: nothing was moved
    now = timezone.now()
    assert timedelta(0) <= now - instant < timedelta(seconds=10)
    # Beijing's calendar day, whatever the machine's zone (Django sets TZ from TIME_ZONE).
    assert timezone.localdate() == date.today() == instant.astimezone(timezone.get_current_timezone()).date()
    time.sleep(0.01)
    assert timezone.now() > now and datetime.now().astimezone() > now
