"""The Python actions that dodo.py's tasks run. Heavy imports happen here, inside the actions."""
from __future__ import annotations

import os
import sys
import time

from corelib import atomic
from coursebuild import paths
from coursebuild.latex import LatexError, latexmk, source_date_epoch


def _fail(message: str):
    """doit prints a TaskFailed's message without a Python traceback."""
    from doit.exceptions import TaskFailed

    return TaskFailed(message)


def _syllabus():
    from coursebuild.syllabus import load

    return load(paths.SYLLABUS)


def render_tex(name: str):
    from coursebuild.documents import documents
    from coursebuild.tex import write_document

    s = _syllabus()
    doc = next(d for d in documents(s) if d.name == name)
    write_document(doc, s)


def compile_pdf(name: str, tex: str, outdir: str, pdf: str, withdraw: str | None = None,
                sources: tuple = ()):
    """latexmk, then publish the PDF atomically: a failure leaves the old PDF in place.

    `withdraw` is the dist/ path of a document that is not released (any more): it is removed.
    """
    from pathlib import Path

    missing = [paths.rel(Path(s)) for s in sources if not Path(s).is_file()]
    if missing:
        return _fail(f"{name}: missing source {', '.join(missing)} (named by its id in syllabus.yaml)")
    try:
        built = latexmk(Path(tex), Path(outdir), name)
    except LatexError as exc:
        return _fail(str(exc))
    atomic.copy_file(built, pdf)
    if withdraw:
        Path(withdraw).unlink(missing_ok=True)
    return True


def write_xrefs(documents: list[tuple[str, str, str, str]], aux: str):
    """(id, source, xref file, path of the full notes' PDF relative to the document's PDF) each."""
    from pathlib import Path

    from coursebuild.xref import write_xref

    for ident, source, target, link_file in documents:
        write_xref(Path(source), Path(aux), Path(target), ident, link_file)


def _figure_env():
    import multiprocessing

    os.environ.setdefault("SOURCE_DATE_EPOCH", source_date_epoch())
    os.environ.setdefault("FORCE_SOURCE_DATE", "1")
    # Under `doit -n 2` tasks run in worker processes, two at once: one BLAS/torch thread each,
    # or the two oversubscribe the cores and run many times slower.
    if multiprocessing.current_process().name != "MainProcess":
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = "1"
        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(1)


def compute_figure(name: str):
    from figgen.core import runner
    from figgen.core.modes import FigureError

    _figure_env()
    try:
        meta = runner.compute(name)
    except FigureError as exc:
        return _fail(str(exc))
    print(f"figure {name}: computed in {meta['mode']} mode on {meta['device']} in {meta['wall_time_s']:.1f} s",
          file=sys.stderr, flush=True)
    return True


def plot_figure(name: str, repository: str | None):
    from figgen.core import runner
    from figgen.core.modes import FigureError

    _figure_env()
    start = time.perf_counter()
    try:
        mode = runner.plot(name, repository)
    except FigureError as exc:
        return _fail(str(exc))
    print(f"figure {name}: drawn from {mode}-mode data in {time.perf_counter() - start:.1f} s",
          file=sys.stderr, flush=True)
    return True


def write_page():
    from coursebuild.page import PageError, write_page as write

    try:
        write(_syllabus())
    except PageError as exc:
        return _fail(str(exc))
    return True
