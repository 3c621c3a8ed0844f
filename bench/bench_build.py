"""Build benchmarks, each against a baseline measured in the same run, in a copy of the project.

    .venv/bin/python bench/bench_build.py [--repeat N] [--skip-clean]

1. no-op `./doit` on the whole course vs a bare `doit` run of 40 trivial up-to-date tasks;
2. one chapter edited: `./doit` vs latexmk run directly on the same two documents;
3. a clean build with quick-mode figures, `./doit -n 1` vs `./doit -n 2`.
Prints medians and ratios as a Markdown table (recorded in docs/benchmarks.md).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import copy_project  # noqa: E402


def timed(cmd, cwd, env=None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def clean(root: Path):
    for path in ("build", "dist"):
        shutil.rmtree(root / path, ignore_errors=True)
    for pattern in ("figures/*.pdf", "figures/*.tex", "figures/data/*.quick.*"):
        for f in root.glob(pattern):
            f.unlink()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-clean", action="store_true", help="skip the two clean builds")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "course")
        doit = [str(root / "doit")]
        bare = [str(ROOT / ".venv/bin/doit"), "-f", str(root / "bench/trivial_dodo.py")]

        if not args.skip_clean:
            one = timed(doit + ["-n", "1"], root)
            clean(root)
            two = timed(doit + ["-n", "2"], root)
            rows.append(("clean build, quick figures, `-n 1`", f"{one:.1f} s", "", ""))
            rows.append(("clean build, quick figures, `-n 2`", f"{two:.1f} s", f"`-n 1` / `-n 2` = {one / two:.2f}",
                         "at most 120 s; ratio at least 1.5"))
        else:
            timed(doit + ["-n", "2"], root)

        timed(bare, root)  # first run creates the trivial targets
        noop = [timed(doit, root) for _ in range(args.repeat)]
        base = [timed(bare, root) for _ in range(args.repeat)]
        rows.append(("no-op `./doit` (whole course)", f"{statistics.median(noop):.2f} s",
                     f"{statistics.median(noop) / statistics.median(base):.2f} x bare doit, 40 trivial tasks "
                     f"({statistics.median(base):.2f} s)", "at most 1.5 x"))

        chapter = root / "notes/chapters/lazy-limit.tex"
        env = {"TEXINPUTS": os.pathsep.join([str(root / "build/tex"), str(root), str(root / "notes"),
                                             str(root / "figures"), ""]),
               "BIBINPUTS": str(root / "notes") + os.pathsep, "max_print_line": "10000"}
        ours, theirs = [], []
        for i in range(max(3, args.repeat // 2)):
            chapter.write_text(chapter.read_text() + f"\n% benchmark edit {i}\n")
            ours.append(timed(doit, root))
            chapter.write_text(chapter.read_text() + f"\n% benchmark edit {i}b\n")
            start = time.perf_counter()
            for name in ("lecture-notes", "04-lazy-limit"):
                subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-silent",
                                f"-outdir=build/latex/{name}", f"build/tex/{name}.tex"], cwd=root, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **env})
            theirs.append(time.perf_counter() - start)
        rows.append(("one chapter edited, `./doit`", f"{statistics.median(ours):.1f} s",
                     f"{statistics.median(ours) / statistics.median(theirs):.2f} x latexmk directly "
                     f"({statistics.median(theirs):.1f} s)", "at most 1.3 x"))

    print("| measurement | median | against the baseline | target |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
