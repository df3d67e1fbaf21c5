"""Duplicate detection: open cases in the same village, recent, similar in words or place."""

import math
from datetime import timedelta

import jieba

from gongzhi.kernel.codes import prefix_q

from .choices import OPEN_STATUSES
from .models import Case

RECENT = timedelta(days=30)
NEAR_METRES = 300
THRESHOLD = 0.3
_STOP = set("的了是在和有我也就都而及与着或一个没有我们你们他们这那啊吧呢吗，。！？、；：“”（）()  \n")


def _words(text: str) -> set[str]:
    return {w for w in jieba.lcut(text) if len(w.strip()) > 1 and w not in _STOP}


def _metres(a: Case, b: Case) -> float | None:
    if None in (a.lat, a.lng, b.lat, b.lng):
        return None
    dlat = math.radians(b.lat - a.lat)
    dlng = math.radians(b.lng - a.lng) * math.cos(math.radians((a.lat + b.lat) / 2))
    return 6_371_000 * math.hypot(dlat, dlng)


def similar_open_cases(case: Case, limit: int = 5) -> list[tuple[Case, float]]:
    """(case, score) pairs, best first: word overlap (Jaccard), raised when the places are near."""
    candidates = (
        Case.objects.filter(
            prefix_q("area_id", case.area_id[:12]),
            status__in=OPEN_STATUSES,
            created_at__gte=case.created_at - RECENT,
        )
        .exclude(pk=case.pk)
        .order_by("-created_at")[:200]
    )
    mine = _words(f"{case.title} {case.description}")
    scored = []
    for other in candidates:
        theirs = _words(f"{other.title} {other.description}")
        score = len(mine & theirs) / len(mine | theirs) if mine and theirs else 0.0
        distance = _metres(case, other)
        if distance is not None and distance <= NEAR_METRES:
            score += 0.2
        if case.kind == other.kind:
            score += 0.05
        if score >= THRESHOLD:
            scored.append((other, round(min(score, 1.0), 2)))
    scored.sort(key=lambda pair: pair[1], reverse=True)
    return scored[:limit]
