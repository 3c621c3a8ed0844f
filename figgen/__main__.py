"""python -m figgen NAME [NAME ...] [--mode quick|full] [--device cpu|cuda|mps] [--plot-only]

Computes (unless --plot-only) and draws each named figure, or every figure with --all.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from figgen.core.modes import FigureError
from figgen.core.paths import figure_names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m figgen", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="figures to make (see --list)")
    parser.add_argument("--all", action="store_true", help="every figure")
    parser.add_argument("--list", action="store_true", help="list the figures and stop")
    parser.add_argument("--mode", choices=["quick", "full"], help="default: FIGGEN_MODE or auto")
    parser.add_argument("--device", choices=["cpu", "cuda", "mps"], help="default: best available")
    parser.add_argument("--plot-only", action="store_true", help="redraw from saved data")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(figure_names()))
        return 0
    names = figure_names() if args.all else args.names
    if not names:
        parser.error("name at least one figure, or --all")
    if args.mode:
        os.environ["FIGGEN_MODE"] = args.mode
    if args.device:
        os.environ["FIGGEN_DEVICE"] = args.device
    os.environ.setdefault("FIGGEN_PROGRESS", "1")
    from figgen.core import runner

    try:
        for name in names:
            start = time.perf_counter()
            if not args.plot_only:
                meta = runner.compute(name, args.mode)
                print(f"{name}: computed in {meta['mode']} mode on {meta['device']} "
                      f"({meta['wall_time_s']:.1f} s)", flush=True)
            mode = runner.plot(name)
            print(f"{name}: drawn from {mode}-mode data ({time.perf_counter() - start:.1f} s in all)")
    except FigureError as exc:
        print(f"figgen: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
