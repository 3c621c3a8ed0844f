"""CPU time of the test suite, per test file and per xdist worker (bench/testcpu.py measures it).

    .venv/bin/python bench/bench_tests.py [--skip-built] [--top N] [pytest arguments ...]

Runs pytest over tests/ as `./doit test` does (two workers, a file at a time, in the order
tests/conftest.py gives them) and prints, as Markdown for docs/benchmarks.md, each file's CPU time
(its process's and its children's: builds, LaTeX, the browser) and each worker's total, with the
files in the order it ran them. On a quiet machine the suite's wall time is about the CPU of its
busiest worker, plus any time a worker waits for a build that another is making; on a shared one
wall time says nothing, CPU time little less.

Run after `./doit` (the checks of the real course read its build). With --skip-built the checks
that read the real course's build (the built_course fixture) are left out, where it is not built.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-built", action="store_true", help="leave out the checks of the real course's build")
    parser.add_argument("--top", type=int, default=15, help="list this many of the costliest tests")
    args, pytest_args = parser.parse_known_args()
    with tempfile.TemporaryDirectory() as out:
        # Bytecode cached under build/, as ./doit sets it up: otherwise every test process and every
        # doit it starts compiles its modules again (some 6 s of CPU for a test process).
        env = {**os.environ, "TESTCPU_OUT": out, "PYTHONPATH": str(ROOT / "bench"),
               "PYTHONPYCACHEPREFIX": str(ROOT / "build" / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if args.skip_built:
            env["TESTCPU_SKIP_BUILT"] = "1"
        else:  # as ./doit test runs it: the course's build is read, not made again
            env["COURSE_BUILT_BY_DOIT"] = "1"
        workers = [] if any(a.startswith("-n") or a.startswith("-p") for a in pytest_args) else \
            ["-n", "2", "--dist", "loadfile", "--no-loadscope-reorder"]
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "testcpu", "-p", "no:cacheprovider",
                               *workers, *(pytest_args or ["tests"])], cwd=ROOT, env=env)
        runs = {p.stem: json.loads(p.read_text()) for p in sorted(Path(out).glob("*.json"))}
    print("\n| worker | file | CPU (s) |\n| --- | --- | --- |")
    for worker, run in runs.items():
        for path in run["order"]:
            print(f"| {worker} | `{path}` | {run['files'][path]:.1f} |")
    print("\n| worker | tests' CPU (s) | process total (s) |\n| --- | --- | --- |")
    for worker, run in runs.items():
        print(f"| {worker} | {sum(run['files'].values()):.1f} | {run['total']:.1f} |")
    tests = sorted(((t, s) for run in runs.values() for t, s in run["tests"].items()), key=lambda ts: -ts[1])
    print(f"\nThe {args.top} costliest tests (a session fixture is charged to the first test that asks for it):")
    for test, seconds in tests[:args.top]:
        print(f"  {seconds:6.1f} s  {test}")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
