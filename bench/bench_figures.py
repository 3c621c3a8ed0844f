"""Time every figure's computation and drawing in quick (or full) mode.

    .venv/bin/python bench/bench_figures.py [--mode quick|full] [--repeat N] [--budget S] [--save]

Each figure runs in a fresh process (so torch's import is counted once per figure, as under
doit) and the median over repeats is reported, as a Markdown table for docs/benchmarks.md.

Full configurations can take hours on a CPU. With --budget S a run still going after S seconds is
stopped, and its time is extrapolated from the last progress line it printed ("stage: i/n", see
figgen/core/progress.py): elapsed * n / i, a lower bound when later stages follow. With --save a
run that finishes stores its data (figures/data/NAME.MODE.*), as `python -m figgen` does.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from figgen.core.paths import figure_names  # noqa: E402

PROBE = """
import json, sys, time
from figgen.core import runner, store
name, mode, save = sys.argv[1], sys.argv[2], sys.argv[3] == "save"
arrays, meta = runner.run_compute(name, mode)
if save:
    store.save(name, mode, arrays, meta)
print(json.dumps({"compute": meta["wall_time_s"], "device": meta["device"]}))
"""
PROGRESS = re.compile(r"^\s*(?P<stage>.+): (?P<done>\d+)/(?P<total>\d+)\s*$")


def run_once(name: str, mode: str, save: bool, budget: float | None) -> dict:
    """One run in a fresh process; past the budget, stopped and extrapolated from its progress."""
    env = dict(os.environ, FIGGEN_PROGRESS="1")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", PROBE, name, mode, "save" if save else "-"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        elapsed = time.perf_counter() - start
        last = [m for m in map(PROGRESS.match, err.splitlines()) if m]
        if not last:
            return {"stopped": elapsed, "estimate": None, "stage": None}
        m = last[-1]
        done, total = int(m["done"]), int(m["total"])
        return {"stopped": elapsed, "estimate": elapsed * total / done, "stage": f"{m['stage']} {done}/{total}"}
    if proc.returncode:
        raise SystemExit(f"{name}: the run failed:\n{err[-2000:]}")
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", default="quick", choices=["quick", "full"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, help="stop a run after this many seconds and extrapolate")
    parser.add_argument("--save", action="store_true", help="store the data of runs that finish")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    names = args.names or figure_names()
    print(f"Python {platform.python_version()}, {platform.machine()}, mode {args.mode}\n")
    print("| figure | compute (median) | device |")
    print("| --- | --- | --- |")
    total = 0.0
    for name in names:
        runs = []
        for _ in range(args.repeat):
            run = run_once(name, args.mode, args.save, args.budget)
            if "stopped" in run:
                guess = f"about {run['estimate']:.0f} s or more" if run["estimate"] else "unknown"
                print(f"| `{name}` | stopped at {run['stopped']:.0f} s ({run['stage'] or 'no progress line'}); "
                      f"extrapolated: {guess} | |", flush=True)
                break
            runs.append(run)
        if not runs:
            continue
        median = statistics.median(r["compute"] for r in runs)
        total += median
        print(f"| `{name}` | {median:.2f} s | {runs[0]['device']} |", flush=True)
    print(f"| **all figures** | **{total:.1f} s** | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
