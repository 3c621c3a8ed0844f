"""Progress lines for long runs by hand (python -m figgen sets FIGGEN_PROGRESS=1); silent under doit."""
from __future__ import annotations

import os
import sys
import time


def progress(iterable, desc: str, every: float = 2.0):
    """Yield from iterable, printing 'desc: i/n' at most every `every` seconds when enabled."""
    if os.environ.get("FIGGEN_PROGRESS") != "1":
        yield from iterable
        return
    items = list(iterable)
    last = time.perf_counter()
    for i, item in enumerate(items, 1):
        yield item
        now = time.perf_counter()
        if now - last >= every or i == len(items):
            print(f"  {desc}: {i}/{len(items)}", file=sys.stderr, flush=True)
            last = now
