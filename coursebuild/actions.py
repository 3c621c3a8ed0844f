"""The Python actions that dodo.py's tasks run. Heavy imports happen here, inside the actions."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

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


def _read(path) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


def compiled_with(name: str, xref: str) -> bool:
    """Whether the document's PDF was compiled with the cross-reference numbers now in `xref`."""
    used = _read(paths.xref_used(name))
    return used is not None and used == _read(xref)


def compile_pdf(name: str, tex: str, outdir: str, pdf: str, withdraw: str | None = None,
                sources: tuple = (), xref: str | None = None, first_pass: bool = False):
    """latexmk, then publish the PDF atomically: a failure leaves the old PDF in place.

    `withdraw` is the dist/ path of a document that is not released (any more): it is removed.
    `xref` holds the numbers the document quotes from the full notes; the copy compiled with is
    kept so that `renumber` knows whether the PDF is behind. On a `first_pass` (compiled before the
    full notes, with the numbers of the previous build), a reference only the new full notes can
    resolve is not an error yet: the PDF is then left unpublished for `renumber` to finish.
    """
    missing = [paths.rel(Path(s)) for s in sources if not Path(s).is_file()]
    if missing:
        return _fail(f"{name}: missing source {', '.join(missing)} (named by its id in syllabus.yaml)")
    numbers = _read(xref) if xref else None
    try:
        built = latexmk(Path(tex), Path(outdir), name, paths.FORMAT)
    except LatexError as exc:
        if first_pass and exc.unresolved and all(kind == "Reference" for kind, _, _ in exc.unresolved):
            paths.xref_used(name).unlink(missing_ok=True)
            return True
        return _fail(str(exc))
    atomic.copy_file(built, pdf, staging=paths.STAGING)
    if xref:
        atomic.write_bytes(paths.xref_used(name), numbers or b"")
    if withdraw:
        Path(withdraw).unlink(missing_ok=True)
    return True


def recompile_if_renumbered(compile_action: tuple):
    """After the full notes: recompile a document whose quoted numbers changed (or that a first
    pass left unpublished); most edits change none, and this does nothing."""
    function, args = compile_action
    name, xref = args[0], args[6]
    if compiled_with(name, xref):
        return True
    return function(*args[:7], first_pass=False)


def build_format():
    from coursebuild.preamble import build_format as build

    try:
        build()
    except LatexError as exc:
        return _fail(str(exc))
    return True


def run_tests(pytest_args: list[str]):
    """pytest on tests/, after the build the test task depends on (so it is not rebuilt here).

    Test files run on every core (pytest-xdist), a file per worker so that each file's figures
    are computed once; `./doit test -n 1` (or any -n) overrides.
    """
    import subprocess

    env = {**os.environ, "COURSE_BUILT_BY_DOIT": "1"}
    workers = [] if any(a == "-n" or a.startswith("-n") for a in pytest_args) else \
        ["-n", str(os.cpu_count() or 1), "--dist", "loadfile"]
    # `./doit test tests/test_build.py` runs that file; without a path, the whole of tests/.
    named = any(not a.startswith("-") and (paths.ROOT / a.split("::")[0]).exists() for a in pytest_args)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-ra", *workers, *([] if named else ["tests"]),
                           *pytest_args], cwd=paths.ROOT, env=env)
    return proc.returncode == 0


def write_versions(documents: dict[str, list[str]]):
    """Each document's version from git (document name -> the files it is made from)."""
    from coursebuild.versions import write

    write(documents)


def write_revisions(inputs: dict[str, list[str]], figures: dict[str, list[str]]):
    """Each released document's revisions since its release, from git (coursebuild/revisions.py)."""
    from coursebuild.revisions import write

    write(inputs, figures)


def write_changes(name: str, tex: str, sources: list[str], pdf: str):
    """The document's "what changed" PDF if it was revised (latexdiff; coursebuild/revisions.py)."""
    from coursebuild.revisions import write_changes as write

    error = write(name, tex, sources, pdf)
    return _fail(error) if error else True


def remove_changes(name: str, pdf: str):
    import shutil

    Path(pdf).unlink(missing_ok=True)
    shutil.rmtree(paths.BUILD_CHANGES / name, ignore_errors=True)
    return True


def write_xrefs(documents: list[tuple[str, str, str, str]], aux: str):
    """(id, source, xref file, path of the full notes' PDF relative to the document's PDF) each."""
    from coursebuild.xref import write_xref

    for ident, source, target, link_file in documents:
        write_xref(Path(source), Path(aux), Path(target), ident, link_file)


def _figure_env():
    # Reproducible figure files. Threads need nothing here: the runner gives every computation one
    # torch and one BLAS thread wherever it runs (figgen/core/threads.py).
    os.environ.setdefault("SOURCE_DATE_EPOCH", source_date_epoch())
    os.environ.setdefault("FORCE_SOURCE_DATE", "1")


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


def _html(function, *args):
    from coursebuild.html import HtmlError

    try:
        function(*args)
    except HtmlError as exc:
        return _fail(str(exc))
    return True


def svg_figure(name: str):
    from coursebuild import html

    return _html(html.svg_figure, name)


def convert_image(image: str):
    from coursebuild import html

    return _html(html.convert_image, image)


def write_html_bindings():
    """build/html/course-declared.ltxml from notes/html-bindings.yaml (coursebuild/htmlbindings.py)."""
    from coursebuild.htmlbindings import BindingsError, write

    try:
        write()
    except BindingsError as exc:
        return _fail(str(exc))
    return True


def convert_bibliography():
    from coursebuild import html

    return _html(html.convert_bibliography)


def convert_html(name: str, tex: str, sources: list[str]):
    from coursebuild import html

    return _html(html.convert, name, tex, sources)


def write_html_refs(pages: list[str], indexed: list[tuple[str, str]]):
    from coursebuild import html

    return _html(html.write_refs, pages, indexed)


def write_article(name: str, xml_name: str, student: bool, source: str):
    from coursebuild import html

    return _html(html.write_article, name, xml_name, student, source)


def write_html_page(name: str):
    from coursebuild import html
    from coursebuild.documents import documents

    s = _syllabus()
    docs = {d.name: d for d in documents(s)}
    doc = docs[name]
    return _html(html.write_page, name, html.page_context(doc, s, docs), str(doc.html),
                 None if doc.released else str(doc.dist_html))


def remove_html_figures():
    """`doit clean`: the figures and images copied beside the pages of dist/html/."""
    import shutil

    shutil.rmtree(paths.DIST_HTML / "figures", ignore_errors=True)
    shutil.rmtree(paths.DIST_HTML / "images", ignore_errors=True)
