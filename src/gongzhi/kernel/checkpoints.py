"""Checkpoints: the heads of the hash chains, written to a file outside the database.

The triggers and the hash chains stop edits by anyone without the key, but someone who owns the
database can drop the triggers, cut off the newest audit events or ledger entries and rewind the
chain head: what is left is still a valid chain, only shorter. A checkpoint records, signed, how
far each chain reached and its hash at that point, in an append-only JSON-lines file on the
application host (`settings.CHECKPOINT_DIR`, copied off the machine by the operator). The verifiers
(`audit_verify`, `points_verify`) then refuse a chain that is shorter than, or differs at, a
checkpoint.

Each line: {"n": 1, "at": "2026-…", "anchors": {"audit": {"seq", "hash"}, "points": {…}}, "mac"},
where mac = HMAC-SM3(audit key, "gongzhi-checkpoint|" + canonical JSON of the rest). HMAC-SM3 with
the audit key rather than a signature: the threat is the database owner, who holds no key; the
key is already required in production; and SM3 keeps to 商用密码."""

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .crypto import constant_time_equal, hmac_key, hmac_sm3

FILENAME = "checkpoints.jsonl"
_LABEL = b"gongzhi-checkpoint|"


@dataclass
class Checkpoint:
    n: int
    at: str
    anchors: dict


def path() -> Path:
    return Path(settings.CHECKPOINT_DIR) / FILENAME


def _body(n: int, at: str, anchors: dict) -> bytes:
    return json.dumps({"n": n, "at": at, "anchors": anchors}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()  # fmt: skip


def _mac(n: int, at: str, anchors: dict) -> str:
    return hmac_sm3(hmac_key("audit"), _LABEL + _body(n, at, anchors))


def read(until: datetime | None = None) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in the file, in order, and what is wrong with the file ([] when sound): a
    line that does not parse, whose signature does not hold, or out of order. With `until`, only
    the checkpoints written at or before it (a restored backup must reach those, not later ones)."""
    file = path()
    if not file.exists():
        return [], []
    good: list[Checkpoint] = []
    problems: list[str] = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            n, at, anchors, mac = int(raw["n"]), str(raw["at"]), dict(raw["anchors"]), str(raw["mac"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"检查点文件 {file} 第 {number} 行无法解析")
            continue
        if not constant_time_equal(_mac(n, at, anchors), mac):
            problems.append(f"检查点文件 {file} 第 {number} 行（#{n}）签名不符：文件被改动，或审计密钥已更换")
            continue
        if good and n != good[-1].n + 1:
            problems.append(
                f"检查点文件 {file} 第 {number} 行：编号应为 #{good[-1].n + 1}，实为 #{n}（有检查点被删除）"
            )
        good.append(Checkpoint(n, at, anchors))
    if until is not None:
        good = [point for point in good if written_at(point) <= until]
    return good, problems


def written_at(point: Checkpoint) -> datetime:
    return datetime.fromisoformat(point.at)


def append(anchors: dict) -> Checkpoint:
    """Sign and append one checkpoint; the file and its folder are created owner-only."""
    file = path()
    file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    existing, _ = read()
    n = existing[-1].n + 1 if existing else 1
    at = timezone.now().isoformat(timespec="seconds")
    line = json.dumps({"n": n, "at": at, "anchors": anchors, "mac": _mac(n, at, anchors)},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # fmt: skip
    fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return Checkpoint(n, at, anchors)
