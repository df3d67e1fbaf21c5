"""A tiny timer for benchmarks: best of N wall-clock runs."""

import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def report(label: str, seconds: float, items: int | None = None) -> None:
    rate = f"  {items / seconds:,.0f}/s" if items and seconds > 0 else ""
    print(f"  {label:<58} {seconds * 1000:10.1f} ms{rate}")
