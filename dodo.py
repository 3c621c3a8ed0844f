"""doit tasks that build the course: figures, then LaTeX, then every PDF.

`doit list` reads as a table of contents. This file only declares tasks; the work is done by
coursebuild/ and figgen/, imported lazily so that loading this file stays fast (no torch, no
matplotlib, no figure module at load time).
"""
import os
import sys

from doit import get_var
from doit.tools import config_changed

from coursebuild import actions, loading, paths, release
from coursebuild.documents import FULL_NOTES
from figgen.core import paths as figpaths
from figgen.core import status

DOIT_CONFIG = {
    "default_tasks": ["figure", "tex", "notes", "xref", "chapter", "homework", "solutions", "checklist", "page"],
    "dep_file": str(paths.BUILD / "doit-state.json"),
    "backend": "json",
    "verbosity": 1,
    "action_string_formatting": "new",
    "sort": "definition",
}

loading.apply_command_line_vars(get_var)
loading.recover_state()
PLAN = loading.plan()
DOCS = PLAN.docs
MODES = loading.figure_modes()
FIGURES = list(MODES)
STYLE = [str(p) for p in paths.STYLE_FILES]


def _figure_files(doc):
    return [str(p) for f in PLAN.figures[doc.name] for p in (figpaths.figure_pdf(f), figpaths.figure_tex(f))]


def _pdf_task(doc, extra_deps=(), doc_line=None):
    sources = [str(s) for s in doc.sources if s.exists()]
    return {
        "doc": doc_line or f"{doc.title} -> {paths.rel(doc.pdf)}",
        "actions": [(actions.compile_pdf, [doc.name, str(doc.tex), str(doc.outdir), str(doc.pdf),
                                           None if doc.released else str(doc.dist_pdf),
                                           [str(s) for s in doc.sources]])],
        "file_dep": [str(doc.tex), *sources, *STYLE, str(paths.BIBLIOGRAPHY), *_figure_files(doc), *extra_deps],
        "targets": [str(doc.pdf)],
        "clean": True,
    }


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
            "targets": [str(npz), str(js)],
            "clean": True if mode == "quick" else [],  # full-mode data is committed: never clean it
            "verbosity": 2,
        }


def task_figure():
    """Draw each figure from its saved data (restyling never recomputes)."""
    for name in FIGURES:
        mode = MODES[name]
        yield {
            "name": name,
            "doc": f"draw figures/{name}.pdf from {mode}-mode data",
            "actions": [(actions.plot_figure, [name, PLAN.repository])],
            "file_dep": [*map(str, figpaths.data_paths(name, mode)), str(figpaths.module_path(name)),
                         str(figpaths.FIGGEN / "core" / "style.py")],
            "targets": [str(figpaths.figure_pdf(name)), str(figpaths.figure_tex(name))],
            "uptodate": [config_changed({"repository": PLAN.repository})],
            "clean": True,
            "verbosity": 2,
        }


def task_tex():
    """Render each document's LaTeX wrapper from its template and syllabus.yaml."""
    for doc in DOCS.values():
        yield {
            "name": doc.name,
            "doc": f"render {paths.rel(doc.tex)} from templates/{doc.template}",
            "actions": [(actions.render_tex, [doc.name])],
            "file_dep": [str(paths.SYLLABUS), *[str(p) for p in sorted(paths.TEMPLATES.glob("*.tex.j2"))],
                         *[str(s) for s in doc.sources if s.exists()]],
            "targets": [str(doc.tex)],
            "clean": True,
        }


def task_notes():
    """The full lecture notes, all chapters with contents and bibliography."""
    doc = DOCS[FULL_NOTES]
    task = _pdf_task(doc, doc_line=f"full lecture notes -> {paths.rel(doc.pdf)}")
    task["targets"].append(str(doc.aux))
    return task


def task_xref():
    """Numbers of references into the notes, from the full notes, for chapter and homework PDFs."""
    notes_pdf = DOCS[FULL_NOTES].pdf

    def entry(ident, source, doc):
        # Links point at the full notes beside the document once both are downloaded from dist/.
        return (ident, str(source), str(paths.xref_file(doc.name if doc.kind == "chapter" else ident)),
                os.path.relpath(notes_pdf, doc.dist_pdf.parent))

    documents = [entry(c.id, paths.chapter_source(c.id), DOCS[c.stem]) for c in PLAN.chapters]
    documents += [entry(h.id, paths.homework_source(h.id), DOCS[h.id]) for h in PLAN.homework]
    return {
        "actions": [(actions.write_xrefs, [documents, str(DOCS[FULL_NOTES].aux)])],
        "file_dep": [str(DOCS[FULL_NOTES].aux), *[src for _, src, _, _ in documents if os.path.exists(src)]],
        "targets": [target for _, _, target, _ in documents],
        "uptodate": [config_changed({"documents": documents})],
        "clean": True,
    }


def task_chapter():
    """One PDF per chapter, numbered as in the full notes."""
    for c in PLAN.chapters:
        doc = DOCS[c.stem]
        yield {"name": c.stem, **_pdf_task(doc, [str(paths.xref_file(c.stem))],
                                           f"chapter {c.number}: {c.title} -> {paths.rel(doc.pdf)}")}


def task_homework():
    """Homework sheets for students (no solutions)."""
    for h in PLAN.homework:
        doc = DOCS[h.id]
        yield {"name": h.id, **_pdf_task(doc, [str(paths.xref_file(h.id))],
                                         f"homework {h.number}: {h.title} -> {paths.rel(doc.pdf)}")}


def task_solutions():
    """Homework sheets with their solutions, from the same sources."""
    for h in PLAN.homework:
        doc = DOCS[f"{h.id}-solutions"]
        yield {"name": h.id, **_pdf_task(doc, [str(paths.xref_file(h.id))],
                                         f"solutions {h.number}: {h.title} -> {paths.rel(doc.pdf)}")}


def task_checklist():
    """The maths checklist linked from the course page."""
    return _pdf_task(DOCS["maths-checklist"], doc_line=f"maths checklist -> {paths.rel(DOCS['maths-checklist'].pdf)}")


def task_page():
    """The course page dist/index.html, linking every released PDF."""
    released = [d for d in DOCS.values() if d.released]
    return {
        "doc": "course page -> dist/index.html",
        "actions": [actions.write_page],
        "file_dep": [str(paths.SYLLABUS), str(paths.TEMPLATES / "index.html.j2"), str(paths.TEMPLATES / "course.css"),
                     str(DOCS[FULL_NOTES].aux), *[str(d.pdf) for d in released]],
        "targets": [str(paths.DIST / "index.html"), str(paths.DIST / "course.css")],
        # The page changes with the day's release decisions (and says which day), not only with its files.
        "uptodate": [config_changed({"released": {d.name: d.released for d in DOCS.values()},
                                     "day": release.decision_date().isoformat(), "preview": release.preview()})],
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
    """Run the whole test suite (pytest)."""
    return {
        "actions": [f"{sys.executable} -m pytest -q -ra tests"],
        "uptodate": [False],
        "verbosity": 2,
    }
