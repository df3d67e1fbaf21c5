"""Racing real connections on PostgreSQL, for the concurrency tests (shop redemptions, intake).

The test's own transaction is invisible to other connections, and a flushing (transaction=True)
test would TRUNCATE tables whose append-only triggers refuse it. So every database call runs in a
worker thread with its own autocommitting connection; the main thread never touches the database
(its open transaction would hold locks the workers need)."""

import fcntl
import tempfile
import threading
from pathlib import Path

from django.db import connection


def in_thread(fn, *args):
    """Run fn on a fresh connection in its own thread; return its result or raise its error."""
    out = {}

    def run():
        try:
            out["value"] = fn(*args)
        except BaseException as exc:  # handed back to the test thread
            out["error"] = exc
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


# One race at a time across the xdist workers: two races of 50 connections each would exceed
# PostgreSQL's default max_connections (100) and fail with "too many clients".
_RACE_LOCK = Path(tempfile.gettempdir()) / "gongzhi-test-race.lock"


def race(n: int, attempt) -> list:
    """Start n threads that each prepare (attempt() returns the call to race), wait at a barrier,
    then make the call at the same moment. Returns what each returned, or the exception it raised."""
    with open(_RACE_LOCK, "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            return _race(n, attempt)
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _race(n: int, attempt) -> list:
    barrier = threading.Barrier(n, timeout=60)
    results, lock = [], threading.Lock()

    def run():
        try:
            call = attempt()  # loads its own rows before the barrier, so the race is the write
            barrier.wait()
            result = call()
        except BaseException as exc:
            result = exc
        finally:
            connection.close()
        with lock:
            results.append(result)

    workers = [threading.Thread(target=run) for _ in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert len(results) == n, "a worker hung"
    return results
