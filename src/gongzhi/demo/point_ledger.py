"""The demo's year of awards, booked in bulk: each entry is the one services.award_item() would
append through ledger.post() — the next sequence number, the item's points in the account's
village, the running balance, the item's code and name, the actor's name, the source and key, the
link of the account's hash chain —
held in memory and inserted in batches; the period tallies are then rebuilt from the entries with
ledger.period_keys(). A few thousand awards take a fraction of a second instead of half a minute.

Anything else that moves a balance (orders, refunds, appeals) goes through the services; flush()
writes what is held before such a call and sync() reads the balance back after it. The test of the
demo checks every tally against a recount of the entries, and `gongzhi points_verify` checks the
balances and the chain."""

from collections import defaultdict
from datetime import datetime

from gongzhi.points import catalogue, chain, ledger
from gongzhi.points.choices import SCORE_KINDS, EntryKind
from gongzhi.points.models import PointAccount, PointEntry, PointItem, PointTally

BATCH = 1000


class BulkLedger:
    def __init__(self):
        self.held: list[PointEntry] = []
        self.touched: dict[int, PointAccount] = {}
        self.accounts: set[int] = set()  # every account this run booked to
        self._points: dict[tuple[int, str], int] = {}
        self._last_hash: dict[int, str] = {}  # account → hash of its newest entry, held or written

    def points(self, item: PointItem, area_code: str) -> int:
        key = (item.pk, area_code[:12])
        if key not in self._points:
            self._points[key] = catalogue.effective_points(item, area_code)
        return self._points[key]

    def award(self, *, account: PointAccount, item: PointItem, actor, source: str, source_id: str = "",
              reason: str = "", key: str = "", at: datetime) -> PointEntry:  # fmt: skip
        """What award_item(check=False) posts: the item at its points in the account's village."""
        delta = self.points(item, account.area_id)
        balance, seq = account.balance + delta, account.entry_count + 1
        entry = PointEntry(
            account_id=account.pk, seq=seq, delta=delta, kind=EntryKind.AWARD if delta > 0 else EntryKind.DEDUCTION,
            source=source, source_id=str(source_id)[:40], item=item, item_code=item.code, item_name=item.name,
            reason=(reason or "")[:300], actor=actor, actor_name=ledger._actor_name(actor), balance_after=balance,
            idempotency_key=(key or "").strip()[:96], subject=account.subject, area_code=account.area_id, created_at=at,
        )  # fmt: skip
        prev = self._last_hash.get(account.pk) or ledger.previous_hash(account.pk, seq)
        chain.seal(entry, prev)
        self._last_hash[account.pk] = entry.hash
        account.balance, account.entry_count = balance, seq
        self.held.append(entry)
        self.touched[account.pk] = account
        self.accounts.add(account.pk)
        return entry

    def flush(self) -> None:
        """Write what is held: the entries, then the accounts' balances and counts."""
        if not self.held:
            return
        PointEntry.objects.bulk_create(self.held, batch_size=BATCH)
        PointAccount.objects.bulk_update(
            list(self.touched.values()), ["balance", "entry_count"], batch_size=BATCH
        )
        self.held, self.touched = [], {}

    def sync(self, account: PointAccount) -> None:
        """After a service posted to the account: take its balance and count from the database."""
        account.balance, account.entry_count = (
            PointAccount.objects.filter(pk=account.pk).values_list("balance", "entry_count").get()
        )
        self.accounts.add(account.pk)
        self._last_hash.pop(account.pk, None)  # the service chained its own entries

    def retally(self) -> int:
        """Rebuild the tallies of every account booked to from its entries, as ledger.post keeps
        them (score of the conduct kinds, count of all entries, per period key). Returns rows."""
        self.flush()
        ids = sorted(self.accounts)
        accounts = dict(PointAccount.objects.filter(pk__in=ids).values_list("pk", "subject"))
        areas = dict(PointAccount.objects.filter(pk__in=ids).values_list("pk", "area_id"))
        sums: dict = defaultdict(lambda: [0, 0])
        rows = PointEntry.objects.filter(account_id__in=ids).values_list(
            "account_id", "delta", "kind", "created_at"
        )
        for account_id, delta, kind, at in rows.iterator(chunk_size=5000):
            score = delta if kind in SCORE_KINDS else 0
            for period in ledger.period_keys(at):
                tally = sums[(account_id, period)]
                tally[0] += score
                tally[1] += 1
        PointTally.objects.filter(account_id__in=ids).delete()
        PointTally.objects.bulk_create(
            [PointTally(account_id=a, period=p, subject=accounts[a], area_code=areas[a], score=s, entries=n)
             for (a, p), (s, n) in sums.items()],
            batch_size=BATCH,
        )  # fmt: skip
        return len(sums)
