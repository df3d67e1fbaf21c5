"""The HMAC-SM3 hash chain over audit events, and its verifier."""

import json
from dataclasses import dataclass

from gongzhi.kernel.crypto import constant_time_equal, hmac_key, hmac_sm3

GENESIS = "0" * 64


def canonical(event) -> bytes:
    """The bytes an event's hash covers: every field but the hashes, in a fixed form."""
    payload = [
        event.seq,
        event.created_at.isoformat(timespec="microseconds"),
        event.actor_id,
        event.actor_username,
        event.role,
        event.action,
        event.object_type,
        event.object_id,
        event.area_code,
        event.ip,
        event.result,
        event.details,
    ]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def link_hash(prev_hash: str, event) -> str:
    return hmac_sm3(hmac_key("audit"), prev_hash.encode() + b"|" + canonical(event))


@dataclass
class Verdict:
    ok: bool
    count: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


def verify_chain(events, head=None) -> Verdict:
    """Walk events in seq order; name the first one whose link does not hold."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for event in events:
        if event.seq != expected_seq:
            return Verdict(
                False,
                count,
                event.seq,
                event.id,
                f"序号不连续：应为 {expected_seq}，实为 {event.seq}（有事件被删除）",
            )
        if event.prev_hash != prev:
            return Verdict(False, count, event.seq, event.id, "前序哈希与上一事件不符（链被改动）")
        if not constant_time_equal(link_hash(prev, event), event.hash):
            return Verdict(False, count, event.seq, event.id, "内容与哈希不符（事件被篡改）")
        prev = event.hash
        expected_seq += 1
        count += 1
    if head is not None and (head.seq != count or head.hash != prev):
        return Verdict(
            False,
            count,
            head.seq,
            None,
            f"链尾不符：链头记录 {head.seq} 条，实际 {count} 条（末尾事件被删除）",
        )
    return Verdict(True, count)
