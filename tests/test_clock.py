"""The test clock switch (GONGZHI_TEST_CLOCK) really moves the clock: without this check a broken
switch would let the frozen-clock CI runs pass on the real date and prove nothing. And nothing
reads the clock the switch cannot move: the database's."""

import re
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from django.utils import timezone

import gongzhi
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


# "Now" taken by the database: Django's Now(), SQL's CURRENT_TIMESTAMP and friends, PostgreSQL's
# now() and SQLite's 'now'. A method call such as timezone.now() is Python's clock and fine.
DB_CLOCK = re.compile(
    r"(?<![.\w])(now|clock_timestamp|statement_timestamp|transaction_timestamp)\s*\(\s*\)"
    r"|\bCURRENT_(TIMESTAMP|DATE|TIME)\b|\bLOCALTIMESTAMP\b|'now'"
    r"|(?-i:functions\.Now\b|import .*\bNow\b)",
    re.IGNORECASE,
)


def test_nothing_takes_the_time_from_the_database():
    """Only Python's clock is travelled (and deadlines are Beijing dates worked out in Python): a
    "now" from the database would disagree with it under the test clock, and on PostgreSQL could
    disagree with the application server's clock in production."""
    source = Path(gongzhi.__file__).parent
    found = [
        f"{path.relative_to(source)}:{number}: {line.strip()}"
        for path in sorted(source.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DB_CLOCK.search(line)
    ]
    assert found == []
