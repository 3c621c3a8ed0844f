"""Rendering each document's LaTeX wrapper from syllabus.yaml and its template."""
from __future__ import annotations

from corelib import atomic
from coursebuild import paths, render
from coursebuild.documents import Document, cites
from coursebuild.preamble import latex_file
from coursebuild.syllabus import Syllabus


def lectures_with(s: Syllabus, kind: str, ref: str):
    return [lec for lec in s.schedule if any(m.kind == kind and m.ref == ref for m in lec.materials)]


def context(doc: Document, s: Syllabus) -> dict:
    ctx = {
        "course": s.course,
        "template_name": doc.template,
        "pdf_title": doc.title if doc.kind == "notes" else f"{s.course.title}: {doc.title}",
        "has_citations": cites(doc.sources, without_solutions=doc.kind == "homework"),
        # Its version is a file of its own (from git, by the versions task), so that a new commit
        # recompiles only the documents whose version it changed, and re-renders no wrapper.
        "version_name": paths.version_file(doc.name).name,
    }
    if doc.kind == "notes":
        ctx["chapters"] = s.chapters
    elif doc.kind == "chapter":
        chapter = s.chapter(doc.params["chapter"])
        ctx.update(chapter=chapter, lectures=lectures_with(s, "chapter", chapter.id),
                   xref_name=paths.xref_file(chapter.stem).name)
    elif doc.kind in ("homework", "solutions"):
        sheet = s.sheet(doc.params["homework"])
        lectures = lectures_with(s, "homework", sheet.id)
        ctx.update(sheet=sheet, solutions=doc.params["solutions"], lecture=lectures[0] if lectures else None,
                   due=s.due(sheet.id), xref_name=paths.xref_file(sheet.id).name,
                   sheet_preamble=[latex_file(paths.rel(f)) for f in doc.preamble])
        if doc.params["solutions"]:
            ctx["pdf_title"] += " (solutions)"
    elif doc.kind == "checklist":
        # \input takes the source by its path from the project's root, where LaTeX runs (a path the
        # loader allows letters, digits and _./- only in: nothing to escape).
        ctx.update(checklist=s.checklist, checklist_input=render.Raw(s.checklist.source.removesuffix(".tex")))
    return ctx


def render_document(doc: Document, s: Syllabus) -> str:
    return render.render_latex(doc.template, **context(doc, s))


def write_document(doc: Document, s: Syllabus) -> bool:
    """Render and write the wrapper only if its text changed, so unchanged documents do not rebuild."""
    return atomic.write_text_if_changed(doc.tex, render_document(doc, s))
