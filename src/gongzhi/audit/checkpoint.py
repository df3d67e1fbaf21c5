"""Checkpoints of the audit chain (kernel/checkpoints.py): the head written outside the database,
and the check that the chain still reaches every checkpointed head."""

from gongzhi.kernel import checkpoints, registry

from .chain import GENESIS
from .models import AuditEvent, ChainHead
from .services import audit_record


def anchor() -> dict:
    """The audit chain's head now: {"seq", "hash"}."""
    head = ChainHead.objects.filter(pk=1).first()
    return {"seq": head.seq, "hash": head.hash} if head else {"seq": 0, "hash": GENESIS}


def write_checkpoint() -> checkpoints.Checkpoint:
    """Sign every app's chain heads into the checkpoint file, then record that it was done."""
    point = checkpoints.append(registry.checkpoint_anchors())
    audit_record(actor=None, action="audit.checkpoint", object_type="checkpoint", object_id=point.n,
                 details={"file": str(checkpoints.path()), **point.anchors})  # fmt: skip
    return point


def checkpoint_problems(count: int, until=None) -> list[str]:
    """What the checkpoint file says against an audit chain of `count` valid events: the first
    checkpoint the chain no longer reaches or no longer matches, and a file that does not hold."""
    points, problems = checkpoints.read(until)
    anchored = [(p.n, p.anchors["audit"]) for p in points if isinstance(p.anchors.get("audit"), dict)]
    wanted = {a["seq"] for _, a in anchored if a.get("seq")}
    hashes = dict(AuditEvent.objects.filter(seq__in=wanted).values_list("seq", "hash"))
    for n, head in anchored:
        seq = head.get("seq") or 0
        if not seq:
            continue
        if seq > count or seq not in hashes:
            problems.append(f"审计链在检查点 #{n} 之后被截断：检查点时已有 {seq} 条，现在只有 {count} 条")
            break
        if hashes[seq] != head.get("hash"):
            problems.append(f"审计链与检查点 #{n} 不符：第 {seq} 条的哈希已改变（链被改写）")
            break
    return problems
