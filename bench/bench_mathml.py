"""The MathML rewrite (coursebuild/mathml.py) on built pages: its CPU time, and what it leaves to fix.

    .venv/bin/python bench/bench_mathml.py [--repeat N] PAGE.html [PAGE.html ...]

For each page (as latexmlpost wrote it: a page of an edition built before the rewrite, or any page, which
the rewrite then leaves as it is): its formulas, the median CPU time of the rewrite over N runs, and
the structure counts of tests/html_quality.py before and after (scripts without base, numbers in pieces, display limits beside).
Prints a Markdown table (recorded in docs/html.md, "Mathematics"); the baseline, LaTeXML's time on the
same chapter, is bench/bench_html.py's.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from coursebuild import mathml  # noqa: E402
from html_quality import page_structure  # noqa: E402

KEYS = ("detached_scripts", "split_numbers", "limits_beside")


def measure(page: Path, repeat: int) -> dict:
    html = page.read_text(encoding="utf-8")
    times = []
    for _ in range(repeat):
        start = time.process_time()
        rewritten = mathml.rewrite(html)
        times.append(time.process_time() - start)
    return {"page": page.name, "formulas": len(re.findall(r"<math\b", html)), "cpu": statistics.median(times),
            "before": page_structure(html), "after": page_structure(rewritten)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("pages", nargs="+", type=Path)
    args = parser.parse_args()
    rows = [measure(page, args.repeat) for page in args.pages]
    print("| page | formulas | rewrite, CPU | " + " | ".join(f"{k}, before / after" for k in KEYS) + " |")
    print("| --- " * (3 + len(KEYS)) + "|")
    for r in rows:
        print(f"| {r['page']} | {r['formulas']} | {r['cpu']:.2f} s | "
              + " | ".join(f"{r['before'][k]} / {r['after'][k]}" for k in KEYS) + " |")
    total = {k: (sum(r["before"][k] for r in rows), sum(r["after"][k] for r in rows)) for k in KEYS}
    print(f"| all | {sum(r['formulas'] for r in rows)} | {sum(r['cpu'] for r in rows):.2f} s | "
          + " | ".join(f"{b} / {a}" for b, a in total.values()) + " |")


if __name__ == "__main__":
    main()
