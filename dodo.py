"""doit tasks that build the course: figures, then LaTeX, then every PDF.

`doit list` reads as a table of contents. This file only declares tasks; the work is done by
coursebuild/ and figgen/, imported lazily so that loading this file stays fast (no torch, no
matplotlib, no figure module at load time).
"""
import os
import sys

from doit import get_var
from doit.task import clean_targets
from doit.tools import config_changed

from coursebuild import actions, forge, loading, paths, preamble, release, revisions, versions
from coursebuild.documents import CHECKLIST, FULL_NOTES, solutions_name
from figgen.core import paths as figpaths
from figgen.core import status

# The order is the order of work with one process (-n 1): a chapter's or sheet's PDF before the
# full notes (with the cross-reference numbers it already has; what LaTeX finds undefined there is
# what it quotes), then the renumbering of those whose quoted numbers the new full notes changed.
BUILD_TASKS = ["figure", "tex", "preamble", "versions", "revisions", "chapter", "homework", "solutions", "checklist",
               "notes", "xref", "renumber", "changes", "svg", "image", "htmlbindings", "bibxml", "latexml", "htmlrefs", "htmlpost", "html", "page"]
HTML_TASKS = ["svg", "image", "htmlbindings", "bibxml", "latexml", "htmlrefs", "htmlpost", "html"]
DOIT_CONFIG = {
    "default_tasks": BUILD_TASKS,
    # A plain ./doit uses every core; -n 1 still runs one task at a time.
    "num_process": os.cpu_count() or 1,
    "dep_file": loading.state_file(sys.argv),
    "backend": "json",
    "verbosity": 1,
    "action_string_formatting": "new",
    "sort": "definition",
}

loading.apply_command_line_vars(get_var)
HTML_EDITION = release.html_edition()  # ./doit html=no: the PDFs and the course page only
if not HTML_EDITION:
    DOIT_CONFIG["default_tasks"] = [t for t in BUILD_TASKS if t not in HTML_TASKS]
loading.recover_state()
PLAN = loading.plan()
DOCS = PLAN.docs
FIGURES = loading.figures_shown(PLAN.figures)
MODES = loading.figure_modes(FIGURES)
# Dependencies and targets are named relative to the project, so that a moved or copied checkout
# keeps its state (doit records them by name) instead of rebuilding everything.
rel = paths.rel
# What every document's LaTeX shares: the rendered preamble (a target of `preamble`), the engine's
# course.sty and the course's own preamble files (syllabus.yaml: preamble).
STYLE = [rel(paths.PREAMBLE), rel(paths.COURSE_STY), *PLAN.preamble]
BIBLIOGRAPHY = list(PLAN.bibliography)


def _figure_files(doc, drawings=True):
    """The files figgen writes for each figure a document uses: its drawing (unless `drawings` is
    False: the HTML edition shows the SVG), its parameters and its claims' verdicts."""
    return [rel(p) for f in PLAN.figures[doc.name]
            for p in ((figpaths.figure_pdf(f),) if drawings else ()) + (figpaths.figure_tex(f), figpaths.figure_claims(f))]


def _image_files(doc):
    """The images under notes/ that the document's sources include: replacing one rebuilds it."""
    return [rel(p) for p in PLAN.images.get(doc.name, [])]


def _latex_inputs(doc):
    """What LaTeX reads to compile a document, besides its wrapper and sources: the shared preamble
    and its format, the document's own preamble, the bibliographies, its figures and images."""
    return [*STYLE, *map(rel, doc.preamble), rel(paths.FORMAT), *BIBLIOGRAPHY, *_figure_files(doc), *_image_files(doc)]


def _compile(doc, xref=None, first_pass=False):
    return (actions.compile_pdf, [doc.name, str(doc.tex), str(doc.outdir), str(doc.pdf),
                                  None if doc.released else str(doc.dist_pdf), [str(s) for s in doc.sources],
                                  str(xref) if xref else None, first_pass])


def _pdf_task(doc, doc_line=None, xref=None):
    """A document's PDF. One that quotes numbers of the full notes (`xref`) is compiled first with
    the numbers it already has, without waiting for the full notes; `renumber` catches up."""
    sources = [rel(s) for s in doc.sources if s.exists()]
    task = {
        "doc": doc_line or f"{doc.title} -> {rel(doc.pdf)}",
        "actions": [_compile(doc)],
        "file_dep": [rel(doc.tex), *sources, *_latex_inputs(doc), rel(paths.version_file(doc.name))],
        "targets": [rel(doc.pdf)],
        "clean": True,
    }
    if xref is not None:
        # Always before the full notes: what LaTeX finds undefined here is what `xref` numbers.
        task["actions"] = [_compile(doc, xref, first_pass=True)]
        task["uptodate"] = [lambda name=doc.name, xref=xref: actions.compiled_with(name, xref)]
        task["targets"].append(rel(paths.quoted_labels(doc.name)))
    return task


def task_figdata():
    """Compute each figure's data (quick on a CPU, full on a GPU; FIGGEN_MODE overrides)."""
    for name in FIGURES:
        mode = MODES[name]
        npz, js = figpaths.data_paths(name, mode)
        yield {
            "name": name,
            "doc": f"compute figures/data/{name}.{mode}.* with figgen/{name}.py",
            "actions": [(actions.compute_figure, [name])],
            # Current exactly when the recorded hash matches the code and config (not file times).
            "uptodate": [lambda name=name, mode=mode: status.is_current(name, mode)],
            "targets": [rel(npz), rel(js)],
            "clean": True if mode == "quick" else [],  # full-mode data is committed: never clean it
            "verbosity": 2,
        }


# The commit the provenance lines link each figure's module at (only with a repository to link).
SOURCE_COMMIT = forge.head_commit() if PLAN.repository else None


def task_figure():
    """Draw each figure from its saved data (restyling never recomputes)."""
    for name in FIGURES:
        mode = MODES[name]
        yield {
            "name": name,
            "doc": f"draw figures/{name}.pdf from {mode}-mode data",
            "actions": [(actions.plot_figure, [name, PLAN.repository, SOURCE_COMMIT])],
            "file_dep": [*map(rel, figpaths.data_paths(name, mode)), rel(figpaths.module_path(name)),
                         rel(figpaths.FIGGEN / "core" / "style.py")],
            "targets": [rel(figpaths.figure_pdf(name)), rel(figpaths.figure_tex(name)),
                        rel(figpaths.figure_claims(name))],
            "uptodate": [config_changed({"repository": PLAN.repository, "commit": SOURCE_COMMIT})],
            "clean": True,
            "verbosity": 2,
        }


def task_tex():
    """Render each document's LaTeX wrapper from its template and syllabus.yaml."""
    for doc in DOCS.values():
        yield {
            "name": doc.name,
            "doc": f"render {rel(doc.tex)} from templates/{doc.template}",
            "actions": [(actions.render_tex, [doc.name])],
            "file_dep": [rel(paths.SYLLABUS), *[rel(p) for p in sorted(paths.TEMPLATES.glob("*.tex.j2"))]],
            # Of its sources, the wrapper only depends on whether they cite: editing a chapter
            # does not re-render it (nor load the syllabus).
            "uptodate": [config_changed({"cites": PLAN.cites[doc.name], "scripts": PLAN.scripts[doc.name],
                                         "repository": PLAN.repository})],
            "targets": [rel(doc.tex)],
            "clean": True,
        }


def task_preamble():
    """Render the shared preamble (the course's preamble files, course.sty) and precompile it into
    the format every document loads."""
    return {
        "actions": [(actions.build_format, [PLAN.preamble, PLAN.bibliography])],
        # Current while the engine, the syllabus' lists of preamble files and bibliographies, and
        # every file the dump read (the course's preamble files, course.sty, the packages they
        # load, the kernel) are unchanged, as the format's own manifest records: a format restored
        # from a cache is reused without doit's state. Another TeX Live needs a new dump.
        "uptodate": [lambda: preamble.is_current(PLAN.preamble, PLAN.bibliography)],
        "targets": [rel(paths.FORMAT), rel(preamble.MANIFEST), rel(paths.PREAMBLE)],
        "clean": True,
    }


def _inputs(name, doc):
    """What a document is made from, for its version and revisions (git)."""
    return versions.inputs(doc, PLAN.figures[name], PLAN.cites[name], PLAN.preamble, PLAN.bibliography,
                           PLAN.images.get(name, []))


def task_versions():
    """Each document's version from git: date and commit of the last change to what it is made from."""
    inputs = {name: _inputs(name, doc) for name, doc in DOCS.items()}
    return {
        "actions": [(actions.write_versions, [inputs])],
        "targets": [rel(paths.VERSIONS), *[rel(paths.version_file(name)) for name in DOCS]],
        # Current while HEAD and the status of the inputs hold (one `git status`, no clock).
        "uptodate": [lambda: versions.is_current(), config_changed({"inputs": inputs})],
        "clean": True,
    }


def task_revisions():
    """Each released document's revisions from git: later commits that changed its rendered text."""
    inputs = {name: _inputs(name, doc) for name, doc in DOCS.items()}
    return {
        "actions": [(actions.write_revisions, [inputs, PLAN.figures])],
        "targets": [rel(paths.REVISIONS), *[rel(paths.changes_base(name)) for name in DOCS]],
        # Current while HEAD, the syllabus and the day's release decisions hold (no clock).
        "uptodate": [lambda: revisions.is_current(),
                     config_changed({"inputs": inputs, "released": {d.name: d.released for d in DOCS.values()}})],
        "clean": True,
    }


def task_chapter():
    """One PDF per chapter, numbered as in the full notes."""
    for c in PLAN.chapters:
        doc = DOCS[c.stem]
        yield {"name": c.stem, **_pdf_task(doc, f"chapter {c.number}: {c.title} -> {rel(doc.pdf)}",
                                           paths.xref_file(c.stem))}


def task_homework():
    """Homework sheets for students (no solutions)."""
    for h in PLAN.homework:
        doc = DOCS[h.id]
        yield {"name": h.id, **_pdf_task(doc, f"homework {h.number}: {h.title} -> {rel(doc.pdf)}",
                                         paths.xref_file(h.id))}


def _with_solutions():
    """The sheets that have a solutions document (`solutions: false` in syllabus.yaml: none)."""
    return [h for h in PLAN.homework if solutions_name(h.id) in DOCS]


def task_solutions():
    """Homework sheets with their solutions, from the same sources."""
    for h in _with_solutions():
        doc = DOCS[solutions_name(h.id)]
        yield {"name": h.id, **_pdf_task(doc, f"solutions {h.number}: {h.title} -> {rel(doc.pdf)}",
                                         paths.xref_file(h.id))}


def task_checklist():
    """The maths checklist linked from the course page (none when syllabus.yaml has no checklist)."""
    if CHECKLIST in DOCS:
        doc = DOCS[CHECKLIST]
        yield {"basename": "checklist", **_pdf_task(doc, doc_line=f"maths checklist -> {rel(doc.pdf)}")}


def task_notes():
    """The full lecture notes, all chapters with contents and bibliography."""
    doc = DOCS[FULL_NOTES]
    task = _pdf_task(doc, doc_line=f"full lecture notes -> {rel(doc.pdf)}")
    task["targets"].append(rel(doc.aux))
    return task


def task_xref():
    """Numbers of references into the notes, from the full notes, for chapter and homework PDFs:
    those of the labels each document's own compilation found undefined."""
    notes_pdf = DOCS[FULL_NOTES].pdf

    def entry(xref, readers):
        # Links point at the full notes beside the document once both are downloaded from dist/.
        return (rel(xref), [rel(paths.quoted_labels(d.name)) for d in readers],
                os.path.relpath(notes_pdf, readers[0].dist_pdf.parent))

    documents = [entry(paths.xref_file(c.stem), [DOCS[c.stem]]) for c in PLAN.chapters]
    # A sheet and its solutions read one numbers file.
    documents += [entry(paths.xref_file(h.id), [DOCS[n] for n in (h.id, solutions_name(h.id)) if n in DOCS])
                  for h in PLAN.homework]
    return {
        "actions": [(actions.write_xrefs, [documents, rel(DOCS[FULL_NOTES].aux)])],
        # The quoted labels are targets of the documents' own tasks: those run first.
        "file_dep": [rel(DOCS[FULL_NOTES].aux), *[q for _, quoted, _ in documents for q in quoted]],
        "targets": [target for target, _, _ in documents],
        "uptodate": [config_changed({"documents": documents})],
        "clean": True,
    }


def _quoting():
    """Documents that quote numbers of the full notes: each with its own PDF task and the file of
    those numbers."""
    for c in PLAN.chapters:
        yield DOCS[c.stem], f"chapter:{c.stem}", paths.xref_file(c.stem)
    for h in PLAN.homework:
        yield DOCS[h.id], f"homework:{h.id}", paths.xref_file(h.id)
    for h in _with_solutions():
        yield DOCS[solutions_name(h.id)], f"solutions:{h.id}", paths.xref_file(h.id)


def task_renumber():
    """Recompile a chapter or sheet whose numbers from the full notes changed with them (rarely)."""
    for doc, pdf_task, xref in _quoting():
        yield {
            "name": doc.name,
            "doc": f"renumber {rel(doc.pdf)} when the full notes' numbers it quotes change",
            "actions": [(actions.recompile_if_renumbered, [_compile(doc, xref)])],
            "file_dep": [rel(xref)],
            # Also when the numbers did not change but the first pass left the PDF unpublished.
            "uptodate": [lambda name=doc.name, xref=xref: actions.compiled_with(name, xref)],
            "task_dep": [pdf_task],  # never two compilations of one document at once
        }


def task_changes():
    """A "what changed" PDF for each revised document: latexdiff of its sources as released and now."""
    for doc in DOCS.values():
        pdf, base = paths.changes_pdf(doc.name), paths.changes_base(doc.name)
        xref = [rel(paths.xref_file(doc.name if doc.kind == "chapter" else doc.params["homework"]))] \
            if doc.kind in ("chapter", "homework", "solutions") else []
        yield {
            "name": doc.name,
            "doc": f"latexdiff of {doc.title} since its release -> {rel(pdf)} (if revised)",
            "actions": [(actions.write_changes, [doc.name, str(doc.tex), [str(s) for s in doc.sources], str(pdf)])],
            # Rebuilt when the as-released commit (the .base file) or what is diffed and compiled changes.
            "file_dep": [rel(base), rel(doc.tex), *[rel(s) for s in doc.sources if s.exists()], *_latex_inputs(doc),
                         *xref],
            # No target: most documents have no changes PDF, and a missing target would rerun the task.
            "uptodate": [lambda name=doc.name: revisions.changes_current(name)],
            "clean": [(actions.remove_changes, [doc.name, str(pdf)])],
        }


def task_page():
    """The course page dist/index.html, linking every released PDF and its HTML page, and its calendar."""
    released = [d for d in DOCS.values() if d.released]
    return {
        "doc": "course page -> dist/index.html, linking every released PDF and page, and dist/course.ics",
        "actions": [actions.write_page],
        "file_dep": [rel(paths.SYLLABUS), rel(paths.TEMPLATES / "index.html.j2"), rel(paths.TEMPLATES / "course.css"),
                     rel(paths.TEMPLATES / paths.HTML_CSS), rel(DOCS[FULL_NOTES].aux),
                     *[rel(d.pdf) for d in released], rel(paths.REVISIONS),
                     *[rel(d.html) for d in [*PAGES, NOTES] if d.released and HTML_EDITION],
                     # The anchors of the sections a lecture names, on its chapter's page.
                     *[rel(paths.html_labels(d.name)) for d in PAGES if d.kind == "chapter" and d.released and HTML_EDITION]],
        # It reads the final PDFs' sizes and page counts, and which changes PDFs exist.
        "task_dep": ["renumber", "changes", *(["html"] if HTML_EDITION else [])],
        "targets": [rel(paths.DIST / "index.html"), rel(paths.DIST / "course.css"), rel(paths.DIST / "course.ics"),
                    rel(paths.DIST_HTML / paths.HTML_CSS)],
        # The page changes with the day's release decisions (and says which day), not only with its files.
        "uptodate": [config_changed({"released": {d.name: d.released for d in DOCS.values()},
                                     "day": release.decision_date().isoformat(), "preview": release.preview(),
                                     "html": HTML_EDITION, "repository": PLAN.repository})],
        # The page publishes dist/: cleaning it removes everything the build wrote, including what
        # no task of the present syllabus makes any more (coursebuild/actions.py).
        "clean": [clean_targets, actions.remove_build_outputs],
    }


# The HTML edition (coursebuild/html.py): every chapter, sheet and solutions, and the checklist.
# A student's sheet is made from its solutions' conversion, without the solutions (a sheet without
# solutions from its own).
PAGES = [d for d in DOCS.values() if d.kind != "notes"]
# The full notes' page is not converted: it is the released chapters' pages' text on one page
# (coursebuild/onepage.py), so that a browser's find searches them all.
NOTES = DOCS[FULL_NOTES]
ON_ONE_PAGE = [DOCS[c.stem] for c in PLAN.chapters if DOCS[c.stem].released]
CONVERTED = [d for d in PAGES if not (d.kind == "homework" and solutions_name(d.name) in DOCS)]
# The engine's LaTeXML bindings, and the one made from the course's declarations.
BINDINGS = [rel(paths.LATEXML_BINDINGS / "course.sty.ltxml"), rel(paths.LATEXML_BINDINGS / "course-html.ltxml"),
            rel(paths.HTML_DECLARED)]
# What a page's text goes through after LaTeXML (references, figures, layout, checks): a change to it
# redoes the pages' last steps, not the conversions.
HTML_CODE = [rel(paths.ROOT / "coursebuild" / name)
             for name in ("html.py", "mathml.py", "pagelayout.py", "permalinks.py", "onepage.py", "bibliography.py")]


def _converted(doc):
    """The document whose LaTeXML conversion a page is made from."""
    return DOCS.get(solutions_name(doc.name), doc) if doc.kind == "homework" else doc


def task_svg():
    """Each figure as SVG for the HTML edition, from its PDF."""
    for name in FIGURES:
        yield {
            "name": name,
            "doc": f"figures/{name}.pdf -> {rel(paths.html_figure(name))}",
            "actions": [(actions.svg_figure, [name])],
            "file_dep": [rel(figpaths.figure_pdf(name))],
            "targets": [rel(paths.html_figure(name))],
            "clean": True,
        }


def task_image():
    """Each image of the notes that a page shows, for the HTML edition: a PDF as SVG, a PNG or JPEG copied."""
    images = sorted({p for d in CONVERTED for p in PLAN.images.get(d.name, [])})
    if not images:  # a course without images: one task that is always done (an empty group would run)
        return {"actions": [], "uptodate": [True]}
    return ({
        "name": rel(image),
        "doc": f"{rel(image)} -> {rel(paths.html_image(image))}",
        "actions": [(actions.convert_image, [rel(image)])],
        "file_dep": [rel(image)],
        "targets": [rel(paths.html_image(image))],
        "clean": True,
    } for image in images)


def task_htmlbindings():
    """What the course binds for LaTeXML (notes/html-bindings.yaml, optional) as a binding LaTeXML reads."""
    declared = paths.HTML_DECLARATIONS.is_file()
    return {
        "actions": [actions.write_html_bindings],
        "file_dep": [rel(paths.HTML_DECLARATIONS)] if declared else [],
        "targets": [rel(paths.HTML_DECLARED)],
        "uptodate": [config_changed({"declared": declared})],
        "clean": True,
    }


def task_bibxml():
    """The bibliography for the HTML edition."""
    return {
        "actions": [(actions.convert_bibliography, [BIBLIOGRAPHY])],
        # The links it gives identifiers (coursebuild/bibliography.py) are part of it.
        "file_dep": [*BIBLIOGRAPHY, rel(paths.ROOT / "coursebuild" / "bibliography.py")],
        "targets": [rel(paths.HTML_BIBLIOGRAPHY)],
        "clean": True,
    }


def task_latexml():
    """Convert each document's LaTeX to LaTeXML's XML (the slow step of the HTML edition)."""
    for doc in CONVERTED:
        sources = [rel(s) for s in doc.sources if s.exists()]
        # The claims' verdicts too: a claim turned false must stop the page as it stops the PDF.
        figures = _figure_files(doc, drawings=False)
        yield {
            "name": doc.name,
            "doc": f"{rel(doc.tex)} -> {rel(paths.html_xml(doc.name))}",
            "actions": [(actions.convert_html, [doc.name, rel(doc.tex), sources])],
            "file_dep": [rel(doc.tex), *sources, *STYLE, *map(rel, doc.preamble), *BINDINGS, *figures],
            # The wrapper inputs its version file, which the page prints instead (it is not a
            # dependency: a new version changes nothing LaTeXML writes).
            "task_dep": ["versions"],
            "targets": [rel(paths.html_xml(doc.name)), rel(paths.html_labels(doc.name))],
            "clean": True,
        }


def task_htmlrefs():
    """Numbers and anchors each page quotes from other chapters' pages."""
    chapters = [(DOCS[c.stem].name, DOCS[c.stem].dist_html.name) for c in PLAN.chapters]
    names = [d.name for d in CONVERTED]
    return {
        "actions": [(actions.write_html_refs, [names, chapters])],
        "file_dep": [rel(paths.html_labels(n)) for n in names],
        "targets": [rel(paths.html_refs(n)) for n in names],
        "clean": True,
    }


def task_htmlpost():
    """Each page's text as HTML5 with MathML (latexmlpost), references filled in."""
    for doc in PAGES:
        source = _converted(doc)
        yield {
            "name": doc.name,
            "doc": f"{rel(paths.html_xml(source.name))} -> {rel(paths.html_article(doc.name))}",
            "actions": [(actions.write_article, [doc.name, source.name, doc.kind == "homework",
                                                 rel(doc.sources[0])])],
            "file_dep": [rel(paths.html_xml(source.name)), rel(paths.html_refs(source.name)),
                         rel(paths.HTML_BIBLIOGRAPHY), *HTML_CODE],
            "targets": [rel(paths.html_article(doc.name))],
            "clean": True,
        }
    chapters = [d.name for d in ON_ONE_PAGE]
    yield {
        "name": NOTES.name,
        "doc": f"the released chapters' pages on one page -> {rel(paths.html_article(NOTES.name))}",
        "actions": [(actions.write_notes_article, [chapters])],
        "file_dep": [*[rel(paths.html_article(name)) for name in chapters], *HTML_CODE],
        "targets": [rel(paths.html_article(NOTES.name))],
        # A chapter released (or withdrawn) changes which chapters the page holds.
        "uptodate": [config_changed({"chapters": chapters})],
        "clean": True,
    }


def _linkable(doc):
    """The pages a page may link (its neighbours; a sheet's solutions and the chapters it covers):
    coursebuild/navigation.py links them only once they are released."""
    kinds = {"chapter": {"chapter"}, "homework": {"chapter", "homework", "solutions"}}
    return [d for d in PAGES if d.kind in kinds.get("homework" if doc.kind == "solutions" else doc.kind, ())]


def task_html():
    """Each page of the HTML edition, in dist/html/ once released, with the figures it shows; and
    the page of all released chapters."""
    for doc in [*PAGES, NOTES]:
        shows = [d.name for d in ON_ONE_PAGE] if doc is NOTES else [_converted(doc).name]
        yield {
            "name": doc.name,
            "doc": f"{doc.title} -> {rel(doc.html)}",
            "actions": [(actions.write_html_page, [doc.name])],
            "file_dep": [rel(paths.html_article(doc.name)), rel(paths.SYLLABUS), rel(paths.TEMPLATES / "page.html.j2"), *HTML_CODE,
                         rel(paths.ROOT / "coursebuild" / "navigation.py"),
                         rel(paths.version_file(doc.name)), rel(paths.REVISIONS),
                         *sorted({rel(paths.html_figure(f)) for name in shows for f in PLAN.figures[name]}),
                         *sorted({rel(paths.html_image(p)) for name in shows for p in PLAN.images.get(name, [])}),
                         # The numbers and anchors of the sections a sheet links.
                         *[rel(paths.html_labels(d.name)) for d in _linkable(doc) if d.kind == "chapter" and doc.kind != "chapter"]],
            "targets": [rel(doc.html)],
            "uptodate": [config_changed({"released": doc.released, "repository": PLAN.repository,
                                         "scripts": PLAN.scripts[doc.name],
                                         "links": {d.name: d.released for d in _linkable(doc)}})],
            "clean": True,
        }


def task_serve():
    """Serve dist/ on http://127.0.0.1:8000/ for a preview of the course page."""
    return {
        "actions": [f"{sys.executable} -m coursebuild.page 8000"],
        "task_dep": ["page"],
        "uptodate": [False],
        "verbosity": 2,
    }


def task_watch():
    """Rebuild whatever a saved file affects, until Ctrl-C (for writing notes)."""
    return {
        "actions": [f"{sys.executable} -m coursebuild.watch"],
        "uptodate": [False],
        "verbosity": 2,
    }


def task_test():
    """Build what builds, then run the whole test suite (./doit test -m "not slow": the fast part only)."""
    return {
        # The build runs inside the action, past any failure (not as task_dep, which would stop
        # every test when one document fails): the checks of the built course read its failures.
        "actions": [actions.run_tests],
        "pos_arg": "pytest_args",
        "uptodate": [False],
        "verbosity": 2,
    }
