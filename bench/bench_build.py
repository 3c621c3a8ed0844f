"""Build benchmarks, each against a baseline measured in the same run, in a copy of the project.

    .venv/bin/python bench/bench_build.py [--repeat N] [--skip-clean]

1. no-op `./doit` on the whole course vs a bare `doit` run of 40 trivial up-to-date tasks;
2. one chapter edited: `./doit chapter:NN` (the precompiled preamble) vs latexmk run directly on
   that chapter (no format), after the same kind of edit; and the compilation alone (latexmk with
   the format, as the build runs it) against the same baseline;
3. one chapter edited under `./doit watch`: from the save to the chapter's new PDF, vs latexmk on
   that chapter alone;
4. one chapter edited, the whole `./doit` (chapter, full notes, renumbering, page) vs latexmk run
   directly on the chapter and the full notes;
5. a clean build with quick-mode figures, `./doit` (every core) vs `./doit -n 1`.
Prints medians and ratios as a Markdown table (recorded in docs/benchmarks.md).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import copy_project  # noqa: E402

CHAPTER = "04-lazy-limit"
CHAPTER_SOURCE = "notes/chapters/lazy-limit.tex"


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


def edit(root: Path, i: int) -> None:
    """A sentence appended to the chapter: new text, no new label (what a writing session does)."""
    source = root / CHAPTER_SOURCE
    source.write_text(source.read_text() + f"\nA sentence added by benchmark edit {i}.\n")


def latex_env(root: Path) -> dict:
    return {"TEXINPUTS": os.pathsep.join([str(root / "build/tex"), str(root), str(root / "notes"),
                                          str(root / "figures"), ""]),
            "BIBINPUTS": str(root / "notes") + os.pathsep, "max_print_line": "10000"}


def bare_latexmk(root: Path, names, outdir: str = "build/bench-latexmk") -> float:
    """latexmk as a user would run it by hand, in an output directory of its own."""
    start = time.perf_counter()
    for name in names:
        subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-silent",
                        f"-outdir={outdir}/{name}", f"build/tex/{name}.tex"], cwd=root, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **latex_env(root)})
    return time.perf_counter() - start


def latexmk_with_format(root: Path) -> float:
    """The chapter's compilation as the build runs it, without doit around it."""
    env = {**os.environ, **latex_env(root), "TEXFORMATS": "build/fmt" + os.pathsep, "openin_any": "p",
           "openout_any": "p"}
    start = time.perf_counter()
    subprocess.run(["latexmk", "-pdf", "-pdflatex=pdflatex -fmt=course %O %S", "-interaction=nonstopmode",
                    "-halt-on-error", "-silent", "-recorder", f"-outdir=build/latex/{CHAPTER}", f"-jobname={CHAPTER}",
                    f"build/tex/{CHAPTER}.tex"], cwd=root, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def wait_for_change(path: Path, before: int, limit: float = 120.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        try:
            if path.stat().st_mtime_ns != before:
                return time.perf_counter()
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{path} did not change within {limit} s")


def watch_latency(root: Path, repeat: int) -> list[float]:
    pdf = root / "dist" / "notes" / f"{CHAPTER}.pdf"
    notes = root / "dist" / "lecture-notes.pdf"
    proc = subprocess.Popen([str(root / "doit"), "watch"], cwd=root, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(5)  # the initial build, which has nothing to do
        times = []
        for i in range(repeat):
            before, notes_before = pdf.stat().st_mtime_ns, notes.stat().st_mtime_ns
            start = time.perf_counter()
            edit(root, 100 + i)
            times.append(wait_for_change(pdf, before) - start)
            wait_for_change(notes, notes_before)
            time.sleep(3)  # the renumbering check and the page, before the next edit
        return times
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()


def row(what, ours, base, base_what, target):
    m, b = statistics.median(ours), statistics.median(base)
    return (what, f"{m:.2f} s", f"{m / b:.2f} x {base_what} ({b:.2f} s)", target)


def print_table(rows) -> None:
    print("| measurement | median | against the baseline | target |")
    print("| --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
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
            default = timed(doit, root)
            rows.append(("clean build, quick figures, `-n 1`", f"{one:.1f} s", "", ""))
            rows.append((f"clean build, quick figures, `./doit` ({os.cpu_count()} processes)", f"{default:.1f} s",
                         f"`-n 1` / default = {one / default:.2f}", "at most 120 s; ratio at least 1.5"))
        else:
            timed(doit, root)

        timed(bare, root)  # the first run creates the trivial targets
        noop = [timed(doit, root) for _ in range(args.repeat)]
        base = [timed(bare, root) for _ in range(args.repeat)]
        rows.append(row("no-op `./doit` (whole course)", noop, base, "bare doit, 40 trivial tasks", "at most 1.5 x"))

        bare_latexmk(root, [CHAPTER, "lecture-notes"])  # the baseline's own first, complete run
        chapter_ours, chapter_base, all_ours, all_base, compile_only = [], [], [], [], []
        for i in range(args.repeat):
            edit(root, i)
            chapter_ours.append(timed(doit + [f"chapter:{CHAPTER}"], root))
            timed(doit, root)  # the rest, back to an up-to-date build
            edit(root, 30 + i)
            compile_only.append(latexmk_with_format(root))
            timed(doit, root)
            edit(root, 50 + i)
            chapter_base.append(bare_latexmk(root, [CHAPTER]))
            all_base.append(chapter_base[-1] + bare_latexmk(root, ["lecture-notes"]))
            edit(root, 70 + i)
            all_ours.append(timed(doit, root))
        rows.append(row("one chapter edited, `./doit chapter:NN` (precompiled preamble)", chapter_ours, chapter_base,
                        "latexmk on that chapter", "at most 0.6 x"))
        rows.append(row("one chapter edited, its compilation alone (latexmk with the format)", compile_only,
                        chapter_base, "latexmk on that chapter", ""))
        watch = watch_latency(root, args.repeat)
        rows.append(row("one chapter edited, `./doit watch`: save to the chapter's PDF", watch, chapter_base,
                        "latexmk on that chapter", "at most 1.2 x"))
        rows.append(row("one chapter edited, `./doit` (chapter, full notes, page)", all_ours, all_base,
                        "latexmk on the chapter and the full notes", "at most 1.3 x"))

    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
