"""The HMAC-SM3 hash chain of each account's ledger, and its verifier.

Each entry's `hash` covers its content and the `hash` of the account's previous entry (`prev_hash`;
64 zeros for the first), under the audit key with a ledger label, so the two chains never share a
hash. The chain is per account because ledger.post() already holds the account's row lock when it
appends: the previous entry is settled, and no global lock is needed. Someone who drops the append-
only trigger and edits an entry together with the balances and tallies still cannot recompute the
hashes without the key: `gongzhi points_verify` names the first entry whose link does not hold."""

import json
from datetime import UTC

from gongzhi.kernel.crypto import constant_time_equal, hmac_key, hmac_sm3

GENESIS = "0" * 64
_LABEL = b"gongzhi-points-ledger|"


def canonical(entry) -> bytes:
    """The bytes an entry's hash covers: every stored field but the hashes, in a fixed form."""
    payload = [
        entry.account_id,
        entry.seq,
        entry.delta,
        entry.kind,
        entry.source,
        entry.source_id,
        entry.item_id,
        entry.item_code,
        entry.item_name,
        entry.reason,
        entry.actor_id,
        entry.actor_name,
        entry.balance_after,
        entry.idempotency_key,
        entry.reverses_id,
        entry.subject,
        entry.area_code,
        entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
    ]
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def link_hash(prev_hash: str, entry) -> str:
    return hmac_sm3(hmac_key("audit"), _LABEL + prev_hash.encode() + b"|" + canonical(entry))


def seal(entry, prev_hash: str) -> None:
    """Set an unsaved entry's prev_hash and hash."""
    entry.prev_hash = prev_hash
    entry.hash = link_hash(prev_hash, entry)


def broken_links(entries, limit: int = 100) -> list[tuple[object, str]]:
    """Walk entries in (account, seq) order; for each account whose chain breaks, the first entry
    whose link does not hold and why. At most `limit` accounts."""
    found: list[tuple[object, str]] = []
    account, prev, skip = None, GENESIS, False
    for entry in entries:
        if entry.account_id != account:
            account, prev, skip = entry.account_id, GENESIS, False
        if skip:
            continue
        reason = ""
        if entry.prev_hash != prev:
            reason = "前序哈希与上一条流水不符（流水被删除、插入或改动）"
        elif not constant_time_equal(link_hash(prev, entry), entry.hash):
            reason = "内容与哈希不符（流水被篡改）"
        if reason:
            found.append((entry, reason))
            skip = True
            if len(found) >= limit:
                break
        prev = entry.hash
    return found
