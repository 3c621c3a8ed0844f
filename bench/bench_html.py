"""HTML edition benchmarks, each against a baseline measured in the same run, in a copy of the project.

    .venv/bin/python bench/bench_html.py [--repeat N] [--skip-clean]

1. a clean build, quick-mode figures, `./doit` (every core: PDFs and HTML edition) vs the same
   clean build of the PDFs and the course page only (`./doit html=no`);
2. one chapter edited, its page refreshed (`./doit html:NN`: its conversion, references,
   latexmlpost and the page) vs the converter alone on that chapter (latexml, then latexmlpost,
   with the build's options), after the same kind of edit.
Prints medians and ratios as a Markdown table (recorded in docs/benchmarks.md).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
from bench_build import CHAPTER, clean, edit, print_table, row, timed  # noqa: E402
from conftest import copy_project  # noqa: E402


def converter_alone(root: Path) -> float:
    """latexml and latexmlpost on the chapter's wrapper, by hand, with the options the build uses."""
    from coursebuild import html, paths

    out = root / "build" / "bench-latexml"
    out.mkdir(parents=True, exist_ok=True)
    tex = root / "build" / "tex" / f"{CHAPTER}.tex"
    # The commands as coursebuild/html.py spells them, with this copy's paths.
    first = [a.replace(str(paths.ROOT), str(root)) for a in
             html.latexml_command(tex, out / f"{CHAPTER}.xml", out / "latexml.log")]
    second = [a.replace(str(paths.ROOT), str(root)) for a in
              html.latexmlpost_command(out / f"{CHAPTER}.xml", out / f"{CHAPTER}.html", out / "post.log")]
    start = time.perf_counter()
    timed(first, root)
    timed(second, root)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-clean", action="store_true", help="skip the two clean builds")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "course")
        doit = [str(root / "doit")]
        if not args.skip_clean:
            pdfs = timed(doit + ["html=no"], root)
            clean(root)
            everything = timed(doit, root)
            rows.append(("clean build, quick figures, PDFs and page only", f"{pdfs:.1f} s", "", ""))
            rows.append((f"clean build, quick figures, `./doit` with the HTML edition ({os.cpu_count()} processes)",
                         f"{everything:.1f} s", f"{everything / pdfs:.2f} x the PDFs alone", "at most 240 s"))
        else:
            timed(doit, root)
        ours, base = [], []
        for i in range(args.repeat):
            edit(root, 200 + i)
            ours.append(timed(doit + [f"html:{CHAPTER}"], root))
            edit(root, 300 + i)
            base.append(converter_alone(root))
        rows.append(row("one chapter edited, `./doit html:NN` (its page refreshed)", ours, base,
                        "latexml + latexmlpost on that chapter", "at most 1.2 x"))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
