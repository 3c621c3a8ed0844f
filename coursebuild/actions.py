"""The Python actions that dodo.py's tasks run. Heavy imports happen here, inside the actions."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from corelib import atomic
from coursebuild import paths
from coursebuild.claims import false_claims
from coursebuild.latex import LatexError, latexmk, source_date_epoch
from coursebuild.xref import record_quoted


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
    kept so that `renumber` knows whether the PDF is behind, and the labels LaTeX found undefined
    are added to the document's quoted labels (coursebuild/xref.py), which `xref` numbers next.
    On a `first_pass` (compiled before the full notes, with the numbers of the previous build), an
    undefined reference may be one that only the new full notes resolve, and a label defined twice
    one that the document now defines itself while its old numbers still give it: the PDF is then
    left unpublished, and the verdict is the full notes' (which report every chapter's problems
    at once) or `renumber`'s.
    """
    missing = [paths.rel(Path(s)) for s in sources if not Path(s).is_file()]
    if missing:
        return _fail(f"{name}: missing source {', '.join(missing)} (named by its id in syllabus.yaml)")
    unsupported = false_claims(sources)
    if unsupported:  # before LaTeX: nothing of the document is published
        return _fail("\n".join(unsupported))
    numbers = _read(xref) if xref else None
    try:
        built = latexmk(Path(tex), Path(outdir), name, paths.FORMAT)
    except LatexError as exc:
        if not exc.problems:
            return _fail(str(exc))
        if xref:
            _record_quoted(name, outdir, {p.key for p in exc.problems if p.kind == "reference"}, numbers)
        if first_pass:
            paths.xref_used(name).unlink(missing_ok=True)
            # latexmk knows only the inputs it saw: a numbers file that did not exist yet
            # would not make it compile again.
            (Path(outdir) / f"{name}.fdb_latexmk").unlink(missing_ok=True)
            return True
        return _fail(str(exc))
    atomic.copy_file(built, pdf, staging=paths.STAGING)
    if xref:
        _record_quoted(name, outdir, set(), numbers)
        atomic.write_bytes(paths.xref_used(name), numbers or b"")
    if withdraw:
        Path(withdraw).unlink(missing_ok=True)
    return True


def _record_quoted(name: str, outdir: str, undefined: set[str], numbers: bytes | None):
    record_quoted(paths.quoted_labels(name), undefined, Path(outdir) / f"{name}.aux", numbers)


def recompile_if_renumbered(compile_action: tuple):
    """After the full notes: recompile a document whose quoted numbers changed (or that a first
    pass left unpublished); most edits change none, and this does nothing."""
    function, args = compile_action
    name, xref = args[0], args[6]
    if compiled_with(name, xref):
        return True
    return function(*args[:7], first_pass=False)


def build_format(preamble: list[str], bibliography: list[str]):
    from coursebuild.preamble import build_format as build

    try:
        build(preamble, bibliography)
    except LatexError as exc:
        return _fail(str(exc))
    return True


def run_tests(pytest_args: list[str]):
    """The build past its failures, then every test (coursebuild/testrun.py)."""
    from coursebuild import testrun

    return testrun.run(pytest_args)


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


def write_xrefs(documents: list[tuple[str, list[str], str]], aux: str):
    """(numbers file, the quoted-label lists of the documents that read it, path of the full notes'
    PDF relative to theirs) each."""
    from coursebuild.xref import write_xref

    for target, quoted, link_file in documents:
        write_xref([Path(q) for q in quoted], Path(aux), Path(target), link_file)


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


def plot_figure(name: str, repository: str | None, commit: str | None = None):
    from figgen.core import runner
    from figgen.core.modes import FigureError

    _figure_env()
    start = time.perf_counter()
    try:
        mode = runner.plot(name, repository, commit)
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


def convert_bibliography(bibliography: list[str]):
    from coursebuild import html

    return _html(html.convert_bibliography, bibliography)


def convert_html(name: str, tex: str, sources: list[str]):
    from coursebuild import html

    unsupported = false_claims(sources)
    if unsupported:  # the HTML edition says what the PDF says: no page for a false sentence
        return _fail("\n".join(unsupported))
    return _html(html.convert, name, tex, sources)


def write_html_refs(pages: list[str], indexed: list[tuple[str, str]]):
    from coursebuild import html

    return _html(html.write_refs, pages, indexed)


def write_article(name: str, xml_name: str, student: bool, source: str):
    from coursebuild import html

    return _html(html.write_article, name, xml_name, student, source)


def write_notes_article(chapters: list[str]):
    """The text of the page of all chapters, from their articles (coursebuild/onepage.py)."""
    from coursebuild import onepage

    return _html(onepage.write_article, chapters)


def write_html_page(name: str):
    from coursebuild import html
    from coursebuild.documents import documents

    s = _syllabus()
    docs = {d.name: d for d in documents(s)}
    doc = docs[name]
    return _html(html.write_page, name, html.page_context(doc, s, docs), str(doc.html),
                 None if doc.released else str(doc.dist_html))


def remove_build_outputs():
    """`doit clean`: everything the build wrote, whatever the syllabus makes now (a removed chapter's
    PDF, an unshown figure's drawing): dist/, build/ but for doit's own state file, which doit
    rewrites, the figures' drawings and quick-mode data. Full-mode data is committed: it stays."""
    import shutil

    from figgen.core import paths as figpaths

    shutil.rmtree(paths.DIST, ignore_errors=True)
    for path in paths.BUILD.glob("*"):
        if path == paths.DOIT_STATE:
            continue
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    for pattern in ("*.pdf", "*.tex"):  # the drawings and their LaTeX (.gitignore: generated)
        for path in figpaths.FIGURES.glob(pattern):
            path.unlink(missing_ok=True)
    for path in figpaths.DATA.glob("*.quick.*"):
        path.unlink(missing_ok=True)
