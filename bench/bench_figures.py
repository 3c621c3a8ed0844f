"""Time every figure's computation and drawing in quick (or full) mode.

    .venv/bin/python bench/bench_figures.py [--mode quick|full] [--repeat N]

Each figure runs in a fresh process (so torch's import is counted once per figure, as under
doit) and the median over repeats is reported, as a Markdown table for docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from figgen.core.paths import figure_names  # noqa: E402

PROBE = """
import json, sys, time
from figgen.core import runner
name, mode = sys.argv[1], sys.argv[2]
arrays, meta = runner.run_compute(name, mode)
print(json.dumps({"compute": meta["wall_time_s"], "device": meta["device"]}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", default="quick", choices=["quick", "full"])
    parser.add_argument("--repeat", type=int, default=3)
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
            out = subprocess.run([sys.executable, "-c", PROBE, name, args.mode], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        median = statistics.median(r["compute"] for r in runs)
        total += median
        print(f"| `{name}` | {median:.2f} s | {runs[0]['device']} |", flush=True)
    print(f"| **all figures** | **{total:.1f} s** | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
