"""The ledger: the only code that changes a balance. Append an entry under the account's row lock,
hash-chained to the account's previous entry (chain.py), keep the period tallies, reverse with
compensating entries, and verify everything from scratch."""

from datetime import datetime

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.kernel import checkpoints
from gongzhi.kernel.errors import Conflict, DomainError
from gongzhi.kernel.idempotency import clean_key

from . import chain
from .choices import SCORE_KINDS, EntryKind
from .models import PointAccount, PointEntry, PointTally

KEY_LIMIT = PointEntry._meta.get_field("idempotency_key").max_length  # 96


def period_keys(at: datetime) -> list[str]:
    """The tally periods an entry booked at `at` (Beijing time) counts in."""
    local = timezone.localtime(at)
    quarter = (local.month - 1) // 3 + 1
    return ["all", f"{local.year}", f"{local.year}Q{quarter}", f"{local.year}-{local.month:02d}"]


def _actor_name(actor) -> str:
    if actor is None:
        return "系统"
    return getattr(actor, "display_name", "") or actor.get_username()


@transaction.atomic
def post(*, account: PointAccount, delta: int, kind: str, source: str, actor=None, item=None,
         reason: str = "", source_id: str = "", idempotency_key: str = "", reverses: PointEntry | None = None,
         at: datetime | None = None) -> PointEntry:  # fmt: skip
    """Append one entry to an account's ledger and return it.

    The account row is locked first (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
    transactions serialise writers), so the balance check, the new balance, the entry's sequence
    number and its idempotency key are decided by one writer at a time. A key already used on
    this account returns the entry it made: a re-sent request posts once (a key longer than the
    column, or not printable ASCII, is refused rather than cut). A redemption that would
    take the balance below zero is refused (and the database refuses it too)."""
    if not delta:
        raise DomainError("积分变动不能为 0。", field="points")
    key = clean_key(idempotency_key, limit=KEY_LIMIT)
    locked = PointAccount.objects.select_for_update().get(pk=account.pk)
    if key:
        existing = PointEntry.objects.filter(account_id=locked.pk, idempotency_key=key).first()
        if existing is not None:
            return existing
    balance = locked.balance + delta
    if kind == EntryKind.REDEMPTION and balance < 0:
        raise Conflict(
            f"积分余额不足：需要 {-delta} 分，当前可用 {max(locked.balance, 0)} 分。",
            code="insufficient_points",
        )
    seq = locked.entry_count + 1
    at = at or timezone.now()
    PointAccount.objects.filter(pk=locked.pk).update(balance=balance, entry_count=seq)
    entry = PointEntry(
        account_id=locked.pk, seq=seq, delta=delta, kind=kind, source=source, source_id=str(source_id)[:40],
        item=item, item_code=item.code if item else "", item_name=item.name if item else "",
        reason=(reason or "")[:300], actor=actor, actor_name=_actor_name(actor), balance_after=balance,
        idempotency_key=key, reverses=reverses, subject=locked.subject, area_code=locked.area_id, created_at=at,
    )  # fmt: skip
    chain.seal(entry, previous_hash(locked.pk, seq))
    entry.save(force_insert=True)
    _tally(locked, at, delta if kind in SCORE_KINDS else 0)
    account.balance, account.entry_count = balance, seq
    return entry


def previous_hash(account_id: int, seq: int) -> str:
    """The hash the entry `seq` of an account links to: its previous entry's, or the genesis."""
    if seq == 1:
        return chain.GENESIS
    return PointEntry.objects.filter(account_id=account_id, seq=seq - 1).values_list("hash", flat=True).get()


def _tally(account: PointAccount, at: datetime, score: int) -> None:
    """Add the entry to the account's tallies; the account row lock makes this race-free."""
    periods = period_keys(at)
    updated = PointTally.objects.filter(account_id=account.pk, period__in=periods).update(
        score=F("score") + score, entries=F("entries") + 1
    )
    if updated == len(periods):
        return
    have = set(
        PointTally.objects.filter(account_id=account.pk, period__in=periods).values_list("period", flat=True)
    )
    PointTally.objects.bulk_create(
        PointTally(account_id=account.pk, period=p, subject=account.subject, area_code=account.area_id,
                   score=score, entries=1)
        for p in periods if p not in have
    )  # fmt: skip


@transaction.atomic
def reverse(
    *, entry: PointEntry, actor, reason: str, source: str, source_id: str = "", at=None
) -> PointEntry:
    """Cancel an entry with a compensating one (a refund for a redemption, a correction otherwise).
    An entry is reversed at most once; a reversal is never reversed itself."""
    if entry.reverses_id:
        raise DomainError("冲销记录不能再次冲销。", field="entry")
    kind = EntryKind.REFUND if entry.kind == EntryKind.REDEMPTION else EntryKind.ADJUSTMENT
    reversal = post(
        account=entry.account, delta=-entry.delta, kind=kind, source=source, actor=actor, item=entry.item,
        reason=reason, source_id=source_id or str(entry.pk), idempotency_key=f"reverse:{entry.pk}", reverses=entry, at=at,
    )  # fmt: skip
    if reversal.reverses_id != entry.pk:  # pragma: no cover - the key is only ever used for this
        raise Conflict("冲销记录冲突。")
    return reversal


def reversed_ids(entries) -> set[int]:
    """Which of these entries have been reversed."""
    ids = [e.pk for e in entries]
    return set(PointEntry.objects.filter(reverses_id__in=ids).values_list("reverses_id", flat=True))


# -- verification -------------------------------------------------------------------------------

_ACCOUNT_SQL = """
SELECT a.id, a.balance, a.entry_count, COALESCE(s.total, 0), COALESCE(s.n, 0), COALESCE(s.last_seq, 0)
FROM points_pointaccount a
LEFT JOIN (SELECT account_id, SUM(delta) AS total, COUNT(*) AS n, MAX(seq) AS last_seq
           FROM points_pointentry GROUP BY account_id) s ON s.account_id = a.id
WHERE a.balance <> COALESCE(s.total, 0) OR a.entry_count <> COALESCE(s.n, 0)
   OR a.entry_count <> COALESCE(s.last_seq, 0)
ORDER BY a.id
"""
_CHAIN_SQL = """
SELECT account_id, seq, balance_after, running, rn FROM (
  SELECT account_id, seq, balance_after,
         SUM(delta) OVER (PARTITION BY account_id ORDER BY seq ROWS UNBOUNDED PRECEDING) AS running,
         ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY seq) AS rn
  FROM points_pointentry) t
WHERE running <> balance_after OR rn <> seq
ORDER BY account_id, seq
"""
_TALLY_SQL = """
SELECT a.id, COALESCE(t.score, 0), COALESCE(t.entries, 0), COALESCE(s.score, 0), COALESCE(s.n, 0)
FROM points_pointaccount a
LEFT JOIN points_pointtally t ON t.account_id = a.id AND t.period = 'all'
LEFT JOIN (SELECT account_id, SUM(CASE WHEN kind IN ('award', 'deduction', 'adjustment') THEN delta ELSE 0 END)
                  AS score, COUNT(*) AS n
           FROM points_pointentry GROUP BY account_id) s ON s.account_id = a.id
WHERE COALESCE(t.score, 0) <> COALESCE(s.score, 0) OR COALESCE(t.entries, 0) <> COALESCE(s.n, 0)
ORDER BY a.id
"""


def anchor() -> dict:
    """The ledger's head for a checkpoint (kernel/checkpoints.py): how many entries it holds.
    Entries are never deleted, and each is chained to its account's previous one, so a later
    count below a checkpoint's means entries were cut off the end of some account."""
    return {"entries": PointEntry.objects.count()}


def checkpoint_problems(entries: int, until=None) -> list[str]:
    """What the checkpoint file says against a ledger of `entries` entries."""
    points, problems = checkpoints.read(until)
    for point in points:
        head = point.anchors.get("points")
        if isinstance(head, dict) and int(head.get("entries", 0)) > entries:
            problems.append(
                f"积分流水在检查点 #{point.n} 之后被删除：检查点时已有 {head['entries']} 条，现在只有 {entries} 条"
            )
            break
    return problems


def verify(
    limit: int = 100, *, against_checkpoints: bool = True, checkpoints_until=None
) -> tuple[int, int, list[str]]:
    """Recompute every balance, the running balance of every entry and the all-time tallies from
    the entries, walk every account's hash chain, and compare with the checkpoints written outside
    the database. Returns (accounts, entries, problems); no problems means the ledger is sound."""
    problems: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(_ACCOUNT_SQL)
        for pk, balance, count, total, n, last_seq in cursor.fetchmany(limit):
            problems.append(
                f"账户 {pk}: 余额 {balance}，流水合计 {total}；记录条数 {count}，实有 {n} 条（最大序号 {last_seq}）"
            )
        cursor.execute(_CHAIN_SQL)
        for pk, seq, after, running, rn in cursor.fetchmany(limit):
            problems.append(
                f"账户 {pk} 第 {seq} 条: 记录的变动后余额 {after}，按流水累计应为 {running}（第 {rn} 条）"
            )
        cursor.execute(_TALLY_SQL)
        for pk, score, entries, real_score, real_n in cursor.fetchmany(limit):
            problems.append(f"账户 {pk}: 累计得分 {score}/{entries} 条，按流水应为 {real_score}/{real_n} 条")
    walk = PointEntry.objects.order_by("account_id", "seq").iterator(chunk_size=5000)
    for entry, reason in chain.broken_links(walk, limit=limit):
        problems.append(
            f"账户 {entry.account_id} 第 {entry.seq} 条（流水 id {entry.pk}）: 哈希链断开，{reason}"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM points_pointaccount")
        accounts = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM points_pointentry")
        entries = cursor.fetchone()[0]
    if against_checkpoints:
        problems += checkpoint_problems(entries, checkpoints_until)
    return accounts, entries, problems
